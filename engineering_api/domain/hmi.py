"""HMI operations: screens, HMI tags and connections of classic (WinCC Comfort/Advanced/Basic) panels.

T-IA Connect's client lists them (``GET …/hmi/screens|tags|connections``) and exports and imports them as
SimaticML (``POST …/hmi/screens/{s}/actions/export {exportPath}``, ``…/hmi/screens/actions/import
{importFilePath}``, the same for tags and connections). The reference's tree and details routes are in
:mod:`engineering_api.domain.hmi_tree`. One object per file, as Openness exports it: the
tag export writes one tag table (``tagTableName``) or, without it, every table; the connection export one
connection (``connectionName``) or every one.

TIA's rules: a device that is not an HMI panel is 422 ``NOT_AN_HMI``. A WinCC Unified panel answers from its object
model (:mod:`engineering_api.domain.hmi_unified`): its exports and imports are the Unified exchange document
(``.json``), not SimaticML. An import refuses malformed or hostile XML and
a document of another kind (422 ``INVALID_SIMATICML``), a screen not of the panel's size or with a number
another screen has (422 ``SCREEN_SIZE_MISMATCH``, ``SCREEN_NUMBER_NOT_UNIQUE``), a tag whose connection the
device lacks (422 ``CONNECTION_NOT_FOUND``) or whose name another table has (409 ``TAG_EXISTS``). An object of
the same name is replaced only with ``overwrite: true`` (TIA's ``ImportOptions.Override``; without it TIA
refuses, so we answer 409 ``SCREEN_EXISTS``/``TAG_TABLE_EXISTS``/``CONNECTION_EXISTS`` and change nothing);
an overwriting import is destructive and previews with ``dryRun``. Export paths are confined file paths,
an existing file is replaced only with ``overwrite``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas.hmi import (
    DEFAULT_TAG_TABLE,
    HmiConnectionInfo,
    HmiExport,
    HmiScreenInfo,
    HmiTagInfo,
    HmiTagTableInfo,
)
from engineering_api.errors import codes
from engineering_api.lib.paths import safe_file_stem
from engineering_api.domain.common import ExportedFile
from engineering_api.domain.hmi_compile import OPERATIONS as COMPILE_OPERATIONS
from engineering_api.domain.hmi_resources import OPERATIONS as RESOURCE_OPERATIONS
from engineering_api.domain.hmi_tree import OPERATIONS as TREE_OPERATIONS
from engineering_api.domain.hmi_tree import (
    NEEDS_HMI,
    HMI,
    SECTION,
    HmiDeviceRef,
    ScreenRef,
    list_screens,
    list_tag_tables,
    panel_read,
)
from engineering_api.domain.hmi_unified import import_part, preview_part, unified_export
from engineering_api.domain.hmi_unified_view import connections as unified_connections
from engineering_api.domain.hmi_unified_view import panel_kind, unified_or
from engineering_api.domain.hmi_values import OPERATIONS as VALUE_OPERATIONS
from engineering_api.jobs.operations import FileRule, Operation, OperationContext, RouteSpec
from engineering_api.jobs.preview import PlannedChange, Preview, file_change, plan, plural
from engineering_api.lib.schema import CamelStruct
from engineering_api.rules.hmi_resources import check_faceplates, faceplate_references

__all__ = ("OPERATIONS", "SECTION")

XML = (".xml", ".json")
"""SimaticML for classic panels, the Unified exchange document for Unified ones."""
_IMPORT_FILE = {"import_file_path": FileRule(extensions=XML, must_exist=True, allow_directory=False)}
_EXPORT_FILE = {"export_path": FileRule(writes=True)}


class ExportScreenInput(ScreenRef, kw_only=True):
    """Where to write a screen's SimaticML (a file, or a folder to write ``<screen>.xml`` into)."""

    export_path: str
    overwrite: bool = False


