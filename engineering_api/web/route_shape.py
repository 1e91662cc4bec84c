"""What one route of an operation takes, read once from its declaration: a :class:`RouteShape`.

A shape says where each input field comes from (the path, the query string, the JSON body), which of the
route's options it takes (``dryRun``, ``download``, ``Idempotency-Key``), the request body's Struct and the answer's
envelope. :mod:`engineering_api.web.routes` builds the route's handler from it; :meth:`RouteShape.parameters` is the
one place that turns the shape into the keyword parameters Litestar reads (names, annotations, defaults), and
:meth:`RouteShape.values` the one place that turns the arguments Litestar passes back into the operation's input.
"""

from __future__ import annotations

import functools
import inspect
import keyword
import re
import sys
import threading
import types
import typing
import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import msgspec
from litestar import Request, Response
from litestar.constants import RESERVED_KWARGS
from litestar.openapi.spec import Example, Reference
from litestar.params import (
    BodyKwarg, FromPath, HeaderParameter, KwargDefinition, Parameter, PathParameter, QueryParameter,
)

from engineering_api.jobs.preview import Preview
from engineering_api.jobs.transfer import DOWNLOAD_DOC, TransferPlan
from engineering_api.lib.field_docs import borrow_field_docs
from engineering_api.lib.idempotency import KEY_HEADER, MAX_KEY_LENGTH
from engineering_api.lib.responses import envelope_type
from engineering_api.web._litestar.route_signatures import annotations_evaluated
from engineering_api.lib.schema import CamelStruct

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from engineering_api.jobs.operations import Operation, RouteSpec

__all__ = (
    "DOWNLOAD_ARG", "DRY_RUN_ARG", "DRY_RUN_DOC", "IDEMPOTENCY_DOC", "IDEMPOTENCY_PARAMETER", "InputField",
    "PATH_PARAMETER", "JobAccepted", "REQUIRED", "RouteShape", "dry_run_route", "operation_id", "query_marker",
    "query_keyword", "route_path", "sign", "unconstrained",
)

PATH_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")
"""A parameter of a declared path, ``{name}`` or ``{name:type}``: its name is group 1."""
# A route's annotations are values Litestar reads, made from an operation's fields: subscripted through Any, as
# mypy cannot check a type expression built from a value.
_ANNOTATED: Any = typing.Annotated
_RESPONSE: Any = Response


class _HashedOnce:
    """Mixed into Litestar's parameter markers: Litestar's hash, without the deep copy it makes for it.

    Python hashes a marker each time an annotation that holds it is built or looked up (typing's caches, Litestar's
    signature models: some 2,000 times over a start's 400 routes). Litestar's ``KwargDefinition.__hash__`` (2.25)
    sums the hashes of what iterating ``dataclasses.asdict(self)`` gives, which are the field names: the same value
    for every marker of a class, got through a deep copy of every field (a body's examples too) at each hash, a
    tenth of ``create_app``'s calls (issue 71). The value is the same, from the names, once per class
    (tests/api/test_route_markers.py holds it equal to Litestar's); equality stays Litestar's (by field)."""

    __slots__ = ()
    _names_hash: typing.ClassVar[int]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        marker: Any = cls  # a Litestar marker's class, which is a dataclass
        cls._names_hash = sum(hash(field.name) for field in dataclasses.fields(marker))

    def __hash__(self) -> int:
        return self._names_hash


class _Query(_HashedOnce, QueryParameter):
    """A query parameter's marker (``in: query``)."""


class _Header(_HashedOnce, HeaderParameter):
    """A header parameter's marker (``in: header``)."""


class _Path(_HashedOnce, PathParameter):
    """A path parameter's marker (``in: path``)."""


class _Body(_HashedOnce, BodyKwarg):
    """A JSON request body's marker."""


