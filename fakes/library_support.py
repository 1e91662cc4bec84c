"""The libraries as the fake's library areas reach them: the project's, the open global ones, types and instances.

:class:`LibraryAccess` is the collaborator :class:`fakes.library_ops.FakeLibrary` (master copies),
:class:`fakes.library_types_ops.FakeLibraryTypes` (types) and :class:`fakes.global_library_ops.FakeGlobalLibrary`
(global libraries' lifecycle) are given: it finds a library (the project's or an open global one), changes one in a
transaction, and knows the links between types and their instances in the PLCs.
"""

from __future__ import annotations

import copy
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.library import LibraryTypeInfo, TypeInstance, TypeVersionInfo
from engineering_api.backend.errors import AlreadyExistsError, ConflictError, NotFoundError
from engineering_api.errors import codes
from engineering_api.rules.library import (
    RELEASED, TYPE_KINDS, library_not_open, library_read_only, no_default_version, parse_version, type_not_found,
    version_not_found,
)
from fakes.global_library import GlobalLibrary, open_libraries
from fakes.library import Library, LibraryType, TypeVersion
from fakes.library_hmi import FACEPLATE_KIND, HMI_KINDS, faceplate_instances, instance_data, place_script
from fakes.program import read_object
from simatic_xml.cancel import checkpoint

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from fakes.model import Project
    from fakes.portal import PortalTable
    from fakes.program import PlcSoftware, ProgramObject
    from fakes.session import FakeSession

__all__ = ("LibraryAccess", "MachineState", "dependencies_of")


def dependencies_of(software: PlcSoftware, obj: ProgramObject) -> list[ProgramObject]:
    """The FBs, FCs and UDTs an object uses (interface types, multi-instances, calls at its last compile)."""
    names = dict.fromkeys([*obj.uses_types, *obj.calls])
    found = [software.blocks.get(n) or software.types.get(n) for n in names if n != obj.name]
    return [o for o in found if o is not None and o.kind in TYPE_KINDS]


class MachineState:
    """The machine-level lists the fake keeps beside its projects (the global libraries opened before).

    Args:
        read: ``read(name)``: the list stored under ``name`` (empty when there is none).
        write: ``write(name, entries)``: store the list under ``name``.
    """

    def __init__(self, read: Callable[[str], list[dict[str, Any]]],
                 write: Callable[[str, list[dict[str, Any]]], None]) -> None:
        self.read = read
        self.write = write


