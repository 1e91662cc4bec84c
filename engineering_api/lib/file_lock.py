"""An exclusive lock on a lock file that gives up: a writer waits a bounded time, then names the file and, when it
can be told, the process holding it.

A lock taken with a blocking ``flock`` waits for as long as its holder likes: a ``serve`` whose start met the
instance registry's lock held by a hung process (or by anyone who can write the folder) hung silently. Here the
lock is tried without blocking until :data:`LOCK_WAIT_S` has passed; the holder is read from ``/proc/locks``
(Linux: any process, ours or not), else from the process id each holder of ours writes into the file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import time
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ("LOCK_WAIT_S", "LockTimeout", "exclusive", "try_lock")

LOCK_WAIT_S = 10.0
"""How long a writer waits for the lock: its holders keep it for one read and one write of a small file
(milliseconds), so a lock held this long is held by a process that is stuck or not one of ours."""
_RETRY_S = 0.05


class LockTimeout(OSError):
    """The lock file stayed locked by another process (``filename``: the lock file; ``holder``: its pid, if known)."""

    def __init__(self, path: Path, holder: int | None, waited: float) -> None:
        who = f"process {holder}{_command(holder)}" if holder is not None else "another process"
        super().__init__(errno.ETIMEDOUT, f"its lock is held by {who} (waited {waited:g} s); stop that process or "
                                          "remove the lock file once it has ended", str(path))
        self.holder = holder


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8", errors="replace") as comm:
            return f" ({comm.read(64).strip()})"
    except OSError:
        return ""


def try_lock(file: IO[bytes]) -> bool:
    """Lock ``file`` for this process without waiting (``flock``; on Windows its first byte); whether it was free."""
    try:
        if sys.platform == "win32":
            import msvcrt

            file.seek(0)
            msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(file: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        file.seek(0)
        msvcrt.locking(file.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(file.fileno(), fcntl.LOCK_UN)


def _holder(file: IO[bytes]) -> int | None:
    """The pid that holds ``file``'s lock: ``/proc/locks`` by inode, else the pid the holder wrote into it."""
    inode = os.fstat(file.fileno()).st_ino
    with contextlib.suppress(OSError), open("/proc/locks", encoding="ascii", errors="replace") as locks:
        for line in locks:  # "1: FLOCK  ADVISORY  WRITE 4242 fd:01:1234567 0 EOF"; a waiter's line has "->"
            fields = line.split()
            if len(fields) >= 6 and fields[1] != "->" and fields[5].rsplit(":", 1)[-1] == str(inode) \
                    and fields[4].isdigit() and int(fields[4]) != os.getpid():
                return int(fields[4])
    file.seek(0)
    written = file.read(32).strip()
    return int(written) if written.isdigit() else None


@contextlib.contextmanager
def exclusive(path: Path, wait_s: float = LOCK_WAIT_S) -> Iterator[None]:
    """Hold the lock of the file ``path`` (created if needed) inside the block.

    Raises:
        LockTimeout: another process held it for ``wait_s`` seconds.
        OSError: the lock file cannot be created or opened.
    """
    with open(path, "a+b") as file:
        deadline = time.monotonic() + wait_s
        while not try_lock(file):
            if time.monotonic() >= deadline:
                raise LockTimeout(path, _holder(file), wait_s)
            time.sleep(_RETRY_S)
        try:
            file.seek(0)
            file.truncate()
            file.write(str(os.getpid()).encode())  # who holds it, where /proc/locks cannot tell
            file.flush()
            yield
        finally:
            _unlock(file)
