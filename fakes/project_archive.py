"""Archiving and retrieving the fake's projects (``.zapNN``), as TIA does: the saved state only, one project per
archive, nothing left behind by a refused one."""

from __future__ import annotations

import hashlib
import shutil
from typing import TYPE_CHECKING

from engineering_api.backend.errors import AlreadyExistsError, NotFoundError, ValidationError
from engineering_api.backend.models import ArchiveInfo
from engineering_api.errors import codes
from engineering_api.lib.archives import ArchiveRejectedError, create_zip, extract_zip
from engineering_api.lib.staging import staging_folder
from engineering_api.rules.archive import check_archive_target, unsaved_changes_refused, unsaved_changes_warning
from fakes.project_commit import recover
from fakes.project_files import LOCK_NAME, load_project, make_folder, project_version

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from engineering_api.backend.models import ArchiveUnsaved
    from fakes.model import Project

__all__ = ("archive_project", "retrieve_archive")


def archive_project(
    project: Project, target: Path, *, unsaved: ArchiveUnsaved, save: Callable[[], object],
) -> ArchiveInfo:
    """The port's ``archive_project`` of the open ``project``; ``save`` saves it (for ``unsaved="save"``)."""
    check_archive_target(target, project.version, project.folder)
    make_folder(target.parent)
    warnings: list[str] = []
    if project.dirty:  # checked after the target, so a refused target never saves
        if unsaved == "refuse":
            raise unsaved_changes_refused()
        if unsaved == "save":
            save()
        else:
            warnings.append(unsaved_changes_warning(project.saved_at))
    # TIA archives the saved project: what is on disk, without our lock file, zipped straight from the
    # project folder (this worker thread is its only writer, so nothing changes it meanwhile).
    recover(project.folder)  # a save that failed half-way is finished first: the archive holds one state
    count = create_zip(project.folder, target, top=project.name,
                       skip=lambda name: name == LOCK_NAME or name.startswith(".tmp-"))
    data = target.read_bytes()
    return ArchiveInfo(
        archive_path=str(target), size_bytes=len(data), file_count=count, sha256=hashlib.sha256(data).hexdigest(),
        warnings=warnings,
    )


def retrieve_archive(archive: Path, target_directory: Path, version: str) -> Path:
    """Restore an archive of a ``version`` project into ``target_directory``; returns its project file (the port's
    ``retrieve_project`` opens it). A refused archive leaves nothing behind."""
    if not archive.is_file():
        raise NotFoundError(f"The archive '{archive}' was not found.", code=codes.ARCHIVE_NOT_FOUND)
    if not archive.suffix.lower().startswith(".zap"):
        raise ValidationError(f"'{archive.name}' is not a TIA Portal archive (.zap16 … .zap21).",
                              code=codes.NOT_AN_ARCHIVE)
    new_target = not target_directory.exists()
    make_folder(target_directory)
    restored = False
    try:
        with staging_folder(target_directory, "retrieve") as staging:
            file = _restore_into(archive, staging / "archive", target_directory, version)
        restored = True
    finally:
        if new_target and not restored:
            shutil.rmtree(target_directory, ignore_errors=True)  # a refused archive leaves nothing behind
    return file


def _restore_into(archive: Path, staging: Path, target_directory: Path, version: str) -> Path:
    """Extract ``archive`` into ``staging``, check it holds one ``version`` project, move that into place."""
    try:
        extract_zip(archive, staging)
    except ArchiveRejectedError as exc:
        raise ValidationError(str(exc), code=codes.ARCHIVE_REJECTED) from None
    tops = [p for p in staging.iterdir() if p.is_dir()]
    files = [f for top in tops for f in top.glob("*.ap[0-9][0-9]")]
    if len(tops) != 1 or len(files) != 1:
        raise ValidationError(f"'{archive.name}' does not contain exactly one project.", code=codes.NOT_AN_ARCHIVE)
    project_dir = target_directory / tops[0].name
    if project_dir.exists():
        raise AlreadyExistsError(f"The target folder '{project_dir}' already exists.", code=codes.PROJECT_EXISTS)
    file = files[0]
    held = project_version(file)
    if held != version:
        raise ValidationError(
            f"The archive holds a TIA Portal {held} project; this portal is {version}.",
            code=codes.PROJECT_VERSION_MISMATCH,
        )
    load_project(file)  # refuse a damaged project before it lands in the target folder
    tops[0].rename(project_dir)
    return project_dir / file.name
