"""Library types of the fake (``FakeBackend.library_types``): create, edit (a new in-work version), release, discard,
instantiate, delete, compare.

TIA's rules (:mod:`engineering_api.rules.library`): a released version never changes; editing a type creates
its one in-work version, whose test instance is the only instance that can be changed; releasing takes the
test instance's content, makes the version the default and updates every instance in the project; new
instances get the default version with their dependencies; a type with instances or dependents stays.
The same holds for the HMI types a classic panel's VB scripts become (:mod:`fakes.library_hmi`): their instances
are VB scripts of panels, not blocks, and they depend on no other type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engineering_api.backend.areas.library import LibraryTypeInfo, LibraryTypesPort, TypeComparison, TypeInstantiation
from engineering_api.backend.errors import AlreadyExistsError, ConflictError, ValidationError
from engineering_api.errors import codes
from engineering_api.lib.schema import utc_now
from engineering_api.rules.folders import folder_parts
from engineering_api.rules.object_changes import change_summary, compare_documents
from engineering_api.rules.library import (
    IN_WORK, RELEASED, TYPE_KINDS, check_release_number, check_released, compare_target_required,
    edited_in_project_library, format_version, in_work_version, in_work_version_exists, instance_not_found,
    next_version, type_has_instances,
)
from fakes.library import LibraryType, TypeVersion
from fakes.library_hmi import (
    HMI_KINDS, check_script_type, classic_panel, compare_scripts, instance_data, new_script_type, script_source,
)
from fakes.global_library import copy_type
from fakes.library_support import dependencies_of
from fakes.types_ops import is_consistent

if TYPE_CHECKING:
    from fakes.library import Library
    from fakes.library_support import LibraryAccess
    from fakes.model import Project
    from fakes.program import PlcSoftware, ProgramObject
    from fakes.session import FakeSession

__all__ = ("FakeLibraryTypes",)


class FakeLibraryTypes(LibraryTypesPort):
    """Library types with their versions: a global library's types are instantiated through the project library,
    edited there only.

    Args:
        session: the open project, whose PLCs and panels hold the types' instances; a version's change is one
            transaction.
        libraries: the project library and the open global ones (a global library's type is instantiated through
            the project library).
    """

    def __init__(self, session: FakeSession, *, libraries: LibraryAccess) -> None:
        self._session = session
        self._libraries = libraries

    def _lib_new_type(self, project: Project, lib: Library, device: str, software: PlcSoftware, obj: ProgramObject,
                      folder: str, comment: str, created: list[str]) -> LibraryType:
        """A type of ``obj`` (0.0.1, released); types are made first for what it uses that is not a type yet."""
        links = lib.links.setdefault(device, {})
        dependencies = {}
        for dep in dependencies_of(software, obj):
            if dep.name in links:
                dependencies[dep.name] = links[dep.name][1]
                continue
            if dep.name in lib.types:
                raise ConflictError(f"'{obj.name}' uses '{dep.name}', which is not an instance of the library type of "
                                    "that name; instantiate the type in this PLC first.",
                                    code=codes.DEPENDENCY_NOT_AN_INSTANCE)
            self._lib_new_type(project, lib, device, software, dep, folder, comment, created)
            created.append(dep.name)
            dependencies[dep.name] = "0.0.1"
        t = LibraryType(name=obj.name, kind="UDT" if obj.kind == "UDT" else obj.kind, folder=folder, default="0.0.1",
                        versions=[TypeVersion(number="0.0.1", state=RELEASED, data=obj.xml, author=project.author,
                                              comment=comment, created_at=utc_now(), dependencies=dependencies)])
        lib.types[obj.name] = t
        links[obj.name] = (obj.name, "0.0.1")
        return t

    def create_library_type(self, device: str, object_name: str, *, folder: str, comment: str,
                            library: str | None = None) -> LibraryTypeInfo:
        edited_in_project_library(library)
        with self._session.change() as project:
            lib = self._libraries.lib(project, library)
            dev = self._session.device(project, device)
            if dev.device_kind == "hmi":  # a classic panel's VB script becomes a VBScript type
                script = script_source(project, dev, object_name)
                source: tuple[PlcSoftware, ProgramObject] | None = None
                name = script.root.name
            else:
                source = self._libraries.lib_plc_object(project, device, object_name, "block or PLC data type")
                kind = source[1].kind
                if kind not in TYPE_KINDS:
                    raise ValidationError(f"'{object_name}' is a {kind}: TIA makes types of FBs, FCs and PLC data "
                                          "types only.", code=codes.NOT_TYPEABLE)
                name = source[1].name
            if any(n.lower() == name.lower() for n in lib.types):
                raise AlreadyExistsError(f"The library already has a type '{name}'.", code=codes.TYPE_EXISTS)
            if name in lib.links.get(device, {}):
                raise AlreadyExistsError(f"'{object_name}' is already an instance of a library type.",
                                         code=codes.ALREADY_AN_INSTANCE)
            if source is not None and not is_consistent(*source):
                raise ValidationError(f"'{object_name}' is inconsistent; compile it before making it a type.",
                                      code=codes.TYPE_INCONSISTENT)
            folder = "/".join(folder_parts(folder, field="folder")) if folder.strip() else ""
            if folder:
                parts = folder.split("/")
                lib.type_folders.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
            created: list[str] = []
            t = (new_script_type(project, lib, device, script, folder, comment) if source is None
                 else self._lib_new_type(project, lib, device, *source, folder, comment, created))
            return self._libraries.lib_type_info(lib, t, created)

    def _lib_site(self, project: Project, device: str, t: LibraryType) -> PlcSoftware | None:
        """Where instances of ``t`` go in ``device``: its PLC software for a block or UDT type, None for an HMI
        type after checking that ``device`` is a classic panel.

        Raises:
            NotFoundError: ``DEVICE_NOT_FOUND``.
            ValidationError: ``NOT_A_PLC`` / ``NOT_AN_HMI``, ``NOT_A_CLASSIC_PANEL``.
            NotSupportedError: ``NOT_MODELLED`` for an HMI type other than a VB script type.
        """
        if t.kind in HMI_KINDS:
            classic_panel(project, self._session.device(project, device))
            check_script_type(t.kind)
            return None
        return self._session.software(project, device)[1]

    def edit_library_type(self, type_name: str, device: str, library: str | None = None) -> LibraryTypeInfo:
        edited_in_project_library(library)
        with self._session.change() as project:
            lib = self._libraries.lib(project, library)
            t = self._libraries.lib_type(lib, type_name)
            if t.in_work is not None:
                raise in_work_version_exists(type_name, t.in_work.number)
            base = self._libraries.lib_default(t)
            self._libraries.lib_place(project, lib, device, self._lib_site(project, device, t), t, base, [], [])
            number = next_version([v.number for v in t.versions])
            t.versions.append(TypeVersion(number=number, state=IN_WORK, data=base.data, author=project.author,
                                          created_at=utc_now(), dependencies=dict(base.dependencies),
                                          test_instance=(device, t.name)))
            lib.links[device][t.name] = (t.name, number)
            return self._libraries.lib_type_info(lib, t)

    def release_library_type(self, type_name: str, *, version_number: str | None, comment: str,
                             library: str | None = None) -> LibraryTypeInfo:
        edited_in_project_library(library)
        with self._session.change() as project:
            lib = self._libraries.lib(project, library)
            t = self._libraries.lib_type(lib, type_name)
            work = in_work_version(type_name, t.in_work, then="edit it first")
            number = format_version(check_release_number(version_number, work.number,
                                                         [v.number for v in t.versions if v is not work]))
            device, name = self._libraries.lib_test_instance(t, work)
            data = instance_data(project, device, name, t.kind)
            if data is None:
                raise ConflictError(f"The test instance of '{type_name}' {work.number} in '{device}' is gone; discard "
                                    "the version.", code=codes.TEST_INSTANCE_MISSING)
            # A VB script uses no other types; a block's consistency and the types it uses are checked.
            dependencies = {} if t.kind in HMI_KINDS else self._lib_release_dependencies(lib, project, device, name)
            work.number, work.state, work.data, work.dependencies = number, RELEASED, data, dependencies
            work.comment, work.test_instance, t.default = comment or work.comment, None, number
            lib.links[device][name] = (t.name, number)
            # Releasing updates the type's instances in the project to the new version (TIA's default choice).
            for other, objects in list(lib.links.items()):
                if objects.get(t.name, (None,))[0] == t.name and objects[t.name][1] != number:
                    other_software = project.devices[other].software
                    self._libraries.lib_place(project, lib, other, other_software, t, work, [], [])
            return self._libraries.lib_type_info(lib, t)

    def _lib_release_dependencies(self, lib: Library, project: Project, device: str, name: str) -> dict[str, str]:
        """The types the test instance ``name`` (a block or UDT in ``device``) uses, each a released version.

        Raises:
            ValidationError: ``TYPE_INCONSISTENT``, ``DEPENDENCY_NOT_A_TYPE``, ``DEPENDENCY_IN_WORK``.
        """
        software, obj = self._libraries.lib_plc_object(project, device, name, "test instance")
        if not is_consistent(software, obj):
            raise ValidationError(f"The test instance '{name}' in '{device}' is inconsistent; compile it before "
                                  "releasing.", code=codes.TYPE_INCONSISTENT)
        dependencies = {}
        for dep in dependencies_of(software, obj):
            link = lib.links.get(device, {}).get(dep.name)
            if link is None:
                raise ValidationError(f"'{name}' now uses '{dep.name}', which is not a library type; make it a "
                                      "type first.", code=codes.DEPENDENCY_NOT_A_TYPE, details={"dependency": dep.name})
            dep_version = lib.types[link[0]].version(link[1])
            if dep_version is None or dep_version.state != RELEASED:
                raise ValidationError(f"'{name}' uses '{dep.name}' {link[1]}, which is in work; release it first.",
                                      code=codes.DEPENDENCY_IN_WORK, details={"dependency": dep.name})
            dependencies[dep.name] = link[1]
        return dependencies

    def discard_library_type(self, type_name: str, library: str | None = None) -> LibraryTypeInfo:
        edited_in_project_library(library)
        with self._session.change() as project:
            lib = self._libraries.lib(project, library)
            t = self._libraries.lib_type(lib, type_name)
            work = in_work_version(type_name, t.in_work)
            t.versions.remove(work)
            device, name = work.test_instance or ("", "")
            if instance_data(project, device, name, t.kind) is not None and name in lib.links.get(device, {}):
                default = self._libraries.lib_default(t)
                lib.links[device][name] = (t.name, default.number)
                self._libraries.lib_place(project, lib, device, project.devices[device].software, t, default, [], [])
            return self._libraries.lib_type_info(lib, t)

    def list_library_types(self, library: str | None = None) -> list[LibraryTypeInfo]:
        lib = self._libraries.lib(None, library)
        return [self._libraries.lib_type_info(lib, t) for t in lib.types.values()]

    def instantiate_library_type(self, type_name: str, device: str, *, version_number: str | None,
                                 library: str | None = None) -> TypeInstantiation:
        with self._session.change() as project:
            lib = self._libraries.lib(project, None)
            if library is not None:
                # TIA copies the version (and the types it uses) into the project library, then instantiates it
                # there.
                source = self._libraries.lib(None, library)
                chosen = self._libraries.lib_type(source, type_name)
                number = (self._libraries.lib_version(chosen, version_number) if version_number
                          else self._libraries.lib_default(chosen)).number
                copy_type(source, lib, type_name, [number], [])
                version_number = number
            t = self._libraries.lib_type(lib, type_name)
            version = self._libraries.lib_version(t,
                                                  version_number) if version_number else self._libraries.lib_default(t)
            check_released(type_name, version.number, version.state, to="instantiate")
            software = self._lib_site(project, device, t)
            link = lib.links.get(device, {}).get(t.name)
            linked = t.version(link[1]) if link is not None else None
            if link is not None and linked is not None and linked.state == IN_WORK:
                raise ConflictError(f"'{t.name}' in '{device}' is the test instance of the in-work version {link[1]}; "
                                    "release or discard it first.", code=codes.IN_WORK_VERSION_EXISTS)
            created: list[str] = []
            updated: list[str] = []
            self._libraries.lib_place(project, lib, device, software, t, version, created, updated)
            return TypeInstantiation(type_name=t.name, version_number=version.number, device_name=device,
                                     created=created, updated=updated)

    def delete_library_type(self, type_name: str, library: str | None = None) -> LibraryTypeInfo:
        with self._libraries.lib_change(library) as (_, lib):
            t = self._libraries.lib_type(lib, type_name)
            instances = self._libraries.lib_instances(lib, type_name)
            if instances:
                raise type_has_instances(type_name, [(i.device_name, i.name, i.version_number) for i in instances])
            dependents = sorted(o.name for o in lib.types.values() if o is not t
                                and any(type_name in v.dependencies for v in o.versions))
            if dependents:
                raise ConflictError(f"The types {', '.join(dependents)} use '{type_name}'; delete them first.",
                                    code=codes.TYPE_IS_DEPENDENCY, details={"dependents": dependents})
            info = self._libraries.lib_type_info(lib, t)
            del lib.types[type_name]
            return info

    def set_default_library_type_version(self, type_name: str, version_number: str,
                                         library: str | None = None) -> LibraryTypeInfo:
        with self._libraries.lib_change(library) as (_, lib):
            t = self._libraries.lib_type(lib, type_name)
            version = self._libraries.lib_version(t, version_number)
            check_released(type_name, version.number, version.state, to="default")
            t.default = version.number
            return self._libraries.lib_type_info(lib, t)

    def compare_library_type(self, type_name: str, left_version: str, *, right_version: str | None,
                             device: str | None, library: str | None = None) -> TypeComparison:
        lib = self._libraries.lib(None, library)
        t = self._libraries.lib_type(lib, type_name)
        left = self._libraries.lib_version(t, left_version, "leftVersion")
        if right_version is not None:
            right_data, right_label = self._libraries.lib_version(t, right_version, "rightVersion").data, right_version
        elif device is not None:
            project = self._session.project()
            self._lib_site(project, device, t)
            link = lib.links.get(device, {}).get(t.name)
            found = instance_data(project, device, t.name, t.kind) if link is not None else None
            if found is None:
                raise instance_not_found(device, type_name)
            right_data, right_label = found, f"{device}/{t.name}"
        else:
            raise compare_target_required()
        if t.kind in HMI_KINDS:
            return compare_scripts(t, left, right_data, right_label)
        diff = compare_documents(left.data, right_data)
        identical = left.data == right_data or not (diff.members_added or diff.members_removed or diff.members_changed
                                                    or diff.networks_changed or diff.kind not in ("formatting", ""))
        return TypeComparison(
            type_name=t.name, left=left.number, right=right_label, identical=identical,
            kind="" if identical else diff.kind, members_added=diff.members_added, members_removed=diff.members_removed,
            members_changed=diff.members_changed, networks_changed=diff.networks_changed,
            summary=f"{t.name}: {left.number} and {right_label} are identical" if identical
            else change_summary(t.name, diff),
        )
