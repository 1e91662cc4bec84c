"""Data Types (UDT) operations.

A UDT is created from a members list (the block-spec member format: ``name``, ``dataType``,
``startValue``, ``comment``, nested ``members``), a full JSON block spec, inline SimaticML or a SimaticML
file; it is generated for the open project's version and imported. Updating replaces the members and
keeps the name; users of the UDT become inconsistent until they are compiled again, and the answer
lists them. Recursion (a UDT containing itself, directly or through other UDTs) is refused with 422.

``DELETE /api/devices/{deviceName}/udts/folders/{folderPath}``: the generated routes take ``{folderPath:str}``
(one path segment), and ASGI servers decode ``%2F`` to ``/`` before routing, so ``Motors%2FPumps`` cannot
reach the handler (404). A nested folder is sent as ``Motors%5CPumps`` (backslash separators) or as
``Pumps?parentPath=Motors``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

from engineering_api.backend import errors as e
from engineering_api.backend.areas.types import (
    TypeDeleteResult,
    TypeDetails,
    TypeInfo,
    TypeTreeNode,
)
from engineering_api.domain.blockgen import document_object, import_preview, spec_failure, target_for
from engineering_api.domain.udt_import import UdtImportResult, UdtUpdateResult, import_udt, update_udt
from engineering_api.domain.common import (
    NEEDS_PLC,
    XML,
    DeviceRef,
    ExportedFile,
    FileImportInput,
    FolderRef,
    folder_paths,
)
from engineering_api.errors import codes
from engineering_api.jobs.operations import FileRule, Operation, OperationContext, RouteSpec, SnapshotTarget, read
from engineering_api.jobs.preview import PlannedChange, Preview, file_change, names, plan, plural
from engineering_api.lib.paths import safe_file_stem
from engineering_api.lib.schema import CamelStruct
from simatic_xml import SimaticMLError
from simatic_xml.generate import generate_xml, parse_spec

__all__ = ("OPERATIONS", "SECTION")

SECTION = "Data Types (UDT)"
BASE = "/api/devices/{deviceName}/udts"
_MEMBER_KEYS = {
    "name": "name", "datatype": "dataType", "type": "dataType", "startvalue": "startValue",
    "defaultvalue": "startValue", "comment": "comment", "members": "members", "retain": "retain",
    "accessiblefromhmi": "accessibleFromHmi", "visibleinhmi": "visibleInHmi", "writablefromhmi": "writableFromHmi",
    "setpoint": "setpoint",
}


class UdtRef(DeviceRef):
    """A UDT of a PLC."""

    udt_name: str


class CreateUdtInput(DeviceRef):
    """A new UDT: ``name`` + ``members`` (block-spec member format), or a full ``spec``, or inline ``xml``."""

    name: str | None = None
    """Name of the new UDT (taken from spec or xml when they name it)."""
    members: list[dict[str, Any]] | None = None
    """The UDT's members in the block spec's member form (name, dataType, optional startValue and comment)."""
    comment: str | dict[str, str] | None = None
    title: str | dict[str, str] | None = None
    spec: dict[str, Any] | None = None
    """The whole UDT as a block spec (name, members, comment...), instead of name and members."""
    xml: str | None = None
    """The UDT's SimaticML document, instead of name and members or spec."""
    folder_path: str = ""
    overwrite: bool = False


class UpdateUdtInput(UdtRef):
    """New members (or a full spec, or inline XML) for an existing UDT; the name stays."""

    members: list[dict[str, Any]] | None = None
    """The UDT's new members in the block spec's member form (name, dataType, optional startValue and comment)."""
    comment: str | dict[str, str] | None = None
    title: str | dict[str, str] | None = None
    spec: dict[str, Any] | None = None
    """The whole UDT as a block spec, instead of members."""
    xml: str | None = None
    """The UDT's SimaticML document, instead of members or spec."""


class DeleteUdtInput(UdtRef):
    """A UDT to delete; ``force`` deletes it even while blocks or UDTs use it."""

    force: bool = False
    """Delete the UDT even while blocks or other UDTs use it (they are reported as orphans)."""


class ExportUdtInput(UdtRef):
    """Where to write the UDT's SimaticML (a file, or a folder to write ``<name>.xml`` into)."""

    export_path: str
    overwrite: bool = False


class ImportUdtInput(FileImportInput):
    """A SimaticML file with a PLC data type, optionally into a folder."""