_IN_PATH = _Path()
"""What ``FromPath`` marks a path segment with (a marker without options)."""
REQUIRED: Any = object()
"""The default of a parameter the request must carry (:meth:`RouteShape.parameters`)."""
DRY_RUN_ARG = "q__dry_run"
"""The keyword the route's ``dryRun`` query value arrives in (two underscores: no input field is named so)."""
DOWNLOAD_ARG = "q__download"
"""The keyword of the ``download`` query value."""
_KEY_ARG = "h__idempotency_key"
_BODY_ARG = "data"
IDEMPOTENCY_DOC = (
    "A key of the caller's choosing for this request: a retry with the same key (after a lost answer) gets the "
    "first call's outcome, from its job, and the work is not done again; the same key with another request "
    "answers 422 IDEMPOTENCY_KEY_REUSED; an empty key answers 400 INVALID_IDEMPOTENCY_KEY."
)
IDEMPOTENCY_PARAMETER = _Header(
    name=KEY_HEADER, required=False, max_length=MAX_KEY_LENGTH, description=IDEMPOTENCY_DOC,
)
"""The documented header of every route that changes something or runs a job."""
_READ_KEY = _Header(
    name=KEY_HEADER, required=False, max_length=MAX_KEY_LENGTH,
    description="Accepted as on every -sync route; this call changes nothing, so a retry simply asks again.",
)
DRY_RUN_DOC = (
    "Dry run: answer 200 with what the call would do (data: Preview; the objects it would delete, stop, replace or "
    "overwrite) and change nothing. Needs the operation's normal role."
)
_DRY_RUN: Any = typing.Annotated[bool | None, _Query(name="dryRun", required=False, description=DRY_RUN_DOC)]
_DOWNLOAD: Any = typing.Annotated[bool | None, _Query(name="download", required=False, description=DOWNLOAD_DOC)]


_SCHEMA_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusive_minimum", "lt": "exclusive_maximum"}
"""A marker's numeric bound and the OpenAPI schema attribute that documents it."""


def query_marker(name: str, **options: Any) -> QueryParameter:
    """The marker of the query parameter ``name`` with its ``options`` (``description``, ``ge``, ``max_length``...:
    what Litestar validates and documents).

    Litestar (2.25) copies a marker's bound into the schema only when it is truthy, so ``ge=0`` was validated but
    not documented; a bound of 0 is written into the schema itself."""
    zero = {key: 0 for option, key in _SCHEMA_BOUNDS.items() if options.get(option) == 0}
    if zero:
        options["schema_extra"] = {**(options.get("schema_extra") or {}), **zero}
    return _Query(name=name, **options)


_META_OPTIONS = ("gt", "ge", "lt", "le", "multiple_of", "pattern", "min_length", "max_length")
"""The constraints of a ``msgspec.Meta`` that a query parameter's marker takes by the same names."""


def unconstrained(hint: Any) -> tuple[Any, dict[str, Any]]:
    """``hint`` without its ``msgspec.Meta`` constraints, and those constraints as a query marker's options
    (:func:`query_marker`): how a query parameter takes its field's bounds.

    Litestar (2.25) validates and documents a parameter's bounds from its marker (``QueryParameter(ge=1)``), and
    ignores a ``Meta`` in its type in the OpenAPI document; a route that kept the ``Meta`` would lose its bounds
    there. ``Annotated[str, Meta(max_length=64)] | None`` gives ``str | None`` and ``{"max_length": 64}``."""
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        base, *extras = typing.get_args(hint)
        bare, options = unconstrained(base)
        for extra in extras:
            if isinstance(extra, msgspec.Meta):
                options.update({name: getattr(extra, name) for name in _META_OPTIONS
                                if getattr(extra, name) is not None})
        return bare, options
    if origin in (typing.Union, types.UnionType):
        parts, options = [], {}
        for arg in typing.get_args(hint):
            bare, found = unconstrained(arg)
            parts.append(bare)
            options.update(found)
        return typing.Union[tuple(parts)], options
    return hint, {}


