"""Libraries: the project library's master copies and types with versions (15 reference routes).

TIA's rules (:mod:`engineering_api.rules.library`): a type version is ``InWork`` or ``Released`` and a released
one never changes; ``POST .../types/versions`` with ``action: edit`` makes the one in-work version, whose test
instance in a PLC is the only instance that can be changed (the others are write-protected: 409
``INSTANCE_WRITE_PROTECTED`` on any import or rename); ``release`` takes the test instance's content, makes it the
default and updates every instance; ``set-default`` picks what new instances get; instantiating brings the type's
dependencies (the UDTs an FB uses); a type with instances is not deleted (409 ``TYPE_HAS_INSTANCES`` names them);
``compare`` reports interface and code differences (the semantic diff of source control).

Master copies are named by path (``Folder\\Sub\\Name``, ``\\`` in URLs as ``%5C``; ``%2F`` is decoded before
routing) or, without a separator, by name in any folder (409 ``AMBIGUOUS_MASTER_COPY`` when several have it):
that is how the reference's ``DELETE .../master-copies/{name}`` and ``.../{mcPath}`` share one route.
"""

from __future__ import annotations

from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas.library import (
    LibraryInfo,
    LibraryTreeNode,
    LibraryTypeInfo,
    MasterCopyInfo,
    MasterCopyInstantiation,
    TypeComparison,
    TypeInstantiation,
)
from engineering_api.errors import codes
from engineering_api.jobs.operations import Operation, OperationContext, RouteSpec, read
from engineering_api.jobs.preview import PlannedChange, Preview, plan
from engineering_api.rules.library import parse_version, split_master_copy_path
from engineering_api.rules.project_texts import ProjectTexts

__all__ = (
    "OPERATIONS", "SECTION", "CreateMasterCopyInput", "InstantiateMasterCopyInput", "InstantiateTypeInput",
    "MasterCopyFolderInput", "MasterCopyRef", "TypeRef", "find_type", "preview_delete_master_copy",
    "preview_delete_type", "preview_instantiate_type",
)

SECTION = "Libraries"
BASE = "/api/project/library"
_READ_ERRORS = (e.NotFoundError, e.NoProjectOpenError, e.PortalUnavailableError)
_ERRORS = (*_READ_ERRORS, e.ValidationError, e.AlreadyExistsError, e.ConflictError, e.NotSupportedError)
VERSION_ACTIONS = ("create", "edit", "release", "discard")


class CreateMasterCopyInput(ProjectTexts, kw_only=True):
    """A master copy of a block, PLC data type or tag table (``objectName``), or of the whole device (no object)."""

    device_name: str
    object_name: str | None = None
    """Name of the block, PLC data type or tag table to copy; the whole device when omitted."""
    name: str | None = None
    """The master copy's name (default: the object's or device's)."""
    folder: str = ""
    """A master copy folder that exists (``Motors/Pumps``); empty: the root."""


class MasterCopyRef(ProjectTexts):
    """A master copy by path (``Folder\\Name``) or by name."""

    mc_path: str
    """The master copy's path (Folder/Name) or, when the name is unique, its name."""


class MasterCopyFolderInput(ProjectTexts):
    """A folder path below "Master copies" (``a/b`` creates both)."""

    folder_path: str


class InstantiateMasterCopyInput(ProjectTexts, kw_only=True):
    """Paste a master copy: PLC objects into ``deviceName``; a device master copy as a new device (``newName``)."""

    master_copy: str
    """Path (``Folder/Name``) or name."""
    device_name: str | None = None
    new_name: str | None = None


class VersionInput(ProjectTexts, kw_only=True):
    """``create`` a type from a FB/FC/UDT of a PLC or a VB script of a classic HMI panel (deviceName, objectName),
    ``edit`` it (a new in-work version, its test instance in deviceName), ``release`` the in-work version (optional
    versionNumber) or ``discard`` it."""

    type_name: str | None = None
    action: str = "edit"
    """What to do with the type: create, edit, release or discard (default edit)."""
    device_name: str | None = None
    object_name: str | None = None
    """For create: the FB, FC, UDT or VB script to make a type of (typeName when omitted)."""
    version_number: str | None = None
    """For release: the version number to give, above the type's highest (e.g. 1.0.2); the in-work number when omitted.
"""
    comment: str = ""
    folder: str = ""


class TypeRef(ProjectTexts):
    """A library type by name."""

    type_name: str


class InstantiateTypeInput(TypeRef, kw_only=True):
    """An instance of a type in a PLC: the default version unless ``versionNumber`` names another."""

    device_name: str
    version_number: str | None = None
    """The type version to instantiate, e.g. 1.0.0; the type's default version when omitted."""


