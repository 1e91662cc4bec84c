"""The project library of the fake (:mod:`..areas.library`): master copies, types with versions, their instances.

The library lives in ``Project.library`` (:class:`fakes.library.Library`, saved under the project's ``Library/``).
TIA's rules (:mod:`engineering_api.rules.library`) are enforced here, including on the PLC side: this mixin sits
before the program mixins in :class:`fakes.backend.FakeBackend`, so a change of a write-protected instance (an
instance of a released version) through any import or rename is refused with 409 ``INSTANCE_WRITE_PROTECTED``.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.library import (
    LibraryInfo,
    LibraryTreeNode,
    LibraryTypeInfo,
    MasterCopyContent,
    MasterCopyInfo,
    MasterCopyInstantiation,
    TypeInstance,
    TypeVersionInfo,
)
from engineering_api.backend.errors import AlreadyExistsError, ConflictError, NotFoundError
from engineering_api.lib.schema import utc_now
from engineering_api.rules.folders import folder_parts
from engineering_api.rules.library import (
    RELEASED,
    TYPE_KINDS,
    check_library_name,
    check_plc_paste,
    parse_version,
    split_master_copy_path,
)
from engineering_api.rules.naming import check_device_name
from fakes.library import Library, LibraryItem, LibraryType, MasterCopy, TypeVersion
from fakes.library_hmi import FACEPLATE_KIND, HMI_KINDS, faceplate_instances, instance_data, place_script
from fakes.program import read_object

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fakes.model import Project
    from fakes.program import PlcSoftware, ProgramObject

__all__ = ("LibraryOperations",)

_SOURCE_KIND = {"UDT": "PlcDataType", "TagTable": "TagTable"}


def _source_kind(obj: ProgramObject) -> str:
    return _SOURCE_KIND.get(obj.kind, "Block")


def _deps(software: PlcSoftware, obj: ProgramObject) -> list[ProgramObject]:
    """The FBs, FCs and UDTs an object uses (interface types, multi-instances, calls at its last compile)."""
    names = dict.fromkeys([*obj.uses_types, *obj.calls])
    found = [software.blocks.get(n) or software.types.get(n) for n in names if n != obj.name]
    return [o for o in found if o is not None and o.kind in TYPE_KINDS]


def _mc_info(mc: MasterCopy) -> MasterCopyInfo:
    return MasterCopyInfo(name=mc.name, path=mc.path, folder=mc.folder, source_kind=mc.source_kind,
                          contents=[MasterCopyContent(kind=i.kind, name=i.name) for i in mc.items], author=mc.author,
                          created_at=mc.created_at or None)


class LibraryOperations:
    """Mixed into :class:`fakes.backend.FakeBackend` before the program mixins (see the module docstring)."""

    # ----- helpers ------------------------------------------------------------------------------
    def _lib(self, project: Project | None, library: str | None) -> Library:
        """The library to read: the project's, or the open global library ``library``."""
        if library is not None:
            return self._global_library(library).library  # type: ignore[attr-defined]
        if project is None:
            project = self._project()  # type: ignore[attr-defined]
        if project.library is None:
            project.library = Library(name=project.name)
        self._lib_prune(project, project.library)
        return project.library

    @contextmanager
    def _lib_change(self, library: str | None) -> Iterator[tuple[Project, Library]]:
        """A change of a library: the project's in a project transaction, a global one in its own transaction
        (refused when it is open read-only). Yields the open project (a global library's change reads from it)."""
        if library is None:
            with self._change() as project:  # type: ignore[attr-defined]
                yield project, self._lib(project, None)
            return
        with self._global_change(library) as lib:  # type: ignore[attr-defined]
            yield self._portal().project, lib  # type: ignore[attr-defined]

    @staticmethod
    def _lib_prune(project: Project, lib: Library) -> None:
        """Forget links of instances that are gone (the object or its device was deleted), as TIA does."""
        for device in list(lib.links):
            for name in list(lib.links[device]):
                type_name, _ = lib.links[device][name]
                t = lib.types.get(type_name)
                if t is None or instance_data(project, device, name, t.kind) is None:
                    del lib.links[device][name]
            if not lib.links[device]:
                del lib.links[device]

    def _lib_type(self, lib: Library, name: str) -> LibraryType:
        found = lib.types.get(name)
        if found is None:
            raise NotFoundError(f"The library type '{name}' was not found.", code="TYPE_NOT_FOUND")
        return found

    @staticmethod
    def _lib_version(t: LibraryType, number: str, field: str = "versionNumber") -> TypeVersion:
        parse_version(number, field)
        found = t.version(number)
        if found is None:
            raise NotFoundError(f"The type '{t.name}' has no version {number} (it has "
                                f"{', '.join(v.number for v in t.versions)}).", code="VERSION_NOT_FOUND")
        return found

    def _lib_instances(self, lib: Library, type_name: str) -> list[TypeInstance]:
        t = lib.types[type_name]
        if lib.kind == "Project" and t.kind == FACEPLATE_KIND:  # instances on screens, named by their FaceplateTypeName
            return faceplate_instances(self._project(), t)  # type: ignore[attr-defined]
        result = []
        for device, objects in sorted(lib.links.items()):
            for name, (linked, number) in sorted(objects.items()):
                if linked == type_name:
                    version = t.version(number)
                    result.append(TypeInstance(device_name=device, name=name, version_number=number,
                                               write_protected=version is None or version.state == RELEASED))
        return result

    def _lib_type_info(self, lib: Library, t: LibraryType, created: list[str] | None = None) -> LibraryTypeInfo:
        versions = [TypeVersionInfo(version_number=v.number, state=v.state, is_default=v.number == t.default,
                                    author=v.author, comment=v.comment, created_at=v.created_at or None,
                                    dependencies=[f"{n}@{d}" for n, d in sorted(v.dependencies.items())])
                    for v in sorted(t.versions, key=lambda v: parse_version(v.number))]
        in_work = t.in_work
        return LibraryTypeInfo(name=t.name, kind=t.kind, folder=t.folder, default_version=t.default,
                               in_work_version=in_work.number if in_work else None, versions=versions,
                               instances=self._lib_instances(lib, t.name), created_dependencies=created or [])

    def _lib_plc_object(self, project: Project, device: str, name: str, what: str) -> tuple[PlcSoftware, ProgramObject]:
        """The PLC software of ``device`` and its object ``name`` (``what`` says which kinds were looked for).

        Raises:
            NotFoundError: ``DEVICE_NOT_FOUND``, ``OBJECT_NOT_FOUND``.
            ValidationError: ``NOT_A_PLC``.
        """
        _, software = self._software(project, device)  # type: ignore[attr-defined]
        obj = software.find(name)
        if obj is None:
            raise NotFoundError(f"'{device}' has no {what} '{name}'.", code="OBJECT_NOT_FOUND")
        return software, obj

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

    def _lib_place(self, project: Project, lib: Library, device: str, software: PlcSoftware, t: LibraryType,
                   version: TypeVersion, created: list[str], updated: list[str]) -> None:
        """Make the object in ``device`` an instance of ``version``, its dependencies first (TIA brings them along).
        ``software`` is the PLC's for a block or UDT type, None for an HMI type (its instance is on a panel)."""
        if t.kind in HMI_KINDS:
            place_script(project, lib, device, t, version, created, updated)
            return
        for dep_name, dep_number in version.dependencies.items():
            dep = lib.types.get(dep_name)
            dep_version = dep.version(dep_number) if dep is not None else None
            if dep is None or dep_version is None:
                raise ConflictError(f"The type '{t.name}' {version.number} needs '{dep_name}' {dep_number}, which the "
                                    "library no longer has.", code="DEPENDENCY_MISSING")
            self._lib_place(project, lib, device, software, dep, dep_version, created, updated)
        table = software.types if t.kind == "UDT" else software.blocks
        existing = table.get(t.name)
        link = lib.links.get(device, {}).get(t.name)
        if existing is not None and (link is None or link[0] != t.name):
            raise AlreadyExistsError(f"'{device}' has an object named '{t.name}' that is no instance of the type; "
                                     "rename or delete it first.", code="OBJECT_EXISTS")
        if existing is not None and existing.xml == version.data and link == (t.name, version.number):
            return
        obj = read_object(version.data, project_version=project.version, folder=existing.folder if existing else "",
                          source=f"type '{t.name}' {version.number}")
        # An instance gets a free number when its type's number is taken in this PLC, as TIA numbers instances.
        software.add(replace(obj, auto_number=True), overwrite=existing is not None)
        lib.links.setdefault(device, {})[t.name] = (t.name, version.number)
        (updated if existing is not None else created).append(t.name)

    def _lib_protected(self, project: Project, device: str) -> dict[str, bytes]:
        """The write-protected instances of ``device`` (instances of released versions) and their content."""
        lib = project.library
        if lib is None or device not in project.devices:
            return {}
        self._lib_prune(project, lib)
        protected = {}
        for name, (type_name, number) in lib.links.get(device, {}).items():
            t = lib.types[type_name]
            version, data = t.version(number), instance_data(project, device, name, t.kind)
            if version is not None and version.state == RELEASED and data is not None:
                protected[name] = data
        return protected

    def _lib_guarded(self, device: str, call: Any) -> Any:
        """Run a change of ``device``'s program; refuse it (and undo it) when it changed a write-protected instance."""
        with self._change() as project:  # type: ignore[attr-defined]
            before = self._lib_protected(project, device)
            result = call()
            project = self._project()  # type: ignore[attr-defined]
            for name, xml in before.items():
                type_name, number = project.library.links[device][name]
                now = instance_data(project, device, name, project.library.types[type_name].kind)
                if now is not None and now != xml:
                    raise ConflictError(
                        f"'{name}' is an instance of the library type '{type_name}' {number}, which is released: the "
                        "instance is write-protected. Edit the type first (POST /api/project/library/types/versions "
                        "with action 'edit'), change its test instance, then release it.",
                        code="INSTANCE_WRITE_PROTECTED",
                        details={"name": name, "typeName": type_name, "versionNumber": number},
                    )
        return result

    def _lib_refuse_instance_rename(self, project: Project, device: str, name: str) -> None:
        """Refuse renaming ``name`` of ``device`` when it is a write-protected instance (the blocks area asks)."""
        if name in self._lib_protected(project, device):
            type_name, number = project.library.links[device][name]
            raise ConflictError(f"'{name}' is an instance of the library type '{type_name}' {number}: an instance is "
                                "named like its type and cannot be renamed.", code="INSTANCE_WRITE_PROTECTED",
                                details={"name": name, "typeName": type_name, "versionNumber": number})

    # ----- library ------------------------------------------------------------------------------
    def library_info(self, library: str | None = None) -> LibraryInfo:
        lib = self._lib(None, library)
        return LibraryInfo(name=lib.name, kind=lib.kind, master_copy_count=len(lib.master_copies),
                           master_copy_folders=sorted(lib.master_copy_folders), type_count=len(lib.types),
                           type_folders=sorted(lib.type_folders))

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
                project = self._project()
            folder = "/".join(folder_parts(folder, field="folder")) if folder.strip() else ""
            if folder and folder not in lib.master_copy_folders:
                raise NotFoundError(f"The master copy folder '{folder}' does not exist; create it first.",
                                    code="FOLDER_NOT_FOUND")
            dev = self._device(project, device)  # type: ignore[attr-defined]
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

        with self._change() as project:  # type: ignore[attr-defined]
            lib = self._lib(project, library)
            mc = self._lib_find_mc(lib, path)
            if mc.source_kind == "Device":
                raw = json.loads(mc.items[0].data)
                name = check_device_name(new_name) if new_name else raw["device"]["name"]
                if any(n.lower() == name.lower() for n in project.devices):
                    raise AlreadyExistsError(f"A device with the name '{name}' already exists; pass newName.",
                                             code="DEVICE_EXISTS")
                dev = Device.from_dict(raw["device"] | {"name": name})
                for entry in raw["objects"]:
                    obj = read_object(entry["xml"].encode("utf-8"), project_version=project.version,
                                      folder=entry["folder"], source=mc.path)
                    dev.software.add(obj, overwrite=False)
                    parts = obj.folder.split("/") if obj.folder else []
                    dev.software.folders.setdefault(obj.category, set()).update(
                        "/".join(parts[:i]) for i in range(1, len(parts) + 1))
                project.devices[name] = dev
                return MasterCopyInstantiation(master_copy=mc.path, device_name=name,
                                               created=[MasterCopyContent(kind="Device", name=name)])
            device = check_plc_paste(mc.path, device, new_name)
            _, software = self._software(project, device)  # type: ignore[attr-defined]
            created = []
            for item in mc.items:
                folder = item.folder if item.folder in software.folders.get(
                    "tag_tables" if item.kind == "TagTable" else "types" if item.kind == "UDT" else "blocks", set()) else ""
                software.add(read_object(item.data, project_version=project.version, folder=folder, source=mc.path),
                             overwrite=False)
                created.append(MasterCopyContent(kind=item.kind, name=item.name))
            return MasterCopyInstantiation(master_copy=mc.path, device_name=device, created=created)
