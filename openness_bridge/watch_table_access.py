"""Reaching and reading watch and force tables through Openness, for :mod:`openness_bridge.watch_tables`.

``PlcSoftware.WatchAndForceTableGroup`` (a ``PlcWatchAndForceTableSystemGroup``) holds ``WatchTables``,
``ForceTables`` and user ``Groups``; ``Find`` looks one level deep and TIA's name rules are case-insensitive, so
tables are found by walking the tree. Entry members are read-only in Openness (and carry no comment), so a table's
full content is read from its SimaticML export and written back by importing a changed document
(``ImportOptions.Override``). Operands are resolved against the PLC's program as TIA holds it: blocks, PLC data
types and tag tables are exported and read with the operand rules both adapters share
(:mod:`engineering_api.rules.watch_operands`).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.watch_tables import FORCE_TABLE, WATCH_TABLE, TableDetails, TableEntry, TableInfo
from engineering_api.backend.errors import EngineeringError
from engineering_api.rules.watch_operands import Operand, Resolver, row_flag
from engineering_api.rules.watch_tables import table_not_found
from openness_bridge import groups
from openness_bridge.errors import kind_of
from openness_bridge.units import software_blocks, software_tag_tables, software_types
from simatic_xml.watchtables import WatchForceTable, read_table, table_to_bytes

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.rules.compiler.program import Program
    from openness_bridge.session import BridgeSession

__all__ = ("WatchTableAccess",)

_COMPOSITION = {WATCH_TABLE: "WatchTables", FORCE_TABLE: "ForceTables"}
_ENTRY_TYPES = {WATCH_TABLE: "PlcWatchTableEntry", FORCE_TABLE: "PlcForceTableEntry"}
_NAMESPACE = "Siemens.Engineering.SW.WatchAndForceTables"


class LazyResolver(Resolver):
    """The operand :class:`Resolver`, built on first use: exporting the program is the expensive part."""

    def __init__(self, build: Callable[[], Resolver]) -> None:
        super().__init__(None)
        self._build = build
        self._built: Resolver | None = None

    def _resolver(self) -> Resolver:
        if self._built is None:
            self._built = self._build()
        return self._built

    @cached_property
    def program(self) -> Program:
        return self._resolver().program

    @cached_property
    def tags(self) -> dict[str, str | None]:
        return self._resolver().tags

    def __call__(self, operand: str) -> Operand:
        return self._resolver()(operand)


class WatchTableAccess:
    """Reaching, reading and writing tables over the session; the collaborator of
    :class:`openness_bridge.watch_tables.BridgeWatchTables`.

    Args:
        session: the Openness session: its calls, transactions, the open project's PLC software, scratch files.
    """

    def __init__(self, session: BridgeSession) -> None:
        self._session = session

    # ----- the group tree ------------------------------------------------------------------------
    def tables(self, root: Any, kind: str) -> Iterator[tuple[str, Any, Any]]:
        """(folder, group, table) for every table of ``kind``, in project order."""
        for folder, group in groups.walk(root):
            for table in getattr(group, _COMPOSITION[kind]):
                yield folder, group, table

    def either_kind(self, root: Any, name: str) -> tuple[str, str, Any, Any] | None:
        """(kind, folder, group, table) of the table of either kind named ``name`` (case-insensitive), or None."""
        for kind in (WATCH_TABLE, FORCE_TABLE):
            for folder, group, table in self.tables(root, kind):
                if str(table.Name).casefold() == name.casefold():
                    return kind, folder, group, table
        return None

    def find(self, root: Any, kind: str, name: str) -> tuple[str, Any, Any]:
        """(folder, group, table) of the table ``name`` of ``kind``; NotFoundError otherwise."""
        found = self.either_kind(root, name)
        if found is None or found[0] != kind:
            raise table_not_found(kind, name)
        return found[1], found[2], found[3]

    def root(self, device: str) -> Any:
        return self._session.plc_software(self._session.project(), device).WatchAndForceTableGroup

    # ----- SimaticML in and out ------------------------------------------------------------------
    def export(self, obj: Any) -> bytes:
        """``obj.Export`` into a fresh temporary folder (TIA does not overwrite files), read back."""
        return self._session.export_bytes(obj)

    def import_table(self, group: Any, table: WatchForceTable, *, override: bool) -> None:
        """Import ``table`` into ``group``'s composition of its kind, in the project's version."""
        table.version = self._session.version
        self._session.import_bytes(getattr(group, _COMPOSITION[table.kind]), table_to_bytes(table), override=override)

    def operands(self, table: Any, kind: str) -> list[str]:
        """The operands of a table's typed rows, read from the entry members (comment rows have none)."""
        entry_type = getattr(self._session.namespace(_NAMESPACE), _ENTRY_TYPES[kind])
        return [
            str(groups.cast_as(entry, entry_type).Name)
            for entry in table.Entries if str(entry.GetType().Name) == _ENTRY_TYPES[kind]
        ]

    # ----- operands --------------------------------------------------------------------------------
    def resolver(self, software: Any) -> LazyResolver:
        return LazyResolver(lambda: Resolver(self.program(software)))

    def program(self, software: Any) -> Any:
        """The PLC's blocks, PLC data types and tag tables, its software units' too, as program objects read from their
        SimaticML exports.

        An object TIA will not export (an inconsistent block) is left out: operands into it resolve as invalid,
        as they would in TIA's own table until the block compiles.
        """
        from engineering_api.rules.program_objects import read_object

        program = SimpleNamespace(blocks={}, types={}, tag_tables={})
        # The PLC's own trees and every software unit's (openness_bridge.units): an operand may name a unit's DB or
        # a tag of a unit's tag table; read_object names a unit's object Namespace.Name, as operands do.
        sources = [(program.types, software_types), (program.blocks, software_blocks),
                   (program.tag_tables, software_tag_tables)]
        for into, walk in sources:
            for found in walk(self._session, software):
                try:
                    stored = read_object(self.export(found.obj), project_version=self._session.version)
                except EngineeringError:
                    continue  # a document the operand rules cannot read: its operands stay unresolved
                except Exception as exc:
                    if kind_of(exc) != "EngineeringTargetInvocationException":
                        raise
                    continue
                into[stored.name] = stored
        return program

    # ----- views -----------------------------------------------------------------------------------
    def info(self, folder: str, kind: str, table: Any, resolve: Any) -> TableInfo:
        operands = self.operands(table, kind)
        return TableInfo(
            name=str(table.Name), kind=kind, folder=folder, entry_count=len(operands),
            is_consistent=bool(table.IsConsistent) and all(resolve(o).problem is None for o in operands),
        )

    def details(self, folder: str, kind: str, table: Any, resolve: Any) -> TableDetails:
        """A table with its entries as its SimaticML holds them; Openness offers no live values, so offline."""
        rows = read_table(self.export(table)).entries
        entries = []
        for row in rows:
            operand = resolve(row.operand)
            entry = TableEntry(
                name=row.operand, address=row.get("Address"), display_format=row.get("DisplayFormat"),
                comment=row.get("Comment"), monitor_trigger=row.get("MonitorTrigger"), data_type=operand.data_type,
                is_valid=operand.problem is None, problem=operand.problem,
            )
            if kind == WATCH_TABLE:
                entry.modify_value, entry.modify_trigger = row.get("ModifyValue"), row.get("ModifyTrigger")
                entry.modify_intention = row_flag(row, WATCH_TABLE)
            else:
                entry.force_value, entry.force_intention = row.get("ForceValue"), row_flag(row, FORCE_TABLE)
            entries.append(entry)
        return TableDetails(
            name=str(table.Name), kind=kind, folder=folder, entry_count=len(entries), online=False, entries=entries,
            is_consistent=bool(table.IsConsistent) and all(e.is_valid for e in entries),
        )

