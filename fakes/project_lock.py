"""A project's lock file, held as an OS lock that ends with its holder, whatever its process id.

TIA keeps a lock file beside an open project; portals of other processes (farm agents sharing the projects'
storage, a server started again on the same data directory) must respect it. Judged by the process id it names, a
lock outlived its holder: a server killed with SIGKILL left a worker that stayed a zombie until reaped, which
``os.kill(pid, 0)`` calls alive, and a container restarted on its volume starts its processes at the same low ids,
so an old lock could name a live process forever. So the holder keeps the lock file open with an exclusive
``flock`` for as long as it holds the project: the kernel ends the lock with the last descriptor of that open file,
at the latest when the process ends. The file's content only says who holds it, for the message of the one refused.

``flock`` and not ``fcntl``'s POSIX locks: a POSIX lock belongs to the process, so closing any other descriptor of
the file (a read of the body) would release it; a ``flock`` belongs to the open file description. The descriptor
is not inherited by programs this process starts (Python opens it non-inheritable).

A lock of another host cannot be judged by this host's kernel (a ``flock`` on shared storage may be local to each
client): it is honoured unless a farm's liveness says its holder no longer holds it
(:func:`~engineering_api.backend.lock_holders.holder_alive`). Without ``flock`` (Windows) a lock of this host is
judged by its process id, as before.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import LockedError
from engineering_api.backend.lock_holders import holder_alive, holder_identity
from engineering_api.errors import codes
from engineering_api.lib.processes import process_alive
from engineering_api.lib.schema import utc_now
from fakes.project_files import LOCK_NAME

if sys.platform != "win32":  # Windows has no flock: a lock there is judged by its process alone
    import fcntl

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ("LOCK_WRITE_GRACE", "foreign_holder", "held_here", "read_lock", "release_lock", "take_lock")

HOST = os.uname().nodename if hasattr(os, "uname") else os.environ.get("COMPUTERNAME", "")

LOCK_WRITE_GRACE = 2.0
"""Seconds a lock file may stay empty: a holder on another host creates it, then writes who holds it."""

_held: dict[Path, int] = {}
"""Project folder (resolved) -> the descriptor of its lock file this process holds the ``flock`` of."""
_held_guard = threading.Lock()


def take_lock(folder: Path, pid: int) -> None:
    """Hold the project in ``folder`` for portal ``pid`` of this process: the lock file's ``flock``, and a body
    naming host, process and portal.

    Raises:
        LockedError: ``PROJECT_LOCKED``: a portal of another live process holds it.
    """
    body = (json.dumps({"pid": pid, "host": HOST, "process": os.getpid(), "openedAt": utc_now(),
                        **holder_identity()}) + "\n").encode()
    with _held_guard:
        fd = _held.get(folder.resolve())
        if fd is None:
            fd = _acquire(folder)
        try:
            _write_body(fd, body)
        except BaseException:  # a full disk: no half-written lock is left behind, and no held descriptor
            _release(folder, fd)
            raise
        _held[folder.resolve()] = fd


def _write_body(fd: int, body: bytes) -> None:
    """Replace the lock file's body (who holds it) with ``body``."""
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, body)


def _acquire(folder: Path) -> int:
    """The descriptor of ``folder``'s lock file, its ``flock`` held (the caller holds the guard).

    Raises:
        LockedError: another live holder has it.
    """
    lock_file = folder / LOCK_NAME
    for _ in range(3):
        try:
            fd, created = os.open(lock_file, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644), True
        except FileExistsError:
            try:
                fd, created = os.open(lock_file, os.O_RDWR), False
            except FileNotFoundError:  # its holder removed it meanwhile
                continue
        try:
            if not _try_lock(fd):
                raise _locked(folder, _await_body(folder))
            if os.fstat(fd).st_ino != os.stat(lock_file).st_ino:
                os.close(fd)  # its holder removed it as we locked: try on the file now at the path
                continue
            lock = None if created else _await_body(folder)
            if lock is not None and _held_elsewhere(lock):
                raise _locked(folder, lock)
        except FileNotFoundError:  # removed between the open and the stat
            os.close(fd)
            continue
        except BaseException:
            os.close(fd)  # the flock, if taken, ends with it
            raise
        return fd
    raise _locked(folder, read_lock(folder))


