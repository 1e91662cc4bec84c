"""Git lock files left by a killed process are recovered; a lock a live process holds answers 409 (issue 48 item 2).

A kill -9 during a pull's fetch left ``refs/remotes/origin/main.lock``, and every later pull answered 500 until
someone deleted the file by hand; a stale ``index.lock`` made commit-sync answer 500 with the commit recorded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend.errors import ConflictError
from engineering_api.domain.sourcecontrol.locks import OWNER_FILE, recover_stale_locks
from tests.api.source_control_support import SC, commit, git, needs_git, put_block, repo_of
from tests.conftest import data
from tests.lib.outcomes import raises_code

HOLDER = """
import fcntl, sys, time
handle = open(sys.argv[1], "ab")
fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(600)
"""


@pytest.fixture
def h(admin_headers: dict[str, str], cpu: dict[str, Any]) -> dict[str, str]:
    return admin_headers


def _stale(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")  # as libgit2 leaves it: created, never renamed into place
    return path


@needs_git
def test_stale_locks_of_a_dead_process_are_recovered_by_pull_and_commit(client: Any, h: dict[str, str],
                                                                         services: Any, workspace: Path) -> None:
    data(client.post(f"{SC}/init", headers=h))
    put_block(client, h, "FB_Motor", "#Speed := 1;")
    first = commit(client, h, "one")
    bare = workspace / "repos" / "line1.git"
    git("init", "-q", "--bare", "-b", "main", str(bare))
    data(client.post(f"{SC}/remotes", json={"Name": "origin", "Url": "repos/line1.git"}, headers=h))
    data(client.post(f"{SC}/push", json={}, headers=h))
    git_dir = repo_of(services) / ".git"
    # A pull killed during its fetch, and a commit killed while it wrote the index:
    locks = [_stale(git_dir / "refs/remotes/origin/main.lock"), _stale(git_dir / "index.lock"),
             _stale(git_dir / "refs/heads/main.lock")]
    pulled = client.post(f"{SC}/pull", json={}, headers=h)
    assert pulled.status_code == 200, pulled.text
    assert not any(lock.exists() for lock in locks)
    put_block(client, h, "FB_Motor", "#Speed := 2;")
    _stale(git_dir / "index.lock")
    answer = client.post(f"{SC}/commit-sync", json={"Message": "two"}, headers=h)
    assert answer.status_code == 200, answer.text
    log = data(client.get(f"{SC}/log", headers=h))
    assert [entry["message"].strip() for entry in log][:2] == ["two", "one"] and log[1]["sha"] == first["sha"]
    assert data(client.get(f"{SC}/status", headers=h))["changedFilesCount"] == 0


@pytest.mark.skipif(os.name == "nt", reason="the holder process locks with fcntl")
def test_a_lock_of_a_live_process_is_a_409_and_kept_until_that_process_dies(tmp_path: Path) -> None:
    git_dir = tmp_path / "repo" / ".git"
    git_dir.mkdir(parents=True)
    lock = _stale(git_dir / "refs/remotes/origin/main.lock")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(git_dir / OWNER_FILE)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        error = raises_code(ConflictError, "REPOSITORY_LOCKED", recover_stale_locks, git_dir)
        assert error.details["lockFile"] == "refs/remotes/origin/main.lock"
        assert lock.exists()
    finally:
        holder.send_signal(signal.SIGKILL)  # as a kill -9: the OS releases its lock
        holder.wait(timeout=60)
    assert recover_stale_locks(git_dir) == [lock] and not lock.exists()
