"""The bridge's watch and force tables (``PlcSoftware.WatchAndForceTableGroup``).

``OpennessBackend.watch_tables``. What Openness offers and how it is used:

* watch tables: ``PlcWatchTableComposition.Create(name)``/``Import``, ``PlcWatchTable.Delete()``/``Export``;
* the force table: ``PlcForceTableComposition.Import``/``Find`` and ``PlcForceTable.Export`` only. It has no
  ``Create`` and no ``Delete`` (TIA owns one force table per PLC), so a force table is made by importing a
  document and cannot be deleted (``NO_OPENNESS_EQUIVALENT``);
* entries: ``Entries`` holds read-only rows (``PlcWatchTableEntry``/``PlcForceTableEntry``) whose only creator makes
  comment rows, so adding, removing and clearing entries exports the table, changes the document and imports it
  back with ``ImportOptions.Override``, all inside one ``_change`` (a refused import rolls everything back);
* folders: ``Groups.Create``/``Find`` and ``PlcWatchAndForceTableUserGroup.Delete()``;
* live values and forcing: Openness has no member that reads a running CPU or applies forces, so tables are always
  reported offline and start/stop forcing raise ``NO_OPENNESS_EQUIVALENT``.

Operands are checked in Python before TIA is asked (``INVALID_OPERAND``, ``NOT_FORCEABLE``...), with the rules of
:mod:`engineering_api.rules.watch_operands` over the program exported from TIA
(:mod:`openness_bridge.watch_table_access`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.watch_tables import (
    FORCE_TABLE, WATCH_TABLE, ForcingResult, WatchTablesPort, TableDetails, TableFolderRemoval, TableInfo,
)
from engineering_api.backend.errors import (
    NotSupportedError, ValidationError,
)
from engineering_api.errors import codes
from engineering_api.rules.folders import target_folder
from engineering_api.rules.watch_operands import check_rows, merge_rows, table_row
from engineering_api.rules.document_versions import check_not_newer
from engineering_api.rules.watch_tables import (
    check_one_force_table, check_table_clash, check_table_name, entries_not_found, folder_not_found, no_entries,
    no_such_folder, read_table_document,
)
from openness_bridge import groups
from simatic_xml.watchtables import WatchForceTable, read_table

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.areas.watch_tables import EntrySpec
    from openness_bridge.session import BridgeSession
    from openness_bridge.watch_table_access import WatchTableAccess
    from simatic_xml.watchtables import TableEntry as Row

__all__ = ("BridgeWatchTables",)

_TYPE = {WATCH_TABLE: "PlcWatchTable", FORCE_TABLE: "PlcForceTable"}
"""The Openness class of each kind of table, for the operation named in errors."""
_COMPOSITION_TYPE = {WATCH_TABLE: "PlcWatchTableComposition", FORCE_TABLE: "PlcForceTableComposition"}

_NO_FORCING = (
    "Openness has no member that forces operands in an online CPU (it edits force tables offline only; "
    "PlcForceTable has no start or stop). Start or stop forcing in TIA Portal's force table editor, online with "
    "the CPU."
)


class BridgeWatchTables(WatchTablesPort):
    """Watch and force tables of a PLC over Openness.

    Args:
        session: the Openness session: its calls, transactions, the open project's PLC software.
        access: reaching, reading and writing the tables
            (:class:`~openness_bridge.watch_table_access.WatchTableAccess`).
    """

    def __init__(self, session: BridgeSession, *, access: WatchTableAccess) -> None:
        self._session = session
        self._access = access

    # ----- tables ----------------------------------------------------------------------------------
    def list_watch_force_tables(self, device: str, kind: str) -> list[TableInfo]:
        def run() -> list[TableInfo]:
            software = self._session.plc_software(self._session.project(), device)
            resolve = self._access.resolver(software)
            return [self._access.info(folder, kind, table, resolve)
                    for folder, _, table in self._access.tables(software.WatchAndForceTableGroup, kind)]

        return self._session.call("PlcSoftware.WatchAndForceTableGroup", run)

    def get_watch_force_table(self, device: str, kind: str, name: str) -> TableDetails:
        def run() -> TableDetails:
            software = self._session.plc_software(self._session.project(), device)
            folder, _, table = self._access.find(software.WatchAndForceTableGroup, kind, name)
            return self._access.details(folder, kind, table, self._access.resolver(software))

        return self._session.call(f"{_TYPE[kind]}.Export", run)

    def _wt_target(self, root: Any, folder: str) -> tuple[str, Any]:
        """(normalised folder, its group) for a table being created or imported; FOLDER_NOT_FOUND when missing."""
        normalised = target_folder(folder, field="folderPath")
        group = groups.find_group(root, normalised)
        if group is None:
            raise folder_not_found(folder)
        return normalised, group

    def _wt_check_new(self, root: Any, table: WatchForceTable, *, overwrite: bool) -> tuple[str, Any, Any] | None:
        """Refuse a new table's name or kind as the port says; returns the (kind, folder, table) it replaces."""
        clash = self._access.either_kind(root, table.name)
        check_table_clash((clash[0], str(clash[3].Name)) if clash is not None else None, table.kind,
                          overwrite=overwrite)
        if table.kind == FORCE_TABLE:
            check_one_force_table(table.kind, [str(t.Name) for _, _, t in self._access.tables(root, FORCE_TABLE)
                                               if clash is None or str(t.Name).casefold() != table.name.casefold()])
        return (clash[0], clash[1], clash[3]) if clash is not None else None

    def create_watch_force_table(
        self, device: str, kind: str, name: str, *, folder: str = "", entries: list[EntrySpec] | None = None,
        allow_invalid: bool = False,
    ) -> TableDetails:
        check_table_name(name)

        def run() -> TableDetails:
            software = self._session.plc_software(self._session.project(), device)
            root, resolve = software.WatchAndForceTableGroup, self._access.resolver(software)
            table = WatchForceTable(kind, name)
            self._wt_check_new(root, table, overwrite=False)
            table.entries = merge_rows([], self._wt_checked_rows(kind, entries or [], resolve, allow_invalid))
            path, group = self._wt_target(root, folder)
            if kind == WATCH_TABLE and not table.entries:
                group.WatchTables.Create(name)
            else:
                # Entries cannot be created through members, and force tables have no Create: import a document.
                self._access.import_table(group, table, override=False)
            _, _, made = self._access.find(root, kind, name)
            return self._access.details(path, kind, made, resolve)

        # Named after the call that makes the table: Create for a bare watch table, Import otherwise.
        bare = kind == WATCH_TABLE and not entries
        operation = "PlcWatchTableComposition.Create" if bare else f"{_COMPOSITION_TYPE[kind]}.Import"
        return self._session.change(operation, run, invocation=ValidationError)

    def delete_watch_force_table(self, device: str, kind: str, name: str, *, stop_forcing: bool = False) -> TableInfo:
        def run() -> TableInfo:
            software = self._session.plc_software(self._session.project(), device)
            folder, _, table = self._access.find(software.WatchAndForceTableGroup, kind, name)
            if kind == FORCE_TABLE:
                raise NotSupportedError(
                    f"The force table '{table.Name}' cannot be deleted through Openness: PlcForceTable has no Delete "
                    "(TIA keeps one force table per PLC). Clear its entries instead, or delete its folder.",
                    code=codes.NO_OPENNESS_EQUIVALENT, details={"method": "delete_watch_force_table"},
                )
            info = self._access.info(folder, kind, table, self._access.resolver(software))
            table.Delete()  # forces are not visible through Openness, so stop_forcing has nothing to stop here
            return info

        return self._session.change("PlcWatchTable.Delete", run)

    # ----- entries ---------------------------------------------------------------------------------
    @staticmethod
    def _wt_checked_rows(kind: str, specs: list[EntrySpec], resolve: Any, allow_invalid: bool) -> list[Row]:
        """The rows for requested entries, refused as the port says (every problem at once) before TIA is asked."""
        rows = [table_row(kind, spec, resolve(spec.name.strip())) for spec in specs]
        check_rows(resolve, kind, rows, allow_invalid=allow_invalid)
        return rows

    def _wt_rewrite(
        self, device: str, kind: str, name: str, rows: Callable[[WatchForceTable, Any], list[Row]],
    ) -> TableDetails:
        """Export the table, replace its rows by ``rows(document, resolve)``, import it back over itself; one change."""

        def run() -> TableDetails:
            software = self._session.plc_software(self._session.project(), device)
            root, resolve = software.WatchAndForceTableGroup, self._access.resolver(software)
            folder, group, table = self._access.find(root, kind, name)
            document = read_table(self._access.export(table))
            document.entries = rows(document, resolve)
            self._access.import_table(group, document, override=True)
            _, _, changed = self._access.find(root, kind, str(document.name))
            return self._access.details(folder, kind, changed, resolve)

        return self._session.change(f"{_COMPOSITION_TYPE[kind]}.Import", run, invocation=ValidationError)

    def add_watch_force_entries(
        self, device: str, kind: str, name: str, entries: list[EntrySpec], *, allow_invalid: bool = False,
    ) -> TableDetails:
        if not entries:
            raise no_entries(removing=False)
        return self._wt_rewrite(device, kind, name, lambda table, resolve: merge_rows(
            table.entries, self._wt_checked_rows(kind, entries, resolve, allow_invalid)))

    def remove_watch_force_entries(self, device: str, kind: str, name: str, operands: list[str]) -> TableDetails:
        if not operands:
            raise no_entries(removing=True)
        gone = {o.strip().casefold() for o in operands}

        def kept(table: WatchForceTable, _: Any) -> list[Row]:
            unknown = sorted(gone.difference(row.operand.casefold() for row in table.entries))
            if unknown:  # all or nothing: one unknown operand and no entry is removed
                raise entries_not_found(kind, table.name, unknown)
            return [row for row in table.entries if row.operand.casefold() not in gone]

        return self._wt_rewrite(device, kind, name, kept)

    def clear_watch_force_entries(self, device: str, kind: str, name: str) -> TableDetails:
        return self._wt_rewrite(device, kind, name, lambda _table, _resolve: [])

    # ----- SimaticML -------------------------------------------------------------------------------
    def export_watch_force_table(self, device: str, kind: str, name: str) -> bytes:
        def run() -> bytes:
            _, _, table = self._access.find(self._access.root(device), kind, name)
            return self._access.export(table)

        return self._session.call(f"{_TYPE[kind]}.Export", run)

    def import_watch_force_table(
        self, device: str, data: bytes, *, folder: str = "", overwrite: bool = False, allow_invalid: bool = False,
        source: str = "document",
    ) -> TableDetails:
        table = read_table_document(data, source)

        def run() -> TableDetails:
            check_not_newer(source, table.version, self._session.version)
            software = self._session.plc_software(self._session.project(), device)
            root, resolve = software.WatchAndForceTableGroup, self._access.resolver(software)
            check_table_name(table.name)
            replaced = self._wt_check_new(root, table, overwrite=overwrite)
            check_rows(resolve, table.kind, table.entries, allow_invalid=allow_invalid)
            path, group = self._wt_target(root, folder)
            if replaced is not None and replaced[0] == WATCH_TABLE:
                replaced[2].Delete()  # the new table may go to another folder: delete, then import afresh
                replaced = None
            self._access.import_table(group, table, override=replaced is not None)
            _, _, made = self._access.find(root, table.kind, table.name)
            return self._access.details(path, table.kind, made, resolve)

        return self._session.change("PlcWatchTableComposition.Import", run, invocation=ValidationError)

    # ----- folders ---------------------------------------------------------------------------------
    def watch_force_folders(self, device: str) -> list[str]:
        return self._session.call(
            "PlcWatchAndForceTableGroup.Groups", lambda: sorted(groups.group_paths(self._access.root(device))))

    def create_watch_force_folder(self, device: str, path: str) -> str:
        groups.folder_parts(path)  # a malformed path is refused before TIA is asked

        def run() -> str:
            return groups.create_group(self._access.root(device), path)[0]

        return self._session.change("PlcWatchAndForceTableUserGroupComposition.Create", run, invocation=ValidationError)

    def delete_watch_force_folder(self, device: str, path: str, *, stop_forcing: bool = False) -> TableFolderRemoval:
        normalised = groups.normalise(path)

        def run() -> TableFolderRemoval:
            root = self._access.root(device)
            group = groups.find_group(root, normalised) if normalised else None
            if group is None:
                raise no_such_folder(path)
            removed = [str(t.Name) for kind in (WATCH_TABLE, FORCE_TABLE)
                       for _, _, t in self._access.tables(group, kind)]
            # (in project order: the folder's own tables, then its subfolders'; watch tables before the force table)
            group.Delete()  # with its subgroups and tables, as TIA does; forces are not visible through Openness
            return TableFolderRemoval(folder=normalised, removed=removed)

        return self._session.change("PlcWatchAndForceTableUserGroup.Delete", run)

    # ----- forcing ---------------------------------------------------------------------------------
    def start_forcing(self, device: str, name: str, *, confirm: bool = False) -> ForcingResult:
        raise NotSupportedError(f"Start forcing: {_NO_FORCING}", code=codes.NO_OPENNESS_EQUIVALENT,
                                details={"method": "start_forcing"})

    def stop_forcing(self, device: str, name: str) -> ForcingResult:
        raise NotSupportedError(f"Stop forcing: {_NO_FORCING}", code=codes.NO_OPENNESS_EQUIVALENT,
                                details={"method": "stop_forcing"})


