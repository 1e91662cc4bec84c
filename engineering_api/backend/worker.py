"""The one thread that talks to TIA.

Openness objects are bound to the thread that created them and TIA runs one operation at a time, so
every backend call is queued to a single dedicated thread; the asyncio side awaits a future.

Each call runs with its own :class:`~simatic_xml.cancel.CancelToken` installed. When the call exceeds its
timeout, the watchdog sets the token: the work stops at its next checkpoint (the SCL parser, the compiler,
the generator and the fake's import loops have them) and the fake rolls the operation back. The caller gets
:class:`OperationTimeoutError` once the thread has unwound, so a 504 means the project is as it was (a
call that has no checkpoint left and finishes within the grace delivers its result instead: it did the
work). Only when the thread does not unwind within :data:`UNWIND_GRACE_MAX` (or the timeout, if shorter)
is it abandoned and replaced, so the calls queued behind it still run (the adapter is told through
``on_worker_thread_started`` that it is on a new thread). A real Openness call has no checkpoints, so on
the bridge a timeout still ends that way. A canceled job's token is set the same way as a timed-out one.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from engineering_api.backend.errors import OperationCanceledError, OperationTimeoutError
from simatic_xml.cancel import Canceled, CancelToken, installed

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("UNWIND_GRACE_MAX", "WATCHDOG_INTERVAL", "CallHandle", "TiaWorker", "on_a_worker_thread", "outcome_error")

WATCHDOG_INTERVAL = 0.05
"""Seconds between deadline checks of the running call; timeouts are seconds, so this is precise enough."""
UNWIND_GRACE_MAX = 5.0
"""Longest wait, after a timed-out call's token is set, for its thread to reach a checkpoint and roll back
before the thread is abandoned. The grace is the call's own timeout when that is shorter, so a short
timeout stays short. Checkpoints come every few microseconds of work; the grace covers a long C call
(lxml parsing a big document) between two of them."""
T = TypeVar("T")
logger = logging.getLogger(__name__)
_this_thread = threading.local()


class _WorkerThread(threading.Thread):
    """The worker's thread, with the flag that tells it to stop once abandoned."""

    stop_flag: threading.Event


def on_a_worker_thread() -> bool:
    """Whether the calling thread is a TIA worker's (a call from it must not queue to a worker and wait)."""
    return getattr(_this_thread, "worker", False)


@dataclass(eq=False)
class CallHandle(Generic[T]):
    """A queued call; ``cancel()`` drops it if it has not started yet."""

    fn: Callable[[], T]
    future: asyncio.Future[T]
    loop: asyncio.AbstractEventLoop
    description: str
    state_lock: threading.Lock
    """Shared with the worker: starting and dropping a call must not interleave."""
    started_at: float = 0.0
    """``time.monotonic()`` when the worker started the call; 0 while queued."""
    timeout: float | None = None
    """Seconds the call may run once started; enforced by the worker's watchdog."""
    dropped: bool = False
    token: CancelToken = field(default_factory=CancelToken)
    """Installed on the worker thread while the call runs; set on timeout or cancel."""
    unwind_deadline: float = 0.0
    """``time.monotonic()`` by which a timed-out call must have unwound; 0 until it timed out."""

    @property
    def started(self) -> bool:
        """Whether the worker has started the call."""
        return self.started_at > 0.0

    def cancel(self) -> bool:
        """Drop the call if it is still queued; returns whether it was dropped."""
        with self.state_lock:
            if self.started_at > 0.0:
                return False
            self.dropped = True
        _settle(self, error=OperationCanceledError(f"{self.description} was canceled before it started"))
        return True


def outcome_error(token: CancelToken, description: str, exc: BaseException) -> BaseException:
    """What the caller is told when a call run with ``token`` raised: the token's reason when it was stopped by its
    token (on the worker, or where the call is served: :meth:`TiaWorker.run_if_idle`).

    A checkpoint raises :class:`Canceled`; a handler's own ``check_canceled`` raises
    :class:`OperationCanceledError`. Either way the caller learns why (timeout or cancel); any other error
    is the call's own failure and is passed on as it is.
    """
    if token.canceled and isinstance(exc, (Canceled, OperationCanceledError)):
        return token.reason or OperationCanceledError(f"{description} was canceled")
    if isinstance(exc, Canceled):  # a token of a nested call; should not escape it, but never leak a BaseException
        return exc.reason or OperationCanceledError(f"{description} was canceled")
    return exc


