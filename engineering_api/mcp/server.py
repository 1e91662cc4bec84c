"""The MCP server: the official SDK's low-level ``Server`` with this service's tools, resources and prompts.

One server object serves every transport. Who is calling comes from the request the transport attaches (the
guard middleware put the key's :class:`~engineering_api.lib.security.Principal` on the HTTP scope) or, for the
in-process stdio server, from the principal it was started with. Which session a request belongs to comes from
the transport's session id (``mcp-session-id`` header, SSE's ``session_id`` query), so the session list, the
category filter and the audit all know it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import mcp_types as types
import msgspec
from mcp.server import Server
from mcp.shared.exceptions import MCPError

from engineering_api.lib.security import Principal, Role
from engineering_api.backend.errors import ValidationError
from engineering_api.mcp.direct_calls import direct_tool_calls
from engineering_api.mcp.profiles import CORE, select
from engineering_api.mcp.results import ResultStore, result_store, result_uri, text_body
from engineering_api.mcp.tools import (
    CALL_TOOL, FIND_TOOLS, ToolOutcome, ToolSpec, call_tool, catalog_ready, schemas_ready, tool_catalog,
)

if TYPE_CHECKING:
    from mcp.server import ServerRequestContext

    from engineering_api.mcp.sessions import SessionRegistry
    from engineering_api.services import Services

__all__ = ("PAGE_SIZE", "UNKNOWN_TOOL", "McpContext", "create_mcp_server", "local_principal", "session_id_of",
           "to_result")

PAGE_SIZE = 500
UNKNOWN_TOOL = "<unknown>"
"""The metrics' label of a call of a tool name the catalog does not have."""
"""Tools per ``tools/list`` page (clients follow ``nextCursor`` for the rest): today one page holds the whole
catalog (~360 tools, ~340 KiB). The official SDK's client checks a tool's result against the output schemas it
has listed and, for a tool it has not seen, lists again with no cursor, that is the first page only: with pages of
100, each call of a tool past the first page cost a 100-tool listing and a client warning (18 ms instead of 3 ms
a call)."""
SERVER_NAME = "engineering-api"
INSTRUCTIONS = (
    "Automates Siemens TIA Portal engineering: projects, devices, PLC blocks (SCL, LAD/FBD, GRAPH), tags, UDTs, "
    "compile, simulation (PLCSIM), download, watch tables and unit tests. Every tool is one REST operation of this "
    "service. Destructive tools change nothing without confirm=true and return a preview instead. Use find_tools "
    "to search all tools and call_tool to run one that is not in your list."
)


@dataclass(frozen=True)
class McpContext:
    """What a request handler knows about its caller."""

    principal: Principal
    session_id: str | None
    categories: set[str] | None
    via: str
    profile: str = CORE
    """The tool profile listed (``core`` or ``all``); ``categories``, when set, replace it."""


def session_id_of(request: Any) -> str | None:
    """The transport's session id: the ``mcp-session-id`` header, or the SSE message URL's ``session_id``
    (``sessionId``, the reference's spelling, is accepted too)."""
    found: str | None = (request.headers.get("mcp-session-id") or request.query_params.get("session_id")
                         or request.query_params.get("sessionId"))
    return found


def _request_context(
    ctx: ServerRequestContext[Any, Any], sessions: SessionRegistry, default: Principal | None,
    default_categories: set[str] | None, via: str, default_profile: str, known: list[str],
) -> McpContext:
    request = ctx.request
    principal = default
    session_id: str | None = None
    if request is not None and hasattr(request, "scope"):
        user = request.scope.get("user")
        if isinstance(user, Principal):
            principal = user
        session_id = session_id_of(request)
    elif default is not None:
        session_id = "stdio"
    if principal is None:  # the HTTP guard always sets one; this is a wiring fault, not a client error
        raise MCPError(-32603, "no authenticated principal for this request")
    categories, profile = default_categories, default_profile
    record = sessions.get(session_id) if session_id else None
    if record is not None:
        categories, profile = (set(record.categories) if record.categories else None), record.tools
    elif request is not None and hasattr(request, "query_params"):
        # A session-less request (the 2026-07-28 protocol) carries the selection on every URL.
        try:
            profile, named = select(request.query_params.get("tools"), request.query_params.get("categories"), known)
        except ValidationError as exc:
            raise MCPError(types.INVALID_PARAMS, exc.message) from None
        categories = set(named) if named else None
    return McpContext(principal=principal, session_id=session_id, categories=categories, via=via, profile=profile)


