"""Watch and force tables of the fake's PLC software, with live values from the online simulated CPU.

Tables are kept in ``PlcSoftware.watch_tables`` as SimaticML (:mod:`simatic_xml.watchtables`), so a
saved project holds them as files TIA could import. Operands are resolved and rows checked by
:mod:`engineering_api.rules.watch_operands`.

Forces live in the CPU (``SimulatedCpu.force``): start-forcing checks every entry first (operand in the
software and in the downloaded program, I/Q only, value fits the type), then replaces the CPU's forces
under the CPU's lock, so no scan sees half of them; if the CPU still refuses one, the previous forces are
put back. A force table whose forces are active is deleted only with ``stop_forcing``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from engineering_api.backend.areas.watch_tables import (FORCE_TABLE, WATCH_TABLE, ForcingResult, TableDetails,
                                                        TableEntry, TableFolderRemoval, TableInfo, WatchTablesPort)
from engineering_api.backend.errors import ConflictError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.document_versions import check_not_newer
from engineering_api.rules.folders import target_folder
from fakes.program import WatchForceTable as Stored
from fakes.program import normalise_folder
from fakes.runtime.cpu import CpuStateError, OperatingState, TagError
from fakes.runtime_errors import runtime_errors
from engineering_api.rules.watch_operands import Resolver, check_rows, merge_rows, plc_value, row_flag, table_row
from engineering_api.rules.watch_tables import (
    check_one_force_table, check_table_clash, check_table_name, entries_not_found, folder_not_found, no_entries,
    no_such_folder, read_table_document, table_not_found,
)
from simatic_xml.watchtables import WatchForceTable as Table
from simatic_xml.watchtables import read_table, table_to_bytes

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager

    from engineering_api.backend.areas.watch_tables import EntrySpec
    from fakes.program import PlcSoftware
    from fakes.runtime.cpu import TagReading
    from fakes.runtime_errors import Overrides
    from fakes.session import FakeSession

__all__ = ("FakeWatchTables", "OnlineCpu")

CATEGORY = "watch_tables"
_CPU_ERRORS: Overrides = {
    "InstanceNotRunning": (ConflictError, codes.INSTANCE_OFF),
    "DoesNotExist": (ConflictError, codes.OPERAND_NOT_LOADED),
    TagError: (ValidationError, codes.INVALID_VALUE),
    "not-forceable": (ValidationError, codes.NOT_FORCEABLE),
    CpuStateError: (ValidationError, codes.CPU_STATE),
}
"""Runtime errors of reading and forcing table operands, in the watch area's codes: any other tag error is
a value the operand does not take, any other state error a CPU that cannot force now."""
_CPU_HINTS = {"DoesNotExist": "Download the program first."}


class OnlineCpu(Protocol):
    """What the tables use of the CPU a device is online with (a :class:`~fakes.runtime.cpu.SimulatedCpu`, whatever
    program image it runs): its live values and forces, changed together under its lock."""

    @property
    def name(self) -> str:
        """The instance's name."""

    @property
    def state(self) -> OperatingState:
        """Its operating state."""

    @property
    def lock(self) -> AbstractContextManager[object]:
        """Held while the forces are replaced, so no scan sees half of them."""

    def read(self, name: str) -> TagReading:
        """An operand's live value."""

    def force(self, name: str, value: Any) -> TagReading:
        """Force an input or output."""

    def unforce(self, name: str | None = None) -> list[str]:
        """Remove one force (all with None); the names no longer forced."""

    def forces(self) -> dict[str, Any]:
        """Operand -> forced value."""


