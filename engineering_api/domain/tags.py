"""Tags & Constants operations: tag tables and folders, tags, user and system constants, import/export.

TIA's rules live in the backend (names unique across the PLC's tables, data types that exist,
addresses that fit and are not DB addresses, overlaps as warnings, the default tag table). File
formats live in :mod:`engineering_api.domain.tag_formats`. Imports read the whole file first, report
every bad row (row, column, reason) with 422, and import nothing unless every row is good.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas.tags import (
    ConstantInfo,
    ConstantSpec,
    ConstantUpdate,
    RowError,
    TagChange,
    TagImportResult,
    TagInfo,
    TagSpec,
    TagTableInfo,
    TagTableNode,
    TagUpdate,
)
from engineering_api.domain import tag_formats
from engineering_api.jobs.operations import (
    FileRule,
    Operation,
    OperationContext,
    RouteSpec,
    SnapshotTarget,
)
from engineering_api.lib.schema import CamelStruct

__all__ = ("OPERATIONS", "SECTION")

SECTION = "Tags & Constants"
DEFAULT_TABLE = "Default tag table"
BASE = "/api/devices/{deviceName}"
TABLE = BASE + "/tag-tables/{tableName}"
_NEEDS_PROJECT = (e.NoProjectOpenError, e.PortalUnavailableError)
_READ_ERRORS = (e.NotFoundError, e.ValidationError, *_NEEDS_PROJECT)
_WRITE_ERRORS = (e.NotFoundError, e.ValidationError, e.AlreadyExistsError, *_NEEDS_PROJECT)
XLSX = (".xlsx",)
CSV = (".csv",)
JSON = (".json",)


# ----- inputs -------------------------------------------------------------------------------------
class DeviceRef(CamelStruct):
    """A PLC by name."""

    device_name: str


class TableRef(CamelStruct):
    """A tag table of a PLC."""

    device_name: str
    table_name: str


class CreateTableInput(CamelStruct):
    """A new tag table (``name`` or ``tableName``), optionally in a folder (``a/b``)."""

    device_name: str
    name: str | None = None
    table_name: str | None = None
    folder: str = ""


class RenameTableInput(CamelStruct):
    """The table's new name (``newName`` or ``name``)."""

    device_name: str
    table_name: str
    new_name: str | None = None
    name: str | None = None


class FolderInput(CamelStruct):
    """A folder under "PLC tags": ``path`` (``a/b``), ``folderPath``, or ``name`` with ``parentPath``."""

    device_name: str
    path: str | None = None
    folder_path: str | None = None
    name: str | None = None
    parent_path: str | None = None


class CreateTagInput(TagSpec, kw_only=True):
    """A tag for a table (the default tag table when ``tableName`` is omitted)."""

    device_name: str
    table_name: str = DEFAULT_TABLE


class UpdateTagInput(TagUpdate, kw_only=True):
    """Changes to a tag; ``name`` is accepted for ``newName`` (T-IA Connect clients send the full tag)."""

    device_name: str
    table_name: str
    tag_name: str
    name: str | None = None


class TagRef(CamelStruct):
    """A tag of a table."""

    device_name: str
    table_name: str
    tag_name: str


class CreateConstantInput(ConstantSpec, kw_only=True):
    """A user constant for a table."""

    device_name: str
    table_name: str


class UpdateConstantInput(ConstantUpdate, kw_only=True):
    """Changes to a user constant; ``name`` is accepted for ``newName``."""

    device_name: str
    table_name: str
    constant_name: str
    name: str | None = None


class ConstantRef(CamelStruct):
    """A user constant of a table."""

    device_name: str
    table_name: str
    constant_name: str


class ImportJsonInput(CamelStruct):
    """Tags (and user constants) inline or from a JSON file inside the roots.

    Items: ``{name, dataType, logicalAddress, comment, hmiVisible, hmiAccessible, hmiWriteable, tableName}``
    (PascalCase and the Excel column names work too). Items without ``tableName`` go to ``tableName`` of
    the body, or the default tag table; missing tables are created.
    """

    device_name: str
    tags: list[dict[str, Any]] = []
    user_constants: list[dict[str, Any]] = []
    table_name: str | None = None
    file_path: str | None = None
    overwrite: bool = False


