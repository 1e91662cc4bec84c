"""The outbox of scheduled pushes: one row per (push, period), delivered with retries, kept across restarts.

A firing of the schedule writes the periods that ended (``runtime_push_outbox``, unique per push and period end, in
the service database, so SQLite or PostgreSQL); a delivery thread sends due rows. The payload is rendered at the
first attempt and kept, so every retry sends the same body with the same ``Idempotency-Key`` (a UUID derived from
push and period): an ERP that honours the header books a shift once however often it is sent. A row stays
``pending`` until the target answers 2xx (``delivered``); a connection error, 408, 425, 429 or 5xx is retried after
10 s, 20 s, 40 s ... (or the target's ``Retry-After`` seconds if longer), at most an hour; another 4xx or a 3xx is
``failed`` (re-send by hand). Each attempt is bounded by the push's ``timeoutSeconds``: for connecting, for each
read, and for the answer as a whole (a 2xx ends the attempt at its status line; a refusal's body is read until the
bound; a status line and headers sent a byte at a time are bounded per read only). Pending rows are picked
up again after a restart. Delivery errors are stored and logged with the target's secret and header values
redacted; outcomes are audited (``via: scheduler``).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from engineering_api.backend.errors import NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.lib.tables import runtime_push_outbox as outbox
from engineering_api.runtime.tag_logging import format_ms, parse_time
from engineering_api.runtime.pushes.definitions import PushStore
from engineering_api.runtime.pushes.schedule import (
    Period, attach, detach, last_boundary, period_ending, periods_between, trigger_for,
)
from engineering_api.runtime.pushes.template import RenderError, render
from engineering_api.runtime.pushes.transport import idempotency_key
from engineering_api.runtime.pushes.transports import check_target, transport_for
from engineering_api.runtime.pushes.webhook import push_auth_header, request_headers, signed

if TYPE_CHECKING:
    from engineering_api.runtime.pushes.definitions import StoredPush
    from engineering_api.services import Services

__all__ = ("BACKOFF_SECONDS", "MAX_BACKOFF_SECONDS", "Delivery", "DryRun", "Outbox", "outbox_of", "start_pushes",
           "stop_pushes")

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = 10
MAX_BACKOFF_SECONDS = 3600
ON_TIME_MS = 60_000
"""A delivery rendered this soon after its period's end may take a tag's live value as its value at the end; later
(a catch-up after an outage, a long retry) values come from the history only."""
MAX_CATCH_UP = 100
"""Periods queued at most for one push after a long downtime (the newest)."""
_IDLE_SECONDS = 5.0
"""The longest the delivery thread sleeps. This node's own changes wake it at once, and it wakes when the earliest
pending row falls due; the bound is for rows another node sharing the database queued and could not send (it died),
and for a wall clock that jumps."""
_LEASE_MS = 300_000
"""A row being sent is not picked again for this long (a second node on the same database, a hung target)."""
_YEAR_9000_MS = 221_845_392_000_000
_NOTE = "runtime.pushes"

class Delivery(CamelStruct):
    """One period's delivery: its state, attempts and the target's last answer."""

    delivery_id: int
    period_start: str
    period_end: str
    idempotency_key: str
    status: str
    """``pending`` (queued or being retried), ``delivered`` (2xx) or ``failed`` (refused; re-send by hand)."""
    attempts: int
    next_attempt_at: str | None
    last_error: str | None
    response_code: int | None
    created_at: str
    delivered_at: str | None


class DryRun(CamelStruct):
    """A rendered payload, not sent."""

    period_start: str
    period_end: str
    idempotency_key: str
    content_type: str
    payload: str
    url: str
    headers: dict[str, str]
    """What would be sent, the secret redacted (``Bearer ***``, ``Basic ***``, ``***``)."""


def _now_ms() -> int:
    return int(time.time() * 1000)


def _utc(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC)


def _period_end_ms(text: str) -> int:
    """A period end as ms; between 1970 and 9000, so the schedule's arithmetic stays in datetime's range.

    Raises ValidationError (``INVALID_TIME``, ``PUSH_PERIOD_INVALID``).
    """
    ms = parse_time(text, "periodEnd")
    if not 0 <= ms < _YEAR_9000_MS:
        raise ValidationError("periodEnd must lie between 1970 and 9000.", code=codes.PUSH_PERIOD_INVALID)
    return ms


def _delivery(row: Any) -> Delivery:
    return Delivery(
        delivery_id=int(row["id"]), period_start=format_ms(int(row["period_start"])),
        period_end=format_ms(int(row["period_end"])), idempotency_key=row["idempotency_key"], status=row["status"],
        attempts=int(row["attempts"]),
        next_attempt_at=format_ms(int(row["next_attempt_at"])) if row["status"] == "pending" else None,
        last_error=row["last_error"], response_code=row["response_code"], created_at=row["created_at"],
        delivered_at=row["delivered_at"],
    )


def _redact(text: str, push: StoredPush) -> str:
    """``text`` without the push's secret, its Authorization value or its header values."""
    auth = push_auth_header(push)
    for secret in (auth[1] if auth else None, push.secret, *push.view.target.headers.values()):
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text[:300]


