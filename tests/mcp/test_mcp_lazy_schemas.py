"""A tool's schemas are built when first asked for, not with the catalogue: the start no longer pays about a second
of CPU for 350 tools' schemas. The warm-up thread builds the core profile's after the start, and a listing of
tools whose schemas are not built yet builds them off the event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import msgspec
import pytest

from engineering_api.app import create_app, registry
from engineering_api.config import Settings
from engineering_api.mcp import runtime as runtime_module
from engineering_api.mcp import tool_types
from engineering_api.mcp.profiles import CORE
from engineering_api.mcp.tools import ToolCatalog, schemas_ready, tool_catalog
from tools.work_count import AsgiDriver
from tools.bounds import HANG_GUARD_S

__all__ = ()


def _built(spec: Any) -> bool:
    return "input_schema" in spec.__dict__ and "output_schema" in spec.__dict__


def test_the_catalogue_builds_no_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    operations = registry()
    schemas: list[object] = []
    real = msgspec.json.schema

    def counted(*args: Any, **kwargs: Any) -> Any:
        schemas.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(msgspec.json, "schema", counted)
    catalog = ToolCatalog(operations)
    specs = catalog.tools()
    assert len(specs) > 300 and schemas == [] and not any(_built(spec) for spec in specs)
    # asked for, each is what it always was: the Struct's schema at the root, a confirm flag on destructive tools
    delete = catalog.get("blocks_delete")
    assert delete is not None and "confirm" in delete.input_schema["properties"] and schemas
    assert delete.input_schema is delete.input_schema  # built once


def test_a_listing_builds_missing_schemas_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    specs = ToolCatalog(registry()).tools()[:20]
    threads: list[str] = []
    real = tool_types.ToolSpec.__dict__["input_schema"].func

    def recorded(self: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(self)

    monkeypatch.setattr(tool_types.ToolSpec.__dict__["input_schema"], "func", recorded)

    async def scenario() -> str:
        assert await schemas_ready(specs) is specs
        return threading.current_thread().name

    loop_thread = asyncio.run(scenario())
    assert len(threads) == 20 and loop_thread not in threads and all(_built(spec) for spec in specs)


def test_the_warm_up_builds_the_core_profiles_schemas_after_the_start(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = create_app(Settings.from_env(data_dir=tmp_path))
        async with AsgiDriver(app).running():
            _join_warm_ups(threading.enumerate())
            catalog = tool_catalog(app.state.services)
            core = catalog.tools(profile=CORE)
            assert core and all(_built(spec) for spec in core)

    asyncio.run(scenario())


def test_the_warm_up_builds_the_schemas_only_once_the_start_has_ended(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Built beside the start's last steps, the schemas (~70 ms of CPU) took the interpreter lock from them."""
    events: list[str] = []
    ended, build = runtime_module.McpRuntime.start_ended, runtime_module._warm_schemas

    def recorded_end(self: runtime_module.McpRuntime) -> None:
        events.append("start ended")
        ended(self)

    def recorded_build(services: Any) -> None:
        events.append("schemas")
        build(services)

    monkeypatch.setattr(runtime_module.McpRuntime, "start_ended", recorded_end)
    monkeypatch.setattr(runtime_module, "_warm_schemas", recorded_build)

    async def scenario() -> None:
        app = create_app(Settings.from_env(data_dir=tmp_path))
        async with AsgiDriver(app).running():
            _join_warm_ups(threading.enumerate())
            assert all(_built(spec) for spec in tool_catalog(app.state.services).tools(profile=CORE))

    asyncio.run(scenario())
    assert events[:2] == ["start ended", "schemas"]


def test_a_start_that_fails_leaves_no_warm_up_thread_waiting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The warm-up thread waits for the start's end before it builds the schemas; a start that failed before the
    MCP runtime ran (the admin key could not be written: a full disk) left it waiting for good, holding the app's
    services (database, backend, worker)."""
    import engineering_api.app as app_module

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(app_module, "ensure_admin_key", full_disk)
    before = set(threading.enumerate())

    async def scenario() -> None:
        app = create_app(Settings.from_env(data_dir=tmp_path))
        with pytest.raises(BaseException):  # how a lifespan's failure surfaces is Litestar's
            async with AsgiDriver(app).running():
                pass

    asyncio.run(scenario())
    warm_ups = _join_warm_ups(set(threading.enumerate()) - before)
    assert not any(thread.is_alive() for thread in warm_ups)


def _join_warm_ups(threads: Iterable[threading.Thread]) -> list[threading.Thread]:
    """The MCP warm-up threads among ``threads``, each waited for (up to the hang guard)."""
    warm_ups = [thread for thread in threads if thread.name == "mcp-warm-up"]
    for thread in warm_ups:
        thread.join(HANG_GUARD_S)
    return warm_ups
