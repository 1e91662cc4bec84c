"""The library area over Openness: the libraries and their master copies (sources in docs/openness-members.md,
"Libraries").

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
a transaction of its own (``LibraryAccess.lib_change``), and its types have no instances (those belong to the project
library).

This module is ``OpennessBackend.library``, :class:`BridgeLibrary`: the library and its master copies. The types are
``OpennessBackend.library_types`` (:mod:`openness_bridge.library_types`), global libraries' lifecycle
``OpennessBackend.global_library`` (:mod:`openness_bridge.global_library`); all three reach the libraries through
:class:`openness_bridge.library_support.LibraryAccess`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.library import (
    LibraryInfo, LibraryPort, LibraryTreeNode, MasterCopyContent, MasterCopyInfo, MasterCopyInstantiation,
)
from engineering_api.rules.folders import folder_parts
from engineering_api.rules.library import (
    ambiguous_master_copy, check_library_name, check_plc_paste, master_copy_exists, master_copy_folder_exists,
    master_copy_folder_not_found, master_copy_not_found, parse_version, pasted_name_taken, split_master_copy_path,
)
from openness_bridge.library_support import content_kind, folder_items, folder_paths, number_of, state_of

if TYPE_CHECKING:
    from openness_bridge.library_support import LibraryAccess
    from openness_bridge.session import BridgeSession

__all__ = ("BridgeLibrary",)


class BridgeLibrary(LibraryPort):
    """The project library and the open global libraries over Openness: the libraries and their master copies.

    Args:
        session: the Openness session; master copies are made, deleted and pasted in transactions.
        libraries: the project library and the open global ones, found by name.
        names_in_use: the casefolded names of a ``PlcSoftware``'s blocks, PLC data types and tag tables (the blocks
            area's), which a pasted master copy must not take.
        require_free_device_name: ``(project, name)``: raises AlreadyExistsError ``DEVICE_EXISTS`` when a device
            has that name (the hardware area's rule).
    """

    def __init__(
        self, session: BridgeSession, *, libraries: LibraryAccess, names_in_use: Callable[[Any], set[str]],
        require_free_device_name: Callable[[Any, str], None],
    ) -> None:
        self._session = session
        self._libraries = libraries
        self._names_in_use = names_in_use
        self._require_free_device_name = require_free_device_name

    # ----- master copies, found --------------------------------------------------------------------
    def _mc_folder(self, lib: Any, path: str) -> Any:
        folder = lib.MasterCopyFolder
        for part in filter(None, path.split("/")):
            folder = folder.Folders.Find(part)
            if folder is None:
                raise master_copy_folder_not_found(path)
        return folder

    @staticmethod
    def _mc_info(folder: str, mc: Any) -> MasterCopyInfo:
        name = str(mc.Name)
        created = getattr(mc, "CreationDate", None)
        return MasterCopyInfo(
            name=name, path=f"{folder}/{name}" if folder else name, folder=folder, source_kind="",
            contents=[MasterCopyContent(kind=content_kind(c), name=str(c.ContentName)) for c in mc.ContentDescriptions],
            author=str(getattr(mc, "Author", "") or ""),
            created_at=str(created.ToUniversalTime().ToString("o")) if created is not None else None)

    def _find_mc(self, lib: Any, path: str) -> tuple[str, Any]:
        folder, name = split_master_copy_path(path)
        by_path = "/" in path.replace("\\", "/").strip("/")
        found = [(f, mc) for f, mc in folder_items(lib.MasterCopyFolder, "MasterCopies")
                 if str(mc.Name) == name and (f == folder or not by_path)]
        if not found:
            raise master_copy_not_found(path)
        if len(found) > 1:
            raise ambiguous_master_copy(name, [f"{f}/{name}" if f else name for f, _ in found])
        return found[0]

    # ----- library and master copies -----------------------------------------------------------------
    def library_info(self, library: str | None = None) -> LibraryInfo:
        def run() -> LibraryInfo:
            lib = self._libraries.library(None, library)
            owner = lib if library is not None else self._session.project()
            return LibraryInfo(
                name=str(owner.Name), kind="Project" if library is None else "Global",
                path=str(lib.Path.FullName) if library is not None else None,
                read_only=bool(lib.IsReadOnly) if library is not None else False,
                master_copy_count=sum(1 for _ in folder_items(lib.MasterCopyFolder, "MasterCopies")),
                master_copy_folders=sorted(folder_paths(lib.MasterCopyFolder)),
                type_count=sum(1 for _ in folder_items(lib.TypeFolder, "Types")),
                type_folders=sorted(folder_paths(lib.TypeFolder)))
        return self._session.call("Project.ProjectLibrary", run)

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
                    versions = sorted(obj.Versions, key=lambda v: parse_version(number_of(v)))
                    node.children.append(LibraryTreeNode(name=name, node_type="Type", path=here, children=[
                        LibraryTreeNode(name=number_of(v), node_type="Version", path=f"{name}/{number_of(v)}",
                                        state=state_of(v)) for v in versions]))
            return node

        def run() -> LibraryTreeNode:
            lib = self._libraries.library(None, library)
            owner = lib if library is not None else self._session.project()
            return LibraryTreeNode(name=str(owner.Name), node_type="Library", is_folder=True, children=[
                folder_node("Master copies", lib.MasterCopyFolder, "MasterCopies"),
                folder_node("Types", lib.TypeFolder, "Types")])
        return self._session.call("ProjectLibrary.MasterCopyFolder/TypeFolder", run)

    def list_master_copies(self, library: str | None = None) -> list[MasterCopyInfo]:
        def run() -> list[MasterCopyInfo]:
            lib = self._libraries.library(None, library)
            return [self._mc_info(f, mc) for f, mc in folder_items(lib.MasterCopyFolder, "MasterCopies")]
        return self._session.call("MasterCopyFolder.MasterCopies", run)

    def create_master_copy(self, device: str, object_name: str | None, *, name: str | None, folder: str,
                           library: str | None = None) -> MasterCopyInfo:
        path = "/".join(folder_parts(folder, field="folder")) if folder.strip() else ""
        if name is not None:
            check_library_name(name, "name")

        def run() -> MasterCopyInfo:
            project = self._session.project()
            lib = self._libraries.library(project, library)
            target = self._mc_folder(lib, path)
            source, kind = self._libraries.source(project, device, object_name)
            wanted = name or str(source.Name)
            if any(str(mc.Name).casefold() == wanted.casefold() for mc in target.MasterCopies):
                raise master_copy_exists(wanted, path)
            mc = target.MasterCopies.Create(source)
            if name is not None and str(mc.Name) != name:
                mc.Name = name
            info = self._mc_info(path, mc)
            info.source_kind = kind
            return info
        return self._libraries.lib_change(library, "MasterCopyComposition.Create", run)

    def delete_master_copy(self, path: str, library: str | None = None) -> MasterCopyInfo:
        def run() -> MasterCopyInfo:
            folder, mc = self._find_mc(self._libraries.library(None, library), path)
            info = self._mc_info(folder, mc)
            mc.Delete()
            return info
        return self._libraries.lib_change(library, "MasterCopy.Delete", run)

    def create_master_copy_folder(self, path: str, library: str | None = None) -> str:
        parts = folder_parts(path, field="path")

        def run() -> str:
            folder = self._libraries.library(None, library).MasterCopyFolder
            created = False
            for part in parts:
                sub = folder.Folders.Find(part)
                if sub is None:
                    sub, created = folder.Folders.Create(part), True
                folder = sub
            if not created:
                raise master_copy_folder_exists("/".join(parts))
            return "/".join(parts)
        return self._libraries.lib_change(library, "MasterCopyUserFolderComposition.Create", run)

    def instantiate_master_copy(self, path: str, device: str | None, *, new_name: str | None = None,
                                library: str | None = None) -> MasterCopyInstantiation:
        def run() -> MasterCopyInstantiation:
            project = self._session.project()
            folder, mc = self._find_mc(self._libraries.library(project, library), path)
            contents = [MasterCopyContent(kind=content_kind(c), name=str(c.ContentName))
                        for c in mc.ContentDescriptions]
            where = f"{folder}/{mc.Name}" if folder else str(mc.Name)
            if contents and contents[0].kind == "Device":
                name = new_name or contents[0].name
                self._require_free_device_name(project, name)
                created = project.Devices.CreateFrom(mc)
                if str(created.Name) != name:
                    created.Name = name
                return MasterCopyInstantiation(master_copy=where, device_name=name,
                                               created=[MasterCopyContent(kind="Device", name=name)])
            plc = check_plc_paste(where, device, new_name)
            software = self._session.plc_software(project, plc)
            in_use = self._names_in_use(software)
            for c in contents:
                if c.name.casefold() in in_use:  # TIA's MasterCopyMode.ThrowIfExists, checked before anything is made
                    raise pasted_name_taken(plc, c.name)
            kinds = {c.kind for c in contents}
            target = (software.TypeGroup.Types if kinds == {"UDT"} else
                      software.TagTableGroup.TagTables if kinds == {"TagTable"} else software.BlockGroup.Blocks)
            target.CreateFrom(mc)
            return MasterCopyInstantiation(master_copy=where, device_name=plc, created=contents)
        return self._session.change("CreateFrom(MasterCopy)", run)
