"""The server's stop as the pulls' runs see it: a run waiting on its source ends its wait at once.

An ERP that accepts a connection and never answers holds a fetch for its source's ``timeoutSeconds`` per attempt
(up to 120 s, three attempts). A run's thread blocked in that read was joined at the process's exit, so ``serve``
took granian's whole grace to stop and its worker was killed, the run's outcome never written. Each attempt
now runs on a daemon thread of its own, which its run waits for until the attempt ends or the server stops: at the
stop the run is recorded ``Interrupted`` (nothing written) and its thread is free; the abandoned attempt's thread
holds only its socket, which the process's exit closes without waiting for it. The backoff between attempts ends
at the stop too. The stop then waits, bounded by :data:`STOP_WAIT_S`, for the runs in flight to record their
outcome (a run writing to the PLC finishes its write).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ("STOP_WAIT_S", "RunStop", "StopInterrupted")

T = TypeVar("T")

STOP_WAIT_S = 5.0
"""The longest a stopping server waits for the pulls' runs to record their outcome: runs waiting on a source end at
once; one writing to the PLC ends with its write, which the PLC's own bounds limit."""


class StopInterrupted(Exception):  # the run's outcome, recorded as Interrupted: not a fault
    """The server stopped while the run waited on its source."""


class RunStop:
    """The runs in flight and the server's stop (thread-safe)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._stopped = False
        self._running = 0

    @property
    def stopped(self) -> bool:
        """Whether the server is stopping (no run starts then)."""
        return self._stopped

    @contextmanager
    def running(self) -> Iterator[None]:
        """A run from its start until its outcome is recorded (what :meth:`stop` waits for)."""
        with self._changed:
            self._running += 1
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                self._changed.notify_all()

    def pause(self, seconds: float) -> None:
        """Wait ``seconds`` (a backoff), ended by the stop.

        Raises:
            StopInterrupted: the server stopped.
        """
        with self._changed:
            if self._changed.wait_for(lambda: self._stopped, seconds):
                raise StopInterrupted

    def unless_stopped(self, work: Callable[[], T]) -> T:
        """``work()``'s answer (or its exception), run on a daemon thread of its own and waited for until it ends
        or the server stops.

        Raises:
            StopInterrupted: the server stopped first (``work`` is left to end alone, or with the process).
        """
        answers: list[T] = []
        errors: list[BaseException] = []

        def attempt() -> None:
            try:
                answer = work()
            except BaseException as exc:  # handed to the waiting run, which raises it as its own
                with self._changed:
                    errors.append(exc)
                    self._changed.notify_all()
                return
            with self._changed:
                answers.append(answer)
                self._changed.notify_all()

        with self._changed:
            if self._stopped:
                raise StopInterrupted
        threading.Thread(target=attempt, name="pull-fetch", daemon=True).start()
        with self._changed:
            self._changed.wait_for(lambda: bool(answers or errors or self._stopped))
            if answers:
                return answers[0]
            if not errors:
                raise StopInterrupted
        raise errors[0]

    def stop(self, seconds: float = STOP_WAIT_S) -> int:
        """End every run's wait on its source, then wait (at most ``seconds``) for the runs in flight to record
        their outcome; the number still running after that."""
        with self._changed:
            self._stopped = True
            self._changed.notify_all()
            self._changed.wait_for(lambda: self._running == 0, seconds)
            return self._running