def _tool(spec: ToolSpec) -> types.Tool:
    return types.Tool(
        name=spec.name, description=spec.description, input_schema=spec.input_schema,
        output_schema=spec.output_schema, annotations=types.ToolAnnotations(
            read_only_hint=spec.read_only,
            destructive_hint=spec.destructive if not spec.read_only else False,
            idempotent_hint=spec.idempotent, open_world_hint=False,
        ),
    )


def to_result(outcome: ToolOutcome, results: ResultStore, key_id: str) -> dict[str, Any]:
    """A tool outcome as MCP's ``CallToolResult``, in its wire form: the data as ``structuredContent`` (an
    object: lists and scalars are wrapped as ``{"result": ...}``), and as text the outcome in a sentence followed
    by the same data as compact JSON, cut at a budget with a link to the whole (:mod:`engineering_api.mcp.results`).

    A plain dict, not the SDK's model: the SDK takes a handler's result as a dict too, and validates it against
    the negotiated version's ``CallToolResult`` before it answers (``_serialize``), so a model built here was
    only dumped again, structured content and all (~80 us of a 20-block listing)."""
    # A result is data built for the wire (msgspec.to_builtins), but an error's details are what the exception
    # carried (datetimes, enums...): they get their JSON forms here, which the SDK's second dump of the result
    # gave them before tools/call was answered directly (direct_calls).
    data = msgspec.to_builtins(outcome.data) if outcome.is_error else outcome.data
    structured = data if isinstance(data, dict) else {"result": data}
    text, link = text_body(outcome.text, data, lambda encoded: result_uri(results.keep(key_id, encoded)))
    content: list[dict[str, Any]] = [{"type": "text", "text": text}]
    if link is not None:
        content.append({"type": "resource_link", "uri": link, "name": "whole result", "mimeType": "application/json",
                        "description": "The whole result the text was cut from."})
    # resultType: the 2026-07-28 wire requires it (the SDK's model fills it in; older versions' surfaces drop it).
    return {"content": content, "structuredContent": structured, "isError": outcome.is_error,
            "resultType": "complete"}


def create_mcp_server(
    services: Services, sessions: SessionRegistry, *, default_principal: Principal | None = None,
    categories: set[str] | None = None, via: str = "mcp", profile: str = CORE,
) -> Server[Any]:
    """The MCP server over ``services``; ``default_principal`` serves requests no HTTP request carries (stdio),
    listing ``categories`` or else ``profile``."""
    results = result_store(services)
    known: list[str] = []

    def context(ctx: ServerRequestContext[Any, Any]) -> McpContext:
        # The catalog (every tool's schemas, read from the operations' docstrings) is built by the first MCP
        # request, not at start-up: a server that never serves MCP never pays for it.
        if not known:
            known.extend(tool_catalog(services).categories())
        return _request_context(ctx, sessions, default_principal, categories, via, profile, known)

    async def list_tools(ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
                         ) -> types.ListToolsResult:
        caller = context(ctx)
        tools = tool_catalog(services).tools(caller.principal.role, caller.categories, caller.profile)
        cursor = params.cursor if params is not None else None
        try:
            start = int(cursor) if cursor else 0
        except ValueError:
            raise MCPError(types.INVALID_PARAMS, f"invalid cursor {cursor!r}") from None
        page = await schemas_ready(tools[start:start + PAGE_SIZE])
        following = start + PAGE_SIZE
        return types.ListToolsResult(tools=[_tool(s) for s in page],
                                     next_cursor=str(following) if following < len(tools) else None)

    async def call(ctx: ServerRequestContext[Any, Any], params: types.CallToolRequestParams) -> dict[str, Any]:
        caller = context(ctx)

        async def progress(percent: float, message: str) -> None:
            await ctx.session.report_progress(percent, 100.0, message or None)

        outcome = await call_tool(services, params.name, dict(params.arguments or {}), caller.principal,
                                  via=caller.via, session_id=caller.session_id, progress=progress)
        # a name no tool has counts under one label: a client's guesses must not make a series each
        known_tool = params.name in (CALL_TOOL, FIND_TOOLS) or tool_catalog(services).get(params.name) is not None
        sessions.count_tool_call(params.name if known_tool else UNKNOWN_TOOL, outcome.is_error)
        return to_result(outcome, results, caller.principal.key_id)

    async def observe(ctx: ServerRequestContext[Any, Any], call_next: Any) -> Any:
        # Session bookkeeping for /mcp/sessions: every request counts as activity; initialize names the client.
        await catalog_ready(services)  # built off the event loop; the handlers then read it from the cache
        caller_session = None
        request = ctx.request
        if request is not None and hasattr(request, "headers"):
            caller_session = session_id_of(request)
        elif default_principal is not None:
            caller_session = "stdio"
        if caller_session:
            name = version = None
            if ctx.method == "initialize" and isinstance(ctx.params, dict):
                info = ctx.params.get("clientInfo") or {}
                name, version = info.get("name"), info.get("version")
            protocol = (ctx.params or {}).get("protocolVersion") if ctx.method == "initialize" else None
            sessions.touch(caller_session, method=ctx.method, client_name=name, client_version=version,
                           protocol_version=protocol or ctx.protocol_version)
            try:
                return await call_next(ctx)
            finally:
                sessions.served(caller_session)
        return await call_next(ctx)

    def input_schema_of(name: str) -> dict[str, Any] | None:
        spec = tool_catalog(services).get(name)
        return spec.input_schema if spec is not None else None

    # get_tool_input_schema: without it the SDK finds a tool's schema for a 2026-07-28 call's Mcp-Param header
    # check by running the whole tools/list (every page) through the server on every tools/call: ~4.5 ms of
    # the ~5 ms a modern call cost the server (bench/mcp_overhead.py, the SDK client's default mode).
    server: Server[Any] = Server(
        SERVER_NAME, version=_version(), instructions=INSTRUCTIONS, on_list_tools=list_tools,
        get_tool_input_schema=input_schema_of,
    )
    if not services.settings.tracing:
        # The SDK's OpenTelemetryMiddleware opens a span per message (the SDK's documented opt-out is to drop it
        # from this list). With tracing off (the default, docs/operations.md) no span is wanted, so it is pure
        # cost: ~25 us of a ~850 us tool call (bench/mcp_overhead.py). With tracing on, each MCP message is a span
        # of the request's trace.
        server.middleware[:] = [m for m in server.middleware if type(m).__name__ != "OpenTelemetryMiddleware"]
    server.middleware.append(observe)
    # A well-formed call is answered by the middleware, without the SDK's second validation of the result
    # (engineering_api/mcp/direct_calls.py); the request handler serves what it hands on (malformed calls, a
    # handshake before initialize) with the SDK's checks. Registered as a plain request handler (which
    # ``on_call_tool`` is too): it answers the wire dict.
    server.middleware.append(direct_tool_calls(server, call))
    server.add_request_handler("tools/call", types.CallToolRequestParams, call)
    _add_resources_and_prompts(server, services, context)
    return server


