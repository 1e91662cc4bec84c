"""Admin routes of scheduled pushes: ``/api/runtime/pushes`` (CRUD), their delivery log, re-send and dry run.

Engineering admin key, like runtime connections: a push sends plant data to another system. Secrets (bearer token,
basic password, header token) are write-only; a dry run shows them redacted. Each route serves a call of
:data:`~engineering_api.runtime.pushes_calls.PUSH_OPERATIONS`.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from engineering_api.lib.responses import Envelope, ok
from engineering_api.lib.schema import CamelStruct
from engineering_api.runtime.actions import NoInput
from engineering_api.runtime.call_routes import declared, run_call
from engineering_api.runtime.pushes import PushDefinition, PushInput
from engineering_api.runtime.pushes_calls import (
    DeliveriesQuery, DryRunChoice, PeriodChoice, PushEdit, PushId, ResendChoice,
)
from engineering_api.runtime.pushes_outbox import Delivery, DryRun

__all__ = ("PUSH_ROUTES", "PushController")

_ONE = "/pushes/{pushId:str}"


class DryRunRequest(CamelStruct):
    """The period to render; without ``periodEnd``, the last one that ended."""

    period_end: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None


class ListRuntimePushesResponse(Envelope[list[PushDefinition]]): ...


class RuntimePushResponse(Envelope[PushDefinition]): ...


class ListRuntimePushDeliveriesResponse(Envelope[list[Delivery]]): ...


class RuntimePushDeliveryResponse(Envelope[Delivery]): ...


class RuntimePushDryRunResponse(Envelope[DryRun]): ...


class PushController(Controller):
    """Scheduled pushes of tag values and shift aggregates to an ERP, through an outbox."""

    tags = ["Runtime API"]
    path = "/api/runtime"

    @get("/pushes", operation_id="ListRuntimePushes", **declared("runtime.pushes.list"))
    async def list_pushes(self, request: Request[Any, Any, Any]) -> Response[ListRuntimePushesResponse]:
        """Every push definition by name, with its next run; secrets only as ``secretSet``."""
        return ok(run_call(request, "runtime.pushes.list", NoInput()))

    @post("/pushes", operation_id="CreateRuntimePush", status_code=201, sync_to_thread=True,
          **declared("runtime.pushes.create", body=True))
    def create_push(self, request: Request[Any, Any, Any], data: JSONBody[PushInput]) -> Response[RuntimePushResponse]:
        """Add a push (ValidationError: PUSH_SCHEDULE_INVALID, PUSH_TEMPLATE_INVALID, PUSH_TAG_UNKNOWN for a tag
        that is not logged, PUSH_TARGET_INVALID, PUSH_NAME_TAKEN; NotFoundError: PUSH_TAG_UNKNOWN for a value() tag
        the running PLC does not release)."""
        saved = run_call(request, "runtime.pushes.create", data)
        return ok(saved, f"push {saved.name} created", status_code=201)

    @get(_ONE, operation_id="GetRuntimePush", **declared("runtime.pushes.get", params=True))
    async def get_push(self, request: Request[Any, Any, Any], pushId: FromPath[str]) -> Response[RuntimePushResponse]:
        """One push definition (NotFoundError: PUSH_NOT_FOUND)."""
        return ok(run_call(request, "runtime.pushes.get", PushId(push_id=pushId)))

    @put(_ONE, operation_id="UpdateRuntimePush", sync_to_thread=True,
         **declared("runtime.pushes.update", body=True, params=True))
    def update_push(
        self, request: Request[Any, Any, Any], pushId: FromPath[str], data: JSONBody[PushInput],
    ) -> Response[RuntimePushResponse]:
        """Replace a push; an omitted token/password stays for the same URL and auth type (errors as create)."""
        edit = PushEdit(**msgspec.structs.asdict(data), push_id=pushId)
        saved = run_call(request, "runtime.pushes.update", edit)
        return ok(saved, f"push {saved.name} saved")

    @delete(_ONE, operation_id="DeleteRuntimePush", status_code=200, sync_to_thread=True,
            **declared("runtime.pushes.delete", params=True))
    def delete_push(self, request: Request[Any, Any, Any], pushId: FromPath[str]) -> Response[RuntimePushResponse]:
        """Delete a push, its schedule and its deliveries (pending ones are not sent; NotFoundError)."""
        gone = run_call(request, "runtime.pushes.delete", PushId(push_id=pushId))
        return ok(gone, f"push {gone.name} deleted")

    @get(f"{_ONE}/deliveries", operation_id="ListRuntimePushDeliveries", sync_to_thread=True,
         **declared("runtime.pushes.deliveries.list", params=True))
    def deliveries(
        self, request: Request[Any, Any, Any], pushId: FromPath[str],
        limit: Annotated[int, QueryParameter(ge=1, le=1000, description="Periods, newest first")] = 100,
    ) -> Response[ListRuntimePushDeliveriesResponse]:
        """The delivery log: per period its status, attempts, last error and the target's response code."""
        return ok(run_call(request, "runtime.pushes.deliveries.list", DeliveriesQuery(push_id=pushId, limit=limit)))

    @post(f"{_ONE}/deliveries/resend", operation_id="ResendRuntimePush", status_code=202, sync_to_thread=True,
          **declared("runtime.pushes.deliveries.resend", body=True, params=True))
    def resend(
        self, request: Request[Any, Any, Any], pushId: FromPath[str], data: JSONBody[PeriodChoice],
    ) -> Response[RuntimePushDeliveryResponse]:
        """Queue the period ending at ``periodEnd`` for sending (again), with the same Idempotency-Key; a period
        never queued is added (NotFoundError; ValidationError: PUSH_PERIOD_INVALID, not a past boundary)."""
        queued = run_call(request, "runtime.pushes.deliveries.resend",
                          ResendChoice(period_end=data.period_end, push_id=pushId))
        return ok(queued, f"period ending {queued.period_end} queued", status_code=202)

    @post(f"{_ONE}/dry-run", operation_id="DryRunRuntimePush", status_code=200, sync_to_thread=True,
          **declared("runtime.pushes.dry-run", body=True, params=True))
    def dry_run(
        self, request: Request[Any, Any, Any], pushId: FromPath[str], data: JSONBody[DryRunRequest],
    ) -> Response[RuntimePushDryRunResponse]:
        """Render a period's payload and the headers it would be sent with, without sending (NotFoundError: push
        or value() tag; ValidationError: PUSH_PERIOD_INVALID; RuntimeNotRunningError for value() tags)."""
        return ok(run_call(request, "runtime.pushes.dry-run", DryRunChoice(push_id=pushId, period_end=data.period_end)))


PUSH_ROUTES = (PushController,)
"""The scheduled pushes' controllers, for :data:`engineering_api.runtime.ROUTES`."""
