"""One walk of a folder for every command that reads one (``scl check``, ``plc check``, ``simaticml check``,
``scl fmt``, ``scl build``, ``test run``) and for the language server.

A folder under check may come from anyone: git stores symbolic links, so a pull request can carry a link to
``/dev/zero`` (read until memory runs out), to a FIFO (a read that never returns) or to a file outside the folder
(``~/.ssh/id_rsa``, whose first token a parser error would quote into the CI log). The walk takes regular files
only (``stat``, then ``S_ISREG``), follows a link only when its target stays inside the folder, skips a file
larger than :data:`MAX_FILE_BYTES`, never descends into a linked folder nor deeper than :data:`MAX_FOLDER_DEPTH`
levels, keeps its own list of folders to visit (no recursion), and says of each file and folder it leaves out why.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator
    from pathlib import Path

__all__ = ("MAX_FILE_BYTES", "MAX_FOLDER_DEPTH", "SKIPPED_FOLDERS", "FolderFiles", "SkippedFile", "read_regular",
           "refusal", "remove_tree", "walk_files", "walk_tree")

SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "__pycache__"})
"""Folders no TIA export lives in; walking them costs time and finds copies (a venv, git objects)."""

MAX_FILE_BYTES = 256 * 1024 * 1024
"""The largest file a walk takes: far above any TIA export or source seen (the corpus' largest is a few MB), far
below what exhausts a CI runner's memory."""
MAX_FOLDER_DEPTH = 64
"""The deepest folder a walk enters, counted from the folder walked: TIA's own group trees and the repositories
seen nest well under 20 levels; a deeper folder is left out with a note, so no later step that follows the
folder structure (a path per level, a group per folder) meets an unbounded depth."""


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
               max_bytes: int = MAX_FILE_BYTES, max_depth: int = MAX_FOLDER_DEPTH) -> FolderFiles:
    """The regular files under ``root`` whose name ``wanted`` takes (sorted by path), folders named in
    ``skip_dirs`` left out; each wanted name that is not a safe regular file is in ``skipped`` with the reason, and
    so is each folder nested more than ``max_depth`` levels below ``root`` (not entered).

    The walk keeps its own list of folders to visit: ``os.walk`` recurses once per level (Python 3.11), so a tree
    1,500 folders deep ended every command in a ``RecursionError``. A folder that cannot be listed (gone, no
    permission, a path too long) is passed over, as ``os.walk`` does."""
    real_root = os.path.realpath(root)
    found = FolderFiles()
    pending = [(os.fspath(root), 0)]
    while pending:
        folder, depth = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue
        below: list[tuple[str, int]] = []
        for entry in entries:
            path = os.path.join(folder, entry.name)
            if _is_folder(entry):
                if entry.is_symlink() or entry.name in skip_dirs:  # a linked folder is never entered
                    continue
                if depth >= max_depth:
                    found.skipped.append(SkippedFile(path, _TOO_DEEP.format(max_depth)))
                else:
                    below.append((path, depth + 1))
            elif wanted(entry.name):
                reason = refusal(path, real_root, max_bytes)
                if reason is None:
                    found.files.append(path)
                else:
                    found.skipped.append(SkippedFile(path, reason))
        pending.extend(reversed(below))  # visited in name order, as the notes are read
    found.files.sort()
    return found


def walk_tree(top: Path | str) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk(top)`` (top-down, linked folders listed but not entered, a folder that cannot be listed passed
    over) without its recursion: ``os.walk`` of Python 3.11 recursed once per level, so a tree deeper than the
    recursion limit ended the walk in a ``RecursionError``. As with ``os.walk``, the caller may prune the folder
    names it is given (``folders[:] = ...``) to keep the walk out of them."""
    pending = [os.fspath(top)]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            continue
        folders: list[str] = []
        files: list[str] = []
        linked: set[str] = set()
        for entry in entries:
            if _is_folder(entry):
                folders.append(entry.name)
                if entry.is_symlink():
                    linked.add(entry.name)
            else:
                files.append(entry.name)
        yield folder, folders, files
        pending.extend(os.path.join(folder, name) for name in reversed(folders) if name not in linked)


_TOO_DEEP = "a folder nested more than {} levels below the folder walked: not entered"


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # through a link, as os.walk lists it (and leaves it out as a link)
    except OSError:
        return False


def read_regular(path: str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at ``path``, checked by ``stat`` before it is opened and again on the open file
    itself (a FIFO or device swapped in between is refused, not read): opened without blocking, ``fstat`` must say
    a regular file no larger than ``max_bytes``, and no more than that is read.

    Raises:
        OSError: it cannot be opened, is not a regular file (EINVAL) or is larger than ``max_bytes`` (EFBIG);
            ``strerror`` says which.
    """
    named = os.stat(path)  # by type before any open: opening a device can act (a tape rewinds, a watchdog arms)
    if not stat.S_ISREG(named.st_mode):
        raise OSError(errno.EINVAL, f"{_kind(named.st_mode)}, not a regular file", path)
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(handle, "rb") as file:
        found = os.fstat(file.fileno())
        if not stat.S_ISREG(found.st_mode):
            raise OSError(errno.EINVAL, f"{_kind(found.st_mode)}, not a regular file", path)
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise OSError(errno.EFBIG, f"larger than {max_bytes} bytes", path)
    return data


_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW


def remove_tree(path: Path | str) -> None:
    """Remove the folder ``path`` and everything in it, as ``shutil.rmtree`` does, at any depth: Python 3.11's
    ``rmtree`` recurses once per level, and a tree deeper than the recursion limit (1,000) raised ``RecursionError``.

    One folder descriptor is open at a time (a tree 1,500 deep would exceed the process's descriptors), each entry
    removed relative to its folder's descriptor (no path grows with the depth), a link removed and never followed,
    and what is left of each folder above kept as a list of names (every entry is listed once).

    Raises:
        OSError: an entry that cannot be removed (the rest of the tree is left as it is).
    """
    fd = os.open(path, _DIRECTORY)
    pending: list[tuple[str, list[str]]] = []  # per folder above: its name in its parent, its entries not yet done
    names = os.listdir(fd)
    try:
        while True:
            while names:
                name = names.pop()
                if stat.S_ISDIR(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
                    child = os.open(name, _DIRECTORY, dir_fd=fd)
                    os.close(fd)
                    fd = child
                    pending.append((name, names))
                    names = os.listdir(fd)
                else:
                    os.unlink(name, dir_fd=fd)
            if not pending:
                break
            name, names = pending.pop()
            parent = os.open("..", _DIRECTORY & ~os.O_NOFOLLOW, dir_fd=fd)  # ".." is the folder it was entered from
            os.close(fd)
            fd = parent
            os.rmdir(name, dir_fd=fd)
    finally:
        os.close(fd)
    os.rmdir(path)
