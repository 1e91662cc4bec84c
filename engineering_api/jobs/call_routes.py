"""How a route serves an inline call: built from the declaration (:func:`build_call_routes`, a service call's read
without input), or hand-written, with its options from the declaration (:func:`declared_route`) and its handler
(:func:`run_inline`).

An inline call (a runtime call or a service call, :attr:`~engineering_api.jobs.operations.Operation.is_inline_call`)
is declared once, as an :class:`~engineering_api.jobs.operations.Operation` of the one registry, and its route keeps
a hand-written signature (query parameters with their descriptions, the answer's schema name). The route takes from
the declaration the guard's ``opt`` (role or public, audit, the ``Idempotency-Key`` of a change), the documented
answers and, for a change, the header's documentation; so a change is audited and keyed like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast, get_args

from litestar import Request, Response, get
from litestar.enums import ParamType
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.openapi.spec import Operation as OpenAPIOperation
from litestar.openapi.spec import Parameter as OpenAPIParameter

from engineering_api.jobs.operations import HttpMethod, Operation, OperationContext, RouteSpec, served_by_its_route
from engineering_api.lib.idempotency import (
    IN_FLIGHT_CODE, KEY_HEADER, MAX_KEY_LENGTH, OUTCOME_UNKNOWN_CODE, REPLAYED_HEADER, REUSED_CODE,
)
from engineering_api.lib.responses import BODY_TOO_LARGE, envelope_type, ok, problem_responses
from engineering_api.lib.security import Principal, Role

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from litestar.handlers import HTTPRouteHandler

    from engineering_api.backend.errors import EngineeringError
    from engineering_api.services import Services

__all__ = (
    "KEYED_ANSWERS", "KeyedCallOperation", "build_call_routes", "declared_route", "inline_context", "key_caller",
    "run_inline", "service_call", "services_in",
)

_METHODS = frozenset(get_args(HttpMethod))
KEY_DOC = (
    "A key of the caller's choosing for this change: a retry with the same key (after a lost answer) gets the first "
    f"call's stored answer, marked `{REPLAYED_HEADER}: true`, and the change is not made again."
)
KEYED_ANSWERS = {
    400: f"{KEY_HEADER} blank or longer than {MAX_KEY_LENGTH} characters (INVALID_IDEMPOTENCY_KEY)",
    409: f"The first request with this Idempotency-Key is still running; retry after it ends ({IN_FLIGHT_CODE})",
    413: BODY_TOO_LARGE,
    422: f"This Idempotency-Key was used for a different request ({REUSED_CODE})",
    503: f"The first request with this Idempotency-Key ended without storing its answer: whether the change was made "
         f"is not known, and it is not made again ({OUTCOME_UNKNOWN_CODE})",
    507: "The server's disk is full: the key could not be claimed and nothing ran",
}
"""The guard's answers to an inline change sent with ``Idempotency-Key`` (:mod:`engineering_api.lib.idempotency`)."""


@dataclass  # so that its __post_init__ is called
class KeyedCallOperation(OpenAPIOperation):
    """The OpenAPI operation of an inline call that changes something: the guard reads its ``Idempotency-Key``
    header (the route's handler never sees it), so it is documented here."""

    def __post_init__(self) -> None:
        self.parameters = [*(self.parameters or ()), OpenAPIParameter(
            name=KEY_HEADER, param_in=ParamType.HEADER, required=False, description=KEY_DOC,
            schema=Schema(type=OpenAPIType.STRING, max_length=MAX_KEY_LENGTH),
        )]


def declared_route(call: Operation[Any, Any], *, body: bool = False, params: bool = False,
                   responses: dict[int, Any] | None = None, extra: dict[int, str] | None = None) -> dict[str, Any]:
    """The route options of the inline call ``call`` from its declaration: the guard's ``opt``, for a change the
    ``Idempotency-Key`` header, and the documented answers (``responses`` when the caller computed them, as a bearer
    route does; else those of an API key of the call's role, or of a public route, with ``extra`` statuses)."""
    options = call.route_options()
    declaration: dict[str, Any] = {"opt": options}
    keyed = "idempotent" in options
    if keyed:
        declaration["operation_class"] = KeyedCallOperation
    if responses is None:
        role = None if call.public else call.required_role.value
        responses = problem_responses(role, body=body, params=params, errors=call.errors,
                                      extra={**(KEYED_ANSWERS if keyed else {}), **(extra or {})})
    declaration["responses"] = responses
    return declaration


def inline_context(services: Services, caller: str) -> OperationContext:
    """The context an inline call runs in: the app's services and who acts (a runtime user, ``apikey:<name>``)."""
    return OperationContext(services.backend, services.settings, services.paths, state=services.jobs.state,
                            caller=caller, services=services)


