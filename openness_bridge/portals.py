"""The Openness session's portal: the one ``TiaPortal`` it is attached to, and the port's portal methods.

:class:`PortalLink` is the attachment itself (the attached pid, its ``TiaPortal`` proxy made on the worker thread,
the portals this session launched); every area reaches the portal and its open project through it.
:class:`BridgePortals` serves the port's portal methods: list, launch, attach, detach, shut down, process
diagnostics, installed versions. Rules (openness_bridge.backend): the open project is read from ``Projects`` on
every request; ``TiaPortalProcess`` handles from ``GetProcesses()`` are never disposed, except by a shutdown.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import (
    ConflictError,
    NoProjectOpenError,
    NotFoundError,
    PortalUnavailableError,
    ValidationError,
)
from engineering_api.backend.models import InstalledVersion, PortalInfo
from engineering_api.errors import codes

if TYPE_CHECKING:
    from engineering_api.backend.models import PortalMode
    from openness_bridge.loader import Installation, OpennessApi
    from openness_bridge.portal_events import PortalEvents
    from openness_bridge.session import OpennessRunner

__all__ = ("BridgePortals", "PortalLink")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class PortalLink:
    """The session's attachment to at most one portal, attached again by pid after a lost connection or on a new
    worker thread (proxies are bound to the thread that made them)."""

    def __init__(self, api: OpennessApi, events: PortalEvents) -> None:
        self._api = api
        self.events = events
        self.pid: int | None = None
        """Pid of the attached portal; survives a lost connection so the session can attach again."""
        self.portal: Any = None
        """The ``TiaPortal`` connection, made on the current worker thread."""
        self.owned: dict[int, Any] = {}
        """``TiaPortal`` objects of portals this session launched, kept (never disposed) and reused on re-attach."""
        self.started: dict[int, str] = {}
        """When this session launched each portal (pid -> ISO time)."""

    def processes(self) -> list[Any]:
        return list(self._api.engineering.TiaPortal.GetProcesses())

    def process(self, pid: int) -> Any | None:
        return next((p for p in self.processes() if int(p.Id) == pid), None)

    def forget_ended(self) -> bool:
        """Drop the connection TIA ended (``TiaPortal.Disposed``); True when it did."""
        pid = self.pid
        if not self.events.ended(pid):
            return False
        self.owned.pop(pid or 0, None)
        self.portal, self.pid = None, None
        return True

    def watched(self, portal: Any, pid: int) -> Any:
        """``portal``, its events answered and recorded (:mod:`openness_bridge.portal_events`)."""
        self.events.watch(portal, pid)
        return portal

    def connection(self) -> Any:
        """The attached ``TiaPortal``; attaches again by pid after a lost connection or a new thread."""
        pid = self.pid
        if self.forget_ended():
            raise self.events.session_ended(pid or 0)
        if self.portal is not None:
            return self.portal
        if self.pid is not None:
            process = self.process(self.pid)
            if process is not None:
                self.portal = self.watched(self.owned.get(self.pid) or process.Attach(), self.pid)
                return self.portal
            self.pid = None
        raise PortalUnavailableError(
            "No TIA Portal is attached. Launch one (POST /api/instance/actions/launch) or attach to a running "
            "one (POST /api/instance/actions/attach).",
            code=codes.NO_PORTAL_ATTACHED,
        )

    def open_project(self) -> Any | None:
        projects = list(self.connection().Projects)
        return projects[0] if projects else None

    def project(self) -> Any:
        project = self.open_project()
        if project is None:
            raise NoProjectOpenError("No project is open in the attached TIA Portal.")
        return project

    def attached_alive(self) -> int | None:
        """The attached pid while its process runs, else None (the attachment dropped)."""
        self.forget_ended()
        if self.pid is not None and self.process(self.pid) is None:
            self.pid, self.portal = None, None
        return self.pid

    def drop(self) -> None:
        """Forget every proxy without Dispose: disposing a launched portal's TiaPortal would end that portal, and
        the port says processes stay running."""
        self.portal = None
        self.owned.clear()

    @staticmethod
    def mode(process: Any) -> PortalMode:
        # TiaPortalMode has these two members.
        return "WithUserInterface" if str(process.Mode.ToString()) == "WithUserInterface" else "WithoutUserInterface"

    def info(self, process: Any, attached: bool) -> PortalInfo:
        project = process.ProjectPath
        return PortalInfo(
            pid=int(process.Id), version=self._api.version, mode=self.mode(process),
            started_at=self.started.get(int(process.Id), ""),
            project_name=Path(str(project.FullName)).stem if project is not None else None,
            project_path=str(project.FullName) if project is not None else None, attached=attached,
        )


class BridgePortals:
    """The port's portal methods over ``link``; each runs through the session's ``call`` (its error rules)."""

    def __init__(self, link: PortalLink, *, api: OpennessApi, installations: list[Installation],
                 call: OpennessRunner) -> None:
        self._link, self._api, self._installations, self._call = link, api, installations, call

    def installed_versions(self) -> list[InstalledVersion]:
        return [
            InstalledVersion(
                version=i.version, install_path=i.install_path, openness_available=Path(i.assemblies[0]).is_file(),
                assembly_path=i.assemblies[0],
            )
            for i in self._installations
        ]

    def list_portals(self) -> list[PortalInfo]:
        link = self._link
        return self._call("TiaPortal.GetProcesses", lambda: [
            link.info(p, int(p.Id) == link.pid) for p in link.processes()
        ])

    def launch_portal(self, *, with_ui: bool, version: str | None) -> PortalInfo:
        link = self._link

        def run() -> PortalInfo:
            if link.attached_alive() is not None:
                raise ConflictError(
                    f"Already attached to TIA Portal (pid {link.pid}); detach or shut it down first.",
                    code=codes.ALREADY_ATTACHED,
                )
            installed = [i.version for i in self._installations]
            if version is not None and version not in installed:
                raise ValidationError(
                    f"TIA Portal {version} is not installed (installed: {', '.join(installed) or 'none'}).",
                    code=codes.VERSION_NOT_INSTALLED,
                )
            if version is not None and version != self._api.version:
                raise ValidationError(
                    f"This service loaded the Openness API of TIA Portal {self._api.version}; launching {version} "
                    "needs the service restarted for that version.",
                    code=codes.VERSION_NOT_LOADED,
                )
            mode = self._api.engineering.TiaPortalMode
            portal = self._api.engineering.TiaPortal(mode.WithUserInterface if with_ui else mode.WithoutUserInterface)
            process = portal.GetCurrentProcess()
            pid = int(process.Id)
            link.owned[pid], link.portal, link.pid = portal, link.watched(portal, pid), pid
            link.started[pid] = _now()
            return link.info(process, True)

        return self._call("new TiaPortal", run)

    def attach_portal(self, pid: int) -> PortalInfo:
        link = self._link

        def run() -> PortalInfo:
            process = link.process(pid)
            if process is None:
                raise NotFoundError(f"No TIA Portal process with pid {pid} is running.", code=codes.PORTAL_NOT_FOUND)
            current = link.attached_alive()
            if current is not None and current != pid:
                raise ConflictError(f"Already attached to TIA Portal (pid {current}); detach first.",
                                    code=codes.ALREADY_ATTACHED)
            if current != pid or link.portal is None:
                link.portal = link.watched(link.owned.get(pid) or process.Attach(), pid)
                link.pid = pid
            return link.info(process, True)

        return self._call("TiaPortalProcess.Attach", run)

    def detach_portal(self) -> PortalInfo:
        link = self._link

        def run() -> PortalInfo:
            portal = link.connection()
            info = link.info(portal.GetCurrentProcess(), False)
            if int(info.pid) not in link.owned:
                # An attached connection is released. The TiaPortal that launched a portal is kept instead: whether
                # disposing it closes that portal is not documented, and detach must leave the portal running.
                link.events.release(portal)  # our own Dispose is no lost session
                portal.Dispose()
            link.portal, link.pid = None, None
            return info

        return self._call("TiaPortal.Dispose", run)

    def shutdown_portal(self) -> PortalInfo:
        link = self._link

        def run() -> PortalInfo:
            portal = link.connection()
            pid = int(portal.GetCurrentProcess().Id)
            process = link.process(pid)
            if process is None:
                raise PortalUnavailableError(f"TIA Portal pid {pid} is not running any more.",
                                             code=codes.NO_PORTAL_ATTACHED)
            info = link.info(process, False)
            project = link.open_project()
            if project is not None:
                project.Close()  # without saving, as the port says
            # The one deliberate Dispose of a process handle: it "performs a close of the process" (15.1 API
            # reference); everywhere else handles from GetProcesses() are left alone.
            process.Dispose()
            link.owned.pop(pid, None)
            link.portal, link.pid = None, None
            return info

        return self._call("TiaPortalProcess.Dispose", run)

    def portal_process_diagnostics(self) -> dict[str, object]:
        link = self._link

        def run() -> dict[str, object]:
            process = link.connection().GetCurrentProcess()
            project = link.open_project()
            return {
                "pid": int(process.Id), "version": self._api.version, "mode": link.mode(process),
                "startedAt": link.started.get(int(process.Id), ""),
                "projectOpen": project is not None,
                "projectDevices": int(project.Devices.Count) if project is not None else 0,
                "opennessState": "Attached",
                "launchedByThisService": int(process.Id) in link.owned,
                "dialogs": link.events.recent(),
            }

        return self._call("TiaPortal.GetCurrentProcess", run)
