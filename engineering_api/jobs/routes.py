"""Derive Litestar route handlers from operation definitions.

For each operation: the direct route (inline for reads; for long-running operations the ``-sync``
twin, which starts the same job and waits for it) and the async route (202, ``Location`` and
``data.jobId``). Path fields come from the path, the other input fields from the query string for
GET/DELETE and from the JSON body otherwise. Handlers carry real type annotations, so OpenAPI shows
typed request and response schemas and the documented errors.

Every route of a destructive operation also takes ``dryRun`` (query string; for POST/PUT the JSON body too): with
``dryRun: true`` it answers 200 with the operation's :class:`~engineering_api.jobs.preview.Preview` as ``data``,
starts no job and changes nothing (:meth:`~engineering_api.jobs.manager.JobManager.preview`). An operation whose
input has a ``dryRun`` of its own (``history.cleanup``) keeps it.

Files over HTTP (:mod:`engineering_api.jobs.transfer`): the direct route of an operation that writes a file takes
``download`` and answers the file itself when asked; a body route of an operation that reads a file takes the file
inline (``content`` / ``contentBase64``) instead of its path.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec
from litestar import Request, Response, route
from litestar.exceptions import ClientException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example, Reference
from litestar.openapi.spec import Operation as OpenAPIOperation
from litestar.params import Body, FromPath, HeaderParameter, KwargDefinition, Parameter, QueryParameter

from engineering_api.backend.errors import OperationCanceledError
from engineering_api.jobs.manager import JobRecord
from engineering_api.jobs.operations import confine_files, operation_input
from engineering_api.jobs.preview import DRY_RUN_MESSAGE, Preview
from engineering_api.jobs.transfer import DOWNLOAD_DOC, FileAnswerOperation, Transfer, TransferPlan, wants_file
from engineering_api.lib.idempotency import KEY_HEADER, MAX_KEY_LENGTH
from engineering_api.lib.middleware import request_services
from engineering_api.lib.responses import envelope_type, error_response, ok, problem_responses
from engineering_api.lib.schema import CamelStruct, key_normaliser

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar.handlers import HTTPRouteHandler

    from engineering_api.jobs.operations import Operation, RouteSpec
    from engineering_api.services import Services

__all__ = (
    "DRY_RUN_HEADER", "IDEMPOTENCY_DOC", "IDEMPOTENCY_HEADER", "IDEMPOTENCY_PARAMETER", "JobAccepted", "build_handlers",
    "idempotency_key_of",
    "dry_run_route", "operation_id", "run_operation",
)

_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
# Handler annotations are built at run time from an operation's fields: subscripted through Any, as they are values
# Litestar reads, not type expressions mypy could check.
_ANNOTATED: Any = typing.Annotated
_FROM_PATH: Any = FromPath
_RESPONSE: Any = Response
DRY_RUN_HEADER = "X-Dry-Run"
"""Set (``true``) on a dry-run answer; the guard middleware audits such a request as a dry run, not a change."""
IDEMPOTENCY_HEADER = KEY_HEADER
IDEMPOTENCY_DOC = (
    "A key of the caller's choosing for this request: a retry with the same key (after a lost answer) gets the "
    "first call's outcome, from its job, and the work is not done again; the same key with another request "
    "answers 422 IDEMPOTENCY_KEY_REUSED; an empty key answers 400 INVALID_IDEMPOTENCY_KEY."
)
IDEMPOTENCY_PARAMETER = HeaderParameter(
    name=IDEMPOTENCY_HEADER, required=False, max_length=MAX_KEY_LENGTH, description=IDEMPOTENCY_DOC,
)
"""The documented header of every route that changes something or runs a job (read by :func:`_execute`)."""
_READ_KEY = HeaderParameter(
    name=IDEMPOTENCY_HEADER, required=False, max_length=MAX_KEY_LENGTH,
    description="Accepted as on every -sync route; this call changes nothing, so a retry simply asks again.",
)
_DRY_RUN_DOC = (
    "Dry run: answer 200 with what the call would do (data: Preview; the objects it would delete, stop, replace or "
    "overwrite) and change nothing. Needs the operation's normal role."
)


def idempotency_key_of(request: Request[Any, Any, Any]) -> str | None:
    """The request's ``Idempotency-Key``, None without one.

    Raises:
        ClientException: 400 ``INVALID_IDEMPOTENCY_KEY`` for a blank key, which would name no request of its own.
    """
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is not None and not key.strip():
        raise ClientException(
            detail="The Idempotency-Key header is empty: send a key of your choosing (a UUID, say) or leave the "
                   "header out.",
            extra={"code": "INVALID_IDEMPOTENCY_KEY"},
        )
    return key


class JobAccepted(CamelStruct):
    """``data`` of a 202 answer."""

    job_id: str
    status: str
    operation: str
    status_url: str
    events_url: str


def operation_id(operation: Operation[Any, Any], is_async: bool) -> str:
    """``projects.create`` → ``ProjectsCreate`` / ``ProjectsCreateAsync``."""
    base = "".join(part[:1].upper() + part[1:] for part in re.split(r"[._-]", operation.name))
    return base + ("Async" if is_async else "")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _input_fields(operation: Operation[Any, Any]) -> list[tuple[msgspec.structs.FieldInfo, Any]]:
    if operation.input is None:
        return []
    hints = typing.get_type_hints(operation.input)
    return [(f, hints[f.name]) for f in msgspec.structs.fields(operation.input)]


def _body_struct(
    operation: Operation[Any, Any], body_fields: list[tuple[Any, Any]], *, dry_run: bool = False,
    plan: TransferPlan | None = None,
) -> type[msgspec.Struct]:
    spec: list[Any] = []
    optional = plan.optional_paths if plan is not None else set()
    for info, hint in body_fields:
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
    if plan is not None:
        spec += plan.body_fields()
    struct = msgspec.defstruct(
        f"{operation_id(operation, False)}Request", spec, kw_only=True, rename="camel", forbid_unknown_fields=False,
    )
    doc = ((operation.input.__doc__ or "").strip() if operation.input is not None else "") or None
    if dry_run:
        doc = f"{doc or ''}\n\ndryRun: {_DRY_RUN_DOC}".strip()
    if plan is not None and plan.body_doc():
        doc = f"{doc or ''}\n\n{plan.body_doc()}".strip()
    struct.__doc__ = doc
    struct.__field_docs_of__ = operation.input  # type: ignore[attr-defined]  # lib/field_docs reads the fields there
    return struct


def dry_run_route(operation: Operation[Any, Any]) -> bool:
    """Whether the operation's routes take the generic ``dryRun``: destructive, with a preview, and no ``dryRun``
    field of its own."""
    if not operation.destructive or operation.preview is None:
        return False
    return not any(info.name == "dry_run" for info, _ in _input_fields(operation))


def _takes_key(operation: Operation[Any, Any], spec: RouteSpec) -> bool:
    """Whether the route documents the ``Idempotency-Key`` header: every change, every job, every ``-sync`` twin."""
    return operation.mutating or operation.long_running or spec.path.endswith("-sync")


def _responses(
    operation: Operation[Any, Any], spec: RouteSpec, has_body: bool, is_async: bool,
    extra: dict[int, str] | None = None,
) -> dict[int, ResponseSpec]:
    # Every derived route validates its input and runs on the TIA worker, inline or as a job; a direct route
    # of a long-running operation answers with its job's failure, which may be a cancellation.
    waits_for_job = operation.long_running and not is_async
    # dryRun is a query parameter, Idempotency-Key a header: both are validated
    params = operation.input is not None or dry_run_route(operation) or _takes_key(operation, spec)
    return problem_responses(
        operation.required_role.value, body=has_body, params=params, worker=True,
        errors=(*operation.errors, *((OperationCanceledError,) if waits_for_job else ())), extra=extra,
    )


async def _execute(
    services: Services, operation: Operation[Any, Any], data: Any, request: Request[Any, Any, Any],
    on_job: Callable[[str], None] | None = None,
) -> tuple[Any, str, Response[Any] | None, dict[str, str]]:
    """Run an operation through its direct route semantics: its result and success message, or the error answer of
    its failed job, and the headers of the answer (``X-Job-Id`` when it ran as a job, reported to ``on_job`` as soon
    as it starts).

    A change sent with an ``Idempotency-Key`` runs as a recorded job even when it is short, as on the async route:
    a retry with the same key answers that job's outcome instead of doing the work again."""
    data = confine_files(operation, data, services.paths)
    # A short read never runs as a job, so it does not look for the key: parsing the headers into Litestar's Headers
    # would cost a read several microseconds.
    idempotency_key = idempotency_key_of(request) if operation.mutating or operation.long_running else None
    if not operation.long_running and not (idempotency_key and operation.mutating):
        result = await services.jobs.run_inline(operation, data)
        return result, operation.success_message(result), None, {}
    job = await services.jobs.start(
        operation, data, principal=request.scope.get("user"), idempotency_key=idempotency_key
    )
    if on_job is not None:
        on_job(job.job_id)
    final = await services.jobs.wait(job.job_id)
    headers = {"X-Job-Id": final.job_id}
    if final.status == "Completed":
        return final.result, operation.stored_message(final.result), None, headers
    error = final.failure
    assert error is not None
    return None, "", error_response(
        error.status, error.code, error.message, instance=request.url.path, details=error.details,
        headers=headers, job_id=final.job_id,
    ), headers


