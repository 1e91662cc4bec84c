"""Subscriptions for Server-Sent Events: chosen tags' value changes and alarm changes, per runtime user.

``POST /api/runtime/subscriptions`` makes one (its tags are monitored on change from then on, and their current
values are its first events); ``GET /api/runtime/subscriptions/{id}/events`` streams what it collected as
``text/event-stream`` (``event: value`` / ``event: alarm``, ``id:`` counting up, ``data:`` the JSON); ``DELETE``
ends it. A subscription keeps at most :data:`QUEUE_LIMIT` events while no stream reads it (the oldest go) and is
forgotten after :data:`IDLE_SECONDS` without a reader.

Resumption, as the SSE standard has it: a stream that broke may have been sent events the client never got. The
last :data:`REPLAY_LIMIT` events handed to a stream are kept, and a reconnect with ``Last-Event-ID`` (browsers'
``EventSource`` sends it by itself) gets those after that id again. When events after that id are no longer kept
(the queue overflowed or they left the replay buffer), the stream starts with ``event: gap`` naming the newest id
lost, so a dashboard knows to reload instead of showing a hole as if nothing happened.

A browser's ``EventSource`` cannot send an ``Authorization`` header, so a subscription also answers a ``ticket``:
``?ticket=`` on its events URL stands for the bearer token of the session that made it, for that one stream only,
and dies with that session (logout, expiry, a changed or deleted user). Only its hash is kept.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import secrets
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.backend.areas.runtime_values import SimMonitoredItem
from engineering_api.backend.errors import NotFoundError
from engineering_api.errors import codes

if TYPE_CHECKING:
    from engineering_api.runtime.alarms import Alarm
    from engineering_api.runtime.sources import TagReading

__all__ = ("IDLE_SECONDS", "QUEUE_LIMIT", "REPLAY_LIMIT", "Subscription", "SubscriptionHub")

QUEUE_LIMIT = 10_000
REPLAY_LIMIT = 1_000
IDLE_SECONDS = 600
SUBSCRIPTIONS_PER_USER = 16


@dataclass
class Subscription:
    subscription_id: str
    user_id: str
    tags: list[str]
    alarms: bool
    events: deque[tuple[int, str, bytes]] = field(default_factory=lambda: deque(maxlen=QUEUE_LIMIT))
    """(id, event name, JSON data)."""
    last: dict[str, Any] = field(default_factory=dict)
    """Each tag's last value sent (the CPU's first sample after subscribing repeats the initial value)."""
    seen: float = field(default_factory=time.monotonic)
    sent: deque[tuple[int, str, bytes]] = field(default_factory=deque)
    """The last events handed to a stream, for a reconnect with ``Last-Event-ID``."""
    lost_through: int = 0
    """The newest id of an event dropped before any stream was sure to get it (queue overflow, replay eviction)."""
    session: str = ""
    """The hash of the bearer token of the session that made it (a ticket acts for that session)."""
    ticket_hash: str = ""


class SubscriptionHub:
    """Every subscription of the app. Thread-safe."""

    def __init__(self) -> None:
        self._subs: dict[str, Subscription] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def create(self, user_id: str, tags: list[str], alarms: bool, initial: list[TagReading],
               session: str = "") -> tuple[Subscription, str]:
        """A new subscription and its stream ticket; ``initial`` (the tags' current values) are its first events."""
        with self._lock:
            self._expire()
            mine = [s for s in self._subs.values() if s.user_id == user_id]
            if len(mine) >= SUBSCRIPTIONS_PER_USER:  # the oldest goes: a dashboard that reloads does not pile up
                del self._subs[min(mine, key=lambda s: s.seen).subscription_id]
            ticket = "stk_" + secrets.token_urlsafe(32)
            sub = Subscription("sub_" + uuid.uuid4().hex[:16], user_id, [r.name for r in initial], alarms,
                               session=session, ticket_hash=_digest(ticket))
            self._subs[sub.subscription_id] = sub
            for reading in initial:
                sub.last[reading.name] = reading.value
                self._push(sub, "value", _value(reading.name, reading.value, reading.quality, reading.timestamp))
            return sub, ticket

    def ticket_session(self, subscription_id: str, ticket: str) -> str | None:
        """The session a valid ``ticket`` of the subscription acts for, or None."""
        with self._lock:
            sub = self._subs.get(subscription_id)
        if sub is None or not sub.session or not hmac.compare_digest(sub.ticket_hash, _digest(ticket)):
            return None
        return sub.session

    def get(self, subscription_id: str, user_id: str) -> Subscription:
        """The user's subscription. Raises NotFoundError (``SUBSCRIPTION_NOT_FOUND``; another user's too)."""
        with self._lock:
            sub = self._subs.get(subscription_id)
            if sub is None or sub.user_id != user_id:
                raise NotFoundError(f"No subscription {subscription_id} of this user.",
                                    code=codes.SUBSCRIPTION_NOT_FOUND)
            sub.seen = time.monotonic()
            return sub

    def delete(self, subscription_id: str, user_id: str) -> Subscription:
        sub = self.get(subscription_id, user_id)
        with self._lock:
            self._subs.pop(sub.subscription_id, None)
        return sub

    def take(self, sub: Subscription, limit: int) -> list[tuple[int, str, bytes]]:
        """Up to ``limit`` queued events, oldest first; they are kept for a reconnect (:meth:`resume`)."""
        with self._lock:
            sub.seen = time.monotonic()
            batch = [sub.events.popleft() for _ in range(min(limit, len(sub.events)))]
            sub.sent.extend(batch)
            while len(sub.sent) > REPLAY_LIMIT:
                sub.lost_through = max(sub.lost_through, sub.sent.popleft()[0])
            return batch

    def resume(self, sub: Subscription, last_event_id: int) -> None:
        """Queue again the events handed out after ``last_event_id``, preceded by a ``gap`` event when some of
        those are no longer kept."""
        with self._lock:
            again = [event for event in sub.sent if event[0] > last_event_id]
            sub.sent = deque(event for event in sub.sent if event[0] <= last_event_id)
            sub.events.extendleft(reversed(again))
            if sub.lost_through > last_event_id:
                gap = msgspec.json.encode({
                    "lastEventId": last_event_id, "lostThrough": sub.lost_through,
                    "message": "Events after the last one received were lost; read the current values again."})
                # the gap carries the client's own id: a client that breaks again right after it resumes from
                # the same place and is told the same thing, instead of skipping the events that follow it
                sub.events.appendleft((last_event_id, "gap", gap))

    def items(self) -> list[SimMonitoredItem]:
        """The monitored items of every subscription's tags (on change)."""
        with self._lock:
            self._expire()
            return [SimMonitoredItem(item_id=f"s:{s.subscription_id}:{tag}", name=tag)
                    for s in self._subs.values() for tag in s.tags]

    def on_sample(self, item_id: str, name: str, value: Any, timestamp: str) -> None:
        sub_id = item_id.split(":", 2)[1]
        with self._lock:
            sub = self._subs.get(sub_id)
            if sub is not None and (name not in sub.last or sub.last[name] != value):
                sub.last[name] = value
                self._push(sub, "value", _value(name, value, "Good", timestamp))

    def on_alarm(self, alarm: Alarm) -> None:
        data = msgspec.json.encode(alarm)
        with self._lock:
            for sub in self._subs.values():
                if sub.alarms:
                    self._push(sub, "alarm", data)

    def _push(self, sub: Subscription, event: str, data: bytes) -> None:
        if len(sub.events) == QUEUE_LIMIT:  # the deque drops its oldest: no stream will get that one
            sub.lost_through = max(sub.lost_through, sub.events[0][0])
        sub.events.append((next(self._ids), event, data))

    def _expire(self) -> None:
        limit = time.monotonic() - IDLE_SECONDS
        for key in [k for k, s in self._subs.items() if s.seen < limit]:
            del self._subs[key]


def _digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode("utf-8")).hexdigest()


def _value(name: str, value: Any, quality: str, timestamp: str) -> bytes:
    return msgspec.json.encode({"name": name, "value": value, "quality": quality, "timestamp": timestamp})
