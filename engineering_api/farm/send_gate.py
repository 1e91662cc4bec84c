"""The gate a farm call's journal passes before the call is sent, which a clean stop closes.

A job's journal (:meth:`engineering_api.farm.registry.AgentRegistry.note_job_call`) names the call it waits on
before the call is sent, so a node that stops at any moment leaves each job either with a call in its journal (an
agent may run it: the job stays with it) or with none (nothing more is sent for it: it is ended by what completed).
A stop reads the journals only once no journal is being written; from then on no call is sent, and no journal is
rewritten (a job left with its call keeps naming it, so the node that finishes the job reads that call's end).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from engineering_api.backend.errors import PortalUnavailableError
from engineering_api.errors import codes

__all__ = ("SendGate",)


class SendGate:
    """Counts the journals being written; :meth:`close` stops the sends and rewrites that have not begun."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._closed = False
        self._writing = 0

    def open(self) -> None:
        """Let sends through again (a node that starts anew in the same process)."""
        with self._changed:
            self._closed = False

    @contextmanager
    def sending(self, method: str) -> Iterator[None]:
        """Around the write of a call's journal, before the call is sent.

        Raises:
            PortalUnavailableError: ``INTERRUPTED`` (cause ``API_NODE_STOPPED``): the node is stopping (or stopped
                while the journal was written, which then names a call never sent), and ``method`` was not sent.
        """
        if not self._enter():
            raise _stopping(method)
        try:
            yield
        finally:
            closed = self._leave()
        if closed:
            raise _stopping(method)

    @contextmanager
    def rewriting(self) -> Iterator[bool]:
        """Around a rewrite of a journal after its call: yields whether to write (not once the gate is closed)."""
        entered = self._enter()
        try:
            yield entered
        finally:
            if entered:
                self._leave()

    def close(self, timeout: float) -> bool:
        """Let no send or rewrite begin from now on; returns once no journal is being written (False: ``timeout``
        passed first, a write still waiting for Redis: its call is not sent either)."""
        with self._changed:
            self._closed = True
            return self._changed.wait_for(lambda: self._writing == 0, timeout)

    def _enter(self) -> bool:
        with self._changed:
            if self._closed:
                return False
            self._writing += 1
            return True

    def _leave(self) -> bool:
        """One write less; whether the gate closed meanwhile."""
        with self._changed:
            self._writing -= 1
            self._changed.notify_all()
            return self._closed


def _stopping(method: str) -> PortalUnavailableError:
    return PortalUnavailableError(
        f"This API node is stopping: {method} was not sent, and the rest of the operation never runs.",
        code=codes.INTERRUPTED, details={"method": method, "cause": "API_NODE_STOPPED"})
