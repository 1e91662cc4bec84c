"""Audit trail of every mutating call: who, from where, what, and how it ended.

Refusals a client can repeat without limit are counted, not written one row each: failed authentications
(401, and the 429 of an address past its failure budget) of any method, and a key's throttled (429) mutating
calls. The first such refusal of a client address (and key) with a status writes a row; later ones within
:data:`COUNT_WINDOW_S` of it add to that row's ``count`` and move its ``lastAt``. The row's method and path are
the first refusal's.

A mutating call's record is never silently lost: it is written before the call runs (:meth:`AuditLog.begin`; a
call whose record cannot be written is refused and does not run), and completed after the answer was sent
(:meth:`AuditLog.finish`). A completion the database refuses then (it went away, or the disk filled, during the
call) cannot change the answer any more: it is logged as an error, counted
(``engineering_api_audit_unfinished_total``) and kept, and written by the next audited call once the database
takes records again; until then the record says ``started``. docs/operations.md states the rule.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import bindparam, func, select

from engineering_api.backend.errors import DatabaseUnavailableError, InsufficientStorageError
from engineering_api.lib.db import Prepared
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.lib.segment_slash import shown_path
from engineering_api.lib.tables import audit

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from prometheus_client.metrics_core import Metric

    from engineering_api.lib.db import Database

__all__ = ("COUNT_WINDOW_S", "MAX_UNFINISHED", "NOT_WRITTEN", "STARTED", "AuditLog", "AuditPage", "AuditRecord",
           "audit_families")

COUNT_WINDOW_S = 60.0
"""How long one counted row takes further refusals of the same client, key and status."""
logger = logging.getLogger(__name__)
STARTED = "started"
"""The outcome of a record written before its call ran, while it runs or when its end could not be written."""
_INSERT = Prepared(audit.insert())
"""Prepared: compiled once and run on the driver's cursor (every audited request writes these)."""
_FINISH = Prepared(audit.update().where(audit.c.id == bindparam("record"))
                   .values(status=bindparam("status"), outcome=bindparam("outcome"), job_id=bindparam("job_id")))
_COUNT_ONE_MORE = Prepared(audit.update().where(audit.c.id == bindparam("record"))
                          .values(count=audit.c.count + 1, last_at=bindparam("last_at")))
"""Prepared too: a client without a valid key can send refusals as fast as it likes, each one counted."""
_MAX_OPEN_COUNTS = 10_000
"""Past this many open counted rows, the expired ones are forgotten (they stay in the table)."""
MAX_UNFINISHED = 10_000
"""Completions kept while the database refuses them; past this many the oldest is given up (its record stays
``started``, logged): a node cut off from its database for long must not grow without bound."""
NOT_WRITTEN = (DatabaseUnavailableError, InsufficientStorageError)
"""What :meth:`AuditLog.begin` raises when a change's record cannot be written (the database is away, or full):
every transport answers it as the error it is (REST 503 or 507, a tool's error result with the same code and
status), and the change does not run."""


class AuditRecord(CamelStruct):
    """One audited request."""

    id: int
    at: str
    method: str
    path: str
    status: int
    outcome: str
    key_id: str | None = None
    role: str | None = None
    client: str | None = None
    job_id: str | None = None
    via: str = "rest"
    """The transport: ``rest``, ``mcp`` or ``assistant`` (a tool call is recorded as method ``TOOL``, path = tool)."""
    session_id: str | None = None
    """The MCP session or assistant conversation the call came from."""
    count: int = 1
    """How many requests this record stands for: above 1 only for counted refusals (401, 429)."""
    last_at: str | None = None
    """When the last of the ``count`` requests came; set on counted refusals."""


class AuditPage(CamelStruct):
    """A page of records, newest first; pass ``nextBefore`` as ``before`` for the next page.

    ``total`` counts records (rows) matching the filters; a counted refusal is one record of ``count`` requests.
    """

    records: list[AuditRecord]
    total: int
    next_before: int | None = None


def outcome_for(status: int) -> str:
    """A word for the HTTP outcome."""
    if status < 400:
        return "accepted" if status == 202 else "succeeded"
    if status in (401, 403):
        return "denied"
    if status == 429:
        return "throttled"
    return "failed"


