"""Fake TIA Portal processes: pids, modes, versions, and which project each has open.

The table is shared by every session in the server, so a project another "portal" holds open is
locked for this one, exactly as with two TIA instances on one machine. The lock file beside the project
(:mod:`fakes.project_lock`, an OS lock that ends with its holder) makes portals of other processes (farm agents
sharing the projects' storage, a server started again) respect it too.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engineering_api.backend.models import PortalInfo
from engineering_api.lib.schema import utc_now
from fakes.project_lock import foreign_holder, held_here, read_lock, release_lock, take_lock

if TYPE_CHECKING:
    from pathlib import Path

    from fakes.model import Project

__all__ = ("FakePortal", "PortalTable", "foreign_holder", "release_lock", "take_lock")

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
        lock = read_lock(folder)
        if lock is not None and held_here(lock):
            return self.portals.get(int(lock.get("pid", -1)))
        return None
