"""The fake's library area (``FakeBackend.library``): the project library and open global libraries.

The project library lives in ``Project.library`` (:class:`fakes.library.Library`, saved under the project's
``Library/``); a global library is the same model in a file of its own (:mod:`fakes.global_library_ops`). TIA's
rules (:mod:`engineering_api.rules.library`) are enforced here, including on the PLC side: the other areas' writers
of a PLC's program run under :meth:`fakes.library_support.LibrarySupport.guarded`, so a change of a write-protected
instance (an instance of a released version) through any import or rename is refused with 409
``INSTANCE_WRITE_PROTECTED``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from engineering_api.backend.areas.library import (
    LibraryInfo,
    LibraryPort,
    LibraryTreeNode,
    MasterCopyContent,
    MasterCopyInfo,
    MasterCopyInstantiation,
)
from engineering_api.backend.errors import AlreadyExistsError, ConflictError, NotFoundError
from engineering_api.lib.schema import utc_now
from engineering_api.rules.folders import folder_parts
from engineering_api.rules.library import (
    check_library_name,
    check_plc_paste,
    parse_version,
    split_master_copy_path,
)
from engineering_api.rules.naming import check_device_name
from fakes.global_library_ops import GlobalLibraryOperations
from fakes.library import Library, LibraryItem, MasterCopy
from fakes.library_type_ops import LibraryTypeOperations
from fakes.program import read_object

if TYPE_CHECKING:
    from fakes.program import ProgramObject

__all__ = ("FakeLibrary",)

_SOURCE_KIND = {"UDT": "PlcDataType", "TagTable": "TagTable"}


def _source_kind(obj: ProgramObject) -> str:
    return _SOURCE_KIND.get(obj.kind, "Block")


def _mc_info(mc: MasterCopy) -> MasterCopyInfo:
    return MasterCopyInfo(name=mc.name, path=mc.path, folder=mc.folder, source_kind=mc.source_kind,
                          contents=[MasterCopyContent(kind=i.kind, name=i.name) for i in mc.items], author=mc.author,
                          created_at=mc.created_at or None)


class FakeLibrary(GlobalLibraryOperations, LibraryTypeOperations, LibraryPort):
    """The fake's project library and open global libraries: master copies (here), types with versions
    (:class:`fakes.library_type_ops.LibraryTypeOperations`), global libraries' lifecycle
    (:class:`fakes.global_library_ops.GlobalLibraryOperations`); the parts share
    :class:`fakes.library_support.LibrarySupport` (its constructor's arguments), which also guards other areas'
    writers of write-protected instances (:meth:`~fakes.library_support.LibrarySupport.guarded`).
    """

    def _lib_find_mc(self, lib: Library, path: str) -> MasterCopy:
        folder, name = split_master_copy_path(path)
        if folder or "/" in path.replace("\\", "/").strip("/"):
            found = [mc for mc in lib.master_copies if mc.folder == folder and mc.name == name]
        else:
            found = [mc for mc in lib.master_copies if mc.name == name]
        if not found:
            raise NotFoundError(f"The master copy '{path}' was not found.", code="MASTER_COPY_NOT_FOUND")
        if len(found) > 1:
            raise ConflictError(f"Several master copies are named '{name}' ({', '.join(mc.path for mc in found)}); "
                                "name one by its path (Folder/Name).", code="AMBIGUOUS_MASTER_COPY",
                                details={"paths": [mc.path for mc in found]})
        return found[0]

    # ----- library ------------------------------------------------------------------------------
    def library_info(self, library: str | None = None) -> LibraryInfo:
        lib = self._lib(None, library)
        info = LibraryInfo(name=lib.name, kind=lib.kind, master_copy_count=len(lib.master_copies),
                           master_copy_folders=sorted(lib.master_copy_folders), type_count=len(lib.types),
                           type_folders=sorted(lib.type_folders))
        if library is not None:
            opened = self._global_library(library)
            info.path, info.read_only = str(opened.file), opened.read_only
        return info

    def library_tree(self, library: str | None = None) -> LibraryTreeNode:
        lib = self._lib(None, library)

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

        mc_root, mc_nodes = folders("Master copies", lib.master_copy_folders | {m.folder for m in lib.master_copies if m.folder})
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
        lib = self._lib(None, library)
        return [_mc_info(mc) for mc in lib.master_copies]

    def create_master_copy(self, device: str, object_name: str | None, *, name: str | None, folder: str,
                           library: str | None = None) -> MasterCopyInfo:
        with self._lib_change(library) as (project, lib):
            if project is None:
                project = self._session.project()
            folder = "/".join(folder_parts(folder, field="folder")) if folder.strip() else ""
            if folder and folder not in lib.master_copy_folders:
                raise NotFoundError(f"The master copy folder '{folder}' does not exist; create it first.",
                                    code="FOLDER_NOT_FOUND")
            dev = self._session.device(project, device)
            if object_name is None:
                software = dev.software
                objects = [{"xml": o.xml.decode("utf-8"), "folder": o.folder} for o in software.all()] if software else []
                data = json.dumps({"device": dev.to_dict(), "objects": objects}, ensure_ascii=False).encode("utf-8")
                items, source_kind = [LibraryItem(kind="Device", name=dev.name, data=data)], "Device"
            else:
                _, obj = self._lib_plc_object(project, device, object_name, "block, PLC data type or tag table")
                items, source_kind = [LibraryItem(kind=obj.kind, name=obj.name, data=obj.xml, folder=obj.folder)], \
                    _source_kind(obj)
            mc_name = check_library_name(name if name is not None else items[0].name, "name")
            if any(m.folder == folder and m.name.lower() == mc_name.lower() for m in lib.master_copies):
                raise AlreadyExistsError(f"The master copy '{mc_name}' already exists in "
                                         f"'{folder or 'Master copies'}'.", code="MASTER_COPY_EXISTS")
            mc = MasterCopy(name=mc_name, folder=folder, source_kind=source_kind, items=items, author=project.author,
                            created_at=utc_now())
            lib.master_copies.append(mc)
            return _mc_info(mc)

    def delete_master_copy(self, path: str, library: str | None = None) -> MasterCopyInfo:
        with self._lib_change(library) as (_, lib):
            mc = self._lib_find_mc(lib, path)
            lib.master_copies.remove(mc)
            return _mc_info(mc)

    def create_master_copy_folder(self, path: str, library: str | None = None) -> str:
        with self._lib_change(library) as (_, lib):
            parts = folder_parts(path, field="path")
            normalised = "/".join(parts)
            if normalised in lib.master_copy_folders:
                raise AlreadyExistsError(f"The folder '{normalised}' already exists.", code="FOLDER_EXISTS")
            lib.master_copy_folders.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
            return normalised

    def instantiate_master_copy(self, path: str, device: str | None, *, new_name: str | None = None,
                                library: str | None = None) -> MasterCopyInstantiation:
        from fakes.model import Device

        with self._session.change() as project:
            lib = self._lib(project, library)
            mc = self._lib_find_mc(lib, path)
            if mc.source_kind == "Device":
                raw = json.loads(mc.items[0].data)
                name = check_device_name(new_name) if new_name else raw["device"]["name"]
                if any(n.lower() == name.lower() for n in project.devices):
                    raise AlreadyExistsError(f"A device with the name '{name}' already exists; pass newName.",
                                             code="DEVICE_EXISTS")
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
                    "tag_tables" if item.kind == "TagTable" else "types" if item.kind == "UDT" else "blocks", set()) else ""
                software.add(read_object(item.data, project_version=project.version, folder=folder, source=mc.path),
                             overwrite=False)
                created.append(MasterCopyContent(kind=item.kind, name=item.name))
            return MasterCopyInstantiation(master_copy=mc.path, device_name=device, created=created)
