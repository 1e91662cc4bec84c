"""The fake backend: an in-process TIA Portal model behind the backend port.

It behaves like TIA where a pipeline depends on it: one open project per portal, locks between
portals, unsaved changes lost on close, TIA's naming rules, version-suffixed project files. Each
change runs in a transaction, so a failed operation leaves the project as it was.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import platform
import re
import resource
import sys
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import (
    AlreadyExistsError,
    ConflictError,
    LockedError,
    NoProjectOpenError,
    NotFoundError,
    NotSupportedError,
    PortalUnavailableError,
    ValidationError,
    full_disk_named,
)
from engineering_api.backend.models import (
    ArchiveInfo,
    HistoryEntry,
    IndexResult,
    InstalledVersion,
    PortalInfo,
    ProjectCredentials,
    ProjectInfo,
    ProjectInfrastructure,
    ProjectOverview,
    SessionStatus,
    WhitelistEntry,
)
from engineering_api.backend.port import EngineeringBackend
from engineering_api.errors import codes
from engineering_api.lib.schema import utc_now
from engineering_api.rules.naming import check_project_name
from engineering_api.rules.project_upgrade import needs_upgrade
from engineering_api.rules.simulation_profiles import SimInstanceCalls
from engineering_api.rules.source_generation import GenerationAccess
from fakes import hardware
from fakes.blocks_ops import FakeBlocks
from fakes.catalog_ops import FakeCatalog
from fakes.compile_ops import FakeCompile
from fakes.devices_ops import FakeDevices
from fakes.reflection_ops import FakeReflection
from fakes.hmi_access import HmiAccess
from fakes.hmi_graphics_ops import FakeHmiGraphics
from fakes.hmi_ops import FakeHmi
from fakes.object_table import lazy_copies
from fakes.global_library_ops import FakeGlobalLibrary
from fakes.hmi_resources_ops import FakeHmiResources
from fakes.hmi_unified_ops import FakeHmiUnified
from fakes.library_ops import FakeLibrary
from fakes.library_support import LibraryAccess, MachineState
from fakes.library_types_ops import FakeLibraryTypes
from fakes.model import Project
from fakes.online_ops import FakeOnline
from fakes.portal import SUPPORTED_VERSIONS, PortalTable, release_lock, take_lock
from fakes.project_archive import archive_project, retrieve_archive
from fakes.project_files import (
    load_project,
    make_folder,
    project_version,
    save_project,
)
from fakes.runtime.manager import SimulationRuntime
from fakes.runtime_values_ops import FakeRuntimeValues
from fakes.security_ops import FakeSecurity
from fakes.session import FakeSession
from fakes.simulation_ops import FakeSimulation
from fakes.sim_profiles_ops import FakeSimProfiles
from fakes.sim_snapshots_ops import FakeSimSnapshots
from fakes.sim_tags_ops import FakeSimTags
from fakes.program_ops import FakeProgram
from fakes.tag_constants_ops import FakeTagConstants
from fakes.tag_import_ops import FakeTagImport
from fakes.tags_ops import FakeTags
from fakes.tag_support import TagTables
from fakes.types_ops import FakeTypes
from fakes.watch_tables_ops import FakeWatchTables
from simatic_xml.cancel import checkpoint

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from engineering_api.backend.models import ArchiveUnsaved
    from fakes.model import Device
    from fakes.program import PlcSoftware
    from fakes.portal import FakePortal
    from fakes.runtime.image import ProgramImage

__all__ = ("FakeBackend",)


def _no_upgrade(name: str, held: str, version: str) -> NotSupportedError:
    """The simulated portal's answer to an upgrade it was asked for: it keeps one format per version, no converter."""
    return NotSupportedError(
        f"'{name}' holds a TIA Portal {held} project; the simulated TIA Portal {version} cannot upgrade projects (a "
        "real TIA Portal does, with Projects.OpenWithUpgrade). Upgrade it in TIA Portal, or use the openness backend.",
        code=codes.UPGRADE_NOT_SIMULATED,
    )


def _empty_image() -> ProgramImage:
    """The program image of a CPU nothing was downloaded to (imported late: the engine is large)."""
    from fakes.program import PlcSoftware
    from fakes.runtime.image import build_image

    return build_image(PlcSoftware(), "")


RECENT_PROJECTS_LIMIT = 20