class AuditLog:
    """Append-only audit table."""

    def __init__(self, db: Database, clock: Callable[[], float] = time.monotonic) -> None:
        self._db = db
        self._clock = clock
        self._lock = threading.Lock()
        self._open_counts: dict[tuple[str | None, str | None, int], tuple[int, float]] = {}
        """(client, key id, status) -> (row id, monotonic time the row was written)."""
        self._unfinished: dict[int, dict[str, object]] = {}
        """Record id -> the completion the database refused, oldest first."""
        self.unfinished_total = 0
        """How many completions the database refused since the start (the metric)."""

    def record(
        self, *, method: str, path: str, status: int, key_id: str | None, role: str | None, client: str | None,
        job_id: str | None, via: str = "rest", session_id: str | None = None, outcome: str | None = None,
    ) -> None:
        """Append one record; ``outcome`` overrides the word derived from the status (e.g. ``dry run``)."""
        self._db.insert(_INSERT, {
            "at": utc_now(), "key_id": key_id, "role": role, "client": client, "method": method,
            "path": shown_path(path), "status": status, "outcome": outcome or outcome_for(status), "job_id": job_id,
            "via": via, "session_id": session_id})

    def record_refusal(
        self, *, method: str, path: str, status: int, key_id: str | None, role: str | None, client: str | None,
        job_id: str | None = None, via: str = "rest", session_id: str | None = None, outcome: str | None = None,
    ) -> None:
        """Append the record of a refused call, already answered: it changed nothing, so a database that cannot
        take the record (away, or full) loses only the record (logged), never the answer."""
        try:
            self.record(method=method, path=path, status=status, key_id=key_id, role=role, client=client,
                        job_id=job_id, via=via, session_id=session_id, outcome=outcome)
        except NOT_WRITTEN as exc:
            _not_written("audit record", method, path, status, exc)

    def begin(
        self, *, method: str, path: str, key_id: str | None, role: str | None, client: str | None,
        via: str = "rest", session_id: str | None = None,
    ) -> int:
        """Write the record of a change before it runs (outcome :data:`STARTED`, status 0); returns its id for
        :meth:`finish`. A change must not run when this raises: it would have no audit record.

        Raises:
            InsufficientStorageError: the record could not be written (a full disk); the message says the call
                was not run.
            DatabaseUnavailableError: the database cannot be reached (or was lost while the record was written);
                the message says the call was not run.
        """
        values = {"at": utc_now(), "key_id": key_id, "role": role, "client": client, "method": method,
                  "path": shown_path(path), "status": 0, "outcome": STARTED, "via": via}
        if session_id is not None:  # else NULL, as job_id: sqlite3 adapts a None it is given (two exceptions made
            values["session_id"] = session_id  # and cleared, ~2,000 instructions each); a REST call has neither
        try:
            record_id = self._db.insert(_INSERT, values)
        except NOT_WRITTEN as exc:  # the database's words ("may not have been recorded") are about the record
            raise type(exc)(f"The call was not run: its audit record could not be written. {exc.message}",
                            code=exc.code, details=exc.details) from exc
        if self._unfinished:  # the database takes records again
            self._complete_unfinished()
        return record_id

    def finish(self, record_id: int, *, status: int, job_id: str | None, outcome: str | None = None,
               call: str = "") -> None:
        """Complete a record written by :meth:`begin` with how the call ended (``call``: its method and path, for
        the log). Never raises: the answer has been sent. A completion the database refuses is logged, counted and
        kept for the next audited call (the module's rule); the record says :data:`STARTED` meanwhile."""
        values = {"record": record_id, "status": status, "outcome": outcome or outcome_for(status), "job_id": job_id}
        try:
            self._db.execute(_FINISH, values)
        except NOT_WRITTEN as exc:
            self._keep(record_id, values, f"{call or 'call'}: {exc.message}")
        except Exception:  # a defect: nothing would see an exception raised after the answer
            logger.exception("audit record %s of %s could not be completed", record_id, call or "a call")
            self._keep(record_id, values, "an unexpected error")

    def _keep(self, record_id: int, values: dict[str, object], why: str) -> None:
        with self._lock:
            self.unfinished_total += 1
            if len(self._unfinished) >= MAX_UNFINISHED:
                given_up = next(iter(self._unfinished))
                del self._unfinished[given_up]
                logger.error("audit record %s stays 'started': more than %d completions wait for the database",
                             given_up, MAX_UNFINISHED)
            self._unfinished[record_id] = values
        logger.error("audit record %s could not be completed (%s); it says 'started' until the database takes it",
                     record_id, why)

    def _complete_unfinished(self) -> None:
        """Write the kept completions, oldest first; stop at the first the database refuses again."""
        with self._lock:
            waiting = list(self._unfinished.items())
        for record_id, values in waiting:
            try:
                self._db.execute(_FINISH, values)
            except NOT_WRITTEN:
                return
            with self._lock:
                self._unfinished.pop(record_id, None)
            logger.warning("audit record %s completed after the database came back", record_id)

    @property
    def unfinished(self) -> int:
        """How many completions wait for the database now."""
        return len(self._unfinished)

    def count_refusal(
        self, *, method: str, path: str, status: int, key_id: str | None, role: str | None, client: str | None
    ) -> None:
        """Count a refusal: a new row for the first of a client, key and status in a window, else ``count + 1``.

        A refusal changed nothing, so on a full disk only its count is lost (logged), never the answer."""
        try:
            self._count(method=method, path=path, status=status, key_id=key_id, role=role, client=client)
        except NOT_WRITTEN as exc:
            _not_written("count", method, path, status, exc)

    def _count(
        self, *, method: str, path: str, status: int, key_id: str | None, role: str | None, client: str | None
    ) -> None:
        now = self._clock()
        slot = (client, key_id, status)
        with self._lock:
            current = self._open_counts.get(slot)
            if current is not None and now - current[1] < COUNT_WINDOW_S:
                self._db.execute(_COUNT_ONE_MORE, {"record": current[0], "last_at": utc_now()})
                return
            if len(self._open_counts) >= _MAX_OPEN_COUNTS:
                self._open_counts = {k: v for k, v in self._open_counts.items() if now - v[1] < COUNT_WINDOW_S}
            at = utc_now()
            row_id = self._db.insert(_INSERT, {
                "at": at, "key_id": key_id, "role": role, "client": client, "method": method, "path": shown_path(path),
                "status": status, "outcome": outcome_for(status), "count": 1, "last_at": at})
            self._open_counts[slot] = (row_id, now)

    def page(
        self, *, limit: int = 100, before: int | None = None, key_id: str | None = None, path_prefix: str | None = None,
        outcome: str | None = None,
    ) -> AuditPage:
        """Records newest first, optionally filtered."""
        c = audit.c
        where = []
        if key_id:
            where.append(c.key_id == key_id)
        if path_prefix:
            where.append(c.path.startswith(path_prefix, autoescape=True))
        if outcome:
            where.append(c.outcome == outcome)
        total_row = self._db.one(select(func.count().label("n")).select_from(audit).where(*where))
        if before is not None:
            where.append(c.id < before)
        rows = self._db.all(select(audit).where(*where).order_by(c.id.desc()).limit(limit + 1))
        records = [AuditRecord(**dict(row)) for row in rows[:limit]]
        next_before = records[-1].id if len(rows) > limit and records else None
        return AuditPage(records=records, total=int(total_row["n"]) if total_row else 0, next_before=next_before)



def _not_written(what: str, method: str, path: str, status: int,
                 exc: DatabaseUnavailableError | InsufficientStorageError) -> None:
    """Log the record of a refusal that the database could not take as lost (a refusal changed nothing: its answer
    stands). Formatted only then: every refusal passes here when the database takes nothing."""
    logger.warning("%s of the refused %s %s (%s) not written: %s", what, method, path, status, exc.message)


def audit_families(audit_of: Callable[[], AuditLog]) -> Callable[[], Iterator[Metric]]:
    """The figures of the audit ``audit_of()`` gives at each scrape, for ``/metrics``
    (:meth:`engineering_api.lib.metrics.Metrics.add_scraped`)."""

    def read() -> Iterator[Metric]:
        audit = audit_of()
        yield CounterMetricFamily("engineering_api_audit_unfinished", "Audit records whose completion the database "
                                  "refused after the call was answered", value=audit.unfinished_total)
        yield GaugeMetricFamily("engineering_api_audit_unfinished_waiting", "Audit record completions kept until "
                                "the database takes them", value=audit.unfinished)

    return read
