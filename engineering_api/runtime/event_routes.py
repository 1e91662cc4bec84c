"""Runtime API routes for alarms, history and SSE subscriptions (``/api/runtime/...``).

Runtime users (bearer token) read alarms (``read``), acknowledge them (``alarmAck``, audited), query history
(``read``) and subscribe (``read``). Alarm definitions and logging settings are managed with an engineering admin
key, like the runtime users. Every route pumps the CPU's queues first (:mod:`engineering_api.runtime.monitor`), so
what a stepped CPU did is in the answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from engineering_api.backend.errors import NotFoundError
from engineering_api.lib.responses import Envelope, ok
from engineering_api.lib.schema import CamelStruct
from engineering_api.runtime.actions import (
    AlarmArchiveQuery,
    AlarmClassQuery,
    AlarmDefinitionEdit,
    HistoryQuery,
    HistorySeries,
    LoggedTag,
    SECTION,
)
from engineering_api.runtime.alarms import AlarmDefinition
from engineering_api.runtime.answers import (
    RuntimeAlarmArchiveResponse, RuntimeAlarmDefinitionResponse, RuntimeAlarmsResponse, RuntimeLoggingSettingResponse,
)
from engineering_api.runtime.tag_logging import MAX_POINTS, LoggingSetting
from engineering_api.runtime.call_routes import (
    BEARER, bearer_responses, declared, run_call, run_call_off_loop, runtime_from,
)
from engineering_api.runtime.service import principal_of

if TYPE_CHECKING:
    from engineering_api.runtime.service import RuntimeService

__all__ = ("EVENT_ROUTES",)

RECONNECT_MS = 1000
"""The ``retry:`` a stream suggests to an EventSource: when it ends, reconnect (with Last-Event-ID) after 1 s."""
_CLASS = Annotated[str | None, QueryParameter(max_length=64, description="Alarm class (Errors, Warnings)")]


def _pumped(request: Request[Any, Any, Any]) -> RuntimeService:
    runtime = runtime_from(request)
    runtime.monitor.pump()
    return runtime


class NewSubscription(CamelStruct):
    """Tags whose value changes to stream, and whether alarm changes are streamed too."""

    tags: Annotated[list[Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]],
                    msgspec.Meta(max_length=1000)] = msgspec.field(default_factory=list)
    alarms: bool = True


class SubscriptionInfo(CamelStruct):
    subscription_id: str
    tags: list[str]
    alarms: bool
    events_url: str
    ticket: str
    """For a browser's ``EventSource``, which cannot send ``Authorization``: ``eventsUrl?ticket=…`` opens this
    subscription's stream as the session that made it, while that session lasts (nothing else)."""


class RuntimeHistoryResponse(Envelope[list[HistorySeries]]): ...


class RuntimeSubscriptionResponse(Envelope[SubscriptionInfo]): ...