class ExportTagsInput(HmiDeviceRef, kw_only=True):
    """Where to write a tag table's SimaticML; without ``tagTableName`` every tag table is exported (T-IA Connect's
    client sends none and means the device's HMI tags)."""

    export_path: str
    tag_table_name: str | None = None
    overwrite: bool = False


class ExportConnectionInput(HmiDeviceRef, kw_only=True):
    """Where to write a connection's SimaticML; without ``connectionName`` every connection is exported."""

    export_path: str
    connection_name: str | None = None
    overwrite: bool = False


class ImportInput(HmiDeviceRef, kw_only=True):
    """A SimaticML file inside the roots; ``overwrite`` replaces an object of the same name; ``folderPath`` (screens
    and tag tables of a classic panel) puts it in that user folder."""

    import_file_path: str
    overwrite: bool = False
    folder_path: str = ""


class HmiExportedFile(ExportedFile):
    """One file an export wrote."""


class HmiExportResult(CamelStruct):
    """Where an export wrote: one object's file, or for several objects the folder holding one file each."""

    name: str
    """The object's name; for several, their names joined with ', '."""
    export_path: str
    size: int
    files: list[HmiExportedFile]
    """Each file written (one per object, as Openness exports them)."""


def _suffix(export: HmiExport) -> str:
    """``.json`` for a Unified exchange document (it is a JSON object), ``.xml`` for SimaticML."""
    return ".json" if export.data.lstrip()[:1] == b"{" else ".xml"


def _targets(exports: list[HmiExport], path: str, overwrite: bool) -> list[Path]:
    """One file per object: ``path`` itself for one object; for several, ``<name>.xml`` each in ``path`` when it is
    a folder, else in the folder named after the file (``hmi_tags.xml`` → ``hmi_tags/``).

    Raises:
        AlreadyExistsError: ``FILE_EXISTS`` for the first file that exists (checked before any is written).
        ValidationError: ``PATH_REJECTED``.
    """
    if len(exports) == 1:
        return [_target(path, exports[0].name, overwrite, suffix=_suffix(exports[0]))]
    folder = Path(path) if Path(path).is_dir() else Path(path).with_suffix("")
    return [_target(str(folder / f"{safe_file_stem(x.name)}{_suffix(x)}"), x.name, overwrite, suffix=_suffix(x))
            for x in exports]


def _write(exports: list[HmiExport], path: str, overwrite: bool) -> HmiExportResult:
    targets = _targets(exports, path, overwrite)  # all checked before any is written
    files = []
    for export, target in zip(exports, targets, strict=True):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(export.data)
        files.append(HmiExportedFile(name=export.name, export_path=str(target), size=len(export.data)))
    where = files[0].export_path if len(files) == 1 else str(targets[0].parent)
    return HmiExportResult(name=", ".join(f.name for f in files), export_path=where,
                           size=sum(f.size for f in files), files=files)


def _target(path: str, name: str, overwrite: bool, *, suffix: str = ".xml") -> Path:
    """The export file (``<name>.xml``, or ``.json`` for a Unified panel, inside a folder); nothing is created.

    Raises:
        AlreadyExistsError: ``FILE_EXISTS``.
        ValidationError: ``PATH_REJECTED`` (not the suffix).
    """
    from engineering_api.domain.blocks.support import export_target

    target = export_target(path, name, suffix, overwrite)
    if target.suffix.lower() != suffix:
        raise e.ValidationError(f"The export file must end in {suffix}.", code=codes.PATH_REJECTED,
                                details={"field": "exportPath"})
    return target


def _connection_names(ctx: OperationContext, d: ExportConnectionInput) -> list[str]:
    """The connections to export: the one named, or all of the device's.

    Raises:
        NotFoundError: ``CONNECTION_NOT_FOUND`` (the device has none).
    """
    if d.connection_name:
        return [d.connection_name]
    names = [c.name for c in _connections(ctx, d.device_name)]
    if not names:
        raise e.NotFoundError(f"The device '{d.device_name}' has no connections to export.",
                              code=codes.CONNECTION_NOT_FOUND)
    return names


