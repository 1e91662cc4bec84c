"""Derive Litestar route handlers from operation definitions.

For each operation: the direct route (inline for reads; for long-running operations the ``-sync``
twin, which starts the same job and waits for it) and the async route (202, ``Location`` and
``data.jobId``). Path fields come from the path, the other input fields from the query string for
GET/DELETE and from the JSON body otherwise. Handlers carry real type annotations, so OpenAPI shows
typed request and response schemas and the documented errors.

A route is built from its :class:`~engineering_api.web.route_shape.RouteShape` by the builder of its kind: a listing
(a read without input, :func:`_listing_handler`: no parameters, so Litestar extracts nothing), and a call
(:func:`_call_handler`) that answers by kind, with a 202 and its job (:func:`_start_job`) or directly
(:func:`_run_direct`).

Every route of a destructive operation also takes ``dryRun`` (query string; for POST/PUT the JSON body too): with
``dryRun: true`` it answers 200 with the operation's :class:`~engineering_api.jobs.preview.Preview` as ``data``,
starts no job and changes nothing (:meth:`~engineering_api.jobs.manager.JobManager.preview`). An operation whose
input has a ``dryRun`` of its own (``history.cleanup``) keeps it.

Files over HTTP (:mod:`engineering_api.jobs.transfer`): the direct route of an operation that writes a file takes
``download`` and answers the file itself when asked; a body route of an operation that reads a file takes the file
inline (``content`` / ``contentBase64``) instead of its path.
"""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, Any

import msgspec
from litestar import Request, Response, route
from litestar.exceptions import ClientException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Operation as OpenAPIOperation

from engineering_api.backend.errors import OperationCanceledError
from engineering_api.errors import codes
from engineering_api.jobs.records import JobRecord
from engineering_api.jobs.input_checks import confine_files, operation_input, refuse_unstorable_input
from engineering_api.jobs.preview import DRY_RUN_MESSAGE, Preview
from engineering_api.web.route_shape import (
    DOWNLOAD_ARG, DRY_RUN_DOC, IDEMPOTENCY_DOC, IDEMPOTENCY_PARAMETER, JobAccepted, RouteShape, dry_run_route,
    operation_id, route_path, sign,
)
from engineering_api.jobs.transfer import FileAnswerOperation, Transfer, wants_file
from engineering_api.lib.idempotency import KEY_HEADER
from engineering_api.lib.middleware import request_services
from engineering_api.lib.responses import envelope_type, error_response, ok, problem_responses

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from litestar.handlers import HTTPRouteHandler

    from engineering_api.jobs.operations import Operation, RouteSpec
    from engineering_api.services import Services

__all__ = (
    "DRY_RUN_HEADER", "IDEMPOTENCY_DOC", "IDEMPOTENCY_HEADER", "IDEMPOTENCY_PARAMETER", "JobAccepted", "build_handlers",
    "idempotency_key_of",
    "dry_run_route", "operation_id", "run_operation",
)

DRY_RUN_HEADER = "X-Dry-Run"
"""Set (``true``) on a dry-run answer; the guard middleware audits such a request as a dry run, not a change."""
IDEMPOTENCY_HEADER = KEY_HEADER


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
            extra={"code": codes.INVALID_IDEMPOTENCY_KEY},
        )
    return key


def _responses(shape: RouteShape) -> dict[int, ResponseSpec]:
    # Every derived route validates its input and runs on the TIA worker, inline or as a job; a direct route
    # of a long-running operation answers with its job's failure, which may be a cancellation.
    operation = shape.operation
    waits_for_job = operation.long_running and not shape.is_async
    # dryRun is a query parameter, Idempotency-Key a header: both are validated
    params = operation.input is not None or shape.dry_run or shape.takes_key
    responses = problem_responses(
        operation.required_role.value, body=shape.body_type is not None, params=params, worker=True,
        errors=(*operation.errors, *((OperationCanceledError,) if waits_for_job else ())),
        extra=shape.plan.extra_answers(),
    )
    if shape.dry_run and shape.is_async:
        responses[200] = ResponseSpec(data_container=envelope_type(Preview, "PreviewResponse"),
                                      description=f"dryRun: {DRY_RUN_DOC}")
    return responses


def _key_after_texts(request: Request[Any, Any, Any], operation: Operation[Any, Any], data: Any) -> str | None:
    """The request's ``Idempotency-Key`` (:func:`idempotency_key_of`), read once the input's file fields are confined.

    What a change's input holds is refused before anything of the request's own (as it is before a refused path):
    :meth:`~engineering_api.jobs.manager.JobManager.start` and ``run_inline`` check its texts after this, so a blank
    key checks them here before it is refused.

    Raises:
        ValidationError: ``UNSTORABLE_CHARACTER``: a text the project cannot store, sent with a blank key.
        ClientException: 400 ``INVALID_IDEMPOTENCY_KEY`` for a blank key.
    """
    try:
        return idempotency_key_of(request)
    except ClientException:
        refuse_unstorable_input(operation, data)
        raise


