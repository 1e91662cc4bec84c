"""Crash-safe writes of many files in one folder: stage beside the targets, commit with a journal, switch over.

A save stages every changed file as ``.tmp-*`` beside its target and flushes them all to disk, side by side. It
then writes a journal (every rename and deletion, paths relative to the folder) under a staged name and renames it to
``.engineering-api.journal``: that rename is the commit point. The renames and deletions are applied and the
journal removed. :func:`recover` runs before the folder is read or written: a journal found there is applied
again (each step is idempotent: a rename whose staged file is gone and whose target exists was done), otherwise
the stray staged files of an interrupted save are deleted. So after a kill at any moment the folder holds
exactly the old or exactly the new state, and the layout stays plain files that diff well in git.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import secrets
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

import msgspec

__all__ = ("JOURNAL_NAME", "STAGED_PREFIX", "FolderCommit", "is_transient", "recover", "saved_files")

JOURNAL_NAME = ".engineering-api.journal"
STAGED_PREFIX = ".tmp-"
"""Staged files and the journal before its commit rename; readers skip these names, recovery deletes them."""
_JOURNAL_FORMAT = "engineering-api/folder-journal"


def is_transient(name: str) -> bool:
    """Whether a file name is a staged file or the journal, never part of the folder's saved state."""
    return name.startswith(STAGED_PREFIX) or name == JOURNAL_NAME


def saved_files(base: Path, pattern: str = "*") -> list[Path]:
    """The files below ``base`` whose names match ``pattern`` that belong to the saved state (:func:`_saved_names`),
    sorted."""
    return sorted(Path(name) for name in _saved_names(os.fspath(base))
                  if fnmatch.fnmatch(os.path.basename(name), pattern))


def _saved_names(base: str) -> Iterator[str]:
    """The paths of the files below ``base`` that belong to the saved state (no staged file, no journal), unsorted;
    linked folders not walked (as ``Path.rglob`` did not), a linked file counted."""
    folders = [base]
    while folders:
        try:
            entries = os.scandir(folders.pop())
        except (FileNotFoundError, NotADirectoryError):
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif entry.is_file() and not is_transient(entry.name):
                    yield entry.path


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make renames in ``folder`` durable; a no-op where directories cannot be opened (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_SYNC_THREADS = 16
"""fsyncs issued side by side: a journaling file system (ext4) then commits many of them in one transaction
instead of one each. A save of 300 files took 1.2 s of fsyncs one after the other and 0.1 s sixteen at a time."""


_SYNC_ALONE = 4
"""Up to this many paths are synced one after the other: a thread pool is not worth it for a small save."""


def _sync_all(paths: Iterable[Path], sync: Callable[[Path], None]) -> None:
    """``sync`` every path, side by side; the first error is raised once all have run."""
    items = list(paths)
    if len(items) <= _SYNC_ALONE:
        for path in items:
            sync(path)
        return
    with ThreadPoolExecutor(min(_SYNC_THREADS, len(items)), thread_name_prefix="fsync") as pool:
        for _ in pool.map(sync, items):
            pass


_KNOWN: dict[Path, dict[str, tuple[bytes, tuple[int, int, int]]]] = {}
"""Per folder committed to, what its files were last known to hold (:meth:`FolderCommit._holds`): the content, as
the object it was given, and the file's stamp when it was written or read."""
_KNOWN_FOLDERS = 4
"""Folders whose files are remembered (each holds its contents alive until the folder is forgotten)."""


def _known_files(root: Path) -> dict[str, tuple[bytes, tuple[int, int, int]]]:
    """The remembered files of ``root``, which becomes the most recent folder (the oldest beyond
    :data:`_KNOWN_FOLDERS` is forgotten)."""
    known = _KNOWN.pop(root, None)
    _KNOWN[root] = known = {} if known is None else known
    while len(_KNOWN) > _KNOWN_FOLDERS:
        del _KNOWN[next(iter(_KNOWN))]
    return known


_STAGED_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _stage(folder: Path, data: bytes) -> Path:
    """Write ``data`` to a new staged file in ``folder``, which exists (not yet durable: :meth:`FolderCommit.commit`
    syncs every staged file before its commit point).

    Named as :func:`tempfile.mkstemp` names and makes one (a random name, created exclusively, mode 0600), without
    its Python work per file (a name of eight ``random.choice`` calls, the flags worked out again): a save stages
    hundreds of files."""
    while True:
        path = folder / f"{STAGED_PREFIX}{secrets.token_hex(8)}"
        try:
            fd = os.open(path, _STAGED_FLAGS, 0o600)
        except FileExistsError:  # 64 random bits: all but never
            continue
        break
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)
    return path


