"""The MCP reference routes: the transports (``/mcp``, ``/mcp/sse``, ``/mcp/messages``) and ``/mcp/info``,
``/mcp/config``, ``/mcp/instance``, ``/mcp/sessions``, ``/mcp/sessions/{sessionId}``, ``/mcp/sessions/cleanup``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from dataclasses import dataclass

from litestar import Controller, Request, Response, get, post, route
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Operation, Schema
from litestar.params import FromPath, QueryParameter

from engineering_api.backend.errors import NotFoundError
from engineering_api.backend.models import SessionStatus
from engineering_api.domain.health import api_version
from engineering_api.errors import codes
from engineering_api.lib.responses import Envelope, ok, problem_responses
from engineering_api.lib.schema import CamelStruct
from engineering_api.lib.security import Role, principal_of
from engineering_api.mcp.client_config import client_configs
from engineering_api.mcp.profiles import CORE
from engineering_api.mcp.sessions import SessionInfo
from engineering_api.mcp.tools import catalog_ready
from engineering_api.services import services_of

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from litestar.types import Receive, Scope, Send

    from engineering_api.mcp.runtime import McpRuntime

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
    core_tool_count: int
    """Tools of the core profile the caller's role may run (what ``/mcp`` lists unless asked for more)."""
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


class GetMcpInfoResponse(Envelope[McpInfo]): ...
class GetMcpInstanceResponse(Envelope[McpInstance]): ...
class ListMcpSessionsResponse(Envelope[list[SessionInfo]]): ...
class GetMcpSessionResponse(Envelope[SessionInfo]): ...
class CleanupMcpSessionsResponse(Envelope[CleanupResult]): ...


def _runtime(request: Request[Any, Any, Any]) -> McpRuntime:
    runtime: McpRuntime = request.app.state.mcp
    return runtime


def _scoped_key(request: Request[Any, Any, Any]) -> str | None:
    """Admins see every session; other keys only their own."""
    caller = principal_of(request)
    return None if caller.role.allows(Role.ADMIN) else caller.key_id


def _base_url(request: Request[Any, Any, Any]) -> str:
    return f"{request.url.scheme}://{request.headers.get('host', '127.0.0.1')}"


