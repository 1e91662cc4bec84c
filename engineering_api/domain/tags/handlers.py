"""Handlers of the Tags & Constants operations: folders, updates, file import and export, snapshot targets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas.tags import (
    ConstantInfo,
    ConstantUpdate,
    RowError,
    TagChange,
    TagImportResult,
    TagSpec,
    TagUpdate,
)
from engineering_api.domain import tag_formats
from engineering_api.domain.tags.schemas import (
    DEFAULT_TABLE,
    ExportFileInput,
    FolderInput,
    ImportFileInput,
    ImportJsonInput,
    ImportSimaticmlInput,
    TableRef,
    TagExportResult,
    UpdateConstantInput,
    UpdateTagInput,
)
from engineering_api.domain.tags.verdict import judged_simaticml, planned_rows, simaticml_source
from engineering_api.errors import codes
from engineering_api.jobs.operations import OperationContext, SnapshotTarget
from engineering_api.lib.xlsx_guard import XlsxRefusedError

__all__ = (
    "check_target",
    "deleted_answer",
    "export_handler",
    "export_xml",
    "file_importer",
    "folder_path_of",
    "file_parsed",
    "import_json",
    "json_parsed",
    "refuse_unreadable",
    "json_targets",
    "first_given",
    "tag_spec",
    "table_target",
    "update_constant",
    "update_tag",
)


def first_given(*values: str | None, what: str) -> str:
    for value in values:
        if value is not None and value.strip():
            return value
    raise e.ValidationError(f"{what} is required", code=codes.VALIDATION_FAILED, details={"field": what})


def folder_path_of(d: FolderInput) -> str:
    if d.name and d.parent_path:
        return d.parent_path.strip("/") + "/" + d.name
    return first_given(d.path, d.folder_path, d.name, what="path")


def _row_dict(error: RowError) -> dict[str, Any]:
    return {k: v for k, v in (("row", error.row), ("column", error.column), ("reason", error.reason),
                              ("sheet", error.sheet), ("value", error.value)) if v is not None}


def _row_failure(rows: list[dict[str, Any]], source: str) -> e.ValidationError:
    rows = sorted(rows, key=lambda r: (r.get("sheet") in ("User Constants", "JSON constants"), r["row"]))
    first = rows[0]
    return e.ValidationError(
        f"{source}: {len(rows)} problem(s); nothing was imported. First: row {first['row']}, {first['column']}: "
        f"{first['reason']}",
        code=codes.IMPORT_ROWS_INVALID,
        details={"errorCount": len(rows), "rows": rows[:1000]},
    )


def _import(ctx: OperationContext, device: str, parsed: tag_formats.ParsedTags, source: str, *, table: str,
            follow_path: bool, overwrite: bool) -> TagImportResult:
    refuse_unreadable(ctx, device, parsed, source, table=table, follow_path=follow_path, overwrite=overwrite)
    ctx.progress(50, f"{len(parsed.tags)} tags and {len(parsed.constants)} constants read; importing")
    ctx.check_canceled()
    result = ctx.backend.tag_import.import_tags(device, parsed.tags, parsed.constants, table=table,
                                                follow_path=follow_path,
                                     overwrite=overwrite)
    ctx.progress(100, f"{result.tags_imported} tags imported")
    return result


def refuse_unreadable(ctx: OperationContext, device: str, parsed: tag_formats.ParsedTags, source: str, *,
                       table: str, follow_path: bool, overwrite: bool) -> None:
    """Rows that could not be read refuse the import, listed with what TIA's rules refuse in the rest."""
    if parsed.errors:
        # Report every problem at once: what could not be read, and what TIA's rules refuse in the rest.
        rows = [_row_dict(r) for r in parsed.errors]
        refused = planned_rows(ctx, device, parsed, table=table, follow_path=follow_path, overwrite=overwrite)
        rows.extend(refused.get("rows", []))
        raise _row_failure(rows, source)


def import_json(ctx: OperationContext, d: ImportJsonInput) -> TagImportResult:
    parsed, source = json_parsed(d)
    return _import(ctx, d.device_name, parsed, source, table=d.table_name or DEFAULT_TABLE, follow_path=True,
                   overwrite=d.overwrite)


def json_parsed(d: ImportJsonInput) -> tuple[tag_formats.ParsedTags, str]:
    """The rows of a JSON import (file or request) and where they came from."""
    if d.file_path:
        try:
            parsed = tag_formats.read_json(d.file_path)
        except ValueError as exc:
            raise e.ValidationError(f"{Path(d.file_path).name}: {exc}", code=codes.INVALID_TAG_FILE) from None
        source = Path(d.file_path).name
    else:
        parsed = tag_formats.read_json_items(d.tags, d.user_constants)
        source = "request"
    if not parsed.tags and not parsed.constants and not parsed.errors:
        raise e.ValidationError("nothing to import: give tags (or userConstants) or a filePath",
                                code=codes.VALIDATION_FAILED)
    return parsed, source


def simaticml_parsed(d: ImportSimaticmlInput) -> tuple[tag_formats.ParsedTags, str]:
    """The rows of a SimaticML tag-table import (inline or a file) and where they came from, unjudged (the import
    and its preview judge the document first: :func:`~engineering_api.domain.tags.verdict.judged_simaticml`).

    Raises:
        ValidationError: ``VALIDATION_FAILED`` (neither or both given), ``INVALID_TAG_FILE`` (not a tag table).
    """
    raw, source = simaticml_source(d)
    try:
        return tag_formats.read_simaticml(raw), source
    except ValueError as exc:
        raise e.ValidationError(f"{source} {exc}", code=codes.INVALID_TAG_FILE) from None