def sign(handler: Callable[..., Any], parameters: Iterable[tuple[str, Any, Any]], answer: Any, *,
         request: bool = True) -> None:
    """Give ``handler`` the signature and annotations Litestar reads: ``request`` (when it takes it), then each of
    ``parameters`` (name, annotation, default; :data:`REQUIRED` when the request must carry it) as a keyword, and
    ``answer`` as its return annotation.

    The one way a handler's parameters are named at run time, and why they must be: Litestar (2.25) extracts,
    validates and documents a query, path or header parameter only when the handler's signature names it
    (``inspect.signature``, which reads ``__signature__``, PEP 362) and types it (``typing.get_type_hints``, which
    reads ``__annotations__``). A handler's own ``parameters=`` are neither validated nor documented (tried:
    ``?limit=abc`` against ``Parameter(int, query="limit", ge=1)`` reached the handler, and the OpenAPI entry listed
    no parameter).

    Also tried (issue 75), a written handler ``(request, data, given: Inputs)`` whose query parameters come from a
    dependency, ``dependencies={"given": Provide(Inputs)}`` with ``Inputs`` a dataclass of
    ``Annotated[int | None, Parameter(query="limit", ge=1)]`` fields: Litestar documents those parameters as it does
    a signature's (byte-equal) and validates them, but (1) it resolves dependencies before it parses the handler's
    own arguments (``litestar/routes/http.py`` line 171, ``resolve_dependencies``, then line 174,
    ``signature_model.parse_values_from_connection_kwargs``), so a request with a bad body and a bad query value
    answers the query's error alone where today it lists both; (2) an error names the dependency's field
    (``continuation_point``), not the parameter (``continuationPoint``); (3) ``Inputs`` would still be made at run
    time per route from the operation's input fields and options (``dataclasses.make_dataclass``, which compiles
    an ``__init__`` per class): the assembly moved, not gone."""
    signature = [inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request)] if request else []
    signature += [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation,
                          default=inspect.Parameter.empty if default is REQUIRED else default)
        for name, annotation, default in parameters]
    # Litestar reads a handler's parameters from its __signature__ (inspect.signature honours it); a function
    # object takes the attribute though typeshed does not declare it
    setattr(handler, "__signature__", inspect.Signature(signature))
    handler.__annotations__ = {**{p.name: p.annotation for p in signature}, "return": answer}
    annotations_evaluated(handler)  # objects all, as Litestar would evaluate them: read as they are


@functools.cache
def _query(name: str, required: bool, bounds: tuple[tuple[str, Any], ...] = ()) -> _Query:
    """The marker of the query parameter ``name`` with its field's ``bounds`` (:func:`unconstrained`): one per name,
    requiredness and bounds, shared by the routes that take it."""
    return cast("_Query", query_marker(name, required=required, **dict(bounds)))


class JobAccepted(CamelStruct):
    """``data`` of a 202 answer."""

    job_id: str
    status: str
    operation: str
    status_url: str
    events_url: str


class InputField(NamedTuple):
    """An input field of an operation: its wire name, msgspec's view of it and its type."""

    wire: str
    info: msgspec.structs.FieldInfo
    hint: Any
    bounds: tuple[tuple[str, Any], ...] = ()
    """The constraints of its type's ``msgspec.Meta`` (``ge``, ``max_length``...), which a query parameter's marker
    takes (:func:`unconstrained`): the hint has none."""

    @property
    def query_arg(self) -> str:
        """The keyword its query value arrives in (:func:`query_keyword`)."""
        return query_keyword(self.info)


def query_keyword(info: msgspec.structs.FieldInfo) -> str:
    """The handler's keyword for the query parameter of the field ``info``, which Litestar's answer to a bad value
    names (``invalid request: limit: Expected `int` >= 1``): its wire name (``continuationPoint``); its field name
    where the wire name is no keyword a handler can take (``from_`` for ``from``); ``q_<field>`` where that too is
    one Litestar reserves for itself (``data``, ``query``, ``request``...: ``litestar.constants.RESERVED_KWARGS``)."""
    wire = info.encode_name
    if wire.isidentifier() and not keyword.iskeyword(wire) and wire not in RESERVED_KWARGS:
        return wire
    return info.name if info.name not in RESERVED_KWARGS else f"q_{info.name}"


