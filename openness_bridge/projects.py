"""The bridge's projects: create, open, save, close, overview, infrastructure, archive/retrieve, simulation support,
index, history. The session (:class:`openness_bridge.backend.OpennessBackend`) serves them through its
:class:`BridgeProjects`. Openness shape used here:

* ``Project.Archive(DirectoryInfo, string, ProjectArchivationMode)`` writes a ``.zapNN`` of the *saved* project and
  refuses while there are unsaved changes (``Project.IsModified``), so the bridge answers ``UNSAVED_CHANGES`` unless
  asked to save first (``allowUnsaved`` cannot be honoured); TIA does not overwrite, so the bridge archives into a
  fresh folder beside the target and moves the file into place.
* ``Projects.Retrieve(FileInfo, DirectoryInfo)`` unpacks an archive into a folder named after the project and
  opens it.
* ``Project.IsSimulationDuringBlockCompilationEnabled`` is the project property PLCSIM downloads need.
* ``Project.HistoryEntries`` is the open project's own event log (``DateTime``, ``Text``), not a list of recently
  opened projects: Openness has no such list, so the history methods say so.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import (
    AlreadyExistsError,
    ConflictError,
    EngineeringError,
    LockedError,
    NotFoundError,
    NotSupportedError,
    ValidationError,
)
from engineering_api.backend.models import (
    ArchiveInfo,
    ArchiveUnsaved,
    HistoryEntry,
    IndexResult,
    ProjectInfo,
    ProjectInfrastructure,
    ProjectOverview,
)
from engineering_api.errors import codes
from engineering_api.rules.archive import check_archive_target, unsaved_changes_refused
from engineering_api.rules.naming import check_project_name
from engineering_api.lib.staging import staging_folder
from engineering_api.rules.project_upgrade import needs_upgrade
from openness_bridge.device_lookup import all_devices
from openness_bridge.project_opening import UmacAnswer, opened

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.models import DeviceInfo, ProjectCredentials
    from openness_bridge.hardware_network import NetworkAccess
    from openness_bridge.portals import PortalLink
    from openness_bridge.session import BridgeSession

__all__ = ("BridgeProjects", "require_folder", "same_file_key")

_NO_HISTORY = (
    "Openness has no list of recently opened projects: TIA Portal keeps that list in the user's settings, outside "
    "the API, and Project.HistoryEntries is the open project's own event log, not a list of projects. Keep track "
    "of the project paths on the client side (GET /api/projects/open shows the open one)."
)


def require_folder(folder: Path, *, code: str = codes.NOT_A_FOLDER) -> None:
    """Raise ``ValidationError`` when a file stands where ``folder`` or one of its parents must be a folder."""
    for parent in (folder, *folder.parents):
        if parent.exists() and not parent.is_dir():
            raise ValidationError(f"'{parent}' is a file; a folder is needed there.", code=code)


def same_file_key(path: Path) -> str:
    """Compare project paths as the OS does (case-insensitive on Windows)."""
    return os.path.normcase(str(path.resolve()))


class BridgeProjects:
    """The projects of the attached portal, for the session's project methods.

    Args:
        session: the Openness session.
        link: the session's attachment: its ``TiaPortal`` (attached again after a lost connection; raises
            PortalUnavailableError), open ``Project``, the running ``TiaPortalProcess`` handles and the pid.
        device_info: the devices area's view of an Openness ``Device``.
        network: the devices area's network access (subnets and interfaces).
    """

    def __init__(
        self, session: BridgeSession, *, link: PortalLink, device_info: Callable[[Any], DeviceInfo],
        network: NetworkAccess,
    ) -> None:
        self._session = session
        self._link = link
        self._device_info = device_info
        self._network = network

    def _info(self, project: Any) -> ProjectInfo:
        return ProjectInfo(
            name=str(project.Name), path=str(project.Path.FullName), version=self._session.version,
            author=str(project.Author or ""), comment="", has_unsaved_changes=bool(project.IsModified),
            created_at=str(project.CreationTime.ToUniversalTime().ToString("o")),
            simulation_support=bool(project.IsSimulationDuringBlockCompilationEnabled),
        )

    # ----- open, create, save, close ----------------------------------------------------------
    def open_projects(self) -> list[ProjectInfo]:
        return self._session.call("TiaPortal.Projects",
                                  lambda: [self._info(p) for p in self._link.connection().Projects])

    def _require_no_project(self) -> None:
        project = self._link.open_project()
        if project is not None:
            raise ConflictError(
                f"Project '{project.Name}' is already open; TIA Portal can have only one project open. Close it first.",
                code=codes.PROJECT_ALREADY_OPEN,
            )

    def create_project(self, directory: Path, name: str, *, author: str, comment: str) -> ProjectInfo:
        if author:  # refused before anything exists: a project created without it would be left behind
            raise NotSupportedError(
                "TIA Portal's Openness cannot set a project's author: Project.Author is read-only (the reference of "
                "the real API, openness_bridge/reference). TIA records the Windows user; create the project "
                "without an author.",
                code=codes.AUTHOR_READ_ONLY, details={"member": "Project.Author"},
            )

        def run() -> ProjectInfo:
            self._link.connection()
            check_project_name(name, self._session.version)
            self._require_no_project()
            require_folder(directory, code=codes.PATH_IS_A_FILE)
            folder = directory / name
            if folder.exists():
                raise AlreadyExistsError(f"The project folder '{folder}' already exists.", code=codes.PROJECT_EXISTS)
            directory.mkdir(parents=True, exist_ok=True)
            project = self._link.connection().Projects.Create(self._session.api.io.DirectoryInfo(str(directory)), name)
            # The project comment is a MultilingualText (Comment.Items[..].Text); not written in this slice.
            return self._info(project)

        return self._session.call("Projects.Create", run, invocation=ValidationError)

    def open_project(
        self, path: Path, *, upgrade: bool = False, credentials: ProjectCredentials | None = None,
    ) -> ProjectInfo:
        def run() -> ProjectInfo:
            self._link.connection()
            suffix = path.suffix.lower()
            if not path.is_file():
                raise NotFoundError(f"The project file '{path}' was not found.", code=codes.PROJECT_NOT_FOUND)
            if not re.fullmatch(r"\.ap\d\d", suffix):
                raise ValidationError(f"'{path.name}' is not a TIA Portal project file (.ap17 … .ap21).",
                                      code=codes.NOT_A_PROJECT)
            upgrading = needs_upgrade(path.name, f"V{suffix[3:]}", self._session.version, upgrade=upgrade)
            wanted = same_file_key(path)
            for process in self._link.processes():
                held = process.ProjectPath
                if held is not None and same_file_key(Path(
                    str(held.FullName))) == wanted and int(process.Id) != self._link.pid:
                    raise LockedError(
                        f"The project '{path.stem}' is already opened by another TIA Portal instance (pid "
                        f"{process.Id}).",
                        code=codes.PROJECT_LOCKED, details={"holderPid": int(process.Id)},
                    )
            current = self._link.open_project()
            if current is not None and same_file_key(Path(str(current.Path.FullName))) == wanted:
                return self._info(current)
            self._require_no_project()
            projects, file = self._link.connection().Projects, self._session.api.io.FileInfo(str(path))
            open_call = projects.OpenWithUpgrade if upgrading else projects.Open
            answer = UmacAnswer(self._session.api.engineering, credentials)
            return self._info(opened(answer, path.stem,
                                     lambda umac: open_call(file, umac) if umac else open_call(file),
                                     self._session.events))

        return self._session.call("Projects.Open", run, invocation=ValidationError)

    def save_project(self) -> ProjectInfo:
        def run() -> ProjectInfo:
            project = self._session.project()
            project.Save()
            return self._info(project)

        return self._session.call("Project.Save", run)

    def close_project(self) -> ProjectInfo:
        def run() -> ProjectInfo:
            project = self._session.project()
            info = self._info(project)
            project.Close()
            return info

        return self._session.call("Project.Close", run)

    # ----- overview, infrastructure, simulation support, index -----------------------------------
    def project_overview(self) -> ProjectOverview:
        def run() -> ProjectOverview:
            project = self._session.project()
            info = self._info(project)
            devices = [self._device_info(d) for d in all_devices(project)]
            return ProjectOverview(
                project_name=info.name, project_path=info.path, version=info.version, author=info.author,
                comment=info.comment, has_unsaved_changes=info.has_unsaved_changes,
                simulation_support=info.simulation_support, device_count=len(devices), devices=devices,
                subnets=self._network.infrastructure(project).subnets,
            )

        return self._session.call("Project.Devices", run)

    def project_infrastructure(self) -> ProjectInfrastructure:
        return self._session.call("Project.Subnets", lambda: self._network.infrastructure(self._session.project()))

    def set_simulation_support(self, enabled: bool) -> ProjectInfo:
        def run() -> ProjectInfo:
            project = self._session.project()
            project.IsSimulationDuringBlockCompilationEnabled = enabled
            return self._info(project)

        return self._session.change("Project.IsSimulationDuringBlockCompilationEnabled", run)

    def index_project(self) -> IndexResult:
        def run() -> IndexResult:
            project = self._session.project()
            devices = all_devices(project)

            def items(collection: Any) -> int:
                return sum(1 + items(i.DeviceItems) for i in collection)

            counts = {
                "devices": len(devices),
                "deviceItems": sum(items(d.DeviceItems) for d in devices),
                "interfaces": sum(len(self._network.interfaces(d)) for d in devices),
                "subnets": int(project.Subnets.Count),
            }
            return IndexResult(
                project_name=str(project.Name), object_count=sum(counts.values()), counts=counts,
                indexed_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            )

        return self._session.call("Project.Devices", run)

    # ----- archive and retrieve ----------------------------------------------------------------
    def archive_project(self, target: Path, *, unsaved: ArchiveUnsaved = "refuse") -> ArchiveInfo:
        def run() -> ArchiveInfo:
            project = self._session.project()
            check_archive_target(target, self._session.version, Path(str(project.Path.FullName)).parent)
            require_folder(target.parent)
            if bool(project.IsModified):
                if unsaved != "save":  # Project.Archive throws while modified, so "allow" cannot be honoured
                    raise unsaved_changes_refused(allow_requested=unsaved == "allow")
                project.Save()
            target.parent.mkdir(parents=True, exist_ok=True)
            # its owner mark keeps the folder from another node's start-up cleanup while TIA archives into it
            with staging_folder(target.parent, "archive") as staging:
                mode = self._session.api.engineering.ProjectArchivationMode.Compressed
                project.Archive(self._session.api.io.DirectoryInfo(str(staging)), target.stem, mode)
                produced = [p for p in staging.iterdir() if p.is_file()]
                if len(produced) != 1:
                    raise EngineeringError(
                        f"Project.Archive wrote {len(produced)} files instead of one archive.", code=codes.BRIDGE_ERROR
                    )
                produced[0].replace(target)
            data = target.read_bytes()
            # The .zap format is TIA's own: how many files it holds is not visible from outside, so 0 ("unknown").
            return ArchiveInfo(
                archive_path=str(target), size_bytes=len(data), file_count=0, sha256=hashlib.sha256(data).hexdigest()
            )

        return self._session.call("Project.Archive", run)

    def retrieve_project(
        self, archive: Path, target_directory: Path, *, upgrade: bool = False,
        credentials: ProjectCredentials | None = None,
    ) -> ProjectInfo:
        def run() -> ProjectInfo:
            self._link.connection()
            if not archive.is_file():
                raise NotFoundError(f"The archive '{archive}' was not found.", code=codes.ARCHIVE_NOT_FOUND)
            suffix = archive.suffix.lower()
            if not re.fullmatch(r"\.zap\d\d", suffix):
                raise ValidationError(f"'{archive.name}' is not a TIA Portal archive (.zap17 … .zap21).",
                                      code=codes.NOT_AN_ARCHIVE)
            upgrading = needs_upgrade(archive.name, f"V{suffix[4:]}", self._session.version, upgrade=upgrade)
            self._require_no_project()
            require_folder(target_directory)
            # TIA names the retrieved folder after the project; archives are named after their project as a rule.
            if (target_directory / archive.stem).exists():
                raise AlreadyExistsError(
                    f"The target folder '{target_directory / archive.stem}' already exists.", code=codes.PROJECT_EXISTS
                )
            created = not target_directory.exists()
            target_directory.mkdir(parents=True, exist_ok=True)
            projects, io = self._link.connection().Projects, self._session.api.io
            retrieve = projects.RetrieveWithUpgrade if upgrading else projects.Retrieve
            source, target = io.FileInfo(str(archive)), io.DirectoryInfo(str(target_directory))
            answer = UmacAnswer(self._session.api.engineering, credentials)
            try:
                project = opened(answer, archive.stem,
                                 lambda umac: retrieve(source, target, umac) if umac else retrieve(source, target),
                                 self._session.events)
            except BaseException:
                if created:
                    shutil.rmtree(target_directory, ignore_errors=True)  # a refused archive leaves nothing behind
                raise
            return self._info(project)

        return self._session.call("Projects.Retrieve", run, invocation=ValidationError)

    # ----- history -----------------------------------------------------------------------------
    def recent_projects(self) -> list[HistoryEntry]:
        raise NotSupportedError(f"The project history is not available: {_NO_HISTORY}",
                                code=codes.NO_OPENNESS_EQUIVALENT)

    def forget_recent_project(self, path: str) -> list[HistoryEntry]:
        raise NotSupportedError(f"The project history is not available: {_NO_HISTORY}",
                                code=codes.NO_OPENNESS_EQUIVALENT)
