"""Library types over Openness: their versions edited, released, discarded, instantiated, deleted, compared.

Openness members (Siemens, "TIA Portal Openness: functions on libraries", V21: accessing types, accessing type
versions, accessing instances): ``LibraryType.Name``/``Versions``/``Delete()``; ``LibraryTypeVersion.VersionNumber``/
``State`` (``InWork``/``Committed``)/``IsDefault``/``Edit()``/``Release(CreateOrReleaseDependenciesMode, Version,
author, comment)``/``Discard()``/``SetAsDefault()``/``FindInstances(IInstanceSearchScope)``/``Export`` (15.1 on); an
instance is made with ``PlcBlockComposition.CreateFrom(LibraryTypeVersion)`` (``PlcTypeComposition`` for a UDT).

Where Openness has no member, the answer is 501 ``NO_OPENNESS_EQUIVALENT``: making a type of a project block or
a panel's VB script, comparing versions before V21, and putting an HMI type's version on a panel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.library import LibraryTypeInfo, LibraryTypesPort, TypeComparison, TypeInstantiation
from engineering_api.backend.errors import NotFoundError, NotSupportedError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.hmi_resources import HMI_LIBRARY_TYPES, not_a_classic_panel
from engineering_api.rules.library import (
    IN_WORK, check_release_number, check_released, compare_target_required, edited_in_project_library,
    in_work_version, in_work_version_exists, instance_not_found, no_default_version, parse_version,
    type_has_instances,
)
from engineering_api.rules.object_changes import change_summary, compare_documents
from openness_bridge.api_reference import require_member
from openness_bridge.hmi_access import vb_scripts
from openness_bridge.library_support import folder_items, number_of, state_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from openness_bridge.library_support import LibraryAccess
    from openness_bridge.session import BridgeSession

__all__ = ("BridgeLibraryTypes",)


class BridgeLibraryTypes(LibraryTypesPort):
    """Library types with their versions over Openness (``OpennessBackend.library_types``).

    Args:
        session: the Openness session; a version's edit, release or discard runs in one transaction.
        libraries: the project library and the open global ones, with a type's instances in the project's PLCs.
        names_in_use: the casefolded names of a ``PlcSoftware``'s blocks, PLC data types and tag tables (the blocks
            area's), to tell which objects a new instance brought along.
        panel_software: ``device`` -> (``classic`` or ``unified``, its HMI software) (the HMI area's lookup).
    """

    def __init__(
        self, session: BridgeSession, *, libraries: LibraryAccess, names_in_use: Callable[[Any], set[str]],
        panel_software: Callable[[str], tuple[str, Any]],
    ) -> None:
        self._session = session
        self._libraries = libraries
        self._names_in_use = names_in_use
        self._panel_software = panel_software

    # ----- types ------------------------------------------------------------------------------------------
    def list_library_types(self, library: str | None = None) -> list[LibraryTypeInfo]:
        def run() -> list[LibraryTypeInfo]:
            project = self._session.project() if library is None else None
            lib = self._libraries.library(project, library)
            return [self._libraries.type_info(project, f, t) for f, t in folder_items(lib.TypeFolder, "Types")]
        return self._session.call("TypeFolder.Types", run)

    def create_library_type(self, device: str, object_name: str, *, folder: str, comment: str,
                            library: str | None = None) -> LibraryTypeInfo:
        edited_in_project_library(library)
        if self._session.call("Project.ProjectLibrary", lambda: self._type_source(device, object_name)) == "script":
            raise NotSupportedError(
                "Openness cannot make a library type of a panel's VB script: no member types a project object "
                "(VBScriptLibraryType versions come from TIA's 'Add type'; V21's "
                "LibraryTypeComposition.CreateFromDocuments takes SIMATIC SD documents). Use TIA Portal, or the fake "
                "backend.", code=codes.NO_OPENNESS_EQUIVALENT, details={"member": "LibraryTypeComposition"})
        raise NotSupportedError(
            "Openness cannot make a library type of a project block: it creates types only from SIMATIC SD documents "
            "(LibraryTypeComposition.CreateFromDocuments, V21). Use TIA Portal's 'Add new type', or the fake backend.",
            code=codes.NO_OPENNESS_EQUIVALENT, details={"member": "LibraryTypeComposition"})

    def _type_source(self, device: str, object_name: str) -> str:
        """``block`` when ``device`` is a PLC with the block, UDT or tag table ``object_name``; ``script`` when it
        is a classic panel with that VB script (the fake makes VBScript types of those).

        Raises:
            NotFoundError: ``DEVICE_NOT_FOUND``, ``OBJECT_NOT_FOUND``.
            ValidationError: ``NOT_A_PLC`` for a device that is neither, ``NOT_A_CLASSIC_PANEL`` for a Unified panel.
        """
        try:
            self._libraries.source(self._session.project(), device, object_name)
            return "block"
        except ValidationError as exc:
            if exc.code != codes.NOT_A_PLC:
                raise
            not_a_plc = exc
        try:
            kind, target = self._panel_software(device)
        except ValidationError:
            raise not_a_plc from None  # neither a PLC nor a panel: refused as a PLC would be, as the fake does
        if kind == "unified":
            raise not_a_classic_panel(device)
        scripts = vb_scripts(target.VBScriptFolder)
        if not any(str(s.Name).casefold() == object_name.casefold() for _, s in scripts):
            raise NotFoundError(f"'{device}' has no VB script '{object_name}' (an HMI panel's types are made of its "
                                "VB scripts).", code=codes.OBJECT_NOT_FOUND, details={"objectName": object_name})
        return "script"

    def _one(self, library: str | None, type_name: str, operation: str, act: Any) -> LibraryTypeInfo:
        def run() -> LibraryTypeInfo:
            project = self._session.project() if library is None else None
            folder, t = self._libraries.type(self._libraries.library(project, library), type_name)
            act(project, t)
            _, changed = self._libraries.type(self._libraries.library(project, library), type_name)
            return self._libraries.type_info(project, folder, changed)
        return self._libraries.lib_change(library, operation, run)

    def _refuse_hmi_type(self, t: Any, device: str, member: str) -> None:
        """Nothing for a block or UDT type. An HMI type's instance lives on a classic panel: ``device`` is checked
        as the fake checks it (``NOT_AN_HMI``, ``NOT_A_CLASSIC_PANEL``), then 501: no source shows a member that
        puts a library type version on a panel.

        Raises:
            NotSupportedError: ``NO_OPENNESS_EQUIVALENT``.
        """
        kind = HMI_LIBRARY_TYPES.get(str(t.GetType().Name))
        if kind is None:
            return
        if self._panel_software(device)[0] == "unified":
            raise not_a_classic_panel(device)
        raise NotSupportedError(
            f"'{t.Name}' is a {kind} type, whose instances live on HMI panels; no public source shows an Openness "
            f"member that puts a library type version on a panel ({member} is for PLC software). Use TIA Portal, or "
            "the fake backend.", code=codes.NO_OPENNESS_EQUIVALENT, details={"member": member})


    def edit_library_type(self, type_name: str, device: str, library: str | None = None) -> LibraryTypeInfo:
        edited_in_project_library(library)
        require_member(self._session.version, "LibraryTypeVersion", "Edit", "Editing a library type")
        def act(project: Any, t: Any) -> None:
            self._refuse_hmi_type(t, device, "PlcBlockComposition.CreateFrom(LibraryTypeVersion)")
            software = self._session.plc_software(project, device)
            work = self._libraries.in_work(t)
            if work is not None:
                raise in_work_version_exists(type_name, number_of(work))
            base = next((v for v in t.Versions if getattr(v, "IsDefault", False)), None) or max(
                t.Versions, key=lambda v: parse_version(number_of(v)))
            if not list(base.FindInstances(software)):
                software.BlockGroup.Blocks.CreateFrom(base)  # the test instance's PLC gets one first
            base.Edit()
        return self._one(library, type_name, "LibraryTypeVersion.Edit", act)

    def release_library_type(self, type_name: str, *, version_number: str | None, comment: str,
                             library: str | None = None) -> LibraryTypeInfo:
        edited_in_project_library(library)
        require_member(self._session.version, "LibraryTypeVersion", "Release", "Releasing a library type")
        def act(project: Any, t: Any) -> None:
            work = in_work_version(type_name, self._libraries.in_work(t), then="edit it first")
            number = check_release_number(version_number, number_of(work),
                                          [number_of(v) for v in t.Versions if state_of(v) != IN_WORK])
            types_ns = self._session.namespace("Siemens.Engineering.Library.Types")
            from System import Version  # .NET is loaded late

            work.Release(types_ns.CreateOrReleaseDependenciesMode.DoNotAutomaticallyCreateOrReleaseDependencies,
                         Version(*number), str(project.Author or ""), comment)
        return self._one(library, type_name, "LibraryTypeVersion.Release", act)

    def discard_library_type(self, type_name: str, library: str | None = None) -> LibraryTypeInfo:
        edited_in_project_library(library)
        require_member(self._session.version, "LibraryTypeVersion", "Discard",
                       "Discarding a library type's in-work version")
        def act(project: Any, t: Any) -> None:
            work = in_work_version(type_name, self._libraries.in_work(t))
            work.Discard()
        return self._one(library, type_name, "LibraryTypeVersion.Discard", act)

    def set_default_library_type_version(self, type_name: str, version_number: str,
                                         library: str | None = None) -> LibraryTypeInfo:
        def act(project: Any, t: Any) -> None:
            version = self._libraries.type_version(t, version_number)
            check_released(type_name, number_of(version), state_of(version), to="default")
            version.SetAsDefault()
        return self._one(library, type_name, "LibraryTypeVersion.SetAsDefault", act)

    def instantiate_library_type(self, type_name: str, device: str, *, version_number: str | None,
                                 library: str | None = None) -> TypeInstantiation:
        def run() -> TypeInstantiation:
            project = self._session.project()
            _, t = self._libraries.type(self._libraries.library(project, library), type_name)
            version = self._libraries.type_version(t, version_number) if version_number else next(
                (v for v in t.Versions if getattr(v, "IsDefault", False)), None)
            if version is None:
                raise no_default_version(type_name)
            check_released(type_name, number_of(version), state_of(version), to="instantiate")
            self._refuse_hmi_type(t, device, "PlcBlockComposition.CreateFrom(LibraryTypeVersion)")
            software = self._session.plc_software(project, device)
            before = self._names_in_use(software)
            udt = "PlcType" in str(version.GetType().Name)
            (software.TypeGroup.Types if udt else software.BlockGroup.Blocks).CreateFrom(version)
            created = sorted(self._names_in_use(software) - before)
            return TypeInstantiation(type_name=type_name, version_number=number_of(version), device_name=device,
                                     created=created)
        return self._session.change("PlcBlockComposition.CreateFrom(LibraryTypeVersion)", run)

    def delete_library_type(self, type_name: str, library: str | None = None) -> LibraryTypeInfo:
        def run() -> LibraryTypeInfo:
            project = self._session.project() if library is None else None
            folder, t = self._libraries.type(self._libraries.library(project, library), type_name)
            info = self._libraries.type_info(project, folder, t)
            if info.instances:
                raise type_has_instances(type_name, [(i.device_name, i.name, i.version_number) for i in info.instances])
            t.Delete()
            return info
        return self._libraries.lib_change(library, "LibraryType.Delete", run)

    def compare_library_type(self, type_name: str, left_version: str, *, right_version: str | None,
                             device: str | None, library: str | None = None) -> TypeComparison:
        def run() -> TypeComparison:
            project = self._session.project()
            _, t = self._libraries.type(self._libraries.library(project, library), type_name)
            left = self._libraries.type_version(t, left_version, "leftVersion")
            if not hasattr(left, "Export"):
                raise NotSupportedError(
                    f"Comparing type versions needs LibraryTypeVersion.Export (in the API since V15.1); this is "
                    f"{self._session.version}.", code=codes.NO_OPENNESS_EQUIVALENT,
                    details={"member": "LibraryTypeVersion.Export"})
            left_data = self._session.export_bytes(left)
            if right_version is not None:
                right_data = self._session.export_bytes(self._libraries.type_version(t, right_version, "rightVersion"))
                label = right_version
            elif device is None:
                raise compare_target_required()
            else:
                software = self._session.plc_software(project, device)
                instance = next((i for v in t.Versions for i in v.FindInstances(software)), None)
                if instance is None:
                    raise instance_not_found(device, type_name)
                right_data, label = self._session.export_bytes(instance), f"{device}/{instance.Name}"
            diff = compare_documents(left_data, right_data)
            identical = not (diff.members_added or diff.members_removed or diff.members_changed or diff.networks_changed
                             or diff.kind not in ("formatting", ""))
            return TypeComparison(type_name=type_name, left=number_of(left), right=label, identical=identical,
                                  kind="" if identical else diff.kind, members_added=diff.members_added,
                                  members_removed=diff.members_removed, members_changed=diff.members_changed,
                                  networks_changed=diff.networks_changed,
                                  summary=change_summary(type_name, diff))
        return self._session.call("LibraryTypeVersion.Export", run)