class Outbox:
    """Queues periods, renders and sends them; one per app (:func:`outbox_of`)."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._db = services.db
        self.store = PushStore(services, check_target)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ----- queueing --------------------------------------------------------------------------------------------
    def enqueue_due(self, push_id: str) -> int:
        """Queue every period of the push that ended since its last queued one (or since it was created); returns
        how many. A disabled or deleted push queues nothing."""
        try:
            push = self.store.get(push_id)
        except NotFoundError:
            return 0
        if not push.enabled:
            return 0
        trigger = trigger_for(push.schedule)
        row = self._db.one(select(func.max(outbox.c.period_end).label("newest")).where(outbox.c.push_id == push_id))
        floor = dt.datetime.fromisoformat(push.created_at.replace("Z", "+00:00"))
        if row is not None and row["newest"] is not None:  # not before the push existed: a re-sent old period
            floor = max(floor, _utc(int(row["newest"])))  # must not make every period since then due
        periods = periods_between(trigger, floor, dt.datetime.now(dt.UTC), MAX_CATCH_UP)
        for period in periods:
            self._insert(push_id, period)
        if periods:
            self._wake.set()
        return len(periods)

    def _insert(self, push_id: str, period: Period) -> None:
        end_ms = int(period.end.timestamp() * 1000)
        self._db.insert_new(outbox, {
            "push_id": push_id, "period_start": int(period.start.timestamp() * 1000), "period_end": end_ms,
            "idempotency_key": idempotency_key(push_id, end_ms), "status": "pending", "attempts": 0,
            "next_attempt_at": _now_ms(), "created_at": utc_now()}, ("push_id", "period_end"))

    def resend(self, push_id: str, period_end: str) -> Delivery:
        """Send the period ending at ``period_end`` (again), with its idempotency key; a delivered row keeps its
        payload. Raises NotFoundError, ValidationError (``PUSH_PERIOD_INVALID``: not a boundary, or in the future)."""
        push = self.store.get(push_id)
        end_ms = _period_end_ms(period_end)
        if end_ms > _now_ms():
            raise ValidationError("periodEnd is in the future; that period has not ended.",
                                  code=codes.PUSH_PERIOD_INVALID)
        period = period_ending(trigger_for(push.schedule), _utc(end_ms))
        self._insert(push_id, period)
        self._db.execute(outbox.update().where(outbox.c.push_id == push_id, outbox.c.period_end == end_ms)
                         .values(status="pending", next_attempt_at=_now_ms()))
        self._wake.set()
        return self.delivery(push_id, end_ms)

    def delivery(self, push_id: str, period_end_ms: int) -> Delivery:
        row = self._db.one(select(outbox).where(outbox.c.push_id == push_id, outbox.c.period_end == period_end_ms))
        if row is None:
            raise NotFoundError("No delivery of that period.", code=codes.PUSH_DELIVERY_NOT_FOUND)
        return _delivery(row)

    def deliveries(self, push_id: str, limit: int) -> list[Delivery]:
        """The push's deliveries, newest period first. Raises NotFoundError (``PUSH_NOT_FOUND``)."""
        self.store.get(push_id)
        rows = self._db.all(select(outbox).where(outbox.c.push_id == push_id).order_by(outbox.c.period_end.desc())
                            .limit(limit))
        return [_delivery(r) for r in rows]

    def forget(self, push_id: str) -> None:
        """Drop a deleted push's rows (pending ones are not sent)."""
        self._db.execute(outbox.delete().where(outbox.c.push_id == push_id))

    # ----- rendering -------------------------------------------------------------------------------------------
    def _render(self, push: StoredPush, start_ms: int, end_ms: int, *, live: bool) -> str:
        from engineering_api.runtime.service import runtime_of

        runtime = runtime_of(self._services)
        runtime.monitor.pump()  # what the CPU logged up to now is in the history before it is read
        return render(push.view.template, push.view.format, history=runtime.history, source=runtime.source,
                      variables={"pushName": push.view.name,
                                 "idempotencyKey": idempotency_key(push.push_id, end_ms)},
                      start_ms=start_ms, end_ms=end_ms, live=live)

    def dry_run(self, push_id: str, period_end: str | None) -> DryRun:
        """Render the period ending at ``period_end`` (default: the last one that ended) without sending.

        Raises NotFoundError, ValidationError (``PUSH_PERIOD_INVALID``, template), RenderError.
        """
        push = self.store.open(push_id)
        trigger = trigger_for(push.view.schedule)
        if period_end is None:
            end = last_boundary(trigger, dt.datetime.now(dt.UTC))
            if end is None:
                raise ValidationError("The schedule has no boundary in the past.", code=codes.PUSH_PERIOD_INVALID)
        else:
            end = _utc(_period_end_ms(period_end))
        period = period_ending(trigger, end)
        start_ms, end_ms = int(period.start.timestamp() * 1000), int(period.end.timestamp() * 1000)
        headers = request_headers(push, end_ms)
        auth = push_auth_header(push)
        if auth is not None:
            headers[auth[0]] = auth[2]
        # Rendered as a delivery queued now would render it: a period that ended more than ON_TIME_MS ago cannot use
        # a tag's live value, so the dry run fails with PUSH_VALUE_UNKNOWN exactly where that delivery would.
        payload = self._render(push, start_ms, end_ms, live=_now_ms() - end_ms <= ON_TIME_MS)
        headers = signed(push, headers, payload.encode("utf-8"))  # AWS: signed as sent, the signature not shown
        if push.view.target.auth_type == "awsSigV4" and "Authorization" in headers:
            headers["Authorization"] = headers["Authorization"].rsplit("Signature=", 1)[0] + "Signature=***"
        return DryRun(period_start=format_ms(start_ms), period_end=format_ms(end_ms),
                      idempotency_key=idempotency_key(push_id, end_ms), content_type=headers["Content-Type"],
                      payload=payload, url=push.view.target.url, headers=headers)

    # ----- delivery --------------------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the delivery thread; pending rows (from before a restart too) go out at once."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="runtime-push-outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()  # before the round: a wake during it makes the next round come at once
            pause = _IDLE_SECONDS
            try:
                self.send_due()
                pause = self.seconds_to_next_due()
            except Exception:  # a database hiccup must not end deliveries for good
                logger.exception("push outbox: delivery round failed")
            self._wake.wait(pause)

    def seconds_to_next_due(self) -> float:
        """How long the delivery thread may sleep: until the earliest pending row is due (a retry, a claim whose lease
        runs out), at most :data:`_IDLE_SECONDS`; 0 when one is due already."""
        row = self._db.one(select(func.min(outbox.c.next_attempt_at).label("due"))
                           .where(outbox.c.status == "pending"))
        if row is None or row["due"] is None:
            return _IDLE_SECONDS
        return min(max(int(row["due"]) - _now_ms(), 0) / 1000, _IDLE_SECONDS)

    def send_due(self) -> int:
        """Send every due pending row once; returns how many were tried."""
        now = _now_ms()
        rows = self._db.all(select(outbox).where(outbox.c.status == "pending", outbox.c.next_attempt_at <= now)
                            .order_by(outbox.c.period_end).limit(50))
        tried = 0
        for row in rows:
            if self._stop.is_set():
                break
            claimed = self._db.execute(
                outbox.update().where(outbox.c.id == row["id"], outbox.c.status == "pending",
                                      outbox.c.next_attempt_at == row["next_attempt_at"])
                .values(next_attempt_at=now + _LEASE_MS))
            if claimed:
                tried += 1
                self._attempt(row)
        return tried

    def _attempt(self, row: Any) -> None:
        try:
            push = self.store.open(row["push_id"])
        except NotFoundError:
            self._finish(row, "failed", None, "the push definition was deleted", None)
            return
        attempts = int(row["attempts"]) + 1
        payload = row["payload"]
        if payload is None:
            try:
                end_ms = int(row["period_end"])
                live = _now_ms() - end_ms <= ON_TIME_MS  # later, the live value is no longer the one at the end
                payload = self._render(push, int(row["period_start"]), end_ms, live=live)
            except RenderError as exc:
                self._retry(row, attempts, None, _redact(f"payload not rendered: {exc}", push), None)
                return
            except ValidationError as exc:
                self._finish(row, "failed", None, f"payload not rendered: {exc.code}: {exc.message}", None, attempts)
                return
        attempt = transport_for(push.view.target.url).deliver(push, payload, int(row["period_end"]))
        if attempt.delivered:
            self._finish(row, "delivered", attempt.response_code, None, payload, attempts)
        elif attempt.retry:
            self._retry(row, attempts, attempt.response_code, _redact(attempt.error or "not delivered", push), payload,
                        attempt.wait_seconds)
        else:
            self._finish(row, "failed", attempt.response_code, _redact(attempt.error or "not delivered", push), payload,
                         attempts)
        self._services.audit.record(
            method=attempt.audit_method, path=f"/api/runtime/pushes/{push.push_id}/deliveries/{row['id']}",
            status=attempt.audit_status, key_id=None, role=None, client="scheduler", job_id=None, via="scheduler",
        )

    def _retry(self, row: Any, attempts: int, code: int | None, error: str, payload: str | None,
               wait: int = 0) -> None:
        """Try again after the backoff, or after the target's Retry-After if that is longer (an hour at most)."""
        delay = min(max(BACKOFF_SECONDS * 2 ** min(attempts - 1, 20), wait), MAX_BACKOFF_SECONDS)
        logger.warning("push %s period ending %s: attempt %d failed (%s); next in %d s", row["push_id"],
                       format_ms(int(row["period_end"])), attempts, error, delay)
        self._db.execute(outbox.update().where(outbox.c.id == row["id"]).values(
            attempts=attempts, next_attempt_at=_now_ms() + delay * 1000, last_error=error, response_code=code,
            payload=payload))

    def _finish(self, row: Any, status: str, code: int | None, error: str | None, payload: str | None,
                attempts: int | None = None) -> None:
        if status == "failed":
            logger.warning("push %s period ending %s failed: %s", row["push_id"], format_ms(int(row["period_end"])),
                           error)
        self._db.execute(outbox.update().where(outbox.c.id == row["id"]).values(
            status=status, attempts=attempts if attempts is not None else int(row["attempts"]), response_code=code,
            last_error=error, payload=payload, delivered_at=utc_now() if status == "delivered" else None))

def outbox_of(services: Services) -> Outbox:
    """The app's outbox, made on first use."""
    outbox: Outbox | None = services.notes.get(_NOTE)
    # two first users may both build one (cheap, nothing started); setdefault keeps the first
    return outbox if outbox is not None else services.notes.setdefault(_NOTE, Outbox(services))


def start_pushes(services: Services) -> None:
    """At app start (scheduler running): schedule the enabled pushes and start delivering."""
    outbox = outbox_of(services)
    schedules = {}
    for push in outbox.store.list():
        if push.enabled:
            schedules[push.push_id] = push.schedule
    attach(services.scheduler, services, schedules, outbox.enqueue_due)
    outbox.start()


def stop_pushes(services: Services) -> None:
    """At app stop: end the delivery thread (pending rows stay for the next start)."""
    detach(services)
    outbox = services.notes.get(_NOTE)
    if outbox is not None:
        outbox.stop()
