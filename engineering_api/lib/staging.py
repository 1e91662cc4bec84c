"""Staging folders that name their owner, and the start-up cleanup of what a killed run left under the file roots.

Retrieves, archives and exports work in a staging folder beside their target and remove it when done; a
``kill -9`` leaves it behind (a retrieve's is as large as the project). Several processes may share the file
roots (``serve --farm`` nodes and their agents share a workspace, docs/farm.md), so a starting node must not take
the folder another one is working in. Each staging folder therefore has an owner mark beside it
(``<folder>.owner``: host, process id and start time, the run, and the farm lease that proves the process alive to
other hosts), written *before* the folder exists and removed after it: a folder of this version never exists without
its mark.

At start-up a folder is removed only when its owner is gone: a dead process on this host, or on another host a farm
lease (API node or agent, ``engineering_api.farm``) that has lapsed. Process ids are reused, most of all in a
container, where the service is pid 1 at every start (the Dockerfile's ``ENTRYPOINT``) and ``--network host`` gives
it the host's name: a mark of this process' own pid is this process' only when it names this run (a uuid made once
per process), and a live process with the mark's pid is its owner only when it started when the mark says (Linux
``/proc/<pid>/stat``, field 22). Containers that share a host's name have pid namespaces of their own: a mark from
another pid namespace is judged as another host's. An owner on another host without a lease, or whose lease cannot
be read, is kept: leaking a folder is recoverable, deleting live work is not. A folder without a mark was made by a
version before the marks: it is removed once nothing in it changed for :data:`TEMPORARY_FILE_GRACE_SECONDS` (that
version may still be working in it on another node). A mark is read without following links or waiting (a FIFO or a
link to ``/dev/zero`` under a mark's name cannot hang the start), and at most :data:`MARK_MAX_BYTES`; one that is
not a small regular file counts as torn. Temporary files (an archive or a tag table being written) cannot carry a
mark; a writer keeps touching them, so they are removed once unchanged for :data:`TEMPORARY_FILE_GRACE_SECONDS`.
Only the exact names the service creates are matched, never a user's file. Project folders' own staged files are
recovered when a project is opened (``fakes.project_commit``).
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import stat
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from engineering_api.lib.file_walk import remove_tree, walk_tree

__all__ = (
    "MARK_MAX_BYTES", "SCRATCH_FOLDER", "TEMPORARY_FILE_GRACE_SECONDS", "LeaseAlive", "hold_staging_lease",
    "is_stale_staging", "pid_alive", "process_start", "remove_stale_staging", "staging_folder",
)

logger = logging.getLogger(__name__)

SCRATCH_FOLDER = ".engineering-api-scratch"
"""The Openness bridge's scratch root inside the first file root; everything in it is the service's."""

TEMPORARY_FILE_GRACE_SECONDS = 600.0
"""How long a temporary file must have stayed unchanged before a starting node takes it for a killed writer's."""

OWNER_SUFFIX = ".owner"
"""The owner mark's name: the staging folder's name with this suffix, in the same folder."""

MARK_MAX_BYTES = 4096
"""The most of an owner mark that is read (a mark is some hundred bytes; more is not a mark of this service)."""

LeaseAlive = Callable[[str, "str | None"], bool]
"""Whether the farm lease ``key`` (a Redis key) is live, and held by ``instance`` when one is named."""

_MKTEMP = r"[a-z0-9_]{8}"
"""The random part ``tempfile.mkstemp``/``mkdtemp`` add."""

_STAGING_FOLDERS = re.compile(
    rf"^(?:\.(?:retrieve|archive|export)-[0-9a-f]{{32}}"  # staging_folder's (uuid4 hex)
    rf"|\.\.retrieve-[0-9a-f]{{32}}\.{_MKTEMP}\.tmp"  # extract_zip's folder for a retrieve (before the marks)
    rf"|\.(?:archive|export)-{_MKTEMP})$"  # the bridge's archive and hardware export staging (before the marks)
)
_TEMPORARY_FILES = re.compile(
    rf"^(?:\..+\.zap\d{{2}}\.{_MKTEMP}\.tmp"  # create_zip writing an archive
    r"|\..+\.(?:xlsx|json)\.\d+\.tmp)$"  # a tag table export being written (tag_formats._atomic_write)
)