class McpController(Controller):
    """The MCP server's own routes."""

    tags = [SECTION]

    @get("/mcp/info", operation_id="GetMcpInfo", responses=problem_responses("viewer"))
    async def info(self, request: Request[Any, Any, Any]) -> Response[GetMcpInfoResponse]:
        """The MCP server: version, protocol versions, transports and the tools the caller may run."""
        from mcp_types.version import KNOWN_PROTOCOL_VERSIONS  # the SDK's types package: ~0.17 s to import

        services = services_of(request)
        catalog = await catalog_ready(services)
        mine = catalog.tools(principal_of(request).role)
        counts: dict[str, int] = {}
        for spec in mine:
            counts[spec.category] = counts.get(spec.category, 0) + 1
        body = McpInfo(
            name="engineering-api", version=api_version(),
            protocol_versions=list(KNOWN_PROTOCOL_VERSIONS),
            transports={"streamableHttp": "/mcp", "sse": "/mcp/sse", "messages": "/mcp/messages",
                        "stdio": "engineering-api mcp"},
            tool_count=len(mine), total_tool_count=len(catalog.tools()),
            core_tool_count=len(catalog.tools(principal_of(request).role, profile=CORE)),
            categories=[CategoryCount(category=c, tools=n) for c, n in sorted(counts.items())],
            active_sessions=len(_runtime(request).sessions.list(_scoped_key(request))),
        )
        return ok(body)

    @get("/mcp/config", operation_id="GetMcpConfig", responses=problem_responses("viewer"))
    async def config(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """Client configurations to paste into VS Code, Claude Desktop, Cursor or a stdio client, each serving the
        core tool profile within the client's tool limit (toolLimit)."""
        return ok(client_configs(_base_url(request), services_of(request).settings.data_dir))

    @get("/mcp/instance", operation_id="GetMcpInstance", responses=problem_responses("viewer", worker=True))
    async def instance(self, request: Request[Any, Any, Any]
                       ) -> Response[GetMcpInstanceResponse]:
        """The TIA Portal session and project the MCP tools act on."""
        services = services_of(request)
        status = await services.worker.call(services.backend.session_status, timeout=10, description="session status")
        return ok(McpInstance(backend=services.backend.name, portal=status,
                              tool_count=len((await catalog_ready(services)).tools(principal_of(request).role))))

    @get("/mcp/sessions", operation_id="ListMcpSessions", responses=problem_responses("viewer"))
    async def sessions(self, request: Request[Any, Any, Any]
                       ) -> Response[ListMcpSessionsResponse]:
        """Active MCP sessions (an admin sees all, other keys their own), newest first."""
        return ok(_runtime(request).sessions.list(_scoped_key(request)))

    @get("/mcp/sessions/{sessionId:str}", operation_id="GetMcpSession",
         responses=problem_responses("viewer", params=True, errors=(NotFoundError,)))
    async def session(self, request: Request[Any, Any, Any], sessionId: FromPath[str]
                      ) -> Response[GetMcpSessionResponse]:
        """One MCP session: client, protocol version, start and last activity."""
        runtime = _runtime(request)
        runtime.sessions.expire()
        record = runtime.sessions.get(sessionId)
        scoped = _scoped_key(request)
        if record is None or (scoped is not None and record.key_id != scoped):
            raise NotFoundError(f"no MCP session {sessionId!r}; GET /mcp/sessions lists them",
                                code=codes.MCP_SESSION_NOT_FOUND)
        return ok(record.info())

    @post("/mcp/sessions/cleanup", operation_id="CleanupMcpSessions", status_code=200,
          responses=problem_responses("engineer"))
    async def cleanup(self, request: Request[Any, Any, Any]
                      ) -> Response[CleanupMcpSessionsResponse]:
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

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self._app = app

    def to_asgi_response(self, app: Any, request: Any, **_: Any) -> Any:
        return self._app


_TRANSPORT_ANSWERS = problem_responses("viewer", params=True)
_JSON_RPC_ERROR = Schema(
    type=OpenAPIType.OBJECT, required=["jsonrpc", "error"], description="A JSON-RPC 2.0 error (the MCP SDK's answer)",
    properties={
        "jsonrpc": Schema(type=OpenAPIType.STRING), "id": Schema(),
        "error": Schema(type=OpenAPIType.OBJECT, required=["code", "message"], properties={
            "code": Schema(type=OpenAPIType.INTEGER), "message": Schema(type=OpenAPIType.STRING), "data": Schema(),
        }),
    },
)
_TEXT = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))
_SDK_ANSWERS = {
    "200": "The JSON-RPC answer: one JSON message, or an event stream of messages (MCP streamable HTTP)",
    "202": "A notification or response from the client was accepted",
    "400": "A body that is not JSON (a JSON-RPC parse error, -32700), malformed JSON-RPC, a wrong Content-Type, a "
           "missing or invalid Mcp-Session-Id, or an unsupported protocol version",
    "404": "The Mcp-Session-Id names no session (it ended or expired): initialize a new one",
    "405": "The method is not allowed in this mode",
    "406": "The Accept header lacks application/json or text/event-stream",
    "409": "A stream for this session is already open",
    "413": "The message is larger than the body limit",
    "415": "The Content-Type is not application/json",
    "429": "The key holds its limit of open MCP sessions and none is idle",
    "500": "The MCP server failed",
}
_SSE_MESSAGE_ANSWERS = {
    "202": "Accepted: the answer arrives on the session's event stream",
    "400": "No session_id, or the message is not JSON (a JSON-RPC parse error) or not JSON-RPC",
    "404": "The session ended",
    "413": "The message is larger than the body limit",
}


