"""Libraries: global libraries (the 15 ``/api/libraries/global`` reference routes, and copying types into one).

A global library is a file of its own (``<name>.alNN``, NN the portal's TIA version) with the project library's
model: master copies and types with versions. ``POST /api/libraries/global`` creates one (open read-write);
``actions/open`` opens one read-only (TIA's default, so that several users can share it) or, with
``readOnly: false``, read-write and exclusive; ``save``, ``close`` (409 ``UNSAVED_CHANGES`` unless
``discardChanges``) and ``archive`` (``.zalNN``) work on an open one. A read-only library refuses every change
(409 ``LIBRARY_READ_ONLY``).

The reference names no library on its routes ("the currently open global library"): every call takes
``libraryName``, which may be left out while exactly one global library is open (none: 404 ``LIBRARY_NOT_OPEN``;
several: 422 ``LIBRARY_NAME_REQUIRED`` listing them). Instantiating a global library's type copies it (and the
types it uses) into the project library first, as TIA does; ``types/actions/update`` copies project library types
into the global library (TIA's "update library"), since types are made and edited in the project library.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas.global_library import GlobalLibraryArchive, GlobalLibraryInfo
from engineering_api.backend.areas.library import (
    LibraryTreeNode,
    LibraryTypeInfo,
    MasterCopyInfo,
    MasterCopyInstantiation,
    TypeInstantiation,
)
from engineering_api.domain.library import (
    SECTION,
    CreateMasterCopyInput,
    InstantiateMasterCopyInput,
    InstantiateTypeInput,
    MasterCopyFolderInput,
    MasterCopyRef,
    TypeRef,
    preview_delete_master_copy,
    preview_delete_type,
    preview_instantiate_type,
)
from engineering_api.errors import codes
from engineering_api.jobs.operations import FileRule, Operation, OperationContext, RouteSpec, read
from engineering_api.jobs.preview import PlannedChange, Preview, plan
from engineering_api.rules.library import LIBRARY_ARCHIVES, LIBRARY_FILES, check_library_name
from engineering_api.rules.project_texts import ProjectTexts

__all__ = ("OPERATIONS", "library_name")

BASE = "/api/libraries/global"
_READ_ERRORS = (e.NotFoundError, e.ValidationError, e.PortalUnavailableError)
_ERRORS = (*_READ_ERRORS, e.AlreadyExistsError, e.ConflictError, e.LockedError, e.NoProjectOpenError)


class LibrarySelector(ProjectTexts, kw_only=True):
    """An open global library; may be left out while exactly one is open."""

    library_name: str | None = None


class CreateLibraryInput(ProjectTexts, kw_only=True):
    """A new global library ``directory/name/name.alNN``; ``directory`` defaults to the first file root."""

    name: str
    """Name of the new global library (also the name of its folder and file)."""
    directory: str | None = None
    author: str = ""
    comment: str = ""


class OpenLibraryInput(ProjectTexts, kw_only=True):
    """A global library file (``.al16`` … ``.al21``) inside the file roots."""

    path: str
    read_only: bool = True
    """TIA's default; ``false`` opens it for changes, exclusive to this portal (Openness ``OpenMode.ReadWrite``)."""


class CloseLibraryInput(LibrarySelector, kw_only=True):
    """Unsaved changes are lost on close: 409 ``UNSAVED_CHANGES`` unless ``discardChanges``."""

    discard_changes: bool = False
    """Close even with unsaved changes, which are lost; without it such a close is refused with 409."""


class ArchiveLibraryInput(LibrarySelector, kw_only=True):
    """Where to write the ``.zalNN`` archive of the saved library."""

    archive_path: str
    """The archive file to write, under one of the service's export roots."""
    save_first: bool = False
    """Save the library first; without it, unsaved changes are refused (409 ``UNSAVED_CHANGES``)."""


class GlobalCreateMasterCopyInput(CreateMasterCopyInput, kw_only=True):
    """A master copy in the global library of a project object (or device)."""

    library_name: str | None = None


class GlobalMasterCopyRef(MasterCopyRef, kw_only=True):
    """A master copy of the global library by path (``Folder/Name``) or name."""

    library_name: str | None = None


