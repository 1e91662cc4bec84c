"""A real server for the MCP tests: the app under uvicorn on a free local port, reached by the official SDK's
clients over real sockets (streamable HTTP, SSE) or as a child process (stdio)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mcp_types as types
import msgspec
import pytest
import uvicorn

from engineering_api.app import create_app, create_services
from engineering_api.config import Settings
from engineering_api.jobs.operations import Operation, OperationContext, RouteSpec
from engineering_api.lib.schema import CamelStruct
from engineering_api.services import Services
from tools.ports import free_port
from tools.bounds import HANG_GUARD_S

START_TIMEOUT_S = HANG_GUARD_S


class SlowInput(CamelStruct):
    """How long the slow test operation runs."""

    steps: int = 50
    """How many steps to run, each reporting progress (default 50)."""
    step_seconds: float = 0.05
    """Length of each step in seconds (default 0.05)."""


def _slow(context: OperationContext, data: SlowInput) -> dict[str, int]:
    for step in range(data.steps):
        context.check_canceled()
        context.progress(int(100 * step / data.steps), f"step {step + 1} of {data.steps}")
        time.sleep(data.step_seconds)
    return {"steps": data.steps}


SLOW = Operation(
    name="tests.slow", summary="A long test job that reports progress and honours cancellation.",
    section="Test Harness", handler=_slow, input=SlowInput, output=dict[str, int],
    route=RouteSpec("POST", "/api/tests/slow-sync"), long_running=True, mutating=True,
)
"""Only the MCP tests' server has it: a long job whose progress and cancellation the tests can watch."""


@dataclass
class Live:
    """A running server and keys of each role for it."""

    base: str
    services: Services
    data_dir: Path
    keys: dict[str, str]

    def headers(self, role: str = "engineer", **extra: str) -> dict[str, str]:
        """``X-API-Key`` of the role's key (plus any extra headers)."""
        return {"X-API-Key": self.keys[role], **extra}


@contextmanager
def live_server(settings: Settings, *extra: Operation[Any, Any]) -> Iterator[Live]:
    """The app for ``settings`` under uvicorn on a free local port, with keys of each role (and ``extra``
    operations registered)."""
    services = create_services(settings)
    for operation in extra:
        services.operations.add(operation)
    app = create_app(settings, services=services)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="mcp-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the test server did not start")
        time.sleep(0.02)
    keys = {role: services.keys.create(f"mcp-{role}", role)[1] for role in ("viewer", "engineer", "admin")}
    try:
        yield Live(base=f"http://127.0.0.1:{port}", services=services, data_dir=settings.data_dir, keys=keys)
    finally:
        server.should_exit = True
        thread.join(HANG_GUARD_S)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """One server per test module; each module starts from an empty data directory."""
    with live_server(Settings.from_env(data_dir=tmp_path_factory.mktemp("mcp")), SLOW) as server:
        yield server


def hints(tool: types.Tool) -> types.ToolAnnotations:
    """A tool's annotations, checked to be there (the server annotates every tool)."""
    assert tool.annotations is not None, tool.name
    return tool.annotations


def structured(result: Any) -> Any:
    """A tool result's structuredContent as plain data."""
    return msgspec.json.decode(msgspec.json.encode(result.structured_content))


@pytest.fixture
def anyio_backend() -> str:
    """The tests' async runner for every test of this folder marked ``anyio``: asyncio (the SDK's)."""
    return "asyncio"