@dataclass
class _TransportOperation(Operation):
    """A transport route's OpenAPI operation: behind the guard, the MCP SDK answers itself, with JSON-RPC bodies or
    short plain-text errors rather than problem documents; each status it uses documents those beside what the
    guard may answer."""

    sdk_answers: ClassVar[dict[str, str]] = _SDK_ANSWERS
    json_rpc_errors: ClassVar[bool] = True

    def __post_init__(self) -> None:
        responses = self.responses if self.responses is not None else {}
        for status, text in self.sdk_answers.items():
            response = responses.get(status)
            if not isinstance(response, OpenAPIResponse) or status in ("200", "202"):
                response = responses[status] = OpenAPIResponse(description=text, content={})
            content = response.content if response.content is not None else {}
            content["text/plain"] = _TEXT
            if status == "200":
                content["text/event-stream"] = _TEXT
                content["application/json"] = OpenAPIMediaType(schema=Schema(type=OpenAPIType.OBJECT))
            elif status != "202" and self.json_rpc_errors:
                content["application/json"] = OpenAPIMediaType(schema=_JSON_RPC_ERROR)
            response.content = content
        self.responses = responses


@dataclass
class _SseMessageOperation(_TransportOperation):
    sdk_answers: ClassVar[dict[str, str]] = _SSE_MESSAGE_ANSWERS
    json_rpc_errors: ClassVar[bool] = False  # the SSE transport answers errors in plain text
_Categories = Annotated[str | None, QueryParameter(
    description="Only tools of these categories, comma-separated (blocks,tags,...), instead of the profile; "
                "find_tools/call_tool reach all. An unknown category is a 400 that names the valid ones")]
_Tools = Annotated[str | None, QueryParameter(
    description="The tool profile to list: core (default, under 40 tools for the day's work) or all")]
_SessionId = Annotated[str | None, QueryParameter(description="The session named by the SSE stream's endpoint event")]
_SessionIdCamel = Annotated[str | None, QueryParameter(
    name="sessionId", description="The same as session_id (the reference's spelling)")]


def mcp_transport_routes() -> list[Any]:
    """The three transport endpoints (the SDK speaks the protocol behind them)."""

    @route("/mcp", http_method=["GET", "POST", "DELETE"], tags=[SECTION], opt=_TRANSPORT_OPT,
           operation_id=lambda handler, method, path: f"McpStreamableHttp{method.title()}",
           responses=problem_responses("viewer", params=True, errors=(NotFoundError,)),
           operation_class=_TransportOperation)
    async def streamable_http(request: Request[Any, Any, Any], categories: _Categories = None,
                              tools: _Tools = None) -> Response[Any]:
        """MCP over streamable HTTP (POST JSON-RPC, GET stream, DELETE ends the session); lists the core tool
        profile unless ?tools=all or ?categories=blocks,tags asks for others."""
        return _Handover(request.app.state.mcp.streamable)

    @get("/mcp/sse", operation_id="McpSse", tags=[SECTION], opt=_TRANSPORT_OPT, responses=_TRANSPORT_ANSWERS)
    async def sse(request: Request[Any, Any, Any], categories: _Categories = None, tools: _Tools = None
                  ) -> Response[Any]:
        """Open an MCP session over Server-Sent Events (legacy transport); the first event names the message URL."""
        return _Handover(request.app.state.mcp.sse_connect)

    @post("/mcp/messages", operation_id="McpMessages", tags=[SECTION], opt=_TRANSPORT_OPT, status_code=202,
          responses=problem_responses("viewer", params=True, errors=(NotFoundError,)),
          operation_class=_SseMessageOperation)
    async def messages(request: Request[Any, Any, Any], session_id: _SessionId = None,
                       session_id_camel: _SessionIdCamel = None) -> Response[Any]:
        """Send one JSON-RPC message to the SSE session named by ?session_id= or ?sessionId= (the answer arrives
        on its stream)."""
        return _Handover(request.app.state.mcp.sse_message)

    return [streamable_http, sse, messages]