def operation_id(operation: Operation[Any, Any], is_async: bool) -> str:
    """``projects.create`` → ``ProjectsCreate`` / ``ProjectsCreateAsync``."""
    base = "".join(part[:1].upper() + part[1:] for part in re.split(r"[._-]", operation.name))
    return base + ("Async" if is_async else "")


def route_path(spec: RouteSpec) -> str:
    """The route's path as Litestar declares it, each parameter a string (``{deviceName:str}``)."""
    return PATH_PARAMETER.sub(lambda m: "{" + m.group(1) + ":str}", spec.path)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@functools.cache
def _struct_fields(struct: type[msgspec.Struct]) -> tuple[InputField, ...]:
    """An input Struct's fields, read once (an operation has up to four routes, and operations share inputs):
    resolving a Struct's type hints evaluates every annotation's text, so they are resolved once, as msgspec does
    (:func:`struct_field_infos`: its fields' types, with their extras), not again by ``typing.get_type_hints`` with
    and without extras (each annotation's text a ``compile()``: ~1,350 of a start's 3,600, issue 75)."""
    infos = struct_field_infos(struct)
    hints = _without_extras({f.name: f.type for f in infos})
    return tuple(InputField(_camel(f.name), f, hints[f.name], _bounds(f.type)) for f in infos)


def struct_field_infos(struct: type[msgspec.Struct]) -> tuple[msgspec.structs.FieldInfo, ...]:
    """``msgspec.structs.fields(struct)``, the annotations' texts of each class compiled and evaluated once per
    process (:func:`_class_hints`): msgspec evaluates every class of the Struct's MRO again for each Struct, each text
    a ``compile()`` of its own (``typing.ForwardRef``): 880 at start for the 193 input Structs' 60 distinct texts,
    ~10% of ``create_app``'s CPU (issue 71). A generic Struct (type variables to map) is left to msgspec.
    ``tests/api/test_route_markers.py`` holds it equal to msgspec's for every operation's input."""
    if typing.Generic in struct.__mro__:
        return msgspec.structs.fields(struct)
    hints: dict[str, Any] = {}
    for cls in struct.__mro__:
        for name, hint in _class_hints(cls).items():
            hints.setdefault(name, hint)
    npos = len(struct.__struct_fields__) - len(struct.__struct_defaults__)
    return tuple(
        msgspec.structs.FieldInfo(
            name=name, encode_name=encode_name, type=hints[name],
            default=msgspec.NODEFAULT if isinstance(default, _FACTORY) else default,
            default_factory=default.factory if isinstance(default, _FACTORY) else msgspec.NODEFAULT)
        for name, encode_name, default in zip(
            struct.__struct_fields__, struct.__struct_encode_fields__,
            (msgspec.NODEFAULT,) * npos + struct.__struct_defaults__, strict=True))


_FACTORY: Any = type(msgspec.defstruct("_Made", [("made", list, msgspec.field(default_factory=list))])
                     .__struct_defaults__[0])
"""The class of a field's default factory as a Struct keeps it (``msgspec._core.Factory``)."""


@functools.cache
def _class_hints(cls: type) -> dict[str, Any]:
    """The annotations ``cls`` declares itself, evaluated as msgspec's ``get_class_annotations`` evaluates them (each
    text a ``typing.ForwardRef``, with the class's namespace as globals and its module's as locals; None as
    ``NoneType``), each text compiled once per process (:func:`_reference`)."""
    if cls is object:
        return {}
    namespace = dict(vars(cls))
    module = getattr(sys.modules.get(cls.__module__), "__dict__", {})
    hints = {}
    with _EVALUATING:  # a shared reference keeps its last value until it returns it: one evaluation at a time
        for name, hint in cls.__dict__.get("__annotations__", {}).items():
            value = _EVAL_TYPE(_reference(hint) if isinstance(hint, str) else hint, namespace, module)
            hints[name] = type(None) if value is None else value
    return hints


_EVALUATING = threading.Lock()
"""Held while :func:`_class_hints` evaluates: apps built at once on two threads share the references."""


