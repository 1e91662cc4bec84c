"""``OpennessBackend``: the backend port over ``Siemens.Engineering`` (real TIA on Windows, the stand-in under Mono).

This module holds the session itself: its worker thread, the error rules of every call (``_call``, ``_change``),
its status and diagnostics, and the wiring of its areas. It serves portals through
:class:`~openness_bridge.portals.BridgePortals` (over the attachment, :class:`~openness_bridge.portals.PortalLink`),
projects through :class:`~openness_bridge.projects.BridgeProjects`, the whitelist through
:class:`~openness_bridge.whitelist.OpennessWhitelist`, and stages files in
:class:`~openness_bridge.scratch.ScratchFolders`. Every port area is an object in its own module
(:mod:`openness_bridge.devices` for devices and networks,
:mod:`openness_bridge.catalog`, ...). A port method nothing defines would raise
``NotSupportedError(code="BRIDGE_NOT_YET_IMPLEMENTED")`` via :mod:`openness_bridge.pending` (none does).

Rules kept throughout:

* Every call runs on the service's single worker thread (the port's contract). Openness proxies are bound to
  the thread that made them, so a new worker thread drops them and attaches again by pid.
* The portal's state is read on every request: the open project from ``Projects``, so a project opened or closed
  in the TIA UI after attaching is seen at once. What is kept across requests is keyed by what TIA reports about
  it: the types area's analysis of an export by the object's ``InterfaceModifiedDate``
  (:class:`openness_bridge.types_index.AnalysisCache`), a download provider per project path and device, fetched
  again when it no longer answers.
* ``TiaPortalProcess`` handles from ``GetProcesses()`` are never disposed (in V21 that ends the instance).
* Every Openness exception goes through :func:`openness_bridge.errors.translate`; a disposed object is
  re-resolved and the call retried once; a runtime exception drops the session, which attaches again lazily.
"""

from __future__ import annotations

import functools
import os
import platform
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from engineering_api.backend.errors import (
    ConflictError,
    EngineeringError,
)
from engineering_api.backend.models import (
    SessionStatus,
)
from engineering_api.backend.port import EngineeringBackend
from engineering_api.rules.simulation_profiles import SimInstanceCalls
from engineering_api.rules.source_generation import GenerationAccess
from openness_bridge.blocks import BridgeBlocks, names_in_use
from openness_bridge.catalog import BridgeCatalog
from openness_bridge.compile import BridgeCompile, compile_result
from openness_bridge.device_lookup import all_devices, find_device, require_free_device_name
from openness_bridge.reflection import BridgeReflection
from openness_bridge.errors import kind_of, translate
from openness_bridge.devices import BridgeDevices
from openness_bridge.hmi import BridgeHmi
from openness_bridge.global_library import BridgeGlobalLibrary
from openness_bridge.hmi_access import HmiAccess
from openness_bridge.hmi_graphics import BridgeHmiGraphics
from openness_bridge.hmi_resources import BridgeHmiResources
from openness_bridge.hmi_unified import BridgeHmiUnified
from openness_bridge.library import BridgeLibrary
from openness_bridge.library_support import LibraryAccess
from openness_bridge.library_types import BridgeLibraryTypes
from openness_bridge.online import BridgeOnline
from openness_bridge.online_binding import OnlineBinding
from openness_bridge.pending import PendingStandIns, pending_methods
from openness_bridge.plc_software import namespace, plc_item, service
from openness_bridge.portal_events import PortalEvents
from openness_bridge.portals import BridgePortals, PortalLink
from openness_bridge.projects import BridgeProjects
from openness_bridge.runtime_values import BridgeRuntimeValues
from openness_bridge.scratch import ScratchFolders
from openness_bridge.security import BridgeSecurity
from openness_bridge.session import BridgeSession
from openness_bridge.simulation import BridgeSimulation
from openness_bridge.simulation_base import PlcsimAccess, PlcsimSession
from openness_bridge.sim_profiles import BridgeSimProfiles
from openness_bridge.sim_snapshots import BridgeSimSnapshots
from openness_bridge.sim_tags import BridgeSimTags
from openness_bridge.program import BridgeProgram
from openness_bridge.tags import BridgeTags
from openness_bridge.tag_constants import BridgeTagConstants
from openness_bridge.tag_import import BridgeTagImport
from openness_bridge.tags_support import TagTables
from openness_bridge.types import BridgeTypes
from openness_bridge.watch_tables import BridgeWatchTables
from openness_bridge.watch_table_access import WatchTableAccess
from openness_bridge.whitelist import OpennessWhitelist