async def run_operation(
    services: Services, operation: Operation[Any, Any], data: Any, request: Request[Any, Any, Any],
    on_job: Callable[[str], None] | None = None,
) -> Response[Any]:
    """Run an operation through its direct route semantics and build the response."""
    result, message, failed, headers = await _execute(services, operation, data, request, on_job)
    if failed is not None:
        return failed
    return ok(result, message, headers=headers or None)


async def _download(
    services: Services, operation: Operation[Any, Any], data: Any, request: Request[Any, Any, Any],
    transfer: Transfer, asked: str,
) -> Response[Any]:
    """Run the export, then answer the file it wrote (a failure answers its problem JSON as usual)."""
    before = transfer.before(confine_files(operation, data, services.paths))
    result, _, failed, headers = await _execute(services, operation, data, request, transfer.track_job)
    if failed is not None:
        return failed
    return transfer.answer(before, asked, result, headers)


async def _start_job(
    services: Services, operation: Operation[Any, Any], data: Any, request: Request[Any, Any, Any],
    on_job: Callable[[str], None] | None = None,
) -> Response[Any]:
    data = confine_files(operation, data, services.paths)
    job: JobRecord = await services.jobs.start(
        operation, data, principal=request.scope.get("user"),
        idempotency_key=idempotency_key_of(request),
    )
    if on_job is not None:
        on_job(job.job_id)
    status_url = f"/api/jobs/{job.job_id}"
    accepted = JobAccepted(
        job_id=job.job_id, status=job.status, operation=operation.name, status_url=status_url,
        events_url=f"{status_url}/events",
    )
    return ok(
        accepted, f"job {job.job_id} accepted", status_code=202,
        headers={"Location": status_url, "X-Job-Id": job.job_id, "Retry-After": "1"},
    )