class FolderCommit:
    """One crash-safe change of files below ``root``: :meth:`write` and :meth:`delete`, then :meth:`commit`.

    Used as a context manager, staged files are removed when the block is left without a commit. Errors are
    ``OSError`` from the file system (the folder keeps its old state unless the journal was committed, in which
    case the next :func:`recover` finishes the switch).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._renames: list[tuple[Path, Path]] = []
        self._deletions: list[Path] = []
        self._staged_journal: Path | None = None
        """The journal before its commit rename; once that name is gone, the commit happened."""
        self._folders: set[Path] = set()
        """Folders made (or found) for staged files: each is made once per commit, not once per file."""
        self._prefix = str(root).rstrip(os.sep) + os.sep
        self._known = _known_files(root)
        self._written: dict[Path, bytes] = {}
        """What each staged file holds, by its target: known (:meth:`_holds`) once the commit has put it there."""

    def __enter__(self) -> FolderCommit:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.abort()

    def write(self, target: Path | str, content: str | bytes) -> None:
        """Stage ``content`` for ``target`` (a path, or its text: a save of a plant's objects made a Path of each
        to find them unchanged); a file that already holds it is left alone.

        Raises:
            ValueError: ``target`` is not plainly below the root (:meth:`_relative`); :meth:`delete` likewise.
        """
        data = content.encode("utf-8") if isinstance(content, str) else content
        name = os.fspath(target)
        if self._holds(name, data):
            return
        path = Path(name)
        self._relative(path)  # refused before anything is staged (its folder made), not only at the commit
        folder = path.parent
        if folder not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        self._renames.append((_stage(folder, data), path))
        self._written[path] = data

    def _holds(self, name: str, data: bytes) -> bool:
        """Whether the file ``name`` holds ``data``. Read and compared, unless it is the very object this process
        last wrote there or found there and the file's stamp (modification time, size, inode) has not moved since:
        a save of a plant's 10,000 unchanged objects read every file."""
        try:
            status = os.stat(name)
        except OSError:
            return False
        if not stat.S_ISREG(status.st_mode) or status.st_size != len(data):
            return False
        stamp = (status.st_mtime_ns, status.st_size, status.st_ino)
        known = self._known.get(name)
        if known is not None and known[0] is data and known[1] == stamp:
            return True
        with open(name, "rb") as file:
            if file.read() != data:
                return False
        self._known[name] = (data, stamp)
        return True

    def delete(self, path: Path) -> None:
        """Delete the file or folder ``path`` when the commit is applied."""
        self._relative(path)
        self._deletions.append(path)

    def delete_stale(self, base: Path, wanted: Iterable[Path | str]) -> None:
        """Delete the saved files below ``base`` that this save does not write (not in ``wanted``).

        Compared as text, the folders walked with :func:`os.scandir` (:func:`_saved_names`): a plant's save walked
        its 10,000 files as paths, a third of its CPU in hashing and comparing them."""
        written = {os.fspath(path) for path in wanted}
        for stale in sorted(name for name in _saved_names(os.fspath(base)) if name not in written):
            self.delete(Path(stale))

    def commit(self) -> None:
        """Switch to the staged state in one rename (the journal's), then apply it and remove the journal."""
        if not self._renames and not self._deletions:
            return
        # The staged files' contents and directory entries reach the disk before the commit point.
        _sync_all([staged for staged, _ in self._renames], _fsync_file)
        _sync_all({target.parent for _, target in self._renames}, _fsync_dir)
        journal = {
            "format": _JOURNAL_FORMAT,
            "renames": [[self._relative(staged), self._relative(target)] for staged, target in self._renames],
            "deletions": [self._relative(path) for path in self._deletions],
        }
        if self.root not in self._folders:  # a commit of deletions only made no folder
            self.root.mkdir(parents=True, exist_ok=True)
        self._staged_journal = _stage(self.root, msgspec.json.format(msgspec.json.encode(journal), indent=1))
        _fsync_file(self._staged_journal)
        os.replace(self._staged_journal, self.root / JOURNAL_NAME)
        _fsync_dir(self.root)
        renames, deletions = self._renames, self._deletions
        self._renames, self._deletions, self._staged_journal = [], [], None
        # The journal just written, applied from what it was made of rather than read back: the same steps
        # _replay takes after a crash. Every staged file is named in it: nothing is left to sweep.
        _apply_steps(self.root, renames, deletions)
        _remove_journal(self.root)
        for path in deletions:
            self._known.pop(os.fspath(path), None)  # a deleted folder's files: stat finds them absent
        for path, data in self._written.items():
            with contextlib.suppress(OSError):
                status = path.stat()
                self._known[os.fspath(path)] = (data, (status.st_mtime_ns, status.st_size, status.st_ino))
        self._written = {}

    def abort(self) -> None:
        """Remove what was staged and not committed.

        Once the journal was renamed into place its staged files belong to it, even when an exception came right
        after the rename: deleting them would leave recovery to skip those renames and mix old and new files.
        """
        committed = self._staged_journal is not None and not self._staged_journal.exists()
        if not committed:
            for staged, _ in self._renames:
                staged.unlink(missing_ok=True)
            if self._staged_journal is not None:
                self._staged_journal.unlink(missing_ok=True)
        self._renames, self._deletions, self._staged_journal = [], [], None
        self._written = {}

    def _relative(self, path: Path) -> str:
        """``path`` (below the root: the commit's own paths) relative to the root, as the journal writes it.

        Raises:
            ValueError: ``path`` is not plainly below the root (``a/../..`` included): the commit is applied from
                these paths as a replay applies the journal, so they pass the replay's check (:func:`_inside`)
                here, before the commit point, or the folder could be changed outside its root.
        """
        text = str(path)
        if not text.startswith(self._prefix):
            raise ValueError(f"'{path}' is not below '{self.root}'")
        relative = text[len(self._prefix):]
        if os.sep != "/":
            relative = relative.replace(os.sep, "/")
        _plain_parts(relative)
        return relative


