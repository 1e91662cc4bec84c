"""What the API node tells a caller whose farm call's outcome it cannot know, and which call that was.

An operation may make several port calls (an import generates the blocks, then keeps the source): a later call
that did not run does not make the whole operation one that did not run. The farm's worker runs each operation in
an :func:`operation_scope` that notes the changing calls that completed, so the proxy can answer such a partial
run ``OUTCOME_UNKNOWN`` instead of a "did not run" code, and the last farm call it sent, so the worker that gives up
on its thread can name that call.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from engineering_api.backend.errors import PortalUnavailableError
from engineering_api.errors import codes

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ("InFlight", "Operation", "OutcomeUnknownError", "changes_so_far", "note_change", "note_sent",
           "operation_scope")


class OutcomeUnknownError(PortalUnavailableError):
    """The call was sent and may have run, but its agent did not say how it ended in time (503)."""

    default_code = codes.OUTCOME_UNKNOWN


class InFlight(NamedTuple):
    """A farm call an operation sent: the job that sent it (None outside a job) and its journal entry."""

    job: str | None
    call: dict[str, Any]


@dataclass
class Operation:
    """One operation on a farm worker's thread, as far as its farm calls go."""

    changes: list[str] = field(default_factory=list)
    """The changing port calls that completed, in order."""
    last_call: InFlight | None = None
    """The last farm call it sent (kept after its reply: the worker that gives up on the thread names it, and has
    the job's end filled in from its real end, whether it still runs or has just ended)."""


_operation = threading.local()


@contextlib.contextmanager
def operation_scope(operation: Operation) -> Iterator[Operation]:
    """``operation`` runs on this thread (:class:`~engineering_api.farm.dispatch.FarmWorker`)."""
    outer = getattr(_operation, "current", None)
    _operation.current = operation
    try:
        yield operation
    finally:
        _operation.current = outer


def note_change(method: str) -> None:
    """A changing port call of the running operation completed (outside a scope: nothing to note)."""
    operation = getattr(_operation, "current", None)
    if operation is not None:
        operation.changes.append(method)


def note_sent(job: str | None, call: dict[str, Any]) -> None:
    """The running operation sent ``call`` (outside a scope: nothing to note)."""
    operation = getattr(_operation, "current", None)
    if operation is not None:
        operation.last_call = InFlight(job, call)


def changes_so_far() -> list[str]:
    """The changing port calls the running operation completed so far (none outside a scope)."""
    operation = getattr(_operation, "current", None)
    return list(operation.changes) if operation is not None else []