def _settle(handle: CallHandle[Any], *, result: Any = None, error: BaseException | None = None) -> None:
    def apply() -> None:
        if handle.future.done():
            return
        if error is not None:
            handle.future.set_exception(error)
        else:
            handle.future.set_result(result)

    if not handle.loop.is_closed():
        handle.loop.call_soon_threadsafe(apply)


class TiaWorker:
    """Runs callables one at a time on a dedicated thread.

    Args:
        on_thread_start: called first on every new worker thread (the adapter's thread set-up).
        name: thread name prefix, visible in diagnostics.
    """

    def __init__(self, on_thread_start: Callable[[], None] | None = None, *, name: str = "tia-worker") -> None:
        self._on_thread_start = on_thread_start
        self._name = name
        self._queue: queue.SimpleQueue[CallHandle[Any] | None] = queue.SimpleQueue()
        self._generation = itertools.count(1)
        self._lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._thread: _WorkerThread | None = None
        self._current: CallHandle[Any] | None = None
        self._closed = False
        self._watching: asyncio.AbstractEventLoop | None = None
        self._timed_waits = 0
        """Waits with a timeout not yet ended; the watchdog ticks only while there is one (on the event loop)."""
        self._pending = 0
        """Calls submitted and not yet finished (or dropped, or abandoned); guarded by ``_state_lock``."""
        self._running = threading.Lock()
        """Held while a call runs, by the live thread or by :meth:`run_if_idle`; a new one per thread generation,
        so an abandoned thread that still holds its own blocks nobody."""
        self.replaced_threads = 0
        """How many stuck threads were abandoned; shown in diagnostics."""

    @property
    def thread_name(self) -> str | None:
        """Name of the live worker thread."""
        return self._thread.name if self._thread else None

    def start(self) -> None:
        """Start the worker thread (idempotent)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._spawn()

    def _spawn(self) -> None:
        stop_flag = threading.Event()
        self._running = running = threading.Lock()
        thread = _WorkerThread(
            target=self._run, args=(stop_flag, running), name=f"{self._name}-{next(self._generation)}", daemon=True
        )
        thread.stop_flag = stop_flag
        self._thread = thread
        thread.start()

    def _run(self, stop_flag: threading.Event, running: threading.Lock) -> None:
        _this_thread.worker = True
        if self._on_thread_start is not None:
            try:
                self._on_thread_start()
            except Exception:  # the adapter reports its own state through diagnostics
                logger.exception("worker thread set-up failed")
        while not stop_flag.is_set():
            handle = self._queue.get()
            if handle is None:
                return
            if stop_flag.is_set():
                # This thread was abandoned while blocked; hand the call to the live thread.
                self._queue.put(handle)
                return
            outcome = self._run_one(handle, running)
            if stop_flag.is_set():  # abandoned meanwhile: counted out then, and its caller was told
                return
            self._count_out()  # before the caller hears of it, so its next read finds the worker idle
            if outcome is not None:
                _settle(handle, **outcome)

    def _run_one(self, handle: CallHandle[Any], running: threading.Lock) -> dict[str, Any] | None:
        """Run one queued call: its outcome as :func:`_settle` takes it, or None when it was dropped."""
        with self._state_lock:
            if handle.dropped or handle.future.done():
                return None
            handle.started_at = time.monotonic()
        self._current = handle
        try:
            with running, installed(handle.token):
                return {"result": handle.fn()}
        except BaseException as exc:  # delivered to the awaiting side, never lost
            return {"error": outcome_error(handle.token, handle.description, exc)}
        finally:
            if self._current is handle:
                self._current = None

    def _count_out(self) -> None:
        with self._state_lock:
            self._pending -= 1

    def run_if_idle(self, fn: Callable[[], T], token: CancelToken | None = None) -> tuple[bool, T | None]:
        """Run ``fn`` on the calling thread if the worker has nothing queued or running: ``(True, result)``;
        else ``(False, None)`` at once, and the caller queues it as usual.

        While ``fn`` runs the worker runs nothing (a call submitted meanwhile waits for it), so ``fn`` still sees
        TIA state one call at a time. Only for short reads of an adapter that is not bound to its thread (the
        fake): it has no timeout, because it runs to its end before anything else on this thread does.
        """
        if self._pending or self._closed:
            return False, None
        running = self._running
        if not running.acquire(blocking=False):
            return False, None
        was_worker = getattr(_this_thread, "worker", False)
        try:
            if self._pending:  # submitted by another thread between the check and the lock
                return False, None
            _this_thread.worker = True  # nested port calls run here instead of queueing behind this one
            with installed(token or CancelToken()):
                return True, fn()
        finally:
            _this_thread.worker = was_worker
            running.release()

    def submit(
        self, fn: Callable[[], T], *, description: str = "TIA call", token: CancelToken | None = None
    ) -> CallHandle[T]:
        """Queue ``fn``; the returned handle's future resolves on the event loop.

        ``token`` (default: a new one) is installed while ``fn`` runs; pass the operation context's token so a
        job's cancel request reaches the checkpoints.
        """
        if self._closed:
            raise RuntimeError("worker is stopped")
        self.start()
        loop = asyncio.get_running_loop()
        handle: CallHandle[T] = CallHandle(
            fn=fn, future=loop.create_future(), loop=loop, description=description, state_lock=self._state_lock,
            token=token or CancelToken(),
        )
        with self._state_lock:
            self._pending += 1
        self._queue.put(handle)
        return handle

    async def call(
        self, fn: Callable[[], T], *, timeout: float | None, description: str = "TIA call",
        token: CancelToken | None = None
    ) -> T:
        """Run ``fn`` on the worker thread; once it has run ``timeout`` seconds it is canceled (see the module).

        Raises:
            OperationTimeoutError: the call ran longer than ``timeout``; it was stopped (or its thread replaced).
        """
        handle = self.submit(fn, description=description, token=token)
        return await self.wait(handle, timeout=timeout)

    async def wait(self, handle: CallHandle[T], *, timeout: float | None) -> T:
        """Wait for a submitted call; see :meth:`call`."""
        if timeout is None:
            return await handle.future
        handle.timeout = timeout
        self._timed_waits += 1
        self._watch(handle.loop)
        try:
            return await handle.future
        finally:
            self._timed_waits -= 1

    def _watch(self, loop: asyncio.AbstractEventLoop) -> None:
        """Check the running call's deadline periodically on ``loop``.

        Only one call runs at a time, so one watchdog serves all of them; a timer per call would cost
        more than a fast read itself. The clock of a call runs from the moment it starts: time queued
        behind others is not its fault. It stops once no timed wait is left, so an idle server does not tick.
        """
        if self._watching is loop:
            return
        self._watching = loop

        def tick() -> None:
            if self._closed or self._watching is not loop:
                return
            if not self._timed_waits:
                self._watching = None  # the next timed wait starts it again
                return
            handle = self._current
            if (
                handle is not None and handle.loop is loop and handle.timeout is not None and not handle.future.done()
            ):
                self._enforce_deadline(handle)
            loop.call_later(WATCHDOG_INTERVAL, tick)

        loop.call_later(WATCHDOG_INTERVAL, tick)

    def _enforce_deadline(self, handle: CallHandle[Any]) -> None:
        """Past the deadline, set the call's token; past the grace after that, abandon its thread."""
        assert handle.timeout is not None
        now = time.monotonic()
        if not handle.unwind_deadline:
            if now - handle.started_at <= handle.timeout:
                return
            handle.unwind_deadline = now + min(handle.timeout, UNWIND_GRACE_MAX)
            handle.token.cancel(OperationTimeoutError(
                f"{handle.description} did not finish within {handle.timeout:g} s; it was stopped and nothing "
                "it started was kept. Split the work into smaller calls, or raise "
                "callTimeoutSeconds/jobTimeoutSeconds.",
                details={"timeoutSeconds": handle.timeout},
            ))
            return
        if now > handle.unwind_deadline:
            # The call ran past every checkpoint (or has none, like a real Openness call): give up on the thread.
            self._abandon(handle)
            handle.future.set_exception(
                OperationTimeoutError(
                    f"{handle.description} did not finish within {handle.timeout:g} s and did not stop when asked; "
                    "the TIA worker was restarted",
                    details={"timeoutSeconds": handle.timeout, "workerRestarted": True},
                )
            )

    def _abandon(self, handle: CallHandle[Any]) -> None:
        with self._lock:
            if self._current is not handle or self._thread is None:
                return
            logger.warning("abandoning stuck worker thread %s (%s)", self._thread.name, handle.description)
            self._thread.stop_flag.set()
            self._count_out()  # its thread will never count it out
            self.replaced_threads += 1
            self._current = None
            self._spawn()

    def stop(self) -> None:
        """Stop accepting calls and let the thread finish what it is doing."""
        self._closed = True
        self._queue.put(None)