def simaticml_targets(d: ImportSimaticmlInput) -> list[SnapshotTarget]:
    """The table the import writes: ``tableName``, else the one the export names (read again: a snapshot is taken
    before the handler runs)."""
    if d.table_name:
        return [SnapshotTarget(d.device_name, "tag_table", d.table_name)]
    try:
        parsed, _ = simaticml_parsed(d)
    except e.ValidationError:
        return []
    tables = {row.table_name or DEFAULT_TABLE for row in parsed.tags} | {
        row.table_name or DEFAULT_TABLE for row in parsed.constants}
    return [SnapshotTarget(d.device_name, "tag_table", name) for name in sorted(tables)]


def import_simaticml(ctx: OperationContext, d: ImportSimaticmlInput) -> TagImportResult:
    parsed, source = judged_simaticml(ctx, d)
    return _import(ctx, d.device_name, parsed, source, table=d.table_name or DEFAULT_TABLE,
                   follow_path=d.table_name is None, overwrite=d.overwrite)


def file_importer(reader: Any, kind: str) -> Any:
    def handler(ctx: OperationContext, d: ImportFileInput) -> TagImportResult:
        ctx.progress(5, f"reading {Path(d.file_path).name}")
        parsed = file_parsed(reader, kind, d.file_path)
        return _import(ctx, d.device_name, parsed, Path(d.file_path).name, table=d.table_name,
                       follow_path=d.use_path_column, overwrite=d.overwrite)

    return handler


def file_parsed(reader: Any, kind: str, file_path: str) -> tag_formats.ParsedTags:
    """The rows of a CSV or Excel tag file.

    Raises:
        ValidationError: ``XLSX_REFUSED``, ``INVALID_TAG_FILE``.
    """
    try:
        parsed: tag_formats.ParsedTags = reader(file_path)
        return parsed
    except XlsxRefusedError as exc:
        raise e.ValidationError(f"{Path(file_path).name} was refused unopened: {exc}",
                                code=codes.XLSX_REFUSED) from None
    except ValueError as exc:
        raise e.ValidationError(f"{Path(file_path).name} is not a {kind} tag file: {exc}",
                                code=codes.INVALID_TAG_FILE) from None


def check_target(d: ExportFileInput) -> Path:
    target = Path(d.export_path)
    if target.exists() and not d.overwrite:
        raise e.AlreadyExistsError(f"{target.name} exists; send overwrite: true to replace it.", code=codes.FILE_EXISTS,
                                   details={"field": "exportPath"})
    if target.is_dir():
        raise e.ValidationError(f"{target.name} is a folder", code=codes.PATH_REJECTED, details={"field": "exportPath"})
    return target


def export_handler(kind: str) -> Any:
    def handler(ctx: OperationContext, d: ExportFileInput) -> TagExportResult:
        target = check_target(d)
        tags = ctx.backend.tags.list_tags(d.device_name, d.table_name)
        constants = ctx.backend.tag_constants.list_constants(d.device_name, d.table_name,
                                                             "user") if kind != "csv" else []
        info = next((t for t in ctx.backend.tags.list_tag_tables(d.device_name)
                     if t.name == (tags[0].table_name if tags else d.table_name)), None)
        if info is None:
            info = next(t for t in ctx.backend.tags.list_tag_tables(d.device_name)
                        if t.name.lower() == d.table_name.lower())
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


def table_target(d: Any) -> list[SnapshotTarget]:
    return [SnapshotTarget(d.device_name, "tag_table", d.table_name)]


def json_targets(d: ImportJsonInput) -> list[SnapshotTarget]:
    names = {d.table_name or DEFAULT_TABLE}
    for item in [*d.tags, *d.user_constants]:
        if isinstance(item, dict):
            for key, value in item.items():
                if key.replace(" ",
                               "").lower() in ("tablename", "path", "tagtable") and isinstance(value, str) and value:
                    names.add(value)
    return [SnapshotTarget(d.device_name, "tag_table", name) for name in sorted(names)]


def update_tag(ctx: OperationContext, d: UpdateTagInput) -> TagChange:
    changes = TagUpdate(
        new_name=d.new_name if d.new_name is not None else d.name, data_type=d.data_type,
        logical_address=d.logical_address, comment=d.comment, hmi_visible=d.hmi_visible,
        hmi_accessible=d.hmi_accessible, hmi_writeable=d.hmi_writeable,
    )
    return ctx.backend.tags.update_tag(d.device_name, d.table_name, d.tag_name, changes)


def update_constant(ctx: OperationContext, d: UpdateConstantInput) -> ConstantInfo:
    changes = ConstantUpdate(new_name=d.new_name if d.new_name is not None else d.name, data_type=d.data_type,
                             value=d.value, comment=d.comment)
    return ctx.backend.tag_constants.update_constant(d.device_name, d.table_name, d.constant_name, changes)


def tag_spec(d: TagSpec) -> TagSpec:
    return TagSpec(name=d.name, data_type=d.data_type, logical_address=d.logical_address, comment=d.comment,
                   hmi_visible=d.hmi_visible, hmi_accessible=d.hmi_accessible, hmi_writeable=d.hmi_writeable)


def export_xml(ctx: OperationContext, d: TableRef) -> str:
    return ctx.backend.tags.export_tag_table_xml(d.device_name, d.table_name).decode("utf-8-sig")


def deleted_answer(what: str, name: str) -> dict[str, str]:
    return {"deleted": name, "kind": what}
