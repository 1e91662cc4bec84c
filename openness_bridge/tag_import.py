"""Importing tag and user-constant rows (already parsed from JSON/CSV/XLSX) through the bridge, all or nothing
(``OpennessBackend.tag_import``).

Every row is checked in Python first against what the PLC holds (read once from Openness) and against the rows
before it; only a clean batch is written, row by row (``Tags.Create``/``UserConstants.Create``, setters for a
replaced object), inside one ``_change``: if TIA refuses any step, the transaction rolls every step back.
A validate-only run checks the same and changes nothing (no transaction at all).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.tags import TagImportPort, TagImportResult
from engineering_api.backend.errors import ValidationError
from engineering_api.rules.addresses import OverlapIndex
from engineering_api.rules.tag_import import ImportPlan
from openness_bridge.tags_support import ConstantRecord, TagRecord
from openness_bridge.units import creation_root, ensure_user_group

if TYPE_CHECKING:
    from engineering_api.backend.areas.tags import ConstantImportRow, TagImportRow
    from engineering_api.rules.addresses import Address
    from openness_bridge.session import BridgeSession
    from openness_bridge.tags_support import TagTables

__all__ = ("BridgeTagImport",)

_Plan = ImportPlan[TagRecord, ConstantRecord]


def _tag_record(item: TagImportRow, data_type: str, address: Address) -> TagRecord:
    return TagRecord(item.name, data_type, address.text, item.comment, item.hmi_accessible, item.hmi_visible,
                     item.hmi_writeable)



class BridgeTagImport(TagImportPort):
    """Imports of tags and user constants into a PLC's tag tables over Openness.

    Args:
        session: the Openness session; an import runs in one transaction, a validation in a plain call.
        tag_tables: the PLC's tag tables, read once for the checks, then written row by row.
    """

    def __init__(self, session: BridgeSession, *, tag_tables: TagTables) -> None:
        self._session = session
        self._tag_tables = tag_tables

    def import_tags(
        self, device: str, tags: list[TagImportRow], constants: list[ConstantImportRow], *, table: str,
        follow_path: bool, overwrite: bool, validate_only: bool = False,
    ) -> TagImportResult:
        def run() -> TagImportResult:
            software, root = self._tag_tables.tag_root(device)
            tables = {str(t.Name).casefold(): str(t.Name) for _, t in self._tag_tables.tables(root)}
            plan = _Plan(tables=tables, names=self._tag_tables.names(root), table=table, follow_path=follow_path,
                         overwrite=overwrite,
                         index=self._tag_tables.overlap_index(root) if tags else OverlapIndex())
            plan.check_rows(device, tags, constants, self._tag_tables.udts(software) if tags else {},
                            tag_record=_tag_record, constant_record=ConstantRecord)
            for _, folder in plan.new_tables.values():  # a unit the PLC lacks is refused before anything changes
                creation_root(self._session, software, "TagTableGroup", folder)
            if validate_only:
                return plan.validated()
            replaced = self._write(software, root, plan)
            return TagImportResult(
                tags_imported=sum(map(len, plan.tags.values())),
                constants_imported=sum(map(len, plan.constants.values())),
                tags_replaced=replaced, tables=plan.touched(), created_tables=plan.created(), warnings=plan.warnings,
                warning_count=plan.warning_count,
            )

        if validate_only:
            return self._session.call("PlcTagComposition (validate import)", run)
        return self._session.change("PlcTagComposition.Create (import)", run, invocation=ValidationError)

    def _write(self, software: Any, root: Any, plan: _Plan) -> int:
        """Create the planned tables (a path's ``Software units/<unit>/...`` in that unit), then every row (a
        replaced object keeps its place unless the row respells its name); returns how many tags were replaced."""
        for name, folder in plan.new_tables.values():
            ensure_user_group(self._session, software, "TagTableGroup", folder)[1].TagTables.Create(name)
        by_name = {str(t.Name): t for _, t in self._tag_tables.tables(root)}
        replaced = 0
        for name in plan.touched():
            table = by_name[name]
            for record in plan.tags.get(name, []):
                existing = (
                    self._tag_tables.find_named(table.Tags, record.name)
                    if record.name.casefold() in plan.replacing
                    else None
                )
                if existing is not None:
                    replaced += 1
                    if str(existing.Name) == record.name:
                        self._tag_tables.change_tag(existing, record, self._tag_tables.tag_record(existing))
                        continue
                    existing.Delete()  # spelled differently, and Name has no setter: the row's tag replaces it
                self._tag_tables.add_tag(table, record)
            for constant in plan.constants.get(name, []):
                held = (
                    self._tag_tables.find_named(table.UserConstants, constant.name)
                    if constant.name.casefold() in plan.replacing
                    else None
                )
                if held is None:
                    self._tag_tables.add_constant(table, constant)
                else:
                    self._tag_tables.change_constant(held, constant, self._tag_tables.constant_record(held))
        return replaced