def _inside(root: Path, relative: object) -> Path:
    """``root / relative`` for a journal entry, refusing anything that could leave the folder."""
    return root.joinpath(*_plain_parts(relative))


def _plain_parts(relative: object) -> list[str]:
    """The names of a journal entry, refusing anything that could leave the folder (no Python call per name: every
    path a save writes passes here)."""
    if not isinstance(relative, str) or not relative or relative.startswith("/") or "\\" in relative:
        raise ValueError(f"journal entry {relative!r} is not a relative path")
    parts = relative.split("/")
    if not _NOT_A_NAME.isdisjoint(parts):
        raise ValueError(f"journal entry {relative!r} is not a plain relative path")
    return parts


_NOT_A_NAME = frozenset({"", ".", ".."})


def _apply(root: Path, journal: object) -> None:
    if not isinstance(journal, dict) or journal.get("format") != _JOURNAL_FORMAT:
        raise ValueError(f"'{JOURNAL_NAME}' is not a journal this model wrote")
    renames = [(_inside(root, s), _inside(root, t)) for s, t in journal.get("renames", [])]
    deletions = [_inside(root, p) for p in journal.get("deletions", [])]
    _apply_steps(root, renames, deletions)


def _apply_steps(root: Path, renames: list[tuple[Path, Path]], deletions: list[Path]) -> None:
    """A journal's deletions and renames, done; each step is idempotent, so a replay may do them again."""
    # Deletions first: a folder being replaced by a file of the same name (or the reverse) is out of the way.
    for path in deletions:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        _remove_empty_parents(root, path.parent)
    made: set[Path] = set()
    for staged, target in renames:
        if staged.is_file():
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            os.replace(staged, target)
        elif not target.is_file():
            raise ValueError(f"the journal's staged file for '{target.name}' is missing")
    _sync_all({target.parent for _, target in renames}, _fsync_dir)


def _remove_empty_parents(root: Path, folder: Path) -> None:
    """Folders a deletion emptied go too (TIA's tree has no empty program folders on disk), up to ``root``."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:  # not empty, or gone
            return
        folder = folder.parent


def _replay(root: Path) -> None:
    """Apply and remove a committed journal in ``root``, if there is one."""
    journal = root / JOURNAL_NAME
    if journal.is_file():
        _apply(root, json.loads(journal.read_text(encoding="utf-8")))
        _remove_journal(root)


def _remove_journal(root: Path) -> None:
    """The applied journal removed, durably: the next reader finds nothing to replay."""
    (root / JOURNAL_NAME).unlink()
    _fsync_dir(root)


def recover(root: Path) -> None:
    """Finish or undo an interrupted commit below ``root``: replay a journal, else delete staged files.

    Raises:
        OSError: the folder cannot be read or changed.
        ValueError: the journal is damaged (it names paths outside the folder or staged files that are gone).
    """
    _replay(root)
    if not root.is_dir():
        return
    for folder, _, files in os.walk(root):
        for name in files:
            if name.startswith(STAGED_PREFIX):
                Path(folder, name).unlink(missing_ok=True)
