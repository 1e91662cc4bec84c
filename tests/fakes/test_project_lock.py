"""The project lock names host, process and portal, so portals of other processes (farm agents on shared storage)
never open one project twice; on this host it is an OS lock (``flock``) held by its process, so a lock no live
process holds (its process dead, a zombie, or its id reused) is stale and replaced, as TIA replaces its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from engineering_api.backend.errors import LockedError
from fakes.portal import foreign_holder, release_lock, take_lock
from fakes.project_files import LOCK_NAME
from tests.lib.outcomes import raises_code


def _write(folder, **lock):
    (folder / LOCK_NAME).write_text(json.dumps({"pid": 7400, "openedAt": "2026-01-01T00:00:00Z", **lock}))


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_live_process_on_this_host_holds_its_lock(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys; from pathlib import Path; from fakes.portal import take_lock; "
        f"take_lock(Path({str(tmp_path)!r}), 7400); print('held', flush=True); sys.stdin.read()")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        assert foreign_holder(tmp_path) is not None
        caught = raises_code(LockedError, "PROJECT_LOCKED", take_lock, tmp_path, 7404)
        assert caught.details == {"holderPid": 7400, "holderHost": os.uname().nodename}
        assert "already opened by TIA Portal pid 7400 on host" in str(caught)
        release_lock(tmp_path, 7400)
        assert (tmp_path / LOCK_NAME).exists(), "another process's lock is never released by this one"
    finally:
        holder.communicate("")  # it ends, and its lock with it
    assert foreign_holder(tmp_path) is None
    take_lock(tmp_path, 7404)
    release_lock(tmp_path, 7404)


def test_a_lock_naming_a_live_process_that_does_not_hold_it_is_stale(tmp_path):
    """A reused process id (a container restarted on its volume starts its processes at the same low ids): the
    process the lock names runs, but does not hold the lock, so the lock is stale."""
    parent = os.getppid()  # alive while the test runs, and not this process
    _write(tmp_path, host=os.uname().nodename, process=parent)
    assert foreign_holder(tmp_path) is None
    take_lock(tmp_path, 7404)
    assert json.loads((tmp_path / LOCK_NAME).read_text())["process"] == os.getpid()
    release_lock(tmp_path, 7404)
    assert not (tmp_path / LOCK_NAME).exists()


def test_a_portal_on_another_host_holds_its_lock(tmp_path):
    _write(tmp_path, host="tia-host-2", process=4242)
    holder = foreign_holder(tmp_path)
    assert holder is not None and holder["host"] == "tia-host-2"
    with pytest.raises(LockedError):
        take_lock(tmp_path, 7400)


def test_a_dead_process_lock_is_stale_and_replaced(tmp_path):
    _write(tmp_path, host=os.uname().nodename, process=_dead_pid())
    assert foreign_holder(tmp_path) is None
    take_lock(tmp_path, 7404)
    held = json.loads((tmp_path / LOCK_NAME).read_text())
    assert held["pid"] == 7404 and held["process"] == os.getpid()
    release_lock(tmp_path, 7404)
    assert not (tmp_path / LOCK_NAME).exists()


def test_a_lock_file_being_written_is_waited_for_not_replaced(tmp_path, monkeypatch):
    """Two agents racing: one has created the lock file (exclusively) and not yet written who holds it. The other
    must wait for the body and lose, not take the empty file for a stale one and open the project as well."""
    (tmp_path / LOCK_NAME).write_text("")
    writer = subprocess.Popen([sys.executable, "-c", (
        "import json, os, sys, time; time.sleep(0.2); "
        f"open({str(tmp_path / LOCK_NAME)!r}, 'w').write(json.dumps({{'pid': 7400, 'host': 'tia-host-2', "
        "'process': 4242, 'openedAt': '2026-01-01T00:00:00Z'}))")])
    try:
        with pytest.raises(LockedError) as caught:
            take_lock(tmp_path, 7401)
    finally:
        writer.wait()
    assert caught.value.details["holderHost"] == "tia-host-2"


def test_a_lock_file_left_empty_by_a_dead_writer_is_stale_after_the_grace(tmp_path, monkeypatch):
    import fakes.project_lock as project_lock

    monkeypatch.setattr(project_lock, "LOCK_WRITE_GRACE", 0.05)
    (tmp_path / LOCK_NAME).write_text("")
    take_lock(tmp_path, 7402)
    assert json.loads((tmp_path / LOCK_NAME).read_text())["pid"] == 7402
