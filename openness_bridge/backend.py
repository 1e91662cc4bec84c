"""``OpennessBackend``: the backend port over ``Siemens.Engineering`` (real TIA on Windows, the stand-in under Mono).

What this slice implements for real: portals (list, launch, attach, detach, shut down, status, diagnostics),
projects (create, open, save, close, open list, overview), devices (list, get, add) and compiling PLC software
(``compile_software``/``compile_block``: DeviceItem -> SoftwareContainer -> PlcSoftware, groups recursed, compiler
messages recursed). Everything else raises
``NotSupportedError(code="BRIDGE_NOT_YET_IMPLEMENTED")`` via :mod:`openness_bridge.pending`.

Rules kept throughout:

* Every call runs on the service's single worker thread (the port's contract). Openness proxies are bound to
  the thread that made them, so a new worker thread drops them and attaches again by pid.
* Nothing about the portal's state is cached: the open project is read from ``Projects`` on every request,
  so a project opened or closed in the TIA UI after attaching is seen at once.
* ``TiaPortalProcess`` handles from ``GetProcesses()`` are never disposed (in V21 that ends the instance).
* Every Openness exception goes through :func:`openness_bridge.errors.translate`; a disposed object is
  re-resolved and the call retried once; a runtime exception drops the session, which attaches again lazily.
"""

from __future__ import annotations

import importlib
import os
import platform
import re
import shutil
import sys
import tempfile
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import msgspec

from engineering_api.backend.errors import (
    AlreadyExistsError,
    ConflictError,
    EngineeringError,
    LockedError,
    NoProjectOpenError,
    NotFoundError,
    NotSupportedError,
    PortalUnavailableError,
    ValidationError,
)
from engineering_api.backend.models import (
    CompileMessage,
    CompileResult,
    DeviceInfo,
    InstalledVersion,
    PortalInfo,
    ProgramDocument,
    ProgramImportReport,
    ProgramObjectInfo,
    ProjectInfo,
    ProjectOverview,
    SessionStatus,
)
from engineering_api.backend.port import EngineeringBackend
from openness_bridge.errors import kind_of, translate
from openness_bridge.naming import check_device_name, check_project_name
from openness_bridge.pending import PendingMethods

if TYPE_CHECKING:
    from collections.abc import Callable

    from openness_bridge.loader import Installation, OpennessApi

__all__ = ("OpennessBackend",)

T = TypeVar("T")
_TYPE_ID = re.compile(r"^OrderNumber:(?P<order>[^/]+)(?:/(?P<version>.+))?$")


def _same_file_key(path: Path) -> str:
    """Compare project paths as the OS does (case-insensitive on Windows)."""
    return os.path.normcase(str(path.resolve()))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