def key_caller(request: Request[Any, Any, Any]) -> str:
    """Who acts for a request made with an API key: ``apikey:<name>`` (``apikey:`` on a public route)."""
    return f"apikey:{getattr(request.scope.get('user'), 'name', '')}"


def run_inline(request: Request[Any, Any, Any], call: Operation[Any, Any], data: Any) -> Any:
    """Run the service call ``call`` with ``data`` in the name of the request's API key (the context's
    :attr:`~engineering_api.jobs.operations.OperationContext.principal`; None on a public route)."""
    context = inline_context(request.app.state.services, key_caller(request))
    key = request.scope.get("user")
    context.principal = key if isinstance(key, Principal) else None
    return call.handler(context, data)


def service_call(
    name: str, route: str, summary: str, run: Callable[[Services, Any], Any] | None = None,
    input_type: type[Any] | None = None, output: Any = None, *, section: str, no_mcp_tool: str = "",
    role: Role | None = None, mutating: bool = False, errors: tuple[type[EngineeringError], ...] = (),
    public: bool = False, handler: Callable[[OperationContext, Any], Any] | None = None, route_id: str = "",
    description: str = "", message: Callable[[Any], str] | None = None,
) -> Operation[Any, Any]:
    """A call of the server itself as an operation, at ``route`` (``"GET /api/settings"``): ``run(services, input)``
    is its handler (``handler`` when it needs its caller, :attr:`OperationContext.principal`), or neither when only
    its route serves it (:func:`served_by_its_route`). A read needs a viewer key and a change an engineer's unless
    ``role`` says otherwise; ``public`` needs none. A module binds its ``section`` (and a shared ``no_mcp_tool``)
    with :func:`functools.partial`. A read without input that names its ``route_id`` gets its route built
    (:func:`build_call_routes`), with ``description`` as its OpenAPI text and ``message`` the answer's message.

    Raises:
        ValueError: ``route`` is not a method and a path.
    """
    method, _, path = route.partition(" ")
    if method not in _METHODS or not path.startswith("/"):
        raise ValueError(f"service call {name!r}: {route!r} is not a method and a path")
    if handler is None:
        handler = served_by_its_route if run is None else _on_services(run)
    return Operation(
        name=name, summary=summary, section=section, handler=handler, input=input_type, output=output,
        route=RouteSpec(cast("Any", method), path),
        role=role, errors=errors, mutating=mutating, needs_tia=False, service=True, public=public,
        no_mcp_tool=no_mcp_tool, route_id=route_id, description=description, message=message,
    )


def _on_services(run: Callable[[Services, Any], Any]) -> Callable[[OperationContext, Any], Any]:
    def handler(context: OperationContext, data: Any) -> Any:
        return run(services_in(context), data)

    handler.__doc__ = run.__doc__
    return handler


def services_in(context: OperationContext) -> Services:
    """The app's services an inline call runs against.

    Raises:
        TypeError: the context is not an inline call's (:func:`inline_context`).
    """
    if context.services is None:  # not an isinstance check: a test may hand the app a proxy of its services
        raise TypeError("a service call ran without the app's services")
    return cast("Services", context.services)


def _read_route(call: Operation[Any, Any]) -> HTTPRouteHandler:
    """The route of the service call ``call``, a read without input: it runs the declared handler in the name of the
    request's API key and answers its result, documented as ``<route_id>Response``.

    Raises:
        ValueError: the call takes input, is no ``GET``, or only a route of its own can serve it.
    """
    spec = call.route
    if spec is None or spec.method != "GET" or call.input is not None or call.handler is served_by_its_route:
        raise ValueError(f"service call {call.name!r}: only a GET without input and with a handler gets its route "
                         "built from its declaration; write its route by hand (docs/add-an-api-call.md)")
    answer: Any = Response[Any] if call.output is None else Response[envelope_type(call.output,  # type: ignore[misc]
                                                                                   f"{call.route_id}Response")]
    message = call.message

    async def handler(request: Request[Any, Any, Any]) -> Response[Any]:
        result = run_inline(request, call, None)
        return ok(result) if message is None else ok(result, message(result))

    handler.__annotations__ = {"request": Request[Any, Any, Any], "return": answer}
    handler.__name__ = call.route_id
    handler.__doc__ = call.description or call.summary
    return get(spec.path, operation_id=call.route_id, summary=call.summary, tags=[call.section],
               **declared_route(call))(handler)


def build_call_routes(calls: Iterable[Operation[Any, Any]]) -> list[HTTPRouteHandler]:
    """The routes of the service calls among ``calls`` that name their ``route_id`` (:func:`service_call`)."""
    return [_read_route(call) for call in calls if call.route_id]
