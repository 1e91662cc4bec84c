"""One walk of a folder for every command that reads one (``scl check``, ``plc check``, ``simaticml check``,
``scl fmt``, ``scl build``, ``test run``) and for the language server.

A folder under check may come from anyone: git stores symbolic links, so a pull request can carry a link to
``/dev/zero`` (read until memory runs out), to a FIFO (a read that never returns) or to a file outside the folder
(``~/.ssh/id_rsa``, whose first token a parser error would quote into the CI log). The walk takes regular files
only (``stat``, then ``S_ISREG``), follows a link only when its target stays inside the folder, skips a file
larger than :data:`MAX_FILE_BYTES`, never descends into a linked folder, and says of each file it leaves out why.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Collection
    from pathlib import Path

__all__ = ("MAX_FILE_BYTES", "SKIPPED_FOLDERS", "FolderFiles", "SkippedFile", "read_regular", "refusal", "walk_files")

SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "__pycache__"})
"""Folders no TIA export lives in; walking them costs time and finds copies (a venv, git objects)."""

MAX_FILE_BYTES = 256 * 1024 * 1024
"""The largest file a walk takes: far above any TIA export or source seen (the corpus' largest is a few MB), far
below what exhausts a CI runner's memory."""


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file a walk left out, and why (for the command's note)."""

    path: str
    reason: str


@dataclass(slots=True)
class FolderFiles:
    """The files a walk found, sorted, and those it left out."""

    files: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def refusal(path: str, root: str | None = None, max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """Why ``path`` must not be read as a source (None: it may): not a regular file, a link whose target leaves
    ``root`` (the real path of the folder walked; None: a file named on its own), or larger than ``max_bytes``.
    A walked name that cannot be looked at (a dangling link) is taken: its read fails and the command reports it
    as it reports any file it cannot read."""
    try:
        found = os.stat(path)  # through a link: what a read would open
    except OSError as exc:
        return None if root is not None else f"cannot be read: {exc.strerror or exc}"
    if not stat.S_ISREG(found.st_mode):
        return f"{_kind(found.st_mode)}, not a regular file"
    if root is not None and os.path.islink(path):
        target = os.path.realpath(path)
        if os.path.commonpath((root, target)) != root:
            return "a link to a file outside the folder"
    if found.st_size > max_bytes:
        return f"larger than {max_bytes} bytes"
    return None


def walk_files(root: Path | str, wanted: Callable[[str], bool], *, skip_dirs: Collection[str] = SKIPPED_FOLDERS,
               max_bytes: int = MAX_FILE_BYTES) -> FolderFiles:
    """The regular files under ``root`` whose name ``wanted`` takes (sorted by path), folders named in
    ``skip_dirs`` left out; each wanted name that is not a safe regular file is in ``skipped`` with the reason."""
    real_root = os.path.realpath(root)
    found = FolderFiles()
    for folder, dirs, names in os.walk(root):  # followlinks=False: a linked folder is listed, never entered
        dirs[:] = [d for d in dirs if d not in skip_dirs and not os.path.islink(os.path.join(folder, d))]
        for name in names:
            if not wanted(name):
                continue
            path = os.path.join(folder, name)
            reason = refusal(path, real_root, max_bytes)
            if reason is None:
                found.files.append(path)
            else:
                found.skipped.append(SkippedFile(path, reason))
    found.files.sort()
    return found


def read_regular(path: str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at ``path``, checked on the open file itself (a FIFO or device swapped in
    after the walk is refused, not read): opened without blocking, ``fstat`` must say a regular file no larger
    than ``max_bytes``, and no more than that is read.

    Raises:
        OSError: it cannot be opened, is not a regular file (EINVAL) or is larger than ``max_bytes`` (EFBIG);
            ``strerror`` says which.
    """
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(handle, "rb") as file:
        found = os.fstat(file.fileno())
        if not stat.S_ISREG(found.st_mode):
            raise OSError(errno.EINVAL, f"{_kind(found.st_mode)}, not a regular file", path)
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise OSError(errno.EFBIG, f"larger than {max_bytes} bytes", path)
    return data
