"""The job runner: a job queued on the TIA worker, supervised to its end (its timeout, a cancel request), its progress
reported to whoever follows it and written to its row when due.

:class:`JobRunner` holds what every job of this process shares (its live records, the worker, the listeners); the
inline fast path (:mod:`.inline`) and the manager (:mod:`.manager`) are built on it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.backend.errors import (
    DatabaseUnavailableError,
    EngineeringError,
    InsufficientStorageError,
    OperationCanceledError,
    is_storage_full,
)
from engineering_api.errors import codes
from engineering_api.jobs.input_checks import confine_files, refuse_project_targets
from engineering_api.jobs.operations import OperationContext
from engineering_api.jobs.records import JobError, JobStore, error_fields
from engineering_api.lib.caller import current_job
from engineering_api.lib.db import KeyValueStore
from engineering_api.lib.observability import current_request_id
from engineering_api.lib.responses import status_for
from engineering_api.lib.schema import utc_now
from engineering_api.lib.tracing import REQUEST_ID_ATTRIBUTE, Tracing

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.port import EngineeringBackend
    from engineering_api.backend.worker import CallHandle, TiaWorker
    from engineering_api.config import Settings
    from engineering_api.jobs.operations import Operation, OperationRegistry, SnapshotTaker
    from engineering_api.jobs.records import JobRecord, JobStatus
    from engineering_api.lib.db import Database
    from engineering_api.lib.paths import PathPolicy
    from engineering_api.lib.security import Principal

__all__ = ("DETACHED_POLL_SECONDS", "PROGRESS_WRITE_DELAY_SECONDS", "JobRunner", "LiveJob", "described", "error_of")

logger = logging.getLogger(__name__)

DETACHED_POLL_SECONDS = 0.25
"""How often a wait on a job no process supervises (re-attached by a farm) looks at its record."""
PROGRESS_WRITE_DELAY_SECONDS = DETACHED_POLL_SECONDS
"""How long a running job's progress may wait before its record is written: the progress of that time is written
once, as it then stands, and a job that ends before is written once, as it ended. This process answers from the
job's live record, so the delay shows only to another node reading the database, which looks this often
(:data:`DETACHED_POLL_SECONDS`). The start is not delayed: the worker writes it before the operation runs
(:meth:`JobRunner._progressed`), so a row still Pending after the process died is a job that never ran, and a restart
fails it with no start time (:meth:`~engineering_api.jobs.manager.JobManager.fail_interrupted`)."""


@dataclass(eq=False)
class LiveJob:
    """A job this process supervises, from its acceptance until its end is written."""

    record: JobRecord
    context: OperationContext
    done: asyncio.Event = field(default_factory=asyncio.Event)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    """Set at its next change (:meth:`JobRunner._notify`, which puts a new one in its place for the change after):
    no lock and no task per change, which a condition would take even with nobody watching."""
    handle: CallHandle[Any] | None = None
    task: asyncio.Task[None] | None = None
    accepted: float = field(default_factory=time.monotonic)
    running_since: float | None = None
    """When it left the queue (monotonic), for the metrics' queue wait and run time."""
    trace_context: Any = None
    """The trace context of the request that started it (tracing on): the job's span is its child."""
    loop: asyncio.AbstractEventLoop | None = None
    """The event loop that supervises it; None once :meth:`JobRunner.shutdown` stopped supervising it (set under the
    record lock: a job still queued then never starts, :meth:`JobRunner._progressed`)."""
    unwritten: asyncio.TimerHandle | None = None
    """The pending write of its progress (:data:`PROGRESS_WRITE_DELAY_SECONDS`), None when none is due."""
    written: JobRecord | None = None
    """The record as its row was last written while it ran (its start, then its progress): a change wakes no write
    of a row that holds it already."""
    followers: int = 0
    """How many follow it (:meth:`~engineering_api.jobs.manager.JobManager.events`): only then does its start wake
    the event loop."""
    result_json: str | None = None
    """The result as its record stores it (JSON), once it completed."""
    here: bool = False
    """It runs on the event loop's thread (:meth:`.inline.InlineCalls._run_here`): nothing runs there until it ends, so
    no change of it wakes the loop and its progress is not written before its end."""


def described(operation: Operation[Any, Any], record: JobRecord) -> str:
    """The job as its run is named to the worker and in the errors of its run: "<operation> (job <id>)"."""
    return f"{operation.name} (job {record.job_id})"


