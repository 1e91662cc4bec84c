"""The MCP transports inside the Litestar app: streamable HTTP at ``/mcp`` and legacy SSE at ``/mcp/sse`` plus
``/mcp/messages``, both behind the same guard middleware as the REST routes (key, role, Host/Origin, rate limit).

The app holds an :class:`McpRuntime` from the start: the session registry that ``/mcp/info`` and
``/mcp/sessions`` read. The MCP SDK (its server, transports and pydantic models: ~0.4 s of CPU to import) and the
tool catalogue (names, descriptions and roles: ~10 ms; each tool's schemas are built on first use) are loaded in a
thread of their own as the app's lifespan begins (:meth:`McpRuntime.start_warming`; a served start begins the SDK's
import before it builds the app: :func:`load_sdk_ahead`), while the rest of the start runs, and the start ends once
they are there; once it has ended (:meth:`McpRuntime.start_ended`), the same
thread builds the default profile's schemas. The
first MCP request, sent as soon as ``/api/health`` answers, waits for no import (it waited 13 s at a load of 30,
where a vendor client gives its first ``/mcp/sse`` 4 s). The streamable-HTTP session manager is
started in a task group that the app's lifespan holds, so shutdown stops it and its sessions.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import importlib
import logging
import sys
import threading
from typing import TYPE_CHECKING, cast

import anyio

from engineering_api.mcp.sessions import SessionRegistry

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from types import ModuleType

    from anyio.abc import TaskGroup
    # The SDK's transports are typed with Starlette's ASGI types (plain mappings); Litestar hands the exchange over.
    from starlette.types import Receive, Scope, Send

    from engineering_api.mcp.transports import McpTransports
    from engineering_api.services import Services

__all__ = ("IDLE_TIMEOUT_S", "MAX_SESSIONS_PER_KEY", "McpRuntime", "import_sse_starlette", "load_sdk_ahead")

logger = logging.getLogger(__name__)

IDLE_TIMEOUT_S = 30 * 60.0
"""A session without a request for this long is closed (the SDK's own default for streamable HTTP)."""
MAX_SESSIONS_PER_KEY = 16
"""Open sessions one API key may hold: a new one closes the key's oldest idle session, or is refused (429) when
all are busy. Without it a viewer key could hold thousands (5,000 idle sessions held 192 MB)."""


def _load_transports() -> ModuleType:
    """Import the SDK's side (run in a worker thread: the event loop goes on answering meanwhile)."""
    import_sse_starlette()
    return importlib.import_module("engineering_api.mcp.transports")


_SSE_IMPORT = threading.Lock()


def import_sse_starlette() -> None:
    """Import sse-starlette (the SDK's server-sent events) without uvicorn when uvicorn is not serving this process.

    sse-starlette imports ``uvicorn.main`` only to wrap uvicorn's exit handler (so a SIGTERM ends its streams) and
    takes an ImportError for "uvicorn not installed" (logged at DEBUG in those words). Under granian
    (``engineering-api serve``) that handler never runs, yet the import loaded uvicorn and click: ~18 ms of the
    served start's CPU (measured 2026-11-28). ``None`` in ``sys.modules`` is Python's way to make an import fail
    with ImportError; it stays only while sse-starlette is imported. ``sys.modules`` is process-wide: a served start
    imports it before it starts any thread (``asgi.create``); elsewhere (tests, the command line) the first MCP
    load does, where no other thread imports uvicorn. Served by uvicorn (``uvicorn engineering_api.asgi:create
    --factory``), uvicorn is loaded before the app, and sse-starlette wraps its handler as before."""
    with _SSE_IMPORT:
        if "sse_starlette" in sys.modules or "uvicorn" in sys.modules:
            return
        # None is a documented value of sys.modules (the import then fails) that typeshed leaves out
        cast("dict[str, ModuleType | None]", sys.modules)["uvicorn"] = None
        try:
            importlib.import_module("sse_starlette")
        finally:
            del sys.modules["uvicorn"]
        logger.debug("sse-starlette imported without uvicorn, which does not serve this process")


def load_sdk_ahead() -> None:
    """Begin importing the SDK's side (:func:`_load_transports`) in a thread of its own, now, for a served start
    (``asgi.create``) that builds its app next. ``create_app`` first opens the database, and a new one waits on the
    disk: ~20 synchronous writes, 20-40 ms of waiting for ~7 ms of CPU (measured 2026-11-27, the thread's voluntary
    context switches and ``time.thread_time`` against the wall clock); the import runs in those waits instead of
    after them. The lifespan's warm-up thread imports the same module, which waits for this import to finish (the
    module's import lock) and goes on with the tool catalogue. ``create_app`` alone (tests, the command line's
    in-process calls) loads no MCP until its lifespan starts."""

    def load() -> None:
        try:
            _load_transports()
        except Exception:  # the warm-up thread imports it again, and reports the failure
            logger.debug("the MCP SDK could not be imported ahead", exc_info=True)

    threading.Thread(target=load, name="mcp-import-ahead", daemon=True).start()


def _warm(services: Services) -> ModuleType:
    """The SDK's side imported and the tool catalogue built (and cached on ``services``), off the event loop."""
    from engineering_api.mcp.tools import tool_catalog

    module = _load_transports()
    tool_catalog(services)
    return module


def _warm_schemas(services: Services) -> None:
    """The schemas of the default profile's tools built, which a client's first ``tools/list`` sends: after the
    start, on the warm-up thread (a few dozen of the catalogue's 350; the others are built when first asked for)."""
    from engineering_api.mcp.profiles import CORE
    from engineering_api.mcp.tools import build_schemas, tool_catalog

    build_schemas(tool_catalog(services).tools(profile=CORE))


class McpRuntime:
    """The MCP session registry of one app, and its SDK server and transports once an MCP client comes."""

    def __init__(self, services: Services, idle_timeout_s: float = IDLE_TIMEOUT_S,
                 max_sessions_per_key: int = MAX_SESSIONS_PER_KEY) -> None:
        self.services = services
        self.max_sessions_per_key = max_sessions_per_key
        self.sessions = SessionRegistry(idle_timeout_s)
        self._idle_timeout_s = idle_timeout_s
        self.transports: McpTransports | None = None
        """The SDK's server and transports, built by the first MCP request (kept across restarts of the app)."""
        self._task_group: TaskGroup | None = None
        self._lock: asyncio.Lock | None = None
        self._warming: concurrent.futures.Future[ModuleType] | None = None
        self._start_ended = threading.Event()

    def start_ended(self) -> None:
        """The app's start-up is over (``/api/health`` answers from now on): the warm-up thread may build the
        default profile's schemas. Built earlier, they took the interpreter from the start's last steps."""
        self._start_ended.set()

    def start_warming(self) -> None:
        """Import the SDK and build the tool catalogue in a thread of their own (once per runtime); :meth:`run`
        waits for them before the app serves."""
        if self._warming is not None or self.transports is not None:
            return
        warming: concurrent.futures.Future[ModuleType] = concurrent.futures.Future()
        self._warming = warming

        def warm() -> None:
            try:
                warming.set_result(_warm(self.services))
            except BaseException as exc:  # handed to the lifespan, which logs it; a first request tries again
                warming.set_exception(exc)
                return
            # After the start: ~70 ms of CPU (msgspec's schemas, the field docstrings read from their modules'
            # source), which under one interpreter lock would run beside the start's last steps and delay its end.
            self._start_ended.wait()
            try:
                _warm_schemas(self.services)
            except Exception:  # a schema that cannot be built fails its tools/list the same way
                logger.exception("the MCP tools' schemas could not be built ahead")

        threading.Thread(target=warm, name="mcp-warm-up", daemon=True).start()

    @contextlib.asynccontextmanager
    async def run(self) -> AsyncIterator[None]:
        """One lifespan of the app: holds the task group the streamable-HTTP session manager runs in once the
        first ``/mcp`` request starts it, and stops it (and its sessions) at the end."""
        self._lock = asyncio.Lock()  # one per lifespan: an app may be started again on another event loop
        self.start_warming()
        async with anyio.create_task_group() as task_group:
            self._task_group = task_group
            try:
                await self._warmed()
                yield
            finally:
                self._task_group = None
                task_group.cancel_scope.cancel()

    async def _warmed(self) -> None:
        """Wait for :meth:`start_warming`'s thread, then build the transports and start the session manager: what
        the first MCP request would otherwise do. A failure is logged; the first request then tries again."""
        from engineering_api.mcp.tools import catalog_ready

        warming = self._warming
        try:
            if warming is not None:
                await asyncio.wrap_future(warming)
            await catalog_ready(self.services)  # services started anew (a restart in process) note it again
            await self.ready(streamable=True)
        except Exception:
            self._warming = None
            logger.exception("MCP could not be loaded at start; the first MCP request tries again")

    async def ready(self, *, streamable: bool) -> McpTransports:
        """The SDK's server and transports, built once (two first requests racing wait for the same build), with
        the streamable-HTTP session manager running when ``streamable``."""
        transports = self.transports
        if transports is not None and (not streamable or transports.manager is not None):
            return transports  # every request after the first
        if self._lock is None:
            raise RuntimeError("the MCP transports serve inside the app's lifespan (McpRuntime.run)")
        async with self._lock:
            if self.transports is None:
                warming = self._warming
                module = await asyncio.wrap_future(warming) if warming is not None and warming.done() \
                    and warming.exception() is None else await anyio.to_thread.run_sync(_load_transports)
                self.transports = module.McpTransports(self.services, self.sessions, self._idle_timeout_s,
                                                       self.max_sessions_per_key)
            transports = self.transports
            if streamable and transports.manager is None:
                if self._task_group is None:
                    raise RuntimeError("the app's lifespan has ended: no MCP session manager to start")
                await self._task_group.start(transports.serve_streamable)
        return transports

    async def streamable(self, scope: Scope, receive: Receive, send: Send) -> None:
        """``/mcp``: the SDK's streamable-HTTP transport (every protocol version it speaks)."""
        await (await self.ready(streamable=True)).streamable(scope, receive, send)

    async def sse_connect(self, scope: Scope, receive: Receive, send: Send) -> None:
        """``GET /mcp/sse``: opens a session; its first event names the ``/mcp/messages`` URL to post to."""
        await (await self.ready(streamable=False)).sse_connect(scope, receive, send)

    async def sse_message(self, scope: Scope, receive: Receive, send: Send) -> None:
        """``POST /mcp/messages?session_id=…``: one JSON-RPC message for an open SSE session."""
        await (await self.ready(streamable=False)).sse_message(scope, receive, send)
