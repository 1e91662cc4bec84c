"""Watch & Force Tables operations: watch and force tables of a PLC, their entries, SimaticML, forcing.

Watch and force tables share the routes' shapes, so both sets are built by :func:`_table_operations`.
Entries are added with ``entries`` (objects: ``name`` = the operand, ``displayFormat``, ``comment``,
``modifyValue``/``forceValue``...) and/or ``tags`` (operands only); an entry whose operand is already in
the table is replaced. Operands that do not resolve in the PLC's software are refused with 422
``INVALID_OPERAND`` (every bad operand listed, nothing added) unless ``allowInvalid`` is true, which keeps
them as entries marked ``isValid: false`` (TIA shows such rows as invalid). Force tables take inputs and
outputs only (422 ``NOT_FORCEABLE``); a PLC has one force table, as in TIA (409 ``FORCE_TABLE_EXISTS``).

While the device is online, ``GET`` of a table returns each entry's live ``value``, ``dataType`` and
``quality`` from the online CPU. Extensions (not in the T-IA Connect reference): force-table entries,
``start-forcing`` (replaces every force of the online CPU with the table's; a CPU in RUN needs
``{"confirm": true}``) and ``stop-forcing``. A force table whose forces are active is deleted only with
``stopForcing=true``, which removes them first (409 ``FORCING_ACTIVE`` otherwise).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas.watch_tables import (
    FORCE_TABLE,
    WATCH_TABLE,
    EntrySpec,
    ForcingResult,
    TableDetails,
    TableFolderRemoval,
    TableInfo,
)
from engineering_api.domain.blocks.support import target_file
from engineering_api.domain.common import NEEDS_PLC, XML, DeviceRef
from engineering_api.domain.watch_table_verdict import refuse_table, table_errors
from engineering_api.domain.watch_tables_inputs import (
    AddEntriesInput,
    CreateTableInput,
    DeleteFolderInput,
    DeleteTableInput,
    ExportTableInput,
    FolderInput,
    ImportTableInput,
    RemoveEntriesInput,
    StartForcingInput,
    TableExportResult,
    TableFolderResult,
    TableRef,
)
from engineering_api.domain.watch_tables_previews import (
    preview_clear,
    preview_delete,
    preview_delete_folder,
    preview_export,
    preview_import,
    preview_remove_entries,
    preview_start_forcing,
    preview_stop_forcing,
)
from engineering_api.errors import codes
from engineering_api.jobs.operations import (
    FileRule,
    Operation,
    OperationContext,
    RouteSpec,
    read,
)
from engineering_api.lib.security import Role

__all__ = ("OPERATIONS", "SECTION")

SECTION = "Watch & Force Tables"
DEVICE = "/api/devices/{deviceName}"
_ENTRY_EXAMPLE = {
    "entries": [{"name": '"Motor_DB".Speed', "displayFormat": "DEC+/-", "comment": "rpm"},
                {"name": "%I0.0", "modifyValue": True}],
    "tags": ['"Conveyor_Start"'],
}


def _specs(d: CreateTableInput | AddEntriesInput) -> list[EntrySpec]:
    return [*d.entries, *(EntrySpec(name=tag) for tag in d.tags)]


def _export(ctx: OperationContext, d: ExportTableInput, kind: str) -> TableExportResult:
    xml = ctx.backend.watch_tables.export_watch_force_table(d.device_name, kind, d.table_name)
    target = target_file(d.export_path, d.table_name, ".xml", d.overwrite)
    if target.suffix.lower() != ".xml":
        raise e.ValidationError("The export file must end in .xml.", code=codes.PATH_REJECTED,
                                details={"field": "exportPath"})
    target.write_bytes(xml)
    return TableExportResult(name=d.table_name, kind=kind, export_path=str(target), size=len(xml))


def _import(ctx: OperationContext, d: ImportTableInput) -> TableDetails:
    path = Path(d.import_file_path)
    data = path.read_bytes()
    # the one check first, as every import: what it refuses is refused at its line before the port reads it
    refuse_table(path.name, data, table_errors(ctx, d.device_name, data, path.name), allow_invalid=d.allow_invalid)
    return ctx.backend.watch_tables.import_watch_force_table(
        d.device_name, data, folder=d.folder_path, overwrite=d.overwrite, allow_invalid=d.allow_invalid,
        source=path.name,
    )


def _remove_folder(ctx: OperationContext, d: DeleteFolderInput) -> TableFolderRemoval:
    return ctx.backend.watch_tables.delete_watch_force_folder(d.device_name, d.folder_path, stop_forcing=d.stop_forcing)


def _table_operations(kind: str, prefix: str, label: str) -> tuple[Operation[Any, Any], ...]:
    """List, create, get, delete, add/remove entries and export, for watch tables or force tables."""
    base = f"{DEVICE}/{prefix}"
    one = f"{base}/{{tableName}}"
    extension = " (extension)" if kind == FORCE_TABLE else ""
    return (
        read(f"{prefix}.list", SECTION, f"List all {label}s in the device.", base,
             lambda ctx, d: ctx.backend.watch_tables.list_watch_force_tables(d.device_name, kind), DeviceRef,
             list[TableInfo], errors=NEEDS_PLC),
        Operation(
            name=f"{prefix}.create", summary=f"Create a new {label}.", section=SECTION,
            handler=lambda ctx, d: ctx.backend.watch_tables.create_watch_force_table(
                d.device_name, kind, d.name, folder=d.folder_path, entries=_specs(d), allow_invalid=d.allow_invalid),
            input=CreateTableInput, output=TableDetails, route=RouteSpec("POST", base),
            errors=(*NEEDS_PLC, e.AlreadyExistsError, e.ConflictError),
            example={"name": "Motor_Watch" if kind == WATCH_TABLE else "Force table", "folderPath": "",
                     "tags": ['"Start"'] if kind == WATCH_TABLE else ["%I0.0:P"]},
        ),
        read(f"{prefix}.get", SECTION, f"Get a {label} with its entries; live values while the device is online.", one,
             lambda ctx, d: ctx.backend.watch_tables.get_watch_force_table(d.device_name, kind, d.table_name), TableRef,
             TableDetails, errors=(*NEEDS_PLC, e.ConflictError)),
        Operation(
            name=f"{prefix}.delete", summary=f"Delete a {label} from the device.", section=SECTION,
            handler=lambda ctx, d: ctx.backend.watch_tables.delete_watch_force_table(
                d.device_name, kind, d.table_name, stop_forcing=d.stop_forcing),
            input=DeleteTableInput, output=TableInfo, route=RouteSpec("DELETE", one),
            errors=(*NEEDS_PLC, e.ConflictError),
            description="A force table whose forces are active in the online CPU: 409 FORCING_ACTIVE unless "
                        "stopForcing=true, which removes its forces first." if kind == FORCE_TABLE else "",
            destructive=True, preview=preview_delete(kind),
        ),
        Operation(
            name=f"{prefix}.entries.add", summary=f"Add one or more entries to a {label}{extension}.", section=SECTION,
            handler=lambda ctx, d: ctx.backend.watch_tables.add_watch_force_entries(
                d.device_name, kind, d.table_name, _specs(d), allow_invalid=d.allow_invalid),
            input=AddEntriesInput, output=TableDetails, route=RouteSpec("POST", f"{one}/entries"), errors=NEEDS_PLC,
            example=_ENTRY_EXAMPLE if kind == WATCH_TABLE else {
                "entries": [{"name": "%I0.0:P", "forceValue": True}, {"name": '"Valve_Out"', "forceValue": "FALSE"}]},
            description="An entry whose operand is in the table already is replaced. Operands that do not resolve: "
                        "422 INVALID_OPERAND listing them (nothing added) unless allowInvalid=true.",
        ),
        Operation(
            name=f"{prefix}.entries.remove", summary=f"Remove specific entries from a {label}{extension}.",
            section=SECTION, handler=lambda ctx, d: ctx.backend.watch_tables.remove_watch_force_entries(
                d.device_name, kind, d.table_name, [*d.names, *d.tags]),
            input=RemoveEntriesInput, output=TableDetails, route=RouteSpec("POST", f"{one}/entries/actions/remove"),
            errors=NEEDS_PLC, example={"names": ['"Motor_DB".Speed']}, destructive=True,
            preview=preview_remove_entries(kind),
        ),
        Operation(
            name=f"{prefix}.export", summary=f"Export a {label} to an XML file on disk.", section=SECTION,
            handler=lambda ctx, d: _export(ctx, d, kind), input=ExportTableInput, output=TableExportResult,
            route=RouteSpec("POST", f"{one}/actions/export"), files={"export_path": FileRule(writes=True)},
            errors=(*NEEDS_PLC, e.AlreadyExistsError), example={"exportPath": f"export/{prefix}.xml"},
            destructive=True, preview=preview_export(kind),
        ),
    )


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    *_table_operations(WATCH_TABLE, "watch-tables", "watch table"),
    Operation(
        name="watch-tables.entries.clear", summary="Clear all entries from a watch table.", section=SECTION,
        handler=lambda ctx,
        d: ctx.backend.watch_tables.clear_watch_force_entries(d.device_name, WATCH_TABLE, d.table_name),
        input=TableRef, output=TableDetails,
        route=RouteSpec("POST", f"{DEVICE}/watch-tables/{{tableName}}/entries/actions/clear"), errors=NEEDS_PLC,
        destructive=True, preview=preview_clear,
    ),
    *_table_operations(FORCE_TABLE, "force-tables", "force table"),
    Operation(
        name="force-tables.start-forcing",
        summary="Start or replace forcing with the force table's entries in the online CPU (extension).",
        section=SECTION, handler=lambda ctx,
        d: ctx.backend.watch_tables.start_forcing(d.device_name, d.table_name, confirm=d.confirm),
        input=StartForcingInput, output=ForcingResult,
        route=RouteSpec("POST", f"{DEVICE}/force-tables/{{tableName}}/actions/start-forcing"),
        role=Role.ENGINEER, errors=(*NEEDS_PLC, e.ConflictError), example={"confirm": True},
        description="Every entry with forceIntention is forced; all other forces of the CPU are removed (TIA's "
                    "'Start or replace forcing'). Everything is checked before anything is forced. Forces hold "
                    "until stop-forcing (also across STOP/RUN). The device must be online; a CPU in RUN is only "
                    "forced with confirm=true (409 FORCE_NOT_CONFIRMED).",
        destructive=True, preview=preview_start_forcing,
    ),
    Operation(
        name="force-tables.stop-forcing",
        summary="Stop forcing the force table's operands in the online CPU (extension).", section=SECTION,
        handler=lambda ctx, d: ctx.backend.watch_tables.stop_forcing(d.device_name, d.table_name), input=TableRef,
        output=ForcingResult, route=RouteSpec("POST", f"{DEVICE}/force-tables/{{tableName}}/actions/stop-forcing"),
        role=Role.ENGINEER, errors=(*NEEDS_PLC, e.ConflictError),
        destructive=True, preview=preview_stop_forcing,
    ),
    Operation(
        name="watch-force-tables.import", summary="Import a watch or force table from an XML file.", section=SECTION,
        handler=_import, input=ImportTableInput, output=TableDetails,
        route=RouteSpec("POST", f"{DEVICE}/watch-force-tables/actions/import"),
        files={"import_file_path": FileRule(extensions=XML, must_exist=True, allow_directory=False)},
        errors=(*NEEDS_PLC, e.AlreadyExistsError, e.ConflictError),
        example={"importFilePath": "export/Motor_Watch.xml", "overwrite": False},
        description="A SimaticML PlcWatchTable or PlcForceTable. Malformed XML or another object: 422 "
                    "INVALID_SIMATICML, nothing changes. Operands are checked as when adding entries, first by the "
                    "one check of `simaticml check` with the PLC's tag tables: its findings (WATCH_OPERAND, "
                    "WATCH_NOT_FORCEABLE, WATCH_VALUE, INVALID_SIMATICML) at their lines in details.files.",
        destructive=True, preview=preview_import,
    ),
    Operation(
        name="watch-force-tables.folders.create", summary="Create a folder in the watch/force tables container.",
        section=SECTION, handler=lambda ctx, d: TableFolderResult(
            folder_path=ctx.backend.watch_tables.create_watch_force_folder(d.device_name, d.folder_path)),
        input=FolderInput, output=TableFolderResult, route=RouteSpec("POST", f"{DEVICE}/watch-force-tables/folders"),
        errors=(*NEEDS_PLC, e.AlreadyExistsError), example={"folderPath": "Commissioning/Motors"},
    ),
    Operation(
        name="watch-force-tables.folders.delete", summary="Delete a folder from the watch/force tables container.",
        section=SECTION, handler=_remove_folder, input=DeleteFolderInput, output=TableFolderRemoval,
        route=RouteSpec("DELETE", f"{DEVICE}/watch-force-tables/folders"), errors=(*NEEDS_PLC, e.ConflictError),
        description="folderPath in the query (a/b). Deletes the subfolders and tables inside; a force table "
                    "inside that is forcing: 409 FORCING_ACTIVE unless stopForcing=true.",
        destructive=True, preview=preview_delete_folder,
    ),
)
