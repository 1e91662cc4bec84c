"""The project files below the file roots: what T-IA Connect's client lists to offer "open project"."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engineering_api.jobs.operations import Operation, read
from engineering_api.lib.schema import CamelStruct

if TYPE_CHECKING:
    from engineering_api.jobs.operations import OperationContext

__all__ = ("FILES_OPERATION", "MAX_FILES", "ProjectFile")

MAX_FILES = 1000
"""At most this many files are listed (the newest first), so a huge root cannot stall the worker."""
MAX_DEPTH = 6
"""Folders deeper than this below a root are not searched (a project sits at ``<root>/<dir>/<name>/<name>.apNN``)."""
_EXTENSIONS = tuple(f".ap{v}" for v in range(16, 22)) + tuple(f".zap{v}" for v in range(16, 22))


class ProjectFile(CamelStruct):
    """A TIA project file (``.ap16`` … ``.ap21``) or project archive (``.zap16`` … ``.zap21``)."""

    name: str
    path: str
    extension: str
    size: int
    last_modified: str


def _walk(root: Path, private: Path) -> list[Path]:
    found: list[Path] = []
    base_depth = len(root.parts)
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        # Hidden folders, the service's own data and TIA's project-internal folders hold no user projects.
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (here / d) != private
                         and len(here.parts) - base_depth < MAX_DEPTH)
        found.extend(here / f for f in files if f.lower().endswith(_EXTENSIONS) and not f.startswith("."))
    return found


def _list(ctx: OperationContext, _: None) -> list[ProjectFile]:
    private = ctx.settings.data_dir.resolve()
    files: list[tuple[float, ProjectFile]] = []
    for root in ctx.settings.roots:
        root = root.resolve()
        if not root.is_dir():
            continue
        for path in _walk(root, private):
            try:
                stat = path.stat()
            except OSError:  # removed while listing
                continue
            modified = dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone.utc)
            files.append((stat.st_mtime, ProjectFile(
                name=path.name, path=str(path), extension=path.suffix.lower(), size=stat.st_size,
                last_modified=modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
            )))
    files.sort(key=lambda item: (-item[0], item[1].path))
    return [file for _, file in files[:MAX_FILES]]


FILES_OPERATION: Operation[Any, Any] = read(
    "projects.files", "Project Operations", "Project files and archives below the file roots, newest first.",
    "/api/projects/files", _list, None, list[ProjectFile],
    description=f"Lists .ap16-.ap21 projects and .zap16-.zap21 archives, at most {MAX_FILES}, searching "
                f"{MAX_DEPTH} folder levels below each root; hidden folders and the service's data are skipped.")