class GlobalFolderInput(MasterCopyFolderInput, kw_only=True):
    """A master copy folder of the global library."""

    library_name: str | None = None


class GlobalInstantiateMasterCopyInput(InstantiateMasterCopyInput, kw_only=True):
    """Paste a master copy of the global library into the project."""

    library_name: str | None = None


class GlobalInstantiateTypeInput(InstantiateTypeInput, kw_only=True):
    """An instance of a global library's type in a PLC (the type is copied into the project library)."""

    library_name: str | None = None


class GlobalTypeRef(TypeRef, kw_only=True):
    """A type of the global library."""

    library_name: str | None = None


class UpdateLibraryInput(LibrarySelector, kw_only=True):
    """Project library types to copy into the global library, with the types they use."""

    type_names: list[str]
    """Names of the project library's types to copy into the global library (the types they use come along)."""


def library_name(ctx: OperationContext, given: str | None) -> str:
    """``given``, or the one open global library.

    Raises:
        NotFoundError: ``LIBRARY_NOT_OPEN``: none is open.
        ValidationError: ``LIBRARY_NAME_REQUIRED``: several are open.
    """
    if given:
        return given
    opened = [lib.name for lib in ctx.backend.global_library.list_global_libraries() if lib.is_open]
    if not opened:
        raise e.NotFoundError("No global library is open: open one (POST /api/libraries/global/actions/open) or "
                              "create one (POST /api/libraries/global).", code=codes.LIBRARY_NOT_OPEN)
    if len(opened) > 1:
        raise e.ValidationError(f"Several global libraries are open ({', '.join(opened)}): name one in libraryName.",
                                code=codes.LIBRARY_NAME_REQUIRED, details={"field": "libraryName", "open": opened})
    return opened[0]


def _open(ctx: OperationContext, d: OpenLibraryInput) -> GlobalLibraryInfo:
    return ctx.backend.global_library.open_global_library(Path(d.path), read_only=d.read_only)


def _create(ctx: OperationContext, d: CreateLibraryInput) -> GlobalLibraryInfo:
    check_library_name(d.name, "name")  # before it becomes part of a path (a NUL made resolve() raise)
    directory = Path(d.directory) if d.directory else ctx.paths.roots[0]
    for project in ctx.backend.open_projects():
        # The project owns its folder (its save rewrites what it keeps there): a library lives beside it.
        if (directory / d.name).resolve().is_relative_to(Path(project.path).parent.resolve()):
            raise e.ValidationError(f"A global library cannot be created inside the folder of the open project "
                                    f"'{project.name}'; choose another directory.", code=codes.LIBRARY_TARGET,
                                    details={"field": "directory"})
    return ctx.backend.global_library.create_global_library(directory, d.name, author=d.author, comment=d.comment)


def _info(ctx: OperationContext, name: str) -> GlobalLibraryInfo:
    return next(lib for lib in ctx.backend.global_library.list_global_libraries() if lib.is_open and lib.name == name)


def _preview_close(ctx: OperationContext, d: CloseLibraryInput) -> Preview:
    name = library_name(ctx, d.library_name)
    ctx.backend.library.library_info(library=name)  # 404 LIBRARY_NOT_FOUND as the call
    info = _info(ctx, name)
    changes = [PlannedChange(action="close", kind="globalLibrary", name=name, detail=info.path)]
    if info.has_unsaved_changes:
        if not d.discard_changes:
            raise e.ConflictError(f"The global library '{name}' has unsaved changes that closing would lose: save it "
                                  "first, or send discardChanges: true.", code=codes.UNSAVED_CHANGES)
        changes.append(PlannedChange(action="discard", kind="globalLibrary", name=name,
                                     detail="unsaved changes since the last save are lost"))
    return plan(f"Would close the global library '{name}'.", changes)