if TYPE_CHECKING:
    from collections.abc import Callable

    from openness_bridge.loader import Installation, OpennessApi

__all__ = ("OpennessBackend",)

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")


def _served_by(holder: str, method: Callable[Concatenate[Any, P], R]) -> Callable[Concatenate[Any, P], R]:
    """The session's port method that ``method`` of the object it holds as ``holder`` serves: the session
    forwards the call, so the method's signature is written once, where the work is (mypy checks it against
    the port's)."""

    @functools.wraps(method)
    def forward(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return method(getattr(self, holder), *args, **kwargs)

    return forward


class _OpennessSession(EngineeringBackend):
    """One Openness session: at most one attached portal and, through it, its open project.

    Args:
        api: the loaded Openness assemblies (:func:`openness_bridge.loader.load_api`).
        installations: what :func:`~openness_bridge.loader.find_installations` found (or the stand-in).
        state_dir: where the bridge keeps files of its own (simulation profiles); TIA keeps everything else.
        scratch_dir: where the files of exports and imports are staged (inside the file roots; the system temp
            folder when None).
        simulation_api: the loaded PLCSIM Advanced API (:mod:`openness_bridge.plcsim`), or None when PLCSIM
            Advanced is not installed (the simulation methods then say so).
    """

    name = "openness"

    def __init__(
        self, api: OpennessApi, installations: list[Installation], *, state_dir: Path | None = None,
        simulation_api: Any = None, scratch_dir: Path | None = None,
    ) -> None:
        self._api = api
        self._installations = installations
        self._state_dir = state_dir
        self._simulation_api = simulation_api
        self._thread: int | None = None
        self.scratch = scratch = ScratchFolders(api, scratch_dir)
        """Where the files of Openness' exports and imports are staged."""
        self.events = PortalEvents(api.engineering, api.version)
        """TIA's own events on the attached portal, answered and recorded."""
        self.link = link = PortalLink(api, self.events)
        """The attached portal (its pid and proxy), through which every area reaches the portal and its project."""
        self.portals = BridgePortals(link, api=api, installations=installations, call=self._call)
        """List, launch, attach, detach and shut down portals (the session's portal methods)."""
        session = BridgeSession(
            api=api,
            call=self._call,
            change=self._change,
            portal=link.connection,
            project=link.project,
            find_device=find_device,
            plc_software=self._plc_software,
            plc_item=self._plc_item,
            service=self._service,
            namespace=self._namespace,
            export_bytes=scratch.export_bytes,
            import_bytes=scratch.import_bytes,
            scratch=scratch.folder,
            events=self.events,
        )
        self.catalog = BridgeCatalog(self._call, link=link, version=lambda: self.version)
        self.reflection = BridgeReflection(session)
        self.security = BridgeSecurity(session)
        self.watch_tables = BridgeWatchTables(session, access=WatchTableAccess(session))
        tag_tables = TagTables(session)
        self.tags = BridgeTags(session, tag_tables=tag_tables)
        self.tag_constants = BridgeTagConstants(session, tag_tables=tag_tables)
        self.tag_import = BridgeTagImport(session, tag_tables=tag_tables)
        self.types = BridgeTypes(session)
        hmi_access = HmiAccess(session)
        self.hmi_resources = BridgeHmiResources(hmi_access)
        self.hmi_graphics = BridgeHmiGraphics(hmi_access)
        self.hmi_unified = BridgeHmiUnified(hmi_access)
        self.hmi = BridgeHmi(
            hmi_access, compile_result=compile_result, hmi_library_types=self.hmi_resources.list_hmi_library_types,
        )
        libraries = LibraryAccess(session, devices=all_devices)
        self.library = BridgeLibrary(
            session,
            libraries=libraries,
            names_in_use=functools.partial(names_in_use, session),
            require_free_device_name=require_free_device_name,
        )
        self.library_types = BridgeLibraryTypes(
            session, libraries=libraries, names_in_use=functools.partial(names_in_use, session),
            panel_software=hmi_access.panel_software,
        )
        self.global_library = BridgeGlobalLibrary(session, libraries=libraries)
        self.compile = BridgeCompile(session)
        self.program = BridgeProgram(session)
        self.blocks = BridgeBlocks(
            session, generation=GenerationAccess(
                program=self.program, compile=self.compile, tags=self.tags, tag_constants=self.tag_constants),
        )
        plcsim = PlcsimAccess(PlcsimSession(api=simulation_api, on_worker=self._on_worker))
        self.simulation = BridgeSimulation(plcsim)
        self.sim_tags = BridgeSimTags(plcsim)
        self.sim_profiles = BridgeSimProfiles(plcsim, state_dir=state_dir, calls=SimInstanceCalls(
            instances=self.simulation.list_instances, create=self.simulation.create_instance,
            set_network=self.simulation.set_instance_network, delete=self.simulation.delete_instance))
        self.sim_snapshots = BridgeSimSnapshots()
        self.runtime_values = BridgeRuntimeValues(
            plcsim, session,
            batch_read=self.sim_tags.batch_read,
            batch_write=self.sim_tags.batch_write,
            data_documents=self.program.data_documents,
        )
        self.online = BridgeOnline(
            session,
            binding=OnlineBinding(session, sim_instances=self.simulation.list_instances),
            compile_software=self.compile.compile_software,
            sim_state=self.simulation.instance_state,
            diagnostics=self.simulation.diagnostics,
            run=self.simulation.run,
            stop=functools.partial(self.simulation.stop, confirm=True),
            sim_refresh_after_download=self.simulation.refresh_after_download,
        )
        self.devices = BridgeDevices(
            session, article=self.catalog.article_facts, compile_result=compile_result, scratch=scratch.folder,
        )
        self.projects = BridgeProjects(
            session, link=link, device_info=self.devices.device_info, network=self.devices.network,
        )
        """Create, open, save, close, archive, retrieve and read projects (the session's project methods)."""
        self.whitelist = OpennessWhitelist(installations)
        """The Openness firewall's entries (the session's whitelist_application)."""

    # ----- lifecycle and threading ----------------------------------------------------------
    def on_worker_thread_started(self) -> None:
        """Adopt the calling thread; proxies of a previous (abandoned) thread are dropped, not touched."""
        if sys.platform == "win32":  # pragma: no cover - Windows only
            # Openness needs an MTA background thread: an STA thread without a message pump hangs on attach.
            import ctypes

            ctypes.windll.ole32.CoInitializeEx(None, 0)  # COINIT_MULTITHREADED
        self._thread = threading.get_ident()
        self.link.drop()
        self.events.abandon()

    def _on_worker(self) -> None:
        if self._thread is None:
            self._thread = threading.get_ident()
        elif self._thread != threading.get_ident():
            raise RuntimeError(
                f"OpennessBackend was called on thread {threading.current_thread().name}; Openness objects live on "
                "the TIA worker thread only (engineering_api.backend.worker)"
            )

    def close(self) -> None:
        self.link.drop()

    def _call(
        self, operation: str, fn: Callable[[], T], *, invocation: type[EngineeringError] = ConflictError
    ) -> T:
        """Run ``fn`` (Openness calls) with the error rules of the bridge."""
        self._on_worker()
        mark, outer = self.events.mark(), self.events.operation
        self.events.operation = outer or operation
        try:
            for attempt in (1, 2):
                try:
                    return fn()
                except EngineeringError:
                    raise
                except Exception as exc:  # .NET exceptions arrive as Python exceptions
                    pid = self.link.pid
                    if self.link.forget_ended():
                        raise self.events.annotate(self.events.session_ended(pid or 0), mark) from exc
                    kind = kind_of(exc)
                    if kind == "EngineeringObjectDisposedException" and attempt == 1:
                        # A stale proxy: everything is re-resolved from the portal inside fn(), so retry once.
                        self.link.portal = None
                        continue
                    if kind == "NonRecoverableException":
                        self.link.portal = None  # rebuilt on the next request by attaching to link.pid again
                    raise self.events.annotate(translate(exc, operation, invocation=invocation), mark) from exc
            raise AssertionError("unreachable")
        finally:
            self.events.operation = outer

    def _change(
        self, operation: str, fn: Callable[[], T], *, invocation: type[EngineeringError] = ConflictError,
        target: Callable[[], Any] | None = None,
    ) -> T:
        """Run a change to the open project all or nothing: ``fn`` runs inside ``TiaPortal.ExclusiveAccess`` and a
        ``Transaction`` on the project, committed only when ``fn`` returns; any error rolls every step back.

        Use it for every call that modifies the project (a failed multi-step change must leave nothing behind);
        ``fn`` must not save or close the project (a transaction cannot span those). ``target`` gives another
        ``ITransactionSupport`` to change instead (a global library).
        """

        def guarded() -> T:
            portal = self.link.connection()
            persistence = target() if target is not None else self.link.project()
            access = portal.ExclusiveAccess(f"engineering-api: {operation}")
            try:
                transaction = access.Transaction(persistence, operation)
                try:
                    result = fn()
                    transaction.CommitOnDispose()
                    return result
                finally:
                    transaction.Dispose()
            finally:
                access.Dispose()

        return self._call(operation, guarded, invocation=invocation)

    @property
    def version(self) -> str:
        """The TIA Portal version of the loaded Openness assemblies (``V19``): the only one this session drives."""
        return self._api.version

    # ----- PLC software, as the session offers it to the areas (openness_bridge.plc_software) --------------------
    _namespace = staticmethod(namespace)

    def _service(self, obj: Any, service_type: Any) -> Any:
        return service(self._api, obj, service_type)

    def _plc_item(self, project: Any, name: str) -> tuple[Any, Any]:
        return plc_item(self._api, find_device(project, name), name)

    def _plc_software(self, project: Any, name: str) -> Any:
        return self._plc_item(project, name)[1]

    # ----- health and portals ----------------------------------------------------------------
    def diagnostics(self) -> dict[str, object]:
        return {
            "backend": self.name,
            "machine": {"platform": platform.platform(), "python": sys.version.split()[0], "pid": os.getpid()},
            "openness": {
                "version": self.version, "runtime": self._api.runtime, "assemblies": list(self._api.assemblies),
                "resolvedByHandler": list(self._api.resolved),
            },
            "installations": [i.version for i in self._installations],
            "attachedPid": self.link.pid,
            "workerThread": threading.current_thread().name,
            "notYetImplemented": "see openness_bridge/pending.py",
        }

    def session_status(self) -> SessionStatus:
        self._on_worker()  # a call from another thread is a programming error, not a disconnected session
        try:
            portal = self.link.connection()
            process = portal.GetCurrentProcess()
            project = self.link.open_project()
            return SessionStatus(
                connected=True, backend=self.name, pid=int(process.Id), version=self.version,
                mode=self.link.mode(process),
                project_open=project is not None, project_name=str(project.Name) if project is not None else None,
                project_path=str(project.Path.FullName) if project is not None else None,
                has_unsaved_changes=bool(project.IsModified) if project is not None else False,
            )
        except Exception as exc:  # "never raises" is the port's contract
            if kind_of(exc) == "NonRecoverableException":
                self.link.portal = None
            return SessionStatus(connected=False, backend=self.name)

    # ----- portals, projects and the whitelist: the port's methods, written once where the work is --------------
    installed_versions = _served_by("portals", BridgePortals.installed_versions)
    list_portals = _served_by("portals", BridgePortals.list_portals)
    launch_portal = _served_by("portals", BridgePortals.launch_portal)
    attach_portal = _served_by("portals", BridgePortals.attach_portal)
    detach_portal = _served_by("portals", BridgePortals.detach_portal)
    shutdown_portal = _served_by("portals", BridgePortals.shutdown_portal)
    portal_process_diagnostics = _served_by("portals", BridgePortals.portal_process_diagnostics)
    open_projects = _served_by("projects", BridgeProjects.open_projects)
    create_project = _served_by("projects", BridgeProjects.create_project)
    open_project = _served_by("projects", BridgeProjects.open_project)
    save_project = _served_by("projects", BridgeProjects.save_project)
    close_project = _served_by("projects", BridgeProjects.close_project)
    archive_project = _served_by("projects", BridgeProjects.archive_project)
    retrieve_project = _served_by("projects", BridgeProjects.retrieve_project)
    recent_projects = _served_by("projects", BridgeProjects.recent_projects)
    forget_recent_project = _served_by("projects", BridgeProjects.forget_recent_project)
    project_overview = _served_by("projects", BridgeProjects.project_overview)
    project_infrastructure = _served_by("projects", BridgeProjects.project_infrastructure)
    set_simulation_support = _served_by("projects", BridgeProjects.set_simulation_support)
    index_project = _served_by("projects", BridgeProjects.index_project)
    whitelist_application = _served_by("whitelist", OpennessWhitelist.whitelist_application)


if TYPE_CHECKING:
    class _PendingMethods(PendingStandIns):
        """For the type checker: the stand-ins are the port's own methods, typed there (built at import below)."""
else:
    _PendingMethods = pending_methods(_OpennessSession)


class OpennessBackend(_PendingMethods, _OpennessSession):
    """The backend port over Openness; a port method no area defines would raise ``BRIDGE_NOT_YET_IMPLEMENTED``."""
