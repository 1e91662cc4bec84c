"""How a runtime API route takes its declaration: its options (:func:`declared`) and its handler (:func:`run_call`).

The runtime's routes (:mod:`.routes`, :mod:`.event_routes`, :mod:`.connection_routes`, :mod:`.opcua_routes`,
:mod:`.pushes_routes`) keep their hand-written signatures (query parameters with their descriptions) and take
everything else from the runtime call of the one registry that they serve.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from litestar import Request
from litestar.enums import ParamType
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.openapi.spec import Operation as OpenAPIOperation
from litestar.openapi.spec import Parameter as OpenAPIParameter

from engineering_api.lib.idempotency import (
    IN_FLIGHT_CODE, KEY_HEADER, MAX_KEY_LENGTH, OUTCOME_UNKNOWN_CODE, REPLAYED_HEADER, REUSED_CODE,
)
from engineering_api.lib.responses import problem_responses
from engineering_api.runtime.actions import RUNTIME_OPERATIONS, call_context
from engineering_api.runtime.connection_calls import CONNECTION_OPERATIONS
from engineering_api.runtime.opcua_calls import OPCUA_OPERATIONS
from engineering_api.runtime.pushes_calls import PUSH_OPERATIONS
from engineering_api.runtime.service import principal_of, runtime_of
from engineering_api.runtime.user_calls import USER_OPERATIONS

if TYPE_CHECKING:
    from engineering_api.jobs.operations import Operation
    from engineering_api.runtime.service import RuntimeService

__all__ = ("BEARER", "KeyedCallOperation", "bearer_responses", "declared", "run_call", "runtime_from")

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


KEY_DOC = (
    "A key of the caller's choosing for this change: a retry with the same key (after a lost answer) gets the first "
    f"call's stored answer, marked `{REPLAYED_HEADER}: true`, and the change is not made again."
)
KEYED_ANSWERS = {
    400: f"{KEY_HEADER} blank or longer than {MAX_KEY_LENGTH} characters (INVALID_IDEMPOTENCY_KEY)",
    409: f"The first request with this Idempotency-Key is still running; retry after it ends ({IN_FLIGHT_CODE})",
    413: "Request body too large",
    422: f"This Idempotency-Key was used for a different request ({REUSED_CODE})",
    503: f"The first request with this Idempotency-Key ended without storing its answer: whether the change was made "
         f"is not known, and it is not made again ({OUTCOME_UNKNOWN_CODE})",
    507: "The server's disk is full: the key could not be claimed and nothing ran",
}
"""The guard's answers to a runtime change sent with ``Idempotency-Key`` (:mod:`engineering_api.lib.idempotency`)."""


@dataclass  # so that its __post_init__ is called
class KeyedCallOperation(OpenAPIOperation):
    """The OpenAPI operation of a runtime call that changes something: the guard reads its ``Idempotency-Key``
    header (the route's handler never sees it), so it is documented here."""

    def __post_init__(self) -> None:
        self.parameters = [*(self.parameters or ()), OpenAPIParameter(
            name=KEY_HEADER, param_in=ParamType.HEADER, required=False, description=KEY_DOC,
            schema=Schema(type=OpenAPIType.STRING, max_length=MAX_KEY_LENGTH),
        )]


_CALLS: dict[str, Operation[Any, Any]] = {
    call.name: call for call in (*RUNTIME_OPERATIONS, *USER_OPERATIONS, *CONNECTION_OPERATIONS, *OPCUA_OPERATIONS,
                                     *PUSH_OPERATIONS)}


def declared(name: str, *, body: bool = False, params: bool = False) -> dict[str, Any]:
    """The route options of the runtime call ``name`` from its declaration (:data:`RUNTIME_OPERATIONS`): the guard's
    ``opt`` (bearer token and runtime role, or the API key role), the security scheme and the documented answers."""
    call = _CALLS[name]
    options = call.route_options()
    keyed = "idempotent" in options
    extra = KEYED_ANSWERS if keyed else {}
    declaration: dict[str, Any] = {"opt": options}
    if keyed:
        declaration["operation_class"] = KeyedCallOperation
    if call.auth == "bearer":
        declaration["security"] = BEARER
        declaration["responses"] = bearer_responses(call.runtime_role, body=body, params=params, errors=call.errors,
                                                    extra=extra)
    else:
        declaration["responses"] = problem_responses(call.required_role.value, body=body, params=params,
                                                     errors=call.errors, extra=extra)
    return declaration


def run_call(request: Request[Any, Any, Any], name: str, data: Any) -> Any:
    """Run the runtime call ``name`` with ``data`` as its MCP tool does, in the name of the request's caller (the
    runtime user of a bearer route, else the API key)."""
    call = _CALLS[name]
    if call.auth == "bearer":
        caller = principal_of(request.scope).username
    else:
        key = request.scope.get("user")
        caller = f"apikey:{getattr(key, 'name', '')}"
    return call.handler(call_context(request.app.state.services, caller), data)


def runtime_from(request: Request[Any, Any, Any]) -> RuntimeService:
    """The app's runtime service."""
    return runtime_of(request.app.state.services)
