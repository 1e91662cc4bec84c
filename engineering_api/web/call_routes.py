"""How a route serves an inline call: built from its declaration (:func:`build_call_route`, for a call that names
its :attr:`~engineering_api.jobs.operations.Operation.built_route`), or hand-written, with its options from the
declaration (:func:`declared_route`) and its handler (:func:`run_inline`).

An inline call (a runtime call or a service call, :attr:`~engineering_api.jobs.operations.Operation.is_inline_call`)
is declared once, as an :class:`~engineering_api.jobs.operations.Operation` of the one registry. A built route takes
its input from the path and the JSON body (a POST, PUT or PATCH) or the query string (a GET or DELETE: each field a
query parameter with its bounds, pattern and default), or has :attr:`~engineering_api.jobs.operations.CallRoute.
convert` make it from them. A route that reads the raw request, streams or answers with a status of its own is still
written by hand. Either takes from the declaration the guard's ``opt`` (role or public, audit, the
``Idempotency-Key`` of a change), the documented answers and, for a change, the header's documentation; so a change
is audited and keyed like any other.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast, get_args

import msgspec
from litestar import Request, Response, route
from litestar.concurrency import sync_to_thread
from litestar.enums import ParamType
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.openapi.spec import Operation as OpenAPIOperation
from litestar.openapi.spec import Parameter as OpenAPIParameter
from litestar.params import FromPath, JSONBody

from engineering_api.jobs.operations import (
    CallRoute, HttpMethod, Operation, OperationContext, RouteSpec, served_by_its_route,
)
from engineering_api.web.route_shape import (
    PATH_PARAMETER, REQUIRED, query_keyword, query_marker, sign, unconstrained,
)
from engineering_api.lib.idempotency import (
    IN_FLIGHT_CODE, KEY_HEADER, MAX_KEY_LENGTH, OUTCOME_UNKNOWN_CODE, REPLAYED_HEADER, REUSED_CODE,
)
from engineering_api.lib.responses import BODY_TOO_LARGE, envelope_type, ok, problem_responses
from engineering_api.lib.security import Principal, Role

if TYPE_CHECKING:
    from collections.abc import Iterable

    from litestar.handlers import HTTPRouteHandler

    from engineering_api.backend.errors import EngineeringError
    from engineering_api.services import Services

__all__ = (
    "KEYED_ANSWERS", "CallAnswer", "CallBody", "CallRequest", "KeyedCallOperation", "RouteOptions", "Runner",
    "build_call_route", "build_call_routes", "declared_route", "inline_context", "key_caller",
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
    :attr:`~engineering_api.jobs.operations.OperationContext.principal`; None on a public route), in the running app
    (:attr:`~engineering_api.jobs.operations.OperationContext.app`)."""
    context = inline_context(request.app.state.services, key_caller(request))
    key = request.scope.get("user")
    context.principal = key if isinstance(key, Principal) else None
    context.app = request.app
    return call.handler(context, data)


