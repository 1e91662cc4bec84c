"""The API node's side of a farm: one TIA worker per caller instead of one for the whole server.

Embedded, one worker thread serialises every call, because one TIA Portal runs one operation at a time. In a
farm every caller has a portal of its own on some agent, so the callers need not wait for each other: each gets
its own :class:`~engineering_api.backend.worker.TiaWorker` (with its watchdog, timeouts and cancel tokens as
before), whose thread is bound to the caller; :class:`~engineering_api.farm.proxy.FarmBackend` reads that
binding to send the call to the caller's agent.

The caller is the request's session (:mod:`engineering_api.lib.caller`): the ``default`` session every key
shares, as on an embedded server, or a session a pipeline names with ``X-Engineering-Session`` to work on
several projects in parallel. Work the server starts on its own (schedules) runs in the default session.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING, Any, TypeVar

from engineering_api.backend.errors import OperationTimeoutError
from engineering_api.backend.worker import CallHandle, TiaWorker
from engineering_api.farm.outcomes import Operation, OutcomeUnknownError, operation_scope
from engineering_api.lib.caller import DEFAULT_SESSION, current_caller

if TYPE_CHECKING:
    from collections.abc import Callable

    from simatic_xml.cancel import CancelToken

__all__ = ("FarmWorker", "bound_caller")

T = TypeVar("T")

_thread_binding = threading.local()


def bound_caller() -> str | None:
    """The caller whose worker thread this is (None outside the farm's worker threads)."""
    return getattr(_thread_binding, "caller", None)


class FarmWorker:
    """Duck-types :class:`TiaWorker`: routes each call to the worker of the request's caller."""

    def __init__(self, on_thread_start: Callable[[], None] | None = None,
                 on_outcome_unknown: Callable[[str, dict[str, Any]], None] | None = None) -> None:
        """``on_outcome_unknown(job, call)``: a job's thread was given up on while it waited on ``call``
        (:meth:`~engineering_api.farm.proxy.FarmBackendBase.watch_unknown`)."""
        self._on_thread_start = on_thread_start
        self._on_outcome_unknown = on_outcome_unknown
        self._workers: dict[str, TiaWorker] = {}
        self._owners: weakref.WeakKeyDictionary[CallHandle[Any], tuple[TiaWorker, Operation]] = \
            weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self._closed = False

    def _worker(self) -> TiaWorker:
        caller = current_caller.get() or DEFAULT_SESSION
        with self._lock:
            worker = self._workers.get(caller)
            if worker is None:
                def bind(caller: str = caller) -> None:
                    _thread_binding.caller = caller
                    if self._on_thread_start is not None:
                        self._on_thread_start()

                worker = TiaWorker(bind, name=f"farm-{caller[:12]}")
                self._workers[caller] = worker
            return worker

    @property
    def thread_name(self) -> str | None:
        """The calling request's worker thread."""
        return self._worker().thread_name

    @property
    def replaced_threads(self) -> int:
        """Stuck threads abandoned, over every caller's worker."""
        return sum(w.replaced_threads for w in list(self._workers.values()))

    def start(self) -> None:
        """Workers start on their first call."""

    def submit(
        self, fn: Callable[[], T], *, description: str = "TIA call", token: CancelToken | None = None
    ) -> CallHandle[T]:
        """Queue ``fn`` on the caller's worker, as one operation (:func:`operation_scope`: a port call of it
        that did not run after another one that changed the project makes the operation's outcome unknown)."""
        if self._closed:
            raise RuntimeError("worker is stopped")
        worker = self._worker()
        state = Operation()

        def operation() -> T:
            with operation_scope(state):
                return fn()

        handle = worker.submit(operation, description=description, token=token)
        self._owners[handle] = (worker, state)
        return handle

    async def call(
        self, fn: Callable[[], T], *, timeout: float | None, description: str = "TIA call",
        token: CancelToken | None = None
    ) -> T:
        """Run ``fn`` on the caller's worker (see :meth:`TiaWorker.call`)."""
        handle = self.submit(fn, description=description, token=token)
        return await self.wait(handle, timeout=timeout)

    async def wait(self, handle: CallHandle[T], *, timeout: float | None) -> T:
        """Wait for a submitted call on the worker that runs it.

        Raises:
            OutcomeUnknownError: the call timed out and its thread, waiting on an agent, did not unwind: the agent
                did not stop the call, so whether it ran is not known (never a 504 that says nothing was kept).
        """
        worker, state = self._owners.get(handle) or (self._worker(), None)
        try:
            return await worker.wait(handle, timeout=timeout)
        except OperationTimeoutError as exc:
            if not (exc.details or {}).get("workerRestarted"):
                raise
            sent = state.last_call if state is not None else None
            if sent is not None and sent.job is not None and self._on_outcome_unknown is not None:
                # The thread given up on may still hear the call's reply before it gives up on the agent itself
                # (then nothing else would settle the job), or has just heard it: the job's end is filled in from
                # the call's real end either way.
                self._on_outcome_unknown(sent.job, sent.call)
            raise OutcomeUnknownError(
                f"{handle.description} did not stop within its timeout on its farm agent; whether it ran is not "
                "known yet. The caller's project there is closed without saving once the agent is free.",
                details={**(sent.call if sent is not None else {}),
                         "timeoutSeconds": (exc.details or {}).get("timeoutSeconds"), "cause": exc.code},
            ) from exc

    def stop(self) -> None:
        """Stop every caller's worker."""
        self._closed = True
        for worker in list(self._workers.values()):
            worker.stop()