def _on(op: Any) -> Any:
    """A handler or preview of the project library's shape, run on the named (or the one open) global library."""
    return lambda ctx, d: op(ctx, d, library_name(ctx, d.library_name))


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    read("libraries.global.list", SECTION, "List all global libraries available on the system.", BASE,
         lambda ctx, d: ctx.backend.global_library.list_global_libraries(), None, list[GlobalLibraryInfo],
         errors=(e.PortalUnavailableError,),
         description="The libraries open in the attached portal, then those opened before (isOpen false)."),
    Operation(
        name="libraries.global.create", summary="Create a new global library.", section=SECTION, handler=_create,
        input=CreateLibraryInput, output=GlobalLibraryInfo, route=RouteSpec("POST", BASE),
        files={"directory": FileRule()}, errors=_ERRORS,
        example={"name": "Motors", "directory": "libraries", "author": "pipeline"},
        description="Writes directory/name/name.alNN (NN: the portal's TIA version) and opens it read-write.",
    ),
    Operation(
        name="libraries.global.open", summary="Open an existing global library.", section=SECTION, handler=_open,
        input=OpenLibraryInput, output=GlobalLibraryInfo, route=RouteSpec("POST", f"{BASE}/actions/open"),
        files={"path": FileRule(extensions=LIBRARY_FILES, must_exist=True, allow_directory=False, inline=False)},
        errors=_ERRORS, example={"path": "libraries/Motors/Motors.al19", "readOnly": False},
        description="Read-only unless readOnly is false (then exclusive: 423 LIBRARY_LOCKED while another portal has "
                    "it open). Another TIA version's file: 422 LIBRARY_VERSION_MISMATCH.",
    ),
    Operation(
        name="libraries.global.close", summary="Close the currently open global library.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.global_library.close_global_library(library_name(ctx, d.library_name),
                                                                        discard_changes=d.discard_changes),
        input=CloseLibraryInput, output=GlobalLibraryInfo, route=RouteSpec("POST", f"{BASE}/actions/close"),
        errors=_ERRORS, destructive=True, preview=_preview_close, example={"libraryName": "Motors"},
        description="Unsaved changes would be lost: 409 UNSAVED_CHANGES unless discardChanges is true.",
    ),
    Operation(
        name="libraries.global.save", summary="Save the currently open global library.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.global_library.save_global_library(library_name(ctx, d.library_name)),
        input=LibrarySelector, output=GlobalLibraryInfo, route=RouteSpec("POST", f"{BASE}/actions/save"),
        errors=_ERRORS, example={"libraryName": "Motors"},
        description="A library open read-only has nothing to save: 409 LIBRARY_READ_ONLY.",
    ),
    Operation(
        name="libraries.global.archive", summary="Archive the currently open global library.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.global_library.archive_global_library(
            library_name(ctx, d.library_name), Path(d.archive_path), save_first=d.save_first),
        input=ArchiveLibraryInput, output=GlobalLibraryArchive, route=RouteSpec("POST", f"{BASE}/actions/archive"),
        files={"archive_path": FileRule(extensions=LIBRARY_ARCHIVES, allow_directory=False)}, errors=_ERRORS,
        example={"libraryName": "Motors", "archivePath": "archives/Motors.zal19", "saveFirst": True},
        description="A zip of the saved library (.zalNN); unsaved changes: 409 UNSAVED_CHANGES unless saveFirst.",
    ),
    read("libraries.global.tree", SECTION, "Get the full tree structure of the global library.", f"{BASE}/tree",
         lambda ctx, d: ctx.backend.library.library_tree(library=library_name(ctx, d.library_name)), LibrarySelector,
         LibraryTreeNode, errors=_READ_ERRORS),
    read("libraries.global.master-copies.list", SECTION, "List all master copies in the global library.",
         f"{BASE}/master-copies",
         lambda ctx, d: ctx.backend.library.list_master_copies(library=library_name(ctx, d.library_name)),
         LibrarySelector, list[MasterCopyInfo], errors=_READ_ERRORS),
    Operation(
        name="libraries.global.master-copies.create", summary="Create a new master copy in the global library.",
        section=SECTION,
        handler=lambda ctx, d: ctx.backend.library.create_master_copy(
            d.device_name, d.object_name, name=d.name, folder=d.folder, library=library_name(ctx, d.library_name)),
        input=GlobalCreateMasterCopyInput, output=MasterCopyInfo, route=RouteSpec("POST", f"{BASE}/master-copies"),
        errors=_ERRORS, example={"libraryName": "Motors", "deviceName": "PLC_1", "objectName": "FB_Motor"},
        description="From a block, PLC data type or tag table of the open project (objectName), or a whole device.",
    ),
    Operation(
        name="libraries.global.master-copies.delete", summary="Delete a master copy from the global library.",
        section=SECTION,
        handler=lambda ctx, d: ctx.backend.library.delete_master_copy(d.mc_path,
                                                                      library=library_name(ctx, d.library_name)),
        input=GlobalMasterCopyRef, output=MasterCopyInfo, route=RouteSpec("DELETE", f"{BASE}/master-copies"),
        errors=_ERRORS, destructive=True, preview=_on(preview_delete_master_copy),
        example={"mcPath": "Drives/FB_Motor", "libraryName": "Motors"},
        description="mcPath (query): Folder/Name, or a name found in one folder only (409 AMBIGUOUS_MASTER_COPY).",
    ),
    Operation(
        name="libraries.global.master-copies.instantiate",
        summary="Instantiate a master copy from the global library into the project.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.library.instantiate_master_copy(
            d.master_copy, d.device_name, new_name=d.new_name, library=library_name(ctx, d.library_name)),
        input=GlobalInstantiateMasterCopyInput, output=MasterCopyInstantiation,
        route=RouteSpec("POST", f"{BASE}/master-copies/actions/instantiate"), errors=_ERRORS,
        example={"libraryName": "Motors", "masterCopy": "Drives/FB_Motor", "deviceName": "PLC_1"},
    ),
    Operation(
        name="libraries.global.master-copies.folders.create",
        summary="Create a folder in the global library master copies.", section=SECTION,
        handler=lambda ctx, d: {"folderPath": ctx.backend.library.create_master_copy_folder(
            d.folder_path, library=library_name(ctx, d.library_name))},
        input=GlobalFolderInput, output=dict[str, str], route=RouteSpec("POST", f"{BASE}/master-copies/folders"),
        errors=_ERRORS, example={"libraryName": "Motors", "folderPath": "Drives/Pumps"},
    ),
    read("libraries.global.types.list", SECTION, "List all types in the global library.", f"{BASE}/types",
         lambda ctx, d: ctx.backend.library_types.list_library_types(library=library_name(ctx, d.library_name)),
         LibrarySelector, list[LibraryTypeInfo], errors=_READ_ERRORS),
    Operation(
        name="libraries.global.types.instantiate",
        summary="Instantiate a type from the global library into the project.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.library_types.instantiate_library_type(
            d.type_name, d.device_name, version_number=d.version_number, library=library_name(ctx, d.library_name)),
        input=GlobalInstantiateTypeInput, output=TypeInstantiation,
        route=RouteSpec("POST", f"{BASE}/types/actions/instantiate"), errors=_ERRORS, destructive=True,
        preview=_on(preview_instantiate_type),
        example={"libraryName": "Motors", "typeName": "FB_Motor", "deviceName": "PLC_1"},
        description="Copies the version (default: the library's default) and the types it uses into the project "
                    "library, then instantiates it with its dependencies; an instance already there moves to it.",
    ),
    Operation(
        name="libraries.global.types.delete", summary="Delete a type from the global library.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.library_types.delete_library_type(d.type_name,
                                                                       library=library_name(ctx, d.library_name)),
        input=GlobalTypeRef, output=LibraryTypeInfo, route=RouteSpec("DELETE", f"{BASE}/types/{{typeName}}"),
        errors=_ERRORS, destructive=True, preview=_on(preview_delete_type),
        description="Refused while another type of the library uses it (409 TYPE_IS_DEPENDENCY).",
    ),
    Operation(
        name="libraries.global.types.update", summary="Copy project library types into the global library.",
        section=SECTION,
        handler=lambda ctx, d: {"copied": ctx.backend.global_library.update_global_library(
            library_name(ctx, d.library_name), d.type_names)},
        input=UpdateLibraryInput, output=dict[str, list[str]], route=RouteSpec("POST", f"{BASE}/types/actions/update"),
        errors=_ERRORS, example={"libraryName": "Motors", "typeNames": ["FB_Motor"]},
        description="TIA's \"update library\" (Openness LibraryType.UpdateLibrary): the released versions of the "
                    "types, with the types they use; a version number the library holds with other content: 409 "
                    "TYPE_VERSION_CONFLICT. Not a reference route: types are made in the project library.",
    ),
)
