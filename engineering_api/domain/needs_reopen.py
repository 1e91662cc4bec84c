"""A project whose failed change could not be undone: marked as needing a reopen until it is closed or opened.

Source control brings a tree into the open project all or nothing; when a step fails and putting the project back
fails too, the project in memory is neither the old nor the new state. The client is told (an error, never a log
line) and the project is marked: saving it, which would make the damage permanent on disk, and source-control
changes that build on it are refused (409 ``PROJECT_NEEDS_REOPEN``) until it is closed (discarding the damage)
and opened again from its last save. The mark is kept in the service's state, so it survives a restart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import ConflictError
from engineering_api.errors import codes
from engineering_api.lib.schema import utc_now

if TYPE_CHECKING:
    from engineering_api.jobs.operations import OperationContext

__all__ = ("CODE", "clear", "mark", "refuse_if_marked")

CODE = codes.PROJECT_NEEDS_REOPEN
_KEY = "project-needs-reopen"


def mark(ctx: OperationContext, reason: str, details: dict[str, Any]) -> None:
    """Mark the open project as needing a reopen, saying why."""
    if ctx.state is not None:
        ctx.state.set(_KEY, {"reason": reason, "details": details, "at": utc_now()})


def clear(ctx: OperationContext) -> None:
    """Forget the mark (the project was closed, or a project was opened from disk)."""
    if ctx.state is not None:
        ctx.state.delete(_KEY)


def refuse_if_marked(ctx: OperationContext, what: str) -> None:
    """Raises:
    ConflictError: ``PROJECT_NEEDS_REOPEN`` while the open project is marked.
    """
    found = ctx.state.get(_KEY) if ctx.state is not None else None
    if found is None:
        return
    raise ConflictError(
        f"Cannot {what}: {found['reason']} The open project is not in a known state; close it without saving and "
        "open it again (it is then as it was at its last save).",
        code=CODE, details={"markedAt": found.get("at"), **(found.get("details") or {})},
    )