_EVAL_TYPE: Any = getattr(typing, "_eval_type")
"""``typing._eval_type``, which msgspec evaluates annotations with (as ``typing.get_type_hints`` does)."""


@functools.cache
def _reference(text: str) -> typing.ForwardRef:
    """An annotation's text as msgspec makes it a ``ForwardRef``, compiled once: evaluated with other namespaces than
    its globals (as :func:`_class_hints` does), a reference is evaluated again at each use."""
    return typing.ForwardRef(text, is_argument=False, is_class=True)


def _without_extras(hints: dict[str, Any]) -> dict[str, Any]:
    """``hints``, evaluated already, without their ``Annotated`` extras: what ``typing.get_type_hints`` answers
    without ``include_extras``, got by handing it the evaluated hints as a function's annotations (typing's own
    stripping, which reaches into ``list[...]`` and unions, without evaluating any text again)."""

    def evaluated() -> None:
        """Holds the evaluated hints as its annotations."""

    evaluated.__annotations__ = hints
    return typing.get_type_hints(evaluated)


def _bounds(hint: Any) -> tuple[tuple[str, Any], ...]:
    """The constraints of ``hint``'s ``msgspec.Meta`` as (option, value) pairs, hashable for :func:`_query`."""
    return tuple(sorted(unconstrained(hint)[1].items()))


def _input_fields(operation: Operation[Any, Any]) -> tuple[InputField, ...]:
    struct: type[msgspec.Struct] | None = operation.input  # the declared input, a Struct
    return () if struct is None else _struct_fields(struct)


def dry_run_route(operation: Operation[Any, Any]) -> bool:
    """Whether the operation's routes take the generic ``dryRun``: destructive, with a preview, and no ``dryRun``
    field of its own."""
    if not operation.destructive or operation.preview is None:
        return False
    return not any(field.info.name == "dry_run" for field in _input_fields(operation))


