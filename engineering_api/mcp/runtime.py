"""The MCP transports inside the Litestar app: streamable HTTP at ``/mcp`` and legacy SSE at ``/mcp/sse`` plus
``/mcp/messages``, both behind the same guard middleware as the REST routes (key, role, Host/Origin, rate limit).

The app holds an :class:`McpRuntime` from the start: the session registry that ``/mcp/info`` and
``/mcp/sessions`` read. The MCP SDK (its server, transports and pydantic models: ~0.4 s of CPU to import) is
imported and built by the first request for a transport (:mod:`engineering_api.mcp.transports`), so a server
that no MCP client talks to, as a CI job's, starts without it. The streamable-HTTP session manager is then
started in a task group that the app's lifespan holds, so shutdown stops it and its sessions.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from typing import TYPE_CHECKING

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

__all__ = ("IDLE_TIMEOUT_S", "MAX_SESSIONS_PER_KEY", "McpRuntime")

IDLE_TIMEOUT_S = 30 * 60.0
"""A session without a request for this long is closed (the SDK's own default for streamable HTTP)."""
MAX_SESSIONS_PER_KEY = 16
"""Open sessions one API key may hold: a new one closes the key's oldest idle session, or is refused (429) when
all are busy. Without it a viewer key could hold thousands (5,000 idle sessions held 192 MB)."""


def _load_transports() -> ModuleType:
    """Import the SDK's side (run in a worker thread: the event loop goes on answering meanwhile)."""
    return importlib.import_module("engineering_api.mcp.transports")


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

    @contextlib.asynccontextmanager
    async def run(self) -> AsyncIterator[None]:
        """One lifespan of the app: holds the task group the streamable-HTTP session manager runs in once the
        first ``/mcp`` request starts it, and stops it (and its sessions) at the end."""
        self._lock = asyncio.Lock()  # one per lifespan: an app may be started again on another event loop
        async with anyio.create_task_group() as task_group:
            self._task_group = task_group
            try:
                yield
            finally:
                self._task_group = None
                task_group.cancel_scope.cancel()

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
                module = await anyio.to_thread.run_sync(_load_transports)
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
