"""The MCP SDK's side of the transports: its server, the legacy SSE transport (``/mcp/sse`` plus
``/mcp/messages``) and the streamable-HTTP session manager (``/mcp``), and the exchange handed to them.

:class:`engineering_api.mcp.runtime.McpRuntime` builds this on the first MCP request, so a server that no MCP
client talks to never imports the SDK. The SDK's own transports do the protocol. This module adds what the
service needs around them: a session is bound to the API key that opened it (another key gets 404, as if it did
not exist), sessions are registered for ``/mcp/sessions`` and closed when idle, and ``?categories=`` narrows the
tool list.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode
from typing import TYPE_CHECKING, Any

import anyio
import msgspec
from mcp.server.sse import SseServerTransport
from mcp.server.transport_security import TransportSecuritySettings

from engineering_api.backend.errors import ValidationError
from engineering_api.lib.responses import error_body
from engineering_api.lib.security import Principal
from engineering_api.mcp.framing import ParseFailure, PerRequestManager, answering_with_json, buffered_choice
from engineering_api.mcp.server import create_mcp_server
from engineering_api.mcp.profiles import CORE, select
from engineering_api.mcp.sessions import McpSession, SessionRegistry
from engineering_api.mcp.tools import catalog_ready, tool_catalog

if TYPE_CHECKING:
    from collections.abc import Callable

    from anyio.abc import TaskStatus

    # The SDK's transports are typed with Starlette's ASGI types (plain mappings); Litestar hands the exchange over.
    from starlette.types import Message, Receive, Scope, Send

    from engineering_api.services import Services

__all__ = ("McpTransports",)

_SSE_SESSION = re.compile(rb"session_id=([0-9a-f]{32})")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _query(scope: Scope, name: str) -> str | None:
    from urllib.parse import parse_qs

    if not scope.get("query_string"):
        return None
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(name)
    return values[0] if values else None


async def _not_found(send: Send, path: str, message: str) -> None:
    await _problem(send, 404, "MCP_SESSION_NOT_FOUND", message, path)


async def _parse_error(send: Send, reason: str) -> None:
    """JSON-RPC's answer to a body that is not JSON (code -32700), with HTTP 400."""
    body = msgspec.json.encode({"jsonrpc": "2.0", "id": None,
                                "error": {"code": -32700, "message": f"Parse error: {reason}"}})
    await send({"type": "http.response.start", "status": 400,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _problem(send: Send, status: int, code: str, message: str, path: str,
                   details: dict[str, Any] | None = None) -> None:
    body = msgspec.json.encode(error_body(status, code, message, instance=path, details=details))
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class McpTransports:
    """The SDK's MCP server and transports for one app, over the app's session registry."""

    def __init__(self, services: Services, sessions: SessionRegistry, idle_timeout_s: float,
                 max_sessions_per_key: int) -> None:
        self.services = services
        self.max_sessions_per_key = max_sessions_per_key
        self.sessions = sessions
        self.server = create_mcp_server(services, self.sessions)
        # The guard middleware already checks Host and Origin against the service's settings; the SDK's own
        # DNS-rebinding check would second-guess it with a fixed list.
        self._security = TransportSecuritySettings(enable_dns_rebinding_protection=False)
        self._idle_timeout_s = idle_timeout_s
        self.manager: PerRequestManager | None = None
        self.sse = SseServerTransport("/mcp/messages", security_settings=self._security,
                                      max_request_body_size=services.settings.max_body_bytes)

    async def serve_streamable(self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Run a streamable-HTTP session manager until cancelled (the app's lifespan ends): ready once
        ``task_status.started()`` is called. The SDK's manager runs once, and an app may be started again, as
        tests and restarts do, so each run has its own."""
        manager = PerRequestManager(
            app=self.server, security_settings=self._security, session_idle_timeout=self._idle_timeout_s,
            max_request_body_size=self.services.settings.max_body_bytes,
        )
        try:
            async with manager.run():
                self.manager = manager
                task_status.started()
                await anyio.sleep_forever()
        finally:
            if self.manager is manager:
                self.manager = None

    def _owned(self, session_id: str, principal: Principal | None) -> bool:
        record = self.sessions.get(session_id)
        return record is not None and principal is not None and record.key_id == principal.key_id

    async def streamable(self, scope: Scope, receive: Receive, send: Send) -> None:
        """``/mcp``: the SDK's streamable-HTTP transport (every protocol version it speaks)."""
        principal = scope.get("user")
        session_id = _header(scope, b"mcp-session-id")
        if session_id is not None and not self._owned(session_id, principal):
            await _not_found(send, scope["path"], f"no MCP session {session_id!r} for this key; initialize a new one")
            return
        selected = await self._selection_or_400(scope, send)
        if selected is None:
            return
        profile, categories = selected
        client_id = _header(scope, b"x-client-id")
        key_id = principal.key_id if isinstance(principal, Principal) else None
        hello: dict[str, Any] = {}

        async def register(message: Message) -> None:
            # The SDK names a new session in the initialize response's header; bind it to this key, with the
            # client the initialize request named.
            if message["type"] == "http.response.start" and session_id is None:
                for key, value in message.get("headers", ()):
                    if key.lower() == b"mcp-session-id":
                        opened = value.decode("latin-1")
                        self.sessions.open(McpSession(
                            session_id=opened, transport="streamable-http", key_id=key_id, client_id=client_id,
                            categories=categories, tools=profile, client_name=hello.get("name"),
                            client_version=hello.get("version"), protocol_version=hello.get("protocol"),
                            close=self._closer(opened),
                        ))
            await typed(message)

        typed = _typed(send)
        if scope["method"] == "DELETE" and session_id is not None:
            self.sessions.disconnected(session_id)
        assert self.manager is not None, "McpRuntime starts the session manager before handing a request on"
        json_answer = False
        if scope["method"] == "POST":
            json_answer, receive, decoded = await buffered_choice(receive, self.services.settings.max_body_bytes,
                                                                  self._streams)
            if isinstance(decoded, ParseFailure):
                await _parse_error(send, decoded.reason)
                return
            if session_id is None and _is_initialize(decoded):
                if not self.sessions.admit(key_id, self.max_sessions_per_key):
                    await _problem(send, 429, "MCP_SESSION_LIMIT", f"this key holds {self.max_sessions_per_key} "
                                   "MCP sessions, all busy; close one (DELETE /mcp) or retry later", scope["path"])
                    return
                hello.update(_client_of(decoded))
        with answering_with_json(json_answer):
            # Only a request without a session can open one (initialize), so only its answer is watched.
            await self.manager.handle_request(scope, receive, typed if session_id is not None else register)

    def _closer(self, session_id: str) -> Callable[[], None]:
        """Closes a streamable-HTTP session the SDK's manager runs: its idle scope ends the session's server."""
        def close() -> None:
            transport = self.manager._server_instances.get(session_id) if self.manager is not None else None
            if transport is not None and transport.idle_scope is not None:
                transport.idle_scope.cancel()
        return close

    def selection(self, scope: Scope) -> tuple[str, list[str] | None]:
        """The tool profile and categories the URL asks for (``?tools=``, ``?categories=``).

        Raises:
            ValidationError: an unknown profile or category.
        """
        if not scope.get("query_string"):
            return CORE, None  # the usual case, without parsing anything
        return select(_query(scope, "tools"), _query(scope, "categories"), tool_catalog(self.services).categories())

    async def _selection_or_400(self, scope: Scope, send: Send) -> tuple[str, list[str] | None] | None:
        """:meth:`selection`, or ``None`` once a 400 problem has answered an unknown profile or category."""
        await catalog_ready(self.services)  # selection and framing read it; the first request builds it off the loop
        try:
            return self.selection(scope)
        except ValidationError as exc:
            await _problem(send, 400, exc.code, exc.message, scope["path"], exc.details)
            return None

    def _streams(self, tool: str, arguments: Any) -> bool:
        """Whether a call of ``tool`` is answered on a stream: a long tool is cancelled by closing it."""
        catalog = tool_catalog(self.services)
        if tool == "call_tool" and isinstance(arguments, dict):
            tool = str(arguments.get("name"))
        spec = catalog.get(tool)
        return spec is not None and spec.operation is not None and spec.operation.long_running

    async def sse_connect(self, scope: Scope, receive: Receive, send: Send) -> None:
        """``GET /mcp/sse``: opens a session; its first event names the ``/mcp/messages`` URL to post to."""
        principal = scope.get("user")
        found: dict[str, str] = {}
        selected = await self._selection_or_400(scope, send)
        if selected is None:
            return
        profile, categories = selected

        key_id = principal.key_id if isinstance(principal, Principal) else None
        if not self.sessions.admit(key_id, self.max_sessions_per_key):
            await _problem(send, 429, "MCP_SESSION_LIMIT", f"this key holds {self.max_sessions_per_key} MCP "
                           "sessions, all busy; close one or retry later", scope["path"])
            return
        with anyio.CancelScope() as cancel:
            async def sniff(message: Message) -> None:
                if message["type"] == "http.response.body" and "id" not in found:
                    match = _SSE_SESSION.search(message.get("body", b""))
                    if match:
                        found["id"] = match.group(1).decode()
                        self.sessions.open(McpSession(
                            session_id=found["id"], transport="sse", key_id=key_id,
                            client_id=_header(scope, b"x-client-id"), categories=categories, tools=profile,
                            close=cancel.cancel,
                        ))
                await send(message)

            try:
                async with self.sse.connect_sse(scope, receive, sniff) as (read_stream, write_stream):
                    await self.server.run(read_stream, write_stream, self.server.create_initialization_options())
            finally:
                if "id" in found:
                    self.sessions.disconnected(found["id"])

    async def sse_message(self, scope: Scope, receive: Receive, send: Send) -> None:
        """``POST /mcp/messages?session_id=…`` (or ``sessionId``, the reference's spelling): one JSON-RPC message
        for an open SSE session."""
        session_id = _query(scope, "session_id") or _query(scope, "sessionId") or ""
        if not self._owned(session_id, scope.get("user")):
            await _not_found(send, scope["path"],
                             f"no MCP session {session_id!r} for this key; open GET /mcp/sse first")
            return
        _, receive, decoded = await buffered_choice(receive, self.services.settings.max_body_bytes, _never)
        if isinstance(decoded, ParseFailure):
            await _parse_error(send, decoded.reason)
            return
        if _query(scope, "session_id") is None:  # the SDK reads session_id only
            scope = {**scope, "query_string": urlencode({"session_id": session_id}).encode()}
        await self.sse.handle_post_message(scope, receive, _typed(send))


def _never(tool: str, arguments: Any) -> bool:
    return False


def _is_initialize(message: Any) -> bool:
    return isinstance(message, dict) and message.get("method") == "initialize"


def _client_of(message: dict[str, Any]) -> dict[str, Any]:
    """The client's name and version and the protocol version an initialize request names."""
    params = message.get("params")
    params = params if isinstance(params, dict) else {}
    info = params.get("clientInfo")
    info = info if isinstance(info, dict) else {}
    return {"name": info.get("name"), "version": info.get("version"), "protocol": params.get("protocolVersion")}


def _typed(send: Send) -> Send:
    """``send`` that labels the SDK's plain-text answers (``Invalid Content-Type header``, ``Accepted``), which it
    sends without a Content-Type, as ``text/plain``, so a client can tell them from JSON."""

    async def labelled(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            if not any(key.lower() == b"content-type" for key, _ in headers):
                message = {**message, "headers": [*headers, (b"content-type", b"text/plain; charset=utf-8")]}
        await send(message)

    return labelled
