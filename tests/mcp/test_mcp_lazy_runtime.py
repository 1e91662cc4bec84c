"""The MCP SDK and the tool catalogue are loaded while the app starts, in a thread of their own: the first MCP
request after ``/api/health`` answers waits for no import. When that load failed, the first MCP requests build the
SDK's server and transports once, even when two of them race."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Literal

import pytest

from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.mcp import runtime as runtime_module
from engineering_api.mcp import transports as transports_module
from tools.work_count import AsgiDriver
from tools.bounds import HANG_GUARD_S

ROOT = Path(__file__).resolve().parents[2]
INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                         "clientInfo": {"name": "lazy-test", "version": "1"}}}
ACCEPT = {"accept": "application/json, text/event-stream"}

# Starts the app (its lifespan) and asks /api/health; from then on an import of the SDK's side or a build of the
# tool catalogue fails; then one MCP request. Prints what was loaded, and by which thread.
_STARTUP = """
import asyncio, json, sys, threading
from pathlib import Path
from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.mcp import runtime, tools
from tools.work_count import AsgiDriver

loaded_by = []
warm = runtime._warm

def watched_warm(services):
    loaded_by.append(threading.current_thread().name)
    return warm(services)

def refused(*args):
    raise AssertionError("loaded after the start")

runtime._warm = watched_warm

def sdk():
    return sorted(m for m in sys.modules if m == "mcp" or m.startswith("mcp."))

async def main(data_dir):
    app = create_app(Settings.from_env(data_dir=data_dir))
    assert sdk() == [], sdk()  # building the app loads none of it
    async with AsgiDriver(app).running() as driver:
        key = {"x-api-key": (data_dir / "api.secret").read_text(encoding="utf-8").strip()}
        health = (await driver.call("GET", "/api/health"))[0]
        runtime._load_transports = tools._catalog_of = refused
        status, answer = await driver.call("POST", "/mcp", {**key, **json.loads(sys.argv[2])}, json.loads(sys.argv[3]))
        print(json.dumps({"health": health, "sdk": len(sdk()), "mcp": status, "loaded_by": loaded_by,
                          "loop": threading.current_thread().name,
                          "server": answer["result"]["serverInfo"]["name"]}))

asyncio.run(main(Path(sys.argv[1])))
"""


def test_the_first_mcp_request_after_start_waits_for_no_import(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", _STARTUP, str(tmp_path), json.dumps(ACCEPT), json.dumps(INITIALIZE)],
                          cwd=ROOT, capture_output=True, text=True, timeout=HANG_GUARD_S, check=False)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["health"] == 200 and seen["sdk"] > 0
    assert seen["loaded_by"] == ["mcp-warm-up"] and seen["loop"] != "mcp-warm-up"  # off the event loop's thread
    assert seen["mcp"] == 200 and seen["server"] == "engineering-api"  # nothing left to load: it answered


class _CountingLock(asyncio.Lock):
    """The runtime's lock, telling when a second request waits for it."""

    def __init__(self, second: threading.Event) -> None:
        super().__init__()
        self.tries = 0
        self._second = second

    async def acquire(self) -> Literal[True]:
        self.tries += 1
        if self.tries == 2:
            self._second.set()
        return await super().acquire()


def test_two_first_mcp_requests_build_one_runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    second = threading.Event()
    builds: list[Any] = []
    starts: list[Any] = []
    build, serve = transports_module.McpTransports.__init__, transports_module.McpTransports.serve_streamable
    load = runtime_module._load_transports

    def held_load() -> Any:
        # The first request's build waits (in its worker thread) until the second request waits for the lock.
        assert second.wait(timeout=HANG_GUARD_S), "the second request never reached the runtime's lock"
        return load()

    def counted_build(self: Any, *args: Any, **kwargs: Any) -> None:
        builds.append(self)
        build(self, *args, **kwargs)

    async def counted_serve(self: Any, **kwargs: Any) -> None:
        starts.append(self)
        await serve(self, **kwargs)

    def failed_warm_up(services: Any) -> Any:
        raise OSError("a load at start that failed")

    monkeypatch.setattr(runtime_module, "_warm", failed_warm_up)  # so the first requests load it
    monkeypatch.setattr(runtime_module, "_load_transports", held_load)
    monkeypatch.setattr(transports_module.McpTransports, "__init__", counted_build)
    monkeypatch.setattr(transports_module.McpTransports, "serve_streamable", counted_serve)

    async def scenario() -> None:
        app = create_app(Settings.from_env(data_dir=tmp_path))
        runtime = app.state.mcp
        async with AsgiDriver(app).running() as driver:
            key: dict[str, str] = {"x-api-key": (tmp_path / "api.secret").read_text(encoding="utf-8").strip()}
            assert runtime.transports is None  # the load at start failed
            lock = runtime._lock = _CountingLock(second)
            answers = await asyncio.gather(*(driver.call("POST", "/mcp", {**key, **ACCEPT}, INITIALIZE)
                                             for _ in range(2)))
            assert [status for status, _ in answers] == [200, 200], answers
            assert all(answer["result"]["serverInfo"]["name"] == "engineering-api" for _, answer in answers)
            assert lock.tries == 2
            assert len(builds) == 1 and len(starts) == 1 and builds[0] is runtime.transports
            assert len(runtime.sessions) == 2  # one session each, on the one manager
            assert runtime.transports.manager is not None
        assert runtime.transports.manager is None  # the lifespan's end stopped the session manager

    asyncio.run(scenario())