def _tags(ctx: OperationContext, d: HmiDeviceRef) -> list[HmiTagInfo]:
    return [tag for table in list_tag_tables(ctx, d.device_name) for tag in table.tags]


def _folder(d: ImportInput, part: str) -> str:
    """The user folder an import goes into (screens and tag tables only).

    Raises:
        ValidationError: ``INVALID_FOLDER`` (a malformed path, or a folder for a connection).
    """
    if d.folder_path.strip() and part == "connections":
        raise e.ValidationError("Connections have no user folders (HmiTarget.Connections); leave folderPath out.",
                                code=codes.INVALID_FOLDER, details={"field": "folderPath"})
    from engineering_api.rules.folders import target_folder

    return target_folder(d.folder_path, field="folderPath")


def _connections(ctx: OperationContext, device: str) -> list[HmiConnectionInfo]:
    return unified_or(ctx, device, lambda: ctx.backend.hmi.list_hmi_connections(device), unified_connections)


def _import(method: str, part: str) -> Any:
    def handler(ctx: OperationContext, d: ImportInput) -> Any:
        path = Path(d.import_file_path)
        if panel_kind(ctx, d.device_name)[0] == "unified":
            return import_part(ctx, d.device_name, path, part, d.overwrite)
        folder = _folder(d, part)
        extra = {"folder": folder} if folder else {}
        return getattr(ctx.backend.hmi,
                       method)(d.device_name, path.read_bytes(), overwrite=d.overwrite, source=path.name,
                                            **extra)

    return handler


# ----- dry runs -------------------------------------------------------------------------------------

def _preview_export(export: Any, label: str) -> Any:
    def preview(ctx: OperationContext, d: Any) -> Preview:
        done: list[HmiExport] = export(ctx, d)
        changes, whats = [], []
        for target in _targets(done, d.export_path, d.overwrite):
            change, what = file_change(target, d.overwrite)
            changes += [change] if change else []
            whats.append(what)
        names = ", ".join(f"'{x.name}'" for x in done)
        return plan(f"Would export the {label if len(done) == 1 else label + 's'} {names} of {d.device_name} and "
                    f"{'; '.join(whats)}.", changes)

    return preview


def _preview_import(expect: str, label: str, kind: str, listed: Any, part: str) -> Any:
    def preview(ctx: OperationContext, d: ImportInput) -> Preview:
        from simatic_xml import SimaticMLError
        from simatic_xml import hmi as sx

        path = Path(d.import_file_path)
        if panel_kind(ctx, d.device_name)[0] == "unified":
            return preview_part(ctx, d.device_name, path, part, d.overwrite)
        folder = _folder(d, part)
        known = ctx.backend.hmi.list_hmi_folders(d.device_name,
                                                 "screens" if part == "screens" else "tags") if folder else []
        if folder and folder.casefold() not in {k.casefold() for k in known}:
            raise e.NotFoundError(f"The panel has no user folder '{folder}'; create it first.",
                                  code=codes.FOLDER_NOT_FOUND,
                                  details={"folderPath": folder})
        try:
            doc = sx.read_hmi(path.read_bytes(), expect=expect)
        except SimaticMLError as exc:
            raise e.ValidationError(f"{path.name} cannot be imported: {exc}", code=codes.INVALID_SIMATICML) from None
        name = doc.root.name
        existing = next((x for x in listed(ctx, d.device_name) if x.name.lower() == name.lower()), None)
        if existing is not None and not d.overwrite:
            raise e.AlreadyExistsError(f"The {label} '{existing.name}' exists in '{d.device_name}'. Send "
                                       "overwrite=true to replace it (TIA's ImportOptions.Override).",
                                       code=f"{label.upper().replace(' ', '_')}_EXISTS")
        if expect == sx.SCREEN and faceplate_references(doc):
            check_faceplates(doc, ctx.backend.hmi_resources.list_hmi_library_types())
        if expect == sx.TAG_TABLE:
            connections = {c.name.lower() for c in _connections(ctx, d.device_name)}
            for tag in doc.root.objects(sx.TAG):
                connection = tag.link("Connection")
                if connection and connection.lower() not in connections:
                    raise e.ValidationError(f"Connection {connection} of the {tag.name} tag was not found.",
                                            code=codes.CONNECTION_NOT_FOUND)
        if existing is None:
            return plan(f"Would create the {label} '{name}' in {d.device_name} from {path.name}; nothing would be "
                        "overwritten.", [PlannedChange(action="create", kind=kind, name=name, device=d.device_name)])
        detail = (f"{plural(len(existing.tags), 'tag')}" if isinstance(existing, HmiTagTableInfo)
                  else f"screen {existing.number}" if isinstance(existing, HmiScreenInfo)
                  else f"to {existing.partner or 'no partner'} ({existing.type})")
        return plan(f"Would overwrite the {label} '{existing.name}' of {d.device_name} ({detail}) with {path.name}.",
                    [PlannedChange(action="overwrite", kind=kind, name=existing.name, device=d.device_name,
                                   detail=detail)])

    return preview


