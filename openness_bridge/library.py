"""The project library over Openness: master copies, types and their versions (sources in README.md, "Libraries").

Openness members (Siemens, "TIA Portal Openness: functions on libraries", V21: accessing folders in a library,
accessing master copies, accessing types, accessing type versions, accessing instances; and the Openness stubs):

* ``Project.ProjectLibrary`` → ``MasterCopyFolder`` (``MasterCopySystemFolder``) and ``TypeFolder``
  (``LibraryTypeSystemFolder``); each folder has ``Folders`` (``Create``/``Find``/walk) and ``MasterCopies`` or
  ``Types`` (``Find``/walk).
* ``MasterCopyComposition.Create(IMasterCopySource)`` (a block, PLC data type, tag table or device);
  ``MasterCopy.Name``/``Author``/``CreationDate``/``ContentDescriptions``/``Delete()``; pasting is the target
  composition's ``CreateFrom(MasterCopy)`` (``PlcBlockComposition``, ``PlcTypeComposition``,
  ``PlcTagTableComposition``, ``DeviceComposition``).
* ``LibraryType.Name``/``Versions``/``Delete()``; ``LibraryTypeVersion.VersionNumber``/``State``
  (``InWork``/``Committed``)/``IsDefault``/``Author``/``Edit()``/``Release(CreateOrReleaseDependenciesMode, Version,
  author, comment)``/``Discard()``/``SetAsDefault()``/``FindInstances(PlcSoftware)``/``Dependencies``; an instance
  is made with ``PlcBlockComposition.CreateFrom(LibraryTypeVersion)`` (``PlcTypeComposition`` for a UDT).

Where Openness has no member, the answer is 501 ``NO_OPENNESS_EQUIVALENT``: making a type of a project block
(Openness creates types only from SIMATIC SD documents, V21's ``LibraryTypeComposition.CreateFromDocuments``), and
comparing versions before V21 (``LibraryTypeVersion.Export`` arrived in V21). A global library (``library``) is one
of ``TiaPortal.GlobalLibraries`` (:mod:`openness_bridge.global_library`): it is read without a project, changed in
a transaction of its own (``_lib_change``), and its types have no instances (those belong to the project library).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engineering_api.backend.areas.library import (
    LibraryInfo,
    LibraryTreeNode,
    LibraryTypeInfo,
    MasterCopyContent,
    MasterCopyInfo,
    MasterCopyInstantiation,
    TypeComparison,
    TypeInstance,
    TypeInstantiation,
    TypeVersionInfo,
)
from engineering_api.backend.errors import (
    AlreadyExistsError,
    ConflictError,
    NotFoundError,
    NotSupportedError,
    ValidationError,
)
from engineering_api.domain.sourcecontrol.export import BLOCKS
from engineering_api.domain.sourcecontrol.semantic import object_diff
from engineering_api.rules.folders import folder_parts
from engineering_api.rules.hmi_resources import HMI_LIBRARY_TYPES, not_a_classic_panel
from engineering_api.rules.library import (
    IN_WORK,
    RELEASED,
    check_library_name,
    check_plc_paste,
    edited_in_project_library,
    parse_version,
    split_master_copy_path,
)
from openness_bridge.blocks import names_in_use
from openness_bridge.groups import walk_objects
from openness_bridge.hmi_access import vb_scripts

__all__ = ("LibraryOperations", "version_numbers")


def _folders(folder: Any, items: str, path: str = "") -> Iterator[tuple[str, Any]]:
    """(folder path ``a/b``, object) for every object of ``items`` in ``folder`` and its user folders."""
    for obj in getattr(folder, items):
        yield path, obj
    for sub in folder.Folders:
        yield from _folders(sub, items, f"{path}/{sub.Name}" if path else str(sub.Name))


def _folder_paths(folder: Any, path: str = "") -> Iterator[str]:
    for sub in folder.Folders:
        here = f"{path}/{sub.Name}" if path else str(sub.Name)
        yield here
        yield from _folder_paths(sub, here)


def _state(version: Any) -> str:
    return IN_WORK if str(version.State.ToString()) == "InWork" else RELEASED  # Openness: InWork / Committed


def _number(version: Any) -> str:
    v = version.VersionNumber
    return f"{int(v.Major)}.{int(v.Minor)}.{int(v.Build)}"


def version_numbers(t: Any) -> tuple[list[str], str | None, str | None]:
    """The numbers of a library type's versions (lowest first), its default version and its in-work version."""
    versions = sorted(t.Versions, key=lambda v: parse_version(_number(v)))
    return ([_number(v) for v in versions],
            next((_number(v) for v in versions if getattr(v, "IsDefault", False)), None),
            next((_number(v) for v in versions if _state(v) == IN_WORK), None))


