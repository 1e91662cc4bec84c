"""Runs operations on the TIA worker and keeps their jobs in the service database: :class:`JobManager`, what the
routes, the console, the farm and the app call.

Built of a job's record and its store (:mod:`.records`), the runner that queues and supervises jobs (:mod:`.runner`)
and the inline fast path (:mod:`.inline`); here a job is accepted (an idempotency key seen before returns its job),
read, waited for, followed, canceled, and failed or swept as a restart or the retention says.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import uuid
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.backend.errors import ConflictError, NotFoundError, OperationTimeoutError, ValidationError
from engineering_api.errors import codes
from engineering_api.jobs.inline import InlineCalls
from engineering_api.jobs.input_checks import refuse_unstorable_input
from engineering_api.jobs.records import JobError, JobRecord, record_of
from engineering_api.jobs.runner import DETACHED_POLL_SECONDS
from engineering_api.lib.observability import current_request_id
from engineering_api.lib.redact import redacted_json
from engineering_api.lib.schema import utc_now
from engineering_api.lib.tables import jobs

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from sqlalchemy import ColumnElement

    from engineering_api.jobs.operations import Operation
    from engineering_api.jobs.records import JobStatus
    from engineering_api.lib.security import Principal

__all__ = ("JobManager",)

_INTERRUPTED = "interrupted by restart"


class JobManager(InlineCalls):
    """Starts, tracks, cancels and sweeps jobs."""

    async def start(
        self, operation: Operation[Any, Any], data: Any, *, principal: Principal | None, idempotency_key: str | None,
        waited: bool = False,
    ) -> JobRecord:
        """Record a Pending job and queue it; an idempotency key seen before returns that job.

        ``waited``: the caller waits for the job's end before it answers (a ``-sync`` call). A job that may then run
        on the event loop's thread does (:meth:`_run_here`), and the record returned has ended, its result as its row
        holds it (:meth:`wait` with ``stored``).

        Raises:
            ValidationError: the key was used before for another operation or other input; ``UNSTORABLE_CHARACTER``: a
                text of a change's input cannot be stored in the project.
        """
        refuse_unstorable_input(operation, data)
        key_id = principal.key_id if principal else None
        # Secrets (a download's CPU password) are never stored: the recorded input has them replaced.
        encoded_input = redacted_json(data) if data is not None else None
        if idempotency_key:
            row = self._store.keyed(key_id, idempotency_key)
            if row is not None:
                if row["operation"] != operation.name or row["input"] != encoded_input:
                    raise ValidationError(
                        f"Idempotency-Key {idempotency_key!r} was already used for a different request "
                        f"({row['operation']}); use a new key for a new request.",
                        code=codes.IDEMPOTENCY_KEY_REUSED,
                    )
                return self.get(row["job_id"])
        record = JobRecord(
            job_id=uuid.uuid4().hex, operation=operation.name, status="Pending", progress=0,
            message="queued", created_at=utc_now(), request_id=current_request_id.get(),
        )
        values = {"job_id": record.job_id, "operation": record.operation, "status": record.status, "progress": 0,
                  "message": record.message, "input": encoded_input, "created_at": record.created_at,
                  "key_id": key_id, "idempotency_key": idempotency_key, "request_id": record.request_id}
        if waited and self._may_run_here(operation):
            ended = self._run_here(operation, data, record, values, principal)
            if ended is not None:
                return ended
        self._queue(operation, data, record, values, principal, self._counted_run)
        return record

    # ----- reading ---------------------------------------------------------------------------
    def get(self, job_id: str) -> JobRecord:
        """A job by id.

        Raises:
            NotFoundError: unknown (or already swept) job.
        """
        live = self._live.get(job_id)
        if live is not None:
            return live.record
        record = self._store.read(job_id)
        if record is None:
            raise NotFoundError(f"no job with id {job_id!r}", code=codes.JOB_NOT_FOUND)
        return record

    def list(
        self, *, status: str | None = None, operation: str | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[list[JobRecord], int]:
        """Jobs newest first, filtered, with the total count."""
        where = []
        if status:
            where.append(self._status_is(status))
        if operation:
            where.append(jobs.c.operation == operation)
        rows, total = self._store.page(where, limit=limit, offset=offset)
        return [self._live[r["job_id"]].record if r["job_id"] in self._live else record_of(r) for r in rows], total

    def live_records(self) -> dict[str, JobRecord]:
        """This process's unended jobs by id, each as its live record holds it: the truth for their status, which
        their rows may not show yet (progress is written after :data:`PROGRESS_WRITE_DELAY_SECONDS`, a start just
        before the operation runs). Whoever counts or filters jobs by status reads these over the rows
        (:meth:`list`, the metrics' job counts)."""
        return {job_id: live.record for job_id, live in self._live.items()}

    def _status_is(self, status: str) -> ColumnElement[bool]:
        """The jobs whose status is ``status``: a job of this process by its live record (:meth:`live_records`),
        the others by their rows."""
        condition: ColumnElement[bool] = jobs.c.status == status
        live = self.live_records()
        if not live:
            return condition
        others = [job_id for job_id, record in live.items() if record.status != status]
        matching = [job_id for job_id, record in live.items() if record.status == status]
        if others:
            condition = condition & jobs.c.job_id.not_in(others)
        if matching:
            condition = condition | jobs.c.job_id.in_(matching)
        return condition

    async def wait(self, job_id: str, timeout: float | None = None, *, stored: bool = False) -> JobRecord:
        """Wait until the job ends (or ``timeout`` passes) and return it as its record holds it (a result in its
        JSON form, as :meth:`get` reads it back once the job is no longer live). ``stored``: a result of a job of
        this process is that JSON itself (:class:`msgspec.Raw`), for an answer that sends it as it is."""
        live = self._live.get(job_id)
        try:
            await asyncio.wait_for(self._ended(job_id), timeout)
        except asyncio.TimeoutError:
            raise OperationTimeoutError(f"job {job_id} is still running", details={"jobId": job_id}) from None
        # A job live here when the wait began has ended by its event (_ended): its record is the one written.
        if live is None or live.record.status != "Completed":  # a failure's details are read back as stored too
            return self.get(job_id)
        # A job of this process completed and its row was written from live.record: it is not read back (a -sync
        # call waits here for every job it runs); the result takes the JSON form the row holds.
        if live.result_json is None:
            return live.record
        return msgspec.structs.replace(live.record, result=msgspec.Raw(live.result_json) if stored
                                       else msgspec.json.decode(live.result_json))

    async def _ended(self, job_id: str) -> None:
        """Returns once the job has ended: a job of this process by its event; one no process supervises (a farm
        re-attached it after a restart, :meth:`settle_detached`) by its record, as it is settled from outside."""
        live = self._live.get(job_id)
        if live is not None:
            await live.done.wait()
            return
        while not self.get(job_id).terminal:
            await asyncio.sleep(DETACHED_POLL_SECONDS)

    async def settled(self, job_id: str, timeout: float) -> JobRecord:
        """The job once it has ended, or as it is after ``timeout`` seconds (a long poll: it never raises for the
        time).

        Raises:
            NotFoundError: unknown (or already swept) job.
        """
        live = self._live.get(job_id)
        if live is not None:  # a job of this process: its record as it ended (the one written), not read back
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(live.done.wait(), timeout)
            return live.record
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._ended(job_id), timeout)
        return self.get(job_id)

    async def events(self, job_id: str) -> AsyncIterator[JobRecord]:
        """Every state change of a job, starting with its current state, until it ends."""
        record = self.get(job_id)
        yield record
        live = self._live.get(job_id)
        last = (record.status, record.progress, record.message)
        if live is not None:
            live.followers += 1  # from here on its progress wakes the loop (_progressed)
            try:
                while not (now := live.record).terminal:
                    if (now.status, now.progress, now.message) != last:  # a start marked before it was followed
                        last = (now.status, now.progress, now.message)
                        yield now
                        continue
                    # nothing runs between the check above and this wait: no change is missed
                    await live.changed.wait()
            finally:
                live.followers -= 1
        final = self.get(job_id)
        if (final.status, final.progress, final.message) != last:
            yield final

    # ----- control ---------------------------------------------------------------------------
    def cancel(self, job_id: str) -> JobRecord:
        """Ask a job to stop: a queued job is canceled at once, a running one at its next check.

        Raises:
            NotFoundError: unknown job.
            ConflictError: the job has already ended.
        """
        record = self.get(job_id)
        live = self._live.get(job_id)
        if record.terminal or live is None:
            raise ConflictError(f"job {job_id} has already ended ({record.status})", code=codes.JOB_FINISHED)
        return self._request_cancel(live)

    def fail_interrupted(self, only: builtins.list[str] | None = None) -> int:
        """At start-up and at a stop: jobs left Pending or Running can never finish here. ``only``: just these
        jobs, if unfinished.

        Each is failed with what is known of it. A job still Pending never ran (its start is written before its
        operation runs, :meth:`_progressed`), and one whose operation changes nothing (a read) changed nothing:
        ``INTERRUPTED``. One that ran an operation that changes the project on this node's own adapter may have
        changed it before the stop: ``OUTCOME_UNKNOWN``, as a pipeline's step that was running is settled
        (domain/pipelines/recovery.py). A farm node never fails its jobs so: their calls may still run on agents,
        and each is finished by its journal (farm/failover.py, farm/reattach.py)."""
        if only is not None and not only:
            return 0
        # the cause a farm's node gives a job its stopped node left (farm/reattach.py): one shape for one fault
        cause = {"cause": "API_NODE_STOPPED"}
        interrupted = JobError(code=codes.INTERRUPTED, message=_INTERRUPTED, status=503, details=cause)
        unknown = JobError(code=codes.OUTCOME_UNKNOWN,
                           message=f"{_INTERRUPTED} after it started: it may have changed the "
                           "project before the stop; check its effect before retrying", status=503, details=cause)
        reads = [operation.name for operation in self.operations or () if not operation.mutating]
        return self._store.fail_unfinished(only, reads, message=_INTERRUPTED, interrupted=interrupted, unknown=unknown)

    def unfinished(self) -> builtins.list[str]:
        """Every job the database holds as Pending or Running, whichever process runs it."""
        return self._store.unfinished()

    def supervised(self) -> builtins.list[str]:
        """The jobs this process runs (started here and not ended): its share of a database several nodes use."""
        return builtins.list(self._live)

    def end_written(self, job_id: str) -> bool:
        """Whether the job's end is on record: ended, and no longer supervised here (:meth:`_finish` writes the
        end before it lets the job go; its live record says ended a moment before that)."""
        if job_id in self._live:
            return False
        try:
            return self.get(job_id).terminal
        except NotFoundError:  # swept meanwhile
            return True

    def settle_detached(self, job_id: str, status: JobStatus, message: str, *, result: Any = None,
                        error: JobError | None = None) -> None:
        """Set the state of a job no process supervises any more (re-attached by a farm after a restart). Running is
        written only over an unfinished job: a job another node ended meanwhile stays ended."""
        self._store.settle(job_id, status, message, result=result, error=error)
        if self._ends_kept.pop(job_id, None) is not None:  # its end the database refused is superseded by this
            self._live.pop(job_id, None)

    def sweep(self, retention_hours: float | None = None) -> int:
        """Delete finished jobs older than the retention; returns how many."""
        return self._store.sweep(self.settings.job_retention_hours if retention_hours is None else retention_hours)
