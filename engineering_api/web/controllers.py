"""Async Jobs routes: read, list, cancel, stream events, and execute any operation synchronously."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from engineering_api.backend.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from engineering_api.errors import codes
from engineering_api.jobs.records import JobRecord
from engineering_api.web.routes import IDEMPOTENCY_PARAMETER, run_operation
from engineering_api.lib.bounds import PAGE_OFFSET_MAX
from engineering_api.lib.responses import ALL_DOMAIN_ERRORS, Envelope, ok, problem_responses
from engineering_api.lib.schema import CamelStruct

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from engineering_api.services import Services

__all__ = ("JobController",)

SECTION = "Async Jobs"
WAIT_MAX_SECONDS = 60.0
"""Longest long-poll of ``GET /api/jobs/{jobId}?wait=``: under the idle timeout of common proxies."""
_WAIT_DOC = (
    "Seconds to wait for the job to end before answering (long poll, at most 60): the answer comes as soon as the "
    "job is Completed, Failed or Canceled, or when the wait is over with the job as it is then. Without it the "
    "answer is immediate."
)


class JobList(CamelStruct):
    """A page of jobs."""

    jobs: list[JobRecord]
    total: int
    limit: int
    offset: int


# Typed envelopes, so the document (and the regression gate) knows the payload of each answer.
class GetJobResponse(Envelope[JobRecord]): ...


class ListJobsResponse(Envelope[JobList]): ...


class ExecuteRequest(CamelStruct):
    """Run a named operation (see ``GET /api/command/list``) and wait for its result."""

    operation: str
    parameters: dict[str, Any] = {}


class JobController(Controller):
    """Jobs started by the asynchronous routes."""

    path = "/api/jobs"
    tags = [SECTION]

    @get("/{jobId:str}", operation_id="GetJob",
         responses=problem_responses("viewer", params=True, errors=(NotFoundError,)))
    async def get_job(
        self, request: Request[Any, Any, Any], jobId: FromPath[str],
        wait: Annotated[float | None, QueryParameter(ge=0, le=WAIT_MAX_SECONDS, description=_WAIT_DOC)] = None,
    ) -> Response[GetJobResponse]:
        """Status, progress and result of a job; with ``wait``, once it has ended or the wait is over."""
        services: Services = request.app.state.services
        record = services.jobs.get(jobId)
        if wait and not record.terminal:
            record = await services.jobs.settled(jobId, wait)
        headers = None if record.terminal else {"Retry-After": "1"}
        return ok(record, f"job {record.status.lower()}", headers=headers)

    @get("/", operation_id="ListJobs", responses=problem_responses("viewer", params=True))
    async def list_jobs(
        self,
        request: Request[Any, Any, Any],
        status: Annotated[str | None,
                          QueryParameter(description="Pending, Running, Completed, Failed or Canceled")] = None,
        operation: Annotated[str | None, QueryParameter(description="Operation name, e.g. projects.open")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=PAGE_OFFSET_MAX)] = 0,
    ) -> Response[ListJobsResponse]:
        """Jobs, newest first, filtered by status or operation."""
        services: Services = request.app.state.services
        if status and status not in ("Pending", "Running", "Completed", "Failed", "Canceled"):
            raise ValidationError(f"unknown status {status!r}")
        records, total = services.jobs.list(status=status, operation=operation, limit=limit, offset=offset)
        return ok(JobList(jobs=records, total=total, limit=limit, offset=offset))

    @post(
        "/{jobId:str}/actions/cancel", operation_id="CancelJob", status_code=200,
        responses=problem_responses("engineer", params=True, errors=(NotFoundError, ConflictError)),
    )
    async def cancel_job(self, request: Request[Any, Any, Any], jobId: FromPath[str]) -> Response[GetJobResponse]:
        """Ask a job to stop (cooperative: a queued job stops at once, a running one at its next step)."""
        services: Services = request.app.state.services
        record = services.jobs.cancel(jobId)
        return ok(record, "cancel requested", headers={"X-Job-Id": jobId})

    @get(
        "/{jobId:str}/events", operation_id="StreamJobEvents", media_type="text/event-stream",
        responses=problem_responses("viewer", params=True, errors=(NotFoundError,)),
    )
    async def job_events(self, request: Request[Any, Any, Any], jobId: FromPath[str]) -> ServerSentEvent:
        """Server-Sent Events with each state change of the job; the stream ends when the job does."""
        services: Services = request.app.state.services
        services.jobs.get(jobId)  # 404 before the stream starts

        async def stream() -> AsyncIterator[ServerSentEventMessage]:
            async for record in services.jobs.events(jobId):
                event = "progress" if not record.terminal else record.status.lower()
                yield ServerSentEventMessage(data=msgspec.json.encode(record).decode(), event=event,
                                             id=str(record.progress))

        return ServerSentEvent(stream())

    @post(
        "/execute-sync", operation_id="ExecuteSync", status_code=200,
        responses=problem_responses("engineer", body=True, worker=True, errors=ALL_DOMAIN_ERRORS),
    )
    async def execute_sync(
        self, request: Request[Any, Any, Any], data: JSONBody[ExecuteRequest],
        idempotency_key: Annotated[str | None, IDEMPOTENCY_PARAMETER] = None,
    ) -> Response[Any]:
        """Run any operation by name and wait for it; long operations, and changes sent with an Idempotency-Key,
        leave a job record."""
        services: Services = request.app.state.services
        operation = services.operations.get(data.operation)
        if operation is None:
            raise NotFoundError(
                f"unknown operation {data.operation!r}; GET /api/command/list lists them",
                                code=codes.OPERATION_NOT_FOUND
            )
        principal = request.scope.get("user")
        if principal is None or not principal.role.allows(operation.required_role):
            raise PermissionDeniedError(
                f"{operation.name} needs the {operation.required_role.value} role", code=codes.FORBIDDEN
            )
        params = data.parameters
        if operation.input is not None:
            from engineering_api.lib.schema import key_normaliser, normalise_keys

            input_type: type[msgspec.Struct] = operation.input
            try:
                parsed = msgspec.convert(normalise_keys(params, key_normaliser(input_type)), input_type)
            except msgspec.ValidationError as exc:
                raise ValidationError(f"invalid parameters for {operation.name}: {exc}") from None
        else:
            parsed = None
        return await run_operation(services, operation, parsed, request)