class SetDefaultInput(TypeRef, kw_only=True):
    """The released version new instances get."""

    version_number: str
    """The released version new instances get, e.g. 1.0.1."""


class CompareInput(TypeRef, kw_only=True):
    """``leftVersion`` against ``rightVersion``, or against the type's instance in ``deviceName``."""

    left_version: str | None = None
    """The version to compare, e.g. 1.0.0; the type's default version when omitted."""
    right_version: str | None = None
    """The version to compare it with; needed unless deviceName names the PLC of the type's instance."""
    device_name: str | None = None


def _field(value: str | None, name: str, why: str) -> str:
    if not value:
        raise e.ValidationError(f'"{name}" is needed {why}.', code=codes.MISSING_FIELD, details={"field": name})
    return value


def _action(d: VersionInput) -> str:
    action = d.action.strip().lower()
    if action not in VERSION_ACTIONS:
        raise e.ValidationError(f"Unknown action {d.action!r}; known: {', '.join(VERSION_ACTIONS)}.",
                                code=codes.INVALID_ACTION, details={"field": "action"})
    if d.version_number is not None:
        parse_version(d.version_number)
    return action


def _version(ctx: OperationContext, d: VersionInput) -> LibraryTypeInfo:
    action, types = _action(d), ctx.backend.library_types
    if action == "create":
        device = _field(d.device_name, "deviceName", "to make a type (the PLC of the block or UDT, the panel of the "
                                                     "VB script)")
        name = _field(d.object_name or d.type_name, "objectName", "to make a type (the block, UDT or VB script)")
        return types.create_library_type(device, name, folder=d.folder, comment=d.comment)
    type_name = _field(d.type_name, "typeName", f"for '{action}'")
    if action == "edit":
        return types.edit_library_type(type_name, _field(d.device_name, "deviceName", "for 'edit' (the test instance's "
                                                                                  "PLC)"))
    if action == "release":
        return types.release_library_type(type_name, version_number=d.version_number, comment=d.comment)
    return types.discard_library_type(type_name)


def find_type(ctx: OperationContext, name: str, library: str | None = None) -> LibraryTypeInfo:
    """The type ``name`` of the project library (or of the open global library ``library``).

    Raises:
        NotFoundError: ``TYPE_NOT_FOUND``.
    """
    found = next((t for t in ctx.backend.library_types.list_library_types(library=library) if t.name == name), None)
    if found is None:
        raise e.NotFoundError(f"The library type '{name}' was not found.", code=codes.TYPE_NOT_FOUND)
    return found


def _compare(ctx: OperationContext, d: CompareInput) -> TypeComparison:
    left = d.left_version or find_type(ctx, d.type_name).default_version or ""
    if d.right_version is None and d.device_name is None:
        raise e.ValidationError("Name what to compare with: rightVersion, or deviceName for the type's instance.",
                                code=codes.COMPARE_TARGET_REQUIRED, details={"field": "rightVersion"})
    return ctx.backend.library_types.compare_library_type(d.type_name, left, right_version=d.right_version,
                                                    device=d.device_name)


# ----- previews (dry runs) -------------------------------------------------------------------------
def preview_delete_master_copy(ctx: OperationContext, d: MasterCopyRef, library: str | None = None) -> Preview:
    """What deleting the master copy ``d`` of the project library (or of ``library``) would remove."""
    folder, name = split_master_copy_path(d.mc_path)
    found = [m for m in ctx.backend.library.list_master_copies(library=library)
             if m.name == name and (m.folder == folder or ("/" not in d.mc_path.replace("\\", "/") and not folder))]
    if not found:
        raise e.NotFoundError(f"The master copy '{d.mc_path}' was not found.", code=codes.MASTER_COPY_NOT_FOUND)
    if len(found) > 1:
        raise e.ConflictError(f"Several master copies are named '{name}'; name one by its path.",
                              code=codes.AMBIGUOUS_MASTER_COPY, details={"paths": [m.path for m in found]})
    return plan(f"Would delete the master copy '{found[0].path}'.",
                [PlannedChange(action="delete", kind="masterCopy", name=found[0].path,
                               detail=", ".join(f"{c.kind} {c.name}" for c in found[0].contents))])


def preview_delete_type(ctx: OperationContext, d: TypeRef, library: str | None = None) -> Preview:
    """What deleting the type ``d`` would remove (its instances refuse it, as the call does)."""
    t = find_type(ctx, d.type_name, library)
    if t.instances:
        names = ", ".join(f"{i.device_name}/{i.name}" for i in t.instances)
        raise e.ConflictError(f"The type '{t.name}' has instances in the project: {names}. Delete them first.",
                              code=codes.TYPE_HAS_INSTANCES)
    return plan(f"Would delete the library type '{t.name}' with its versions.",
                [PlannedChange(action="delete", kind="libraryType", name=t.name,
                               detail="versions " + ", ".join(v.version_number for v in t.versions))])