class FakeBackend(EngineeringBackend):
    """In-process TIA model.

    Args:
        state_dir: where the model keeps machine-level state (recent projects, firewall whitelist).
        default_version: version of portals launched without one.
        portals: the machine's portal table; pass one table to several backends to model two servers.
    """

    name = "fake"
    reads_off_worker = True
    library: FakeLibrary

    def __init__(self, state_dir: Path, *, default_version: str = "V19", portals: PortalTable | None = None) -> None:
        super().__init__()
        if default_version not in SUPPORTED_VERSIONS:
            raise ValueError(f"unsupported TIA version {default_version}")
        self.state_dir = state_dir
        self.default_version = default_version
        self.portals = portals or PortalTable()
        self._attached: int | None = None
        self._thread_ident: int | None = None
        self.plcsim = SimulationRuntime(state_dir, empty_image=_empty_image)
        """The machine's PLCSIM Advanced (in-process): instances that downloads load into."""
        session = FakeSession(
            portal=self._portal,
            project=self._project,
            change=self._change,
            device=self._device,
            software=self._software,
            add_folder=self._add_folder,
            remove_folder=self._remove_folder,
        )
        self.catalog = FakeCatalog()
        self.reflection = FakeReflection(session)
        self.security = FakeSecurity(session, catalog=self.catalog.loaded)
        self.simulation = FakeSimulation(self.plcsim)
        self.sim_tags = FakeSimTags(self.plcsim)
        self.sim_profiles = FakeSimProfiles(self.plcsim, calls=SimInstanceCalls(
            instances=self.simulation.list_instances, create=self.simulation.create_instance,
            set_network=self.simulation.set_instance_network, delete=self.plcsim.delete))
        self.sim_snapshots = FakeSimSnapshots(self.plcsim, state_of=self.simulation.instance_state)
        self.runtime_values = FakeRuntimeValues(self.plcsim)
        self.compile = FakeCompile(session)
        self.online = FakeOnline(
            session,
            plcsim=self.plcsim,
            compile_run=self.compile.compile_run,
            load_protection=self.security.load_protection,
            refresh_after_download=self.simulation.refresh_after_download,
        )
        self.watch_tables = FakeWatchTables(session, online_cpu=self.online.online_cpu)
        tag_tables = TagTables(session)
        self.tags = FakeTags(session, tables=tag_tables)
        self.tag_constants = FakeTagConstants(session, tables=tag_tables)
        self.tag_import = FakeTagImport(session, tables=tag_tables)
        libraries = LibraryAccess(session, portals=self.portals)
        self.library = FakeLibrary(session, libraries=libraries)
        self.library_types = FakeLibraryTypes(session, libraries=libraries)
        self.global_library = FakeGlobalLibrary(
            session, libraries=libraries, state=MachineState(read=self._read_state, write=self._write_state))
        self.types = FakeTypes(session, guard=self.library.guarded)
        self.program = FakeProgram(session, guard=self.library.guarded)
        self.blocks = FakeBlocks(
            session,
            refuse_instance_rename=self.library.refuse_instance_rename,
            generation=GenerationAccess(
                program=self.program, compile=self.compile, tags=self.tags, tag_constants=self.tag_constants,
                import_generated=self.program.import_program_documents),
        )
        hmi_access = HmiAccess(session)
        self.hmi_resources = FakeHmiResources(
            hmi_access, library_types=self.library_types.list_library_types, guard_program=self.library.guarded,
        )
        self.hmi_graphics = FakeHmiGraphics(session)
        self.hmi_unified = FakeHmiUnified(session)
        self.hmi = FakeHmi(
            hmi_access,
            plc_tags=self.tags.list_all_tags,
            plc_blocks=self.blocks.list_blocks,
            hmi_library_types=self.hmi_resources.list_hmi_library_types,
            unified_model=self.hmi_unified.read_unified_hmi,
        )
        self.devices = FakeDevices(session, catalog=self.catalog.loaded)

    def on_worker_thread_started(self) -> None:
        self._thread_ident = threading.get_ident()

    def close(self) -> None:
        # Free-running simulated CPUs have threads of their own; the portals (processes) stay.
        self.plcsim.shutdown()

    # ----- helpers ---------------------------------------------------------------------------
    def _portal(self) -> FakePortal:
        portal = self.portals.portals.get(self._attached) if self._attached is not None else None
        if portal is None:
            self._attached = None
            raise PortalUnavailableError(
                "No TIA Portal is attached. Launch one (POST /api/instance/actions/launch) or attach to a running "
                "one (POST /api/instance/actions/attach).",
                code=codes.NO_PORTAL_ATTACHED,
            )
        return portal

    def _project(self) -> Project:
        project = self._portal().project
        if project is None:
            raise NoProjectOpenError("No project is open in the attached TIA Portal.")
        return project

    @contextmanager
    def _change(self) -> Iterator[Project]:
        """A transaction on the open project: on any error the model is put back as it was."""
        portal = self._portal()
        project = self._project()
        with lazy_copies() as tables:  # the program's tables copied only when the change writes them
            backup = copy.deepcopy(project)
        try:
            yield project
            # A call stopped by its timeout or a cancel request keeps nothing, even work it finished just then:
            # its caller is told it failed.
            checkpoint()
        except BaseException:
            for table in tables:
                table.settle(keep=True)
            portal.project = backup
            raise
        for table in tables:
            table.settle(keep=False)
        project.dirty = True

    def _device(self, project: Project, name: str):  # fakes.model.Device
        device = project.device(name)
        if device is None:
            raise NotFoundError(f"The device '{name}' was not found in project '{project.name}'.",
                                code=codes.DEVICE_NOT_FOUND)
        return device

    def _software(self, project: Project, device_name: str) -> tuple[Device, PlcSoftware]:
        device = self._device(project, device_name)
        software = device.software
        if software is None:
            raise ValidationError(
                f"The device '{device.name}' is a {device.category or device.device_kind}, not a PLC; it has no PLC "
                "software.",
                code=codes.NOT_A_PLC,
            )
        return device, software

    def _add_folder(self, device: str, category: str, path: str) -> str:
        with self._change() as project:
            return self._software(project, device)[1].add_folder(category, path)

    def _remove_folder(self, device: str, category: str, path: str) -> list[str]:
        # ``\`` separators are accepted: ``remove_folder`` normalises the path.
        with self._change() as project:
            return self._software(project, device)[1].remove_folder(category, path)

    def _project_info(self, project: Project) -> ProjectInfo:
        return ProjectInfo(
            name=project.name, path=str(project.file), version=project.version, author=project.author,
            comment=project.comment, has_unsaved_changes=project.dirty, simulation_support=project.simulation_support,
            created_at=project.created_at or None, saved_at=project.saved_at,
        )

    # ----- machine state ---------------------------------------------------------------------
    def _state_file(self, name: str) -> Path:
        return self.state_dir / f"fake-{name}.json"

    def _read_state(self, name: str) -> list[dict[str, Any]]:
        try:
            return json.loads(self._state_file(name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []

    def _write_state(self, name: str, value: list[dict[str, Any]]) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._state_file(name).write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")

    def _remember(self, project: Project) -> None:
        history = [h for h in self._read_state("history") if h.get("path") != str(project.file)]
        history.insert(0, {"path": str(project.file), "name": project.name, "lastAccess": utc_now()})
        self._write_state("history", history[:RECENT_PROJECTS_LIMIT])

    # ----- health and portals ----------------------------------------------------------------
    def installed_versions(self) -> list[InstalledVersion]:
        return [
            InstalledVersion(version=v, install_path=f"(in-process TIA model, {v})", openness_available=True)
            for v in SUPPORTED_VERSIONS
        ]

    def diagnostics(self) -> dict[str, object]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "backend": self.name,
            "machine": {"platform": platform.platform(), "python": sys.version.split()[0], "pid": os.getpid()},
            "openness": {
                "available": True,
                "note": "in-process TIA model; no TIA Portal or Openness assemblies are used",
                "userInOpennessGroup": True,
            },
            "portals": len(self.portals.portals),
            "attachedPid": self._attached,
            "workerThread": threading.current_thread().name,
            "maxRssKiB": usage.ru_maxrss,
        }

    def session_status(self) -> SessionStatus:
        portal = self.portals.portals.get(self._attached) if self._attached is not None else None
        if portal is None:
            return SessionStatus(connected=False, backend=self.name)
        project = portal.project
        return SessionStatus(
            connected=True, backend=self.name, pid=portal.pid, version=portal.version,
            mode="WithUserInterface" if portal.with_ui else "WithoutUserInterface",
            project_open=project is not None, project_name=project.name if project else None,
            project_path=str(project.file) if project else None,
            has_unsaved_changes=bool(project and project.dirty),
        )

    def list_portals(self) -> list[PortalInfo]:
        return [p.info(p.pid == self._attached) for p in self.portals.portals.values()]

    def launch_portal(self, *, with_ui: bool, version: str | None) -> PortalInfo:
        if self._attached in self.portals.portals:
            raise ConflictError(
                f"Already attached to TIA Portal (pid {self._attached}); detach or shut it down first.",
                code=codes.ALREADY_ATTACHED,
            )
        version = version or self.default_version
        if version not in SUPPORTED_VERSIONS:
            raise ValidationError(
                f"TIA Portal {version} is not installed (installed: {', '.join(SUPPORTED_VERSIONS)}).",
                code=codes.VERSION_NOT_INSTALLED,
            )
        portal = self.portals.launch(version, with_ui)
        self._attached = portal.pid
        return portal.info(True)

    def attach_portal(self, pid: int) -> PortalInfo:
        portal = self.portals.portals.get(pid)
        if portal is None:
            raise NotFoundError(f"No TIA Portal process with pid {pid} is running.", code=codes.PORTAL_NOT_FOUND)
        if self._attached in self.portals.portals and self._attached != pid:
            raise ConflictError(
                f"Already attached to TIA Portal (pid {self._attached}); detach first.", code=codes.ALREADY_ATTACHED
            )
        self._attached = pid
        return portal.info(True)

    def detach_portal(self) -> PortalInfo:
        portal = self._portal()
        self._attached = None
        return portal.info(False)

    def shutdown_portal(self) -> PortalInfo:
        portal = self._portal()
        info = portal.info(False)
        self.portals.terminate(portal.pid)
        self._attached = None
        return info

    def portal_process_diagnostics(self) -> dict[str, object]:
        portal = self._portal()
        project = portal.project
        return {
            "pid": portal.pid,
            "version": portal.version,
            "mode": "WithUserInterface" if portal.with_ui else "WithoutUserInterface",
            "startedAt": portal.started_at,
            "projectOpen": project is not None,
            "projectDevices": len(project.devices) if project else 0,
            "memoryKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "cpuSeconds": round(resource.getrusage(resource.RUSAGE_SELF).ru_utime, 3),
            "opennessState": "Attached",
        }

    def whitelist_application(self, application_path: str) -> WhitelistEntry:
        from pathlib import Path

        path = Path(application_path)
        if not path.is_file():
            raise NotFoundError(f"The application '{application_path}' does not exist.", code=codes.FILE_NOT_FOUND)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        entries = [e for e in self._read_state("whitelist") if e.get("applicationPath") != str(path)]
        entry = WhitelistEntry(
            application_path=str(path), sha256=digest, tia_version=", ".join(SUPPORTED_VERSIONS), added_at=utc_now()
        )
        entries.append({"applicationPath": entry.application_path, "sha256": digest, "addedAt": entry.added_at})
        self._write_state("whitelist", entries)
        return entry

    # ----- projects --------------------------------------------------------------------------
    def open_projects(self) -> list[ProjectInfo]:
        project = self._portal().project
        return [self._project_info(project)] if project else []

    def _require_no_project(self, portal: FakePortal) -> None:
        if portal.project is not None:
            raise ConflictError(
                f"Project '{portal.project.name}' is already open; TIA Portal can have only one project open. "
                "Close it first.",
                code=codes.PROJECT_ALREADY_OPEN,
            )

    def _activate(self, portal: FakePortal, project: Project) -> ProjectInfo:
        take_lock(project.folder, portal.pid)
        portal.project = project
        self._remember(project)
        return self._project_info(project)

    def create_project(self, directory: Path, name: str, *, author: str, comment: str) -> ProjectInfo:
        portal = self._portal()
        check_project_name(name, portal.version)
        self._require_no_project(portal)
        folder = directory / name
        if folder.exists():
            raise AlreadyExistsError(f"The project folder '{folder}' already exists.", code=codes.PROJECT_EXISTS)
        project = Project(
            name=name, folder=folder, version=portal.version, author=author, comment=comment, created_at=utc_now()
        )
        project.saved_at = project.created_at
        with full_disk_named(folder, f"the project '{name}'"):
            make_folder(folder)
            save_project(project)
            return self._activate(portal, project)

    def open_project(
        self, path: Path, *, upgrade: bool = False, credentials: ProjectCredentials | None = None,
    ) -> ProjectInfo:
        # credentials: the simulated portal protects no project, so TIA would never ask for them
        portal = self._portal()
        version = project_version(path)
        if not path.is_file():
            raise NotFoundError(f"The project file '{path}' was not found.", code=codes.PROJECT_NOT_FOUND)
        if needs_upgrade(path.name, version, portal.version, upgrade=upgrade):
            raise _no_upgrade(path.name, version, portal.version)
        holder = self.portals.holder_of(path.parent)
        if holder is not None and holder.pid != portal.pid:
            raise LockedError(
                f"The project '{path.stem}' is already opened by another TIA Portal instance (pid {holder.pid}).",
                code=codes.PROJECT_LOCKED,
                details={"holderPid": holder.pid},
            )
        if portal.project is not None and portal.project.file.resolve() == path.resolve():
            return self._project_info(portal.project)
        self._require_no_project(portal)
        with full_disk_named(path.parent, f"opening the project '{path.stem}'"):
            return self._activate(portal, load_project(path))

    def save_project(self) -> ProjectInfo:
        project = self._project()
        with project.saving(), full_disk_named(project.folder, f"the project '{project.name}'"):
            save_project(project)
        project.dirty = False
        return self._project_info(project)

    def close_project(self) -> ProjectInfo:
        portal = self._portal()
        project = self._project()
        info = self._project_info(project)
        release_lock(project.folder, portal.pid)
        portal.project = None
        return info

    def archive_project(self, target: Path, *, unsaved: ArchiveUnsaved = "refuse") -> ArchiveInfo:
        return archive_project(self._project(), target, unsaved=unsaved, save=self.save_project)

    def retrieve_project(
        self, archive: Path, target_directory: Path, *, upgrade: bool = False,
        credentials: ProjectCredentials | None = None,
    ) -> ProjectInfo:
        portal = self._portal()
        held = re.fullmatch(r"\.zap(\d\d)", archive.suffix.lower())
        if held and needs_upgrade(archive.name, f"V{held[1]}", portal.version, upgrade=upgrade):
            raise _no_upgrade(archive.name, f"V{held[1]}", portal.version)
        self._require_no_project(portal)
        return self._activate(portal, load_project(retrieve_archive(archive, target_directory, portal.version)))

    def recent_projects(self) -> list[HistoryEntry]:
        return [
            HistoryEntry(path=h["path"], last_access=h["lastAccess"], name=h.get("name", ""))
            for h in self._read_state("history")
        ]

    def forget_recent_project(self, path: str) -> list[HistoryEntry]:
        history = self._read_state("history")
        remaining = [h for h in history if h.get("path") != path]
        if len(remaining) == len(history):
            raise NotFoundError(f"'{path}' is not in the project history.", code=codes.HISTORY_ENTRY_NOT_FOUND)
        self._write_state("history", remaining)
        return self.recent_projects()

    def project_overview(self) -> ProjectOverview:
        project = self._project()
        systems = hardware.io_systems(project)
        return ProjectOverview(
            project_name=project.name, project_path=str(project.file), version=project.version,
            author=project.author, comment=project.comment, has_unsaved_changes=project.dirty,
            simulation_support=project.simulation_support, device_count=len(project.devices),
            devices=[hardware.device_info(project, d, systems) for d in project.devices.values()],
            subnets=hardware.subnet_infos(project),
        )

    def project_infrastructure(self) -> ProjectInfrastructure:
        project = self._project()
        return ProjectInfrastructure(
            subnets=hardware.subnet_infos(project), io_systems=hardware.io_systems(project), connections=[]
        )

    def set_simulation_support(self, enabled: bool) -> ProjectInfo:
        with self._change() as project:
            project.simulation_support = enabled
        return self._project_info(project)

    def set_retentive_memory_bytes(self, device: str, count: int) -> None:
        """The PLC's retentive bit memory, TIA's "Retain" setting of the PLC tags (``count`` bytes from MB0; the
        download checks the %M area holds them). No port member: Openness and the exports do not carry it."""
        with self._change() as project:
            self._software(project, device)[1].retentive_marker_bytes = count

    def set_max_cycle_time(self, device: str, milliseconds: float) -> None:
        """The CPU's maximum cycle time (its "Cycle" setting, 1 to 6000 ms; the download passes it to the simulated
        CPU). No port member: the in-process model offers it for ``test run``'s ``maxCycleTimeMs``."""
        with self._change() as project:
            self._software(project, device)[1].max_cycle_time_ms = float(milliseconds)

    def index_project(self) -> IndexResult:
        project = self._project()
        counts = {
            "devices": len(project.devices),
            "modules": sum(len(d.modules) for d in project.devices.values()),
            "interfaces": sum(len(d.interfaces) for d in project.devices.values()),
            "subnets": len(project.subnets),
        }
        return IndexResult(
            project_name=project.name, object_count=sum(counts.values()), counts=counts, indexed_at=utc_now()
        )