def _export_screen(ctx: OperationContext, d: ExportScreenInput) -> list[HmiExport]:
    return [unified_or(ctx, d.device_name, lambda: ctx.backend.hmi.export_hmi_screen(d.device_name, d.screen_name),
                       lambda model: unified_export(model, "screens", d.screen_name))]


def _export_tags(ctx: OperationContext, d: ExportTagsInput) -> list[HmiExport]:
    names = [d.tag_table_name] if d.tag_table_name else [t.name for t in list_tag_tables(ctx, d.device_name)]
    # unified_or calls one of the two at once, so they read this iteration's name.
    return [unified_or(ctx, d.device_name, lambda: ctx.backend.hmi.export_hmi_tag_table(d.device_name, name),
                       lambda model: unified_export(model, "tag_tables", name))
            for name in names or [DEFAULT_TAG_TABLE]]


def _export_connection(ctx: OperationContext, d: ExportConnectionInput) -> list[HmiExport]:
    return [unified_or(ctx, d.device_name, lambda: ctx.backend.hmi.export_hmi_connection(d.device_name, name),
                       lambda model: unified_export(model, "connections", name))
            for name in _connection_names(ctx, d)]


def _import_operation(path: str, label: str, method: str, output: type, element: str, kind: str, listed: Any,
                      part: str, example: str, description: str) -> Operation[Any, Any]:
    """``POST {HMI}/{path}/actions/import``: a classic panel's ``label`` from SimaticML (``element``) through the
    ``hmi`` area's ``method``, or a Unified panel's ``part`` from the exchange document; its dry run names the
    planned change's ``kind`` and looks for the object among ``listed``."""
    return Operation(
        name=f"hmi.{path}.import", summary=f"Import an HMI {label} from a SimaticML file.", section=SECTION,
        handler=_import(method, part), input=ImportInput, output=output,
        route=RouteSpec("POST", f"{HMI}/{path}/actions/import"), files=_IMPORT_FILE,
        errors=(*NEEDS_HMI, e.AlreadyExistsError), example={"importFilePath": example, "overwrite": False},
        description=description, destructive=True, preview=_preview_import(element, label, kind, listed, part),
    )


