"""A job's record as clients read it, and its store: the row each job keeps in the service database.

Status values are T-IA Connect's: Pending, Running, Completed, Failed, Canceled. Every statement that reads or writes a
job's row is here (:class:`JobStore`); which record is the truth for a job still running, its live one or its row, is
the manager's to say (:meth:`~engineering_api.jobs.manager.JobManager.get`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

import msgspec
from sqlalchemy import bindparam, func, select

from engineering_api.lib.db import Prepared
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.lib.tables import ROWID, jobs

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy import ColumnElement

    from engineering_api.lib.db import Database

__all__ = ("TERMINAL", "JobError", "JobRecord", "JobStatus", "JobStore", "error_fields", "record_of")

# Prepared: compiled once, run on the driver's cursor (every job writes and reads these).
_INSERT = Prepared(jobs.insert())
_PERSIST = Prepared(jobs.update().where(jobs.c.job_id == bindparam("id")).values(
    {name: bindparam(name) for name in ("status", "progress", "message", "result", "error", "started_at",
                                        "completed_at")}))
_BY_ID = Prepared(select(jobs).where(jobs.c.job_id == bindparam("id")))
_UNFINISHED = ("Pending", "Running")

JobStatus = Literal["Pending", "Running", "Completed", "Failed", "Canceled"]
TERMINAL: frozenset[str] = frozenset({"Completed", "Failed", "Canceled"})


class JobError(CamelStruct):
    """Why a job failed: the same code and status an inline call would have answered (stored form)."""

    code: str
    message: str
    status: int
    details: dict[str, Any] | None = None


class JobRecord(CamelStruct):
    """A job as T-IA Connect clients read it.

    ``error`` is the message text, because that client shows ``Error`` as it is; the machine code,
    HTTP status and details sit beside it.
    """

    job_id: str
    operation: str
    status: JobStatus
    progress: int
    message: str
    created_at: str
    result: Any = None
    error: str | None = None
    error_code: str | None = None
    error_status: int | None = None
    error_details: dict[str, Any] | None = None
    started_at: str | None = None
    completed_at: str | None = None
    request_id: str | None = None
    """The ``X-Request-ID`` of the request that started the job (docs/operations.md)."""

    @property
    def terminal(self) -> bool:
        """Whether the job has ended."""
        return self.status in TERMINAL

    @property
    def failure(self) -> JobError | None:
        """The error as one value, or None."""
        if self.error_code is None:
            return None
        return JobError(
            code=self.error_code, message=self.error or "", status=self.error_status or 500, details=self.error_details
        )


def error_fields(error: JobError | None) -> dict[str, Any]:
    """A record's error fields for ``error`` (all None without one)."""
    if error is None:
        return {"error": None, "error_code": None, "error_status": None, "error_details": None}
    return {
        "error": error.message, "error_code": error.code, "error_status": error.status, "error_details": error.details,
    }


def record_of(row: Any) -> JobRecord:
    """A job as its row holds it."""
    return JobRecord(
        job_id=row["job_id"],
        operation=row["operation"],
        status=row["status"],
        progress=row["progress"],
        message=row["message"],
        created_at=row["created_at"],
        result=msgspec.json.decode(row["result"]) if row["result"] else None,
        **error_fields(msgspec.json.decode(row["error"], type=JobError) if row["error"] else None),
        started_at=row["started_at"],
        completed_at=row["completed_at"],
        request_id=row["request_id"],
    )


class JobStore:
    """The jobs' rows: a job's row is written as it is accepted, as it starts, as its progress is due and as it ends,
    and read back once no process supervises it."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def insert(self, values: dict[str, Any]) -> None:
        """Write a new job's row (``values`` by column)."""
        self._db.execute(_INSERT, values)

    def persist(self, record: JobRecord) -> str | None:
        """Write ``record`` over its row; returns the result as the row holds it (JSON), None without one."""
        result = msgspec.json.encode(record.result).decode() if record.result is not None else None
        self._db.execute(_PERSIST, {
            "id": record.job_id, "status": record.status, "progress": record.progress, "message": record.message,
            "result": result,
            "error": msgspec.json.encode(record.failure).decode() if record.failure is not None else None,
            "started_at": record.started_at, "completed_at": record.completed_at})
        return result

    def read(self, job_id: str) -> JobRecord | None:
        """A job as its row holds it; None without one (unknown, or already swept)."""
        row = self._db.one(_BY_ID, {"id": job_id})
        return None if row is None else record_of(row)

    def keyed(self, key_id: str | None, idempotency_key: str) -> Any:
        """The job a caller's key started with ``idempotency_key`` (its id, operation and input as stored), or None."""
        return self._db.one(select(jobs.c.job_id, jobs.c.operation, jobs.c.input).where(
            jobs.c.key_id.is_not_distinct_from(key_id), jobs.c.idempotency_key == idempotency_key))

    def page(self, where: Iterable[ColumnElement[bool]], *, limit: int, offset: int) -> tuple[list[Any], int]:
        """The rows ``where`` selects, newest first, with their total count."""
        total = self._db.one(select(func.count().label("n")).select_from(jobs).where(*where))
        rows = self._db.all(select(jobs).where(*where).order_by(jobs.c.created_at.desc(), ROWID.desc())
                            .limit(limit).offset(offset))
        return rows, int(total["n"]) if total else 0

    def fail_unfinished(self, only: list[str] | None, reads: list[str], *, message: str, interrupted: JobError,
                        unknown: JobError) -> int:
        """Fail the jobs left Pending or Running (``only``: just these): ``unknown`` for one that was Running an
        operation not in ``reads``, ``interrupted`` for the others; returns how many."""
        unfinished = jobs.c.status.in_(_UNFINISHED)
        which = unfinished if only is None else unfinished & jobs.c.job_id.in_(only)
        ended = {"status": "Failed", "message": message, "completed_at": utc_now()}
        count = self._db.execute(jobs.update().where(which, jobs.c.status == "Running", jobs.c.operation.not_in(reads))
                                 .values(**ended, error=msgspec.json.encode(unknown).decode()))
        return count + self._db.execute(jobs.update().where(which).values(
            **ended, error=msgspec.json.encode(interrupted).decode()))

    def unfinished(self) -> list[str]:
        """Every job the database holds as Pending or Running, whichever process runs it."""
        rows = self._db.all(select(jobs.c.job_id).where(jobs.c.status.in_(_UNFINISHED)))
        return [row["job_id"] for row in rows]

    def settle(self, job_id: str, status: JobStatus, message: str, *, result: Any, error: JobError | None) -> None:
        """Write the state of a job no process supervises. Running is written only over an unfinished job: a job
        another node ended meanwhile stays ended."""
        which = jobs.c.job_id == job_id
        if status not in TERMINAL:
            which = which & jobs.c.status.in_(_UNFINISHED)
        self._db.execute(jobs.update().where(which).values(
            status=status, message=message, result=msgspec.json.encode(result).decode() if result is not None else None,
            error=msgspec.json.encode(error).decode() if error is not None else None,
            completed_at=utc_now() if status in TERMINAL else None))

    def sweep(self, retention_hours: float) -> int:
        """Delete finished jobs older than ``retention_hours``; returns how many."""
        cutoff = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=retention_hours)
                  ).isoformat(timespec="milliseconds")
        cutoff = cutoff.replace("+00:00", "Z")
        return self._db.execute(jobs.delete().where(jobs.c.status.in_(("Completed", "Failed", "Canceled")),
                                                    jobs.c.completed_at < cutoff))