def _add_resources_and_prompts(server: Server[Any], services: Services, context: Any) -> None:
    # Registering the handlers is what makes the SDK advertise the resources and prompts capabilities.
    from engineering_api.mcp import prompts, resources

    async def list_resources(ctx: Any, params: Any) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=await resources.list_resources(services, context(ctx).principal))

    async def list_templates(ctx: Any, params: Any) -> types.ListResourceTemplatesResult:
        found = await resources.list_resource_templates(services, context(ctx).principal)
        return types.ListResourceTemplatesResult(resource_templates=found)

    async def read_resource(ctx: Any, params: types.ReadResourceRequestParams) -> types.ReadResourceResult:
        try:
            return await resources.read_resource(services, context(ctx).principal, str(params.uri))
        except resources.ResourceNotFound as exc:
            raise MCPError(types.INVALID_PARAMS, f"resource not found: {exc}") from None

    async def list_prompts(ctx: Any, params: Any) -> types.ListPromptsResult:
        return types.ListPromptsResult(prompts=prompts.list_prompts())

    async def get_prompt(ctx: Any, params: types.GetPromptRequestParams) -> types.GetPromptResult:
        try:
            return prompts.get_prompt(params.name, dict(params.arguments or {}))
        except (KeyError, ValueError) as exc:
            raise MCPError(types.INVALID_PARAMS, str(exc)) from None

    server.add_request_handler("resources/list", types.PaginatedRequestParams, list_resources)
    server.add_request_handler("resources/templates/list", types.PaginatedRequestParams, list_templates)
    server.add_request_handler("resources/read", types.ReadResourceRequestParams, read_resource)
    server.add_request_handler("prompts/list", types.PaginatedRequestParams, list_prompts)
    server.add_request_handler("prompts/get", types.GetPromptRequestParams, get_prompt)


def _version() -> str:
    from engineering_api.domain.health import api_version

    return api_version()


def local_principal(role: Role) -> Principal:
    """The caller of an in-process stdio server: the user who started it, with the role they chose."""
    return Principal(key_id="stdio", name="stdio", role=role)