def _ready(
    services: Services, operation: Operation[Any, Any], data: Any, request: Request[Any, Any, Any]
) -> tuple[Any, str | None]:
    """A direct call's input with its file fields confined, and its ``Idempotency-Key`` (None for a short read)."""
    # start and run_inline refuse an unstorable text: checked once, here only before a refused path or a blank key
    data = confine_files(operation, data, services.paths, texts_checked_next=True)
    # A short read never runs as a job, so it does not look for the key: parsing the headers into Litestar's Headers
    # would cost a read several microseconds.
    if not (operation.mutating or operation.long_running):
        return data, None
    return data, _key_after_texts(request, operation, data)


async def _execute(
    services: Services, operation: Operation[Any, Any], ready: tuple[Any, str | None], request: Request[Any, Any, Any],
    on_job: Callable[[str], None] | None = None,
) -> tuple[Any, str, Response[Any] | None, dict[str, str]]:
    """Run an operation through its direct route semantics: its result and success message, or the error answer of
    its failed job, and the headers of the answer (``X-Job-Id`` when it ran as a job, reported to ``on_job`` as soon
    as it starts). ``ready``: the input and key as :func:`_ready` gives them.

    A change sent with an ``Idempotency-Key`` runs as a recorded job even when it is short, as on the async route:
    a retry with the same key answers that job's outcome instead of doing the work again."""
    data, idempotency_key = ready
    if not operation.long_running and not (idempotency_key and operation.mutating):
        result = await services.jobs.run_inline(operation, data)
        return result, operation.success_message(result), None, {}
    job = await services.jobs.start(
        operation, data, principal=request.scope.get("user"), idempotency_key=idempotency_key, waited=True
    )
    if on_job is not None:
        on_job(job.job_id)
    # A job run at once has ended (JobManager.start with waited); its result, as the row holds it, is sent as it is.
    final = job if job.terminal else await services.jobs.wait(job.job_id, stored=True)
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
    ready = _ready(services, operation, data, request)
    result, message, failed, headers = await _execute(services, operation, ready, request, on_job)
    if failed is not None:
        return failed
    return ok(result, message, headers=headers or None)


async def _download(
    services: Services, operation: Operation[Any, Any], data: Any, request: Request[Any, Any, Any],
    transfer: Transfer, asked: str,
) -> Response[Any]:
    """Run the export, then answer the file it wrote (a failure answers its problem JSON as usual).

    The input is made ready (:func:`_ready`: its refusals first) before the targets are looked at."""
    ready = _ready(services, operation, data, request)
    before = transfer.before(ready[0])
    result, _, failed, headers = await _execute(services, operation, ready, request, transfer.track_job)
    if failed is not None:
        return failed
    if isinstance(result, msgspec.Raw):  # the file is answered, not the result: read for the file it names
        result = msgspec.json.decode(result)
    return transfer.answer(before, asked, result, headers)


async def _start_job(
    services: Services, operation: Operation[Any, Any], data: Any, request: Request[Any, Any, Any],
    transfer: Transfer | None, _asked: str | None,
) -> Response[Any]:
    """The async route's answer: 202 with the job it started (a download's form is the direct route's)."""
    data = confine_files(operation, data, services.paths, texts_checked_next=True)  # start checks the texts
    job: JobRecord = await services.jobs.start(
        operation, data, principal=request.scope.get("user"),
        idempotency_key=_key_after_texts(request, operation, data),
    )
    if transfer is not None:
        transfer.track_job(job.job_id)
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


Handler = typing.Callable[..., "Awaitable[Response[Any]]"]
"""A route's handler: Litestar passes it the keyword arguments of its shape (:meth:`RouteShape.parameters`)."""


def _listing_handler(operation: Operation[Any, Any]) -> Handler:
    """The handler of a read without input, files or job (a listing). It takes no request either: a handler without
    parameters skips Litestar's extraction and validation of its arguments, the largest part of a listing's own cost.
    The guard middleware names the services."""

    async def handler() -> Response[Any]:
        result = await request_services.get().jobs.run_inline(operation, None)
        return ok(result, operation.success_message(result))

    return handler


Answer = typing.Callable[
    ["Services", "Operation[Any, Any]", Any, "Request[Any, Any, Any]", "Transfer | None", "str | None"],
    "Awaitable[Response[Any]]",
]
"""How a route answers a call whose input is ready (its files staged by ``transfer``; ``asked``: the download's
form): :func:`_start_job` for the route answering 202, :func:`_run_direct` for the direct route."""