_HOST = socket.gethostname()
_run = uuid.uuid4().hex
"""This process' run: a mark with this process' pid is its own only when it names this run (pids are reused)."""


def _new_run() -> None:
    global _run
    _run = uuid.uuid4().hex


if hasattr(os, "register_at_fork"):  # a forked worker is a process of its own
    os.register_at_fork(after_in_child=_new_run)


def _pid_namespace() -> str | None:
    """This process' pid namespace (Linux; None elsewhere): containers sharing a host's name each have their own."""
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return None


def process_start(pid: int) -> int | None:
    """When process ``pid`` started, in clock ticks since boot (``/proc/<pid>/stat`` field 22, proc(5)); None when
    that cannot be read (not Linux, or no such process)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    fields = raw[raw.rfind(b")") + 2:].split()  # the name (field 2) may hold spaces and parentheses
    try:
        return int(fields[22 - 3])  # fields[0] is field 3 (state)
    except (IndexError, ValueError):
        return None


_PID_NAMESPACE = _pid_namespace()
_lease: tuple[str, str | None] | None = None
"""This process' farm lease (Redis key, instance), written into every owner mark it makes."""


def hold_staging_lease(key: str, instance: str | None = None) -> None:
    """Name the farm lease that proves this process alive to other hosts (an API node's ``<prefix>:node:<id>``,
    an agent's record with its instance): marks made from now on carry it."""
    global _lease
    _lease = (key, instance)


