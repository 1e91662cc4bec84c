"""Runtime API routes of Server-Sent Events subscriptions (``/api/runtime/subscriptions``): create, stream, end.

Runtime users (bearer token, ``read``) subscribe to value and alarm changes. The alarms, the history and their
settings are runtime calls whose routes are built from their declarations
(:data:`~engineering_api.runtime.actions.RUNTIME_OPERATIONS`). Every route pumps the CPU's queues first
(:mod:`engineering_api.runtime.monitor`), so what a stepped CPU did is in the answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from engineering_api.backend.errors import NotFoundError
from engineering_api.lib.responses import Envelope, ok
from engineering_api.lib.schema import CamelStruct
from engineering_api.runtime.actions import SECTION
from engineering_api.runtime.call_routes import BEARER, bearer_responses, runtime_from
from engineering_api.runtime.service import principal_of

if TYPE_CHECKING:
    from engineering_api.runtime.service import RuntimeService

__all__ = ("EVENT_ROUTES",)

RECONNECT_MS = 1000
"""The ``retry:`` a stream suggests to an EventSource: when it ends, reconnect (with Last-Event-ID) after 1 s."""


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


class RuntimeSubscriptionResponse(Envelope[SubscriptionInfo]): ...


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


EVENT_ROUTES = (RuntimeSubscriptionController,)
"""The subscriptions' controller (registered by :mod:`engineering_api.runtime`)."""