class LibraryAccess:
    """The libraries of the attached portal: the open project's and the open global ones, their types and the links
    to the types' instances.

    Args:
        session: the attached portal and its open project, read or changed in transactions.
        portals: the machine's portal table; each portal's open global libraries are kept per table
            (:func:`fakes.global_library.open_libraries`).
    """

    def __init__(self, session: FakeSession, *, portals: PortalTable) -> None:
        self._session = session
        self.portals = portals

    # ----- the open global libraries ------------------------------------------------------------------
    def open_here(self) -> dict[str, GlobalLibrary]:
        pid = self._session.portal().pid
        return open_libraries(self.portals, pid)[pid]

    def global_library(self, name: str) -> GlobalLibrary:
        here = self.open_here()
        found = here.get(name)
        if found is None:
            raise library_not_open(name, list(here))
        return found

    @contextmanager
    def global_change(self, name: str) -> Iterator[Library]:
        """A transaction on an open global library: refused read-only, put back as it was on any error."""
        lib = self.global_library(name)
        if lib.read_only:
            raise library_read_only(name)
        backup = copy.deepcopy(lib.library)
        try:
            yield lib.library
            checkpoint()
        except BaseException:
            lib.library = backup
            raise
        lib.modified = True

    # ----- reaching a library -----------------------------------------------------------------------
    def lib(self, project: Project | None, library: str | None) -> Library:
        """The library to read: the project's, or the open global library ``library``."""
        if library is not None:
            return self.global_library(library).library
        if project is None:
            project = self._session.project()
        if project.library is None:
            project.library = Library(name=project.name)
        self.lib_prune(project, project.library)
        return project.library

    @contextmanager
    def lib_change(self, library: str | None) -> Iterator[tuple[Project | None, Library]]:
        """A change of a library: the project's in a project transaction, a global one in its own transaction
        (refused when it is open read-only). Yields the open project, None for a global library's change without
        one (a global library is changed without a project)."""
        if library is None:
            with self._session.change() as project:
                yield project, self.lib(project, None)
            return
        with self.global_change(library) as lib:
            yield self._session.portal().project, lib

    @staticmethod
    def lib_prune(project: Project, lib: Library) -> None:
        """Forget links of instances that are gone (the object or its device was deleted), as TIA does."""
        for device in list(lib.links):
            for name in list(lib.links[device]):
                type_name, _ = lib.links[device][name]
                t = lib.types.get(type_name)
                if t is None or instance_data(project, device, name, t.kind) is None:
                    del lib.links[device][name]
            if not lib.links[device]:
                del lib.links[device]

    @staticmethod
    def lib_type(lib: Library, name: str) -> LibraryType:
        found = lib.types.get(name)
        if found is None:
            raise type_not_found(name)
        return found

    @staticmethod
    def lib_version(t: LibraryType, number: str, field: str = "versionNumber") -> TypeVersion:
        parse_version(number, field)
        found = t.version(number)
        if found is None:
            raise version_not_found(t.name, number, [v.number for v in t.versions])
        return found

    @staticmethod
    def lib_default(t: LibraryType) -> TypeVersion:
        """The version new instances get. Raises NotFoundError ``VERSION_NOT_FOUND`` for a type without one."""
        found = t.default_version
        if found is None:
            raise no_default_version(t.name)
        return found

    @staticmethod
    def lib_test_instance(t: LibraryType, work: TypeVersion) -> tuple[str, str]:
        """(device, object) of the in-work version's test instance. Raises ConflictError ``TEST_INSTANCE_MISSING``."""
        if work.test_instance is None:
            raise ConflictError(f"The in-work version {work.number} of '{t.name}' has no test instance; discard the "
                                "version.", code=codes.TEST_INSTANCE_MISSING)
        return work.test_instance

    def lib_instances(self, lib: Library, type_name: str) -> list[TypeInstance]:
        t = lib.types[type_name]
        if lib.kind == "Project" and t.kind == FACEPLATE_KIND:  # instances on screens, named by their FaceplateTypeName
            return faceplate_instances(self._session.project(), t)
        result = []
        for device, objects in sorted(lib.links.items()):
            for name, (linked, number) in sorted(objects.items()):
                if linked == type_name:
                    version = t.version(number)
                    result.append(TypeInstance(device_name=device, name=name, version_number=number,
                                               write_protected=version is None or version.state == RELEASED))
        return result

    def lib_type_info(self, lib: Library, t: LibraryType, created: list[str] | None = None) -> LibraryTypeInfo:
        versions = [TypeVersionInfo(version_number=v.number, state=v.state, is_default=v.number == t.default,
                                    author=v.author, comment=v.comment, created_at=v.created_at or None,
                                    dependencies=[f"{n}@{d}" for n, d in sorted(v.dependencies.items())])
                    for v in sorted(t.versions, key=lambda v: parse_version(v.number))]
        in_work = t.in_work
        return LibraryTypeInfo(name=t.name, kind=t.kind, folder=t.folder, default_version=t.default,
                               in_work_version=in_work.number if in_work else None, versions=versions,
                               instances=self.lib_instances(lib, t.name), created_dependencies=created or [])

    def lib_plc_object(self, project: Project, device: str, name: str, what: str) -> tuple[PlcSoftware, ProgramObject]:
        """The PLC software of ``device`` and its object ``name`` (``what`` says which kinds were looked for).

        Raises:
            NotFoundError: ``DEVICE_NOT_FOUND``, ``OBJECT_NOT_FOUND``.
            ValidationError: ``NOT_A_PLC``.
        """
        _, software = self._session.software(project, device)
        obj = software.find(name)
        if obj is None:
            raise NotFoundError(f"'{device}' has no {what} '{name}'.", code=codes.OBJECT_NOT_FOUND)
        return software, obj

    def lib_place(self, project: Project, lib: Library, device: str, software: PlcSoftware | None, t: LibraryType,
                   version: TypeVersion, created: list[str], updated: list[str]) -> None:
        """Make the object in ``device`` an instance of ``version``, its dependencies first (TIA brings them along).
        ``software`` is the PLC's for a block or UDT type, None for an HMI type (its instance is on a panel)."""
        if t.kind in HMI_KINDS:
            place_script(project, lib, device, t, version, created, updated)
            return
        if software is None:
            software = self._session.software(project, device)[1]
        for dep_name, dep_number in version.dependencies.items():
            dep = lib.types.get(dep_name)
            dep_version = dep.version(dep_number) if dep is not None else None
            if dep is None or dep_version is None:
                raise ConflictError(f"The type '{t.name}' {version.number} needs '{dep_name}' {dep_number}, which the "
                                    "library no longer has.", code=codes.DEPENDENCY_MISSING)
            self.lib_place(project, lib, device, software, dep, dep_version, created, updated)
        table = software.types if t.kind == "UDT" else software.blocks
        existing = table.get(t.name)
        link = lib.links.get(device, {}).get(t.name)
        if existing is not None and (link is None or link[0] != t.name):
            raise AlreadyExistsError(f"'{device}' has an object named '{t.name}' that is no instance of the type; "
                                     "rename or delete it first.", code=codes.OBJECT_EXISTS)
        if existing is not None and existing.xml == version.data and link == (t.name, version.number):
            return
        obj = read_object(version.data, project_version=project.version, folder=existing.folder if existing else "",
                          source=f"type '{t.name}' {version.number}")
        # An instance gets a free number when its type's number is taken in this PLC, as TIA numbers instances.
        software.add(replace(obj, auto_number=True), overwrite=existing is not None)
        lib.links.setdefault(device, {})[t.name] = (t.name, version.number)
        (updated if existing is not None else created).append(t.name)

    def lib_protected(self, project: Project, device: str) -> dict[str, bytes]:
        """The write-protected instances of ``device`` (instances of released versions) and their content."""
        lib = project.library
        if lib is None or device not in project.devices:
            return {}
        self.lib_prune(project, lib)
        protected = {}
        for name, (type_name, number) in lib.links.get(device, {}).items():
            t = lib.types[type_name]
            version, data = t.version(number), instance_data(project, device, name, t.kind)
            if version is not None and version.state == RELEASED and data is not None:
                protected[name] = data
        return protected