class RuntimeAlarmController(Controller):
    """Current alarms, the archive, acknowledgement."""

    tags = [SECTION]
    path = "/api/runtime/alarms"

    @get("/current", operation_id="ListRuntimeCurrentAlarms", sync_to_thread=True,
         **declared("runtime.alarms.current", params=True))
    def current(self, request: Request[Any, Any, Any], alarmClass: _CLASS = None) -> Response[RuntimeAlarmsResponse]:
        """Alarms that are active, or gone but not yet acknowledged, oldest first."""
        return ok(run_call(request, "runtime.alarms.current", AlarmClassQuery(alarm_class=alarmClass)))

    @get("/archive", operation_id="ListRuntimeAlarmArchive", sync_to_thread=True,
         **declared("runtime.alarms.archive", params=True))
    def archive(
        self, request: Request[Any, Any, Any],
        from_: Annotated[str | None,
                         QueryParameter(name="from", max_length=64, description="ISO 8601, inclusive")] = None,
        to: Annotated[str | None, QueryParameter(max_length=64, description="ISO 8601, exclusive")] = None,
        alarmClass: _CLASS = None,
        text: Annotated[str | None, QueryParameter(max_length=256, description="Part of the text or name")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
        continuationPoint: Annotated[str | None, QueryParameter(max_length=64)] = None,
    ) -> Response[RuntimeAlarmArchiveResponse]:
        """Archived alarm changes (incoming, outgoing, acknowledged) by time range, class and text, paged.

        Raises ValidationError (a time that is not ISO 8601, a continuation point this server did not give).
        """
        query = AlarmArchiveQuery(from_=from_, to=to, alarm_class=alarmClass, text=text, limit=limit,
                                  continuation_point=continuationPoint)
        return ok(run_call(request, "runtime.alarms.archive", query))

class RuntimeAlarmDefinitionController(Controller):
    """Alarm definitions (engineering admin key)."""

    tags = [SECTION]
    path = "/api/runtime/alarm-definitions"

    @put("/{name:str}", operation_id="UpdateRuntimeAlarmDefinition",
         **declared("runtime.alarm-definitions.update", body=True, params=True))
    async def update(self, request: Request[Any, Any, Any], name: FromPath[str],
               data: JSONBody[AlarmDefinition]) -> Response[RuntimeAlarmDefinitionResponse]:
        """Replace an alarm definition (NotFoundError, ValidationError, AlreadyExistsError: a new name taken)."""
        edit = AlarmDefinitionEdit(**msgspec.structs.asdict(data), replaces=name)
        saved = await run_call_off_loop(request, "runtime.alarm-definitions.update", edit)
        return ok(saved, f"alarm definition {saved.name} saved")


class RuntimeHistoryController(Controller):
    """Logged values and their aggregates."""

    tags = [SECTION]
    path = "/api/runtime/history"

    @get("/", operation_id="QueryRuntimeHistory", sync_to_thread=True, **declared("runtime.history.query", params=True))
    def query(
        self, request: Request[Any, Any, Any],
        tags: Annotated[str, QueryParameter(min_length=1, max_length=16_384, description="Comma-separated tag names")],
        from_: Annotated[str, QueryParameter(name="from", max_length=64, description="ISO 8601, inclusive")],
        to: Annotated[str, QueryParameter(max_length=64, description="ISO 8601, exclusive")],
        aggregation: Annotated[Literal["raw", "avg", "min", "max", "count", "first", "last"], QueryParameter(
            description="raw values, or one aggregate per interval")] = "raw",
        interval: Annotated[str | None, QueryParameter(
            max_length=32, description="Seconds, or with a unit: 30s, 15m, 8h, 1d (needed for aggregates)")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_POINTS, description="Raw values per tag (a page)")] = 1000,
        continuationPoint: Annotated[str | None, QueryParameter(
            max_length=1024, description="A series' continuationPoint from the previous page of this query: that "
                                         "tag's next page of raw values")] = None,
    ) -> Response[RuntimeHistoryResponse]:
        """A tag's logged values (raw) or their avg/min/max/count/first/last per interval, for each tag. Raw values
        come in pages of ``limit``: a series with more has ``continuationPoint``; send the query again with it.

        Raises ValidationError (times, interval, more than 10000 intervals, to before from, a continuation point
        of another query).
        """
        query = HistoryQuery(tag_names=_split_tags(tags), from_=from_, to=to, aggregation=aggregation,
                             interval=interval, limit=limit, continuation_point=continuationPoint)
        return ok(run_call(request, "runtime.history.query", query))

    @post("/settings/actions/remove", operation_id="RemoveRuntimeLoggingSetting", status_code=200,
          sync_to_thread=True, **declared("runtime.history.settings.remove", body=True))
    def remove_setting(self, request: Request[Any, Any, Any],
                       data: JSONBody[LoggingSetting]) -> Response[RuntimeLoggingSettingResponse]:
        """Stop logging ``tag`` (its logged values stay; NotFoundError: not logged)."""
        old = run_call(request, "runtime.history.settings.remove", LoggedTag(tag=data.tag))
        return ok(old, f"{old.tag} is no longer logged")


def _split_tags(text: str) -> list[str]:
    """Comma-separated names; a comma inside quotes (``"A,B".x``) belongs to the name."""
    out: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
    return [*out, "".join(current)]


