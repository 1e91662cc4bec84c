"""Start-up cleanup of the staging folders and temporary files a killed run left under the file roots.

Retrieves, archives and exports work in a staging folder beside their target and remove it when done; a
``kill -9`` leaves it behind (a retrieve's is as large as the project). Only the exact names the service
creates are matched, never a user's file; the cleanup runs at start-up, before any job, so no staging folder
found then belongs to work in progress. Project folders' own staged files are recovered when a project is
opened (``fakes.project_commit``), not here: their journal may still have to be applied.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

__all__ = ("SCRATCH_FOLDER", "is_stale_staging", "remove_stale_staging")

logger = logging.getLogger(__name__)

SCRATCH_FOLDER = ".engineering-api-scratch"
"""The Openness bridge's scratch root inside the first file root; everything in it is the service's."""

_MKTEMP = r"[a-z0-9_]{8}"
"""The random part ``tempfile.mkstemp``/``mkdtemp`` add."""

_STAGING_FOLDERS = re.compile(
    rf"^(?:\.(?:retrieve|archive)-[0-9a-f]{{32}}"  # the fake's retrieve and archive staging (uuid4 hex)
    rf"|\.\.retrieve-[0-9a-f]{{32}}\.{_MKTEMP}\.tmp"  # extract_zip's folder for that staging
    rf"|\.(?:archive|export)-{_MKTEMP})$"  # the bridge's archive and hardware export staging
)
_TEMPORARY_FILES = re.compile(
    rf"^(?:\..+\.zap\d{{2}}\.{_MKTEMP}\.tmp"  # create_zip writing an archive
    r"|\..+\.(?:xlsx|json)\.\d+\.tmp)$"  # a tag table export being written (tag_formats._atomic_write)
)


def is_stale_staging(name: str, *, folder: bool) -> bool:
    """Whether a folder or file name is one the service gives its staging folders or temporary files."""
    return bool((_STAGING_FOLDERS if folder else _TEMPORARY_FILES).match(name))


def remove_stale_staging(roots: Iterable[Path]) -> list[Path]:
    """Remove staging folders and temporary files left below ``roots`` by a run that was killed; log them.

    Symbolic links are not followed; a folder that cannot be removed is logged and skipped.

    Returns:
        What was removed.
    """
    removed: list[Path] = []
    for root in roots:
        for top, folders, files in os.walk(root):
            here = Path(top)
            if here.name == SCRATCH_FOLDER:
                folders[:] = [name for name in folders if not _remove(here / name, removed)]
                files[:] = [name for name in files if not _remove(here / name, removed)]
                continue
            folders[:] = [n for n in folders if not (is_stale_staging(n, folder=True) and _remove(here / n, removed))]
            for name in files:
                if is_stale_staging(name, folder=False):
                    _remove(here / name, removed)
    if removed:
        logger.warning(
            "removed %d staging folder(s)/temporary file(s) left by an interrupted run: %s",
            len(removed), ", ".join(str(p) for p in removed),
        )
    return removed


def _remove(path: Path, removed: list[Path]) -> bool:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError as exc:
        logger.warning("could not remove the stale staging item %s: %s", path, exc)
        return False
    removed.append(path)
    return True
