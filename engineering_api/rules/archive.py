"""Archiving a project with unsaved changes, as both adapters answer it.

TIA Portal archives the saved project only (Openness ``Project.Archive`` throws while ``Project.IsModified``),
so an archive taken with unsaved changes silently lacks them. Both adapters therefore refuse unless the
caller chose: save first, or archive the saved state with a warning (the fake only; TIA cannot).
"""

from __future__ import annotations

from engineering_api.backend.errors import ConflictError

__all__ = ("UNSAVED_CHANGES", "unsaved_changes_refused", "unsaved_changes_warning")

UNSAVED_CHANGES = "UNSAVED_CHANGES"


def unsaved_changes_refused(*, allow_requested: bool = False) -> ConflictError:
    """The 409 for archiving with unsaved changes; ``allow_requested`` when TIA cannot honour ``allowUnsaved``."""
    if allow_requested:
        return ConflictError(
            "The project has unsaved changes and TIA Portal archives only a saved project, so allowUnsaved cannot "
            "be honoured here: send saveFirst: true (or save with POST /api/projects/actions/save) and archive again.",
            code=UNSAVED_CHANGES,
        )
    return ConflictError(
        "The project has unsaved changes that the archive would not hold: send saveFirst: true to save and then "
        "archive, or allowUnsaved: true to archive the last saved state without them.",
        code=UNSAVED_CHANGES,
    )


def unsaved_changes_warning(saved_at: str | None) -> str:
    """The warning an archive taken with ``allowUnsaved`` carries."""
    when = f"saved at {saved_at}" if saved_at else "last saved"
    return f"The project had unsaved changes; they are not in the archive, which holds the state {when}."
