"""Archiving a project, as both adapters answer it: where the archive may go, and a project with unsaved changes.

TIA Portal archives the saved project only (Openness ``Project.Archive`` throws while ``Project.IsModified``),
so an archive taken with unsaved changes silently lacks them. Both adapters therefore refuse unless the
caller chose: save first, or archive the saved state with a warning (the fake only; TIA cannot).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import AlreadyExistsError, ConflictError, ValidationError
from engineering_api.errors import codes

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ("check_archive_target", "refuse_archive_target", "unsaved_changes_refused", "unsaved_changes_warning")


def check_archive_target(target: Path, version: str, project_folder: Path) -> None:
    """Refuse a target TIA would not archive a ``version`` project to: not ``.zapNN`` of that version, an existing
    file (TIA does not overwrite), a place inside the project's own folder.

    Raises:
        ValidationError: ``ARCHIVE_EXTENSION``, ``ARCHIVE_TARGET``.
        AlreadyExistsError: ``ARCHIVE_EXISTS``.
    """
    refuse_archive_target(target, ".zap" + version[1:], f"{version} project", project_folder, "the project folder")


def refuse_archive_target(target: Path, suffix: str, archived: str, folder: Path, folder_named: str,
                          details: dict[str, Any] | None = None) -> None:
    """TIA's rules for where an archive (of a project or a global library) goes: the ``suffix`` of the ``archived``
    thing's version, no existing file (TIA does not overwrite), not inside its own ``folder`` (``folder_named`` in
    the message). ``details`` go with the 422s (the field a client sent the path in).

    Raises:
        ValidationError: ``ARCHIVE_EXTENSION``, ``ARCHIVE_TARGET``.
        AlreadyExistsError: ``ARCHIVE_EXISTS``.
    """
    if target.suffix.lower() != suffix:
        raise ValidationError(f"A {archived} archive must have the extension {suffix}, not '{target.suffix}'.",
                              code=codes.ARCHIVE_EXTENSION, details=details)
    if target.exists():
        raise AlreadyExistsError(f"The archive '{target.name}' already exists.", code=codes.ARCHIVE_EXISTS)
    if target.resolve().is_relative_to(folder.resolve()):
        raise ValidationError(f"The archive cannot be written inside {folder_named}.", code=codes.ARCHIVE_TARGET,
                              details=details)


def unsaved_changes_refused(*, allow_requested: bool = False) -> ConflictError:
    """The 409 for archiving with unsaved changes; ``allow_requested`` when TIA cannot honour ``allowUnsaved``."""
    if allow_requested:
        return ConflictError(
            "The project has unsaved changes and TIA Portal archives only a saved project, so allowUnsaved cannot "
            "be honoured here: send saveFirst: true (or save with POST /api/projects/actions/save) and archive again.",
            code=codes.UNSAVED_CHANGES,
        )
    return ConflictError(
        "The project has unsaved changes that the archive would not hold: send saveFirst: true to save and then "
        "archive, or allowUnsaved: true to archive the last saved state without them.",
        code=codes.UNSAVED_CHANGES,
    )


def unsaved_changes_warning(saved_at: str | None) -> str:
    """The warning an archive taken with ``allowUnsaved`` carries."""
    when = f"saved at {saved_at}" if saved_at else "last saved"
    return f"The project had unsaved changes; they are not in the archive, which holds the state {when}."