def _preview_version(ctx: OperationContext, d: VersionInput) -> Preview:
    action = _action(d)
    if action == "create":
        return plan(f"Would make a library type of '{d.object_name or d.type_name}' in {d.device_name}.", [])
    t = find_type(ctx, _field(d.type_name, "typeName", f"for '{action}'"))
    if action == "edit":
        if t.in_work_version:
            raise e.ConflictError(f"The type '{t.name}' already has the in-work version {t.in_work_version}.",
                                  code=codes.IN_WORK_VERSION_EXISTS)
        return plan(f"Would create an in-work version of '{t.name}' from {t.default_version}, its test instance in "
                    f"{d.device_name}.", [])
    if not t.in_work_version:
        raise e.ConflictError(f"The type '{t.name}' has no in-work version.", code=codes.NO_IN_WORK_VERSION)
    if action == "discard":
        test = [i for i in t.instances if i.version_number == t.in_work_version]
        return plan(f"Would discard {t.name} {t.in_work_version}; its test instance goes back to {t.default_version}.",
                    [PlannedChange(action="discard", kind="instance", name=i.name, device=i.device_name)
                     for i in test])
    others = [i for i in t.instances if i.version_number != t.in_work_version]
    return plan(f"Would release {t.name} {d.version_number or t.in_work_version} and update its instances.",
                [PlannedChange(action="replace", kind="instance", name=i.name, device=i.device_name,
                               detail=f"version {i.version_number}") for i in others])