class ImportFileInput(CamelStruct):
    """A CSV or Excel file inside the roots, imported into the table of the route.

    With ``usePathColumn`` each row goes to the table its Path column names (created when missing), as
    TIA's own import does.
    """

    device_name: str
    table_name: str
    file_path: str
    overwrite: bool = False
    use_path_column: bool = False


class ExportFileInput(CamelStruct):
    """Where to write the export (inside the roots); an existing file is kept unless ``overwrite``."""

    device_name: str
    table_name: str
    export_path: str
    overwrite: bool = False


class TagExportResult(CamelStruct):
    """A written export file."""

    path: str
    format: str
    table_name: str
    tag_count: int
    constant_count: int = 0


# ----- handlers -----------------------------------------------------------------------------------
def _one(*values: str | None, what: str) -> str:
    for value in values:
        if value is not None and value.strip():
            return value
    raise e.ValidationError(f"{what} is required", code="VALIDATION_FAILED", details={"field": what})


def _folder(d: FolderInput) -> str:
    if d.name and d.parent_path:
        return d.parent_path.strip("/") + "/" + d.name
    return _one(d.path, d.folder_path, d.name, what="path")


def _row_dict(error: RowError) -> dict[str, Any]:
    return {k: v for k, v in (("row", error.row), ("column", error.column), ("reason", error.reason),
                              ("sheet", error.sheet), ("value", error.value)) if v is not None}


def _row_failure(rows: list[dict[str, Any]], source: str) -> e.ValidationError:
    rows = sorted(rows, key=lambda r: (r.get("sheet") in ("User Constants", "JSON constants"), r["row"]))
    first = rows[0]
    return e.ValidationError(
        f"{source}: {len(rows)} problem(s); nothing was imported. First: row {first['row']}, {first['column']}: "
        f"{first['reason']}",
        code="IMPORT_ROWS_INVALID",
        details={"errorCount": len(rows), "rows": rows[:1000]},
    )


def _import(ctx: OperationContext, device: str, parsed: tag_formats.ParsedTags, source: str, *, table: str,
            follow_path: bool, overwrite: bool) -> TagImportResult:
    if parsed.errors:
        # Report every problem at once: what could not be read, and what TIA's rules refuse in the rest.
        rows = [_row_dict(r) for r in parsed.errors]
        try:
            ctx.backend.import_tags(device, parsed.tags, parsed.constants, table=table, follow_path=follow_path,
                                    overwrite=overwrite, validate_only=True)
        except e.ValidationError as exc:
            if exc.code != "IMPORT_ROWS_INVALID":
                raise
            rows.extend(exc.details.get("rows", []))
        except e.NotFoundError:
            pass
        raise _row_failure(rows, source)
    ctx.progress(50, f"{len(parsed.tags)} tags and {len(parsed.constants)} constants read; importing")
    ctx.check_canceled()
    result = ctx.backend.import_tags(device, parsed.tags, parsed.constants, table=table, follow_path=follow_path,
                                     overwrite=overwrite)
    ctx.progress(100, f"{result.tags_imported} tags imported")
    return result


def _import_json(ctx: OperationContext, d: ImportJsonInput) -> TagImportResult:
    if d.file_path:
        try:
            parsed = tag_formats.read_json(d.file_path)
        except ValueError as exc:
            raise e.ValidationError(f"{Path(d.file_path).name}: {exc}", code="INVALID_TAG_FILE") from None
        source = Path(d.file_path).name
    else:
        parsed = tag_formats.read_json_items(d.tags, d.user_constants)
        source = "request"
    if not parsed.tags and not parsed.constants and not parsed.errors:
        raise e.ValidationError("nothing to import: give tags (or userConstants) or a filePath", code="VALIDATION_FAILED")
    return _import(ctx, d.device_name, parsed, source, table=d.table_name or DEFAULT_TABLE, follow_path=True,
                   overwrite=d.overwrite)


def _file_importer(reader: Any, kind: str) -> Any:
    def handler(ctx: OperationContext, d: ImportFileInput) -> TagImportResult:
        ctx.progress(5, f"reading {Path(d.file_path).name}")
        try:
            parsed = reader(d.file_path)
        except ValueError as exc:
            raise e.ValidationError(f"{Path(d.file_path).name} is not a {kind} tag file: {exc}",
                                    code="INVALID_TAG_FILE") from None
        return _import(ctx, d.device_name, parsed, Path(d.file_path).name, table=d.table_name,
                       follow_path=d.use_path_column, overwrite=d.overwrite)

    return handler


