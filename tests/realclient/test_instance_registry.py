"""Two ``engineering-api serve`` processes on one machine, as T-IA Connect's client meets them: the second takes the
next free port of 9000-9100, both record ``{Pid, Port, Url}`` in the instance registry the client reads
(``$APPDATA/FeelAutomCorp/T-IA-Connect/instances.json``), a killed server's entry is dropped by the one still
running, and a server stopped through ``POST /api/health/shutdown`` removes its own.

The client's side is its own code: ``discoverRunningInstance`` of ``src/install/serverDetector.ts``, bundled and run
by ``driver.mjs --discover`` (skipped, with the reason, where node or the client's source is missing)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from engineering_api.cli import FALLBACK_PORTS
from engineering_api.lib.instance_registry import registry_path
from tools.bounds import HANG_GUARD_S
from tests.realclient.conftest import serve

if TYPE_CHECKING:
    from collections.abc import Callable

DRIVER = os.path.join(os.path.dirname(__file__), "driver.mjs")


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + HANG_GUARD_S
    while not condition():
        assert time.monotonic() < deadline, f"not within {HANG_GUARD_S}s: {what}"
        time.sleep(0.1)


def _entries(path: Path) -> list[dict[str, Any]]:
    try:
        return list(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return []


def _client_discovers(appdata: Path) -> dict[str, Any] | None:
    """What the vendor client's ``discoverRunningInstance()`` returns with this ``APPDATA``."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the vendor client's discovery needs Node.js 18+")
    run = subprocess.run([node, DRIVER, "--discover"], capture_output=True, text=True, timeout=240, check=False,
                         env={**os.environ, "APPDATA": str(appdata)})
    if run.returncode == 3:
        pytest.skip(run.stdout.strip() or "the vendor client cannot be loaded")
    assert run.returncode == 0, run.stdout + run.stderr
    found = json.loads(run.stdout.strip().splitlines()[-1])
    return found if isinstance(found, dict) else None


def test_two_servers_share_a_machine_and_the_client_finds_them(tmp_path: Path) -> None:
    appdata = tmp_path / "appdata"
    env = {"APPDATA": str(appdata)}
    registry = registry_path(env)
    with contextlib.ExitStack() as stack:
        first = stack.enter_context(contextlib.contextmanager(serve)(tmp_path / "one", own_port=False, env=env))
        second = stack.enter_context(contextlib.contextmanager(serve)(tmp_path / "two", own_port=False, env=env))
        ports = [int(s.base.rsplit(":", 1)[1]) for s in (first, second)]
        assert ports[0] != ports[1] and all(p in FALLBACK_PORTS for p in ports), ports
        assert "is taken: serving on" in second.output() or ports[0] != FALLBACK_PORTS.start, second.output()
        assert _entries(registry) == [
            {"Pid": first.process.pid, "Port": ports[0], "Url": first.base},
            {"Pid": second.process.pid, "Port": ports[1], "Url": second.base},
        ]
        # the client takes the first entry: the older live server
        found = _client_discovers(appdata)
        assert found is not None and found["Port"] == ports[0] and found["Url"] == first.base, found

        # a server killed outright cannot remove itself: the one still running drops its entry
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(HANG_GUARD_S)
        _until(lambda: [e["Pid"] for e in _entries(registry)] == [second.process.pid],
               "the killed server's entry is dropped")
        found = _client_discovers(appdata)
        assert found is not None and found["Url"] == second.base, found

        # a server stopped as the client stops it removes its own entry on the way out
        stop = httpx.post(f"{second.base}/api/health/shutdown", headers={"X-API-Key": second.admin_key},
                          timeout=HANG_GUARD_S)
        assert stop.status_code == 202, stop.text
        assert second.wait_exit(HANG_GUARD_S) == 0, second.output()
        assert _entries(registry) == []
        assert _client_discovers(appdata) is None


def test_an_explicit_port_that_is_taken_is_refused_not_moved(tmp_path: Path) -> None:
    env = {"APPDATA": str(tmp_path / "appdata")}
    with contextlib.contextmanager(serve)(tmp_path / "one", env=env) as first:
        port = first.base.rsplit(":", 1)[1]
        run = subprocess.run(
            [str(Path(sys.executable).with_name("engineering-api")), "serve", "--data-dir", str(tmp_path / "two"),
             "--port", port, "--backend", "fake"],
            capture_output=True, text=True, timeout=HANG_GUARD_S, check=False,
            env={k: v for k, v in os.environ.items() if not k.startswith("ENGINEERING_API_")} | env,
        )
        assert run.returncode == 2, run.stdout + run.stderr
        assert f"cannot listen on 127.0.0.1:{port}" in run.stderr
        assert [e["Port"] for e in _entries(registry_path(env))] == [int(port)]
