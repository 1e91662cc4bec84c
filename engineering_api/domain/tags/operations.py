"""The Tags & Constants operations: each capability defined once, with its routes."""

from __future__ import annotations

from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas.tags import (
    ConstantInfo,
    ConstantKind,
    ConstantSpec,
    TagChange,
    TagImportResult,
    TagInfo,
    TagTableInfo,
    TagTableNode,
)
from engineering_api.domain import tag_formats
from engineering_api.domain.common import DeviceRef
from engineering_api.domain.tags import previews as p
from engineering_api.domain.tags.handlers import (
    deleted_answer,
    export_handler,
    export_xml,
    file_importer,
    folder_path_of,
    import_json,
    import_simaticml,
    json_targets,
    simaticml_targets,
    first_given,
    tag_spec,
    table_target,
    update_constant,
    update_tag,
)
from engineering_api.domain.tags.schemas import (
    ConstantRef,
    CreateConstantInput,
    CreateTableInput,
    CreateTagInput,
    ExportFileInput,
    FolderInput,
    ImportFileInput,
    ImportJsonInput,
    ImportSimaticmlInput,
    RenameTableInput,
    TableRef,
    TagExportResult,
    TagRef,
    UpdateConstantInput,
    UpdateTagInput,
)
from engineering_api.jobs.operations import (
    FileRule,
    Operation,
    RouteSpec,
    read,
    SnapshotTarget,
)

__all__ = ("OPERATIONS", "SECTION")

SECTION = "Tags & Constants"
BASE = "/api/devices/{deviceName}"
TABLE = BASE + "/tag-tables/{tableName}"
_NEEDS_PROJECT = (e.NoProjectOpenError, e.PortalUnavailableError)
_READ_ERRORS = (e.NotFoundError, e.ValidationError, *_NEEDS_PROJECT)
_WRITE_ERRORS = (e.NotFoundError, e.ValidationError, e.AlreadyExistsError, *_NEEDS_PROJECT)
XLSX = (".xlsx",)
CSV = (".csv",)
JSON = (".json",)
XML = (".xml",)

_TAG_EXAMPLE = {"name": "Pump1_Run", "dataType": "Bool", "logicalAddress": "%Q0.0", "comment": "Pump 1 running"}

def _file_import(
    fmt: str, read: Any, label: str, extensions: tuple[str, ...], summary: str, *, description: str = "",
) -> Operation[Any, Any]:
    """The import of a ``fmt`` file read by ``read`` into a table (``tags.import-<fmt>``, routes
    ``…/actions/import-<fmt>``); ``label`` names the format in messages."""
    return Operation(
        name=f"tags.import-{fmt}", summary=summary, section=SECTION, description=description,
        handler=file_importer(read, label), input=ImportFileInput, output=TagImportResult,
        route=RouteSpec("POST", TABLE + f"/actions/import-{fmt}-sync"),
        async_route=RouteSpec("POST", TABLE + f"/actions/import-{fmt}"), long_running=True,
        files={"file_path": FileRule(extensions=extensions, must_exist=True, allow_directory=False)},
        example={"filePath": f"imports/PLCTags.{fmt}"}, errors=_WRITE_ERRORS, snapshot_targets=table_target,
        destructive=True, preview=p.preview_file_import(read, label),
    )


def _file_export(
    fmt: str, action: str, extensions: tuple[str, ...], example: str, summary: str, *, description: str = "",
) -> Operation[Any, Any]:
    """The export of a table to a file of ``fmt`` (``tags.export-<fmt>``, routes ``…/actions/export-<action>``)."""
    return Operation(
        name=f"tags.export-{fmt}", summary=summary, section=SECTION, description=description,
        handler=export_handler(fmt), input=ExportFileInput, output=TagExportResult,
        route=RouteSpec("POST", TABLE + f"/actions/export-{action}-sync"),
        async_route=RouteSpec("POST", TABLE + f"/actions/export-{action}"), long_running=True,
        files={"export_path": FileRule(extensions=extensions, allow_directory=False, writes=True)},
        example={"exportPath": example}, errors=_WRITE_ERRORS, destructive=True, preview=p.preview_export,
    )


