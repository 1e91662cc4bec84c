"""Git lock files a killed process left behind: removed when no live process can hold them, else a clear 409.

git (and libgit2, under pygit2) writes ``index``, ``HEAD``, ``config``, ``packed-refs`` and every ref through a
``<name>.lock`` file created exclusively and renamed into place. A process killed between the two leaves the lock
file, and from then on every write of that name fails ("failed to lock file", a 500 on every pull) until someone
deletes it by hand. Lock files hold no owner, so whether a live process holds one is decided by an owner lock of
this service: each server process holds an exclusive OS lock on ``.git/engineering-api.owner`` of a repository it
opened (for as long as it lives; the OS releases it when the process dies, ``kill -9`` included). While this process
holds it, no other server process works in the repository, and this process runs its git operations one at a time
on the TIA worker thread, each starting here: a lock file present now was left by a process that is gone, and is
removed (logged). When another live process holds the owner lock, a lock file may be its work in progress: the call
answers 409 ``REPOSITORY_LOCKED`` naming the file, and nothing is removed.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import IO

from engineering_api.backend import errors as e
from engineering_api.errors import codes
from engineering_api.lib.file_lock import try_lock

__all__ = ("OWNER_FILE", "locked_error", "recover_stale_locks")

logger = logging.getLogger(__name__)

OWNER_FILE = "engineering-api.owner"
_owned: dict[Path, IO[bytes]] = {}
"""Owner files this process holds locked, by git directory (kept open: closing one would release its lock)."""
_guard = threading.Lock()


def _own(git_dir: Path) -> bool:
    """Whether this process holds the repository's owner lock (taken now if no other live process holds it)."""
    key = git_dir.resolve()
    with _guard:
        if key in _owned:
            return True
        handle = open(key / OWNER_FILE, "ab")  # kept open for the life of the process
        if not try_lock(handle):
            handle.close()
            return False
        _owned[key] = handle
        return True


def _lock_files(git_dir: Path) -> list[Path]:
    return sorted(path for path in (*git_dir.glob("*.lock"), *git_dir.glob("refs/**/*.lock")) if path.is_file())


def locked_error(lock: Path | str, git_dir: Path) -> e.ConflictError:
    """The 409 for a repository a live process is writing (``lock``: its lock file)."""
    shown = Path(lock).relative_to(git_dir) if Path(lock).is_absolute() and Path(lock).is_relative_to(git_dir) \
        else Path(lock)
    return e.ConflictError(
        f"The project's repository is being written by another process (its lock file {shown.as_posix()} is held); "
        "retry when that process is done.", code=codes.REPOSITORY_LOCKED, details={"lockFile": shown.as_posix()})


def recover_stale_locks(git_dir: Path) -> list[Path]:
    """Remove the lock files a dead process left in ``git_dir``; returns them.

    Raises:
        ConflictError: ``REPOSITORY_LOCKED`` when another live process works in the repository.
    """
    if not _own(git_dir):
        locks = _lock_files(git_dir)
        if locks:
            raise locked_error(locks[0], git_dir)
        return []
    removed = _lock_files(git_dir)
    for lock in removed:
        lock.unlink(missing_ok=True)
        logger.warning("removed the stale git lock %s (left by a process that is gone)", lock)
    return removed
