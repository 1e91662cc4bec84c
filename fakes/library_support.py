"""What the parts of the fake's library area share: the session, the libraries, the instances and their guard.

:class:`fakes.library_ops.FakeLibrary` is built from parts (master copies, types, global libraries), each a
subclass of :class:`LibrarySupport`, which holds what they use: the session, the portal table whose open global
libraries it reaches, the links between types and their instances in the PLCs. It also guards the other areas'
writers: a change of a write-protected instance (an instance of a released version) is refused with 409
``INSTANCE_WRITE_PROTECTED`` (:meth:`LibrarySupport.guarded`, :meth:`LibrarySupport.refuse_instance_rename`).
"""

from __future__ import annotations

import copy
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from engineering_api.backend.areas.library import LibraryTypeInfo, TypeInstance, TypeVersionInfo
from engineering_api.backend.errors import AlreadyExistsError, ConflictError, NotFoundError
from engineering_api.rules.library import RELEASED, TYPE_KINDS, library_not_open, library_read_only, parse_version
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

__all__ = ("LibrarySupport", "MachineState", "dependencies_of")

T = TypeVar("T")


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


class LibrarySupport:
    """The state and lookups the parts of :class:`fakes.library_ops.FakeLibrary` share.

    Args:
        session: the attached portal and its open project, read or changed in transactions.
        portals: the machine's portal table; each portal's open global libraries are kept per table
            (:func:`fakes.global_library.open_libraries`).
        state: where the global libraries opened before are remembered.
    """

    def __init__(self, session: FakeSession, *, portals: PortalTable, state: MachineState) -> None:
        self._session = session
        self._portals = portals
        self._state = state

    # ----- the guard of the other areas' writers ----------------------------------------------------
    def guarded(self, device: str, call: Callable[[], T]) -> T:
        """Run ``call``, a change of ``device``'s program by another area (a block, UDT or VB script import), in
        one transaction, refused and undone when it changed a write-protected instance (an instance of a released
        version of a library type). Not a port method: the adapter hands it to the areas whose writers it guards.

        Raises:
            ConflictError: ``INSTANCE_WRITE_PROTECTED`` (details name the instance, its type and version).
        """
        with self._session.change() as project:
            before = self._lib_protected(project, device)
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
                        code="INSTANCE_WRITE_PROTECTED",
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
        if name in self._lib_protected(project, device):
            type_name, number = self._lib(project, None).links[device][name]
            raise ConflictError(f"'{name}' is an instance of the library type '{type_name}' {number}: an instance is "
                                "named like its type and cannot be renamed.", code="INSTANCE_WRITE_PROTECTED",
                                details={"name": name, "typeName": type_name, "versionNumber": number})

    # ----- the open global libraries ------------------------------------------------------------------
    def _open_here(self) -> dict[str, GlobalLibrary]:
        pid = self._session.portal().pid
        return open_libraries(self._portals, pid)[pid]

    def _global_library(self, name: str) -> GlobalLibrary:
        here = self._open_here()
        found = here.get(name)
        if found is None:
            raise library_not_open(name, list(here))
        return found

    @contextmanager
    def _global_change(self, name: str) -> Iterator[Library]:
        """A transaction on an open global library: refused read-only, put back as it was on any error."""
        lib = self._global_library(name)
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
    def _lib(self, project: Project | None, library: str | None) -> Library:
        """The library to read: the project's, or the open global library ``library``."""
        if library is not None:
            return self._global_library(library).library
        if project is None:
            project = self._session.project()
        if project.library is None:
            project.library = Library(name=project.name)
        self._lib_prune(project, project.library)
        return project.library

    @contextmanager
    def _lib_change(self, library: str | None) -> Iterator[tuple[Project | None, Library]]:
        """A change of a library: the project's in a project transaction, a global one in its own transaction
        (refused when it is open read-only). Yields the open project, None for a global library's change without
        one (a global library is changed without a project)."""
        if library is None:
            with self._session.change() as project:
                yield project, self._lib(project, None)
            return
        with self._global_change(library) as lib:
            yield self._session.portal().project, lib

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

    @staticmethod
    def _lib_type(lib: Library, name: str) -> LibraryType:
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

    @staticmethod
    def _lib_default(t: LibraryType) -> TypeVersion:
        """The version new instances get. Raises NotFoundError ``VERSION_NOT_FOUND`` for a type without one."""
        found = t.default_version
        if found is None:
            raise NotFoundError(f"The type '{t.name}' has no default version.", code="VERSION_NOT_FOUND")
        return found

    @staticmethod
    def _lib_test_instance(t: LibraryType, work: TypeVersion) -> tuple[str, str]:
        """(device, object) of the in-work version's test instance. Raises ConflictError ``TEST_INSTANCE_MISSING``."""
        if work.test_instance is None:
            raise ConflictError(f"The in-work version {work.number} of '{t.name}' has no test instance; discard the "
                                "version.", code="TEST_INSTANCE_MISSING")
        return work.test_instance

    def _lib_instances(self, lib: Library, type_name: str) -> list[TypeInstance]:
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
        _, software = self._session.software(project, device)
        obj = software.find(name)
        if obj is None:
            raise NotFoundError(f"'{device}' has no {what} '{name}'.", code="OBJECT_NOT_FOUND")
        return software, obj

    def _lib_place(self, project: Project, lib: Library, device: str, software: PlcSoftware | None, t: LibraryType,
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