class FolderInput(FolderRef):
    """A folder path below "PLC data types" (``a/b`` creates both)."""


class DeleteFolderInput(FolderRef):
    """A folder to delete with everything in it.

    A nested folder is named with ``\\`` as separator (URL ``Motors%5CPumps``), or by its last part with
    ``parentPath`` in the query (``Pumps?parentPath=Motors``). ``%2F`` cannot be used: the server decodes
    it to ``/`` before routing, so such a request is answered 404 ROUTE_NOT_FOUND.
    """

    parent_path: str = ""
    force: bool = False
    """Delete the folder even while blocks or UDTs outside it use its UDTs (they are reported as orphans)."""


class UdtExportResult(ExportedFile):
    """Where the UDT was written."""


class UdtFolderResult(CamelStruct):
    """The folder created."""

    folder_path: str


def _normalise_member(raw: Any, path: str) -> Any:
    if not isinstance(raw, dict):
        raise e.ValidationError(f"{path}: a member must be an object", code=codes.INVALID_SPEC, details={"field": path})
    out: dict[str, Any] = {}
    for key, value in raw.items():
        canon = _MEMBER_KEYS.get(str(key).replace("_", "").lower(), str(key))
        if canon == "members" and isinstance(value, list):
            value = [_normalise_member(m, f"{path}.members[{i}]") for i, m in enumerate(value)]
        out[canon] = value
    return out


def _document(ctx: OperationContext, data: CreateUdtInput | UpdateUdtInput, name: str | None) -> tuple[bytes, str]:
    """SimaticML for the request, and a source label for messages."""
    given = [x for x in (data.members, data.spec, data.xml) if x is not None]
    if len(given) != 1:
        raise e.ValidationError("Send exactly one of 'members', 'spec' and 'xml'.", code=codes.VALIDATION_FAILED)
    if data.xml is not None:
        return data.xml.encode("utf-8"), "xml"
    if data.spec is not None:
        spec = dict(data.spec)
        spec.setdefault("blockType", "UDT")
        if name is not None:
            spec.setdefault("name", name)
    else:
        if not name:
            raise e.ValidationError("'name' is required with 'members'.", code=codes.VALIDATION_FAILED,
                                    details={"field": "name"})
        spec = {"blockType": "UDT", "name": name,
                "interface": {
                    "None": [_normalise_member(m, f"members[{i}]") for i, m in enumerate(data.members or [])]}}
        for key in ("comment", "title"):
            if getattr(data, key) is not None:
                spec[key] = getattr(data, key)
    if str(spec.get("blockType", "")).upper() not in ("UDT", "PLCSTRUCT"):
        raise e.ValidationError("spec.blockType must be UDT.", code=codes.NOT_A_UDT, details={"field": "blockType"})
    try:
        parsed = parse_spec(spec)
        xml = generate_xml(parsed, target_for(ctx, None))
    except SimaticMLError as exc:
        failure = spec_failure(exc)
        if "recursive" in failure.message:
            failure = e.ValidationError(failure.message, code=codes.RECURSIVE_TYPE, details=failure.details)
        raise failure from None
    return xml, parsed.name


def _create(ctx: OperationContext, d: CreateUdtInput) -> UdtImportResult:
    xml, source = _document(ctx, d, d.name)
    return import_udt(ctx, d.device_name, xml, folder=d.folder_path, overwrite=d.overwrite, source=source)


def _update(ctx: OperationContext, d: UpdateUdtInput) -> UdtUpdateResult:
    xml, source = _document(ctx, d, d.udt_name)
    return update_udt(ctx, d.device_name, d.udt_name, xml, source=source)


def _export_target(d: ExportUdtInput, file_name: Any) -> Path:
    """The file an export writes: ``exportPath``, or ``file_name(udtName)`` inside it when it names a folder.

    Raises:
        ValidationError: PATH_REJECTED for a file not ending in .xml.
        AlreadyExistsError: FILE_EXISTS for an existing file without ``overwrite``.
    """
    target = Path(d.export_path)
    if target.is_dir() or d.export_path.endswith(("/", "\\")):
        target = target / file_name(d.udt_name)
    if target.suffix.lower() != ".xml":
        raise e.ValidationError("The export file must end in .xml.", code=codes.PATH_REJECTED,
                                details={"field": "exportPath"})
    if target.exists() and not d.overwrite:
        raise e.AlreadyExistsError(
            f"The file '{target.name}' already exists; TIA does not overwrite (send overwrite=true).",
            code=codes.FILE_EXISTS
        )
    return target


