"""The MCP reference routes: the transports (``/mcp``, ``/mcp/sse``, ``/mcp/messages``) and ``/mcp/info``,
``/mcp/config``, ``/mcp/instance``, ``/mcp/sessions``, ``/mcp/sessions/{sessionId}``, ``/mcp/sessions/cleanup``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from litestar import Controller, Request, Response, get, post, route
from litestar.params import FromPath, QueryParameter
from mcp_types.version import KNOWN_PROTOCOL_VERSIONS

from engineering_api.backend.errors import NotFoundError
from engineering_api.backend.models import SessionStatus
from engineering_api.lib.responses import envelope_type, ok, problem_responses
from engineering_api.lib.schema import CamelStruct
from engineering_api.lib.security import Principal, Role
from engineering_api.mcp.sessions import SessionInfo
from engineering_api.mcp.tools import tool_catalog

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from litestar.types import Receive, Scope, Send

    from engineering_api.mcp.runtime import McpRuntime
    from engineering_api.services import Services

__all__ = ("McpController", "McpInfo", "mcp_transport_routes")

SECTION = "MCP & AI Assistant"
# The transports let any key in: the tools then apply the key's role one by one (a viewer lists and runs reads).
# The tool layer audits each change with its tool name, so the guard does not audit the raw POSTs as well.
_TRANSPORT_OPT = {"role": "viewer", "audit": False}


class CategoryCount(CamelStruct):
    """Tools of one category the caller may run."""

    category: str
    tools: int


class McpInfo(CamelStruct):
    """The MCP server as ``GET /mcp/info`` describes it."""

    name: str
    version: str
    protocol_versions: list[str]
    transports: dict[str, str]
    tool_count: int
    """Tools the caller's role may run, the meta tools ``find_tools`` and ``call_tool`` included."""
    total_tool_count: int
    categories: list[CategoryCount]
    active_sessions: int


class McpInstance(CamelStruct):
    """What the MCP tools act on: the TIA Portal session and its project."""

    backend: str
    portal: SessionStatus
    tool_count: int


class CleanupResult(CamelStruct):
    """Sessions removed by ``POST /mcp/sessions/cleanup``."""

    removed: list[str]
    remaining: int


def _services(request: Request[Any, Any, Any]) -> Services:
    return request.app.state.services


def _runtime(request: Request[Any, Any, Any]) -> McpRuntime:
    return request.app.state.services.mcp


def _caller(request: Request[Any, Any, Any]) -> Principal:
    return request.scope["user"]


def _scoped_key(request: Request[Any, Any, Any]) -> str | None:
    """Admins see every session; other keys only their own."""
    caller = _caller(request)
    return None if caller.role.allows(Role.ADMIN) else caller.key_id


def _base_url(request: Request[Any, Any, Any]) -> str:
    return f"{request.url.scheme}://{request.headers.get('host', '127.0.0.1')}"


def client_configs(base_url: str) -> dict[str, Any]:
    """Ready-to-paste client configurations; the key is always a placeholder, never a real secret."""
    key_input = "${input:engineeringApiKey}"
    return {
        "vscode": {
            "file": ".vscode/mcp.json",
            "content": {
                "servers": {"engineering-api": {
                    "type": "sse", "url": f"{base_url}/mcp/sse",
                    "headers": {"X-Client-Id": "vscode", "X-API-Key": key_input},
                }},
                "inputs": [{"id": "engineeringApiKey", "type": "promptString",
                            "description": "engineering-api API key", "password": True}],
            },
        },
        "vscodeStreamableHttp": {
            "file": ".vscode/mcp.json",
            "content": {
                "servers": {"engineering-api": {
                    "type": "http", "url": f"{base_url}/mcp", "headers": {"X-API-Key": key_input},
                }},
                "inputs": [{"id": "engineeringApiKey", "type": "promptString",
                            "description": "engineering-api API key", "password": True}],
            },
        },
        "claudeDesktop": {
            "file": "claude_desktop_config.json",
            "content": {"mcpServers": {"engineering-api": {
                "command": "engineering-api", "args": ["mcp", "--url", base_url],
                "env": {"ENGINEERING_API_KEY": "<your API key>"},
            }}},
        },
        "cursor": {
            "file": ".cursor/mcp.json",
            "content": {"mcpServers": {"engineering-api": {
                "url": f"{base_url}/mcp", "headers": {"X-API-Key": "<your API key>"},
            }}},
        },
        "stdio": {
            "file": "any client that starts a command",
            "content": {"command": "engineering-api", "args": ["mcp", "--data-dir", "./var", "--backend", "fake"]},
        },
    }


