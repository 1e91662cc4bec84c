"""How a runtime API route takes its declaration: built from it (:func:`build_runtime_routes`, for the calls that
name their ``built_route``), or hand-written with its options (:func:`declared`) and its handler (:func:`run_call`).

The route still written by hand reads the raw request (:mod:`.pulls_routes`, a JSON or XML document); it takes
everything else from the runtime call of the one registry that it serves. The sessions and subscriptions
(:mod:`.routes`, :mod:`.event_routes`) are no calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Request

from engineering_api.web.call_routes import KEYED_ANSWERS, build_call_route, declared_route, key_caller
from engineering_api.lib.responses import problem_responses
from engineering_api.runtime.actions import RUNTIME_OPERATIONS, call_context
from engineering_api.runtime.connection_calls import CONNECTION_OPERATIONS
from engineering_api.runtime.opcua.calls import OPCUA_OPERATIONS
from engineering_api.runtime.pulls.calls import PULL_OPERATIONS
from engineering_api.runtime.pushes.calls import PUSH_OPERATIONS
from engineering_api.runtime.service import principal_of, runtime_of
from engineering_api.runtime.user_calls import USER_OPERATIONS

if TYPE_CHECKING:
    from litestar.handlers import HTTPRouteHandler

    from engineering_api.jobs.operations import Operation
    from engineering_api.runtime.service import RuntimeService

__all__ = (
    "BEARER", "bearer_responses", "build_runtime_routes", "declared", "run_call", "runtime_from",
)

BEARER: list[dict[str, list[str]]] = [{"RuntimeBearer": []}]
BEARER_ANSWERS = {
    401: "Missing, invalid or expired bearer token",
    429: "Too many requests for this runtime user, or failed authentications from this address",
}


def bearer_responses(role: str | None, *, body: bool = False, params: bool = False,
                     errors: tuple[Any, ...] = (), extra: dict[int, str] | None = None) -> dict[int, Any]:
    """The documented answers of a bearer route needing ``role`` (None: any logged-in runtime user), with ``extra``
    statuses and their descriptions."""
    extra = {**BEARER_ANSWERS, **(extra or {})}
    if role is not None:
        extra[403] = f"The runtime user lacks the {role} role"
    return problem_responses(None, body=body, params=params, errors=errors, extra=extra)


_CALLS: dict[str, Operation[Any, Any]] = {
    call.name: call for call in (*RUNTIME_OPERATIONS, *USER_OPERATIONS, *CONNECTION_OPERATIONS, *OPCUA_OPERATIONS,
                                     *PUSH_OPERATIONS, *PULL_OPERATIONS)}


def _declared_call(name: str) -> Operation[Any, Any]:
    """The runtime call ``name``; a route naming a call no listed module declares stops the import, saying where."""
    try:
        return _CALLS[name]
    except KeyError:
        raise LookupError(f"no runtime call {name!r}: declare it in a module of runtime calls and list that module's "
                          "OPERATIONS in _CALLS (engineering_api/runtime/call_routes.py)") from None


def declared(name: str, *, body: bool = False, params: bool = False) -> dict[str, Any]:
    """The route options of the runtime call ``name`` from its declaration (:data:`RUNTIME_OPERATIONS`): the guard's
    ``opt`` (bearer token and runtime role, or the API key role), the security scheme and the documented answers."""
    call = _declared_call(name)
    if call.auth != "bearer":
        return declared_route(call, body=body, params=params)
    keyed = "idempotent" in call.route_options()
    responses = bearer_responses(call.runtime_role, body=body, params=params, errors=call.errors,
                                 extra=KEYED_ANSWERS if keyed else None)
    return {**declared_route(call, responses=responses), "security": BEARER}


def run_call(request: Request[Any, Any, Any], name: str, data: Any) -> Any:
    """Run the runtime call ``name`` with ``data`` as its MCP tool does, in the name of the request's caller (the
    runtime user of a bearer route, else the API key)."""
    return _run(request, _declared_call(name), data)


def _run(request: Request[Any, Any, Any], call: Operation[Any, Any], data: Any) -> Any:
    caller = principal_of(request.scope).username if call.auth == "bearer" else key_caller(request)
    return call.handler(call_context(request.app.state.services, caller), data)


def _options(call: Operation[Any, Any], body: bool, params: bool) -> dict[str, Any]:
    return declared(call.name, body=body, params=params)


def build_runtime_routes() -> list[HTTPRouteHandler]:
    """The routes of the runtime calls that name their built route (:func:`~engineering_api.runtime.actions.
    runtime_call`): each runs in a worker thread (a call reaches the PLC or the runtime's files)."""
    return [build_call_route(call, _options, _run, blocking=True) for call in _CALLS.values()
            if call.built_route is not None]


def runtime_from(request: Request[Any, Any, Any]) -> RuntimeService:
    """The app's runtime service."""
    return runtime_of(request.app.state.services)
