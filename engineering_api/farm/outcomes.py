"""What the API node tells a caller whose farm call's outcome it cannot know, and which call that was.

An operation may make several port calls (an import generates the blocks, then keeps the source): a later call
that did not run does not make the whole operation one that did not run. The farm's worker runs each operation in
an :func:`operation_scope` that notes the changing calls that completed, so the proxy can answer such a partial
run ``OUTCOME_UNKNOWN`` instead of a "did not run" code.
"""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, Any, NamedTuple

from engineering_api.backend.errors import PortalUnavailableError

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ("InFlight", "OutcomeUnknownError", "changes_so_far", "in_flight", "note_change", "operation_scope")


class OutcomeUnknownError(PortalUnavailableError):
    """The call was sent and may have run, but its agent did not say how it ended in time (503)."""

    default_code = "OUTCOME_UNKNOWN"


class InFlight(NamedTuple):
    """A farm call a port call waits on: the job that sent it (None outside a job) and its journal entry."""

    job: str | None
    call: dict[str, Any]


in_flight: dict[int, InFlight] = {}
"""The farm call each running port call is waiting on, by the ``id`` of its cancel token: the worker that gives
up on a stuck thread (:class:`~engineering_api.farm.dispatch.FarmWorker`) names the call in its answer and has the
job's end filled in when the agent reports."""

_operation = threading.local()


@contextlib.contextmanager
def operation_scope() -> Iterator[list[str]]:
    """One operation on this thread: the changing port calls that completed in it, in order."""
    outer = getattr(_operation, "changes", None)
    changes: list[str] = []
    _operation.changes = changes
    try:
        yield changes
    finally:
        _operation.changes = outer


def note_change(method: str) -> None:
    """A changing port call of the running operation completed (outside a scope: nothing to note)."""
    changes = getattr(_operation, "changes", None)
    if changes is not None:
        changes.append(method)


def changes_so_far() -> list[str]:
    """The changing port calls the running operation completed so far (none outside a scope)."""
    return list(getattr(_operation, "changes", None) or ())