class FakeWatchTables(WatchTablesPort):
    """Watch and force tables of the fake's PLC software, live values and forces from the online simulated CPU.

    Args:
        session: the open project, read or changed in transactions.
        online_cpu: the simulated CPU a device is online with. Raises ConflictError ``DEVICE_OFFLINE``.
    """

    def __init__(self, session: FakeSession, online_cpu: Callable[[str], OnlineCpu]) -> None:
        self._session = session
        self._online_cpu = online_cpu

    # ----- storage ------------------------------------------------------------------------------
    def _wt_table(self, software: PlcSoftware, kind: str, name: str) -> Stored:
        spelled = software.watch_tables.spelled(name)
        stored = software.watch_tables.get(name) or (software.watch_tables[spelled] if spelled is not None else None)
        if stored is None or stored.kind != kind:
            raise table_not_found(kind, name)
        return stored

    def _wt_put(self, software: PlcSoftware, table: Table, folder: str, version: str) -> Stored:
        table.version = version
        stored = Stored(table.name, table.kind, table_to_bytes(table), folder)
        software.watch_tables[table.name] = stored
        return stored

    def _wt_rewrite(self, device: str, kind: str, name: str, change: Any) -> TableDetails:
        """Load a table, let ``change(table, resolver)`` edit it, store it; one transaction."""
        with self._session.change() as project:
            _, software = self._session.software(project, device)
            stored = self._wt_table(software, kind, name)
            table = read_table(stored.xml)
            change(table, Resolver(software))
            stored = self._wt_put(software, table, stored.folder, project.version)
        return self._wt_details(device, software, stored)

    # ----- views --------------------------------------------------------------------------------
    def _wt_online(self, device: str) -> OnlineCpu | None:
        """The CPU the device is online with; None offline."""
        try:
            return self._online_cpu(device)
        except ConflictError as exc:
            if exc.code != codes.DEVICE_OFFLINE:
                raise
            return None

    def _wt_forcing_cpu(self, device: str) -> OnlineCpu:
        """The CPU the device is online with, which forcing acts on. Raises ConflictError ``DEVICE_OFFLINE``."""
        cpu = self._wt_online(device)
        if cpu is None:
            raise ConflictError(f"The device '{device}' is offline. Go online with its CPU first; forcing acts on "
                                "the online CPU.", code=codes.DEVICE_OFFLINE)
        return cpu

    def _wt_info(self, software: PlcSoftware, stored: Stored, resolve: Resolver | None = None) -> TableInfo:
        table = read_table(stored.xml)
        resolve = resolve or Resolver(software)
        return TableInfo(name=stored.name, kind=stored.kind, folder=stored.folder, entry_count=len(table.entries),
                         is_consistent=all(resolve(r.operand).problem is None for r in table.entries))

    def _wt_details(self, device: str, software: PlcSoftware, stored: Stored) -> TableDetails:
        table, resolve, cpu = read_table(stored.xml), Resolver(software), self._wt_online(device)
        forced = {k.lower() for k in cpu.forces()} if cpu is not None else set()
        entries = []
        for row in table.entries:
            operand = resolve(row.operand)
            entry = TableEntry(
                name=row.operand, address=row.get("Address"), display_format=row.get("DisplayFormat"),
                comment=row.get("Comment"), monitor_trigger=row.get("MonitorTrigger"),
                data_type=operand.data_type, is_valid=operand.problem is None, problem=operand.problem,
            )
            if stored.kind == WATCH_TABLE:
                entry.modify_value, entry.modify_trigger = row.get("ModifyValue"), row.get("ModifyTrigger")
                entry.modify_intention = row_flag(row, WATCH_TABLE)
            else:
                entry.force_value, entry.force_intention = row.get("ForceValue"), row_flag(row, FORCE_TABLE)
            if cpu is not None and operand.problem is None:
                try:
                    live = cpu.read(operand.base)
                    entry.value, entry.quality, entry.data_type = live.value, live.quality, live.data_type
                except TagError as exc:
                    entry.quality = exc.code
                if stored.kind == FORCE_TABLE:
                    entry.forced = operand.base.lower() in forced
            entries.append(entry)
        info = self._wt_info(software, stored, resolve)
        return TableDetails(
            name=info.name, kind=info.kind, folder=info.folder, is_consistent=info.is_consistent,
            entry_count=info.entry_count, online=cpu is not None, entries=entries,
            forcing_active=any(e.forced for e in entries) if cpu is not None and stored.kind == FORCE_TABLE else None,
        )

    # ----- tables -------------------------------------------------------------------------------
    def list_watch_force_tables(self, device: str, kind: str) -> list[TableInfo]:
        _, software = self._session.software(self._session.project(), device)
        resolve = Resolver(software)
        return [self._wt_info(software, t, resolve) for t in software.watch_tables.values() if t.kind == kind]

    def get_watch_force_table(self, device: str, kind: str, name: str) -> TableDetails:
        _, software = self._session.software(self._session.project(), device)
        return self._wt_details(device, software, self._wt_table(software, kind, name))

    def create_watch_force_table(
        self, device: str, kind: str, name: str, *, folder: str = "", entries: list[EntrySpec] | None = None,
        allow_invalid: bool = False,
    ) -> TableDetails:
        table = Table(kind, check_table_name(name))
        with self._session.change() as project:
            _, software = self._session.software(project, device)
            self._wt_check_new(software, table, overwrite=False)
            resolve = Resolver(software)
            table.entries = merge_rows([], [table_row(kind, e, resolve(e.name.strip())) for e in entries or ()])
            check_rows(resolve, kind, table.entries, allow_invalid=allow_invalid)
            stored = self._wt_put(software, table, self._wt_folder(software, folder), project.version)
        return self._wt_details(device, software, stored)

    def _wt_check_new(self, software: PlcSoftware, table: Table, *, overwrite: bool) -> None:
        clash = next((t for t in software.watch_tables.values() if t.name.lower() == table.name.lower()), None)
        check_table_clash((clash.kind, clash.name) if clash is not None else None, table.kind, overwrite=overwrite)
        if clash is not None:
            del software.watch_tables[clash.name]
        check_one_force_table(table.kind, [t.name for t in software.watch_tables.values() if t.kind == FORCE_TABLE])

    def _wt_folder(self, software: PlcSoftware, folder: str) -> str:
        normalised = target_folder(folder, field="folderPath")
        if normalised and normalised not in software.folders.get(CATEGORY, set()):
            raise folder_not_found(folder)
        return normalised

    def delete_watch_force_table(self, device: str, kind: str, name: str, *, stop_forcing: bool = False) -> TableInfo:
        with self._session.change() as project:
            _, software = self._session.software(project, device)
            stored = self._wt_table(software, kind, name)
            info = self._wt_info(software, stored)
            self._wt_release_forces(device, software, [stored], stop_forcing=stop_forcing)
            del software.watch_tables[stored.name]
        return info

    def _wt_release_forces(self, device: str, software: PlcSoftware, tables: list[Stored], *,
                           stop_forcing: bool) -> None:
        """Refuse (or with ``stop_forcing`` end) active forces of force tables about to be deleted."""
        cpu = self._wt_online(device)
        if cpu is None:
            return
        for stored in (t for t in tables if t.kind == FORCE_TABLE):
            active = self._wt_active(cpu, Resolver(software), read_table(stored.xml))
            if active and not stop_forcing:
                raise ConflictError(
                    f"The force table '{stored.name}' is forcing {', '.join(active)} in the CPU. Stop forcing first, "
                    "or send stopForcing=true to remove its forces and delete it.",
                    code=codes.FORCING_ACTIVE, details={"operands": active})
            for operand in active:
                cpu.unforce(operand)

    @staticmethod
    def _wt_active(cpu: OnlineCpu, resolve: Resolver, table: Table) -> list[str]:
        forced = {k.lower(): k for k in cpu.forces()}
        return [forced[b] for b in dict.fromkeys(resolve(r.operand).base.lower() for r in table.entries) if b in forced]

    # ----- entries ------------------------------------------------------------------------------
    def add_watch_force_entries(
        self, device: str, kind: str, name: str, entries: list[EntrySpec], *, allow_invalid: bool = False,
    ) -> TableDetails:
        if not entries:
            raise no_entries(removing=False)

        def add(table: Table, resolve: Resolver) -> None:
            rows = [table_row(kind, e, resolve(e.name.strip())) for e in entries]
            check_rows(resolve, kind, rows, allow_invalid=allow_invalid)
            table.entries = merge_rows(table.entries, rows)

        return self._wt_rewrite(device, kind, name, add)

    def remove_watch_force_entries(self, device: str, kind: str, name: str, operands: list[str]) -> TableDetails:
        if not operands:
            raise no_entries(removing=True)

        def remove(table: Table, _: Resolver) -> None:
            wanted = {o.strip().lower() for o in operands}
            missing = sorted(wanted - {r.operand.lower() for r in table.entries})
            if missing:
                raise entries_not_found(kind, table.name, missing)
            table.entries = [r for r in table.entries if r.operand.lower() not in wanted]

        return self._wt_rewrite(device, kind, name, remove)

    def clear_watch_force_entries(self, device: str, kind: str, name: str) -> TableDetails:
        return self._wt_rewrite(device, kind, name, lambda table, _: table.entries.clear())

    # ----- SimaticML ----------------------------------------------------------------------------
    def export_watch_force_table(self, device: str, kind: str, name: str) -> bytes:
        _, software = self._session.software(self._session.project(), device)
        return self._wt_table(software, kind, name).xml

    def import_watch_force_table(
        self, device: str, data: bytes, *, folder: str = "", overwrite: bool = False, allow_invalid: bool = False,
        source: str = "document",
    ) -> TableDetails:
        table = read_table_document(data, source)
        with self._session.change() as project:
            check_not_newer(source, table.version, project.version)
            _, software = self._session.software(project, device)
            check_table_name(table.name)
            self._wt_check_new(software, table, overwrite=overwrite)
            check_rows(Resolver(software), table.kind, table.entries, allow_invalid=allow_invalid)
            stored = self._wt_put(software, table, self._wt_folder(software, folder), project.version)
        return self._wt_details(device, software, stored)

    # ----- folders ------------------------------------------------------------------------------
    def watch_force_folders(self, device: str) -> list[str]:
        _, software = self._session.software(self._session.project(), device)
        return sorted(software.folders.get(CATEGORY, set()))

    def create_watch_force_folder(self, device: str, path: str) -> str:
        return self._session.add_folder(device, CATEGORY, path)

    def delete_watch_force_folder(self, device: str, path: str, *, stop_forcing: bool = False) -> TableFolderRemoval:
        normalised = normalise_folder(path)
        _, software = self._session.software(self._session.project(), device)
        inside = [t for t in software.watch_tables.values()
                  if t.folder == normalised or t.folder.startswith(normalised + "/")]
        if normalised not in software.folders.get(CATEGORY, set()):
            raise no_such_folder(path)
        self._wt_release_forces(device, software, inside, stop_forcing=stop_forcing)
        removed = self._session.remove_folder(device, CATEGORY, normalised)
        return TableFolderRemoval(folder=normalised, removed=removed)

    # ----- forcing ------------------------------------------------------------------------------
    def start_forcing(self, device: str, name: str, *, confirm: bool = False) -> ForcingResult:
        _, software = self._session.software(self._session.project(), device)
        table = read_table(self._wt_table(software, FORCE_TABLE, name).xml)
        rows = [r for r in table.entries if r.flag("ForceIntention")]
        if not rows:
            raise ValidationError(f"The force table '{table.name}' has no entry with a force value to force.",
                                  code=codes.NOTHING_TO_FORCE)
        resolve = Resolver(software)
        check_rows(resolve, FORCE_TABLE, rows, allow_invalid=False)
        cpu = self._wt_forcing_cpu(device)
        plan = {}
        for row in rows:
            operand, force_value = resolve(row.operand), row.get("ForceValue")
            if force_value is None or operand.canonical is None:
                raise ValidationError(f"{row.operand}: a force needs a value of an elementary data type.",
                                      code=codes.INVALID_VALUE, details={"operand": row.operand})
            plan[operand.base] = plc_value(force_value, operand.canonical)
        with cpu.lock, runtime_errors(_CPU_ERRORS, hints=_CPU_HINTS):
            if cpu.state == OperatingState.RUN and not confirm:
                raise ConflictError(f'The CPU "{cpu.name}" is in RUN: forcing changes what the machine does. '
                                    'Send {"confirm": true} to force anyway.', code=codes.FORCE_NOT_CONFIRMED)
            for base in plan:
                cpu.read(base)  # every operand is in the loaded program before any force changes
            previous = cpu.forces()
            removed = cpu.unforce()
            try:
                for base, value in plan.items():
                    cpu.force(base, value)
            except BaseException:
                cpu.unforce()
                for base, value in previous.items():
                    cpu.force(base, value)
                raise
            return self._wt_forcing(device, table.name, cpu, removed)

    def stop_forcing(self, device: str, name: str) -> ForcingResult:
        _, software = self._session.software(self._session.project(), device)
        table = read_table(self._wt_table(software, FORCE_TABLE, name).xml)
        cpu = self._wt_forcing_cpu(device)
        with cpu.lock:
            removed = [n for o in self._wt_active(cpu, Resolver(software), table) for n in cpu.unforce(o)]
            return self._wt_forcing(device, table.name, cpu, removed)

    @staticmethod
    def _wt_forcing(device: str, table: str, cpu: OnlineCpu, removed: list[str]) -> ForcingResult:
        return ForcingResult(device_name=device, table_name=table, instance_name=cpu.name,
                             operating_state=str(cpu.state), forced=cpu.forces(), removed=removed)

