"""The gate a farm call's journal passes before the call is sent, which a clean stop closes.

A job's journal (:meth:`engineering_api.farm.registry.AgentRegistry.note_job_call`) names the call it waits on
before the call is sent, so a node that stops at any moment leaves each job either with a call in its journal (an
agent may run it: the job stays with it) or with none (nothing more is sent for it: it is ended by what completed).
A stop reads the journals only once no journal is being written, and from then on nothing passes the gate.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from engineering_api.backend.errors import PortalUnavailableError

__all__ = ("SendGate",)


class SendGate:
    """Counts the journals being written before a send; :meth:`close` stops the sends that have not begun."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._closed = False
        self._writing = 0

    @contextmanager
    def sending(self, method: str) -> Iterator[None]:
        """Around the write of a call's journal, before the call is sent.

        Raises:
            PortalUnavailableError: ``INTERRUPTED`` (cause ``API_NODE_STOPPED``): the node is stopping, and
                ``method`` was not sent.
        """
        with self._changed:
            if self._closed:
                raise PortalUnavailableError(
                    f"This API node is stopping: {method} was not sent, and the rest of the operation never runs.",
                    code="INTERRUPTED", details={"method": method, "cause": "API_NODE_STOPPED"})
            self._writing += 1
        try:
            yield
        finally:
            with self._changed:
                self._writing -= 1
                self._changed.notify_all()

    def close(self, timeout: float) -> bool:
        """Let no send begin from now on; returns once no journal is being written (False: ``timeout`` passed
        first, a write still waiting for Redis)."""
        with self._changed:
            self._closed = True
            return self._changed.wait_for(lambda: self._writing == 0, timeout)
