"""The libraries as the bridge's library areas reach them: the project's, the open global ones, a type and its
instances.

:class:`LibraryAccess` is the collaborator :class:`openness_bridge.library.BridgeLibrary` (master copies),
:class:`openness_bridge.library_types.BridgeLibraryTypes` (types) and
:class:`openness_bridge.global_library.BridgeGlobalLibrary` (global libraries' lifecycle) are given. The module
functions read Openness' library objects (folders, versions) for those areas and for the HMI area.

No guard of write-protected instances is needed here, unlike in the fake: TIA Portal refuses a change of an instance
of a released type version itself, and the bridge reports the refusal Openness raises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from engineering_api.backend.areas.library import LibraryTypeInfo, TypeInstance, TypeVersionInfo
from engineering_api.backend.errors import NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.hmi_resources import HMI_LIBRARY_TYPES
from engineering_api.rules.library import (
    IN_WORK, RELEASED, library_not_open, library_read_only, parse_version, type_not_found, version_not_found,
)
from openness_bridge.units import software_blocks, software_tag_tables, software_types

if TYPE_CHECKING:
    from openness_bridge.session import BridgeSession

__all__ = ("LibraryAccess", "content_kind", "folder_items", "folder_paths", "number_of", "state_of", "version_numbers")

T = TypeVar("T")


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


class LibraryAccess:
    """The libraries of the attached portal: the open project's and the open global ones, their types and the types'
    instances in the project's PLCs.

    Args:
        session: the Openness session: calls, transactions, the attached portal and its open project.
        devices: every ``Device`` of a project (the hardware area's walk of the device groups).
    """

    def __init__(self, session: BridgeSession, *, devices: Callable[[Any], list[Any]]) -> None:
        self._session = session
        self._devices = devices

    # ----- reaching a library ------------------------------------------------------------------------
    def global_library(self, name: str) -> Any:
        """The open global library ``name``. Raises NotFoundError ``LIBRARY_NOT_FOUND``."""
        opened = list(self._session.portal().GlobalLibraries)
        found = next((lib for lib in opened if str(lib.Name) == name), None)
        if found is None:
            raise library_not_open(name, [str(lib.Name) for lib in opened])
        return found

    def lib_change(self, library: str | None, operation: str, fn: Callable[[], T]) -> T:
        """A change of the project library (a project transaction) or of the global ``library`` (a transaction on
        the library; refused when it is open read-only)."""
        if library is None:
            return self._session.change(operation, fn)

        def writable() -> Any:
            lib = self.global_library(library)
            if bool(lib.IsReadOnly):
                raise library_read_only(library)
            return lib

        return self._session.change(operation, fn, target=writable)

    def library(self, project: Any, library: str | None) -> Any:
        """The project library (of ``project``, or of the open project when None) or the open global ``library``."""
        if library is not None:
            return self.global_library(library)
        return (project if project is not None else self._session.project()).ProjectLibrary

    def type(self, lib: Any, name: str) -> tuple[str, Any]:
        found = next(((f, t) for f, t in folder_items(lib.TypeFolder, "Types") if str(t.Name) == name), None)
        if found is None:
            raise type_not_found(name)
        return found

    @staticmethod
    def type_version(t: Any, number: str, field: str = "versionNumber") -> Any:
        wanted = parse_version(number, field)
        found = next((v for v in t.Versions if parse_version(number_of(v)) == wanted), None)
        if found is None:
            raise version_not_found(str(t.Name), number, version_numbers(t)[0])
        return found

    def plcs(self, project: Any) -> Iterator[tuple[str, Any]]:
        for device in self._devices(project):
            try:
                yield str(device.Name), self._session.plc_software(project, str(device.Name))
            except (ValidationError, NotFoundError):
                continue

    def instances(self, project: Any, t: Any) -> list[TypeInstance]:
        result: list[TypeInstance] = []
        if project is None:
            return result  # a global library's type: its instances are linked to the project library's copy
        if str(t.GetType().Name) in HMI_LIBRARY_TYPES:
            return result  # an HMI type's instances are on panels; FindInstances is searched in PLC software only
        for version in t.Versions:
            for device, software in self.plcs(project):
                # PlcSoftware is the PLC's only IInstanceSearchScope: PlcUnit is none (15.1-V17 stubs), so a software
                # unit's instances are found only as far as TIA's search of the PlcSoftware includes them.
                for instance in version.FindInstances(software):
                    result.append(TypeInstance(device_name=device, name=str(instance.Name),
                                               version_number=number_of(version),
                                               write_protected=state_of(version) == RELEASED))
        return sorted(result, key=lambda i: (i.device_name, i.name))

    def type_info(self, project: Any, folder: str, t: Any) -> LibraryTypeInfo:
        versions = sorted(t.Versions, key=lambda v: parse_version(number_of(v)))
        infos = [TypeVersionInfo(version_number=number_of(v), state=state_of(v),
                                 is_default=bool(getattr(v, "IsDefault", False)),
                                 author=str(getattr(v, "Author", "") or ""),
                                 dependencies=[f"{d.TypeObject.Name}@{number_of(d)}"
                                               for d in getattr(v, "Dependencies", [])])
                 for v in versions]
        in_work = next((i.version_number for i in infos if i.state == IN_WORK), None)
        default = next((i.version_number for i in infos if i.is_default), None)
        class_name = str(t.GetType().Name)
        # HMI types (FaceplateLibraryType, VBScriptLibraryType...) are named by their kind, not taken for blocks.
        kind = HMI_LIBRARY_TYPES.get(class_name) or ("UDT" if "PlcType" in class_name or "Struct" in class_name
                                                     else "FB")
        return LibraryTypeInfo(name=str(t.Name), kind=kind, folder=folder, default_version=default,
                               in_work_version=in_work, versions=infos, instances=self.instances(project, t))

    def source(self, project: Any, device: str, object_name: str | None) -> tuple[Any, str]:
        if object_name is None:
            return self._session.find_device(project, device), "Device"
        software = self._session.plc_software(project, device)
        # The PLC's own objects and its software units', named as the port names them (openness_bridge.units)
        for walk, kind in ((software_blocks, "Block"), (software_types, "PlcDataType"),
                           (software_tag_tables, "TagTable")):
            for found in walk(self._session, software):
                if found.name == object_name:
                    return found.obj, kind
        raise NotFoundError(f"'{device}' has no block, PLC data type or tag table '{object_name}'.",
                            code=codes.OBJECT_NOT_FOUND)

    @staticmethod
    def in_work(t: Any) -> Any:
        return next((v for v in t.Versions if state_of(v) == IN_WORK), None)