def _held_elsewhere(lock: dict[str, Any]) -> bool:
    """Whether ``lock``, whose ``flock`` this process holds now, is still held by someone the kernel cannot
    speak for: a portal on another host (or, without ``flock``, a live process of this host)."""
    if "process" not in lock:
        return False  # written before locks named their process (one server per folder then)
    if lock.get("host", HOST) == HOST:
        return sys.platform == "win32" and process_alive(int(lock.get("process", 0) or 0)) \
            and int(lock.get("process", 0) or 0) != os.getpid()
    return holder_alive(lock) is not False


def _locked(folder: Path, holder: dict[str, Any] | None) -> LockedError:
    holder = holder or {}
    return LockedError(
        f"The project '{folder.name}' is already opened by TIA Portal pid {holder.get('pid', '?')} on host "
        f"{holder.get('host', '?')}.", code=codes.PROJECT_LOCKED,
        details={"holderPid": holder.get("pid"), "holderHost": holder.get("host")},
    )


def _await_body(folder: Path) -> dict[str, Any] | None:
    """The lock's body, waited for while the file exists and is empty, up to :data:`LOCK_WRITE_GRACE`.

    A holder creates the file, then writes who holds it; read in between, the lock looked stale and was replaced,
    so two agents racing to open one project could both open it (a farm fault test caught it). Past the grace an
    empty lock is one whose writer died in between: stale.
    """
    deadline = time.monotonic() + LOCK_WRITE_GRACE
    while (lock := read_lock(folder)) is None and (folder / LOCK_NAME).exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    return lock


def release_lock(folder: Path, pid: int) -> None:
    """End this process's hold on the project if portal ``pid`` holds it (another process's lock is never
    touched)."""
    with _held_guard:
        fd = _held.get(folder.resolve())
        if fd is None:
            return
        held = read_lock(folder)
        if held is not None and int(held.get("pid", -1)) != pid:
            return  # another portal of this process holds it now
        _release(folder, fd)


def _release(folder: Path, fd: int) -> None:
    """Remove the lock file while still holding it, then close it (the caller holds the guard): a process waiting
    for it finds the file it locked no longer at the path and tries the one made after."""
    try:
        (folder / LOCK_NAME).unlink(missing_ok=True)
    finally:
        _held.pop(folder.resolve(), None)
        os.close(fd)


def foreign_holder(folder: Path) -> dict[str, Any] | None:
    """The lock of a portal in another process that still holds it (another agent, on this host or another).

    On this host the lock's ``flock`` says it; the file is opened only to try a shared ``flock`` and closed
    again, which leaves every ``flock`` of this process as it was.
    """
    lock = read_lock(folder)
    if lock is None or "process" not in lock or held_here(lock):
        return None
    if lock.get("host") != HOST:
        return None if holder_alive(lock) is False else lock
    if sys.platform == "win32":
        return lock if process_alive(int(lock.get("process", 0) or 0)) else None
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        return None if _try_lock(fd, shared=True) else lock
    finally:
        os.close(fd)


def read_lock(folder: Path) -> dict[str, Any] | None:
    """The lock file's body, or None (none, empty or unreadable)."""
    try:
        held = json.loads((folder / LOCK_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return held if isinstance(held, dict) else None


def held_here(lock: dict[str, Any]) -> bool:
    """Whether ``lock`` names this process (or is older than locks naming one: judged by its portal table)."""
    if "process" not in lock:
        return True
    return lock.get("host", HOST) == HOST and int(lock.get("process", os.getpid()) or 0) == os.getpid()


def _try_lock(fd: int, *, shared: bool = False) -> bool:
    """Take ``fd``'s ``flock`` without waiting; False when another open file holds it."""
    if sys.platform != "win32":  # no flock on Windows: see _held_elsewhere
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
    return True