def _check_target(d: ExportFileInput) -> Path:
    target = Path(d.export_path)
    if target.exists() and not d.overwrite:
        raise e.AlreadyExistsError(f"{target.name} exists; send overwrite: true to replace it.", code="FILE_EXISTS",
                                   details={"field": "exportPath"})
    if target.is_dir():
        raise e.ValidationError(f"{target.name} is a folder", code="PATH_REJECTED", details={"field": "exportPath"})
    return target


def _export(kind: str) -> Any:
    def handler(ctx: OperationContext, d: ExportFileInput) -> TagExportResult:
        target = _check_target(d)
        tags = ctx.backend.list_tags(d.device_name, d.table_name)
        constants = ctx.backend.list_constants(d.device_name, d.table_name, "user") if kind != "csv" else []
        info = next((t for t in ctx.backend.list_tag_tables(d.device_name) if t.name == (tags[0].table_name if tags else d.table_name)), None)
        if info is None:
            info = next(t for t in ctx.backend.list_tag_tables(d.device_name) if t.name.lower() == d.table_name.lower())
        table = info.name
        path_value = "\\".join([*info.folder.split("/"), table]) if info.folder else table
        if kind == "xlsx":
            tag_formats.write_xlsx(target, path_value, tags, constants)
        elif kind == "csv":
            tag_formats.write_csv(target, path_value, tags)
        else:
            tag_formats.write_json(target, table, tags, constants)
        return TagExportResult(path=str(target), format=kind, table_name=table, tag_count=len(tags),
                               constant_count=len(constants))

    return handler


def _table_target(d: Any) -> list[SnapshotTarget]:
    return [SnapshotTarget(d.device_name, "tag_table", d.table_name)]


def _json_targets(d: ImportJsonInput) -> list[SnapshotTarget]:
    names = {d.table_name or DEFAULT_TABLE}
    for item in [*d.tags, *d.user_constants]:
        if isinstance(item, dict):
            for key, value in item.items():
                if key.replace(" ", "").lower() in ("tablename", "path", "tagtable") and isinstance(value, str) and value:
                    names.add(value)
    return [SnapshotTarget(d.device_name, "tag_table", name) for name in sorted(names)]


def _update_tag(ctx: OperationContext, d: UpdateTagInput) -> TagChange:
    changes = TagUpdate(
        new_name=d.new_name if d.new_name is not None else d.name, data_type=d.data_type,
        logical_address=d.logical_address, comment=d.comment, hmi_visible=d.hmi_visible,
        hmi_accessible=d.hmi_accessible, hmi_writeable=d.hmi_writeable,
    )
    return ctx.backend.update_tag(d.device_name, d.table_name, d.tag_name, changes)


def _update_constant(ctx: OperationContext, d: UpdateConstantInput) -> ConstantInfo:
    changes = ConstantUpdate(new_name=d.new_name if d.new_name is not None else d.name, data_type=d.data_type,
                             value=d.value, comment=d.comment)
    return ctx.backend.update_constant(d.device_name, d.table_name, d.constant_name, changes)


def _spec(d: TagSpec) -> TagSpec:
    return TagSpec(name=d.name, data_type=d.data_type, logical_address=d.logical_address, comment=d.comment,
                   hmi_visible=d.hmi_visible, hmi_accessible=d.hmi_accessible, hmi_writeable=d.hmi_writeable)


def _export_xml(ctx: OperationContext, d: TableRef) -> str:
    return ctx.backend.export_tag_table_xml(d.device_name, d.table_name).decode("utf-8-sig")


def _deleted(what: str, name: str) -> dict[str, str]:
    return {"deleted": name, "kind": what}


_TAG_EXAMPLE = {"name": "Pump1_Run", "dataType": "Bool", "logicalAddress": "%Q0.0", "comment": "Pump 1 running"}