class McpController(Controller):
    """The MCP server's own routes."""

    tags = [SECTION]

    @get("/mcp/info", operation_id="GetMcpInfo", responses=problem_responses("viewer"))
    async def info(self, request: Request[Any, Any, Any]) -> Response[envelope_type(McpInfo, "GetMcpInfoResponse")]:
        """The MCP server: version, protocol versions, transports and the tools the caller may run."""
        services = _services(request)
        catalog = tool_catalog(services)
        mine = catalog.tools(_caller(request).role)
        counts: dict[str, int] = {}
        for spec in mine:
            counts[spec.category] = counts.get(spec.category, 0) + 1
        body = McpInfo(
            name="engineering-api", version=services.mcp.server.version, protocol_versions=list(KNOWN_PROTOCOL_VERSIONS),
            transports={"streamableHttp": "/mcp", "sse": "/mcp/sse", "messages": "/mcp/messages",
                        "stdio": "engineering-api mcp"},
            tool_count=len(mine), total_tool_count=len(catalog.tools()),
            categories=[CategoryCount(category=c, tools=n) for c, n in sorted(counts.items())],
            active_sessions=len(services.mcp.sessions.list(_scoped_key(request))),
        )
        return ok(body)

    @get("/mcp/config", operation_id="GetMcpConfig", responses=problem_responses("viewer"))
    async def config(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """Client configurations to paste into VS Code, Claude Desktop, Cursor or a stdio client."""
        return ok(client_configs(_base_url(request)))

    @get("/mcp/instance", operation_id="GetMcpInstance", responses=problem_responses("viewer", worker=True))
    async def instance(self, request: Request[Any, Any, Any]
                       ) -> Response[envelope_type(McpInstance, "GetMcpInstanceResponse")]:
        """The TIA Portal session and project the MCP tools act on."""
        services = _services(request)
        status = await services.worker.call(services.backend.session_status, timeout=10, description="session status")
        return ok(McpInstance(backend=services.backend.name, portal=status,
                              tool_count=len(tool_catalog(services).tools(_caller(request).role))))

    @get("/mcp/sessions", operation_id="ListMcpSessions", responses=problem_responses("viewer"))
    async def sessions(self, request: Request[Any, Any, Any]
                       ) -> Response[envelope_type(list[SessionInfo], "ListMcpSessionsResponse")]:
        """Active MCP sessions (an admin sees all, other keys their own), newest first."""
        return ok(_runtime(request).sessions.list(_scoped_key(request)))

    @get("/mcp/sessions/{sessionId:str}", operation_id="GetMcpSession",
         responses=problem_responses("viewer", params=True, errors=(NotFoundError,)))
    async def session(self, request: Request[Any, Any, Any], sessionId: FromPath[str]  # noqa: N803
                      ) -> Response[envelope_type(SessionInfo, "GetMcpSessionResponse")]:
        """One MCP session: client, protocol version, start and last activity."""
        runtime = _runtime(request)
        runtime.sessions.expire()
        record = runtime.sessions.get(sessionId)
        scoped = _scoped_key(request)
        if record is None or (scoped is not None and record.key_id != scoped):
            raise NotFoundError(f"no MCP session {sessionId!r}; GET /mcp/sessions lists them",
                                code="MCP_SESSION_NOT_FOUND")
        return ok(record.info())

    @post("/mcp/sessions/cleanup", operation_id="CleanupMcpSessions", status_code=200,
          responses=problem_responses("engineer"))
    async def cleanup(self, request: Request[Any, Any, Any]
                      ) -> Response[envelope_type(CleanupResult, "CleanupMcpSessionsResponse")]:
        """Forget disconnected sessions and close idle ones (an admin's call covers every key's)."""
        runtime = _runtime(request)
        removed = runtime.sessions.cleanup(_scoped_key(request))
        return ok(CleanupResult(removed=removed, remaining=len(runtime.sessions)),
                  f"{len(removed)} MCP session(s) removed")


class _Handover(Response[Any]):
    """Hands the raw ASGI exchange to an MCP transport: the SDK writes the response (JSON, SSE or 202) itself.

    The routes are ordinary HTTP handlers, so they sit behind the guard and appear in OpenAPI; they declare
    no body parameter, so Litestar leaves the request body unread for the transport.
    """

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:  # noqa: D107
        self._app = app

    def to_asgi_response(self, app: Any, request: Any, **_: Any) -> Any:
        return self._app


_TRANSPORT_ANSWERS = problem_responses("viewer")
_Categories = Annotated[str | None, QueryParameter(
    description="Only tools of these categories, comma-separated (blocks,tags,...); find_tools/call_tool reach all")]
_SessionId = Annotated[str, QueryParameter(description="The session named by the SSE stream's endpoint event")]


def mcp_transport_routes() -> list[Any]:
    """The three transport endpoints (the SDK speaks the protocol behind them)."""

    @route("/mcp", http_method=["GET", "POST", "DELETE"], operation_id="McpStreamableHttp", tags=[SECTION],
           opt=_TRANSPORT_OPT, responses=_TRANSPORT_ANSWERS)
    async def streamable_http(request: Request[Any, Any, Any], categories: _Categories = None) -> Response[Any]:
        """MCP over streamable HTTP (POST JSON-RPC, GET stream, DELETE ends the session); ?categories=blocks,tags
        narrows the tool list."""
        return _Handover(request.app.state.services.mcp.streamable)

    @get("/mcp/sse", operation_id="McpSse", tags=[SECTION], opt=_TRANSPORT_OPT, responses=_TRANSPORT_ANSWERS)
    async def sse(request: Request[Any, Any, Any], categories: _Categories = None) -> Response[Any]:
        """Open an MCP session over Server-Sent Events (legacy transport); the first event names the message URL."""
        return _Handover(request.app.state.services.mcp.sse_connect)

    @post("/mcp/messages", operation_id="McpMessages", tags=[SECTION], opt=_TRANSPORT_OPT, status_code=202,
          responses=_TRANSPORT_ANSWERS)
    async def messages(request: Request[Any, Any, Any], session_id: _SessionId) -> Response[Any]:
        """Send one JSON-RPC message to the SSE session named by ?session_id= (the answer arrives on its stream)."""
        return _Handover(request.app.state.services.mcp.sse_message)

    return [streamable_http, sse, messages]
