"""The backend port: everything the service asks of TIA Portal goes through this ABC.

Every method is called on the single TIA worker thread (see :mod:`engineering_api.backend.worker`),
never concurrently, so adapters need no locking of their own. File paths arrive already confined to
the configured roots. Each docstring names the domain errors the method raises; the contract test
suite (``tests/contract``) holds every adapter to them.

The backend's own methods cover the portal and its projects. Every other area is held: an object implementing
the area's ABC (``backend/areas/``), given its collaborators by the adapter's constructor and reached by name
(``backend.devices.list_devices(...)``, ``backend.reflection.openness_types(...)``). :data:`AREAS` lists the
held areas; :func:`port_method_names` names every port method, held ones dotted.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from engineering_api.backend.areas.blocks import BlocksPort
from engineering_api.backend.areas.catalog import CatalogPort
from engineering_api.backend.areas.compile import CompilePort
from engineering_api.backend.areas.devices import DevicesPort
from engineering_api.backend.areas.reflection import ReflectionPort
from engineering_api.backend.areas.global_library import GlobalLibraryPort
from engineering_api.backend.areas.hmi import HmiPort
from engineering_api.backend.areas.hmi_graphics import HmiGraphicsPort
from engineering_api.backend.areas.hmi_resources import HmiResourcesPort
from engineering_api.backend.areas.hmi_unified import HmiUnifiedPort
from engineering_api.backend.areas.library import LibraryPort, LibraryTypesPort
from engineering_api.backend.areas.online import OnlinePort
from engineering_api.backend.areas.program import ProgramPort
from engineering_api.backend.areas.runtime_values import RuntimeValuesPort
from engineering_api.backend.areas.security import SecurityPort
from engineering_api.backend.areas.simulation import SimSnapshotsPort
from engineering_api.backend.areas.simulation import SimProfilesPort, SimTagsPort, SimulationPort
from engineering_api.backend.areas.tags import TagConstantsPort, TagImportPort, TagsPort
from engineering_api.backend.areas.types import TypesPort
from engineering_api.backend.areas.watch_tables import WatchTablesPort

if TYPE_CHECKING:
    from pathlib import Path

    from engineering_api.backend.models import (
        ArchiveInfo,
        ArchiveUnsaved,
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

__all__ = ("AREAS", "EngineeringBackend", "port_method_names")

AREAS: dict[str, type[ABC]] = {
    "reflection": ReflectionPort,
    "security": SecurityPort,
    "watch_tables": WatchTablesPort,
    "tags": TagsPort,
    "tag_constants": TagConstantsPort,
    "tag_import": TagImportPort,
    "types": TypesPort,
    "hmi": HmiPort,
    "hmi_resources": HmiResourcesPort,
    "hmi_graphics": HmiGraphicsPort,
    "hmi_unified": HmiUnifiedPort,
    "library": LibraryPort,
    "library_types": LibraryTypesPort,
    "global_library": GlobalLibraryPort,
    "compile": CompilePort,
    "program": ProgramPort,
    "blocks": BlocksPort,
    "simulation": SimulationPort,
    "sim_tags": SimTagsPort,
    "sim_profiles": SimProfilesPort,
    "sim_snapshots": SimSnapshotsPort,
    "runtime_values": RuntimeValuesPort,
    "online": OnlinePort,
    "devices": DevicesPort,
    "catalog": CatalogPort,
}
"""The areas a backend holds as objects, by attribute name (see :class:`EngineeringBackend`)."""


class EngineeringBackend(ABC):
    """One TIA Portal session: the portal it is attached to and that portal's open project.

    Errors common to all methods: :class:`~.errors.PortalUnavailableError` when the method needs an
    attached portal and none is; :class:`~.errors.NoProjectOpenError` when it needs an open project.
    """

    name: str = "abstract"
    """Short backend name shown in status and diagnostics (``fake``, ``openness``)."""
    reads_off_worker: bool = False
    """Whether a read may run on another thread while the worker is idle (the calls stay one at a time): true for
    an in-process adapter with no thread affinity (the fake), so a quick read skips the hop to the worker. Openness
    objects belong to the thread that made them, so the bridge keeps every call on its one thread."""
    reflection: ReflectionPort
    """Openness reflection: the loaded assemblies' types and the services of a device (set by the adapter)."""
    security: SecurityPort
    """CPU protection, display password, master secret and project users (set by the adapter)."""
    watch_tables: WatchTablesPort
    """Watch and force tables of a PLC, their entries and folders, forcing (set by the adapter)."""
    tags: TagsPort
    """Tag tables and their folders, tags, a table's export (set by the adapter)."""
    tag_constants: TagConstantsPort
    """User and system constants of a PLC's tag tables (set by the adapter)."""
    tag_import: TagImportPort
    """Imports of tags and user constants into a PLC's tag tables, all or nothing (set by the adapter)."""
    types: TypesPort
    """PLC data types (UDTs): listing, content, import and update, deletion, folders (set by the adapter)."""
    hmi: HmiPort
    """Classic HMI panels' screens, tag tables, connections and user folders, the HMI compile (set by the adapter)."""
    hmi_resources: HmiResourcesPort
    """Classic HMI panels' VB scripts, text and graphic lists, the project library's HMI types (set by the adapter)."""
    hmi_graphics: HmiGraphicsPort
    """The project graphics, reached through an HMI panel (set by the adapter)."""
    hmi_unified: HmiUnifiedPort
    """WinCC Unified panels' object model (set by the adapter)."""
    library: LibraryPort
    """The project library and open global libraries' content: their folders and master copies (set by the
    adapter)."""
    library_types: LibraryTypesPort
    """Types with versions in the project library or an open global library, and their instances (set by the
    adapter)."""
    global_library: GlobalLibraryPort
    """Global libraries' lifecycle: list, create, open, save, close, archive, project types copied in (set by the
    adapter)."""
    compile: CompilePort
    """Compiling a PLC's software or one block, as TIA's compiler does (set by the adapter)."""
    program: ProgramPort
    """A PLC's program objects (blocks, PLC data types, tag tables) as SimaticML: import, listing, export (set by the
    adapter)."""
    blocks: BlocksPort
    """Blocks and their folders, external sources and their folders, "generate blocks from source" (set by the
    adapter)."""
    simulation: SimulationPort
    """PLCSIM Advanced: the runtime manager, virtual PLC instances, their states and stepping, the session (set by
    the adapter)."""
    sim_tags: SimTagsPort
    """The tags of a simulation instance: its tag list, reads and writes, batches (set by the adapter)."""
    sim_profiles: SimProfilesPort
    """Simulation profiles (saved sets of instances) and the legacy PLCSIM import (set by the adapter)."""
    sim_snapshots: SimSnapshotsPort
    """Snapshots of a simulated CPU's whole state, restored to replay its scans (set by the adapter)."""
    runtime_values: RuntimeValuesPort
    """A simulated CPU as a runtime client sees it: released tags, scan-time reads and writes, monitored items and
    alarm events (set by the adapter)."""
    online: OnlinePort
    """A PLC and its simulated CPU: online sessions, CPU state, download, upload, compare (set by the adapter)."""
    devices: DevicesPort
    """Devices of the open project: add, rename, delete, networks, hardware compile, parking lot, slots, AML."""
    catalog: CatalogPort
    """The hardware catalog: article lookup and search, its cache, article images (set by the adapter)."""

    # ----- lifecycle -------------------------------------------------------------------------
    def on_worker_thread_started(self) -> None:
        """Called on a (new) worker thread before its first call; thread-bound adapters set up here."""

    def close(self) -> None:
        """Release everything; the portal processes themselves are left running."""

    # ----- health and portal management ------------------------------------------------------
    @abstractmethod
    def installed_versions(self) -> list[InstalledVersion]:
        """TIA Portal versions installed on this machine (empty list when none)."""

    @abstractmethod
    def diagnostics(self) -> dict[str, object]:
        """Machine, portal and Openness facts for troubleshooting. Never raises for a missing portal."""

    @abstractmethod
    def session_status(self) -> SessionStatus:
        """What this session is attached to and which project is open. Never raises."""

    @abstractmethod
    def list_portals(self) -> list[PortalInfo]:
        """Running TIA Portal processes on this machine."""

    @abstractmethod
    def launch_portal(self, *, with_ui: bool, version: str | None) -> PortalInfo:
        """Start a new portal and attach to it.

        Raises:
            ConflictError: this session is already attached to a portal.
            ValidationError: ``version`` is not installed.
        """

    @abstractmethod
    def attach_portal(self, pid: int) -> PortalInfo:
        """Attach to a running portal by process id.

        Raises:
            NotFoundError: no TIA Portal process has that pid.
            ConflictError: this session is already attached to another portal.
        """

    @abstractmethod
    def detach_portal(self) -> PortalInfo:
        """Let go of the attached portal; it keeps running with its project open.

        Raises:
            PortalUnavailableError: nothing is attached.
        """

    @abstractmethod
    def shutdown_portal(self) -> PortalInfo:
        """Close the attached portal process; an open project is closed without saving.

        Raises:
            PortalUnavailableError: nothing is attached.
        """

    @abstractmethod
    def portal_process_diagnostics(self) -> dict[str, object]:
        """Memory, CPU time and Openness state of the attached portal's process.

        Raises:
            PortalUnavailableError: nothing is attached.
        """

    @abstractmethod
    def whitelist_application(self, application_path: str) -> WhitelistEntry:
        """Allow an application through the Openness firewall for every installed version.

        Raises:
            NotFoundError: the application file does not exist.
            PermissionDeniedError: the registry cannot be written (not elevated).
        """

    # ----- projects --------------------------------------------------------------------------
    @abstractmethod
    def open_projects(self) -> list[ProjectInfo]:
        """Projects open in the attached portal (TIA allows one)."""

    @abstractmethod
    def create_project(self, directory: Path, name: str, *, author: str, comment: str) -> ProjectInfo:
        """Create and open an empty project ``directory/name/name.apNN``.

        Raises:
            ValidationError: ``name`` breaks TIA's naming rules, or a file stands where a folder is needed.
            AlreadyExistsError: the project folder exists.
            ConflictError: a project is already open in this portal.
        """

    @abstractmethod
    def open_project(
        self, path: Path, *, upgrade: bool = False, credentials: ProjectCredentials | None = None,
    ) -> ProjectInfo:
        """Open a project file.

        A project of an older TIA version opens only with ``upgrade`` (``Projects.OpenWithUpgrade``: it writes the
        upgraded project and cannot be undone); a UMAC-protected one only with ``credentials`` of a user who may.

        Raises:
            NotFoundError: no project file at ``path``.
            ValidationError: the file is not a project of a version this portal can open (a newer one).
            ConflictError: ``PROJECT_UPGRADE_REQUIRED`` (an older project without ``upgrade``); a project is already
                open in this portal.
            PermissionDeniedError: ``PROJECT_CREDENTIALS_REQUIRED`` / ``PROJECT_CREDENTIALS_REFUSED``: the project is
                protected and no or wrong ``credentials`` were given.
            LockedError: another portal has the project open.
            NotSupportedError: the backend cannot upgrade or authenticate (the simulated portal).
        """

    @abstractmethod
    def save_project(self) -> ProjectInfo:
        """Write the open project to disk."""

    @abstractmethod
    def close_project(self) -> ProjectInfo:
        """Close the open project, discarding unsaved changes (as Openness ``Project.Close``)."""

    @abstractmethod
    def archive_project(self, target: Path, *, unsaved: ArchiveUnsaved = "refuse") -> ArchiveInfo:
        """Write the saved state of the open project to a ``.zapNN`` archive.

        With unsaved changes, ``unsaved`` decides: ``"refuse"`` raises, ``"save"`` saves the project after the
        target was checked and then archives, ``"allow"`` archives the saved state and says in
        ``ArchiveInfo.warnings`` that the changes are not in the archive. The check and the archive are one
        backend call, so no change slips in between.

        Raises:
            ValidationError: the extension does not match the project version, or the target is inside
                the project or under a file.
            AlreadyExistsError: ``target`` exists (TIA does not overwrite).
            ConflictError: ``UNSAVED_CHANGES``: the project has unsaved changes and ``unsaved`` is ``"refuse"``,
                or ``"allow"`` on TIA Portal, which archives only a saved project.
        """

    @abstractmethod
    def retrieve_project(
        self, archive: Path, target_directory: Path, *, upgrade: bool = False,
        credentials: ProjectCredentials | None = None,
    ) -> ProjectInfo:
        """Restore an archive into ``target_directory`` and open it (``upgrade`` and ``credentials`` as for
        :meth:`open_project`).

        Raises:
            NotFoundError: the archive does not exist.
            ValidationError: the archive is not a valid project archive or has unsafe members, or a file
                stands where the target folder is needed.
            AlreadyExistsError: the target project folder exists.
            ConflictError: a project is already open in this portal.
        """

    @abstractmethod
    def recent_projects(self) -> list[HistoryEntry]:
        """Recently opened projects, newest first."""

    @abstractmethod
    def forget_recent_project(self, path: str) -> list[HistoryEntry]:
        """Forget one recent project; returns the remaining history.

        Raises:
            NotFoundError: ``path`` is not in the history.
        """

    @abstractmethod
    def project_overview(self) -> ProjectOverview:
        """Name, path, devices and subnets of the open project."""

    @abstractmethod
    def project_infrastructure(self) -> ProjectInfrastructure:
        """Subnets, IO systems and connections of the open project."""

    @abstractmethod
    def set_simulation_support(self, enabled: bool) -> ProjectInfo:
        """Switch the project property that allows downloading to PLCSIM."""

    @abstractmethod
    def index_project(self) -> IndexResult:
        """Walk the project and count its objects."""



def port_method_names() -> frozenset[str]:
    """Every method of the port an adapter must implement: the backend's own by name, a held area's as
    ``area.method`` (``reflection.plc_services``), each area's concrete helpers included."""
    names = set(EngineeringBackend.__abstractmethods__)
    for area, port in AREAS.items():
        names.update(f"{area}.{name}" for name in dir(port) if not name.startswith("_")
                     and callable(getattr(port, name)))
    return frozenset(names)

