"""The data directory and the database are the server's alone: created 0700 and 0600, checked by ``doctor``.

They hold the audit, job inputs, API key hashes and projects, so no other local user may read them. A directory
or file that already exists keeps its mode (it may be shared on purpose); ``doctor`` warns about a looser one.
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ("DIR_MODE", "FILE_MODE", "loose_modes", "make_private_dir", "make_private_file")

DIR_MODE = 0o700
FILE_MODE = 0o600


def make_private_dir(path: Path) -> Path:
    """Create ``path`` (and its missing parents) if needed; the directory itself, when created here, is 0700."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        os.chmod(path, DIR_MODE)  # mkdir's mode is masked by the umask; this is exact
    return path


def make_private_file(path: Path) -> Path:
    """Create an empty ``path`` with mode 0600 unless it exists (before SQLite opens it: SQLite gives its WAL
    and shared-memory files the mode of the database file)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return path
    os.close(fd)
    os.chmod(path, FILE_MODE)
    return path


def loose_modes(data_dir: Path, files: list[Path]) -> list[str]:
    """What other users may reach: ``data_dir`` (or ``files`` in it) with any group or other permission bit."""
    found = []
    for path, wanted in [(data_dir, DIR_MODE), *((f, FILE_MODE) for f in files)]:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            continue
        if mode & 0o077:
            found.append(f"{path} is {mode:04o}; other users can {'list' if wanted == DIR_MODE else 'read'} it "
                         f"(fix: chmod {wanted:o} {path})")
    return found
