"""What the parts of the bridge's library mixin share: reaching a library, a type and its instances.

:class:`openness_bridge.library.LibraryOperations` is built from parts (master copies there, types in
:mod:`openness_bridge.library_types`), each a subclass of :class:`LibrarySupport`. The module functions read
Openness' library objects (folders, versions) for the parts and for the HMI area.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engineering_api.backend.areas.library import LibraryTypeInfo, TypeInstance, TypeVersionInfo
from engineering_api.backend.errors import NotFoundError, ValidationError
from engineering_api.rules.hmi_resources import HMI_LIBRARY_TYPES
from engineering_api.rules.library import IN_WORK, RELEASED, parse_version

__all__ = ("LibrarySupport", "content_kind", "folder_items", "folder_paths", "number_of", "state_of", "version_numbers")


def folder_items(folder: Any, items: str, path: str = "") -> Iterator[tuple[str, Any]]:
    """(folder path ``a/b``, object) for every object of ``items`` in ``folder`` and its user folders."""
    for obj in getattr(folder, items):
        yield path, obj
    for sub in folder.Folders:
        yield from folder_items(sub, items, f"{path}/{sub.Name}" if path else str(sub.Name))


def folder_paths(folder: Any, path: str = "") -> Iterator[str]:
    """The paths (``a/b``) of every user folder below ``folder``."""
    for sub in folder.Folders:
        here = f"{path}/{sub.Name}" if path else str(sub.Name)
        yield here
        yield from folder_paths(sub, here)


def state_of(version: Any) -> str:
    """``InWork`` or ``Released`` for a ``LibraryTypeVersion``."""
    return IN_WORK if str(version.State.ToString()) == "InWork" else RELEASED  # Openness: InWork / Committed


def number_of(version: Any) -> str:
    """A ``LibraryTypeVersion``'s number, ``1.0.2``."""
    v = version.VersionNumber
    return f"{int(v.Major)}.{int(v.Minor)}.{int(v.Build)}"


def version_numbers(t: Any) -> tuple[list[str], str | None, str | None]:
    """The numbers of a library type's versions (lowest first), its default version and its in-work version."""
    versions = sorted(t.Versions, key=lambda v: parse_version(number_of(v)))
    return ([number_of(v) for v in versions],
            next((number_of(v) for v in versions if getattr(v, "IsDefault", False)), None),
            next((number_of(v) for v in versions if state_of(v) == IN_WORK), None))


def content_kind(description: Any) -> str:
    """The kind (``UDT``, ``TagTable``, ``Device``, a block kind) of a master copy's content description."""
    kind = str(getattr(description.ContentType, "Name", description.ContentType) or "")
    for needle, name in (("PlcStruct", "UDT"), ("PlcType", "UDT"), ("TagTable", "TagTable"), ("Device", "Device")):
        if needle in kind:
            return name
    return kind or "Block"


class LibrarySupport:
    """The lookups the parts of the library mixin share; relies on ``OpennessBackend``'s ``_project``,
    ``_plc_software``, ``_find_device``, ``_all_devices``, ``_walk`` and (global libraries) ``_global_library``."""

    # ----- reaching a library ------------------------------------------------------------------------
    def _library(self, project: Any, library: str | None) -> Any:
        """The project library (of ``project``, or of the open project when None) or the open global ``library``."""
        if library is not None:
            return self._global_library(library)  # type: ignore[attr-defined]
        return (project if project is not None else self._project()).ProjectLibrary  # type: ignore[attr-defined]

    def _type(self, lib: Any, name: str) -> tuple[str, Any]:
        found = next(((f, t) for f, t in folder_items(lib.TypeFolder, "Types") if str(t.Name) == name), None)
        if found is None:
            raise NotFoundError(f"The library type '{name}' was not found.", code="TYPE_NOT_FOUND")
        return found

    @staticmethod
    def _type_version(t: Any, number: str, field: str = "versionNumber") -> Any:
        wanted = parse_version(number, field)
        found = next((v for v in t.Versions if parse_version(number_of(v)) == wanted), None)
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
                    result.append(TypeInstance(device_name=device, name=str(instance.Name), version_number=number_of(version),
                                               write_protected=state_of(version) == RELEASED))
        return sorted(result, key=lambda i: (i.device_name, i.name))

    def _type_info(self, project: Any, folder: str, t: Any) -> LibraryTypeInfo:
        versions = sorted(t.Versions, key=lambda v: parse_version(number_of(v)))
        infos = [TypeVersionInfo(version_number=number_of(v), state=state_of(v), is_default=bool(getattr(v, "IsDefault", False)),
                                 author=str(getattr(v, "Author", "") or ""),
                                 dependencies=[f"{d.Parent.Name}@{number_of(d)}" for d in getattr(v, "Dependencies", [])])
                 for v in versions]
        in_work = next((i.version_number for i in infos if i.state == IN_WORK), None)
        default = next((i.version_number for i in infos if i.is_default), None)
        class_name = str(t.GetType().Name)
        # HMI types (FaceplateLibraryType, VBScriptLibraryType...) are named by their kind, not taken for blocks.
        kind = HMI_LIBRARY_TYPES.get(class_name) or ("UDT" if "PlcType" in class_name or "Struct" in class_name
                                                     else "FB")
        return LibraryTypeInfo(name=str(t.Name), kind=kind, folder=folder, default_version=default,
                               in_work_version=in_work, versions=infos, instances=self._instances(project, t))

    def _source(self, project: Any, device: str, object_name: str | None) -> tuple[Any, str]:
        if object_name is None:
            return self._find_device(project, device), "Device"  # type: ignore[attr-defined]
        software = self._plc_software(project, device)  # type: ignore[attr-defined]
        for group, items, kind in ((software.BlockGroup, "Blocks", "Block"), (software.TypeGroup, "Types", "PlcDataType"),
                                   (software.TagTableGroup, "TagTables", "TagTable")):
            for _, obj in self._walk(group, items):  # type: ignore[attr-defined]
                if str(obj.Name) == object_name:
                    return obj, kind
        raise NotFoundError(f"'{device}' has no block, PLC data type or tag table '{object_name}'.",
                            code="OBJECT_NOT_FOUND")

    @staticmethod
    def _in_work(t: Any) -> Any:
        return next((v for v in t.Versions if state_of(v) == IN_WORK), None)