def _import_file(d: ImportUdtInput) -> Path:
    """The SimaticML file an import reads; PATH_REJECTED (ValidationError) for a folder."""
    path = Path(d.import_file_path)
    if path.is_dir():
        raise e.ValidationError("importFilePath names a folder; send a SimaticML file.", code=codes.PATH_REJECTED)
    return path


def _write(ctx: OperationContext, d: ExportUdtInput, file_name: Any) -> UdtExportResult:
    xml = ctx.backend.types.export_type(d.device_name, d.udt_name)
    target = _export_target(d, file_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(xml)
    return UdtExportResult(name=d.udt_name, export_path=str(target), size=len(xml))


def _import(ctx: OperationContext, d: ImportUdtInput) -> UdtImportResult:
    path = _import_file(d)
    return import_udt(ctx, d.device_name, path.read_bytes(), folder=d.folder_path, overwrite=d.overwrite,
                      source=path.name)


def _delete(ctx: OperationContext, d: DeleteUdtInput) -> TypeDeleteResult:
    return ctx.backend.types.delete_type(d.device_name, d.udt_name, force=d.force)


def _add_folder(ctx: OperationContext, d: FolderInput) -> UdtFolderResult:
    return UdtFolderResult(folder_path=ctx.backend.types.add_type_folder(d.device_name, d.folder_path))


def _delete_folder(ctx: OperationContext, d: DeleteFolderInput) -> TypeDeleteResult:
    return ctx.backend.types.delete_type_folder(d.device_name, _folder_path(d), force=d.force)


def _folder_path(d: DeleteFolderInput) -> str:
    path = unquote(d.folder_path).replace("\\", "/").strip("/")
    if d.parent_path.strip("/\\"):
        path = d.parent_path.replace("\\", "/").strip("/") + "/" + path
    return path


def _udt_target(d: Any) -> list[SnapshotTarget]:
    return [SnapshotTarget(d.device_name, "udt", d.udt_name)]


def _name_in_xml(data: bytes) -> str | None:
    try:
        from simatic_xml import parse_bytes

        return parse_bytes(data).object.name or None
    except Exception:  # the import itself reports a bad document
        return None


def _created_target(d: CreateUdtInput) -> list[SnapshotTarget]:
    name = d.name or (d.spec or {}).get("name") or (_name_in_xml(d.xml.encode("utf-8")) if d.xml else None)
    return [SnapshotTarget(d.device_name, "udt", str(name))] if name else []


def _imported_target(d: ImportUdtInput) -> list[SnapshotTarget]:
    # The path is already confined to the roots when snapshot targets are computed.
    try:
        name = _name_in_xml(Path(d.import_file_path).read_bytes())
    except OSError:
        name = None
    return [SnapshotTarget(d.device_name, "udt", name)] if name else []


# ----- previews ----------------------------------------------------------------------------------
def _orphans(users: list[str], force: bool, message: str) -> list[str]:
    """Users a delete would leave with a missing type: refused without ``force`` (as the call), else a warning."""
    if users and not force:
        raise e.ConflictError(message, code=codes.TYPE_IN_USE, details={"usedBy": users})
    return [f"{names(users)} would lose their type and stay inconsistent until it exists again."] if users else []


def _preview_delete(ctx: OperationContext, d: DeleteUdtInput) -> Preview:
    udt = ctx.backend.types.get_type(d.device_name, d.udt_name)
    users = [u.name for u in udt.used_by]
    warnings = _orphans(users, d.force, f"The PLC data type '{d.udt_name}' is used by {', '.join(users)}; delete "
                                        "those first or pass force=true.")
    change = PlannedChange(action="delete", kind="udt", name=udt.name, device=d.device_name,
                           detail=plural(udt.member_count, "member") + (f" in '{udt.folder}'" if udt.folder else ""))
    return plan(f"Would delete the PLC data type '{udt.name}' from {d.device_name}.", [change], warnings)


def _preview_delete_folder(ctx: OperationContext, d: DeleteFolderInput) -> Preview:
    path = _folder_path(d)
    folders = folder_paths(ctx.backend.types.type_tree(d.device_name))
    if path not in folders:
        raise e.NotFoundError(f"The folder '{path}' was not found.", code=codes.FOLDER_NOT_FOUND)
    inside = [t for t in ctx.backend.types.list_types(d.device_name) if t.folder == path
              or t.folder.startswith(path + "/")]
    inside_names = {t.name for t in inside}
    outside = sorted({u.name for t in inside for u in ctx.backend.types.get_type(d.device_name, t.name).used_by
                      if u.name not in inside_names})
    warnings = _orphans(outside, d.force, f"UDTs in '{path}' are used by {', '.join(outside)}; pass force=true to "
                                          "delete them anyway.")
    changes = [PlannedChange(action="delete", kind="folder", name=f, device=d.device_name)
               for f in [path, *(f for f in folders if f.startswith(path + "/"))]]
    changes += [PlannedChange(action="delete", kind="udt", name=t.name, device=d.device_name, detail=f"in '{t.folder}'")
                for t in inside]
    what = f" with {plural(len(inside), 'PLC data type')} ({names(t.name for t in inside)})" if inside else " (empty)"
    return plan(f"Would delete the PLC data type folder '{path}'{what} from {d.device_name}.", changes, warnings)


def _udt_import_preview(ctx: OperationContext, device: str, source: str, data: bytes, overwrite: bool) -> Preview:
    """An import of one UDT document: refused like the call when it is not a UDT; users of a replaced UDT listed."""
    name, kind = document_object(source, data)
    if kind != "UDT":
        raise e.ValidationError(f"{source} holds a {kind}, not a PLC data type.", code=codes.NOT_A_UDT)
    preview = import_preview(ctx, device, [(source, data)], overwrite=overwrite)
    if any(c.action == "overwrite" for c in preview.changes):
        users = [u.name for u in ctx.backend.types.get_type(device, name).used_by]
        if users:
            preview.warnings.append(f"Users of '{name}' ({names(users)}) become inconsistent until they are compiled.")
    return preview


def _preview_create(ctx: OperationContext, d: CreateUdtInput) -> Preview:
    xml, source = _document(ctx, d, d.name)
    return _udt_import_preview(ctx, d.device_name, source, xml, d.overwrite)


def _preview_import(ctx: OperationContext, d: ImportUdtInput) -> Preview:
    path = _import_file(d)
    return _udt_import_preview(ctx, d.device_name, path.name, path.read_bytes(), d.overwrite)


def _preview_export(ctx: OperationContext, d: ExportUdtInput) -> Preview:
    ctx.backend.types.get_type(d.device_name, d.udt_name)
    target = _export_target(d, _file_name)
    change, what = file_change(target, d.overwrite)
    return plan(f"Would export the PLC data type '{d.udt_name}' of {d.device_name} and {what}.",
                [change] if change else [])


_MEMBERS_EXAMPLE = {
    "name": "UDT_Motor",
    "comment": "Motor data",
    "members": [
        {"name": "Speed", "dataType": "Real", "startValue": 0.0, "comment": "rpm"},
        {"name": "Running", "dataType": "Bool"},
        {"name": "Limits", "dataType": "\"UDT_Limits\""},
    ],
}

def _export(name: str, summary: str, path: str, example: dict[str, Any]) -> Operation[ExportUdtInput, UdtExportResult]:
    """An export of one UDT to a file; the UDT is named in the body or in the path."""
    return Operation(
        name=name, summary=summary, section=SECTION,
        handler=lambda ctx, d: _write(ctx, d, _file_name), input=ExportUdtInput, output=UdtExportResult,
        route=RouteSpec("POST", path), files={"export_path": FileRule(writes=True)},
        errors=(*NEEDS_PLC, e.AlreadyExistsError), example=example, destructive=True, preview=_preview_export,
    )


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    read("udts.list", SECTION, "List all User Defined Types in the device.", BASE,
         lambda ctx, d: ctx.backend.types.list_types(d.device_name), DeviceRef, list[TypeInfo], errors=NEEDS_PLC),
    read("udts.tree", SECTION, "Get the UDT folder tree structure including nested folders.", f"{BASE}/tree",
         lambda ctx, d: ctx.backend.types.type_tree(d.device_name), DeviceRef, TypeTreeNode, errors=NEEDS_PLC),
    read("udts.get", SECTION, "Get the full details of a specific UDT including all its members.",
         f"{BASE}/{{udtName}}", lambda ctx, d: ctx.backend.types.get_type(d.device_name, d.udt_name), UdtRef,
         TypeDetails, errors=NEEDS_PLC),
    Operation(
        name="udts.create", summary="Create a new User Defined Type with the specified members.", section=SECTION,
        handler=_create, input=CreateUdtInput, output=UdtImportResult,
        route=RouteSpec("POST", BASE), async_route=RouteSpec("POST", f"{BASE}/async"),
        errors=(*NEEDS_PLC, e.AlreadyExistsError), snapshot_targets=_created_target, example=_MEMBERS_EXAMPLE,
        description="Send name + members, a full UDT block spec ('spec'), or inline SimaticML ('xml'). "
                    "A UDT that contains itself, directly or through other UDTs, is refused (422 RECURSIVE_TYPE; "
                    "an 'xml' document that names itself: 422 IMPORT_REFUSED, the finding at its line in "
                    "details.files). The answer's diagnostics are the check's errors of the document.",
        destructive=True, preview=_preview_create,
    ),
    Operation(
        name="udts.update", summary="Update an existing UDT by replacing its member definitions.", section=SECTION,
        handler=_update, input=UpdateUdtInput, output=UdtUpdateResult,
        route=RouteSpec("PUT", f"{BASE}/{{udtName}}"), async_route=RouteSpec("PUT", f"{BASE}/{{udtName}}/async"),
        errors=NEEDS_PLC, snapshot_targets=_udt_target,
        example={"members": _MEMBERS_EXAMPLE["members"]},
        description="The UDT keeps its name. Blocks and UDTs using it become inconsistent until they are "
                    "compiled; they are listed in affectedUsers. The document is judged as udts.create judges it "
                    "(422 IMPORT_REFUSED with the findings in details.files; the check's errors in diagnostics).",
    ),
    Operation(
        name="udts.delete", summary="Delete a User Defined Type from the device.", section=SECTION,
        handler=_delete, input=DeleteUdtInput, output=TypeDeleteResult,
        route=RouteSpec("DELETE", f"{BASE}/{{udtName}}"), errors=(*NEEDS_PLC, e.ConflictError),
        snapshot_targets=_udt_target,
        description="409 TYPE_IN_USE while blocks or UDTs use it, unless force=true.",
        destructive=True, preview=_preview_delete,
    ),
    _export("udts.export", "Export a UDT to an XML file on disk.", f"{BASE}/actions/export",
            {"udtName": "UDT_Motor", "exportPath": "export/UDT_Motor.xml"}),
    _export("udts.export-one", "Export a specific UDT to a file on disk.", f"{BASE}/{{udtName}}/actions/export",
            {"exportPath": "export/UDT_Motor.xml", "overwrite": False}),
    Operation(
        name="udts.import", summary="Import a UDT from a file.", section=SECTION,
        handler=_import, input=ImportUdtInput, output=UdtImportResult,
        route=RouteSpec("POST", f"{BASE}/actions/import"),
        async_route=RouteSpec("POST", f"{BASE}/actions/import/async"),
        files={"import_file_path": FileRule(extensions=XML, must_exist=True, allow_directory=False)},
        errors=(*NEEDS_PLC, e.AlreadyExistsError), example={"importFilePath": "export/UDT_Motor.xml"},
        snapshot_targets=_imported_target,
        destructive=True, preview=_preview_import,
    ),
    Operation(
        name="udts.folders.create", summary="Create a UDT folder.", section=SECTION,
        handler=_add_folder, input=FolderInput, output=UdtFolderResult,
        route=RouteSpec("POST", f"{BASE}/folders"), errors=(*NEEDS_PLC, e.AlreadyExistsError),
        example={"folderPath": "Motors/Pumps"},
    ),
    Operation(
        name="udts.folders.delete", summary="Delete a UDT folder.", section=SECTION,
        handler=_delete_folder, input=DeleteFolderInput, output=TypeDeleteResult,
        route=RouteSpec("DELETE", f"{BASE}/folders/{{folderPath}}"), errors=(*NEEDS_PLC, e.ConflictError),
        description="Deletes the folder, its subfolders and the UDTs in them. Name a nested folder with backslashes "
                    "(Motors%5CPumps) or with ?parentPath=Motors; %2F is decoded to / before routing and cannot be "
                    "used. 409 TYPE_IN_USE when a UDT inside is used outside, unless force=true.",
        destructive=True, preview=_preview_delete_folder,
    ),
)


def _file_name(name: str) -> str:
    return safe_file_stem(name, escape=True) + ".xml"