def _call_handler(shape: RouteShape, answer: Answer) -> Handler:
    """The handler of a route that takes input or runs a job: the input gathered from the path, query and body
    (:meth:`RouteShape.values`) and checked, its files staged, then the dry run when asked, else ``answer``."""
    operation = shape.operation
    # An operation without input builds None from any values: none to gather.
    gathers = operation.input is not None

    async def handler(request: Request[Any, Any, Any], **arguments: Any) -> Response[Any]:
        services: Services = request.app.state.services
        values = shape.values(arguments) if gathers else {}
        # Most routes stage no files: they make no Transfer, which would have nothing to track or remove.
        transfer = Transfer(shape.plan, services, request, operation.name) if shape.stages_files else None
        try:
            asked = None if transfer is None else _stage_files(shape, transfer, values, arguments, request)
            data = operation_input(operation, values)
            if shape.dry_run and shape.asks_dry_run(arguments):
                return await _dry_run(services, operation, data, request)
            return await answer(services, operation, data, request, transfer, asked)
        finally:
            if transfer is not None:
                transfer.close()

    return handler


def _stage_files(
    shape: RouteShape, transfer: Transfer, values: dict[str, Any], arguments: dict[str, Any],
    request: Request[Any, Any, Any],
) -> str | None:
    """Stage a call's files: inline uploads written to temporary files, export targets made; the form of the file
    the request asked for (a download), else None."""
    if shape.plan.inline:
        transfer.take_inline(values, arguments.get("data"))
    asked = wants_file(request, arguments.get(DOWNLOAD_ARG)) if shape.plan.download else None
    if shape.plan.exports:
        transfer.export_targets(values, asked)
    return asked


async def _run_direct(
    services: Services, operation: Operation[Any, Any], data: Any, request: Request[Any, Any, Any],
    transfer: Transfer | None, asked: str | None,
) -> Response[Any]:
    """The direct route's answer: the call's result, or the file it wrote when the request asked for it."""
    if transfer is None:
        return await run_operation(services, operation, data, request)
    if asked is not None:
        return await _download(services, operation, data, request, transfer, asked)
    return await run_operation(services, operation, data, request, transfer.track_job)


def _signed(handler: Handler, shape: RouteShape) -> Handler:
    """``handler`` with the signature and annotations Litestar reads (:func:`~engineering_api.web.route_shape.sign`):
    its shape's parameters after ``request`` (none for a listing), and the answer's type. An operation's routes take
    its input fields from the query by their own names, and ``dryRun``, ``download`` and ``Idempotency-Key`` by its
    options, so no fixed handler can list them."""
    sign(handler, shape.parameters(), shape.answer_annotation(), request=not shape.plain_read)
    handler.__name__ = operation_id(shape.operation, shape.is_async)
    handler.__doc__ = shape.operation.summary
    handler.__module__ = __name__
    return handler


def _make_handler(operation: Operation[Any, Any], spec: RouteSpec, is_async: bool) -> HTTPRouteHandler:
    """The Litestar route of ``spec``, a route of ``operation`` (async: the one answering 202 with a job)."""
    shape = RouteShape.of(operation, spec, is_async)
    if shape.plain_read:
        handler = _listing_handler(operation)
    else:
        handler = _call_handler(shape, _start_job if is_async else _run_direct)
    _signed(handler, shape)
    # The body's key map (case-insensitive keys) is made by the route's first request with a body, from the
    # handler's data parameter (lib/request._body_keys): made here, for ~220 routes, it took ~0.014 s of the start.
    opt: dict[str, Any] = {"operation": operation.name, "role": operation.required_role.value, "async": is_async}
    summary = operation.summary + (" (asynchronous: answers 202 with a job)" if is_async else "")
    return route(
        route_path(spec),
        http_method=spec.method,
        operation_id=_route_id(operation, spec, is_async),
        summary=summary,
        description="\n\n".join(filter(None, [operation.description,
                                               "Destructive: takes dryRun." if shape.dry_run else ""])) or None,
        tags=[operation.section],
        status_code=202 if is_async else 200,
        responses=_responses(shape),
        opt=opt,
        operation_class=FileAnswerOperation if shape.plan.download else OpenAPIOperation,
    )(handler)


async def _dry_run(
    services: Services, operation: Operation[Any, Any], data: Any, request: Request[Any, Any, Any]
) -> Response[Any]:
    """The preview as a 200 answer; no job, nothing changed (the preview confines file fields itself)."""
    request.scope["state"]["dry_run"] = True  # read by the guard middleware's audit (the ASGI scope's own state)
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


