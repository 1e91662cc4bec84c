"""The runtime API's push calls: scheduled pushes of plant data to another system, their delivery log and dry run.

Each is an operation of the one registry like :data:`~engineering_api.runtime.connection_calls.CONNECTION_OPERATIONS`:
the runtime's admin role, which an engineering admin key holds, and REST-only, with why. Their routes are built from
these declarations (:func:`~engineering_api.runtime.call_routes.build_runtime_routes`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import msgspec

from engineering_api.backend.errors import (
    ConflictError,
    EngineeringError,
    NotFoundError,
    NotSupportedError,
    PermissionDeniedError,
    ValidationError,
)
from engineering_api.errors import codes
from engineering_api.jobs.operations import CallRoute, RouteSpec
from engineering_api.lib.responses import Envelope
from engineering_api.lib.schema import CamelStruct
from engineering_api.runtime.actions import NoInput, runtime_call
from engineering_api.runtime.pushes.definitions import PushDefinition, PushInput
from engineering_api.runtime.pushes.outbox import Delivery, DryRun, outbox_of
from engineering_api.runtime.pushes.schedule import next_run, reschedule, trigger_for
from engineering_api.runtime.pushes.template import RenderError, check_template
from engineering_api.runtime.simulated import canonical_name
from engineering_api.runtime.sources import RuntimeFaultError, RuntimeNotRunningError
from engineering_api.runtime.users import RuntimeRole

if TYPE_CHECKING:
    from engineering_api.jobs.operations import Operation
    from engineering_api.runtime.service import RuntimeService

__all__ = ("PUSH_OPERATIONS", "DeliveriesQuery", "DryRunChoice", "PeriodChoice", "PushEdit", "PushId", "ResendChoice")

_TARGETS = "a push sends plant data to another system with that system's credentials, which only an admin on REST " \
           "configures"
_PUSHES = "/api/runtime/pushes"
_ONE = _PUSHES + "/{pushId}"
_PushId = Annotated[str, msgspec.Meta(max_length=256)]
_Time = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class PushId(CamelStruct):
    """The push, by id."""

    push_id: _PushId


class PushEdit(PushInput):
    """A push's new definition (an omitted token/password stays for the same URL and auth type)."""

    push_id: _PushId = ""


class DeliveriesQuery(CamelStruct):
    """A push's delivery log, newest period first."""

    push_id: _PushId
    limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 100


class PeriodChoice(CamelStruct):
    """Which period: the one ending at ``periodEnd`` (a boundary of the schedule)."""

    period_end: _Time


class ResendChoice(PeriodChoice):
    """The push and the period to send (again)."""

    push_id: _PushId = ""


class DryRunChoice(CamelStruct):
    """The push and the period to render; without ``periodEnd``, the last one that ended."""

    push_id: _PushId = ""
    period_end: _Time | None = None


def _with_next_run(runtime: RuntimeService, push: PushDefinition) -> PushDefinition:
    return msgspec.structs.replace(push, next_run_at=next_run(runtime.services, push.push_id))


def _checked(runtime: RuntimeService, data: PushInput) -> None:
    """Schedule, template and tags, before anything is saved (ValidationError, NotFoundError: unknown tag)."""
    trigger_for(data.schedule)
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
        raise NotFoundError(f"Unknown or unreleased tag(s): {', '.join(unknown)}.", code=codes.PUSH_TAG_UNKNOWN)


def _save(runtime: RuntimeService, data: PushInput, push_id: str | None) -> PushDefinition:
    _checked(runtime, data)
    saved = outbox_of(runtime.services).store.save(data, push_id)
    reschedule(runtime.services, saved.push_id, saved.schedule if saved.enabled else None)
    return _with_next_run(runtime, saved)


def _list(runtime: RuntimeService, _query: NoInput, _caller: str) -> list[PushDefinition]:
    return [_with_next_run(runtime, p) for p in outbox_of(runtime.services).store.list()]


def _create(runtime: RuntimeService, new: PushInput, _caller: str) -> PushDefinition:
    return _save(runtime, new, None)


def _get(runtime: RuntimeService, query: PushId, _caller: str) -> PushDefinition:
    return _with_next_run(runtime, outbox_of(runtime.services).store.get(query.push_id))


def _update(runtime: RuntimeService, edit: PushEdit, _caller: str) -> PushDefinition:
    return _save(runtime, edit, edit.push_id)


def _delete(runtime: RuntimeService, query: PushId, _caller: str) -> PushDefinition:
    outbox = outbox_of(runtime.services)
    gone = outbox.store.delete(query.push_id)
    reschedule(runtime.services, query.push_id, None)
    outbox.forget(query.push_id)
    return gone


def _deliveries(runtime: RuntimeService, query: DeliveriesQuery, _caller: str) -> list[Delivery]:
    return outbox_of(runtime.services).deliveries(query.push_id, query.limit)


def _resend(runtime: RuntimeService, choice: ResendChoice, _caller: str) -> Delivery:
    return outbox_of(runtime.services).resend(choice.push_id, choice.period_end)


def _dry_run(runtime: RuntimeService, choice: DryRunChoice, _caller: str) -> DryRun:
    try:
        return outbox_of(runtime.services).dry_run(choice.push_id, choice.period_end)
    except RenderError as exc:
        raise exc.error from None



class DryRunRequest(CamelStruct):
    """The period to render; without ``periodEnd``, the last one that ended."""

    period_end: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None


class ListRuntimePushesResponse(Envelope[list[PushDefinition]]): ...


class RuntimePushResponse(Envelope[PushDefinition]): ...


