"""Runs operations on the TIA worker and keeps their jobs in the service database.

Status values are T-IA Connect's: Pending, Running, Completed, Failed, Canceled.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import datetime as dt
import functools
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import msgspec
from sqlalchemy import bindparam, func, select

from engineering_api.backend.errors import (
    ConflictError,
    DatabaseUnavailableError,
    EngineeringError,
    InsufficientStorageError,
    NotFoundError,
    OperationCanceledError,
    OperationTimeoutError,
    ValidationError,
    is_storage_full,
)
from engineering_api.backend.worker import outcome_error
from engineering_api.errors import codes
from engineering_api.jobs.operations import (
    OperationContext, confine_files, refuse_project_targets, refuse_unstorable_input,
)
from engineering_api.lib.caller import current_job
from engineering_api.lib.db import KeyValueStore, Prepared
from engineering_api.lib.observability import carrying_request_id, current_request_id
from engineering_api.lib.redact import redacted_json
from engineering_api.lib.tracing import REQUEST_ID_ATTRIBUTE, Tracing
from engineering_api.lib.responses import status_for
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.lib.tables import ROWID, jobs
from simatic_xml.cancel import Canceled

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from sqlalchemy import ColumnElement

    from engineering_api.backend.port import EngineeringBackend
    from engineering_api.backend.worker import CallHandle, TiaWorker
    from engineering_api.config import Settings
    from engineering_api.jobs.operations import Operation, OperationRegistry, SnapshotTaker
    from engineering_api.jobs.preview import Preview
    from engineering_api.lib.db import Database
    from engineering_api.lib.paths import PathPolicy
    from engineering_api.lib.security import Principal

__all__ = ("JobError", "JobManager", "JobRecord", "JobStatus", "TERMINAL")

logger = logging.getLogger(__name__)

INLINE_READ_MAX_SECONDS = 0.002
"""CPU seconds a read may take on the event loop's thread: one that took longer :data:`INLINE_READ_STRIKES` times
in a row goes to the worker from then on. The loop serves every other request, and a quick read is what skipping
the hop is for. CPU time, not wall-clock time alone, so a busy machine does not send quick reads away: a run is slow
when both clocks pass this. The CPU clock is read only after a run the wall clock found slower than this (the
thread's clock is a system call), so a read slow by its CPU time goes to the worker after
``1 + INLINE_READ_STRIKES`` runs."""
_INTERRUPTED = "interrupted by restart"
# Prepared: compiled once, run on the driver's cursor (every job writes and reads these).
_INSERT = Prepared(jobs.insert())
_PERSIST = Prepared(jobs.update().where(jobs.c.job_id == bindparam("id")).values(
    {name: bindparam(name) for name in ("status", "progress", "message", "result", "error", "started_at",
                                        "completed_at")}))
_BY_ID = Prepared(select(jobs).where(jobs.c.job_id == bindparam("id")))
DETACHED_POLL_SECONDS = 0.25
"""How often a wait on a job no process supervises (re-attached by a farm) looks at its record."""
PROGRESS_WRITE_DELAY_SECONDS = DETACHED_POLL_SECONDS
"""How long a running job's progress may wait before its record is written: the progress of that time is written
once, as it then stands, and a job that ends before is written once, as it ended. This process answers from the
job's live record, so the delay shows only to another node reading the database, which looks this often
(:data:`DETACHED_POLL_SECONDS`). The start is not delayed: the worker writes it before the operation runs
(:meth:`JobManager._progressed`), so a row still Pending after the process died is a job that never ran, and a restart
fails it with no start time (:meth:`JobManager.fail_interrupted`)."""
INLINE_READ_STRIKES = 3
"""Slow runs in a row before a read stops running inline (a first run may be slow for once: caches fill)."""
HERE_WALL_MAX = 0.03
"""Wall-clock seconds past which a job's run is slow whatever CPU time it took (:data:`QUICK_RUNS_BEFORE_HERE`): a run
that waits (a slow file root, a lock, another thread) takes no CPU time, yet holds every other request while it runs
on the event loop's thread. Tens of milliseconds, far above a quick run's :data:`INLINE_READ_MAX_SECONDS`: a busy
machine may hold the thread off the CPU for that long without making the run slow."""
QUICK_RUNS_BEFORE_HERE = 3
"""Quick runs in a row (each within :data:`INLINE_READ_MAX_SECONDS` of wall-clock time, or of CPU time if within
:data:`HERE_WALL_MAX` of wall-clock time, read as :meth:`JobManager._counted_run` says) after which a
``-sync`` call of the operation runs its job on the event loop's thread when the worker is idle
(:meth:`JobManager._run_here`); a slow run there sends it back to the worker for as many quick runs. Unlike a read, a
job never runs there first: a change may be long (a compile, a download), and what runs there holds every other
request until it ends."""

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


def _error_fields(error: JobError | None) -> dict[str, Any]:
    if error is None:
        return {"error": None, "error_code": None, "error_status": None, "error_details": None}
    return {
        "error": error.message, "error_code": error.code, "error_status": error.status, "error_details": error.details,
    }


@dataclass(eq=False)
class _Live:
    record: JobRecord
    context: OperationContext
    done: asyncio.Event = field(default_factory=asyncio.Event)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    """Set at its next change (:meth:`JobManager._notify`, which puts a new one in its place for the change after):
    no lock and no task per change, which a condition would take even with nobody watching."""
    handle: CallHandle[Any] | None = None
    task: asyncio.Task[None] | None = None
    accepted: float = field(default_factory=time.monotonic)
    running_since: float | None = None
    """When it left the queue (monotonic), for the metrics' queue wait and run time."""
    trace_context: Any = None
    """The trace context of the request that started it (tracing on): the job's span is its child."""
    loop: asyncio.AbstractEventLoop | None = None
    """The event loop that supervises it; None once :meth:`JobManager.shutdown` stopped supervising it (set under the
    record lock: a job still queued then never starts, :meth:`JobManager._progressed`)."""
    unwritten: asyncio.TimerHandle | None = None
    """The pending write of its progress (:data:`PROGRESS_WRITE_DELAY_SECONDS`), None when none is due."""
    written: JobRecord | None = None
    """The record as its row was last written while it ran (its start, then its progress): a change wakes no write
    of a row that holds it already."""
    followers: int = 0
    """How many :meth:`JobManager.events` follow it: only then does its start wake the event loop."""
    result_json: str | None = None
    """The result as its record stores it (JSON), once it completed."""
    here: bool = False
    """It runs on the event loop's thread (:meth:`JobManager._run_here`): nothing runs there until it ends, so no
    change of it wakes the loop and its progress is not written before its end."""


def _described(operation: Operation[Any, Any], record: JobRecord) -> str:
    """The job as its run is named to the worker and in the errors of its run: "<operation> (job <id>)"."""
    return f"{operation.name} (job {record.job_id})"


def _error_of(exc: BaseException, job_id: str) -> JobError:
    if not isinstance(exc, EngineeringError) and is_storage_full(exc):
        exc = InsufficientStorageError.at(getattr(exc, "filename", None))
    if isinstance(exc, EngineeringError):
        return JobError(code=exc.code, message=exc.message, status=status_for(exc), details=exc.details or None)
    # As for inline calls: the cause goes to the log, not to the client (it may name server paths).
    logger.error("job %s failed unexpectedly", job_id, exc_info=exc)
    return JobError(code=codes.INTERNAL_ERROR, message="Internal server error; see the server log", status=500)


class JobManager:
    """Starts, tracks, cancels and sweeps jobs."""

    def __init__(
        self, db: Database, worker: TiaWorker, backend: EngineeringBackend, settings: Settings, paths: PathPolicy
    ) -> None:
        self._db = db
        self._worker = worker
        self._backend = backend
        self.settings = settings
        self._paths = paths
        self._live: dict[str, _Live] = {}
        self._ends_kept: dict[str, _Live] = {}
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
        self._read_context: OperationContext | None = None
        """The context of the reads run in turn on the event loop (:meth:`run_inline`), made once: such a read runs to
        its end with no timeout, nothing cancels its token, and nothing outside it sees the context."""
        self._slow_reads: dict[str, int] = {}
        """Reads by their slow runs in a row (:data:`INLINE_READ_MAX_SECONDS`); at :data:`INLINE_READ_STRIKES` they
        always hop to the worker. 0: slow by the wall clock, so its next run's CPU time is read; a read not here is
        timed by the wall clock only."""
        self._quick_runs: dict[str, int] = {}
        """Jobs by their quick runs in a row (:data:`QUICK_RUNS_BEFORE_HERE`), counted by the thread that ran them."""
        self._cpu_timed: set[str] = set()
        """Jobs whose last run was slow by the wall clock: their next run's CPU time is read (:meth:`_counted_run`)."""

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

    async def run_inline(self, operation: Operation[Any, Any], data: Any) -> Any:
        """Run a short operation on the worker without recording a job (one that needs no TIA on a thread of its
        own: :attr:`Operation.needs_tia`).

        A read of an adapter that allows it (:attr:`EngineeringBackend.reads_off_worker`) runs right here when the
        worker is idle, in turn with the worker's calls (:meth:`TiaWorker.run_if_idle`): the hop to the worker
        thread and back cost more than the read itself."""
        if operation.mutating:  # every way in to a change passes here or through start, whoever decoded the input
            refuse_unstorable_input(operation, data)
        if not operation.needs_tia:
            return await asyncio.wait_for(asyncio.to_thread(operation.handler, self._context(), data),
                                          timeout=self.settings.call_timeout_seconds)
        if (not operation.mutating and not operation.files and self._backend.reads_off_worker
                and ((strikes := self._slow_reads.get(operation.name)) is None or strikes < INLINE_READ_STRIKES)):
            context = self._read_context
            if context is None or context.settings is not self.settings or context.operations is not self.operations:
                context = self._read_context = self._context()
            # No file fields, so _handle's check of export targets has nothing to refuse: without a snapshot to
            # take, the handler is all that runs.
            # A partial, not a lambda: called from C, it adds no Python frame of its own to every read.
            run = functools.partial(operation.handler, context, data) if operation.snapshot_targets is None \
                else functools.partial(self._handle, operation, context, data)
            # CPU time decides, but the thread's clock is a system call, dearer than the rest of a quick read's
            # bookkeeping (docs/benchmarks.md): a read is timed by the wall clock, which never reads less than the
            # CPU time it ran here, and only a read the wall clock found slow has its CPU time read, on its next runs.
            # A strike needs both clocks over the bound, the wall clock asked first: a quick run skips the system
            # call, and a thread clock that moves by the scheduler's tick (~15.6 ms on Windows) cannot strike a
            # quick read that merely crossed a tick.
            started = time.perf_counter()
            cpu_started = time.thread_time() if strikes is not None else 0.0
            ran, result = self._worker.run_if_idle(run, context.token)
            if ran:
                if strikes is None:
                    if time.perf_counter() - started > INLINE_READ_MAX_SECONDS:
                        self._slow_reads[operation.name] = 0
                elif time.perf_counter() - started > INLINE_READ_MAX_SECONDS \
                        and time.thread_time() - cpu_started > INLINE_READ_MAX_SECONDS:
                    self._slow_reads[operation.name] = strikes + 1
                else:
                    del self._slow_reads[operation.name]
                return result
        context = self._context()  # its own: the worker's watchdog sets the token of a call that timed out
        return await self._worker.call(
            self.tracing.carrying(carrying_request_id(lambda: self._handle(operation, context, data))),
            timeout=self.settings.call_timeout_seconds,
            description=operation.name,
            token=context.token,
        )

    async def preview(self, operation: Operation[Any, Any], data: Any) -> Preview:
        """What ``operation`` would do with ``data``, run on the worker like :meth:`run_inline`; nothing changes.

        File fields are confined as for a real call, and an export target inside the open project is refused the
        same way, so a dry run fails where the call would. No job is recorded and no snapshot is taken.

        Raises:
            ValidationError: ``NO_PREVIEW``: the operation has no preview (it is not destructive); a file path is
                refused (``PATH_REJECTED``).
            EngineeringError: whatever the operation's preview raises, as the real call would for this input.
        """
        if operation.preview is None:
            raise ValidationError(
                f"{operation.name} has no dry run: it is not a destructive operation.", code=codes.NO_PREVIEW,
                details={"operation": operation.name},
            )
        data = confine_files(operation, data, self._paths)
        context = self._context()
        preview = operation.preview
        # A preview of a long operation may be long too (a download compares the compiled program with the CPU's).
        timeout = self.settings.job_timeout_seconds if operation.long_running else self.settings.call_timeout_seconds

        def run() -> Preview:
            refuse_project_targets(operation, data, self._backend)
            return preview(context, data)

        result = await self._worker.call(
            run, timeout=timeout, description=f"{operation.name} (dry run)", token=context.token,
        )
        return msgspec.structs.replace(result, operation=operation.name, dry_run=True)

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
            row = self._db.one(select(jobs.c.job_id, jobs.c.operation, jobs.c.input).where(
                jobs.c.key_id.is_not_distinct_from(key_id), jobs.c.idempotency_key == idempotency_key))
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
        self._db.execute(_INSERT, values)
        loop = asyncio.get_running_loop()
        live = self._live_job(record, principal, loop=loop)
        # Its progress is written when due, if it has not ended by then; its start is written by the worker as it
        # marks it Running (:meth:`_progressed`).
        live.unwritten = loop.call_later(PROGRESS_WRITE_DELAY_SECONDS, self._write_progress, live)
        self._live[record.job_id] = live
        live.handle = self._worker.submit(
            lambda: self._counted_run(operation, live, data), description=_described(operation, record),
            token=live.context.token,
        )
        live.task = asyncio.create_task(self._supervise(live, operation))
        for listener in list(self._started_listeners):
            try:
                listener(record)
            except Exception:  # a listener (push) must not fail the request that started the job
                logger.exception("job listener failed for job %s", record.job_id)
        return record

    def _live_job(self, record: JobRecord, principal: Principal | None, *,
                  loop: asyncio.AbstractEventLoop | None = None, here: bool = False) -> _Live:
        """A job's live state as it is about to run: the context its operation runs with reports its progress
        (:meth:`_progressed`), names its caller and its id, and runs the operations it nests (:meth:`_run_nested`)."""
        live = _Live(record=record, context=self._context(), trace_context=self.tracing.context(), loop=loop,
                     here=here)
        context = live.context
        context.on_progress = functools.partial(self._progressed, live)
        context.principal, context.job_id = principal, record.job_id
        context.run_nested = self._run_nested
        return live

    def _may_run_here(self, operation: Operation[Any, Any]) -> bool:
        """Whether a waited job of ``operation`` may run on the event loop's thread (:meth:`_run_here`): its adapter
        has no thread affinity (:attr:`EngineeringBackend.reads_off_worker`: its calls may run on any thread, one at a
        time), its last runs were quick (:data:`QUICK_RUNS_BEFORE_HERE`), it takes no snapshot first (a git commit),
        and nobody follows jobs from their acceptance (the push hub, :meth:`on_started`): a follower would only be
        woken after the job's end, and would miss its start."""
        return (self._backend.reads_off_worker and not self._started_listeners
                and self._quick_runs.get(operation.name, 0) >= QUICK_RUNS_BEFORE_HERE
                and (operation.snapshot_targets is None or self.snapshots is None))

    def _counted_run(self, operation: Operation[Any, Any], live: _Live, data: Any) -> Any:
        """Run the job's operation (:meth:`_execute`), counting its quick runs in a row on the thread that runs it
        (:data:`QUICK_RUNS_BEFORE_HERE`). A run is slow when both clocks pass :data:`INLINE_READ_MAX_SECONDS`, as for
        an inline read, or when the wall clock passes :data:`HERE_WALL_MAX`: a busy machine that holds the thread off
        the CPU for a while does not make it slow, a run that waits does.

        As for an inline read, the thread's CPU clock (a system call) is read only for a run of an operation whose
        last run was slow by the wall clock: a run past the first wall-clock bound whose CPU time was not read is
        slow (one such run here sends the operation back), and has the next run's CPU time read."""
        name = operation.name
        timed = name in self._cpu_timed
        started = time.perf_counter()
        cpu_started = time.thread_time() if timed else 0.0
        try:
            return self._execute(live, operation, data)
        finally:  # a run that failed counts as well: slow, it sends the operation back to the worker
            wall = time.perf_counter() - started
            quick = wall <= INLINE_READ_MAX_SECONDS
            if quick:
                self._cpu_timed.discard(name)
            else:
                self._cpu_timed.add(name)
                quick = timed and wall <= HERE_WALL_MAX \
                    and time.thread_time() - cpu_started <= INLINE_READ_MAX_SECONDS
            self._quick_runs[name] = self._quick_runs.get(name, 0) + 1 if quick else 0

    def _run_here(self, operation: Operation[Any, Any], data: Any, record: JobRecord, values: dict[str, Any],
                  principal: Principal | None) -> JobRecord | None:
        """Run a waited job on this thread (the event loop's) if the worker is idle (:meth:`TiaWorker.run_if_idle`):
        its record as it ended, with its result as its row holds it (:class:`msgspec.Raw`); None when the worker is
        busy (nothing was written, and the job is queued as usual).

        The job's row is written Running, with its start, as it is about to run (the worker would write the same just
        before it runs the operation, :meth:`_progressed`): a process that dies while it runs leaves it Running, as
        on the worker, and a restart fails it as such (:meth:`fail_interrupted`). The hop to the worker thread and
        back (a wake-up of each thread, the supervising task, a write of its start on its own) is what this saves.
        Nothing else runs on this thread until it ends: no cancel request reaches it and no timeout stops it, which
        is why only operations whose last runs were quick run here; one that was not quick goes back to the
        worker (:meth:`_counted_run`)."""
        started = dict(values, status="Running", message="running", started_at=utc_now())
        live = self._live_job(msgspec.structs.replace(record, status="Running", message="running",
                                                      started_at=started["started_at"]), principal, here=True)
        live.written = live.record

        def run() -> tuple[Any, BaseException | None]:
            self._db.execute(_INSERT, started)  # raises before anything ran: the call fails as a start would
            self._live[record.job_id] = live
            live.running_since = time.monotonic()
            try:
                return self._counted_run(operation, live, data), None
            except (Exception, Canceled) as exc:  # the job's failure, recorded as the worker's would be
                return None, exc

        ran, outcome = self._worker.run_if_idle(run, live.context.token)
        if not ran or outcome is None:
            return None
        result, error = outcome
        if error is None:
            self._finish(live, "Completed", message="completed", result=msgspec.to_builtins(result))
        else:
            error = outcome_error(live.context.token, _described(operation, record), error)  # as the worker's
            failure = _error_of(error, record.job_id)
            self._finish(live, "Canceled" if isinstance(error, OperationCanceledError) else "Failed",
                         message=failure.message, error=failure)
        ended = live.record
        if ended.status == "Completed" and live.result_json is not None:
            return msgspec.structs.replace(ended, result=msgspec.Raw(live.result_json))
        return ended

    def _execute(self, live: _Live, operation: Operation[Any, Any], data: Any) -> Any:
        # On the worker thread (or the loop's, :meth:`_run_here`): the job is Running from here on.
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

    async def _supervise(self, live: _Live, operation: Operation[Any, Any]) -> None:
        assert live.handle is not None
        try:
            result = await self._worker.wait(live.handle, timeout=self.settings.job_timeout_seconds)
        except OperationCanceledError as exc:
            self._finish(live, "Canceled", message=exc.message, error=_error_of(exc, live.record.job_id))
        except Exception as exc:
            error = _error_of(exc, live.record.job_id)
            self._finish(live, "Failed", message=error.message, error=error)
        else:
            self._finish(live, "Completed", message="completed", result=msgspec.to_builtins(result))

    def _progressed(self, live: _Live, percent: int, message: str) -> None:
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
                self._persist(started)
                live.record = live.written = started
                live.running_since = time.monotonic()
        if live.here:  # on the loop's thread, which nothing else uses until the job ends (_run_here)
            return
        # Read after the record was replaced: a follower or a timer that this misses reads the record after it.
        loop = live.loop  # read once: shutdown() clears it
        if (live.followers or live.unwritten is None) and loop is not None:
            loop.call_soon_threadsafe(self._changed, live)

    def _changed(self, live: _Live) -> None:
        """On the event loop: the record changed; wake its followers and have the change written when due."""
        if live.record.terminal or live.loop is None:  # ended, or no longer supervised (shutdown)
            return
        if live.unwritten is None and live.record is not live.written:
            live.unwritten = asyncio.get_running_loop().call_later(
                PROGRESS_WRITE_DELAY_SECONDS, self._write_progress, live)
        self._notify(live)

    def _write_progress(self, live: _Live) -> None:
        live.unwritten = None  # first: progress the worker reports after this line is sent to _changed by _progressed
        record = live.record
        if not record.terminal and record.status != "Pending" and record is not live.written:  # a queued job's row
            # says so already, a started one's holds its start until it reports progress
            live.written = record
            self._persist(record)

    def _finish(
        self, live: _Live, status: JobStatus, *, message: str, result: Any = None, error: JobError | None = None
    ) -> None:
        with self._record_lock:  # a thread the handler started may still report progress
            record = live.record
            live.record = msgspec.structs.replace(
                record,
                status=status,
                progress=100 if status == "Completed" else record.progress,
                message=message,
                result=result,
                **_error_fields(error),
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

    def _write_end(self, live: _Live) -> bool:
        """Write the job's end and let it go; whether that was done. An end the database refuses (a full disk, the
        database away) is kept here, its job still answered from its live record (the work ran: its waiter hears
        its outcome, never a failure it did not have, and is never left waiting), and written by a later job's end
        (:meth:`_write_ends_kept`). A process that stops first leaves the row as it was, Running: its restart fails
        it as a job that may have changed the project (:meth:`fail_interrupted`)."""
        try:
            live.result_json = self._persist(live.record)
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
    def _notify(live: _Live) -> None:
        """Wake whoever follows the job's changes (:meth:`events`)."""
        changed, live.changed = live.changed, asyncio.Event()
        changed.set()

    def _persist(self, record: JobRecord) -> str | None:
        """Write ``record`` over its row; returns the result as the row holds it (JSON), None without one."""
        result = msgspec.json.encode(record.result).decode() if record.result is not None else None
        self._db.execute(_PERSIST, {
            "id": record.job_id, "status": record.status, "progress": record.progress, "message": record.message,
            "result": result,
            "error": msgspec.json.encode(record.failure).decode() if record.failure is not None else None,
            "started_at": record.started_at, "completed_at": record.completed_at})
        return result

    # ----- reading ---------------------------------------------------------------------------
    def get(self, job_id: str) -> JobRecord:
        """A job by id.

        Raises:
            NotFoundError: unknown (or already swept) job.
        """
        live = self._live.get(job_id)
        if live is not None:
            return live.record
        row = self._db.one(_BY_ID, {"id": job_id})
        if row is None:
            raise NotFoundError(f"no job with id {job_id!r}", code=codes.JOB_NOT_FOUND)
        return _record_of(row)

    def list(
        self, *, status: str | None = None, operation: str | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[list[JobRecord], int]:
        """Jobs newest first, filtered, with the total count."""
        where = []
        if status:
            where.append(self._status_is(status))
        if operation:
            where.append(jobs.c.operation == operation)
        total = self._db.one(select(func.count().label("n")).select_from(jobs).where(*where))
        rows = self._db.all(select(jobs).where(*where).order_by(jobs.c.created_at.desc(), ROWID.desc())
                            .limit(limit).offset(offset))
        records = [self._live[r["job_id"]].record if r["job_id"] in self._live else _record_of(r) for r in rows]
        return records, int(total["n"]) if total else 0

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
        live.context.request_cancel()
        if live.handle is not None and live.handle.cancel():
            return live.record
        with self._record_lock:  # the worker may be marking its start
            live.record = msgspec.structs.replace(live.record, message="cancel requested")
        self._persist(live.record)
        return live.record

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
        unfinished = jobs.c.status.in_(("Pending", "Running"))
        which = unfinished if only is None else unfinished & jobs.c.job_id.in_(only)
        ended = {"status": "Failed", "message": _INTERRUPTED, "completed_at": utc_now()}
        reads = [operation.name for operation in self.operations or () if not operation.mutating]
        count = self._db.execute(jobs.update().where(which, jobs.c.status == "Running", jobs.c.operation.not_in(reads))
                                 .values(**ended, error=msgspec.json.encode(unknown).decode()))
        return count + self._db.execute(jobs.update().where(which).values(
            **ended, error=msgspec.json.encode(interrupted).decode()))

    def unfinished(self) -> builtins.list[str]:
        """Every job the database holds as Pending or Running, whichever process runs it."""
        rows = self._db.all(select(jobs.c.job_id).where(jobs.c.status.in_(("Pending", "Running"))))
        return [row["job_id"] for row in rows]

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
        which = jobs.c.job_id == job_id
        if status not in TERMINAL:
            which = which & jobs.c.status.in_(("Pending", "Running"))
        self._db.execute(jobs.update().where(which).values(
            status=status, message=message, result=msgspec.json.encode(result).decode() if result is not None else None,
            error=msgspec.json.encode(error).decode() if error is not None else None,
            completed_at=utc_now() if status in TERMINAL else None))
        if self._ends_kept.pop(job_id, None) is not None:  # its end the database refused is superseded by this
            self._live.pop(job_id, None)

    def sweep(self, retention_hours: float | None = None) -> int:
        """Delete finished jobs older than the retention; returns how many."""
        hours = self.settings.job_retention_hours if retention_hours is None else retention_hours
        cutoff = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=hours)).isoformat(timespec="milliseconds")
        cutoff = cutoff.replace("+00:00", "Z")
        return self._db.execute(jobs.delete().where(jobs.c.status.in_(("Completed", "Failed", "Canceled")),
                                                    jobs.c.completed_at < cutoff))

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


def _record_of(row: Any) -> JobRecord:
    return JobRecord(
        job_id=row["job_id"],
        operation=row["operation"],
        status=row["status"],
        progress=row["progress"],
        message=row["message"],
        created_at=row["created_at"],
        result=msgspec.json.decode(row["result"]) if row["result"] else None,
        **_error_fields(msgspec.json.decode(row["error"], type=JobError) if row["error"] else None),
        started_at=row["started_at"],
        completed_at=row["completed_at"],
        request_id=row["request_id"],
    )