@contextmanager
def staging_folder(parent: Path, kind: str) -> Iterator[Path]:
    """A fresh folder ``.<kind>-<uuid hex>`` in ``parent`` with its owner mark beside it; both removed on exit."""
    folder = parent / f".{kind}-{uuid.uuid4().hex}"
    mark = folder.with_name(folder.name + OWNER_SUFFIX)
    pid = os.getpid()
    owner: dict[str, Any] = {"host": _HOST, "pid": pid, "run": _run}
    started = process_start(pid)
    if started is not None:
        owner["started"] = started
    if _PID_NAMESPACE is not None:
        owner["pidns"] = _PID_NAMESPACE
    if _lease is not None:
        owner["lease"], owner["instance"] = _lease
    handle = os.open(mark, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(handle, json.dumps(owner).encode())  # one small write: a reader sees all of it or nothing
    finally:
        os.close(handle)
    try:
        folder.mkdir()
        yield folder
    finally:
        with suppress(OSError):
            remove_tree(folder)
        mark.unlink(missing_ok=True)  # after the folder: the folder never outlives its mark


def is_stale_staging(name: str, *, folder: bool) -> bool:
    """Whether a folder or file name is one the service gives its staging folders or temporary files."""
    return bool((_STAGING_FOLDERS if folder else _TEMPORARY_FILES).match(name))


def remove_stale_staging(roots: Iterable[Path], lease_alive: LeaseAlive | None = None) -> list[Path]:
    """Remove staging folders and temporary files below ``roots`` whose owner is gone; log them.

    Args:
        roots: the file roots.
        lease_alive: reads a farm lease, for owners on other hosts (None outside a farm: those are kept).

    Symbolic links are not followed; a folder that cannot be removed is logged and skipped.

    Returns:
        What was removed.
    """
    removed: list[Path] = []
    now = time.time()
    for root in roots:
        for top, folders, files in walk_tree(root):
            here = Path(top)
            scratch = here.name == SCRATCH_FOLDER
            kept: list[str] = []
            for name in folders:
                if not (scratch or is_stale_staging(name, folder=True)):
                    kept.append(name)
                    continue
                mark = here / (name + OWNER_SUFFIX)  # never walked into: another owner's work, or gone
                marked = os.path.lexists(mark)
                gone = _owner_gone(mark, lease_alive, now) if marked else _tree_unchanged_for_grace(here / name, now)
                if gone and _remove(here / name, removed) and os.path.lexists(mark):
                    _remove(mark, removed)
            folders[:] = kept
            for name in files:
                path = here / name
                folder = name.removesuffix(OWNER_SUFFIX)
                if folder != name and (scratch or is_stale_staging(folder, folder=True)):
                    # killed between the mark and its folder, or between their removals
                    if (not os.path.lexists(here / folder) and os.path.lexists(path)
                            and _owner_gone(path, lease_alive, now)):
                        _remove(path, removed)
                elif (scratch or is_stale_staging(name, folder=False)) and _unchanged_for_grace(path, now):
                    _remove(path, removed)
    if removed:
        logger.warning(
            "removed %d staging folder(s)/temporary file(s) left by an interrupted run: %s",
            len(removed), ", ".join(str(p) for p in removed),
        )
    return removed


def _owner_gone(mark: Path, lease_alive: LeaseAlive | None, now: float) -> bool:
    """Whether the owner a staging folder's mark names is gone (no mark: a folder of before the marks)."""
    try:
        owner = json.loads(_read_mark(mark))
    except FileNotFoundError:
        return True
    except (OSError, ValueError):  # being written this instant, torn by a kill while written, or not a mark
        return _unchanged_for_grace(mark, now)
    if not isinstance(owner, dict):
        return True
    pid = owner.get("pid")
    if owner.get("host") == _HOST and isinstance(pid, int) and owner.get("pidns", _PID_NAMESPACE) == _PID_NAMESPACE:
        return not _owner_process_alive(pid, owner.get("run"), owner.get("started"))
    lease = owner.get("lease")
    if isinstance(lease, str) and lease_alive is not None:
        instance = owner.get("instance")
        return not lease_alive(lease, instance if isinstance(instance, str) else None)
    return False  # another host's (or pid namespace's) process without a lease to read: it may be working there


def _owner_process_alive(pid: int, run: object, started: object) -> bool:
    """Whether the process of this host a mark names still runs: this process only in the mark's run, another one
    only while it started when the mark says (a mark without a start time trusts the pid)."""
    if pid == os.getpid():
        return run == _run  # this process writes its run into every mark it makes
    if not pid_alive(pid):
        return False
    if not isinstance(started, int):
        return True
    now_started = process_start(pid)
    return now_started is None or now_started == started  # unreadable: kept


def _read_mark(mark: Path) -> bytes:
    """A mark's bytes: without following a link or waiting on a FIFO or device, at most :data:`MARK_MAX_BYTES`.

    Raises:
        FileNotFoundError: no mark.
        OSError: a link, not a regular file, or longer than a mark (the caller takes it for a torn mark).
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    handle = os.open(mark, flags)
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise OSError(f"{mark.name} is not a regular file")
        data = os.read(handle, MARK_MAX_BYTES + 1)
    finally:
        os.close(handle)
    if len(data) > MARK_MAX_BYTES:
        raise OSError(f"{mark.name} is longer than an owner mark")
    return data


def pid_alive(pid: int) -> bool:
    """Whether a process ``pid`` runs on this host (a reused pid reads as alive)."""
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.GetLastError() == 5  # ERROR_ACCESS_DENIED: it exists, another user's
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _unchanged_for_grace(path: Path, now: float) -> bool:
    try:
        return now - path.lstat().st_mtime >= TEMPORARY_FILE_GRACE_SECONDS
    except OSError:
        return False


def _tree_unchanged_for_grace(folder: Path, now: float) -> bool:
    """Whether nothing in a folder without a mark (a version's before the marks, which may still run on another
    node of a farm being upgraded) changed for the grace: a writer's folder is kept. Links are not followed, the
    folder's own name neither (the walk would list a linked folder's target)."""
    if folder.is_symlink():
        return _unchanged_for_grace(folder, now)
    for top, _folders, files in walk_tree(folder):
        if not all(_unchanged_for_grace(Path(top) / name, now) for name in (".", *files)):
            return False
    return True


def _remove(path: Path, removed: list[Path]) -> bool:
    try:
        if path.is_dir() and not path.is_symlink():
            remove_tree(path)  # at any depth: a stale folder is anyone's tree
        else:
            path.unlink()
    except OSError as exc:
        logger.warning("could not remove the stale staging item %s: %s", path, exc)
        return False
    removed.append(path)
    return True