def preview_instantiate_type(ctx: OperationContext, d: InstantiateTypeInput, library: str | None = None) -> Preview:
    """Which instances in the PLC instantiating ``d`` would move to another version (instances belong to the
    project library's type of that name, which a global library's type is copied into first)."""
    found = find_type(ctx, d.type_name, library)
    version = d.version_number or found.default_version
    t: LibraryTypeInfo | None = found
    if library is not None:
        t = next((x for x in ctx.backend.library_types.list_library_types() if x.name == d.type_name), None)
    here = [i for i in t.instances if i.device_name == d.device_name] if t is not None else []
    changes = [PlannedChange(action="replace", kind="instance", name=i.name, device=i.device_name,
                             detail=f"version {i.version_number}") for i in here if i.version_number != version]
    return plan(f"Would instantiate {d.type_name} {version} in {d.device_name}.", changes)


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    read("library.info", SECTION, "Get project library information.", BASE,
         lambda ctx, d: ctx.backend.library.library_info(), None, LibraryInfo, errors=_READ_ERRORS),
    read("library.tree", SECTION, "Get the full project library tree structure including folders and items.",
         f"{BASE}/tree", lambda ctx, d: ctx.backend.library.library_tree(), None, LibraryTreeNode, errors=_READ_ERRORS),
    read("library.master-copies.list", SECTION, "List all master copies in the project library.",
         f"{BASE}/master-copies", lambda ctx, d: ctx.backend.library.list_master_copies(), None, list[MasterCopyInfo],
         errors=_READ_ERRORS),
    Operation(
        name="library.master-copies.create",
        summary="Create a new master copy from an existing block or item in the project.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.library.create_master_copy(d.device_name, d.object_name, name=d.name,
                                                                      folder=d.folder),
        input=CreateMasterCopyInput, output=MasterCopyInfo, route=RouteSpec("POST", f"{BASE}/master-copies"),
        errors=_ERRORS, example={"deviceName": "PLC_1", "objectName": "Motor", "folder": "Drives"},
        description="From a block, PLC data type or tag table (objectName), or from the whole device (no objectName). "
                    "A name taken in the folder: 409 MASTER_COPY_EXISTS.",
    ),
    Operation(
        name="library.master-copies.delete", summary="Delete a master copy from the project library.",
        section=SECTION, handler=lambda ctx, d: ctx.backend.library.delete_master_copy(d.mc_path), input=MasterCopyRef,
        output=MasterCopyInfo, route=RouteSpec("DELETE", f"{BASE}/master-copies/{{mcPath}}"), errors=_ERRORS,
        destructive=True, preview=preview_delete_master_copy,
        description="By path (Folder\\Name; in a URL the separator is %5C, as %2F is decoded before routing) or by "
                    "name in any folder (409 AMBIGUOUS_MASTER_COPY when several have it).",
    ),
    Operation(
        name="library.master-copies.folders.create", summary="Create a folder in the project library master copies.",
        section=SECTION,
        handler=lambda ctx, d: {"folderPath": ctx.backend.library.create_master_copy_folder(d.folder_path)},
        input=MasterCopyFolderInput, output=dict[str, str],
        route=RouteSpec("POST", f"{BASE}/master-copies/folders"), errors=_ERRORS,
        example={"folderPath": "Drives/Pumps"},
    ),
    Operation(
        name="library.master-copies.instantiate",
        summary="Instantiate a master copy into the project (e.g., into a specific device).", section=SECTION,
        handler=lambda ctx, d: ctx.backend.library.instantiate_master_copy(d.master_copy, d.device_name,
                                                                           new_name=d.new_name),
        input=InstantiateMasterCopyInput, output=MasterCopyInstantiation,
        route=RouteSpec("POST", f"{BASE}/master-copies/actions/instantiate"), errors=_ERRORS,
        example={"masterCopy": "Drives/Motor", "deviceName": "PLC_1"},
        description="Objects keep their names; one that exists is refused (409, TIA's MasterCopyMode.ThrowIfExists). "
                    "A device master copy becomes a new device (newName, default its old name).",
    ),
    read("library.types.list", SECTION, "List all library types in the project library.", f"{BASE}/types",
         lambda ctx, d: ctx.backend.library_types.list_library_types(), None, list[LibraryTypeInfo],
         errors=_READ_ERRORS),
    Operation(
        name="library.types.instantiate", summary="Instantiate a library type into the project.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.library_types.instantiate_library_type(d.type_name, d.device_name,
                                                                            version_number=d.version_number),
        input=InstantiateTypeInput, output=TypeInstantiation,
        route=RouteSpec("POST", f"{BASE}/types/actions/instantiate"), errors=_ERRORS, destructive=True,
        preview=preview_instantiate_type, example={"typeName": "Motor", "deviceName": "PLC_1"},
        description="The default version unless versionNumber names a released one, with the types it uses (the UDTs "
                    "of an FB). An instance already there moves to that version.",
    ),
    Operation(
        name="library.types.delete", summary="Delete a library type from the project library.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.library_types.delete_library_type(d.type_name), input=TypeRef,
        output=LibraryTypeInfo,
        route=RouteSpec("DELETE", f"{BASE}/types/{{typeName}}"), errors=_ERRORS, destructive=True,
        preview=preview_delete_type,
        description="Refused while the project has instances (409 TYPE_HAS_INSTANCES names them) or another type uses "
                    "it (409 TYPE_IS_DEPENDENCY).",
    ),
    Operation(
        name="library.types.versions", summary="Create a new version of a library type.", section=SECTION,
        handler=_version, input=VersionInput, output=LibraryTypeInfo, route=RouteSpec("POST", f"{BASE}/types/versions"),
        errors=_ERRORS, destructive=True, preview=_preview_version,
        example={"typeName": "Motor", "action": "edit", "deviceName": "PLC_1"},
        description="action: create (a type of objectName in deviceName, 0.0.1 released: a FB, FC or UDT of a PLC, "
                    "types made along for the UDTs and blocks it uses; or a VB script of a classic HMI panel, a "
                    "VBScript type whose instances are the panels' scripts of its name) | edit (a new in-work "
                    "version, 409 IN_WORK_VERSION_EXISTS when one exists; its test instance in deviceName is the one "
                    "instance that can be changed) | release (the test instance's content; it becomes the default and "
                    "every instance is updated; versionNumber must be above the others) | discard.",
    ),
    Operation(
        name="library.types.set-default", summary="Set the default version for a library type.", section=SECTION,
        handler=lambda ctx,
        d: ctx.backend.library_types.set_default_library_type_version(d.type_name, d.version_number),
        input=SetDefaultInput, output=LibraryTypeInfo,
        route=RouteSpec("POST", f"{BASE}/types/{{typeName}}/actions/set-default"), errors=_ERRORS,
        example={"versionNumber": "0.0.1"},
        description="A released version (422 VERSION_IN_WORK otherwise); new instances get it.",
    ),
    Operation(
        name="library.types.compare", summary="Compare two library types or type versions.", section=SECTION,
        handler=_compare, input=CompareInput, output=TypeComparison,
        route=RouteSpec("POST", f"{BASE}/types/actions/compare"), mutating=False, errors=_ERRORS,
        example={"typeName": "Motor", "leftVersion": "0.0.1", "rightVersion": "0.0.2"},
        description="Interface members added, removed or changed and networks whose code changed, between leftVersion "
                    "(default: the default version) and rightVersion, or the type's instance in deviceName.",
    ),
)
