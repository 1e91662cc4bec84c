"""What the API node tells a caller whose farm call's outcome it cannot know, and which call that was.

An operation may make several port calls (an import generates the blocks, then keeps the source): a later call
that did not run does not make the whole operation one that did not run. The farm's worker runs each operation in
an :func:`operation_scope` that notes the changing calls that completed, so the proxy can answer such a partial
run ``OUTCOME_UNKNOWN`` instead of a "did not run" code.
"""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import PortalUnavailableError

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ("OutcomeUnknownError", "changes_so_far", "in_flight", "note_change", "operation_scope")


class OutcomeUnknownError(PortalUnavailableError):
    """The call was sent and may have run, but its agent did not say how it ended in time (503)."""

    default_code = "OUTCOME_UNKNOWN"


in_flight: dict[int, dict[str, Any]] = {}
"""The farm call each running port call is waiting on, by the ``id`` of its cancel token: the worker that gives
up on a stuck thread (:class:`~engineering_api.farm.dispatch.FarmWorker`) names the call in its answer."""

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
