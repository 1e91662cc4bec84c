"""Documents from outside read with bounds, through a real ``engineering-api serve`` (issue 88).

A webhook document nested 100,000 deep was a 500 (``json.loads`` ran out of recursion); now it is the webhook's
422 naming the depth, nothing written. ``instances.json``, the instance registry ``serve`` records itself in, as a
link to ``/dev/zero`` crashed the start, and as a FIFO or with its lock held by another process the start hung
silently; now each is one warning line naming the file (and the lock's holder), and the server starts and answers.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any, cast

import httpx
import pytest

from engineering_api.lib.instance_registry import registry_path
from tests.realclient.conftest import serve
from tools.bounds import HANG_GUARD_S, until

if TYPE_CHECKING:
    from pathlib import Path

pytest.importorskip("fakes.runtime.image", reason="the simulated PLC engine (fakes.runtime.image) is not present")


def _data(answer: httpx.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()["data"]


def test_a_webhook_document_nested_100000_deep_is_a_422_and_writes_nothing(tmp_path: Path) -> None:
    from tests.api.runtime_users import login, make_user
    from tests.api.runtime_plant import download_line
    from tests.api.runtime_pulls import SETPOINT, read
    from tests.conftest import CPU

    with contextlib.contextmanager(serve)(tmp_path / "data") as served, \
            httpx.Client(base_url=served.base, timeout=HANG_GUARD_S) as client:
        h = {"X-API-Key": served.admin_key}
        _data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=h))
        _data(client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"},
                          headers=h))
        download_line(client, h)
        make_user(cast("Any", client), h, "erp", ["read", "write"])  # it takes the test client, an httpx.Client
        erp = login(client, "erp")
        pull = _data(client.post("/api/runtime/pulls", json={"name": "Orders in", "acceptWebhook": True, "mapping": [
            {"tag": SETPOINT, "path": "order.setpoint"}]}, headers=h), 201)
        hook = f"/api/runtime/pulls/{pull['pullId']}/webhook"
        before = read(client, erp, SETPOINT)
        deep = b'{"order": {"setpoint": 1.5, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
        answer = client.post(hook, content=deep, headers={**erp, "Content-Type": "application/json"})
        assert answer.status_code == 422, (answer.status_code, answer.text[:500])
        assert answer.json()["code"] == "PULL_MAPPING_FAILED"
        assert "nested more than 256 levels deep" in answer.json()["message"], answer.json()
        # XML goes through the one hardened parser, whose depth limit is libxml2's
        deep_xml = b"<order><setpoint>1.5</setpoint>" + b"<x>" * 100_000 + b"</x>" * 100_000 + b"</order>"
        answer = client.post(hook, content=deep_xml, headers={**erp, "Content-Type": "application/xml"})
        assert answer.status_code == 422 and answer.json()["code"] == "PULL_MAPPING_FAILED", answer.text[:500]
        assert read(client, erp, SETPOINT) == before
        assert "Traceback" not in served.output()


def _serve_with_registry(tmp_path: Path) -> tuple[dict[str, str], Path]:
    appdata = tmp_path / "appdata"
    registry = registry_path({"APPDATA": str(appdata)})
    registry.parent.mkdir(parents=True)
    return {"APPDATA": str(appdata)}, registry


@pytest.mark.parametrize("kind", ["link to /dev/zero", "FIFO"])
def test_a_registry_that_is_no_regular_file_is_refused_and_the_server_starts(tmp_path: Path, kind: str) -> None:
    env, registry = _serve_with_registry(tmp_path)
    if kind == "FIFO":
        os.mkfifo(registry)
    else:
        registry.symlink_to("/dev/zero")
    with contextlib.contextmanager(serve)(tmp_path / "data", env=env) as served:
        assert httpx.get(f"{served.base}/api/health", timeout=HANG_GUARD_S).status_code == 200
        output = served.output()
    warning = [line for line in output.splitlines() if "instance registry" in line]
    assert warning and warning[0].startswith("warning: cannot write the instance registry: "), output
    assert str(registry) in warning[0] and ("a device" in warning[0] or "a FIFO" in warning[0]), warning
    assert "Traceback" not in output
    assert registry.is_symlink() or registry.is_fifo(), "the file is left as it was"


def test_a_registry_locked_by_another_process_times_out_naming_the_holder(tmp_path: Path) -> None:
    env, registry = _serve_with_registry(tmp_path)
    lock = registry.with_name(registry.name + ".lock")
    holder = subprocess.Popen(  # holds the registry's lock until its input closes
        [sys.executable, "-c", "import fcntl, sys; f = open(sys.argv[1], 'a+b'); fcntl.flock(f, fcntl.LOCK_EX); "
         "print('locked', flush=True); sys.stdin.read()", str(lock)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with open(lock, "rb") as probe:  # the holder's lock is there: this process cannot take it
            with pytest.raises(BlockingIOError):
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with contextlib.contextmanager(serve)(tmp_path / "data", env=env) as served:
            until(lambda: "instance registry" in served.output(), "the registry's line")
            output = served.output()
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(HANG_GUARD_S)
    warning = [line for line in output.splitlines() if "instance registry" in line]
    assert warning[0].startswith("warning: cannot write the instance registry: "), output
    assert str(lock) in warning[0] and f"held by process {holder.pid}" in warning[0], warning
