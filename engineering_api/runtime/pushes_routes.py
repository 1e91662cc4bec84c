"""Admin routes of scheduled pushes: ``/api/runtime/pushes`` (CRUD), their delivery log, re-send and dry run.

Engineering admin key, like runtime connections: a push sends plant data to another system. Secrets (bearer token,
basic password, header token) are write-only; a dry run shows them redacted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from engineering_api.backend.errors import (
    ConflictError,
    EngineeringError,
    NotFoundError,
    NotSupportedError,
    PermissionDeniedError,
    ValidationError,
)
from engineering_api.lib.responses import Envelope, ok, problem_responses
from engineering_api.lib.schema import CamelStruct
from engineering_api.runtime.pushes import PushDefinition, PushInput
from engineering_api.runtime.pushes_outbox import Delivery, DryRun, outbox_of
from engineering_api.runtime.pushes_schedule import next_run, reschedule, trigger_for
from engineering_api.runtime.pushes_template import RenderError, check_template
from engineering_api.runtime.service import runtime_of
from engineering_api.runtime.simulated import canonical_name
from engineering_api.runtime.sources import RuntimeFaultError, RuntimeNotRunningError

if TYPE_CHECKING:
    from engineering_api.runtime.pushes_outbox import Outbox

__all__ = ("PUSH_ROUTES", "PushController")

_ADMIN = {"role": "admin"}
_ONE = "/pushes/{pushId:str}"
_Time = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class PeriodChoice(CamelStruct):
    """Which period: the one ending at ``periodEnd`` (a boundary of the schedule)."""

    period_end: _Time


class DryRunRequest(CamelStruct):
    """The period to render; without ``periodEnd``, the last one that ended."""

    period_end: _Time | None = None


class ListRuntimePushesResponse(Envelope[list[PushDefinition]]): ...


class RuntimePushResponse(Envelope[PushDefinition]): ...


class ListRuntimePushDeliveriesResponse(Envelope[list[Delivery]]): ...


class RuntimePushDeliveryResponse(Envelope[Delivery]): ...


class RuntimePushDryRunResponse(Envelope[DryRun]): ...




def _outbox(request: Request[Any, Any, Any]) -> Outbox:
    return outbox_of(request.app.state.services)


def _with_next_run(request: Request[Any, Any, Any], push: PushDefinition) -> PushDefinition:
    return msgspec.structs.replace(push, next_run_at=next_run(request.app.state.services, push.push_id))


def _checked(request: Request[Any, Any, Any], data: PushInput) -> None:
    """Schedule, template and tags, before anything is saved (ValidationError, NotFoundError: unknown tag)."""
    trigger_for(data.schedule)
    runtime = runtime_of(request.app.state.services)
    logged = {canonical_name(s.tag) for s in runtime.history.settings()}
    found = check_template(data.template, data.format, logged)
    values = sorted({p.tag for p in found if p.function == "value" and p.tag})
    if not values:
        return
    try:
        released = {canonical_name(t.name) for t in runtime.source.browse()}
    except EngineeringError:
        return  # no PLC to ask now: value() tags are checked when the payload is rendered
    unknown = [t for t in values if canonical_name(t) not in released]
    if unknown:
        raise NotFoundError(f"Unknown or unreleased tag(s): {', '.join(unknown)}.", code="PUSH_TAG_UNKNOWN")


def _save(request: Request[Any, Any, Any], data: PushInput, push_id: str | None) -> PushDefinition:
    _checked(request, data)
    saved = _outbox(request).store.save(data, push_id)
    reschedule(request.app.state.services, saved.push_id, saved.schedule if saved.enabled else None)
    return _with_next_run(request, saved)


_ERRORS = (ValidationError, NotFoundError)
_RENDER_ERRORS = (*_ERRORS, RuntimeNotRunningError, RuntimeFaultError, ConflictError, PermissionDeniedError,
                  NotSupportedError)
"""What rendering ``value()`` tags can answer, as the runtime tag routes do."""


class PushController(Controller):
    """Scheduled pushes of tag values and shift aggregates to an ERP, through an outbox."""

    tags = ["Runtime API"]
    path = "/api/runtime"

    @get("/pushes", operation_id="ListRuntimePushes", opt=_ADMIN, responses=problem_responses("admin"))
    async def list_pushes(self, request: Request[Any, Any, Any]) -> Response[ListRuntimePushesResponse]:
        """Every push definition by name, with its next run; secrets only as ``secretSet``."""
        return ok([_with_next_run(request, p) for p in _outbox(request).store.list()])

    @post("/pushes", operation_id="CreateRuntimePush", opt=_ADMIN, status_code=201, sync_to_thread=True,
          responses=problem_responses("admin", body=True, errors=_ERRORS))
    def create_push(self, request: Request[Any, Any, Any], data: JSONBody[PushInput]) -> Response[RuntimePushResponse]:
        """Add a push (ValidationError: PUSH_SCHEDULE_INVALID, PUSH_TEMPLATE_INVALID, PUSH_TAG_UNKNOWN for a tag
        that is not logged, PUSH_TARGET_INVALID, PUSH_NAME_TAKEN; NotFoundError: PUSH_TAG_UNKNOWN for a value() tag
        the running PLC does not release)."""
        saved = _save(request, data, None)
        return ok(saved, f"push {saved.name} created", status_code=201)

    @get(_ONE, operation_id="GetRuntimePush", opt=_ADMIN,
         responses=problem_responses("admin", params=True, errors=(NotFoundError,)))
    async def get_push(self, request: Request[Any, Any, Any], pushId: FromPath[str]) -> Response[RuntimePushResponse]:
        """One push definition (NotFoundError: PUSH_NOT_FOUND)."""
        return ok(_with_next_run(request, _outbox(request).store.get(pushId)))

    @put(_ONE, operation_id="UpdateRuntimePush", opt=_ADMIN, sync_to_thread=True,
         responses=problem_responses("admin", body=True, params=True, errors=_ERRORS))
    def update_push(
        self, request: Request[Any, Any, Any], pushId: FromPath[str], data: JSONBody[PushInput],
    ) -> Response[RuntimePushResponse]:
        """Replace a push; an omitted token/password stays for the same URL and auth type (errors as create)."""
        saved = _save(request, data, pushId)
        return ok(saved, f"push {saved.name} saved")

    @delete(_ONE, operation_id="DeleteRuntimePush", opt=_ADMIN, status_code=200, sync_to_thread=True,
            responses=problem_responses("admin", params=True, errors=(NotFoundError,)))
    def delete_push(self, request: Request[Any, Any, Any], pushId: FromPath[str]) -> Response[RuntimePushResponse]:
        """Delete a push, its schedule and its deliveries (pending ones are not sent; NotFoundError)."""
        outbox = _outbox(request)
        gone = outbox.store.delete(pushId)
        reschedule(request.app.state.services, pushId, None)
        outbox.forget(pushId)
        return ok(gone, f"push {gone.name} deleted")

    @get(f"{_ONE}/deliveries", operation_id="ListRuntimePushDeliveries", opt=_ADMIN, sync_to_thread=True,
         responses=problem_responses("admin", params=True, errors=(NotFoundError,)))
    def deliveries(
        self, request: Request[Any, Any, Any], pushId: FromPath[str],
        limit: Annotated[int, QueryParameter(ge=1, le=1000, description="Periods, newest first")] = 100,
    ) -> Response[ListRuntimePushDeliveriesResponse]:
        """The delivery log: per period its status, attempts, last error and the target's response code."""
        return ok(_outbox(request).deliveries(pushId, limit))

    @post(f"{_ONE}/deliveries/resend", operation_id="ResendRuntimePush", opt=_ADMIN, status_code=202,
          sync_to_thread=True, responses=problem_responses("admin", body=True, params=True, errors=_ERRORS))
    def resend(
        self, request: Request[Any, Any, Any], pushId: FromPath[str], data: JSONBody[PeriodChoice],
    ) -> Response[RuntimePushDeliveryResponse]:
        """Queue the period ending at ``periodEnd`` for sending (again), with the same Idempotency-Key; a period
        never queued is added (NotFoundError; ValidationError: PUSH_PERIOD_INVALID, not a past boundary)."""
        queued = _outbox(request).resend(pushId, data.period_end)
        return ok(queued, f"period ending {queued.period_end} queued", status_code=202)

    @post(f"{_ONE}/dry-run", operation_id="DryRunRuntimePush", opt={**_ADMIN, "audit": False}, status_code=200,
          sync_to_thread=True, responses=problem_responses("admin", body=True, params=True, errors=_RENDER_ERRORS))
    def dry_run(
        self, request: Request[Any, Any, Any], pushId: FromPath[str], data: JSONBody[DryRunRequest],
    ) -> Response[RuntimePushDryRunResponse]:
        """Render a period's payload and the headers it would be sent with, without sending (NotFoundError: push
        or value() tag; ValidationError: PUSH_PERIOD_INVALID; RuntimeNotRunningError for value() tags)."""
        try:
            return ok(_outbox(request).dry_run(pushId, data.period_end))
        except RenderError as exc:
            raise exc.error from None


PUSH_ROUTES = (PushController,)
"""The scheduled pushes' controllers, for :data:`engineering_api.runtime.ROUTES`."""