def _constants_list(
    call: str, kind: ConstantKind, summary: str, *, description: str = "",
) -> Operation[TableRef, list[ConstantInfo]]:
    """A table's constants of one ``kind`` (``constants.<call>``, route ``…/constants`` for all, else ``…/<kind>``)."""
    return read(f"constants.{call}", SECTION, summary, TABLE + "/constants" + ("" if kind == "all" else f"/{kind}"),
                lambda ctx, d: ctx.backend.tag_constants.list_constants(d.device_name, d.table_name, kind), TableRef,
                list[ConstantInfo], description=description, errors=_READ_ERRORS)


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    # ----- tag tables -------------------------------------------------------------------------
    read("tag-tables.list", SECTION, "List tag tables.", BASE + "/tag-tables",
         lambda ctx, d: ctx.backend.tags.list_tag_tables(d.device_name), DeviceRef, list[TagTableInfo],
         errors=_READ_ERRORS, async_path=BASE + "/tag-tables/async"),
    read("tag-tables.tree", SECTION, "Get the tag table tree view including folders.", BASE + "/tag-tables/tree",
         lambda ctx, d: ctx.backend.tags.tag_table_tree(d.device_name), DeviceRef, TagTableNode, errors=_READ_ERRORS),
    Operation(
        name="tag-tables.create", summary="Create a tag table.", section=SECTION,
        handler=lambda ctx,
        d: ctx.backend.tags.create_tag_table(d.device_name, first_given(d.name, d.table_name, what="name"), d.folder),
        input=CreateTableInput, output=TagTableInfo,
        route=RouteSpec("POST", BASE + "/tag-tables/actions/create-sync"),
        async_route=RouteSpec("POST", BASE + "/tag-tables/actions/create"),
        example={"name": "Motors", "folder": "Line1"}, errors=_WRITE_ERRORS,
        snapshot_targets=lambda d: [SnapshotTarget(d.device_name, "tag_table", d.name or d.table_name or "")],
    ),
    Operation(
        name="tag-tables.rename", summary="Rename a tag table.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.tags.rename_tag_table(d.device_name, d.table_name,
                                                               first_given(d.new_name, d.name, what="newName")),
        input=RenameTableInput, output=TagTableInfo,
        route=RouteSpec("PUT", TABLE + "/actions/update-sync"), async_route=RouteSpec("PUT", TABLE + "/actions/update"),
        example={"newName": "Motors_Line1"}, errors=(*_WRITE_ERRORS, e.ConflictError), snapshot_targets=table_target,
    ),
    Operation(
        name="tag-tables.delete", summary="Delete a tag table.", section=SECTION,
        handler=lambda ctx, d: (ctx.backend.tags.delete_tag_table(d.device_name, d.table_name),
                                deleted_answer("tag table", d.table_name))[1],
        input=TableRef, output=dict[str, str],
        route=RouteSpec("DELETE", TABLE + "/actions/delete-sync"),
        async_route=RouteSpec("DELETE", TABLE + "/actions/delete"),
        errors=(e.NotFoundError, e.ConflictError, *_NEEDS_PROJECT), snapshot_targets=table_target,
        destructive=True, preview=p.preview_table_delete,
    ),
    Operation(
        name="tag-tables.folders.create", summary="Create a tag table folder.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.tags.create_tag_table_folder(d.device_name, folder_path_of(d)),
        input=FolderInput,
        output=TagTableNode, route=RouteSpec("POST", BASE + "/tag-tables/folders"), example={"path": "Line1/Motors"},
        errors=_WRITE_ERRORS, snapshot_targets=lambda d: [],
    ),
    Operation(
        name="tag-tables.folders.delete", summary="Delete a tag table folder (and the tables in it).", section=SECTION,
        handler=lambda ctx, d: ctx.backend.tags.delete_tag_table_folder(d.device_name, folder_path_of(d)),
        input=FolderInput,
        output=list[str], route=RouteSpec("DELETE", BASE + "/tag-tables/folders"),
        errors=(e.NotFoundError, e.ConflictError, e.ValidationError, *_NEEDS_PROJECT), snapshot_targets=lambda d: [],
        destructive=True, preview=p.preview_folder_delete,
    ),
    read("tag-tables.export-xml", SECTION, "Export tags from a table as XML.", TABLE + "/export-xml", export_xml,
         TableRef, str,
         description="The table's SimaticML (SW.Tags.PlcTagTable) as TIA exports it; data is the XML text.",
         errors=_READ_ERRORS),
    # ----- tags -------------------------------------------------------------------------------
    read("tags.list", SECTION, "Get all tags from a specific tag table.", TABLE + "/tags",
         lambda ctx, d: ctx.backend.tags.list_tags(d.device_name, d.table_name), TableRef, list[TagInfo],
         errors=_READ_ERRORS, async_path=TABLE + "/tags/async"),
    read("tags.list-all", SECTION, "Get all tags across all tables.", BASE + "/tags/all",
         lambda ctx, d: ctx.backend.tags.list_all_tags(d.device_name), DeviceRef, list[TagInfo], errors=_READ_ERRORS),
    Operation(
        name="tags.create", summary="Add a single tag.", section=SECTION,
        description="Into tableName (default: the default tag table). Overlapping addresses are allowed and "
                    "answered in warnings, as TIA warns.",
        handler=lambda ctx, d: ctx.backend.tags.create_tag(d.device_name, d.table_name, tag_spec(d)),
        input=CreateTagInput,
        output=TagChange, route=RouteSpec("POST", BASE + "/tags"),
        example={**_TAG_EXAMPLE, "tableName": "Default tag table"}, errors=_WRITE_ERRORS,
        snapshot_targets=table_target,
    ),
    Operation(
        name="tags.create-in-table", summary="Add a tag to a tag table (the route the T-IA Connect client posts to).",
        section=SECTION,
        handler=lambda ctx, d: ctx.backend.tags.create_tag(d.device_name, d.table_name, tag_spec(d)),
        input=CreateTagInput,
        output=TagChange, route=RouteSpec("POST", TABLE + "/tags"), example=_TAG_EXAMPLE, errors=_WRITE_ERRORS,
        snapshot_targets=table_target,
    ),
    Operation(
        name="tags.update", summary="Update a tag.", section=SECTION, handler=update_tag, input=UpdateTagInput,
        output=TagChange, route=RouteSpec("PUT", TABLE + "/tags/{tagName}"),
        example={"logicalAddress": "%Q0.1", "comment": "moved"}, errors=_WRITE_ERRORS, snapshot_targets=table_target,
    ),
    Operation(
        name="tags.delete", summary="Delete a tag.", section=SECTION,
        handler=lambda ctx,
        d: (ctx.backend.tags.delete_tag(d.device_name, d.table_name, d.tag_name), deleted_answer("tag", d.tag_name))[1],
        input=TagRef, output=dict[str, str], route=RouteSpec("DELETE", TABLE + "/tags/{tagName}"),
        errors=(e.NotFoundError, *_NEEDS_PROJECT), snapshot_targets=table_target,
        destructive=True, preview=p.preview_tag_delete,
    ),
    # ----- constants --------------------------------------------------------------------------
    _constants_list("list", "all", "List constants in a tag table.", description="User constants of the table; the "
                    "default tag table also lists the PLC's system constants."),
    _constants_list("user", "user", "Get user constants only from a tag table."),
    _constants_list("system", "system", "Get system constants only from a tag table.",
                    description="System constants (hardware identifiers, OB numbers) belong to the PLC and are listed "
                                "in the default tag table; other tables have none."),
    Operation(
        name="constants.create", summary="Create a constant in a tag table.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.tag_constants.create_constant(
            d.device_name, d.table_name,
            ConstantSpec(name=d.name, data_type=d.data_type, value=d.value, comment=d.comment)
        ),
        input=CreateConstantInput, output=ConstantInfo, route=RouteSpec("POST", TABLE + "/constants"),
        example={"name": "MAX_PUMPS", "dataType": "Int", "value": "8"}, errors=_WRITE_ERRORS,
        snapshot_targets=table_target,
    ),
    Operation(
        name="constants.update", summary="Update a constant in a tag table.", section=SECTION,
        handler=update_constant, input=UpdateConstantInput, output=ConstantInfo,
        route=RouteSpec("PUT", TABLE + "/constants/{constantName}"), example={"value": "10"}, errors=_WRITE_ERRORS,
        snapshot_targets=table_target,
    ),
    Operation(
        name="constants.delete", summary="Delete a constant from a tag table.", section=SECTION,
        handler=lambda ctx, d: (
            ctx.backend.tag_constants.delete_constant(d.device_name, d.table_name, d.constant_name),
            deleted_answer("user constant", d.constant_name),
        )[1],
        input=ConstantRef, output=dict[str, str], route=RouteSpec("DELETE", TABLE + "/constants/{constantName}"),
        errors=(e.NotFoundError, e.ValidationError, *_NEEDS_PROJECT), snapshot_targets=table_target,
        destructive=True, preview=p.preview_constant_delete,
    ),
    # ----- import and export ------------------------------------------------------------------
    Operation(
        name="tags.import-json", summary="Import tags from JSON.", section=SECTION, handler=import_json,
        input=ImportJsonInput, output=TagImportResult,
        route=RouteSpec("POST", BASE + "/tags/actions/import-sync"),
        async_route=RouteSpec("POST", BASE + "/tags/actions/import"), long_running=True,
        files={"file_path": FileRule(extensions=JSON, must_exist=True, allow_directory=False)},
        example={"tableName": "IO", "tags": [_TAG_EXAMPLE]}, errors=_WRITE_ERRORS, snapshot_targets=json_targets,
        destructive=True, preview=p.preview_json_import,
    ),
    Operation(
        name="tags.import-simaticml", summary="Import a tag table exported by TIA as SimaticML.", section=SECTION,
        handler=import_simaticml, input=ImportSimaticmlInput, output=TagImportResult,
        route=RouteSpec("POST", BASE + "/tag-tables/actions/import-simaticml-sync"),
        async_route=RouteSpec("POST", BASE + "/tag-tables/actions/import-simaticml"), long_running=True,
        files={"file_path": FileRule(extensions=XML, must_exist=True, allow_directory=False)},
        example={"filePath": "imports/Default tag table.xml"}, errors=_WRITE_ERRORS,
        snapshot_targets=simaticml_targets, destructive=True, preview=p.preview_simaticml_import,
        description="The document a tag table's Export writes (SW.Tags.PlcTagTable): its tags and user constants "
                    "go to the table it names (created when missing) or to tableName, with the checks of the "
                    "CSV, Excel and JSON imports; all or nothing. The document is judged first by the one check "
                    "of `simaticml check`: its errors (TAG_INVALID, TAG_DUPLICATE, INVALID_SIMATICML) at their "
                    "lines in details.files of the 422.",
    ),
    _file_import("csv", tag_formats.read_csv, "CSV", CSV, "Import tags from a CSV file."),
    _file_import("xlsx", tag_formats.read_xlsx, "Excel", XLSX, "Import tags from an Excel file.",
                 description="TIA's tag export layout (sheet 'PLC Tags', optional 'User Constants')."),
    _file_export("xlsx", "excel", XLSX, "exports/PLCTags.xlsx", "Export tags from a table to an Excel file.",
                 description="TIA's tag export layout: sheets 'PLC Tags' and 'User Constants'."),
    _file_export("csv", "csv", CSV, "exports/PLCTags.csv", "Export tags from a table to a CSV file."),
    _file_export("json", "json", JSON, "exports/tags.json",
                 "Export tags and user constants from a table to a JSON file."),
)