def service_call(
    name: str, route: str, summary: str, run: Callable[[Services, Any], Any] | None = None,
    input_type: type[Any] | None = None, output: Any = None, *, section: str, no_mcp_tool: str = "",
    role: Role | None = None, mutating: bool = False, errors: tuple[type[EngineeringError], ...] = (),
    public: bool = False, handler: Callable[[OperationContext, Any], Any] | None = None,
    built_route: CallRoute | None = None, description: str = "", message: Callable[[Any], str] | None = None,
) -> Operation[Any, Any]:
    """A call of the server itself as an operation, at ``route`` (``"GET /api/settings"``): ``run(services, input)``
    is its handler (``handler`` when it needs its caller, :attr:`OperationContext.principal`), or neither when only
    its route serves it (:func:`served_by_its_route`). A read needs a viewer key and a change an engineer's unless
    ``role`` says otherwise; ``public`` needs none. A module binds its ``section`` (and a shared ``no_mcp_tool``)
    with :func:`functools.partial`. A call that names its ``built_route`` gets its route built
    (:func:`build_call_routes`), with ``description`` as its OpenAPI text and ``message`` the answer's message.

    Raises:
        ValueError: ``route`` is not a method and a path; ``run`` is a coroutine function (``run`` is called as a
        function, so its answer would be an un-awaited coroutine: an async call takes ``handler=``, which its route
        awaits on the event loop).
    """
    method, _, path = route.partition(" ")
    if method not in _METHODS or not path.startswith("/"):
        raise ValueError(f"service call {name!r}: {route!r} is not a method and a path")
    if run is not None and inspect.iscoroutinefunction(run):
        raise ValueError(f"service call {name!r}: an async call takes handler= (run= is called, not awaited)")
    if handler is None:
        handler = served_by_its_route if run is None else _on_services(run)
    return Operation(
        name=name, summary=summary, section=section, handler=handler, input=input_type, output=output,
        route=RouteSpec(cast("Any", method), path),
        role=role, errors=errors, mutating=mutating, needs_tia=False, service=True, public=public,
        no_mcp_tool=no_mcp_tool, built_route=built_route, description=description, message=message,
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


CallAnswer = Response[Any]
"""The answer of a built route's handler. Each route names its envelope for it (:func:`_typed`): the handlers are
written once, per kind, and only their annotations name the route's types."""
CallBody = Any
"""The JSON body of a built route's handler, named the same way."""
CallRequest = Request[Any, Any, Any]
"""The request a built route's handler takes."""
_ANNOTATED: Any = typing.Annotated  # subscripted with a field's type: a value, as for _JSON_BODY
_FROM_PATH: Any = FromPath
_JSON_BODY: Any = JSONBody  # subscripted with a declared Struct: a value mypy cannot check as a type expression

Runner = Callable[[Request[Any, Any, Any], Operation[Any, Any], Any], Any]
"""How a built route runs its call in the name of the request's caller (:func:`run_inline`; a runtime call's
``run_call``)."""
RouteOptions = Callable[[Operation[Any, Any], bool, bool], dict[str, Any]]
"""A call's route options (:func:`declared_route`) given whether the route takes a body and parameters."""


def _query_parameters(struct: type[msgspec.Struct], names: tuple[str, ...],
                      docs: Mapping[str, str]) -> tuple[tuple[str, Any, Any], ...]:
    """The handler's query parameters for the fields of ``struct`` named ``names`` (by wire name): (keyword,
    annotation, default), each typed as its field (msgspec's type of it, with its ``Meta``: the annotations are
    evaluated once), with its bounds, pattern and the description ``docs`` give."""
    found = []
    for info in msgspec.structs.fields(struct):
        if info.encode_name not in names:
            continue
        bare, options = unconstrained(info.type)
        if info.encode_name in docs:
            options["description"] = docs[info.encode_name]
        default = (info.default if info.default is not msgspec.NODEFAULT
                   else info.default_factory() if info.default_factory is not msgspec.NODEFAULT else REQUIRED)
        found.append((query_keyword(info), _ANNOTATED[bare, query_marker(info.encode_name, **options)], default))
    return tuple(found)


def _kinds(fields: Mapping[str, msgspec.structs.FieldInfo], path: tuple[tuple[str, str], ...]
           ) -> dict[str, type[int] | type[str]]:
    """The type of each path parameter (by wire name) of ``path`` ((wire name, field name) pairs): its field's in
    ``fields`` (by field name), without its ``Meta``, ``int`` or ``str``. The fields' types are msgspec's, which
    route building has read already: no annotation is evaluated again."""
    return {wire: int if name in fields and unconstrained(fields[name].type)[0] is int else str for wire, name in path}


@dataclass(frozen=True)
class _Inputs:
    """How a built route makes its call's input from the path's values and the JSON body or the query string."""

    input: type[msgspec.Struct] | None
    path: tuple[tuple[str, str], ...]
    """(wire name, field name) of each path parameter."""
    body: type[msgspec.Struct] | None
    """The body's Struct; the input itself when it is the input's."""
    query: tuple[tuple[str, Any, Any], ...] = ()
    """The handler's query parameters (keyword, annotation, default) of a GET or DELETE: the input's fields the path
    does not give (:func:`_query_parameters`)."""
    query_fields: tuple[tuple[str, str], ...] = ()
    """(keyword, field name) of each query parameter."""
    convert: Callable[[Mapping[str, str], Any], Any] | None = None
    """Makes the input from the path's values and the body's or query's Struct (:attr:`CallRoute.convert`)."""
    given: type[msgspec.Struct] | None = None
    """The query's Struct when :attr:`convert` makes the input from it."""
    deep: tuple[str, ...] = ()
    """The path parameter of any depth (:attr:`CallRoute.any_depth`), which the handler takes as text."""
    path_kinds: Mapping[str, type[int] | type[str]] = field(default_factory=dict)
    """The type of each path parameter (by wire name): its input field's, ``int`` or ``str`` (:func:`_kinds`): read
    once, as the route's path and its handler's signature both take it."""

    @classmethod
    def of(cls, call: Operation[Any, Any], built: CallRoute) -> _Inputs:
        """Raises:
            ValueError: the path, body and input do not fit (a path parameter or body field that is no input field,
            an input field neither gives, a query parameter documented that is no input field)."""
        assert call.route is not None
        if built.convert is not None:
            return cls._converted(call, built)
        method, path = call.route.method, call.route.path
        fields = {f.encode_name: f for f in msgspec.structs.fields(call.input)} if call.input is not None else {}
        names = PATH_PARAMETER.findall(path)
        body = built.body
        rest = tuple(name for name in fields if name not in names)
        from_query = rest if method in ("GET", "DELETE") and body is None else ()
        if body is None and not from_query and rest:
            body = call.input
        from_body = {f.encode_name for f in msgspec.structs.fields(body)} if body is not None else set()
        problems = [f"{name} is no field of {call.input}" for name in (*names, *from_body) if name not in fields]
        # An optional field too: a field nothing gives would be one the route drops, not one the caller left out.
        problems += [f"nothing gives {name}" for name in rest if name not in from_body and name not in from_query]
        if body is call.input and names:
            problems.append("a body beside path parameters needs a Struct of its own (CallRoute.body)")
        query = cls._query(call, built, call.input, from_query, problems)
        from_path = tuple((name, fields[name].name) for name in names)
        return cls(call.input, from_path, body, *query, deep=cls._deep(call, built, names),
                   path_kinds=_kinds({f.name: f for f in fields.values()}, from_path))

    @classmethod
    def _converted(cls, call: Operation[Any, Any], built: CallRoute) -> _Inputs:
        """The inputs of a route whose :attr:`CallRoute.convert` makes the call's input: the path's values as they
        are, and the body's or the query's Struct."""
        assert call.route is not None
        names = PATH_PARAMETER.findall(call.route.path)
        reads_query = call.route.method in ("GET", "DELETE")
        given = built.query if reads_query else built.body
        if given is None:
            raise ValueError(f"{call.name}: a converted input needs the Struct its route takes (CallRoute."
                             f"{'query' if reads_query else 'body'}) (docs/add-an-api-call.md)")
        problems: list[str] = []
        fields = tuple(f.encode_name for f in msgspec.structs.fields(given) if f.encode_name not in names)
        query = cls._query(call, built, given, fields if reads_query else (), problems)
        path = tuple((name, name) for name in names)
        inputs = {f.name: f for f in msgspec.structs.fields(call.input)} if names and call.input is not None else {}
        return cls(call.input, path, None if reads_query else given, *query,
                   convert=built.convert, given=given if reads_query else None,
                   deep=cls._deep(call, built, names), path_kinds=_kinds(inputs, path))

    @staticmethod
    def _deep(call: Operation[Any, Any], built: CallRoute, names: list[str]) -> tuple[str, ...]:
        """The path parameter of any depth, as a tuple (none or one).

        Raises:
            ValueError: :attr:`CallRoute.any_depth` names no parameter, or not the path's last (Litestar matches a
            ``path`` parameter to the path's end)."""
        if built.any_depth is None:
            return ()
        if not names or names[-1] != built.any_depth or not call.route or not call.route.path.endswith("}"):
            raise ValueError(f"{call.name}: any_depth={built.any_depth!r} is not the last segment of its path "
                             "(docs/add-an-api-call.md)")
        return (built.any_depth,)

    @staticmethod
    def _query(call: Operation[Any, Any], built: CallRoute, struct: type[msgspec.Struct] | None,
               names: tuple[str, ...], problems: list[str]) -> tuple[Any, Any]:
        """The query parameters of the fields ``names`` of ``struct`` and their (keyword, field name).

        Raises:
            ValueError: ``problems``, or a documented query parameter the route does not take."""
        problems += [f"query_docs names {name}, which is no query parameter" for name in built.query_docs
                     if name not in names]
        if problems:
            raise ValueError(f"{call.name}: {'; '.join(problems)} (docs/add-an-api-call.md)")
        if struct is None or not names:
            return (), ()
        fields = {f.encode_name: f for f in msgspec.structs.fields(struct)}
        return (_query_parameters(struct, names, built.query_docs),
                tuple((query_keyword(fields[name]), fields[name].name) for name in names))

    def path_of(self, path: str) -> str:
        """``path`` as Litestar declares it, each parameter typed as its input field (``{alarmId:int}``), or
        ``path`` when it takes any depth (:attr:`deep`: ``{route:path}``)."""
        kinds = {**{wire: kind.__name__ for wire, kind in self.path_kinds.items()},
                 **{wire: "path" for wire in self.deep}}
        return PATH_PARAMETER.sub(lambda m: "{%s:%s}" % (m.group(1), kinds[m.group(1)]), path)

    def make(self, path_values: dict[str, Any], body: Any, arguments: dict[str, Any]) -> Any:
        """The call's input: the body itself when it is the input, else the path's values, the body's fields and the
        query parameters' values (``arguments``, by keyword: Litestar has checked each); or what
        :attr:`convert` makes of them."""
        queried = {name: arguments[keyword] for keyword, name in self.query_fields}
        if self.deep:  # Litestar's path_params hold a deep path as a pathlib.Path; the handler took it as text
            path_values = {**path_values, **{wire: arguments[wire] for wire in self.deep}}
        if self.convert is not None:
            given = body if self.given is None else self.given(**queried)
            return self.convert({wire: path_values[wire] for wire, _ in self.path}, given)
        if self.input is None or (body is not None and self.body is self.input):
            return body
        values = {name: path_values[wire] for wire, name in self.path}
        if body is not None:
            values.update(msgspec.structs.asdict(body))  # fields() would build type info on every request
        values.update(queried)
        return self.input(**values)


def _handler(call: Operation[Any, Any], built: CallRoute, inputs: _Inputs, run: Runner, blocking: bool,
             answer_type: Any) -> Callable[..., Any]:
    """The handler of a built route, of the kind its input makes it (a JSON body, query parameters, neither): the
    call run with its input (``blocking``: in a worker thread), its result in the envelope (``answer_type``) with the
    call's message and the declared status.

    The handler is a coroutine that hands the call to a thread itself: Litestar's ``sync_to_thread`` wraps a handler
    again each time another handler joins its path, so a second method on the path would answer a coroutine."""
    message, status, media_type, outcome = call.message, built.status_code, built.media_type, built.outcome

    on_loop = inspect.iscoroutinefunction(call.handler)

    async def answer(request: Request[Any, Any, Any], body: Any, arguments: dict[str, Any]) -> Response[Any]:
        data = inputs.make(request.path_params, body, arguments)
        if on_loop:  # a service call that waits on the event loop (the TIA worker with a bound, a generation)
            result = await run(request, call, data)
        else:
            result = await sync_to_thread(run, request, call, data) if blocking else run(request, call, data)
            if inspect.isawaitable(result):
                _refuse_awaitable(call, result)
        if media_type is not None:
            return Response(result, media_type=media_type, status_code=status)
        said = "OK" if message is None else message(result)
        if outcome is not None:
            data, answered = outcome(result)
            return ok(data, said, status_code=answered)
        return ok(result, said, status_code=status)

    if inputs.body is not None and not inputs.path:
        async def with_body(request: CallRequest, data: CallBody) -> CallAnswer:
            return await answer(request, data, {})

        return _typed(with_body, answer_type, _JSON_BODY[inputs.body])

    if inputs.body is None and not (inputs.query or inputs.deep):
        async def without_body(request: CallRequest) -> CallAnswer:
            return await answer(request, None, {})

        return _typed(without_body, answer_type)

    # The path's parameters first, as Litestar documents those the signature names, in its order. A handler names
    # each (by signature) beside a body or query parameters: building the OpenAPI document adds a path parameter the
    # signature does not name to the handler's parsed parameters (Litestar 2.25, litestar/_openapi/parameters.py
    # lines 226-250), which its signature model collects a bad request's errors over: a bad body then answered a
    # second, bogus error naming the path parameter (issue 75).
    path = [(wire, _FROM_PATH[kind], REQUIRED) for wire, kind in inputs.path_kinds.items()]
    if inputs.body is not None:
        async def with_body_at_path(request: CallRequest, data: CallBody, **_path: Any) -> CallAnswer:
            return await answer(request, data, {})

        sign(with_body_at_path, [*path, ("data", _JSON_BODY[inputs.body], REQUIRED)], Response[answer_type])
        return with_body_at_path

    # The query parameters are the input's fields: named at run time, as only a signature names them to Litestar; so
    # is a deep path's, which Litestar would otherwise document as its pathlib.Path (format: uri).
    async def with_query(request: CallRequest, **arguments: Any) -> CallAnswer:
        return await answer(request, None, arguments)

    sign(with_query, [*path, *inputs.query], Response[answer_type])
    return with_query


def _typed(handler: Callable[..., Any], answer_type: Any, body: Any = None) -> Callable[..., Any]:
    """``handler`` with each annotation's text (``CallRequest``, ``CallBody``, ``CallAnswer``) replaced by the object
    it names on this route: the request, the body's Struct, the answer's envelope (``answer_type``).

    Litestar (2.25, ``litestar/utils/signature.py`` ``get_fn_type_hints``) evaluates a handler's text annotations
    with ``typing.get_type_hints``, a ``compile()`` per annotation per route (154 of a start's ~3,000, issue 75);
    annotations that are objects already are taken as they are."""
    named = {"CallRequest": CallRequest, "CallBody": body, "CallAnswer": Response[answer_type]}
    handler.__annotations__ = {name: named[text] for name, text in handler.__annotations__.items()}
    return handler


def _refuse_awaitable(call: Operation[Any, Any], result: Any) -> typing.NoReturn:
    """Raises:
        TypeError: always: ``call``'s handler is no coroutine function but answered an awaitable ``result`` (a
        ``lambda`` around an async function), which would otherwise reach the encoder un-awaited. A coroutine is
        closed first, so Python does not warn later that it was never awaited."""
    if inspect.iscoroutine(result):
        result.close()
    raise TypeError(f"service call {call.name!r}: its handler answered an awaitable; declare the async function "
                    "itself as its handler= so its route awaits it")


def build_call_route(call: Operation[Any, Any], options: RouteOptions, run: Runner, *,
                     blocking: bool) -> HTTPRouteHandler:
    """The route of the inline call ``call``, built from its declaration and :attr:`Operation.built_route`: its path
    parameters and JSON body make the input; it runs the call with ``run`` (``blocking``: in a worker thread) and
    answers its result, documented as the declared envelope.

    Raises:
        ValueError: the call names no built route, or its path and body do not make its input.
    """
    built, spec = call.built_route, call.route
    if built is None or spec is None or call.handler is served_by_its_route:
        raise ValueError(f"inline call {call.name!r}: only a call with a route, a handler and a CallRoute gets its "
                         "route built from its declaration (docs/add-an-api-call.md)")
    inputs = _Inputs.of(call, built)
    answer_type: Any = built.answer or (
        Any if call.output is None else call.output if built.media_type
        else envelope_type(call.output, f"{built.route_id}Response"))
    media: dict[str, Any] = {} if built.media_type is None else {"media_type": built.media_type}
    return route(
        inputs.path_of(spec.path), http_method=spec.method, operation_id=built.route_id, summary=call.summary,
        description=call.description or call.summary, tags=[call.section], status_code=built.status_code, **media,
        **options(call, inputs.body is not None, bool(inputs.path or inputs.query)),
    )(_handler(call, built, inputs, run, blocking, answer_type))


def _service_options(call: Operation[Any, Any], body: bool, params: bool) -> dict[str, Any]:
    return declared_route(call, body=body, params=params)


def build_call_routes(calls: Iterable[Operation[Any, Any]]) -> list[HTTPRouteHandler]:
    """The routes of the service calls among ``calls`` that name their built route (:func:`service_call`), each
    run on the event loop unless its :attr:`CallRoute.blocking` says it may wait."""
    return [build_call_route(call, _service_options, run_inline, blocking=call.built_route.blocking)
            for call in calls if call.built_route is not None]
