"""Discovery: list every route and describe one, from the OpenAPI document."""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING, Any

from engineering_api.docs import openapi_document_ready
from engineering_api.backend.errors import NotFoundError
from engineering_api.errors import codes
from engineering_api.web.call_routes import service_call
from engineering_api.jobs.operations import CallRoute
from engineering_api.lib.responses import Envelope
from engineering_api.lib.schema import CamelStruct

if TYPE_CHECKING:
    from engineering_api.jobs.operations import OperationContext
    from engineering_api.services import Services

__all__ = ("CALLS",)

_TYPED_PARAM = re.compile(r"\{(\w+):\w+\}")
"""Litestar's ``{name:str}``; discovery shows the published form ``{name}``, as OpenAPI does."""


class CommandEntry(CamelStruct):
    """A route as discovery lists it."""

    method: str
    path: str
    controller: str
    operation_id: str
    summary: str
    role: str
    operation: str | None = None
    asynchronous: bool = False


def _entries(app: Any) -> list[CommandEntry]:
    """Every route of the running ``app`` (read once)."""
    services: Services = app.state.services
    cached: list[CommandEntry] | None = services.notes.get("commands")
    if cached is not None:
        return cached
    from engineering_api.lib.middleware import required_role

    entries = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            for method in sorted(handler.http_methods):
                if method in ("HEAD", "OPTIONS") or not route.path.startswith("/api"):
                    continue
                role = required_role(method, handler.opt)
                entries.append(
                    CommandEntry(
                        method=method, path=_TYPED_PARAM.sub(r"{\1}", route.path),
                        controller=(handler.resolve_tags() or ["Other"])[0],
                        operation_id=handler.operation_id if isinstance(handler.operation_id, str)
                        else handler.handler_name,
                        summary=(handler.summary or (handler.fn.__doc__ or "").strip().splitlines()[0]
                                 if (handler.summary or handler.fn.__doc__) else ""),
                        role=role.value if role else "public", operation=handler.opt.get("operation"),
                        asynchronous=bool(handler.opt.get("async")),
                    )
                )
    entries.sort(key=lambda e: (e.path, e.method))
    services.notes["commands"] = entries
    return entries


class CommandInfo(CamelStruct):
    """The OpenAPI operations that match a route or operation name, with the schemas they refer to."""

    route: str
    operations: list[dict[str, Any]]
    """Each matching OpenAPI operation object, with its ``method`` and ``path``."""
    components: dict[str, Any]
    """The component schemas the operations refer to, so the answer is self-contained."""


# Typed envelopes, so the document (and the regression gate) knows the payload of each answer.
class ListCommandsResponse(Envelope[list[CommandEntry]]): ...


class GetCommandInfoResponse(Envelope[CommandInfo]): ...


_SECTION = "Discovery"


class CommandRoute(CamelStruct):
    """A route's path (with or without ``/api``), of any depth, or an operation's name or id."""

    route: str


async def _command_info(context: OperationContext, given: CommandRoute) -> CommandInfo:
    """Parameters, body schema and responses of one route (path with or without ``/api``, or an operation)."""
    route = given.route
    wanted = route.strip("/")
    if not wanted.startswith("api/") and "/" in wanted:
        wanted = "api/" + wanted
    app: Any = context.app  # set by the route (a service call that reads the running app is no MCP tool)
    services: Services = app.state.services
    schema = await openapi_document_ready(app)
    operation = services.operations.get(route.strip("/"))
    matches: list[dict[str, Any]] = []
    for path, item in schema.get("paths", {}).items():
        for method, op in item.items():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            by_path = path.strip("/") == wanted
            by_op = operation is not None and any(
                e.operation == operation.name and e.path == path and e.method == method.upper()
                for e in _entries(app)
            )
            if by_path or by_op or op["operationId"].lower() == route.strip("/").lower():
                matches.append({"method": method.upper(), "path": path, **op})
    if not matches:
        raise NotFoundError(f"no route or operation matches {route!r}; see GET /api/command/list",
                            code=codes.COMMAND_NOT_FOUND)
    return CommandInfo(route=route.strip("/"), operations=matches, components=_components(schema, matches))


# Both read the running app (its routes, its OpenAPI document) from their route's context (OperationContext.app).
_REST_ONLY = "describes the REST routes; MCP lists its own tools (find_tools)"
_call = partial(service_call, section=_SECTION, no_mcp_tool=_REST_ONLY)
LIST = _call("command.list", "GET /api/command/list", "Every API route",
             handler=lambda context, _: _entries(context.app), output=list[CommandEntry],
             built_route=CallRoute("ListCommands", ListCommandsResponse),
             description="Every API route with its controller (section), method, role and operation name.")
INFO = _call("command.info", "GET /api/command/info/{route}", "One route's parameters, body and answers",
             errors=(NotFoundError,), handler=_command_info, input_type=CommandRoute, output=CommandInfo,
             built_route=CallRoute("GetCommandInfo", GetCommandInfoResponse, any_depth="route"),
             description=_command_info.__doc__ or "")
CALLS = (LIST, INFO)
"""The discovery calls, declared once (service calls of the registry)."""


def _components(schema: dict[str, Any], matches: list[dict[str, Any]]) -> dict[str, Any]:
    """The schema components the matched operations refer to, so the answer is self-contained."""
    import json

    text = json.dumps(matches)
    all_schemas = schema.get("components", {}).get("schemas", {})
    wanted: dict[str, Any] = {}
    pending = [name for name in all_schemas if f'"#/components/schemas/{name}"' in text]
    while pending:
        name = pending.pop()
        if name in wanted:
            continue
        wanted[name] = all_schemas[name]
        nested = json.dumps(all_schemas[name])
        pending.extend(n for n in all_schemas if n not in wanted and f'"#/components/schemas/{n}"' in nested)
    return wanted