def _content_kind(description: Any) -> str:
    kind = str(getattr(description.ContentType, "Name", description.ContentType) or "")
    for needle, name in (("PlcStruct", "UDT"), ("PlcType", "UDT"), ("TagTable", "TagTable"), ("Device", "Device")):
        if needle in kind:
            return name
    return kind or "Block"


class LibraryOperations:
    """Mixed into ``OpennessBackend``; uses its ``_call``, ``_change``, ``_project``, ``_plc_software``, helpers."""

    # ----- reaching the library -------------------------------------------------------------------
    def _library(self, project: Any, library: str | None) -> Any:
        """The project library (of ``project``, or of the open project when None) or the open global ``library``."""
        if library is not None:
            return self._global_library(library)  # type: ignore[attr-defined]
        return (project if project is not None else self._project()).ProjectLibrary  # type: ignore[attr-defined]

    def _mc_folder(self, lib: Any, path: str) -> Any:
        folder = lib.MasterCopyFolder
        for part in filter(None, path.split("/")):
            folder = folder.Folders.Find(part)
            if folder is None:
                raise NotFoundError(f"The master copy folder '{path}' does not exist; create it first.",
                                    code="FOLDER_NOT_FOUND")
        return folder

    @staticmethod
    def _mc_info(folder: str, mc: Any) -> MasterCopyInfo:
        name = str(mc.Name)
        created = getattr(mc, "CreationDate", None)
        return MasterCopyInfo(
            name=name, path=f"{folder}/{name}" if folder else name, folder=folder, source_kind="",
            contents=[MasterCopyContent(kind=_content_kind(c), name=str(c.ContentName)) for c in mc.ContentDescriptions],
            author=str(getattr(mc, "Author", "") or ""),
            created_at=str(created.ToUniversalTime().ToString("o")) if created is not None else None)

    def _find_mc(self, lib: Any, path: str) -> tuple[str, Any]:
        folder, name = split_master_copy_path(path)
        by_path = "/" in path.replace("\\", "/").strip("/")
        found = [(f, mc) for f, mc in _folders(lib.MasterCopyFolder, "MasterCopies")
                 if str(mc.Name) == name and (f == folder or not by_path)]
        if not found:
            raise NotFoundError(f"The master copy '{path}' was not found.", code="MASTER_COPY_NOT_FOUND")
        if len(found) > 1:
            paths = [f"{f}/{name}" if f else name for f, _ in found]
            raise ConflictError(f"Several master copies are named '{name}' ({', '.join(paths)}); name one by its path.",
                                code="AMBIGUOUS_MASTER_COPY", details={"paths": paths})
        return found[0]

    def _type(self, lib: Any, name: str) -> tuple[str, Any]:
        found = next(((f, t) for f, t in _folders(lib.TypeFolder, "Types") if str(t.Name) == name), None)
        if found is None:
            raise NotFoundError(f"The library type '{name}' was not found.", code="TYPE_NOT_FOUND")
        return found

    @staticmethod
    def _type_version(t: Any, number: str, field: str = "versionNumber") -> Any:
        wanted = parse_version(number, field)
        found = next((v for v in t.Versions if parse_version(_number(v)) == wanted), None)
        if found is None:
            raise NotFoundError(f"The type '{t.Name}' has no version {number}.", code="VERSION_NOT_FOUND")
        return found

    def _plcs(self, project: Any) -> Iterator[tuple[str, Any]]:
        for device in self._all_devices(project):  # type: ignore[attr-defined]
            try:
                yield str(device.Name), self._plc_software(project, str(device.Name))  # type: ignore[attr-defined]
            except (ValidationError, NotFoundError):
                continue

    def _instances(self, project: Any, t: Any) -> list[TypeInstance]:
        result: list[TypeInstance] = []
        if project is None:
            return result  # a global library's type: its instances are linked to the project library's copy
        if str(t.GetType().Name) in HMI_LIBRARY_TYPES:
            return result  # an HMI type's instances are on panels; FindInstances is searched in PLC software only
        for version in t.Versions:
            for device, software in self._plcs(project):
                for instance in version.FindInstances(software):
                    result.append(TypeInstance(device_name=device, name=str(instance.Name), version_number=_number(version),
                                               write_protected=_state(version) == RELEASED))
        return sorted(result, key=lambda i: (i.device_name, i.name))

    def _type_info(self, project: Any, folder: str, t: Any) -> LibraryTypeInfo:
        versions = sorted(t.Versions, key=lambda v: parse_version(_number(v)))
        infos = [TypeVersionInfo(version_number=_number(v), state=_state(v), is_default=bool(getattr(v, "IsDefault", False)),
                                 author=str(getattr(v, "Author", "") or ""),
                                 dependencies=[f"{d.Parent.Name}@{_number(d)}" for d in getattr(v, "Dependencies", [])])
                 for v in versions]
        in_work = next((i.version_number for i in infos if i.state == IN_WORK), None)
        default = next((i.version_number for i in infos if i.is_default), None)
        class_name = str(t.GetType().Name)
        # HMI types (FaceplateLibraryType, VBScriptLibraryType...) are named by their kind, not taken for blocks.
        kind = HMI_LIBRARY_TYPES.get(class_name) or ("UDT" if "PlcType" in class_name or "Struct" in class_name
                                                     else "FB")
        return LibraryTypeInfo(name=str(t.Name), kind=kind, folder=folder, default_version=default,
                               in_work_version=in_work, versions=infos, instances=self._instances(project, t))

    # ----- library and master copies -----------------------------------------------------------------
    def library_info(self, library: str | None = None) -> LibraryInfo:
        def run() -> LibraryInfo:
            lib = self._library(None, library)
            owner = lib if library is not None else self._project()  # type: ignore[attr-defined]
            return LibraryInfo(
                name=str(owner.Name), kind="Project" if library is None else "Global",
                path=str(lib.Path.FullName) if library is not None else None,
                read_only=bool(lib.IsReadOnly) if library is not None else False,
                master_copy_count=sum(1 for _ in _folders(lib.MasterCopyFolder, "MasterCopies")),
                master_copy_folders=sorted(_folder_paths(lib.MasterCopyFolder)),
                type_count=sum(1 for _ in _folders(lib.TypeFolder, "Types")),
                type_folders=sorted(_folder_paths(lib.TypeFolder)))
        return self._call("Project.ProjectLibrary", run)  # type: ignore[attr-defined]

    def library_tree(self, library: str | None = None) -> LibraryTreeNode:
        def folder_node(title: str, folder: Any, items: str, path: str = "") -> LibraryTreeNode:
            node = LibraryTreeNode(name=title, node_type="Folder", path=path, is_folder=True)
            for sub in folder.Folders:
                here = f"{path}/{sub.Name}" if path else str(sub.Name)
                node.children.append(folder_node(str(sub.Name), sub, items, here))
            for obj in getattr(folder, items):
                name = str(obj.Name)
                here = f"{path}/{name}" if path else name
                if items == "MasterCopies":
                    node.children.append(LibraryTreeNode(name=name, node_type="MasterCopy", path=here))
                else:
                    versions = sorted(obj.Versions, key=lambda v: parse_version(_number(v)))
                    node.children.append(LibraryTreeNode(name=name, node_type="Type", path=here, children=[
                        LibraryTreeNode(name=_number(v), node_type="Version", path=f"{name}/{_number(v)}",
                                        state=_state(v)) for v in versions]))
            return node

        def run() -> LibraryTreeNode:
            lib = self._library(None, library)
            owner = lib if library is not None else self._project()  # type: ignore[attr-defined]
            return LibraryTreeNode(name=str(owner.Name), node_type="Library", is_folder=True, children=[
                folder_node("Master copies", lib.MasterCopyFolder, "MasterCopies"),
                folder_node("Types", lib.TypeFolder, "Types")])
        return self._call("ProjectLibrary.MasterCopyFolder/TypeFolder", run)  # type: ignore[attr-defined]

    def list_master_copies(self, library: str | None = None) -> list[MasterCopyInfo]:
        def run() -> list[MasterCopyInfo]:
            lib = self._library(None, library)
            return [self._mc_info(f, mc) for f, mc in _folders(lib.MasterCopyFolder, "MasterCopies")]
        return self._call("MasterCopyFolder.MasterCopies", run)  # type: ignore[attr-defined]

    def _source(self, project: Any, device: str, object_name: str | None) -> tuple[Any, str]:
        if object_name is None:
            return self._find_device(project, device), "Device"  # type: ignore[attr-defined]
        software = self._plc_software(project, device)  # type: ignore[attr-defined]
        for group, items, kind in ((software.BlockGroup, "Blocks", "Block"), (software.TypeGroup, "Types", "PlcDataType"),
                                   (software.TagTableGroup, "TagTables", "TagTable")):
            for _, obj in walk_objects(group, items):
                if str(obj.Name) == object_name:
                    return obj, kind
        raise NotFoundError(f"'{device}' has no block, PLC data type or tag table '{object_name}'.",
                            code="OBJECT_NOT_FOUND")

    def create_master_copy(self, device: str, object_name: str | None, *, name: str | None, folder: str,
                           library: str | None = None) -> MasterCopyInfo:
        path = "/".join(folder_parts(folder, field="folder")) if folder.strip() else ""
        if name is not None:
            check_library_name(name, "name")

        def run() -> MasterCopyInfo:
            project = self._project()  # type: ignore[attr-defined]
            lib = self._library(project, library)
            target = self._mc_folder(lib, path)
            source, kind = self._source(project, device, object_name)
            wanted = name or str(source.Name)
            if any(str(mc.Name).casefold() == wanted.casefold() for mc in target.MasterCopies):
                raise AlreadyExistsError(f"The master copy '{wanted}' already exists in '{path or 'Master copies'}'.",
                                         code="MASTER_COPY_EXISTS")
            mc = target.MasterCopies.Create(source)
            if name is not None and str(mc.Name) != name:
                mc.Name = name
            info = self._mc_info(path, mc)
            info.source_kind = kind
            return info
        return self._lib_change(library, "MasterCopyComposition.Create", run)  # type: ignore[attr-defined]

    def delete_master_copy(self, path: str, library: str | None = None) -> MasterCopyInfo:
        def run() -> MasterCopyInfo:
            folder, mc = self._find_mc(self._library(None, library), path)
            info = self._mc_info(folder, mc)
            mc.Delete()
            return info
        return self._lib_change(library, "MasterCopy.Delete", run)  # type: ignore[attr-defined]

    def create_master_copy_folder(self, path: str, library: str | None = None) -> str:
        parts = folder_parts(path, field="path")

        def run() -> str:
            folder = self._library(None, library).MasterCopyFolder
            created = False
            for part in parts:
                sub = folder.Folders.Find(part)
                if sub is None:
                    sub, created = folder.Folders.Create(part), True
                folder = sub
            if not created:
                raise AlreadyExistsError(f"The folder '{'/'.join(parts)}' already exists.", code="FOLDER_EXISTS")
            return "/".join(parts)
        return self._lib_change(library, "MasterCopyUserFolderComposition.Create", run)  # type: ignore[attr-defined]

    def instantiate_master_copy(self, path: str, device: str | None, *, new_name: str | None = None,
                                library: str | None = None) -> MasterCopyInstantiation:
        def run() -> MasterCopyInstantiation:
            project = self._project()  # type: ignore[attr-defined]
            folder, mc = self._find_mc(self._library(project, library), path)
            contents = [MasterCopyContent(kind=_content_kind(c), name=str(c.ContentName)) for c in mc.ContentDescriptions]
            where = f"{folder}/{mc.Name}" if folder else str(mc.Name)
            if contents and contents[0].kind == "Device":
                name = new_name or contents[0].name
                self._require_free_device_name(project, name)  # type: ignore[attr-defined]
                created = project.Devices.CreateFrom(mc)
                if str(created.Name) != name:
                    created.Name = name
                return MasterCopyInstantiation(master_copy=where, device_name=name,
                                               created=[MasterCopyContent(kind="Device", name=name)])
            plc = check_plc_paste(where, device, new_name)
            software = self._plc_software(project, plc)  # type: ignore[attr-defined]
            in_use = names_in_use(software)
            for c in contents:
                if c.name.casefold() in in_use:  # TIA's MasterCopyMode.ThrowIfExists, checked before anything is made
                    raise AlreadyExistsError(f"'{plc}' already has an object named '{c.name}'.", code="OBJECT_EXISTS")
            kinds = {c.kind for c in contents}
            target = (software.TypeGroup.Types if kinds == {"UDT"} else
                      software.TagTableGroup.TagTables if kinds == {"TagTable"} else software.BlockGroup.Blocks)
            target.CreateFrom(mc)
            return MasterCopyInstantiation(master_copy=where, device_name=plc, created=contents)
        return self._change("CreateFrom(MasterCopy)", run)  # type: ignore[attr-defined]

    # ----- types ------------------------------------------------------------------------------------------
    def list_library_types(self, library: str | None = None) -> list[LibraryTypeInfo]:
        def run() -> list[LibraryTypeInfo]:
            project = self._project() if library is None else None  # type: ignore[attr-defined]
            lib = self._library(project, library)
            return [self._type_info(project, f, t) for f, t in _folders(lib.TypeFolder, "Types")]
        return self._call("TypeFolder.Types", run)  # type: ignore[attr-defined]

    def create_library_type(self, device: str, object_name: str, *, folder: str, comment: str,
                            library: str | None = None) -> LibraryTypeInfo:
        edited_in_project_library(library)
        if self._call("Project.ProjectLibrary", lambda: self._type_source(device, object_name)) == "script":
            raise NotSupportedError(
                "Openness cannot make a library type of a panel's VB script: no member types a project object "
                "(VBScriptLibraryType versions come from TIA's 'Add type'; V21's "
                "LibraryTypeComposition.CreateFromDocuments takes SIMATIC SD documents). Use TIA Portal, or the fake "
                "backend.", code="NO_OPENNESS_EQUIVALENT", details={"member": "LibraryTypeComposition"})
        raise NotSupportedError(
            "Openness cannot make a library type of a project block: it creates types only from SIMATIC SD documents "
            "(LibraryTypeComposition.CreateFromDocuments, V21). Use TIA Portal's 'Add new type', or the fake backend.",
            code="NO_OPENNESS_EQUIVALENT", details={"member": "LibraryTypeComposition"})

    def _type_source(self, device: str, object_name: str) -> str:
        """``block`` when ``device`` is a PLC with the block, UDT or tag table ``object_name``; ``script`` when it
        is a classic panel with that VB script (the fake makes VBScript types of those).

        Raises:
            NotFoundError: ``DEVICE_NOT_FOUND``, ``OBJECT_NOT_FOUND``.
            ValidationError: ``NOT_A_PLC`` for a device that is neither, ``NOT_A_CLASSIC_PANEL`` for a Unified panel.
        """
        try:
            self._source(self._project(), device, object_name)  # type: ignore[attr-defined]
            return "block"
        except ValidationError as exc:
            if exc.code != "NOT_A_PLC":
                raise
            not_a_plc = exc
        try:
            kind, target = self.hmi.panel_software(device)  # type: ignore[attr-defined]  # the library mixin reaches the backend's HMI area
        except ValidationError:
            raise not_a_plc from None  # neither a PLC nor a panel: refused as a PLC would be, as the fake does
        if kind == "unified":
            raise not_a_classic_panel(device)
        scripts = vb_scripts(target.VBScriptFolder)
        if not any(str(s.Name).casefold() == object_name.casefold() for _, s in scripts):
            raise NotFoundError(f"'{device}' has no VB script '{object_name}' (an HMI panel's types are made of its "
                                "VB scripts).", code="OBJECT_NOT_FOUND", details={"objectName": object_name})
        return "script"

    def _one(self, library: str | None, type_name: str, operation: str, act: Any) -> LibraryTypeInfo:
        def run() -> LibraryTypeInfo:
            project = self._project() if library is None else None  # type: ignore[attr-defined]
            folder, t = self._type(self._library(project, library), type_name)
            act(project, t)
            return self._type_info(project, folder, self._type(self._library(project, library), type_name)[1])
        return self._lib_change(library, operation, run)  # type: ignore[attr-defined]

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
        if self.hmi.panel_software(device)[0] == "unified":  # type: ignore[attr-defined]  # the library mixin reaches the backend's HMI area
            raise not_a_classic_panel(device)
        raise NotSupportedError(
            f"'{t.Name}' is a {kind} type, whose instances live on HMI panels; no public source shows an Openness "
            f"member that puts a library type version on a panel ({member} is for PLC software). Use TIA Portal, or "
            "the fake backend.", code="NO_OPENNESS_EQUIVALENT", details={"member": member})

    @staticmethod
    def _in_work(t: Any) -> Any:
        return next((v for v in t.Versions if _state(v) == IN_WORK), None)

    def edit_library_type(self, type_name: str, device: str, library: str | None = None) -> LibraryTypeInfo:
        edited_in_project_library(library)
        def act(project: Any, t: Any) -> None:
            self._refuse_hmi_type(t, device, "PlcBlockComposition.CreateFrom(LibraryTypeVersion)")
            software = self._plc_software(project, device)  # type: ignore[attr-defined]
            work = self._in_work(t)
            if work is not None:
                raise ConflictError(f"The type '{type_name}' already has the in-work version {_number(work)}; release "
                                    "or discard it first.", code="IN_WORK_VERSION_EXISTS")
            base = next((v for v in t.Versions if getattr(v, "IsDefault", False)), None) or max(
                t.Versions, key=lambda v: parse_version(_number(v)))
            if not list(base.FindInstances(software)):
                software.BlockGroup.Blocks.CreateFrom(base)  # the test instance's PLC gets one first
            base.Edit()
        return self._one(library, type_name, "LibraryTypeVersion.Edit", act)

    def release_library_type(self, type_name: str, *, version_number: str | None, comment: str,
                             library: str | None = None) -> LibraryTypeInfo:
        edited_in_project_library(library)
        def act(project: Any, t: Any) -> None:
            work = self._in_work(t)
            if work is None:
                raise ConflictError(f"The type '{type_name}' has no in-work version; edit it first.",
                                    code="NO_IN_WORK_VERSION")
            number = parse_version(version_number) if version_number else parse_version(_number(work))
            highest = max((parse_version(_number(v)) for v in t.Versions if _state(v) != IN_WORK), default=(0, 0, 0))
            if number <= highest:
                raise ValidationError(f"{version_number} is not above the type's highest version.",
                                      code="INVALID_VERSION", details={"field": "versionNumber"})
            types_ns = self._namespace("Siemens.Engineering.Library.Types")  # type: ignore[attr-defined]
            from System import Version  # noqa: PLC0415 - .NET is loaded late

            work.Release(types_ns.CreateOrReleaseDependenciesMode.DoNotAutomaticallyCreateOrReleaseDependencies,
                         Version(*number), str(project.Author or ""), comment)
        return self._one(library, type_name, "LibraryTypeVersion.Release", act)

    def discard_library_type(self, type_name: str, library: str | None = None) -> LibraryTypeInfo:
        edited_in_project_library(library)
        def act(project: Any, t: Any) -> None:
            work = self._in_work(t)
            if work is None:
                raise ConflictError(f"The type '{type_name}' has no in-work version.", code="NO_IN_WORK_VERSION")
            work.Discard()
        return self._one(library, type_name, "LibraryTypeVersion.Discard", act)

    def set_default_library_type_version(self, type_name: str, version_number: str,
                                         library: str | None = None) -> LibraryTypeInfo:
        def act(project: Any, t: Any) -> None:
            version = self._type_version(t, version_number)
            if _state(version) != RELEASED:
                raise ValidationError(f"{type_name} {version_number} is in work; only a released version can be the "
                                      "default.", code="VERSION_IN_WORK")
            version.SetAsDefault()
        return self._one(library, type_name, "LibraryTypeVersion.SetAsDefault", act)

    def instantiate_library_type(self, type_name: str, device: str, *, version_number: str | None,
                                 library: str | None = None) -> TypeInstantiation:
        def run() -> TypeInstantiation:
            project = self._project()  # type: ignore[attr-defined]
            _, t = self._type(self._library(project, library), type_name)
            version = self._type_version(t, version_number) if version_number else next(
                (v for v in t.Versions if getattr(v, "IsDefault", False)), None)
            if version is None or _state(version) != RELEASED:
                raise ValidationError(f"{type_name} {version_number or ''} is in work: only released versions are "
                                      "instantiated.", code="VERSION_IN_WORK")
            self._refuse_hmi_type(t, device, "PlcBlockComposition.CreateFrom(LibraryTypeVersion)")
            software = self._plc_software(project, device)  # type: ignore[attr-defined]
            before = names_in_use(software)
            udt = "PlcType" in str(version.GetType().Name)
            (software.TypeGroup.Types if udt else software.BlockGroup.Blocks).CreateFrom(version)
            created = sorted(names_in_use(software) - before)
            return TypeInstantiation(type_name=type_name, version_number=_number(version), device_name=device,
                                     created=created)
        return self._change("PlcBlockComposition.CreateFrom(LibraryTypeVersion)", run)  # type: ignore[attr-defined]

    def delete_library_type(self, type_name: str, library: str | None = None) -> LibraryTypeInfo:
        def run() -> LibraryTypeInfo:
            project = self._project() if library is None else None  # type: ignore[attr-defined]
            folder, t = self._type(self._library(project, library), type_name)
            info = self._type_info(project, folder, t)
            if info.instances:
                names = ", ".join(f"{i.device_name}/{i.name} ({i.version_number})" for i in info.instances)
                raise ConflictError(f"The type '{type_name}' has instances in the project: {names}. Delete them first.",
                                    code="TYPE_HAS_INSTANCES", details={"instances": [
                                        {"deviceName": i.device_name, "name": i.name, "versionNumber": i.version_number}
                                        for i in info.instances]})
            t.Delete()
            return info
        return self._lib_change(library, "LibraryType.Delete", run)  # type: ignore[attr-defined]

    def compare_library_type(self, type_name: str, left_version: str, *, right_version: str | None,
                             device: str | None, library: str | None = None) -> TypeComparison:
        def run() -> TypeComparison:
            project = self._project()  # type: ignore[attr-defined]
            _, t = self._type(self._library(project, library), type_name)
            left = self._type_version(t, left_version, "leftVersion")
            if not hasattr(left, "Export"):
                raise NotSupportedError(
                    f"Comparing type versions needs LibraryTypeVersion.Export (TIA Portal V21); this is "
                    f"{self._version}.", code="NO_OPENNESS_EQUIVALENT",  # type: ignore[attr-defined]
                    details={"member": "LibraryTypeVersion.Export"})
            left_data = self._export_bytes(left, "library-compare")  # type: ignore[attr-defined]
            if right_version is not None:
                right_data = self._export_bytes(self._type_version(t, right_version, "rightVersion"))  # type: ignore[attr-defined]
                label = right_version
            else:
                software = self._plc_software(project, device)  # type: ignore[attr-defined]
                instance = next((i for v in t.Versions for i in v.FindInstances(software)), None)
                if instance is None:
                    raise NotFoundError(f"'{device}' has no instance of '{type_name}'.", code="INSTANCE_NOT_FOUND")
                right_data, label = self._export_bytes(instance), f"{device}/{instance.Name}"  # type: ignore[attr-defined]
            diff = object_diff(f"Library/{BLOCKS}/{type_name}.xml", "Modified", left_data, right_data)
            identical = not (diff.members_added or diff.members_removed or diff.members_changed or diff.networks_changed
                             or diff.kind not in ("formatting", ""))
            return TypeComparison(type_name=type_name, left=_number(left), right=label, identical=identical,
                                  kind="" if identical else diff.kind, members_added=diff.members_added,
                                  members_removed=diff.members_removed, members_changed=diff.members_changed,
                                  networks_changed=diff.networks_changed, summary=diff.summary)
        return self._call("LibraryTypeVersion.Export", run)  # type: ignore[attr-defined]