class OpennessBackend(PendingMethods, EngineeringBackend):
    """One Openness session: at most one attached portal and, through it, its open project.

    Args:
        api: the loaded Openness assemblies (:func:`openness_bridge.loader.load_api`).
        installations: what :func:`~openness_bridge.loader.find_installations` found (or the stand-in).
    """

    name = "openness"

    def __init__(self, api: OpennessApi, installations: list[Installation]) -> None:
        self._api = api
        self._installations = installations
        self._thread: int | None = None
        self._pid: int | None = None
        """Pid of the attached portal; survives a lost connection so the session can attach again."""
        self._portal: Any = None
        """The ``TiaPortal`` connection, made on the current worker thread."""
        self._owned: dict[int, Any] = {}
        """``TiaPortal`` objects of portals this session launched, kept (never disposed) and reused on re-attach."""
        self._started: dict[int, str] = {}

    # ----- lifecycle and threading ----------------------------------------------------------
    def on_worker_thread_started(self) -> None:
        """Adopt the calling thread; proxies of a previous (abandoned) thread are dropped, not touched."""
        if sys.platform == "win32":  # pragma: no cover - Windows only
            # Openness needs an MTA background thread: an STA thread without a message pump hangs on attach.
            import ctypes

            ctypes.windll.ole32.CoInitializeEx(None, 0)  # COINIT_MULTITHREADED
        self._thread = threading.get_ident()
        self._portal = None
        self._owned.clear()

    def _on_worker(self) -> None:
        if self._thread is None:
            self._thread = threading.get_ident()
        elif self._thread != threading.get_ident():
            raise RuntimeError(
                f"OpennessBackend was called on thread {threading.current_thread().name}; Openness objects live on "
                "the TIA worker thread only (engineering_api.backend.worker)"
            )

    def close(self) -> None:
        # Drop the connections without Dispose: disposing a launched portal's TiaPortal would end that portal,
        # and the port says processes stay running.
        self._portal = None
        self._owned.clear()

    def _call(
        self, operation: str, fn: Callable[[], T], *, invocation: type[EngineeringError] = ConflictError
    ) -> T:
        """Run ``fn`` (Openness calls) with the error rules of the bridge."""
        self._on_worker()
        for attempt in (1, 2):
            try:
                return fn()
            except EngineeringError:
                raise
            except Exception as exc:  # noqa: BLE001 - .NET exceptions arrive as Python exceptions
                kind = kind_of(exc)
                if kind == "EngineeringObjectDisposedException" and attempt == 1:
                    # A stale proxy: everything is re-resolved from the portal inside fn(), so retry once.
                    self._portal = None
                    continue
                if kind == "EngineeringRuntimeException":
                    self._portal = None  # rebuilt on the next request by attaching to self._pid again
                raise translate(exc, operation, invocation=invocation) from exc
        raise AssertionError("unreachable")

    # ----- helpers ---------------------------------------------------------------------------
    def _processes(self) -> list[Any]:
        return list(self._api.engineering.TiaPortal.GetProcesses())

    def _process(self, pid: int) -> Any | None:
        return next((p for p in self._processes() if int(p.Id) == pid), None)

    def _connection(self) -> Any:
        """The attached ``TiaPortal``; attaches again by pid after a lost connection or a new thread."""
        if self._portal is not None:
            return self._portal
        if self._pid is not None:
            process = self._process(self._pid)
            if process is not None:
                self._portal = self._owned.get(self._pid) or process.Attach()
                return self._portal
            self._pid = None
        raise PortalUnavailableError(
            "No TIA Portal is attached. Launch one (POST /api/instance/actions/launch) or attach to a running "
            "one (POST /api/instance/actions/attach).",
            code="NO_PORTAL_ATTACHED",
        )

    def _open_project(self) -> Any | None:
        projects = list(self._connection().Projects)
        return projects[0] if projects else None

    def _project(self) -> Any:
        project = self._open_project()
        if project is None:
            raise NoProjectOpenError("No project is open in the attached TIA Portal.")
        return project

    @property
    def _version(self) -> str:
        return self._api.version

    def _mode(self, process: Any) -> str:
        return str(process.Mode.ToString())

    def _portal_info(self, process: Any, attached: bool) -> PortalInfo:
        project = process.ProjectPath
        return PortalInfo(
            pid=int(process.Id), version=self._version, mode=self._mode(process),  # type: ignore[arg-type]
            started_at=self._started.get(int(process.Id), ""),
            project_name=Path(str(project.FullName)).stem if project is not None else None,
            project_path=str(project.FullName) if project is not None else None, attached=attached,
        )

    def _project_info(self, project: Any) -> ProjectInfo:
        return ProjectInfo(
            name=str(project.Name), path=str(project.Path.FullName), version=self._version,
            author=str(project.Author or ""), comment="", has_unsaved_changes=bool(project.IsModified),
            created_at=str(project.CreationDate.ToUniversalTime().ToString("o")),
        )

    def _device_info(self, device: Any) -> DeviceInfo:
        type_id = str(device.TypeIdentifier or "")
        match = _TYPE_ID.match(type_id)
        return DeviceInfo(
            name=str(device.Name), order_number=match["order"] if match else "",
            firmware_version=(match["version"] or "") if match else "", type_identifier=type_id,
            device_kind="", family="",
        )

    # ----- health and portals ----------------------------------------------------------------
    def installed_versions(self) -> list[InstalledVersion]:
        return [
            InstalledVersion(
                version=i.version, install_path=i.install_path, openness_available=Path(i.assemblies[0]).is_file(),
                assembly_path=i.assemblies[0],
            )
            for i in self._installations
        ]

    def diagnostics(self) -> dict[str, object]:
        return {
            "backend": self.name,
            "machine": {"platform": platform.platform(), "python": sys.version.split()[0], "pid": os.getpid()},
            "openness": {
                "version": self._version, "runtime": self._api.runtime, "assemblies": list(self._api.assemblies),
                "resolvedByHandler": list(self._api.resolved),
            },
            "installations": [i.version for i in self._installations],
            "attachedPid": self._pid,
            "workerThread": threading.current_thread().name,
            "notYetImplemented": "see openness_bridge/pending.py",
        }

    def session_status(self) -> SessionStatus:
        self._on_worker()  # a call from another thread is a programming error, not a disconnected session
        try:
            portal = self._connection()
            process = portal.GetCurrentProcess()
            project = self._open_project()
            return SessionStatus(
                connected=True, backend=self.name, pid=int(process.Id), version=self._version,
                mode=self._mode(process),  # type: ignore[arg-type]
                project_open=project is not None, project_name=str(project.Name) if project is not None else None,
                project_path=str(project.Path.FullName) if project is not None else None,
                has_unsaved_changes=bool(project.IsModified) if project is not None else False,
            )
        except Exception as exc:  # noqa: BLE001 - "never raises" is the port's contract
            if kind_of(exc) == "EngineeringRuntimeException":
                self._portal = None
            return SessionStatus(connected=False, backend=self.name)

    def list_portals(self) -> list[PortalInfo]:
        return self._call("TiaPortal.GetProcesses", lambda: [
            self._portal_info(p, int(p.Id) == self._pid) for p in self._processes()
        ])

    def _attached_alive(self) -> int | None:
        if self._pid is not None and self._process(self._pid) is None:
            self._pid, self._portal = None, None
        return self._pid

    def launch_portal(self, *, with_ui: bool, version: str | None) -> PortalInfo:
        def run() -> PortalInfo:
            if self._attached_alive() is not None:
                raise ConflictError(
                    f"Already attached to TIA Portal (pid {self._pid}); detach or shut it down first.",
                    code="ALREADY_ATTACHED",
                )
            installed = [i.version for i in self._installations]
            if version is not None and version not in installed:
                raise ValidationError(
                    f"TIA Portal {version} is not installed (installed: {', '.join(installed) or 'none'}).",
                    code="VERSION_NOT_INSTALLED",
                )
            if version is not None and version != self._version:
                raise ValidationError(
                    f"This service loaded the Openness API of TIA Portal {self._version}; launching {version} needs "
                    "the service restarted for that version.",
                    code="VERSION_NOT_LOADED",
                )
            mode = self._api.engineering.TiaPortalMode
            portal = self._api.engineering.TiaPortal(mode.WithUserInterface if with_ui else mode.WithoutUserInterface)
            process = portal.GetCurrentProcess()
            pid = int(process.Id)
            self._owned[pid], self._portal, self._pid = portal, portal, pid
            self._started[pid] = _now()
            return self._portal_info(process, True)

        return self._call("new TiaPortal", run)

    def attach_portal(self, pid: int) -> PortalInfo:
        def run() -> PortalInfo:
            process = self._process(pid)
            if process is None:
                raise NotFoundError(f"No TIA Portal process with pid {pid} is running.", code="PORTAL_NOT_FOUND")
            current = self._attached_alive()
            if current is not None and current != pid:
                raise ConflictError(f"Already attached to TIA Portal (pid {current}); detach first.", code="ALREADY_ATTACHED")
            if current != pid or self._portal is None:
                self._portal = self._owned.get(pid) or process.Attach()
                self._pid = pid
            return self._portal_info(process, True)

        return self._call("TiaPortalProcess.Attach", run)

    def detach_portal(self) -> PortalInfo:
        def run() -> PortalInfo:
            portal = self._connection()
            info = self._portal_info(portal.GetCurrentProcess(), False)
            if int(info.pid) not in self._owned:
                # An attached connection is released. The TiaPortal that launched a portal is kept instead: whether
                # disposing it closes that portal is not documented, and detach must leave the portal running.
                portal.Dispose()
            self._portal, self._pid = None, None
            return info

        return self._call("TiaPortal.Dispose", run)

    def shutdown_portal(self) -> PortalInfo:
        def run() -> PortalInfo:
            portal = self._connection()
            pid = int(portal.GetCurrentProcess().Id)
            process = self._process(pid)
            if process is None:
                raise PortalUnavailableError(f"TIA Portal pid {pid} is not running any more.", code="NO_PORTAL_ATTACHED")
            info = self._portal_info(process, False)
            project = self._open_project()
            if project is not None:
                project.Close()  # without saving, as the port says
            # The one deliberate Dispose of a process handle: it "performs a close of the process" (15.1 API
            # reference); everywhere else handles from GetProcesses() are left alone.
            process.Dispose()
            self._owned.pop(pid, None)
            self._portal, self._pid = None, None
            return info

        return self._call("TiaPortalProcess.Dispose", run)

    def portal_process_diagnostics(self) -> dict[str, object]:
        def run() -> dict[str, object]:
            process = self._connection().GetCurrentProcess()
            project = self._open_project()
            return {
                "pid": int(process.Id), "version": self._version, "mode": self._mode(process),
                "startedAt": self._started.get(int(process.Id), ""),
                "projectOpen": project is not None,
                "projectDevices": int(project.Devices.Count) if project is not None else 0,
                "opennessState": "Attached",
                "launchedByThisService": int(process.Id) in self._owned,
            }

        return self._call("TiaPortal.GetCurrentProcess", run)

    # ----- projects --------------------------------------------------------------------------
    def open_projects(self) -> list[ProjectInfo]:
        return self._call("TiaPortal.Projects", lambda: [self._project_info(p) for p in self._connection().Projects])

    def _require_no_project(self) -> None:
        project = self._open_project()
        if project is not None:
            raise ConflictError(
                f"Project '{project.Name}' is already open; TIA Portal can have only one project open. Close it first.",
                code="PROJECT_ALREADY_OPEN",
            )

    def create_project(self, directory: Path, name: str, *, author: str, comment: str) -> ProjectInfo:
        def run() -> ProjectInfo:
            self._connection()
            check_project_name(name, self._version)
            self._require_no_project()
            for parent in (directory, *directory.parents):
                if parent.exists() and not parent.is_dir():
                    raise ValidationError(f"'{parent}' is a file; a folder is needed there.", code="PATH_IS_A_FILE")
            folder = directory / name
            if folder.exists():
                raise AlreadyExistsError(f"The project folder '{folder}' already exists.", code="PROJECT_EXISTS")
            directory.mkdir(parents=True, exist_ok=True)
            project = self._connection().Projects.Create(self._api.io.DirectoryInfo(str(directory)), name)
            if author:
                project.Author = author
                project.Save()  # a new project starts saved, author included
            # The project comment is a MultilingualText (Comment.Items[..].Text); not written in this slice.
            return self._project_info(project)

        return self._call("Projects.Create", run, invocation=ValidationError)

    def open_project(self, path: Path) -> ProjectInfo:
        def run() -> ProjectInfo:
            self._connection()
            suffix = path.suffix.lower()
            if not path.is_file():
                raise NotFoundError(f"The project file '{path}' was not found.", code="PROJECT_NOT_FOUND")
            if not re.fullmatch(r"\.ap\d\d", suffix):
                raise ValidationError(f"'{path.name}' is not a TIA Portal project file (.ap17 … .ap21).", code="NOT_A_PROJECT")
            if suffix != f".ap{self._version[1:]}":
                file_version = f"V{suffix[3:]}"
                raise ValidationError(
                    f"The project '{path.name}' was created with TIA Portal {file_version} and cannot be opened with "
                    f"TIA Portal {self._version} (an upgrade is Projects.OpenWithUpgrade, not offered yet).",
                    code="PROJECT_VERSION_MISMATCH",
                    details={"projectVersion": file_version, "portalVersion": self._version},
                )
            wanted = _same_file_key(path)
            for process in self._processes():
                held = process.ProjectPath
                if held is not None and _same_file_key(Path(str(held.FullName))) == wanted and int(process.Id) != self._pid:
                    raise LockedError(
                        f"The project '{path.stem}' is already opened by another TIA Portal instance (pid {process.Id}).",
                        code="PROJECT_LOCKED", details={"holderPid": int(process.Id)},
                    )
            current = self._open_project()
            if current is not None and _same_file_key(Path(str(current.Path.FullName))) == wanted:
                return self._project_info(current)
            self._require_no_project()
            return self._project_info(self._connection().Projects.Open(self._api.io.FileInfo(str(path))))

        return self._call("Projects.Open", run, invocation=ValidationError)

    def save_project(self) -> ProjectInfo:
        def run() -> ProjectInfo:
            project = self._project()
            project.Save()
            return self._project_info(project)

        return self._call("Project.Save", run)

    def close_project(self) -> ProjectInfo:
        def run() -> ProjectInfo:
            project = self._project()
            info = self._project_info(project)
            project.Close()
            return info

        return self._call("Project.Close", run)

    def project_overview(self) -> ProjectOverview:
        def run() -> ProjectOverview:
            project = self._project()
            info = self._project_info(project)
            devices = [self._device_info(d) for d in project.Devices]
            # Subnets (Project.Subnets) are not read in this slice: the list stays empty.
            return ProjectOverview(
                project_name=info.name, project_path=info.path, version=info.version, author=info.author,
                comment=info.comment, has_unsaved_changes=info.has_unsaved_changes,
                simulation_support=info.simulation_support, device_count=len(devices), devices=devices, subnets=[],
            )

        return self._call("Project.Devices", run)

    # ----- devices ---------------------------------------------------------------------------
    def list_devices(self) -> list[DeviceInfo]:
        # Devices in device groups (Project.DeviceGroups) are not walked yet; see README "Not implemented yet".
        return self._call("Project.Devices", lambda: [self._device_info(d) for d in self._project().Devices])

    def _find_device(self, project: Any, name: str) -> Any:
        device = project.Devices.Find(name)
        if device is None:
            raise NotFoundError(f"The device '{name}' was not found in project '{project.Name}'.", code="DEVICE_NOT_FOUND")
        return device

    def get_device(self, name: str) -> DeviceInfo:
        return self._call("Devices.Find", lambda: self._device_info(self._find_device(self._project(), name)))

    def add_device(self, order_number: str, version: str | None, name: str) -> DeviceInfo:
        def run() -> DeviceInfo:
            project = self._project()
            check_device_name(name)
            if any(str(d.Name).casefold() == name.casefold() for d in project.Devices):
                raise AlreadyExistsError(f"A device named '{name}' already exists.", code="DEVICE_EXISTS")
            # "OrderNumber:<article>/<firmware>"; without a version TIA is asked for the article alone
            # (whether it then picks the newest firmware is not confirmed, see README).
            type_id = f"OrderNumber:{order_number}" + (f"/{version}" if version else "")
            return self._device_info(project.Devices.CreateWithItem(type_id, name, name))

        return self._call("Devices.CreateWithItem", run, invocation=ValidationError)

    # ----- PLC software ----------------------------------------------------------------------
    def _namespace(self, name: str) -> Any:
        """A loaded Openness namespace by name (``Siemens.Engineering.SW``, ``...Compiler``)."""
        return importlib.import_module(name)

    def _service(self, obj: Any, service: Any) -> Any:
        """``obj.GetService<T>()`` through the ``IEngineeringServiceProvider`` cast Openness needs from Python."""
        return self._api.engineering.IEngineeringServiceProvider(obj).GetService[service]()

    def _plc_software(self, project: Any, name: str) -> Any:
        """The device's ``PlcSoftware``: the first device item (recursively) whose SoftwareContainer holds one."""
        from System import InvalidCastException  # type: ignore[import-not-found]

        device = self._find_device(project, name)
        plc_software = self._namespace("Siemens.Engineering.SW").PlcSoftware

        def walk(items: Any) -> Any:
            for item in items:
                container = self._service(item, self._api.hw_features.SoftwareContainer)
                if container is not None and container.Software is not None:
                    software = container.Software
                    if isinstance(software, plc_software):
                        return software
                    try:
                        return plc_software(software)  # pythonnet downcast of the Software base reference
                    except (TypeError, InvalidCastException):
                        pass  # another kind of software (HMI): not a PLC
                found = walk(item.DeviceItems)
                if found is not None:
                    return found
            return None

        software = walk(device.DeviceItems)
        if software is None:
            raise ValidationError(
                f"The device '{name}' has no PLC software (no device item offers a SoftwareContainer with "
                "PlcSoftware); it is not a PLC.",
                code="NOT_A_PLC",
            )
        return software

    @staticmethod
    def _find_in_groups(group: Any, composition: str, name: str) -> Any:
        """``Find`` is one level only in Openness: search this group, then its ``Groups`` recursively."""
        found = getattr(group, composition).Find(name)
        if found is not None:
            return found
        for child in group.Groups:
            found = OpennessBackend._find_in_groups(child, composition, name)
            if found is not None:
                return found
        return None

    def _compile_result(self, result: Any) -> CompileResult:
        return CompileResult(
            state=self._compile_state(result.State), error_count=int(result.ErrorCount),
            warning_count=int(result.WarningCount), messages=[self._compile_message(m) for m in result.Messages],
        )

    def _compile_message(self, message: Any) -> CompileMessage:
        # Nested Messages carry the real findings (top-level descriptions are often empty): recurse all of them.
        return CompileMessage(
            path=str(message.Path or ""), description=str(message.Description or ""),
            state=self._compile_state(message.State), error_count=int(message.ErrorCount),
            warning_count=int(message.WarningCount), messages=[self._compile_message(m) for m in message.Messages],
        )

    @staticmethod
    def _compile_state(state: Any) -> Any:
        # CompilerResultState: Success, Information, Warning, Error. The port has no "Information": it is a success.
        text = str(state.ToString())
        return "Success" if text == "Information" else text

    def compile_software(self, device: str) -> CompileResult:
        def run() -> CompileResult:
            software = self._plc_software(self._project(), device)
            compilable = self._service(software, self._namespace("Siemens.Engineering.Compiler").ICompilable)
            return self._compile_result(compilable.Compile())

        return self._call("ICompilable.Compile", run)

    def compile_block(self, device: str, name: str) -> CompileResult:
        def run() -> CompileResult:
            software = self._plc_software(self._project(), device)
            target = self._find_in_groups(software.BlockGroup, "Blocks", name)
            if target is None:
                target = self._find_in_groups(software.TypeGroup, "Types", name)
            if target is None:
                raise NotFoundError(
                    f"No block or PLC data type '{name}' in the software of '{device}' (searched every group).",
                    code="BLOCK_NOT_FOUND",
                )
            compilable = self._service(target, self._namespace("Siemens.Engineering.Compiler").ICompilable)
            return self._compile_result(compilable.Compile())

        return self._call("ICompilable.Compile", run)

    # ----- PLC software documents (SimaticML) ------------------------------------------------
    _IMPORT_RANK: ClassVar[dict[str, int]] = {"UDT": 0, "FB": 1, "FC": 1}
    """Import order UDT -> FB/FC -> OB/DBs (rank 2): what a block refers to must exist when TIA imports it."""

    @staticmethod
    def _walk(group: Any, composition: str, folder: str = "") -> Any:
        """(folder, object) for every object of ``group`` and its user groups, recursively."""
        for obj in getattr(group, composition):
            yield folder, obj
        for child in group.Groups:
            yield from OpennessBackend._walk(child, composition, f"{folder}/{child.Name}" if folder else str(child.Name))

    @staticmethod
    def _as(obj: Any, cls: Any) -> Any:
        """``obj as cls``: pythonnet hands out the runtime type already; cast only when it did not."""
        return obj if isinstance(obj, cls) else cls(obj)

    def _block_kind(self, block: Any) -> str:
        return str(block.GetType().Name)  # FB, FC, OB, GlobalDB, InstanceDB: the .NET type of the block

    def _program_object(self, software: Any, name: str) -> Any:
        found = self._find_in_groups(software.BlockGroup, "Blocks", name)
        if found is None:
            found = self._find_in_groups(software.TypeGroup, "Types", name)
        if found is None:
            raise NotFoundError(f"The program object '{name}' was not found.", code="OBJECT_NOT_FOUND")
        return found

    def list_program_objects(self, device: str) -> list[ProgramObjectInfo]:
        def run() -> list[ProgramObjectInfo]:
            software = self._plc_software(self._project(), device)
            blocks = self._namespace("Siemens.Engineering.SW.Blocks")
            out = [
                ProgramObjectInfo(name=str(t.Name), kind="UDT", folder=folder, consistent=bool(t.IsConsistent))
                for folder, t in self._walk(software.TypeGroup, "Types")
            ]
            for folder, block in self._walk(software.BlockGroup, "Blocks"):
                kind = self._block_kind(block)
                out.append(ProgramObjectInfo(
                    name=str(block.Name), kind=kind, number=int(block.Number), folder=folder,
                    instance_of=str(self._as(block, blocks.InstanceDB).InstanceOfName) if kind == "InstanceDB" else None,
                    consistent=bool(block.IsConsistent),
                ))
            # Tag tables (PlcSoftware.TagTableGroup) are not listed yet; see README "Not implemented yet".
            return out

        return self._call("PlcSoftware.BlockGroup", run)

    def export_program_object(self, device: str, name: str) -> bytes:
        def run() -> bytes:
            software = self._plc_software(self._project(), device)
            obj = self._program_object(software, name)
            if not bool(obj.IsConsistent):
                # TIA refuses to export an inconsistent block: compile it first, and say so if that did not help.
                result = self._compile_result(
                    self._service(obj, self._namespace("Siemens.Engineering.Compiler").ICompilable).Compile()
                )
                if not bool(obj.IsConsistent):
                    raise ConflictError(
                        f"'{name}' is inconsistent and still is after compiling it ({result.error_count} error(s)); "
                        "TIA cannot export an inconsistent block. Fix the errors and compile again.",
                        code="BLOCK_INCONSISTENT", details={"compile": msgspec.to_builtins(result)},
                    )
            # TIA does not overwrite: export into a fresh temporary folder, read the file, remove the folder.
            folder = Path(tempfile.mkdtemp(prefix="engineering-api-export-"))
            try:
                target = folder / f"{name}.xml"
                options = self._api.engineering.ExportOptions.WithDefaults
                obj.Export(self._api.io.FileInfo(str(target)), options)
                return target.read_bytes()
            finally:
                shutil.rmtree(folder, ignore_errors=True)

        return self._call("PlcBlock.Export", run)

    @staticmethod
    def _names_in(documents: list[ProgramDocument]) -> set[str]:
        """Casefolded names of the documents that parse (what an instance DB may refer to in the same batch)."""
        from simatic_xml.errors import SimaticMLError
        from simatic_xml.reader import parse_bytes

        names = set()
        for document in documents:
            try:
                names.add(str(parse_bytes(document.data).object.name or "").casefold())
            except (SimaticMLError, AttributeError):
                continue
        return names

    def _prepare(self, software: Any, document: ProgramDocument, batch: set[str]) -> tuple[str, str, Any]:
        """Check one document before anything is imported: (kind, name, target group). Raises domain errors."""
        from simatic_xml.errors import SimaticMLError
        from simatic_xml.model import Block, PlcStruct
        from simatic_xml.reader import parse_bytes
        from simatic_xml.versions import version_index

        try:
            doc = parse_bytes(document.data)
        except SimaticMLError as exc:
            raise ValidationError(f"{document.source} is not valid SimaticML: {exc}", code="INVALID_SIMATICML") from None
        obj = doc.object
        if isinstance(obj, PlcStruct):
            kind = "UDT"
        elif isinstance(obj, Block):
            kind = type(obj).__name__
        else:
            raise NotSupportedError(
                f"{document.source}: '{obj.element}' documents are not imported by the Openness bridge yet "
                "(blocks and PLC data types are).",
                code="BRIDGE_NOT_YET_IMPLEMENTED", details={"method": "import_program_documents"},
            )
        name = str(obj.name or "")
        if not name:
            raise ValidationError(f"{document.source} has no Name attribute.", code="INVALID_SIMATICML")
        try:
            newer = version_index(doc.engineering_version) > version_index(self._version)
        except ValueError:
            newer = True
        if newer:
            raise ValidationError(
                f"{document.source} was exported by TIA Portal {doc.engineering_version}; a {self._version} project "
                "cannot import documents of a newer version.", code="NEWER_VERSION",
            )
        group = software.TypeGroup if kind == "UDT" else software.BlockGroup
        for part in [p for p in document.folder.split("/") if p]:
            group = group.Groups.Find(part)
            if group is None:
                raise ValidationError(f"{document.source}: the folder '{document.folder}' does not exist.", code="FOLDER_NOT_FOUND")
        instance_of = getattr(obj, "instance_of_name", None)
        if kind == "InstanceDB" and instance_of and instance_of.casefold() not in batch:
            try:
                self._program_object(software, str(instance_of))
            except NotFoundError:
                raise ValidationError(
                    f"{document.source}: the instance DB '{name}' needs the FB '{instance_of}', which is neither in the "
                    "PLC nor in this import.", code="INSTANCE_OF_MISSING",
                ) from None
        number = obj.number if isinstance(obj, Block) else None
        if number:
            for _, other in self._walk(software.BlockGroup, "Blocks"):
                if (self._block_kind(other) == kind and int(other.Number) == int(number)
                        and str(other.Name).casefold() != name.casefold()):
                    raise ConflictError(
                        f"{document.source}: {kind} number {number} is already used by '{other.Name}'.",
                        code="BLOCK_NUMBER_IN_USE",
                    )
        return kind, name, group

    def import_program_documents(
        self, device: str, documents: list[ProgramDocument], *, overwrite: bool
    ) -> list[ProgramImportReport]:
        def run() -> list[ProgramImportReport]:
            software = self._plc_software(self._project(), device)
            prepared: list[tuple[int, str, str, Any] | None] = []
            reports: list[ProgramImportReport] = []
            first_error: EngineeringError | None = None
            batch: dict[str, str] = {}
            names = self._names_in(documents)
            for index, document in enumerate(documents):
                try:
                    kind, name, group = self._prepare(software, document, names)
                    if not overwrite and (name.casefold() in batch or self._exists(software, name)):
                        raise AlreadyExistsError(f"{document.source}: '{name}' already exists.", code="OBJECT_EXISTS")
                except NotSupportedError:
                    raise
                except EngineeringError as exc:
                    first_error = first_error or exc
                    prepared.append(None)
                    reports.append(ProgramImportReport(source=document.source, status="Failed", message=exc.message, code=exc.code))
                    continue
                batch[name.casefold()] = kind
                prepared.append((index, kind, name, group))
                reports.append(ProgramImportReport(source=document.source, status="Imported", name=name, kind=kind,
                                                   message=f"{kind} '{name}' imported"))
            if first_error is not None:
                if len(documents) == 1:
                    raise first_error
                reports = [
                    r if r.status == "Failed" else ProgramImportReport(
                        source=r.source, status="NotImported", name=r.name, kind=r.kind,
                        message="not imported because another document failed (the import is all or nothing)")
                    for r in reports
                ]
                failed = sum(1 for r in reports if r.status == "Failed")
                raise ValidationError(
                    f"{failed} of {len(documents)} documents could not be imported; nothing was imported.",
                    code="IMPORT_FAILED", details={"files": msgspec.to_builtins(reports)},
                )
            options = getattr(self._api.engineering.ImportOptions, "Override" if overwrite else "None")
            folder = Path(tempfile.mkdtemp(prefix="engineering-api-import-"))
            try:
                for index, kind, _name, group in self.import_order([p for p in prepared if p is not None]):
                    path = folder / f"{index:04d}.xml"
                    path.write_bytes(documents[index].data)
                    composition = group.Types if kind == "UDT" else group.Blocks
                    composition.Import(self._api.io.FileInfo(str(path)), options)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            return reports

        return self._call("PlcBlockComposition.Import", run, invocation=ValidationError)

    @classmethod
    def import_order(cls, items: list[tuple[int, str, str, Any]]) -> list[tuple[int, str, str, Any]]:
        """UDT -> FB/FC -> OB/DBs, keeping the given order within each rank (a stable sort)."""
        return sorted(items, key=lambda item: cls._IMPORT_RANK.get(item[1], 2))

    def _exists(self, software: Any, name: str) -> bool:
        try:
            self._program_object(software, name)
        except NotFoundError:
            return False
        return True