class RuntimeSubscriptionController(Controller):
    """Server-Sent Events of value and alarm changes."""

    tags = [SECTION]
    path = "/api/runtime/subscriptions"

    @post("/", operation_id="CreateRuntimeSubscription", opt={"runtime": "read", "audit": False}, security=BEARER,
          sync_to_thread=True, status_code=201, responses=bearer_responses("read", body=True))
    def create(self, request: Request[Any, Any, Any],
               data: JSONBody[NewSubscription]) -> Response[RuntimeSubscriptionResponse]:
        """Subscribe to released tags' value changes and/or alarm changes; the tags' current values come first.
        Unknown or unreleased tags are left out (``tags`` in the answer lists the ones subscribed)."""
        runtime = _pumped(request)
        caller = principal_of(request.scope)
        readings = [r for r in runtime.source.read(list(data.tags)) if r.error is None] if data.tags else []
        sub, ticket = runtime.hub.create(caller.user_id, [], data.alarms, readings, caller.session)
        runtime.monitor.changed()
        url = f"{self.path}/{sub.subscription_id}/events"
        return ok(SubscriptionInfo(subscription_id=sub.subscription_id, tags=sub.tags, alarms=sub.alarms,
                                   events_url=url, ticket=ticket), status_code=201)

    # Not an operation: a Server-Sent Events stream, which no JSON envelope, job or MCP tool can carry.
    @get("/{subscriptionId:str}/events", operation_id="StreamRuntimeSubscription",
         opt={"runtime": "read", "ticket": True},
         security=BEARER, responses=bearer_responses("read", params=True, errors=(NotFoundError,)))
    async def events(
        self, request: Request[Any, Any, Any], subscriptionId: FromPath[str],
        maxEvents: Annotated[int | None, QueryParameter(ge=1, le=100_000, description="End after this many")] = None,
        waitSeconds: Annotated[float, QueryParameter(
            ge=0, le=3600, description="End after this long without an event")] = 60.0,
        ticket: Annotated[str | None, QueryParameter(
            max_length=256, description="Instead of Authorization (a browser's EventSource cannot send it): the "
                                        "subscription's ticket from its creation; opens this stream only")] = None,
        lastEventId: Annotated[int | None, HeaderParameter(
            name="Last-Event-ID", ge=0, required=False,
            description="The id of the last event received, on a reconnect: the events after it come again "
                        "(EventSource sends it by itself)")] = None,
    ) -> ServerSentEvent:
        """``text/event-stream`` of the subscription: ``event: value`` (name, value, quality, timestamp) and
        ``event: alarm`` (the alarm), each with an ``id``; after ``Last-Event-ID``, the events since that one
        again, led by ``event: gap`` when some are no longer kept. NotFoundError: not this user's subscription."""
        del ticket  # checked by the guard middleware, before this handler (engineering_api.lib.middleware)
        runtime = runtime_from(request)
        sub = runtime.hub.get(subscriptionId, principal_of(request.scope).user_id)
        if lastEventId is not None:
            runtime.hub.resume(sub, lastEventId)

        async def stream() -> AsyncIterator[ServerSentEventMessage]:
            sent, idle = 0, 0.0
            while maxEvents is None or sent < maxEvents:
                await asyncio.to_thread(runtime.monitor.pump)
                batch = runtime.hub.take(sub, (maxEvents - sent) if maxEvents else 1000)
                for event_id, name, data in batch:
                    # the stream ends by design (maxEvents, waitSeconds): an EventSource should come back soon
                    retry = RECONNECT_MS if sent == 0 else None
                    yield ServerSentEventMessage(data=data.decode(), event=name, id=str(event_id), retry=retry)
                    sent += 1
                if batch:
                    idle = 0.0
                    continue
                if idle >= waitSeconds:
                    return
                await asyncio.sleep(0.2)  # the server waits for the CPU; no test waits on this
                idle += 0.2

        return ServerSentEvent(stream())

    @delete("/{subscriptionId:str}", operation_id="DeleteRuntimeSubscription", opt={"runtime": "read"},
            security=BEARER, status_code=200, sync_to_thread=True,
            responses=bearer_responses("read", params=True, errors=(NotFoundError,)))
    def remove(self, request: Request[Any, Any, Any], subscriptionId: FromPath[str]) -> Response[Any]:
        """End a subscription (NotFoundError)."""
        runtime = runtime_from(request)
        runtime.hub.delete(subscriptionId, principal_of(request.scope).user_id)
        runtime.monitor.changed()
        return ok(None, f"subscription {subscriptionId} ended")


EVENT_ROUTES = (RuntimeAlarmController, RuntimeAlarmDefinitionController, RuntimeHistoryController,
                RuntimeSubscriptionController)
"""The alarm, history and subscription controllers (registered by :mod:`engineering_api.runtime`)."""