def error_of(exc: BaseException, job_id: str) -> JobError:
    """Why a job failed, as its record stores it: ``exc``'s code and status, or an internal error."""
    if not isinstance(exc, EngineeringError) and is_storage_full(exc):
        exc = InsufficientStorageError.at(getattr(exc, "filename", None))
    if isinstance(exc, EngineeringError):
        return JobError(code=exc.code, message=exc.message, status=status_for(exc), details=exc.details or None)
    # As for inline calls: the cause goes to the log, not to the client (it may name server paths).
    logger.error("job %s failed unexpectedly", job_id, exc_info=exc)
    return JobError(code=codes.INTERNAL_ERROR, message="Internal server error; see the server log", status=500)


class JobRunner:
    """Queues jobs on the worker and supervises them to their end."""

    def __init__(
        self, db: Database, worker: TiaWorker, backend: EngineeringBackend, settings: Settings, paths: PathPolicy
    ) -> None:
        self._store = JobStore(db)
        self._worker = worker
        self._backend = backend
        self.settings = settings
        self._paths = paths
        self._live: dict[str, LiveJob] = {}
        self._ends_kept: dict[str, LiveJob] = {}
        """Jobs that ended and whose end the database refused (:meth:`_write_end`), in the order they ended."""
        self._record_lock = threading.Lock()
        """Held to replace a live record from the worker thread (its start) or against it (a cancel request)."""
        self.state = KeyValueStore(db, prefix="state:")
        self.snapshots: SnapshotTaker | None = None
        """Set by the app when history is enabled; called before operations that declare targets."""
        self.operations: OperationRegistry | None = None
        """Set by the app: a job may run other operations (a pipeline's steps)."""
        self._started_listeners: list[Callable[[JobRecord], None]] = []
        self._ended_listeners: list[Callable[[JobRecord, float, float], None]] = []
        self.tracing = Tracing.OFF
        """Set by the app when tracing is on: each job runs in a span of its own."""

    # ----- running ---------------------------------------------------------------------------
    def on_started(self, listener: Callable[[JobRecord], None]) -> Callable[[], None]:
        """Call ``listener`` (on the event loop) with each job as it is accepted; returns the unsubscribe call.
        A listener follows the job with :meth:`events`, which replays its current state first."""
        self._started_listeners.append(listener)
        return lambda: self._started_listeners.remove(listener) if listener in self._started_listeners else None

    def on_ended(self, listener: Callable[[JobRecord, float, float], None]) -> None:
        """Call ``listener`` (on the event loop) with each job as it ends, the seconds it waited in the queue and
        the seconds it ran (0 for a job canceled before it ran): the metrics' job durations."""
        self._ended_listeners.append(listener)

    def _context(self) -> OperationContext:
        context = OperationContext(self._backend, self.settings, self._paths, state=self.state)
        context.operations = self.operations
        return context

    def _queue(self, operation: Operation[Any, Any], data: Any, record: JobRecord, values: dict[str, Any],
               principal: Principal | None, run: Callable[[Operation[Any, Any], LiveJob, Any], Any]) -> None:
        """Write the Pending job's row (``values``) and queue its ``run`` on the worker, supervised to its end."""
        self._store.insert(values)
        loop = asyncio.get_running_loop()
        live = self._live_job(record, principal, loop=loop)
        # Its progress is written when due, if it has not ended by then; its start is written by the worker as it
        # marks it Running (:meth:`_progressed`).
        live.unwritten = loop.call_later(PROGRESS_WRITE_DELAY_SECONDS, self._write_progress, live)
        self._live[record.job_id] = live
        live.handle = self._worker.submit(
            lambda: run(operation, live, data), description=described(operation, record), token=live.context.token,
        )
        live.task = asyncio.create_task(self._supervise(live, operation))
        for listener in list(self._started_listeners):
            try:
                listener(record)
            except Exception:  # a listener (push) must not fail the request that started the job
                logger.exception("job listener failed for job %s", record.job_id)

    def _live_job(self, record: JobRecord, principal: Principal | None, *,
                  loop: asyncio.AbstractEventLoop | None = None, here: bool = False) -> LiveJob:
        """A job's live state as it is about to run: the context its operation runs with reports its progress
        (:meth:`_progressed`), names its caller and its id, and runs the operations it nests (:meth:`_run_nested`)."""
        live = LiveJob(record=record, context=self._context(), trace_context=self.tracing.context(), loop=loop,
                       here=here)
        context = live.context
        context.on_progress = functools.partial(self._progressed, live)
        context.principal, context.job_id = principal, record.job_id
        context.run_nested = self._run_nested
        return live

    def _execute(self, live: LiveJob, operation: Operation[Any, Any], data: Any) -> Any:
        # On the worker thread (or the loop's, :meth:`.inline.InlineCalls._run_here`): the job is Running from here on.
        live.context.progress(0, "running")
        live.context.check_canceled()
        job = current_job.set(live.record.job_id)
        request = current_request_id.set(live.record.request_id)  # the job's log records name its request
        try:
            if not self.tracing.enabled:  # no span to open: not even the context manager's generator
                return self._handle(operation, live.context, data)
            with self.tracing.span(f"job {operation.name}", {REQUEST_ID_ATTRIBUTE: live.record.request_id,
                                                             "engineering_api.job_id": live.record.job_id},
                                   live.trace_context):
                return self._handle(operation, live.context, data)
        finally:
            current_request_id.reset(request)
            current_job.reset(job)

    def _handle(self, operation: Operation[Any, Any], context: OperationContext, data: Any) -> Any:
        # On the worker thread, so the snapshot and the change see the same state.
        refuse_project_targets(operation, data, self._backend)
        if operation.snapshot_targets is not None and self.snapshots is not None:
            self.snapshots.before_change(context, operation.snapshot_targets(data), operation.name)
        return operation.handler(context, data)

    def _run_nested(self, operation: Operation[Any, Any], context: OperationContext, data: Any) -> Any:
        # On the worker thread, inside a running job: the checks its route would make, then the handler.
        return self._handle(operation, context, confine_files(operation, data, self._paths))

    async def _supervise(self, live: LiveJob, operation: Operation[Any, Any]) -> None:
        assert live.handle is not None
        try:
            result = await self._worker.wait(live.handle, timeout=self.settings.job_timeout_seconds)
        except OperationCanceledError as exc:
            self._finish(live, "Canceled", message=exc.message, error=error_of(exc, live.record.job_id))
        except Exception as exc:
            error = error_of(exc, live.record.job_id)
            self._finish(live, "Failed", message=error.message, error=error)
        else:
            self._finish(live, "Completed", message="completed", result=msgspec.to_builtins(result))

    def _progressed(self, live: LiveJob, percent: int, message: str) -> None:
        """The job's progress, on the thread that runs it (the worker), its start included (``progress(0,
        "running")``): the live record is replaced here, and the event loop is woken only for who follows the job or
        for a write of its progress that is due. A job that ends quickly, unwatched, costs the loop no turn of its own
        before its end (each turn is a hop from this thread and a wait for the interpreter lock while the job runs),
        and a long one no turn per report.

        The start is written here, before the operation runs: a process that dies at any later moment leaves the row
        Running with its start time, and one that dies before leaves it Pending, a job that never ran. The record
        lock is held over the write, so an end (:meth:`_finish`, which takes the lock first) is written after it, and
        so is a stop (:meth:`shutdown`): a job the worker took after the stop was decided is not started, since its row
        is about to be failed as one that never ran (:meth:`fail_interrupted`), and a start written after that would
        make it Running again with its operation running on a stopped server.

        Raises:
            OperationCanceledError: the job had not started when its supervision stopped."""
        with self._record_lock:
            record = live.record
            if record.terminal:
                return
            if record.status == "Pending" and live.loop is None:
                raise OperationCanceledError(f"job {record.job_id} was not started: the server is stopping")
            changes: dict[str, Any] = {"progress": percent, "message": message or record.message}
            if record.status != "Pending":
                live.record = msgspec.structs.replace(record, **changes)
            else:  # written first: a write that fails fails the job before its operation runs, as still Pending
                changes.update(status="Running", started_at=utc_now())
                started = msgspec.structs.replace(record, **changes)
                self._store.persist(started)
                live.record = live.written = started
                live.running_since = time.monotonic()
        if live.here:  # on the loop's thread, which nothing else uses until the job ends (InlineCalls._run_here)
            return
        # Read after the record was replaced: a follower or a timer that this misses reads the record after it.
        loop = live.loop  # read once: shutdown() clears it
        if (live.followers or live.unwritten is None) and loop is not None:
            loop.call_soon_threadsafe(self._changed, live)

    def _changed(self, live: LiveJob) -> None:
        """On the event loop: the record changed; wake its followers and have the change written when due."""
        if live.record.terminal or live.loop is None:  # ended, or no longer supervised (shutdown)
            return
        if live.unwritten is None and live.record is not live.written:
            live.unwritten = asyncio.get_running_loop().call_later(
                PROGRESS_WRITE_DELAY_SECONDS, self._write_progress, live)
        self._notify(live)

    def _write_progress(self, live: LiveJob) -> None:
        live.unwritten = None  # first: progress the worker reports after this line is sent to _changed by _progressed
        record = live.record
        if not record.terminal and record.status != "Pending" and record is not live.written:  # a queued job's row
            # says so already, a started one's holds its start until it reports progress
            live.written = record
            self._store.persist(record)

    def _finish(
        self, live: LiveJob, status: JobStatus, *, message: str, result: Any = None, error: JobError | None = None
    ) -> None:
        with self._record_lock:  # a thread the handler started may still report progress
            record = live.record
            live.record = msgspec.structs.replace(
                record,
                status=status,
                progress=100 if status == "Completed" else record.progress,
                message=message,
                result=result,
                **error_fields(error),
                started_at=record.started_at or (utc_now() if status != "Canceled" else None),
                completed_at=utc_now(),
            )
        if live.unwritten is not None:  # the end is written instead, with the progress it holds
            live.unwritten.cancel()
            live.unwritten = None
        written = self._write_end(live)
        live.done.set()
        self._notify(live)
        ended = time.monotonic()
        running_since = live.running_since or ended
        for listener in self._ended_listeners:
            try:
                listener(live.record, running_since - live.accepted, ended - running_since)
            except Exception:  # a metric must not fail the job it counts
                logger.exception("job end listener failed for job %s", record.job_id)
        if written and self._ends_kept:  # after its own answer: the database takes writes again
            self._write_ends_kept()

    def _write_end(self, live: LiveJob) -> bool:
        """Write the job's end and let it go; whether that was done. An end the database refuses (a full disk, the
        database away) is kept here, its job still answered from its live record (the work ran: its waiter hears
        its outcome, never a failure it did not have, and is never left waiting), and written by a later job's end
        (:meth:`_write_ends_kept`). A process that stops first leaves the row as it was, Running: its restart fails
        it as a job that may have changed the project (:meth:`fail_interrupted`)."""
        try:
            live.result_json = self._store.persist(live.record)
        except (InsufficientStorageError, DatabaseUnavailableError) as exc:
            logger.error("job %s ended %s, but its end could not be written (%s): kept here, and written when the "
                         "database takes writes again", live.record.job_id, live.record.status, exc.code)
            self._ends_kept[live.record.job_id] = live
            return False
        self._live.pop(live.record.job_id, None)
        # Let it go: its call's closure and its context's progress report both hold it, so without this the job, its
        # result and its answer's builtins would wait for the cyclic collector (a compile's thousands of messages,
        # and a full collection costs the whole heap).
        live.handle = None
        live.context.on_progress = None
        return True

    def _write_ends_kept(self) -> None:
        """The ends the database refused before, written in the order they ended, until one is refused again; a
        job leaves them only once its end is written."""
        for job_id, live in list(self._ends_kept.items()):
            try:
                if not self._write_end(live):  # refused again: kept, in its place
                    return
            except Exception:  # whatever else the database says, the caller's own job has ended and is answered
                logger.exception("the kept end of job %s could not be written", job_id)
                return
            del self._ends_kept[job_id]

    @staticmethod
    def _notify(live: LiveJob) -> None:
        """Wake whoever follows the job's changes (:meth:`events`)."""
        changed, live.changed = live.changed, asyncio.Event()
        changed.set()

    # ----- control ---------------------------------------------------------------------------
    def _request_cancel(self, live: LiveJob) -> JobRecord:
        """Ask a job this process runs to stop: a queued job is canceled at once, a running one at its next check."""
        live.context.request_cancel()
        if live.handle is not None and live.handle.cancel():
            return live.record
        with self._record_lock:  # the worker may be marking its start
            live.record = msgspec.structs.replace(live.record, message="cancel requested")
        self._store.persist(live.record)
        return live.record

    async def shutdown(self) -> None:
        """Stop supervising; jobs still running are left for ``fail_interrupted``, and jobs still queued never start.
        Ends the database refused (:meth:`_write_end`) are tried once more."""
        self._write_ends_kept()
        for live in list(self._live.values()):
            # A pending progress write would land after fail_interrupted marked the row Failed (a loop that outlives
            # the app, as an in-process restart's, still runs its timers): it is dropped with the supervision.
            with self._record_lock:  # a start being written ends first; one not yet written never is (_progressed)
                live.loop = None  # and no later progress schedules another (_progressed, _changed)
            if live.unwritten is not None:
                live.unwritten.cancel()
                live.unwritten = None
            if live.task is not None:
                live.task.cancel()
