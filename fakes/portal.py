"""Fake TIA Portal processes: pids, modes, versions, and which project each has open.

The table is shared by every session in the server, so a project another "portal" holds open is
locked for this one, exactly as with two TIA instances on one machine. The lock file beside the project names
host, process and portal, so portals of other processes (farm agents sharing the projects' storage) respect it too.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import LockedError
from engineering_api.backend.lock_holders import holder_alive, holder_identity
from engineering_api.backend.models import PortalInfo
from engineering_api.lib.schema import utc_now
from fakes.project_files import LOCK_NAME

if TYPE_CHECKING:
    from pathlib import Path

    from fakes.model import Project

__all__ = ("FakePortal", "PortalTable", "foreign_holder", "release_lock", "take_lock")

_HOST = os.uname().nodename

SUPPORTED_VERSIONS = ("V16", "V17", "V18", "V19", "V20", "V21")
"""TIA Portal versions the fake installs (``simatic_xml.versions.GENERATION_TARGETS``: the documents it reads
and writes). The firmware each configures is catalog data (``engineering_api.rules.catalog.tia_versions``)."""


@dataclass
class FakePortal:
    """One TIA Portal process."""

    pid: int
    version: str
    with_ui: bool
    started_at: str
    project: Project | None = None
    cpu_seconds: float = 0.0

    def info(self, attached: bool) -> PortalInfo:
        return PortalInfo(
            pid=self.pid, version=self.version,
            mode="WithUserInterface" if self.with_ui else "WithoutUserInterface",
            started_at=self.started_at, project_name=self.project.name if self.project else None,
            project_path=str(self.project.file) if self.project else None, attached=attached,
        )


class PortalTable:
    """The machine's running portals, with pids starting where a real machine's might."""

    def __init__(self) -> None:
        self._pids = itertools.count(7400, 4)
        self.portals: dict[int, FakePortal] = {}

    def launch(self, version: str, with_ui: bool) -> FakePortal:
        portal = FakePortal(pid=next(self._pids), version=version, with_ui=with_ui, started_at=utc_now())
        self.portals[portal.pid] = portal
        return portal

    def terminate(self, pid: int) -> None:
        portal = self.portals.pop(pid, None)
        if portal is not None and portal.project is not None:
            release_lock(portal.project.folder, pid)
            portal.project = None

    def holder_of(self, folder: Path) -> FakePortal | None:
        """The live portal of this process that has the project in ``folder`` open, if any."""
        for portal in self.portals.values():
            if portal.project is not None and portal.project.folder.resolve() == folder.resolve():
                return portal
        lock = _read_lock(folder)
        if lock is not None and _ours(lock):
            return self.portals.get(int(lock.get("pid", -1)))
        return None


def foreign_holder(folder: Path) -> dict[str, Any] | None:
    """The lock of a portal in another process (another agent, on this host or another) that is still alive.

    TIA keeps its lock file beside the project; a portal on another host is trusted to hold it, one on this host
    only while its process runs (a killed agent's lock is stale and is replaced, as TIA replaces its own).
    """
    lock = _read_lock(folder)
    if lock is None or "process" not in lock or _ours(lock):
        return None  # no lock, ours, or written before locks named their process (one server per folder then)
    if holder_alive(lock) is False:  # a farm agent's lock, whose instance Redis says no longer holds it (any host)
        return None
    if lock.get("host") == _HOST and not _process_alive(int(lock.get("process", 0) or 0)):
        return None
    return lock


def take_lock(folder: Path, pid: int) -> None:
    """Mark the project as opened by portal ``pid`` of this process, naming host and process.

    Raises:
        LockedError: ``PROJECT_LOCKED``: a portal in another live process took it first (two agents racing to
            open one project on shared storage: the file is created exclusively, so only one wins).
    """
    lock_file = folder / LOCK_NAME
    body = json.dumps({"pid": pid, "host": _HOST, "process": os.getpid(), "openedAt": utc_now(),
                       **holder_identity()}) + "\n"
    for _ in range(2):
        try:
            fd = os.open(lock_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            _await_lock_body(folder)
            holder = foreign_holder(folder)
            if holder is not None:
                raise LockedError(
                    f"The project '{folder.name}' is already opened by TIA Portal pid {holder.get('pid')} on host "
                    f"{holder.get('host')}.", code="PROJECT_LOCKED",
                    details={"holderPid": holder.get("pid"), "holderHost": holder.get("host")},
                ) from None
            lock_file.unlink(missing_ok=True)  # ours, or a stale lock of a dead process
            continue
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(body)
        except BaseException:  # a full disk: an empty lock file would stall the next open for the grace
            lock_file.unlink(missing_ok=True)
            raise
        return


LOCK_WRITE_GRACE = 2.0
"""Seconds a lock file may stay empty: its writer creates it, then writes who holds it."""


def _await_lock_body(folder: Path) -> None:
    """Wait until a lock file that exists says who holds it, or is gone, or stayed empty past the grace.

    Between the exclusive create and the write of its body a lock file is empty; read then, it looked stale and
    was replaced, so two agents racing to open one project could both open it (a farm fault test caught it).
    A lock that stays empty past :data:`LOCK_WRITE_GRACE` is one whose writer died in between: stale.
    """
    deadline = time.monotonic() + LOCK_WRITE_GRACE
    while _read_lock(folder) is None and (folder / LOCK_NAME).exists() and time.monotonic() < deadline:
        time.sleep(0.005)


def release_lock(folder: Path, pid: int) -> None:
    """Remove our lock file if it is ours."""
    lock = folder / LOCK_NAME
    held = _read_lock(folder)
    if held is not None and _ours(held) and int(held.get("pid", -1)) == pid:
        lock.unlink(missing_ok=True)


def _read_lock(folder: Path) -> dict[str, Any] | None:
    try:
        held = json.loads((folder / LOCK_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return held if isinstance(held, dict) else None


def _ours(lock: dict[str, Any]) -> bool:
    if "process" not in lock:
        return True  # written before locks named their process: judged by this process's portal table
    return lock.get("host", _HOST) == _HOST and int(lock.get("process", os.getpid()) or 0) == os.getpid()


def _process_alive(process: int) -> bool:
    if process <= 0:
        return False
    try:
        os.kill(process, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True
