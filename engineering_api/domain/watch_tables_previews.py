"""Dry runs of the destructive Watch & Force Tables operations (:mod:`engineering_api.jobs.preview`).

Deletes list the tables and entries that go and the forces they end (refused like the call with 409
``FORCING_ACTIVE`` unless ``stopForcing``); start/stop forcing list the forces the online CPU gains and loses;
imports and exports name what they would overwrite.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas.watch_tables import FORCE_TABLE, WATCH_TABLE
from engineering_api.errors import codes
from engineering_api.jobs.preview import (
    PlannedChange,
    Preview,
    file_change,
    kind_of,
    names,
    needs_confirmation,
    plan,
    plural,
)

if TYPE_CHECKING:
    from engineering_api.backend.areas.watch_tables import TableDetails
    from engineering_api.domain.watch_tables_inputs import (
        DeleteFolderInput,
        DeleteTableInput,
        ExportTableInput,
        ImportTableInput,
        RemoveEntriesInput,
        StartForcingInput,
        TableRef,
    )
    from engineering_api.jobs.operations import OperationContext

__all__ = (
    "preview_clear", "preview_delete", "preview_delete_folder", "preview_export", "preview_import",
    "preview_remove_entries", "preview_start_forcing", "preview_stop_forcing",
)

_LABEL = {WATCH_TABLE: "watch table", FORCE_TABLE: "force table"}


def _entry_changes(
    action: str, device: str, table: TableDetails, operands: list[str] | None = None
) -> list[PlannedChange]:
    wanted = {o.strip().lower() for o in operands} if operands is not None else None
    return [PlannedChange(action=action, kind="entry", name=x.name, device=device,
                          detail=f"in '{table.name}'" + (f", {x.data_type}" if x.data_type else ""))
            for x in table.entries if wanted is None or x.name.lower() in wanted]


def _released(device: str, tables: list[TableDetails], stop_forcing: bool) -> list[PlannedChange]:
    """Forces a delete ends: refused without ``stopForcing`` (409 FORCING_ACTIVE, as the call), else listed."""
    changes = []
    for table in tables:
        forced = [x.name for x in table.entries if x.forced]
        if table.kind == FORCE_TABLE and forced and not stop_forcing:
            raise e.ConflictError(
                f"The force table '{table.name}' is forcing {', '.join(forced)} in the CPU. Stop forcing first, "
                "or send stopForcing=true to remove its forces and delete it.",
                code=codes.FORCING_ACTIVE, details={"operands": forced})
        changes += [PlannedChange(action="unforce", kind="force", name=name, device=device,
                                  detail=f"forced by '{table.name}' in the online CPU") for name in forced]
    return changes


def preview_delete(kind: str) -> Any:
    def preview(ctx: OperationContext, d: DeleteTableInput) -> Preview:
        table = ctx.backend.watch_tables.get_watch_force_table(d.device_name, kind, d.table_name)
        unforce = _released(d.device_name, [table], d.stop_forcing)
        change = PlannedChange(action="delete", kind=kind_of(kind), name=table.name, device=d.device_name,
                               detail=plural(table.entry_count, "entry", "entries")
                               + (f" in '{table.folder}'" if table.folder else ""))
        ending = f", ending its forces on {names(c.name for c in unforce)}" if unforce else ""
        return plan(f"Would delete the {_LABEL[kind]} '{table.name}' of {d.device_name} with "
                    f"{plural(table.entry_count, 'entry', 'entries')}{ending}.", [*unforce, change])

    return preview


def preview_remove_entries(kind: str) -> Any:
    def preview(ctx: OperationContext, d: RemoveEntriesInput) -> Preview:
        operands = [*d.names, *d.tags]
        table = ctx.backend.watch_tables.get_watch_force_table(d.device_name, kind, d.table_name)
        if not operands:
            raise e.ValidationError("Name at least one entry (its operand) to remove.", code=codes.NO_ENTRIES)
        missing = sorted({o.strip().lower() for o in operands} - {x.name.lower() for x in table.entries})
        if missing:
            raise e.NotFoundError(f"The {_LABEL[kind]} '{table.name}' has no entries {', '.join(missing)}; nothing "
                                  "was removed.", code=codes.ENTRY_NOT_FOUND, details={"operands": missing})
        changes = _entry_changes("delete", d.device_name, table, operands)
        return plan(f"Would remove {plural(len(changes), 'entry', 'entries')} ({names(c.name for c in changes)}) from "
                    f"the {_LABEL[kind]} '{table.name}' of {d.device_name}.", changes)

    return preview


def preview_clear(ctx: OperationContext, d: TableRef) -> Preview:
    table = ctx.backend.watch_tables.get_watch_force_table(d.device_name, WATCH_TABLE, d.table_name)
    changes = _entry_changes("delete", d.device_name, table)
    if not changes:
        return plan(f"The watch table '{table.name}' is empty; nothing would change.", [])
    return plan(f"Would remove all {plural(len(changes), 'entry', 'entries')} of the watch table '{table.name}' of "
                f"{d.device_name}.", changes)


def preview_export(kind: str) -> Any:
    def preview(ctx: OperationContext, d: ExportTableInput) -> Preview:
        from engineering_api.domain.blocks.support import export_target

        ctx.backend.watch_tables.export_watch_force_table(d.device_name, kind, d.table_name)
        target = export_target(d.export_path, d.table_name, ".xml", d.overwrite)
        if target.suffix.lower() != ".xml":
            raise e.ValidationError("The export file must end in .xml.", code=codes.PATH_REJECTED,
                                    details={"field": "exportPath"})
        change, what = file_change(target, d.overwrite)
        return plan(f"Would export the {_LABEL[kind]} '{d.table_name}' of {d.device_name} and {what}.",
                    [change] if change else [])

    return preview


def _online_forces(ctx: OperationContext, device: str) -> tuple[str, str, dict[str, Any]]:
    """The online CPU's name, state and every force it holds.

    Raises:
        ConflictError: ``DEVICE_OFFLINE``, as forcing acts on the online CPU.
    """
    status = ctx.backend.online.online_status(device)
    if not status.online or status.instance_name is None:
        raise e.ConflictError(f"The device '{device}' is offline. Go online with its CPU first; forcing acts on "
                              "the online CPU.", code=codes.DEVICE_OFFLINE)
    state = ctx.backend.simulation.instance_state(status.instance_name)
    return status.instance_name, state.operating_state, dict(state.forces)


def preview_start_forcing(ctx: OperationContext, d: StartForcingInput) -> Preview:
    table = ctx.backend.watch_tables.get_watch_force_table(d.device_name, FORCE_TABLE, d.table_name)
    rows = [x for x in table.entries if x.force_intention]
    if not rows:
        raise e.ValidationError(f"The force table '{table.name}' has no entry with a force value to force.",
                                code=codes.NOTHING_TO_FORCE)
    cpu, state, forces = _online_forces(ctx, d.device_name)
    changes = [PlannedChange(action="unforce", kind="force", name=name, device=d.device_name,
                             detail=f"forced to {value} now; start-forcing replaces every force of the CPU")
               for name, value in forces.items()]
    changes += [PlannedChange(action="force", kind="force", name=x.name, device=d.device_name,
                              detail=f"to {x.force_value} in CPU '{cpu}' ({state.upper()})") for x in rows]
    ending = f", removing the {plural(len(forces), 'force')} it holds now ({names(forces)})" if forces else ""
    return plan(f"Would force {plural(len(rows), 'operand')} ({names(x.name for x in rows)}) in the CPU '{cpu}' "
                f"({state.upper()}){ending}.", changes, needs_confirmation(state, d.confirm))


def preview_stop_forcing(ctx: OperationContext, d: TableRef) -> Preview:
    table = ctx.backend.watch_tables.get_watch_force_table(d.device_name, FORCE_TABLE, d.table_name)
    cpu, _, _ = _online_forces(ctx, d.device_name)
    ended = [x.name for x in table.entries if x.forced]
    if not ended:
        return plan(f"The CPU '{cpu}' forces none of the operands of '{table.name}'; nothing would change.", [])
    return plan(f"Would stop forcing {names(ended)} in the CPU '{cpu}' (other forces stay).",
                [PlannedChange(action="unforce", kind="force", name=name, device=d.device_name,
                               detail=f"forced by '{table.name}'") for name in ended])


def preview_import(ctx: OperationContext, d: ImportTableInput) -> Preview:
    from simatic_xml import SimaticMLError
    from simatic_xml.watchtables import read_table

    from engineering_api.domain.watch_table_verdict import refuse_table, table_errors

    path = Path(d.import_file_path)
    raw = path.read_bytes()
    refuse_table(path.name, raw, table_errors(ctx, d.device_name, raw, path.name), allow_invalid=d.allow_invalid)
    try:
        table = read_table(raw)
    except SimaticMLError as exc:
        raise e.ValidationError(f"{path.name} is not a SimaticML watch or force table: {exc}",
                                code=codes.INVALID_SIMATICML) from None
    tables = [t for kind in (WATCH_TABLE, FORCE_TABLE)
              for t in ctx.backend.watch_tables.list_watch_force_tables(d.device_name, kind)]
    clash = next((t for t in tables if t.name.lower() == table.name.lower()), None)
    if clash is not None and not d.overwrite:
        raise e.AlreadyExistsError(f"A {_LABEL[clash.kind]} named '{clash.name}' already exists.",
                                   code=codes.TABLE_EXISTS)
    if clash is not None and clash.kind != table.kind:
        raise e.ConflictError(f"'{clash.name}' is a {_LABEL[clash.kind]}; it cannot be replaced by a "
                              f"{_LABEL[table.kind]}.", code=codes.TABLE_KIND_MISMATCH)
    others = [t.name for t in tables if t.kind == FORCE_TABLE and t is not clash]
    if table.kind == FORCE_TABLE and others:
        raise e.ConflictError(f"The PLC already has its force table '{others[0]}'; a CPU has exactly one force "
                              "table. Add entries to it, or delete it first.", code=codes.FORCE_TABLE_EXISTS)
    rows = plural(len(table.entries), "entry", "entries")
    if clash is not None:
        return plan(f"Would overwrite the {_LABEL[clash.kind]} '{clash.name}' of {d.device_name} "
                    f"({plural(clash.entry_count, 'entry', 'entries')}) with {rows} from {path.name}.",
                    [PlannedChange(action="overwrite", kind=kind_of(clash.kind), name=clash.name, device=d.device_name,
                                   detail=f"{plural(clash.entry_count, 'entry', 'entries')} replaced by {rows}")])
    return plan(f"Would create the {_LABEL[table.kind]} '{table.name}' in {d.device_name} with {rows}; nothing would "
                "be overwritten.", [PlannedChange(action="create", kind=kind_of(table.kind), name=table.name,
                                                   device=d.device_name, detail=rows)])


def preview_delete_folder(ctx: OperationContext, d: DeleteFolderInput) -> Preview:
    path = "/".join(part.strip() for part in d.folder_path.strip().strip("/\\").replace("\\", "/").split("/"))
    folders = ctx.backend.watch_tables.watch_force_folders(d.device_name)
    if path not in folders:
        raise e.NotFoundError(f"The folder '{d.folder_path}' was not found.", code=codes.FOLDER_NOT_FOUND)
    inside = [ctx.backend.watch_tables.get_watch_force_table(d.device_name, t.kind, t.name)
              for kind in (WATCH_TABLE, FORCE_TABLE)
              for t in ctx.backend.watch_tables.list_watch_force_tables(d.device_name, kind)
              if t.folder == path or t.folder.startswith(path + "/")]
    changes = _released(d.device_name, inside, d.stop_forcing)
    changes += [PlannedChange(action="delete", kind="folder", name=f, device=d.device_name)
                for f in folders if f == path or f.startswith(path + "/")]
    changes += [PlannedChange(action="delete", kind=kind_of(t.kind), name=t.name, device=d.device_name,
                              detail=f"in '{t.folder}', {plural(t.entry_count, 'entry', 'entries')}") for t in inside]
    what = f" with {plural(len(inside), 'table')} ({names(t.name for t in inside)})" if inside \
        else " (no tables inside)"
    return plan(f"Would delete the folder '{path}'{what} from the watch and force tables of {d.device_name}.", changes)