class ListRuntimePushDeliveriesResponse(Envelope[list[Delivery]]): ...


class RuntimePushDeliveryResponse(Envelope[Delivery]): ...


class RuntimePushDryRunResponse(Envelope[DryRun]): ...


_ERRORS = (ValidationError, NotFoundError)
_RENDER_ERRORS = (*_ERRORS, RuntimeNotRunningError, RuntimeFaultError, ConflictError, PermissionDeniedError,
                  NotSupportedError)
"""What rendering ``value()`` tags can answer, as the runtime tag routes do."""
_ADMIN = RuntimeRole.ADMIN
PUSH_OPERATIONS: tuple[Operation[Any, Any], ...] = (
    runtime_call("runtime.pushes.list", "Every push definition by name, with its next run; secrets only as secretSet.",
                 NoInput, list[PushDefinition], _ADMIN, _list, RouteSpec("GET", _PUSHES), no_mcp_tool=_TARGETS,
                 built_route=CallRoute("ListRuntimePushes", ListRuntimePushesResponse),
                 description="Every push definition by name, with its next run; secrets only as ``secretSet``."),
    runtime_call("runtime.pushes.create", "Add a push.", PushInput, PushDefinition, _ADMIN, _create,
                 RouteSpec("POST", _PUSHES), _ERRORS, mutating=True, no_mcp_tool=_TARGETS,
                 built_route=CallRoute("CreateRuntimePush", RuntimePushResponse, 201),
                 description="Add a push (ValidationError: PUSH_SCHEDULE_INVALID, PUSH_TEMPLATE_INVALID, "
                             "PUSH_TAG_UNKNOWN for a tag that is not logged, PUSH_TARGET_INVALID, PUSH_NAME_TAKEN; "
                             "NotFoundError: PUSH_TAG_UNKNOWN for a value() tag the running PLC does not release).",
                 message=lambda saved: f"push {saved.name} created"),
    runtime_call("runtime.pushes.get", "One push definition.", PushId, PushDefinition, _ADMIN, _get,
                 RouteSpec("GET", _ONE), (NotFoundError,), no_mcp_tool=_TARGETS,
                 built_route=CallRoute("GetRuntimePush", RuntimePushResponse),
                 description="One push definition (NotFoundError: PUSH_NOT_FOUND)."),
    runtime_call("runtime.pushes.update", "Replace a push; an omitted token/password stays for the same URL and auth "
                 "type.", PushEdit, PushDefinition, _ADMIN, _update, RouteSpec("PUT", _ONE), _ERRORS, mutating=True,
                 no_mcp_tool=_TARGETS,
                 built_route=CallRoute("UpdateRuntimePush", RuntimePushResponse, body=PushInput),
                 description="Replace a push; an omitted token/password stays for the same URL and auth type "
                             "(errors as create).",
                 message=lambda saved: f"push {saved.name} saved"),
    runtime_call("runtime.pushes.delete", "Delete a push, its schedule and its deliveries (pending ones are not sent).",
                 PushId, PushDefinition, _ADMIN, _delete, RouteSpec("DELETE", _ONE), (NotFoundError,), mutating=True,
                 no_mcp_tool=_TARGETS,
                 built_route=CallRoute("DeleteRuntimePush", RuntimePushResponse),
                 description="Delete a push, its schedule and its deliveries (pending ones are not sent; "
                             "NotFoundError).",
                 message=lambda gone: f"push {gone.name} deleted"),
    runtime_call("runtime.pushes.deliveries.list", "The delivery log: per period its status, attempts, last error and "
                 "the target's response code.", DeliveriesQuery, list[Delivery], _ADMIN, _deliveries,
                 RouteSpec("GET", _ONE + "/deliveries"), (NotFoundError,), no_mcp_tool=_TARGETS,
                 built_route=CallRoute("ListRuntimePushDeliveries", ListRuntimePushDeliveriesResponse,
                                       query_docs={"limit": "Periods, newest first"}),
                 description="The delivery log: per period its status, attempts, last error and the target's "
                             "response code."),
    runtime_call("runtime.pushes.deliveries.resend", "Queue the period ending at periodEnd for sending (again), with "
                 "the same Idempotency-Key.", ResendChoice, Delivery, _ADMIN, _resend,
                 RouteSpec("POST", _ONE + "/deliveries/resend"), _ERRORS, mutating=True, no_mcp_tool=_TARGETS,
                 built_route=CallRoute("ResendRuntimePush", RuntimePushDeliveryResponse, 202, body=PeriodChoice),
                 description="Queue the period ending at ``periodEnd`` for sending (again), with the same "
                             "Idempotency-Key; a period never queued is added (NotFoundError; ValidationError: "
                             "PUSH_PERIOD_INVALID, not a past boundary).",
                 message=lambda queued: f"period ending {queued.period_end} queued"),
    runtime_call("runtime.pushes.dry-run", "Render a period's payload and the headers it would be sent with, without "
                 "sending.", DryRunChoice, DryRun, _ADMIN, _dry_run, RouteSpec("POST", _ONE + "/dry-run"),
                 _RENDER_ERRORS, no_mcp_tool=_TARGETS,
                 built_route=CallRoute("DryRunRuntimePush", RuntimePushDryRunResponse, body=DryRunRequest),
                 description="Render a period's payload and the headers it would be sent with, without sending "
                             "(NotFoundError: push or value() tag; ValidationError: PUSH_PERIOD_INVALID; "
                             "RuntimeNotRunningError for value() tags)."),
)
"""Registered by :func:`engineering_api.app.registry` with the other runtime calls."""