def _present(hint: Any) -> Any:
    """``hint`` without ``None``: a path segment is always there, though the input field may be optional for the
    operation's other routes (``remoteName`` defaults to origin in a push body). A nullable path parameter makes
    openapi-python-client skip the endpoint."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) not in (typing.Union, types.UnionType) or type(None) not in args:
        return hint
    kept = tuple(arg for arg in args if arg is not type(None))
    return kept[0] if len(kept) == 1 else typing.Union[kept]


@dataclass(frozen=True)
class _SchemaExtra(KwargDefinition):
    """Schema overrides for a return annotation (hashed by identity: Litestar hashes annotations, and
    ``schema_extra`` is a dict)."""

    def __hash__(self) -> int:
        return id(self)


def _either(first: type[msgspec.Struct], second: type[msgspec.Struct]) -> Any:
    """``first | second``, documented as ``anyOf`` of the two component schemas."""
    refs = [Reference(ref=f"#/components/schemas/{t.__name__}") for t in (first, second)]
    return typing.Annotated[first | second, _SchemaExtra(schema_extra={"one_of": None, "any_of": refs})]


@dataclass(frozen=True)
class RouteShape:
    """One route of an operation: where its input comes from and which options it takes."""

    operation: Operation[Any, Any]
    spec: RouteSpec
    is_async: bool
    path_fields: tuple[InputField, ...]
    """Input fields in the path, by wire name."""
    context: tuple[str, ...]
    """Path parameters of a client path that are no input fields (:attr:`Operation.client_path_context`)."""
    query_fields: tuple[InputField, ...]
    """The other input fields of a GET or DELETE route, from the query string."""
    also_query: tuple[InputField, ...]
    """Body fields a POST/PUT route also reads from the query string, winning over the body
    (:attr:`Operation.query`)."""
    body_fields: tuple[InputField, ...]
    """The input fields of a POST/PUT/PATCH route's JSON body."""
    body_type: type[msgspec.Struct] | None
    """The body's Struct (input fields, ``dryRun``, inline files); None for a route without a body."""
    body_required: bool
    dry_run: bool
    """The route takes ``dryRun`` (:func:`dry_run_route`)."""
    plan: TransferPlan
    """The files it takes inline or answers (:mod:`engineering_api.jobs.transfer`)."""
    takes_key: bool
    """It documents the ``Idempotency-Key`` header: every change, every job, every ``-sync`` twin."""
    stages_files: bool
    """A call stages files (inline uploads, export targets; a download always has exports)."""
    plain_read: bool
    """A read without input, files or job (a listing): nothing to gather, build, confine or look for."""

    @classmethod
    def of(cls, operation: Operation[Any, Any], spec: RouteSpec, is_async: bool) -> RouteShape:
        """The shape of ``spec``, a route of ``operation`` (async: the one answering 202).

        Raises:
            ValueError: a path parameter is neither an input field nor a documented client path context.
        """
        path_names = set(PATH_PARAMETER.findall(spec.path))
        fields = _input_fields(operation)
        by_wire = {field.wire: field for field in fields}
        unknown = path_names - set(by_wire)
        context = unknown & set(operation.client_path_context)
        if unknown - context:
            raise ValueError(
                f"{operation.name}: path parameters {unknown - context} are not fields of {operation.input}")
        rest = [field for field in fields if field.wire not in path_names]
        from_query = spec.method in ("GET", "DELETE")
        dry_run = dry_run_route(operation)
        has_body = not from_query and bool(rest or dry_run)
        body_fields = tuple(rest) if has_body else ()
        plan = TransferPlan.of(operation, fields, is_async=is_async, has_body=has_body)
        return cls(
            operation=operation, spec=spec, is_async=is_async,
            path_fields=tuple(by_wire[name] for name in sorted(path_names - context)),
            context=tuple(sorted(context)),
            query_fields=tuple(rest) if from_query else (),
            also_query=tuple(f for f in rest if f.info.name in operation.query) if has_body else (),
            body_fields=body_fields,
            body_type=_body_struct(operation, body_fields, dry_run=dry_run, plan=plan) if has_body else None,
            body_required=any(f.info.required and f.info.name not in operation.query for f in body_fields),
            dry_run=dry_run, plan=plan,
            takes_key=operation.mutating or operation.long_running or spec.path.endswith("-sync"),
            stages_files=bool(plan.inline or plan.exports),
            plain_read=(operation.input is None and not operation.files and not operation.mutating
                        and not operation.long_running and not is_async and not dry_run
                        and not (plan.inline or plan.exports)),
        )

    def envelope(self) -> type[msgspec.Struct]:
        """The success answer's envelope: the operation's output, or for the async route the accepted job."""
        out_type = JobAccepted if self.is_async else self.operation.output
        return envelope_type(out_type, f"{operation_id(self.operation, self.is_async)}Response")

    def answer_annotation(self) -> Any:
        """The handler's return annotation: the envelope, or for a dry run of the direct route the envelope or the
        Preview's, both documented (as anyOf: a Preview is also a valid ``dict[str, Any]`` result, so oneOf would
        reject it for matching both)."""
        envelope = self.envelope()
        if self.dry_run and not self.is_async:
            return _RESPONSE[_either(envelope, envelope_type(Preview, "PreviewResponse"))]
        return _RESPONSE[envelope]

    def parameters(self) -> list[tuple[str, Any, Any]]:
        """The handler's keyword parameters after ``request``, in the documented order: (name, annotation,
        default; :data:`REQUIRED` when the request must carry it)."""
        operation = self.operation
        found: list[tuple[str, Any, Any]] = [
            (field.wire, _ANNOTATED[_present(field.hint), _IN_PATH], REQUIRED) for field in self.path_fields]
        found += [(wire, typing.Annotated[str, FromPath, Parameter(description=operation.client_path_context[wire])],
                   REQUIRED) for wire in self.context]  # documented and accepted, not used
        for field in self.query_fields:
            default = REQUIRED if field.info.required else (
                field.info.default if field.info.default is not msgspec.NODEFAULT else None)
            query = _query(field.wire, field.info.required, field.bounds)
            found.append((field.query_arg, _ANNOTATED[field.hint, query], default))
        found += [(field.query_arg, _ANNOTATED[field.hint | None, _query(field.wire, False, field.bounds)], None)
                  for field in self.also_query]
        if self.body_type is not None:
            examples = [Example(summary=operation.summary, value=operation.example)] if operation.example else None
            marker = _Body(description=self.body_type.__doc__, examples=examples)
            body = self.body_type if self.body_required else self.body_type | None
            found.append((_BODY_ARG, _ANNOTATED[body, marker], REQUIRED if self.body_required else None))
        if self.dry_run:  # in the query string on every method (DELETE has no body), and in the body of POST/PUT too
            found.append((DRY_RUN_ARG, _DRY_RUN, None))
        if self.plan.download:
            found.append((DOWNLOAD_ARG, _DOWNLOAD, None))
        if self.takes_key:
            keyed = operation.mutating or operation.long_running
            found.append((_KEY_ARG, typing.Annotated[str | None, IDEMPOTENCY_PARAMETER if keyed else _READ_KEY],
                          None))
        return found

    def values(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """The operation's input values (by encoded name) from the arguments Litestar passed (by
        :meth:`parameters`' names)."""
        values: dict[str, Any] = {}
        for field in self.path_fields:
            values[field.info.encode_name] = arguments[field.wire]
        for field in self.query_fields:
            value = arguments.get(field.query_arg)
            if value is not None:
                values[field.info.encode_name] = value
        body = arguments.get(_BODY_ARG)
        if body is not None:
            values.update({field.info.encode_name: getattr(body, field.info.name) for field in self.body_fields})
        for field in self.also_query:
            value = arguments.get(field.query_arg)
            if value is not None:
                values[field.info.encode_name] = value
            elif values.get(field.info.encode_name) is None:
                values.pop(field.info.encode_name, None)
        return values

    @staticmethod
    def asks_dry_run(arguments: dict[str, Any]) -> bool:
        """Whether the request to a route that takes ``dryRun`` asks for a dry run (in the query or the body)."""
        return bool(arguments.get(DRY_RUN_ARG) or getattr(arguments.get(_BODY_ARG), "dry_run", None))



def _body_struct(
    operation: Operation[Any, Any], body_fields: tuple[InputField, ...], *, dry_run: bool, plan: TransferPlan,
) -> type[msgspec.Struct]:
    spec: list[Any] = []
    optional = plan.optional_paths
    for info, hint in ((field.info, field.hint) for field in body_fields):
        if info.name in operation.query or info.name in optional:
            # From the query string instead, inline content, or a download's temporary target; checked later.
            spec.append((info.name, hint | None, None))
        elif info.required:
            spec.append((info.name, hint))
        else:
            default = (
                info.default
                if info.default is not msgspec.NODEFAULT
                else msgspec.field(default_factory=info.default_factory)
            )
            spec.append((info.name, hint, default))
    if dry_run:
        spec.append(("dry_run", bool | None, None))
    spec += plan.body_fields()
    # A call without inputs of its own takes nothing but dryRun, and an input that forbids unknown fields keeps that
    # rule on the wire: a field the call would ignore is refused, so a client that thinks it asked for more
    # ({"save": true} to a close) hears so before the call runs.
    strict = operation.input.__struct_config__.forbid_unknown_fields if operation.input is not None else True
    struct = msgspec.defstruct(
        f"{operation_id(operation, False)}Request", spec, kw_only=True, rename="camel",
        forbid_unknown_fields=strict and not plan.body_fields(),
    )
    doc = ((operation.input.__doc__ or "").strip() if operation.input is not None else "") or None
    if dry_run:
        doc = f"{doc or ''}\n\ndryRun: {DRY_RUN_DOC}".strip()
    if plan.body_doc():
        doc = f"{doc or ''}\n\n{plan.body_doc()}".strip()
    struct.__doc__ = doc
    borrow_field_docs(struct, operation.input)
    return struct