def _operations() -> tuple[Operation[Any, Any], ...]:
    screens, tables, connections = list_screens, list_tag_tables, _connections
    from simatic_xml import hmi as sx

    return (
        panel_read(
            "hmi.screens.list", "List the screens of an HMI device.", "screens",
            lambda ctx, d: screens(ctx, d.device_name), HmiDeviceRef, list[HmiScreenInfo],
            description="Name, number, width and height of every screen (WinCC Comfort/Advanced/Basic panels).",
        ),
        Operation(
            name="hmi.screens.export", summary="Export an HMI screen to a SimaticML file.", section=SECTION,
            handler=lambda ctx, d: _write(_export_screen(ctx, d), d.export_path, d.overwrite), input=ExportScreenInput,
            output=HmiExportResult, route=RouteSpec("POST", f"{HMI}/screens/{{screenName}}/actions/export"),
            files=_EXPORT_FILE, errors=(*NEEDS_HMI, e.AlreadyExistsError),
            example={"exportPath": "export/Root screen.xml"}, destructive=True,
            preview=_preview_export(_export_screen, "screen"),
        ),
        _import_operation(
            "screens", "screen", "import_hmi_screen", HmiScreenInfo, sx.SCREEN, "screen", screens, "screens",
            "export/Main.xml", "A Hmi.Screen.Screen document of the panel's size with a number no other screen has; "
                               "an existing screen of that name is replaced only with overwrite=true."),
        panel_read(
            "hmi.tags.list", "List the HMI tags of an HMI device.", "tags",
            _tags, HmiDeviceRef, list[HmiTagInfo],
            description="Every tag of every tag table: data type, connection and PLC tag (empty for internal tags).",
        ),
        Operation(
            name="hmi.tags.export", summary="Export an HMI tag table to a SimaticML file.", section=SECTION,
            handler=lambda ctx, d: _write(_export_tags(ctx, d), d.export_path, d.overwrite), input=ExportTagsInput,
            output=HmiExportResult, route=RouteSpec("POST", f"{HMI}/tags/actions/export"), files=_EXPORT_FILE,
            errors=(*NEEDS_HMI, e.AlreadyExistsError),
            example={"exportPath": "export/Default tag table.xml", "tagTableName": DEFAULT_TAG_TABLE},
            description="One tag table per file, as Openness exports it (TagTable.Export). Without tagTableName "
                        "every table is exported: one file at exportPath for one table; for several, <table>.xml "
                        "each in the folder exportPath names (hmi_tags.xml: hmi_tags/).",
            destructive=True, preview=_preview_export(_export_tags, "tag table"),
        ),
        _import_operation(
            "tags", "tag table", "import_hmi_tag_table", HmiTagTableInfo, sx.TAG_TABLE, "tagTable", tables,
            "tag_tables", "export/Motor tags.xml",
            "A Hmi.Tag.TagTable document. Every tag's connection must exist in the device (422 CONNECTION_NOT_FOUND, "
            "TIA's 'Connection X of the Y tag was not found.'); tag names are unique in the device (409 TAG_EXISTS); "
            "an existing table is replaced only with overwrite=true."),
        panel_read(
            "hmi.connections.list", "List the connections of an HMI device.", "connections",
            lambda ctx, d: connections(ctx, d.device_name), HmiDeviceRef, list[HmiConnectionInfo],
        ),
        Operation(
            name="hmi.connections.export", summary="Export an HMI connection to a SimaticML file.", section=SECTION,
            handler=lambda ctx, d: _write(_export_connection(ctx, d), d.export_path, d.overwrite),
            input=ExportConnectionInput, output=HmiExportResult,
            route=RouteSpec("POST", f"{HMI}/connections/actions/export"),
            files=_EXPORT_FILE, errors=(*NEEDS_HMI, e.AlreadyExistsError),
            example={"exportPath": "export/HMI_Connection_1.xml", "connectionName": "HMI_Connection_1"},
            description="One connection per file (Connection.Export). Without connectionName every connection is "
                        "exported: one file at exportPath for one; for several, <connection>.xml each in the folder "
                        "exportPath names (hmi_connections.xml: hmi_connections/).",
            destructive=True, preview=_preview_export(_export_connection, "connection"),
        ),
        _import_operation(
            "connections", "connection", "import_hmi_connection", HmiConnectionInfo, sx.CONNECTION, "connection",
            connections, "connections", "export/HMI_Connection_1.xml",
            "A Hmi.Communication.Connection document; an existing connection of that name is replaced only with "
            "overwrite=true."),
    )


OPERATIONS: tuple[Operation[Any, Any], ...] = (*_operations(), *TREE_OPERATIONS, *RESOURCE_OPERATIONS,
                                               *VALUE_OPERATIONS, *COMPILE_OPERATIONS)
