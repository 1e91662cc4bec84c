"""The fake's library area (``FakeBackend.library``): the project library and open global libraries' content.

The project library lives in ``Project.library`` (:class:`fakes.library.Library`, saved under the project's
``Library/``); a global library is the same model in a file of its own (its lifecycle is the global-library area,
:mod:`fakes.global_library_ops`). TIA's rules (:mod:`engineering_api.rules.library`) are enforced here, including on
the PLC side: the other areas' writers of a PLC's program run under :meth:`FakeLibrary.guarded`, so a change of a
write-protected instance (an instance of a released version) through any import or rename is refused with 409
``INSTANCE_WRITE_PROTECTED``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TypeVar

from engineering_api.backend.areas.library import (
    LibraryInfo, LibraryPort, LibraryTreeNode, MasterCopyContent, MasterCopyInfo, MasterCopyInstantiation,
)
from engineering_api.backend.errors import AlreadyExistsError, ConflictError
from engineering_api.errors import codes
from engineering_api.lib.schema import utc_now
from engineering_api.rules.folders import folder_parts
from engineering_api.rules.library import (
    ambiguous_master_copy, check_library_name, check_plc_paste, master_copy_exists, master_copy_folder_exists,
    master_copy_folder_not_found, master_copy_not_found, parse_version, pasted_name_taken, split_master_copy_path,
)
from engineering_api.rules.naming import check_device_name
from fakes.library import Library, LibraryItem, MasterCopy
from fakes.library_hmi import instance_data
from fakes.program import read_object

if TYPE_CHECKING:
    from collections.abc import Callable

    from fakes.library_support import LibraryAccess
    from fakes.program import ProgramObject
    from fakes.session import FakeSession

__all__ = ("FakeLibrary",)

T = TypeVar("T")

_SOURCE_KIND = {"UDT": "PlcDataType", "TagTable": "TagTable"}


def _source_kind(obj: ProgramObject) -> str:
    return _SOURCE_KIND.get(obj.kind, "Block")


def _mc_info(mc: MasterCopy) -> MasterCopyInfo:
    return MasterCopyInfo(name=mc.name, path=mc.path, folder=mc.folder, source_kind=mc.source_kind,
                          contents=[MasterCopyContent(kind=i.kind, name=i.name) for i in mc.items], author=mc.author,
                          created_at=mc.created_at or None)


class FakeLibrary(LibraryPort):
    """The fake's project library and open global libraries' content and master copies; it also guards other areas'
    writers of write-protected instances of library types (:meth:`guarded`).

    Args:
        session: the attached portal and its open project, whose devices master copies are pasted into.
        libraries: the project library and the open global ones, with the links of types to their instances.
    """

    def __init__(self, session: FakeSession, *, libraries: LibraryAccess) -> None:
        self._session = session
        self._libraries = libraries

    # ----- the guard of the other areas' writers ----------------------------------------------------
    def guarded(self, device: str, call: Callable[[], T]) -> T:
        """Run ``call``, a change of ``device``'s program by another area (a block, UDT or VB script import), in
        one transaction, refused and undone when it changed a write-protected instance (an instance of a released
        version of a library type). Not a port method: the adapter hands it to the areas whose writers it guards.

        Raises:
            ConflictError: ``INSTANCE_WRITE_PROTECTED`` (details name the instance, its type and version).
        """
        with self._session.change() as project:
            before = self._libraries.lib_protected(project, device)
            result = call()
            project = self._session.project()
            lib = project.library  # not None when ``before`` names an instance
            for name, xml in before.items() if lib is not None else ():
                type_name, number = lib.links[device][name]
                now = instance_data(project, device, name, lib.types[type_name].kind)
                if now is not None and now != xml:
                    raise ConflictError(
                        f"'{name}' is an instance of the library type '{type_name}' {number}, which is released: the "
                        "instance is write-protected. Edit the type first (POST /api/project/library/types/versions "
                        "with action 'edit'), change its test instance, then release it.",
                        code=codes.INSTANCE_WRITE_PROTECTED,
                        details={"name": name, "typeName": type_name, "versionNumber": number},
                    )
        return result

    def refuse_instance_rename(self, device: str, name: str) -> None:
        """Refuse renaming ``name`` in ``device`` when it is a write-protected instance: an instance is named like its
        type. Not a port method: the adapter hands it to the blocks area's rename.

        Raises:
            ConflictError: ``INSTANCE_WRITE_PROTECTED``.
        """
        project = self._session.project()
        if name in self._libraries.lib_protected(project, device):
            type_name, number = self._libraries.lib(project, None).links[device][name]
            raise ConflictError(f"'{name}' is an instance of the library type '{type_name}' {number}: an instance is "
                                "named like its type and cannot be renamed.", code=codes.INSTANCE_WRITE_PROTECTED,
                                details={"name": name, "typeName": type_name, "versionNumber": number})

    def _lib_find_mc(self, lib: Library, path: str) -> MasterCopy:
        folder, name = split_master_copy_path(path)
        if folder or "/" in path.replace("\\", "/").strip("/"):
            found = [mc for mc in lib.master_copies if mc.folder == folder and mc.name == name]
        else:
            found = [mc for mc in lib.master_copies if mc.name == name]
        if not found:
            raise master_copy_not_found(path)
        if len(found) > 1:
            raise ambiguous_master_copy(name, [mc.path for mc in found])
        return found[0]

    # ----- library ------------------------------------------------------------------------------
    def library_info(self, library: str | None = None) -> LibraryInfo:
        lib = self._libraries.lib(None, library)
        info = LibraryInfo(name=lib.name, kind=lib.kind, master_copy_count=len(lib.master_copies),
                           master_copy_folders=sorted(lib.master_copy_folders), type_count=len(lib.types),
                           type_folders=sorted(lib.type_folders))
        if library is not None:
            opened = self._libraries.global_library(library)
            info.path, info.read_only = str(opened.file), opened.read_only
        return info

    def library_tree(self, library: str | None = None) -> LibraryTreeNode:
        lib = self._libraries.lib(None, library)

        def folders(title: str, paths: set[str]) -> tuple[LibraryTreeNode, dict[str, LibraryTreeNode]]:
            root = LibraryTreeNode(name=title, node_type="Folder", is_folder=True)
            nodes = {"": root}
            for path in sorted(paths):
                parts = path.split("/")
                for i in range(1, len(parts) + 1):
                    sub = "/".join(parts[:i])
                    if sub not in nodes:
                        nodes[sub] = LibraryTreeNode(name=parts[i - 1], node_type="Folder", path=sub, is_folder=True)
                        nodes["/".join(parts[:i - 1])].children.append(nodes[sub])
            return root, nodes

        mc_root, mc_nodes = folders("Master copies",
                                    lib.master_copy_folders | {m.folder for m in lib.master_copies if m.folder})
        for mc in lib.master_copies:
            mc_nodes[mc.folder].children.append(LibraryTreeNode(name=mc.name, node_type="MasterCopy", path=mc.path))
        type_root, type_nodes = folders("Types", lib.type_folders | {t.folder for t in lib.types.values() if t.folder})
        for t in lib.types.values():
            versions = [LibraryTreeNode(name=v.number, node_type="Version", path=f"{t.name}/{v.number}", state=v.state)
                        for v in sorted(t.versions, key=lambda v: parse_version(v.number))]
            type_nodes[t.folder].children.append(LibraryTreeNode(
                name=t.name, node_type="Type", path=f"{t.folder}/{t.name}".lstrip("/"), children=versions))
        return LibraryTreeNode(name=lib.name, node_type="Library", is_folder=True, children=[mc_root, type_root])

    # ----- master copies --------------------------------------------------------------------------
    def list_master_copies(self, library: str | None = None) -> list[MasterCopyInfo]:
        lib = self._libraries.lib(None, library)
        return [_mc_info(mc) for mc in lib.master_copies]

    def create_master_copy(self, device: str, object_name: str | None, *, name: str | None, folder: str,
                           library: str | None = None) -> MasterCopyInfo:
        with self._libraries.lib_change(library) as (project, lib):
            if project is None:
                project = self._session.project()
            folder = "/".join(folder_parts(folder, field="folder")) if folder.strip() else ""
            if folder and folder not in lib.master_copy_folders:
                raise master_copy_folder_not_found(folder)
            dev = self._session.device(project, device)
            if object_name is None:
                software = dev.software
                objects = [{"xml": o.xml.decode("utf-8"), "folder": o.folder}
                           for o in software.all()] if software else []
                data = json.dumps({"device": dev.to_dict(), "objects": objects}, ensure_ascii=False).encode("utf-8")
                items, source_kind = [LibraryItem(kind="Device", name=dev.name, data=data)], "Device"
            else:
                _, obj = self._libraries.lib_plc_object(project, device, object_name,
                                                        "block, PLC data type or tag table")
                items, source_kind = [LibraryItem(kind=obj.kind, name=obj.name, data=obj.xml, folder=obj.folder)], \
                    _source_kind(obj)
            mc_name = check_library_name(name if name is not None else items[0].name, "name")
            if any(m.folder == folder and m.name.lower() == mc_name.lower() for m in lib.master_copies):
                raise master_copy_exists(mc_name, folder)
            mc = MasterCopy(name=mc_name, folder=folder, source_kind=source_kind, items=items, author=project.author,
                            created_at=utc_now())
            lib.master_copies.append(mc)
            return _mc_info(mc)

    def delete_master_copy(self, path: str, library: str | None = None) -> MasterCopyInfo:
        with self._libraries.lib_change(library) as (_, lib):
            mc = self._lib_find_mc(lib, path)
            lib.master_copies.remove(mc)
            return _mc_info(mc)

    def create_master_copy_folder(self, path: str, library: str | None = None) -> str:
        with self._libraries.lib_change(library) as (_, lib):
            parts = folder_parts(path, field="path")
            normalised = "/".join(parts)
            if normalised in lib.master_copy_folders:
                raise master_copy_folder_exists(normalised)
            lib.master_copy_folders.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
            return normalised

    def instantiate_master_copy(self, path: str, device: str | None, *, new_name: str | None = None,
                                library: str | None = None) -> MasterCopyInstantiation:
        from fakes.model import Device

        with self._session.change() as project:
            lib = self._libraries.lib(project, library)
            mc = self._lib_find_mc(lib, path)
            if mc.source_kind == "Device":
                raw = json.loads(mc.items[0].data)
                name = check_device_name(new_name) if new_name else raw["device"]["name"]
                if any(n.lower() == name.lower() for n in project.devices):
                    raise AlreadyExistsError(f"A device with the name '{name}' already exists; pass newName.",
                                             code=codes.DEVICE_EXISTS)
                dev = Device.from_dict(raw["device"] | {"name": name})
                pasted = dev.software  # None for a device that is no PLC: its master copy has no objects
                for entry in raw["objects"]:
                    obj = read_object(entry["xml"].encode("utf-8"), project_version=project.version,
                                      folder=entry["folder"], source=mc.path)
                    if pasted is not None:
                        pasted.add(obj, overwrite=False)
                        parts = obj.folder.split("/") if obj.folder else []
                        pasted.folders.setdefault(obj.category, set()).update(
                            "/".join(parts[:i]) for i in range(1, len(parts) + 1))
                project.devices[name] = dev
                return MasterCopyInstantiation(master_copy=mc.path, device_name=name,
                                               created=[MasterCopyContent(kind="Device", name=name)])
            device = check_plc_paste(mc.path, device, new_name)
            _, software = self._session.software(project, device)
            created = []
            for item in mc.items:
                folder = item.folder if item.folder in software.folders.get(
                    "tag_tables" if item.kind == "TagTable" else "types" if item.kind == "UDT" else "blocks",
                    set()) else ""
                obj = read_object(item.data, project_version=project.version, folder=folder, source=mc.path)
                # MasterCopyMode.ThrowIfExists: any block, PLC data type or tag table of the name (as the bridge)
                if software.named(obj.name) is not None:
                    raise pasted_name_taken(device, obj.name)
                software.add(obj, overwrite=False)
                created.append(MasterCopyContent(kind=item.kind, name=item.name))
            return MasterCopyInstantiation(master_copy=mc.path, device_name=device, created=created)