OPERATIONS: tuple[Operation[Any, Any], ...] = (
    # ----- tag tables -------------------------------------------------------------------------
    Operation(
        name="tag-tables.list", summary="List tag tables.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.list_tag_tables(d.device_name), input=DeviceRef, output=list[TagTableInfo],
        route=RouteSpec("GET", BASE + "/tag-tables"), async_route=RouteSpec("GET", BASE + "/tag-tables/async"),
        mutating=False, errors=_READ_ERRORS,
    ),
    Operation(
        name="tag-tables.tree", summary="Get the tag table tree view including folders.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.tag_table_tree(d.device_name), input=DeviceRef, output=TagTableNode,
        route=RouteSpec("GET", BASE + "/tag-tables/tree"), mutating=False, errors=_READ_ERRORS,
    ),
    Operation(
        name="tag-tables.create", summary="Create a tag table.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.create_tag_table(d.device_name, _one(d.name, d.table_name, what="name"), d.folder),
        input=CreateTableInput, output=TagTableInfo,
        route=RouteSpec("POST", BASE + "/tag-tables/actions/create-sync"),
        async_route=RouteSpec("POST", BASE + "/tag-tables/actions/create"),
        example={"name": "Motors", "folder": "Line1"}, errors=_WRITE_ERRORS,
        snapshot_targets=lambda d: [SnapshotTarget(d.device_name, "tag_table", d.name or d.table_name or "")],
    ),
    Operation(
        name="tag-tables.rename", summary="Rename a tag table.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.rename_tag_table(d.device_name, d.table_name, _one(d.new_name, d.name, what="newName")),
        input=RenameTableInput, output=TagTableInfo,
        route=RouteSpec("PUT", TABLE + "/actions/update-sync"), async_route=RouteSpec("PUT", TABLE + "/actions/update"),
        example={"newName": "Motors_Line1"}, errors=(*_WRITE_ERRORS, e.ConflictError), snapshot_targets=_table_target,
    ),
    Operation(
        name="tag-tables.delete", summary="Delete a tag table.", section=SECTION,
        handler=lambda ctx, d: (ctx.backend.delete_tag_table(d.device_name, d.table_name), _deleted("tag table", d.table_name))[1],
        input=TableRef, output=dict[str, str],
        route=RouteSpec("DELETE", TABLE + "/actions/delete-sync"), async_route=RouteSpec("DELETE", TABLE + "/actions/delete"),
        errors=(e.NotFoundError, e.ConflictError, *_NEEDS_PROJECT), snapshot_targets=_table_target,
    ),
    Operation(
        name="tag-tables.folders.create", summary="Create a tag table folder.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.create_tag_table_folder(d.device_name, _folder(d)), input=FolderInput,
        output=TagTableNode, route=RouteSpec("POST", BASE + "/tag-tables/folders"), example={"path": "Line1/Motors"},
        errors=_WRITE_ERRORS, snapshot_targets=lambda d: [],
    ),
    Operation(
        name="tag-tables.folders.delete", summary="Delete a tag table folder (and the tables in it).", section=SECTION,
        handler=lambda ctx, d: ctx.backend.delete_tag_table_folder(d.device_name, _folder(d)), input=FolderInput,
        output=list[str], route=RouteSpec("DELETE", BASE + "/tag-tables/folders"),
        errors=(e.NotFoundError, e.ConflictError, e.ValidationError, *_NEEDS_PROJECT), snapshot_targets=lambda d: [],
    ),
    Operation(
        name="tag-tables.export-xml", summary="Export tags from a table as XML.", section=SECTION,
        description="The table's SimaticML (SW.Tags.PlcTagTable) as TIA exports it; data is the XML text.",
        handler=_export_xml, input=TableRef, output=str, route=RouteSpec("GET", TABLE + "/export-xml"),
        mutating=False, errors=_READ_ERRORS,
    ),
    # ----- tags -------------------------------------------------------------------------------
    Operation(
        name="tags.list", summary="Get all tags from a specific tag table.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.list_tags(d.device_name, d.table_name), input=TableRef, output=list[TagInfo],
        route=RouteSpec("GET", TABLE + "/tags"), async_route=RouteSpec("GET", TABLE + "/tags/async"),
        mutating=False, errors=_READ_ERRORS,
    ),
    Operation(
        name="tags.list-all", summary="Get all tags across all tables.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.list_all_tags(d.device_name), input=DeviceRef, output=list[TagInfo],
        route=RouteSpec("GET", BASE + "/tags/all"), mutating=False, errors=_READ_ERRORS,
    ),
    Operation(
        name="tags.create", summary="Add a single tag.", section=SECTION,
        description="Into tableName (default: the default tag table). Overlapping addresses are allowed and "
                    "answered in warnings, as TIA warns.",
        handler=lambda ctx, d: ctx.backend.create_tag(d.device_name, d.table_name, _spec(d)), input=CreateTagInput,
        output=TagChange, route=RouteSpec("POST", BASE + "/tags"),
        example={**_TAG_EXAMPLE, "tableName": "Default tag table"}, errors=_WRITE_ERRORS, snapshot_targets=_table_target,
    ),
    Operation(
        name="tags.create-in-table", summary="Add a tag to a tag table (the route the T-IA Connect client posts to).",
        section=SECTION,
        handler=lambda ctx, d: ctx.backend.create_tag(d.device_name, d.table_name, _spec(d)), input=CreateTagInput,
        output=TagChange, route=RouteSpec("POST", TABLE + "/tags"), example=_TAG_EXAMPLE, errors=_WRITE_ERRORS,
        snapshot_targets=_table_target,
    ),
    Operation(
        name="tags.update", summary="Update a tag.", section=SECTION, handler=_update_tag, input=UpdateTagInput,
        output=TagChange, route=RouteSpec("PUT", TABLE + "/tags/{tagName}"),
        example={"logicalAddress": "%Q0.1", "comment": "moved"}, errors=_WRITE_ERRORS, snapshot_targets=_table_target,
    ),
    Operation(
        name="tags.delete", summary="Delete a tag.", section=SECTION,
        handler=lambda ctx, d: (ctx.backend.delete_tag(d.device_name, d.table_name, d.tag_name), _deleted("tag", d.tag_name))[1],
        input=TagRef, output=dict[str, str], route=RouteSpec("DELETE", TABLE + "/tags/{tagName}"),
        errors=(e.NotFoundError, *_NEEDS_PROJECT), snapshot_targets=_table_target,
    ),
    # ----- constants --------------------------------------------------------------------------
    Operation(
        name="constants.list", summary="List constants in a tag table.", section=SECTION,
        description="User constants of the table; the default tag table also lists the PLC's system constants.",
        handler=lambda ctx, d: ctx.backend.list_constants(d.device_name, d.table_name, "all"), input=TableRef,
        output=list[ConstantInfo], route=RouteSpec("GET", TABLE + "/constants"), mutating=False, errors=_READ_ERRORS,
    ),
    Operation(
        name="constants.user", summary="Get user constants only from a tag table.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.list_constants(d.device_name, d.table_name, "user"), input=TableRef,
        output=list[ConstantInfo], route=RouteSpec("GET", TABLE + "/constants/user"), mutating=False,
        errors=_READ_ERRORS,
    ),
    Operation(
        name="constants.system", summary="Get system constants only from a tag table.", section=SECTION,
        description="System constants (hardware identifiers, OB numbers) belong to the PLC and are listed in the "
                    "default tag table; other tables have none.",
        handler=lambda ctx, d: ctx.backend.list_constants(d.device_name, d.table_name, "system"), input=TableRef,
        output=list[ConstantInfo], route=RouteSpec("GET", TABLE + "/constants/system"), mutating=False,
        errors=_READ_ERRORS,
    ),
    Operation(
        name="constants.create", summary="Create a constant in a tag table.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.create_constant(
            d.device_name, d.table_name, ConstantSpec(name=d.name, data_type=d.data_type, value=d.value, comment=d.comment)
        ),
        input=CreateConstantInput, output=ConstantInfo, route=RouteSpec("POST", TABLE + "/constants"),
        example={"name": "MAX_PUMPS", "dataType": "Int", "value": "8"}, errors=_WRITE_ERRORS,
        snapshot_targets=_table_target,
    ),
    Operation(
        name="constants.update", summary="Update a constant in a tag table.", section=SECTION,
        handler=_update_constant, input=UpdateConstantInput, output=ConstantInfo,
        route=RouteSpec("PUT", TABLE + "/constants/{constantName}"), example={"value": "10"}, errors=_WRITE_ERRORS,
        snapshot_targets=_table_target,
    ),
    Operation(
        name="constants.delete", summary="Delete a constant from a tag table.", section=SECTION,
        handler=lambda ctx, d: (
            ctx.backend.delete_constant(d.device_name, d.table_name, d.constant_name),
            _deleted("user constant", d.constant_name),
        )[1],
        input=ConstantRef, output=dict[str, str], route=RouteSpec("DELETE", TABLE + "/constants/{constantName}"),
        errors=(e.NotFoundError, e.ValidationError, *_NEEDS_PROJECT), snapshot_targets=_table_target,
    ),
    # ----- import and export ------------------------------------------------------------------
    Operation(
        name="tags.import-json", summary="Import tags from JSON.", section=SECTION, handler=_import_json,
        input=ImportJsonInput, output=TagImportResult,
        route=RouteSpec("POST", BASE + "/tags/actions/import-sync"),
        async_route=RouteSpec("POST", BASE + "/tags/actions/import"), long_running=True,
        files={"file_path": FileRule(extensions=JSON, must_exist=True, allow_directory=False)},
        example={"tableName": "IO", "tags": [_TAG_EXAMPLE]}, errors=_WRITE_ERRORS, snapshot_targets=_json_targets,
    ),
    Operation(
        name="tags.import-csv", summary="Import tags from a CSV file.", section=SECTION,
        handler=_file_importer(tag_formats.read_csv, "CSV"), input=ImportFileInput, output=TagImportResult,
        route=RouteSpec("POST", TABLE + "/actions/import-csv-sync"),
        async_route=RouteSpec("POST", TABLE + "/actions/import-csv"), long_running=True,
        files={"file_path": FileRule(extensions=CSV, must_exist=True, allow_directory=False)},
        example={"filePath": "imports/PLCTags.csv"}, errors=_WRITE_ERRORS, snapshot_targets=_table_target,
    ),
    Operation(
        name="tags.import-xlsx", summary="Import tags from an Excel file.", section=SECTION,
        description="TIA's tag export layout (sheet 'PLC Tags', optional 'User Constants').",
        handler=_file_importer(tag_formats.read_xlsx, "Excel"), input=ImportFileInput, output=TagImportResult,
        route=RouteSpec("POST", TABLE + "/actions/import-xlsx-sync"),
        async_route=RouteSpec("POST", TABLE + "/actions/import-xlsx"), long_running=True,
        files={"file_path": FileRule(extensions=XLSX, must_exist=True, allow_directory=False)},
        example={"filePath": "imports/PLCTags.xlsx"}, errors=_WRITE_ERRORS, snapshot_targets=_table_target,
    ),
    Operation(
        name="tags.export-xlsx", summary="Export tags from a table to an Excel file.", section=SECTION,
        description="TIA's tag export layout: sheets 'PLC Tags' and 'User Constants'.",
        handler=_export("xlsx"), input=ExportFileInput, output=TagExportResult,
        route=RouteSpec("POST", TABLE + "/actions/export-excel-sync"),
        async_route=RouteSpec("POST", TABLE + "/actions/export-excel"), long_running=True,
        files={"export_path": FileRule(extensions=XLSX, allow_directory=False)},
        example={"exportPath": "exports/PLCTags.xlsx"}, errors=_WRITE_ERRORS,
    ),
    Operation(
        name="tags.export-csv", summary="Export tags from a table to a CSV file.", section=SECTION,
        handler=_export("csv"), input=ExportFileInput, output=TagExportResult,
        route=RouteSpec("POST", TABLE + "/actions/export-csv-sync"),
        async_route=RouteSpec("POST", TABLE + "/actions/export-csv"), long_running=True,
        files={"export_path": FileRule(extensions=CSV, allow_directory=False)},
        example={"exportPath": "exports/PLCTags.csv"}, errors=_WRITE_ERRORS,
    ),
    Operation(
        name="tags.export-json", summary="Export tags and user constants from a table to a JSON file.", section=SECTION,
        handler=_export("json"), input=ExportFileInput, output=TagExportResult,
        route=RouteSpec("POST", TABLE + "/actions/export-json-sync"),
        async_route=RouteSpec("POST", TABLE + "/actions/export-json"), long_running=True,
        files={"export_path": FileRule(extensions=JSON, allow_directory=False)},
        example={"exportPath": "exports/tags.json"}, errors=_WRITE_ERRORS,
    ),
)
