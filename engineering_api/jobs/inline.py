"""The inline fast path: calls answered without the hop to the worker thread, or without a job.

A short operation runs on the worker without a job (:meth:`InlineCalls.run_inline`), and a read of an adapter that
allows it runs on the event loop's thread itself when the worker is idle; a dry run is answered the same way
(:meth:`InlineCalls.preview`). A ``-sync`` call of an operation whose last runs were quick runs its job on the event
loop's thread (:meth:`InlineCalls._run_here`). The bounds below say what is quick.
"""

from __future__ import annotations

import asyncio
import functools
import time
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.backend.errors import OperationCanceledError, ValidationError
from engineering_api.backend.worker import outcome_error
from engineering_api.errors import codes
from engineering_api.jobs.input_checks import confine_files, refuse_project_targets, refuse_unstorable_input
from engineering_api.jobs.runner import JobRunner, described, error_of
from engineering_api.lib.observability import carrying_request_id
from engineering_api.lib.schema import utc_now
from simatic_xml.cancel import Canceled

if TYPE_CHECKING:
    from engineering_api.backend.port import EngineeringBackend
    from engineering_api.backend.worker import TiaWorker
    from engineering_api.config import Settings
    from engineering_api.jobs.operations import Operation, OperationContext
    from engineering_api.jobs.preview import Preview
    from engineering_api.jobs.records import JobRecord
    from engineering_api.jobs.runner import LiveJob
    from engineering_api.lib.db import Database
    from engineering_api.lib.paths import PathPolicy
    from engineering_api.lib.security import Principal

__all__ = ("HERE_WALL_MAX", "INLINE_READ_MAX_SECONDS", "INLINE_READ_STRIKES", "QUICK_RUNS_BEFORE_HERE", "InlineCalls")

INLINE_READ_MAX_SECONDS = 0.002
"""CPU seconds a read may take on the event loop's thread: one that took longer :data:`INLINE_READ_STRIKES` times
in a row goes to the worker from then on. The loop serves every other request, and a quick read is what skipping
the hop is for. CPU time, not wall-clock time alone, so a busy machine does not send quick reads away: a run is slow
when both clocks pass this. The CPU clock is read only after a run the wall clock found slower than this (the
thread's clock is a system call), so a read slow by its CPU time goes to the worker after
``1 + INLINE_READ_STRIKES`` runs."""
INLINE_READ_STRIKES = 3
"""Slow runs in a row before a read stops running inline (a first run may be slow for once: caches fill)."""
HERE_WALL_MAX = 0.03
"""Wall-clock seconds past which a job's run is slow whatever CPU time it took (:data:`QUICK_RUNS_BEFORE_HERE`): a run
that waits (a slow file root, a lock, another thread) takes no CPU time, yet holds every other request while it runs
on the event loop's thread. Tens of milliseconds, far above a quick run's :data:`INLINE_READ_MAX_SECONDS`: a busy
machine may hold the thread off the CPU for that long without making the run slow."""
QUICK_RUNS_BEFORE_HERE = 3
"""Quick runs in a row (each within :data:`INLINE_READ_MAX_SECONDS` of wall-clock time, or of CPU time if within
:data:`HERE_WALL_MAX` of wall-clock time, read as :meth:`InlineCalls._counted_run` says) after which a
``-sync`` call of the operation runs its job on the event loop's thread when the worker is idle
(:meth:`InlineCalls._run_here`); a slow run there sends it back to the worker for as many quick runs. Unlike a read, a
job never runs there first: a change may be long (a compile, a download), and what runs there holds every other
request until it ends."""


class InlineCalls(JobRunner):
    """The runner with its fast paths: calls run without a job, and quick jobs run on the event loop's thread."""

    def __init__(
        self, db: Database, worker: TiaWorker, backend: EngineeringBackend, settings: Settings, paths: PathPolicy
    ) -> None:
        super().__init__(db, worker, backend, settings, paths)
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

    def _may_run_here(self, operation: Operation[Any, Any]) -> bool:
        """Whether a waited job of ``operation`` may run on the event loop's thread (:meth:`_run_here`): its adapter
        has no thread affinity (:attr:`EngineeringBackend.reads_off_worker`: its calls may run on any thread, one at a
        time), its last runs were quick (:data:`QUICK_RUNS_BEFORE_HERE`), it takes no snapshot first (a git commit),
        and nobody follows jobs from their acceptance (the push hub, :meth:`on_started`): a follower would only be
        woken after the job's end, and would miss its start."""
        return (self._backend.reads_off_worker and not self._started_listeners
                and self._quick_runs.get(operation.name, 0) >= QUICK_RUNS_BEFORE_HERE
                and (operation.snapshot_targets is None or self.snapshots is None))

    def _counted_run(self, operation: Operation[Any, Any], live: LiveJob, data: Any) -> Any:
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
            self._store.insert(started)  # raises before anything ran: the call fails as a start would
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
            error = outcome_error(live.context.token, described(operation, record), error)  # as the worker's
            failure = error_of(error, record.job_id)
            self._finish(live, "Canceled" if isinstance(error, OperationCanceledError) else "Failed",
                         message=failure.message, error=failure)
        ended = live.record
        if ended.status == "Completed" and live.result_json is not None:
            return msgspec.structs.replace(ended, result=msgspec.Raw(live.result_json))
        return ended
