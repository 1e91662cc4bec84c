"""Importing tags and user constants into the fake backend's tag tables (``FakeBackend.tag_import``).

Every row is validated first and the model changes only when all rows are good, inside one transaction;
a validate-only run reports the same problems without changing anything.
"""

from __future__ import annotations

from contextlib import nullcontext
from functools import partial
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.tags import RowError, TagImportPort, TagImportResult, TagWarning
from engineering_api.backend.errors import NotFoundError, ValidationError
from engineering_api.rules.addresses import OverlapIndex
from engineering_api.rules.tags import FieldError, check_constant, check_table_name, check_tag
from fakes.tag_support import CATEGORY
from fakes.tags.tables import ConstRecord, TableData, TagRecord, TagTableObject, table_object
from simatic_xml.cancel import checkpoint

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.areas.tags import ConstantImportRow, TagImportRow
    from fakes.session import FakeSession
    from fakes.tag_support import TagTables

__all__ = ("FakeTagImport",)

MAX_ROW_ERRORS = 1000
MAX_WARNINGS = 200


class FakeTagImport(TagImportPort):
    """Imports of tags and user constants into the fake's tag tables.

    Args:
        session: the open project; an import is one transaction, a validation none.
        tables: the PLCs' tag tables, read once for the checks and written only when every row is good.
    """

    def __init__(self, session: FakeSession, *, tables: TagTables) -> None:
        self._session = session
        self._tables = tables

    def import_tags(
        self, device: str, tags: list[TagImportRow], constants: list[ConstantImportRow], *, table: str,
        follow_path: bool, overwrite: bool, validate_only: bool = False,
    ) -> TagImportResult:
        transaction = nullcontext(self._session.project()) if validate_only else self._session.change()
        with transaction as project:
            plc, software = self._tables.plc(project, device)
            version = project.version
            tables = self._tables.all_tables(software, version)
            by_lower = {obj.name.lower(): obj for obj in tables}
            if not follow_path and table.lower() not in by_lower:
                raise NotFoundError(f"The tag table '{table}' was not found in '{device}'.", code="TAG_TABLE_NOT_FOUND")
            existing = self._tables.names(plc, software, tables)
            udts = self._tables.udts(software)
            errors: list[RowError] = []
            error_count = 0
            seen: dict[str, int] = {}
            new_tables: dict[str, str] = {}
            new_folders: dict[str, str] = {}
            bad_tables: dict[str, str] = {}
            plan_tags: dict[str, list[TagRecord]] = {}
            plan_constants: dict[str, list[ConstRecord]] = {}
            replaced: set[str] = set()
            replaced_count = 0

            def fail(row: int, column: str, reason: str, value: Any, sheet: str) -> None:
                nonlocal error_count
                error_count += 1
                if len(errors) < MAX_ROW_ERRORS:
                    errors.append(RowError(row=row, column=column, reason=reason, sheet=sheet,
                                           value=None if value is None else str(value)))

            def target_of(row_table: str | None) -> str | None:
                wanted = row_table if follow_path and row_table else table
                folder = ""
                if follow_path and row_table and ("\\" in wanted or "/" in wanted):
                    # TIA's Path column names the group too: "Line1\\Motors\\IO" is table IO in Line1/Motors
                    parts = [p.strip() for p in wanted.replace("\\", "/").split("/")]
                    folder, wanted = "/".join(p for p in parts[:-1] if p), parts[-1]
                found = by_lower.get(wanted.lower())
                if found is not None:
                    return found.name
                key = wanted.lower()
                if key in new_tables:
                    return new_tables[key]
                if key in bad_tables:
                    return None
                try:
                    check_table_name(wanted)
                except ValidationError as exc:
                    bad_tables[key] = exc.message
                    bad_tables[(row_table if follow_path and row_table else table).lower()] = exc.message
                    return None
                new_tables[key] = wanted
                if folder:
                    new_folders[key] = folder
                return wanted

            def claim(name: str, target: str, kind: str, row: int, sheet: str) -> bool:
                key = name.lower()
                first = seen.get(key)
                if first is not None:
                    fail(row, "Name", f"the name '{name}' is used twice in the file (first in row {first})", name, sheet)
                    return False
                seen[key] = row
                clash = existing.get(key)
                if clash is not None:
                    if overwrite and clash[0] == kind and clash[1].lower() == target.lower():
                        replaced.add(key)
                        return True
                    where = f"the {clash[0]} '{clash[2]}' in '{clash[1]}'"
                    hint = "" if overwrite else "; import with overwrite to replace it"
                    if overwrite and clash[0] == kind:
                        hint = "; overwrite replaces objects in the same table only"
                    fail(row, "Name", f"the name '{name}' is already used by {where}{hint}", name, sheet)
                    return False
                return True

            def place(item: TagImportRow | ConstantImportRow, last: str, sheet: str, kind: str,
                      check: Callable[[], Any]) -> tuple[str, Any] | None:
                """(target table, what ``check`` returned) for a row whose table, fields and name are good; else the
                row is refused (``last``: the value shown when the column after Name and Data Type fails)."""
                checkpoint()  # once per row: a timed-out import stops here and the transaction rolls back
                target = target_of(item.table_name)
                if target is None:
                    wanted = item.table_name if follow_path and item.table_name else table
                    fail(item.row, "Path", bad_tables.get(wanted.lower(), "bad tag table name"), wanted, sheet)
                    return None
                try:
                    checked = check()
                except FieldError as exc:
                    fail(item.row, exc.column, exc.reason,
                         {"Name": item.name, "Data Type": item.data_type}.get(exc.column, last), sheet)
                    return None
                return (target, checked) if claim(item.name, target, kind, item.row, sheet) else None

            index = self._tables.index(tables, set()) if any(obj.table.tags for obj in tables) else OverlapIndex()
            warnings: list[TagWarning] = []
            warning_count = 0
            for item in tags:
                placed = place(item, item.logical_address, "PLC Tags", "tag",
                               partial(check_tag, item.name, item.data_type, item.logical_address, udts))
                if placed is None:
                    continue
                target, (data_type, address) = placed
                plan_tags.setdefault(target, []).append(TagRecord(
                    item.name, data_type, address.text, item.comment, item.hmi_visible, item.hmi_accessible,
                    item.hmi_writeable,
                ))
                for other, other_address in index.add(item.name, address, data_type):
                    if other.lower() in replaced and other.lower() == item.name.lower():
                        continue
                    warning_count += 1
                    if len(warnings) < MAX_WARNINGS:
                        warnings.append(TagWarning(
                            code="ADDRESS_OVERLAP", tag=item.name, other_tag=other,
                            message=f"Row {item.row}: the address {address.text} of '{item.name}' overlaps "
                                    f"{other_address} of '{other}'.",
                        ))
            for row in constants:
                placed = place(row, row.value, "User Constants", "user constant",
                               partial(check_constant, row.name, row.data_type, row.value))
                if placed is not None:
                    target, (data_type, value) = placed
                    plan_constants.setdefault(target, []).append(ConstRecord(row.name, data_type, value, row.comment))
            if error_count:
                first = errors[0]
                raise ValidationError(
                    f"{error_count} problem(s) in the import; nothing was imported. First: row {first.row}, "
                    f"{first.column}: {first.reason}",
                    code="IMPORT_ROWS_INVALID",
                    details={"errorCount": error_count, "rows": [
                        {k: v for k, v in (("row", e.row), ("column", e.column), ("reason", e.reason), ("sheet", e.sheet),
                                           ("value", e.value)) if v is not None}
                        for e in errors
                    ]},
                )
            if validate_only:
                return TagImportResult(
                    tags_imported=0, constants_imported=0, tables=list(dict.fromkeys([*plan_tags, *plan_constants])),
                    created_tables=list(new_tables.values()), warnings=warnings, warning_count=warning_count,
                )
            created: list[str] = []
            for key, name in new_tables.items():
                folder = new_folders.get(key, "")
                if folder and folder not in software.folders.setdefault(CATEGORY, set()):
                    folder = software.add_folder(CATEGORY, folder)
                software.tag_tables[name] = TagTableObject.from_table(TableData(name), version=version, folder=folder)
                created.append(name)
            touched = list(dict.fromkeys([*plan_tags, *plan_constants]))
            for name in touched:
                obj = table_object(software, name, version)
                assert obj is not None
                data = obj.table
                new_tags = plan_tags.get(name, [])
                new_constants = plan_constants.get(name, [])
                tag_list = data.tags
                const_list = data.constants
                if replaced:
                    incoming = {t.name.lower(): t for t in new_tags}
                    tag_list = tuple(incoming.pop(t.name.lower(), t) for t in tag_list)
                    replaced_count += len(new_tags) - len(incoming)
                    new_tags = list(incoming.values())
                    incoming_c = {c.name.lower(): c for c in new_constants}
                    const_list = tuple(incoming_c.pop(c.name.lower(), c) for c in const_list)
                    new_constants = list(incoming_c.values())
                self._tables.store(software, obj, replace(data, tags=(*tag_list, *new_tags),
                                                   constants=(*const_list, *new_constants)))
            return TagImportResult(
                tags_imported=sum(len(v) for v in plan_tags.values()),
                constants_imported=sum(len(v) for v in plan_constants.values()),
                tags_replaced=replaced_count, tables=touched, created_tables=created, warnings=warnings,
                warning_count=warning_count,
            )
