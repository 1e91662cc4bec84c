"""The bridge's project extras: overview, infrastructure, archive/retrieve, simulation support, index, history.

Mixed into :class:`openness_bridge.backend.OpennessBackend`; port methods not defined here stay pending
(:mod:`openness_bridge.pending`). Openness shape used here:

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
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from engineering_api.backend.errors import (
    AlreadyExistsError,
    EngineeringError,
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
from engineering_api.rules.archive import unsaved_changes_refused
from openness_bridge.device_lookup import all_devices

__all__ = ("ProjectOperations", "require_folder")

_NO_HISTORY = (
    "Openness has no list of recently opened projects: TIA Portal keeps that list in the user's settings, outside "
    "the API, and Project.HistoryEntries is the open project's own event log, not a list of projects. Keep track "
    "of the project paths on the client side (GET /api/projects/open shows the open one)."
)


def require_folder(folder: Path) -> None:
    """Raise ``ValidationError`` when a file stands where ``folder`` or one of its parents must be a folder."""
    for parent in (folder, *folder.parents):
        if parent.exists() and not parent.is_dir():
            raise ValidationError(f"'{parent}' is a file; a folder is needed there.", code="NOT_A_FOLDER")


class ProjectOperations:
    """Mixed into ``OpennessBackend``; relies on its ``_call``/``_change``, ``_project`` and helpers."""

    def project_overview(self) -> ProjectOverview:
        def run() -> ProjectOverview:
            project = self._project()
            info = self._project_info(project)
            devices = [self.devices.device_info(d) for d in all_devices(project)]
            return ProjectOverview(
                project_name=info.name, project_path=info.path, version=info.version, author=info.author,
                comment=info.comment, has_unsaved_changes=info.has_unsaved_changes,
                simulation_support=info.simulation_support, device_count=len(devices), devices=devices,
                subnets=self.devices.network.infrastructure(project).subnets,
            )

        return self._call("Project.Devices", run)

    def project_infrastructure(self) -> ProjectInfrastructure:
        return self._call("Project.Subnets", lambda: self.devices.network.infrastructure(self._project()))

    def set_simulation_support(self, enabled: bool) -> ProjectInfo:
        def run() -> ProjectInfo:
            project = self._project()
            project.IsSimulationDuringBlockCompilationEnabled = enabled
            return self._project_info(project)

        return self._change("Project.IsSimulationDuringBlockCompilationEnabled", run)

    def index_project(self) -> IndexResult:
        def run() -> IndexResult:
            project = self._project()
            devices = all_devices(project)

            def items(collection: object) -> int:
                return sum(1 + items(i.DeviceItems) for i in collection)  # type: ignore[attr-defined]

            counts = {
                "devices": len(devices),
                "deviceItems": sum(items(d.DeviceItems) for d in devices),
                "interfaces": sum(len(self.devices.network.interfaces(d)) for d in devices),
                "subnets": int(project.Subnets.Count),
            }
            return IndexResult(
                project_name=str(project.Name), object_count=sum(counts.values()), counts=counts,
                indexed_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            )

        return self._call("Project.Devices", run)

    # ----- archive and retrieve ----------------------------------------------------------------
    def archive_project(self, target: Path, *, unsaved: ArchiveUnsaved = "refuse") -> ArchiveInfo:
        def run() -> ArchiveInfo:
            project = self._project()
            expected = f".zap{self._version[1:]}"
            if target.suffix.lower() != expected:
                raise ValidationError(
                    f"A {self._version} project archive must have the extension {expected}, not '{target.suffix}'.",
                    code="ARCHIVE_EXTENSION",
                )
            require_folder(target.parent)
            if target.exists():
                raise AlreadyExistsError(f"The archive '{target.name}' already exists.", code="ARCHIVE_EXISTS")
            if target.resolve().is_relative_to(Path(str(project.Path.FullName)).parent.resolve()):
                raise ValidationError("The archive cannot be written inside the project folder.", code="ARCHIVE_TARGET")
            if bool(project.IsModified):
                if unsaved != "save":  # Project.Archive throws while modified, so "allow" cannot be honoured
                    raise unsaved_changes_refused(allow_requested=unsaved == "allow")
                project.Save()
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".archive-", dir=target.parent))
            try:
                mode = self._api.engineering.ProjectArchivationMode.Compressed
                project.Archive(self._api.io.DirectoryInfo(str(staging)), target.stem, mode)
                produced = [p for p in staging.iterdir() if p.is_file()]
                if len(produced) != 1:
                    raise EngineeringError(
                        f"Project.Archive wrote {len(produced)} files instead of one archive.", code="BRIDGE_ERROR"
                    )
                produced[0].replace(target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            data = target.read_bytes()
            # The .zap format is TIA's own: how many files it holds is not visible from outside, so 0 ("unknown").
            return ArchiveInfo(
                archive_path=str(target), size_bytes=len(data), file_count=0, sha256=hashlib.sha256(data).hexdigest()
            )

        return self._call("Project.Archive", run)

    def retrieve_project(self, archive: Path, target_directory: Path) -> ProjectInfo:
        def run() -> ProjectInfo:
            self._connection()
            if not archive.is_file():
                raise NotFoundError(f"The archive '{archive}' was not found.", code="ARCHIVE_NOT_FOUND")
            suffix = archive.suffix.lower()
            if not re.fullmatch(r"\.zap\d\d", suffix):
                raise ValidationError(f"'{archive.name}' is not a TIA Portal archive (.zap17 … .zap21).", code="NOT_AN_ARCHIVE")
            if suffix != f".zap{self._version[1:]}":
                raise ValidationError(
                    f"The archive '{archive.name}' holds a TIA Portal V{suffix[4:]} project; this portal is "
                    f"{self._version} (Projects.RetrieveWithUpgrade is not offered yet).",
                    code="PROJECT_VERSION_MISMATCH",
                )
            self._require_no_project()
            require_folder(target_directory)
            # TIA names the retrieved folder after the project; archives are named after their project as a rule.
            if (target_directory / archive.stem).exists():
                raise AlreadyExistsError(
                    f"The target folder '{target_directory / archive.stem}' already exists.", code="PROJECT_EXISTS"
                )
            created = not target_directory.exists()
            target_directory.mkdir(parents=True, exist_ok=True)
            try:
                project = self._connection().Projects.Retrieve(
                    self._api.io.FileInfo(str(archive)), self._api.io.DirectoryInfo(str(target_directory))
                )
            except BaseException:
                if created:
                    shutil.rmtree(target_directory, ignore_errors=True)  # a refused archive leaves nothing behind
                raise
            return self._project_info(project)

        return self._call("Projects.Retrieve", run, invocation=ValidationError)

    # ----- history -----------------------------------------------------------------------------
    def project_history(self) -> list[HistoryEntry]:
        raise NotSupportedError(f"The project history is not available: {_NO_HISTORY}", code="NO_OPENNESS_EQUIVALENT")

    def remove_history_entry(self, path: str) -> list[HistoryEntry]:
        raise NotSupportedError(f"The project history is not available: {_NO_HISTORY}", code="NO_OPENNESS_EQUIVALENT")
