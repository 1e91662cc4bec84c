"""Importing tag and user-constant rows (already parsed from JSON/CSV/XLSX) through the bridge, all or nothing
(``OpennessBackend.tag_import``).

Every row is checked in Python first against what the PLC holds (read once from Openness) and against the rows
before it; only a clean batch is written, row by row (``Tags.Create``/``UserConstants.Create``, setters for a
replaced object), inside one ``_change``: if TIA refuses any step, the transaction rolls every step back.
A validate-only run checks the same and changes nothing (no transaction at all).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.tags import RowError, TagImportPort, TagImportResult, TagWarning
from engineering_api.backend.errors import NotFoundError, ValidationError
from engineering_api.rules.addresses import OverlapIndex
from engineering_api.rules.tags import FieldError, check_constant, check_table_name, check_tag
from openness_bridge import groups
from openness_bridge.tags_support import ConstantRecord, TagRecord

if TYPE_CHECKING:
    from engineering_api.backend.areas.tags import ConstantImportRow, TagImportRow
    from openness_bridge.session import BridgeSession
    from openness_bridge.tags_support import TagTables

__all__ = ("BridgeTagImport",)

MAX_ROW_ERRORS = 1000
MAX_WARNINGS = 200
_TAGS, _CONSTANTS = "PLC Tags", "User Constants"


@dataclass
class _Plan:
    """What a batch will do: checked records per target table, tables to create, refused rows, warnings."""

    tables: dict[str, str]
    """Casefolded name -> name of the tables the PLC has."""
    names: dict[str, tuple[str, str, str]]
    """Casefolded name -> (kind, table, name) of what the PLC holds (tags, user and system constants)."""
    table: str
    """The table rows go to unless they follow their Path column."""
    follow_path: bool
    overwrite: bool
    index: OverlapIndex
    new_tables: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Casefolded name -> (name, folder) of tables to create."""
    bad_tables: dict[str, str] = field(default_factory=dict)
    tags: dict[str, list[TagRecord]] = field(default_factory=dict)
    constants: dict[str, list[ConstantRecord]] = field(default_factory=dict)
    replacing: set[str] = field(default_factory=set)
    seen: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[TagWarning] = field(default_factory=list)
    warning_count: int = 0

    def refuse(self, row: int, column: str, reason: str, value: object, sheet: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ROW_ERRORS:
            self.errors.append(RowError(row=row, column=column, reason=reason, sheet=sheet,
                                        value=None if value is None else str(value)))

    def target(self, wanted: str, from_path: bool) -> str | None:
        """The table a row goes to (planning its creation when missing); None when its name is refused.

        A Path column value names the group too (``Line1\\Motors\\IO``: table IO in Line1/Motors).
        """
        folder, name = "", wanted
        if from_path and ("\\" in wanted or "/" in wanted):
            parts = [p.strip() for p in wanted.replace("\\", "/").split("/")]
            folder, name = "/".join(p for p in parts[:-1] if p), parts[-1]
        key = name.casefold()
        if key in self.tables:
            return self.tables[key]
        if key in self.new_tables:
            return self.new_tables[key][0]
        if key not in self.bad_tables:
            try:
                check_table_name(name)
            except ValidationError as exc:
                self.bad_tables[key] = self.bad_tables[wanted.casefold()] = exc.message
                return None
            self.new_tables[key] = (name, folder)
            return name
        return None

    def place(self, item: Any, last: str, sheet: str, kind: str, check: Callable[[], Any]) -> tuple[str, Any] | None:
        """(target table, what ``check`` returned) for a row whose table, fields and name are good; else the row is
        refused (``last`` is the value shown when the rule-bearing column after Name and Data Type fails)."""
        wanted = item.table_name if self.follow_path and item.table_name else self.table
        target = self.target(wanted, self.follow_path and bool(item.table_name))
        if target is None:
            self.refuse(item.row, "Path", self.bad_tables.get(wanted.casefold(), "bad tag table name"), wanted, sheet)
            return None
        try:
            checked = check()
        except FieldError as exc:
            shown = {"Name": item.name, "Data Type": item.data_type}.get(exc.column, last)
            self.refuse(item.row, exc.column, exc.reason, shown, sheet)
            return None
        return (target, checked) if self.claim(item.name, target, kind, item.row, sheet) else None

    def claim(self, name: str, target: str, kind: str, row: int, sheet: str) -> bool:
        """Whether ``name`` is free for this row (first use in the batch; in the PLC, or replaced with overwrite)."""
        key = name.casefold()
        if key in self.seen:
            self.refuse(row, "Name", f"the name '{name}' is used twice in the file (first in row {self.seen[key]})", name, sheet)
            return False
        self.seen[key] = row
        held = self.names.get(key)
        if held is None:
            return True
        same_kind = held[0] == kind
        if self.overwrite and same_kind and held[1].casefold() == target.casefold():
            self.replacing.add(key)
            return True
        if not self.overwrite:
            hint = "; import with overwrite to replace it"
        else:
            hint = "; overwrite replaces objects in the same table only" if same_kind else ""
        self.refuse(row, "Name", f"the name '{name}' is already used by the {held[0]} '{held[2]}' in '{held[1]}'{hint}", name, sheet)
        return False

    def warn_overlaps(self, row: int, name: str, address: Any, data_type: str) -> None:
        for other, other_address in self.index.add(name, address, data_type):
            if other.casefold() == name.casefold() and other.casefold() in self.replacing:
                continue  # the tag this row replaces
            self.warning_count += 1
            if len(self.warnings) < MAX_WARNINGS:
                self.warnings.append(TagWarning(
                    code="ADDRESS_OVERLAP", tag=name, other_tag=other,
                    message=f"Row {row}: the address {address.text} of '{name}' overlaps {other_address} of '{other}'.",
                ))

    def touched(self) -> list[str]:
        return list(dict.fromkeys([*self.tags, *self.constants]))

    def failure(self) -> ValidationError:
        first = self.errors[0]
        return ValidationError(
            f"{self.error_count} problem(s) in the import; nothing was imported. First: row {first.row}, "
            f"{first.column}: {first.reason}",
            code="IMPORT_ROWS_INVALID",
            details={"errorCount": self.error_count, "rows": [
                {k: v for k, v in (("row", e.row), ("column", e.column), ("reason", e.reason), ("sheet", e.sheet),
                                   ("value", e.value)) if v is not None}
                for e in self.errors
            ]},
        )


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
            if not follow_path and table.casefold() not in tables:
                raise NotFoundError(f"The tag table '{table}' was not found in '{device}'.", code="TAG_TABLE_NOT_FOUND")
            plan = _Plan(tables=tables, names=self._tag_tables.names(root), table=table, follow_path=follow_path, overwrite=overwrite,
                         index=self._tag_tables.overlap_index(root) if tags else OverlapIndex())
            self._plan_rows(plan, software, tags, constants)
            if plan.error_count:
                raise plan.failure()
            created = [name for name, _ in plan.new_tables.values()]
            if validate_only:
                return TagImportResult(tags_imported=0, constants_imported=0, tables=plan.touched(),
                                       created_tables=created, warnings=plan.warnings, warning_count=plan.warning_count)
            replaced = self._write(root, plan)
            return TagImportResult(
                tags_imported=sum(map(len, plan.tags.values())), constants_imported=sum(map(len, plan.constants.values())),
                tags_replaced=replaced, tables=plan.touched(), created_tables=created, warnings=plan.warnings,
                warning_count=plan.warning_count,
            )

        if validate_only:
            return self._session.call("PlcTagComposition (validate import)", run)
        return self._session.change("PlcTagComposition.Create (import)", run, invocation=ValidationError)

    def _plan_rows(self, plan: _Plan, software: Any, tags: list[TagImportRow], constants: list[ConstantImportRow]) -> None:
        udts = self._tag_tables.udts(software) if tags else {}
        for item in tags:
            placed = plan.place(item, item.logical_address, _TAGS, "tag",
                                partial(check_tag, item.name, item.data_type, item.logical_address, udts))
            if placed is not None:
                target, (data_type, address) = placed
                plan.tags.setdefault(target, []).append(TagRecord(
                    item.name, data_type, address.text, item.comment, item.hmi_accessible, item.hmi_visible,
                    item.hmi_writeable,
                ))
                plan.warn_overlaps(item.row, item.name, address, data_type)
        for constant in constants:
            placed = plan.place(constant, constant.value, _CONSTANTS, "user constant",
                                partial(check_constant, constant.name, constant.data_type, constant.value))
            if placed is not None:
                target, (data_type, value) = placed
                plan.constants.setdefault(target, []).append(ConstantRecord(constant.name, data_type, value, constant.comment))

    def _write(self, root: Any, plan: _Plan) -> int:
        """Create the planned tables, then every row (a replaced object keeps its place unless the row respells its
        name); returns how many tags were replaced."""
        for name, folder in plan.new_tables.values():
            groups.ensure_group(root, folder)[1].TagTables.Create(name)
        by_name = {str(t.Name): t for _, t in self._tag_tables.tables(root)}
        replaced = 0
        for name in plan.touched():
            table = by_name[name]
            for record in plan.tags.get(name, []):
                existing = self._tag_tables.find_named(table.Tags, record.name) if record.name.casefold() in plan.replacing else None
                if existing is not None:
                    replaced += 1
                    if str(existing.Name) == record.name:
                        self._tag_tables.change_tag(existing, record, self._tag_tables.tag_record(existing))
                        continue
                    existing.Delete()  # spelled differently, and Name has no setter: the row's tag replaces it
                self._tag_tables.add_tag(table, record)
            for constant in plan.constants.get(name, []):
                held = self._tag_tables.find_named(table.UserConstants, constant.name) if constant.name.casefold() in plan.replacing else None
                if held is None:
                    self._tag_tables.add_constant(table, constant)
                else:
                    self._tag_tables.change_constant(held, constant, self._tag_tables.constant_record(held))
        return replaced