def _route_id(operation: Operation[Any, Any], spec: RouteSpec, is_async: bool) -> str:
    """The OpenAPI operation id: :func:`operation_id`, and for a client path ``...ClientPath`` (numbered)."""
    base = operation_id(operation, is_async)
    aliases = operation.client_async_routes if is_async else operation.client_routes
    if spec not in aliases:
        return base
    index = aliases.index(spec)
    return f"{base}ClientPath{index + 1 if index else ''}"


def _present(hint: Any) -> Any:
    """``hint`` without ``None``: a path segment is always there, though the input field may be optional for the
    operation's other routes (``remoteName`` defaults to origin in a push body). A nullable path parameter makes
    openapi-python-client skip the endpoint."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) not in (typing.Union, types.UnionType) or type(None) not in args:
        return hint
    kept = tuple(arg for arg in args if arg is not type(None))
    return kept[0] if len(kept) == 1 else typing.Union[kept]


def _make_handler(operation: Operation[Any, Any], spec: RouteSpec, is_async: bool) -> HTTPRouteHandler:
    path_names = set(_PARAM.findall(spec.path))
    fields = _input_fields(operation)
    by_wire = {_camel(info.name): (info, hint) for info, hint in fields}
    path_fields = {name: by_wire[name] for name in path_names if name in by_wire}
    unknown = path_names - set(by_wire)
    ignored = unknown & set(operation.client_path_context)
    if unknown - ignored:
        raise ValueError(f"{operation.name}: path parameters {unknown - ignored} are not fields of {operation.input}")
    rest = [(info, hint) for info, hint in fields if _camel(info.name) not in path_names]
    from_query = spec.method in ("GET", "DELETE")
    also_query = [] if from_query else [(info, hint) for info, hint in rest if info.name in operation.query]
    dry_run = dry_run_route(operation)
    plan = TransferPlan.of(operation, is_async=is_async, has_body=not from_query and bool(rest or dry_run))

    parameters = [inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request)]
    annotations: dict[str, Any] = {"request": Request}
    for wire, (info, hint) in sorted(path_fields.items()):
        given = _present(hint)
        parameters.append(inspect.Parameter(wire, inspect.Parameter.KEYWORD_ONLY, annotation=_FROM_PATH[given]))
        annotations[wire] = _FROM_PATH[given]
    for wire in sorted(ignored):  # documented and accepted, not used (see Operation.client_path_context)
        context = typing.Annotated[str, FromPath, Parameter(description=operation.client_path_context[wire])]
        parameters.append(inspect.Parameter(wire, inspect.Parameter.KEYWORD_ONLY, annotation=context))
        annotations[wire] = context
    body_type: type[msgspec.Struct] | None = None
    if from_query:
        for info, hint in rest:
            wire = _camel(info.name)
            annotated = _ANNOTATED[hint, QueryParameter(name=wire, required=info.required)]
            default = inspect.Parameter.empty if info.required else (
                info.default if info.default is not msgspec.NODEFAULT else None
            )
            parameters.append(inspect.Parameter(f"q_{info.name}", inspect.Parameter.KEYWORD_ONLY, annotation=annotated,
                                                default=default))
            annotations[f"q_{info.name}"] = annotated
    elif rest or dry_run:
        for info, hint in also_query:
            annotated = _ANNOTATED[hint | None, QueryParameter(name=_camel(info.name), required=False)]
            parameters.append(inspect.Parameter(f"q_{info.name}", inspect.Parameter.KEYWORD_ONLY, annotation=annotated,
                                                default=None))
            annotations[f"q_{info.name}"] = annotated
        body_type = _body_struct(operation, rest, dry_run=dry_run, plan=plan)
        body_required = any(info.required and info.name not in operation.query for info, _ in rest)
        examples = [Example(summary=operation.summary, value=operation.example)] if operation.example else None
        marker = Body(description=body_type.__doc__, examples=examples)
        body_hint = _ANNOTATED[body_type if body_required else body_type | None, marker]
        parameters.append(
            inspect.Parameter("data", inspect.Parameter.KEYWORD_ONLY, annotation=body_hint,
                              default=inspect.Parameter.empty if body_required else None)
        )
        annotations["data"] = body_hint
    if dry_run:
        # In the query string on every method (DELETE has no body), and in the body of POST/PUT too.
        flag = typing.Annotated[bool | None, QueryParameter(name="dryRun", required=False, description=_DRY_RUN_DOC)]
        parameters.append(
            inspect.Parameter("q__dry_run", inspect.Parameter.KEYWORD_ONLY, annotation=flag, default=None)
        )
        annotations["q__dry_run"] = flag
    if plan.download:
        wanted = typing.Annotated[
            bool | None, QueryParameter(name="download", required=False, description=DOWNLOAD_DOC)
        ]
        parameters.append(
            inspect.Parameter("q__download", inspect.Parameter.KEYWORD_ONLY, annotation=wanted, default=None)
        )
        annotations["q__download"] = wanted
    if _takes_key(operation, spec):
        keyed = operation.mutating or operation.long_running
        key = typing.Annotated[str | None, IDEMPOTENCY_PARAMETER if keyed else _READ_KEY]
        parameters.append(inspect.Parameter("h__idempotency_key", inspect.Parameter.KEYWORD_ONLY, annotation=key,
                                            default=None))
        annotations["h__idempotency_key"] = key
    out_type = JobAccepted if is_async else operation.output
    envelope = envelope_type(out_type, f"{operation_id(operation, is_async)}Response")
    preview_envelope = envelope_type(Preview, "PreviewResponse")
    # A dry run of the direct route answers 200 as the call does, with a Preview as data: both bodies are documented,
    # as anyOf (a Preview is also a valid dict[str, Any] result, so oneOf would reject it for matching both).
    annotations["return"] = _RESPONSE[_either(envelope, preview_envelope)] if dry_run and not is_async \
        else _RESPONSE[envelope]

    stages_files = bool(plan.inline or plan.exports)  # a download always has exports
    # A read without input, files or job (a listing) runs as run_operation would run it, without the steps that
    # have nothing to do for it: no values to gather, no input to build, no files to confine, no key to look for.
    plain_read = (operation.input is None and not operation.files and not operation.mutating
                  and not operation.long_running and not is_async and not dry_run and not stages_files)

    if plain_read:
        # It takes no request either: a handler without parameters skips Litestar's extraction and validation of
        # its arguments, the largest part of a listing's own cost. The guard middleware names the services.
        del parameters[0], annotations["request"]

    async def handler(**kwargs: Any) -> Response[Any]:
        if plain_read:
            jobs = request_services.get().jobs
            result = await jobs.run_inline(operation, None)
            return ok(result, operation.success_message(result))
        request: Request[Any, Any, Any] = kwargs["request"]
        services: Services = request.app.state.services
        values: dict[str, Any] = {}
        for wire, (info, _) in path_fields.items():
            values[info.encode_name] = kwargs[wire]
        if from_query:
            for info, _ in rest:
                value = kwargs.get(f"q_{info.name}")
                if value is not None:
                    values[info.encode_name] = value
        elif body_type is not None and kwargs.get("data") is not None:
            body = kwargs["data"]
            values.update({info.encode_name: getattr(body, info.name) for info, _ in rest})
        for info, _ in also_query:
            value = kwargs.get(f"q_{info.name}")
            if value is not None:
                values[info.encode_name] = value
            elif values.get(info.encode_name) is None:
                values.pop(info.encode_name, None)
        # Most routes stage no files: they make no Transfer, which would have nothing to track or remove.
        transfer = Transfer(plan, services, request, operation.name) if stages_files else None
        on_job = transfer.track_job if transfer is not None else None
        try:
            asked: str | None = None
            if transfer is not None:
                if plan.inline:
                    transfer.take_inline(values, kwargs.get("data"))
                asked = wants_file(request, kwargs.get("q__download")) if plan.download else None
                if plan.exports:
                    transfer.export_targets(values, asked)
            data = operation_input(operation, values)
            if dry_run and (kwargs.get("q__dry_run") or getattr(kwargs.get("data"), "dry_run", None)):
                return await _dry_run(services, operation, data, request)
            if is_async:
                return await _start_job(services, operation, data, request, on_job)
            if transfer is not None and asked is not None:
                return await _download(services, operation, data, request, transfer, asked)
            return await run_operation(services, operation, data, request, on_job)
        finally:
            if transfer is not None:
                transfer.close()

    handler.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]  # Litestar reads it there
    handler.__annotations__ = annotations
    handler.__name__ = operation_id(operation, is_async)
    handler.__doc__ = operation.summary
    handler.__module__ = __name__

    status = 202 if is_async else 200
    opt: dict[str, Any] = {"operation": operation.name, "role": operation.required_role.value, "async": is_async}
    if body_type is not None:
        opt["body_keys"] = key_normaliser(body_type)
    responses = _responses(operation, spec, body_type is not None, is_async, plan.extra_answers())
    if dry_run and is_async:
        responses[200] = ResponseSpec(data_container=preview_envelope, description=f"dryRun: {_DRY_RUN_DOC}")
    summary = operation.summary + (" (asynchronous: answers 202 with a job)" if is_async else "")
    return route(
        _PARAM.sub(lambda m: "{" + m.group(1) + ":str}", spec.path),
        http_method=spec.method,
        operation_id=_route_id(operation, spec, is_async),
        summary=summary,
        description="\n\n".join(filter(None, [operation.description, "Destructive: takes dryRun." if dry_run else ""]))
        or None,
        tags=[operation.section],
        status_code=status,
        responses=responses,
        opt=opt,
        operation_class=FileAnswerOperation if plan.download else OpenAPIOperation,
    )(handler)


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


async def _dry_run(
    services: Services, operation: Operation[Any, Any], data: Any, request: Request[Any, Any, Any]
) -> Response[Any]:
    """The preview as a 200 answer; no job, nothing changed (the preview confines file fields itself)."""
    request.scope["dry_run"] = True  # type: ignore[typeddict-unknown-key]  # read by the guard middleware's audit
    preview = await services.jobs.preview(operation, data)
    return ok(preview, DRY_RUN_MESSAGE, headers={DRY_RUN_HEADER: "true"})


_HANDLERS: dict[int, tuple[Operation[Any, Any], list[HTTPRouteHandler]]] = {}
"""Handlers already built in this process, by ``id`` of their (immutable, module-level) operation."""


def _handlers_for(operation: Operation[Any, Any]) -> list[HTTPRouteHandler]:
    # Building a handler (type hints, Annotated markers, request structs) takes about as long as Litestar's
    # own registration, and its result depends only on the operation. Litestar copies a handler when an app
    # registers it, so one handler serves any number of apps, like a module-level ``@get`` function does.
    cached = _HANDLERS.get(id(operation))
    if cached is not None and cached[0] is operation:  # the operation is kept alive, so its id is never reused
        return cached[1]
    handlers = [_make_handler(operation, spec, is_async) for spec, is_async in operation.routes()]
    _HANDLERS[id(operation)] = (operation, handlers)
    return handlers


def build_handlers(operations: typing.Iterable[Operation[Any, Any]]) -> list[HTTPRouteHandler]:
    """Every route of every operation."""
    return [handler for op in operations for handler in _handlers_for(op)]


