"""Checking an import of tag and user-constant rows before anything is written, as both adapters do it.

An :class:`ImportPlan` takes the rows (already parsed from JSON/CSV/XLSX) against what the PLC holds and the rows
before them: the table each row goes to (planning the tables to create; a Path column names the group too), its
texts (none may hold a character the project cannot store, :mod:`engineering_api.rules.project_texts`), its fields
(:func:`engineering_api.rules.tags.check_tag` / ``check_constant``), its name (unique in the file and in the
PLC unless an overwrite replaces an object of the same kind in the same table), and the address overlaps a tag
causes. An adapter writes only a plan without refused rows (:meth:`ImportPlan.check_rows`), all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from engineering_api.backend.areas.tags import RowError, TagImportResult, TagWarning
from engineering_api.backend.errors import NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.project_texts import unstorable_reason
from engineering_api.rules.tags import FieldError, check_constant, check_table_name, check_tag

if TYPE_CHECKING:
    from engineering_api.backend.areas.tags import ConstantImportRow, TagImportRow
    from engineering_api.rules.addresses import Address, OverlapIndex

__all__ = ("CONSTANTS_SHEET", "MAX_ROW_ERRORS", "MAX_WARNINGS", "TAGS_SHEET", "ImportPlan")

MAX_ROW_ERRORS = 1000
MAX_WARNINGS = 200
TAGS_SHEET, CONSTANTS_SHEET = "PLC Tags", "User Constants"
_TEXT_COLUMNS = (("name", "Name"), ("table_name", "Path"), ("data_type", "Data Type"),
                 ("logical_address", "Logical Address"), ("value", "Value"), ("comment", "Comment"))
"""A row's texts (attribute, column), each of which the project must be able to store."""

TagT = TypeVar("TagT")
ConstantT = TypeVar("ConstantT")


def _no_checkpoint() -> None:
    return None


@dataclass
class ImportPlan(Generic[TagT, ConstantT]):
    """What a batch will do: the adapter's records per target table, tables to create, refused rows, warnings."""

    tables: dict[str, str]
    """Folded name -> name of the tables the PLC has."""
    names: dict[str, tuple[str, str, str]]
    """Folded name -> (kind, table, name) of what the PLC holds (tags, user and system constants)."""
    table: str
    """The table rows go to unless they follow their Path column."""
    follow_path: bool
    overwrite: bool
    index: OverlapIndex
    """The addresses of the PLC's tags; the planned tags are added to it."""
    fold: Callable[[str], str] = str.casefold
    """How the adapter folds names to compare them (the keys of ``tables`` and ``names``)."""
    row_checkpoint: Callable[[], None] = _no_checkpoint
    """Called before each row (the fake: its cancel checkpoint, so a timed-out import stops there)."""
    new_tables: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Folded name -> (name, folder) of tables to create."""
    bad_tables: dict[str, str] = field(default_factory=dict)
    tags: dict[str, list[TagT]] = field(default_factory=dict)
    constants: dict[str, list[ConstantT]] = field(default_factory=dict)
    replacing: set[str] = field(default_factory=set)
    """Folded names of the objects rows replace (overwrite)."""
    seen: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[TagWarning] = field(default_factory=list)
    warning_count: int = 0

    def check_rows(
        self, device: str, tags: list[TagImportRow], constants: list[ConstantImportRow], udts: dict[str, str], *,
        tag_record: Callable[[TagImportRow, str, Address], TagT],
        constant_record: Callable[[str, str, str, str], ConstantT],
    ) -> None:
        """Check every row before anything is written: a good one becomes the adapter's record
        (``tag_record(row, data type, address)``, ``constant_record(name, data type, value, comment)``) in its
        target table, a bad one a refusal; then refuse them all if any was refused (all or nothing).

        Raises:
            NotFoundError: ``TAG_TABLE_NOT_FOUND`` when the rows go to one table (no Path) the PLC lacks.
            ValidationError: ``IMPORT_ROWS_INVALID`` with the refused rows (:meth:`raise_refused`).
        """
        if not self.follow_path and self.fold(self.table) not in self.tables:
            raise NotFoundError(f"The tag table '{self.table}' was not found in '{device}'.",
                                code=codes.TAG_TABLE_NOT_FOUND)
        for item in tags:
            placed = self.place(item, item.logical_address, TAGS_SHEET, "tag",
                                partial(check_tag, item.name, item.data_type, item.logical_address, udts))
            if placed is not None:
                target, (data_type, address) = placed
                self.tags.setdefault(target, []).append(tag_record(item, data_type, address))
                self.warn_overlaps(item.row, item.name, address, data_type)
        for constant in constants:
            placed = self.place(constant, constant.value, CONSTANTS_SHEET, "user constant",
                                partial(check_constant, constant.name, constant.data_type, constant.value))
            if placed is not None:
                target, (data_type, value) = placed
                self.constants.setdefault(target, []).append(
                    constant_record(constant.name, data_type, value, constant.comment))
        self.raise_refused()

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
        key = self.fold(name)
        if key in self.tables:
            return self.tables[key]
        if key in self.new_tables:
            return self.new_tables[key][0]
        if key not in self.bad_tables:
            try:
                check_table_name(name)
            except ValidationError as exc:
                self.bad_tables[key] = self.bad_tables[self.fold(wanted)] = exc.message
                return None
            self.new_tables[key] = (name, folder)
            return name
        return None

    def place(self, item: TagImportRow | ConstantImportRow, last: str, sheet: str, kind: str,
              check: Callable[[], Any]) -> tuple[str, Any] | None:
        """(target table, what ``check`` returned) for a row whose table, fields and name are good; else the row is
        refused (``last`` is the value shown when the rule-bearing column after Name and Data Type fails)."""
        self.row_checkpoint()
        wanted = item.table_name if self.follow_path and item.table_name else self.table
        target = self.target(wanted, self.follow_path and bool(item.table_name))
        if target is None:
            self.refuse(item.row, "Path", self.bad_tables.get(self.fold(wanted), "bad tag table name"), wanted, sheet)
            return None
        for attribute, column in _TEXT_COLUMNS:
            text = getattr(item, attribute, None)
            reason = unstorable_reason(text) if isinstance(text, str) else None
            if reason is not None:
                self.refuse(item.row, column, reason, text, sheet)
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
        key = self.fold(name)
        if key in self.seen:
            self.refuse(row, "Name", f"the name '{name}' is used twice in the file (first in row {self.seen[key]})",
                        name, sheet)
            return False
        self.seen[key] = row
        held = self.names.get(key)
        if held is None:
            return True
        same_kind = held[0] == kind
        if self.overwrite and same_kind and self.fold(held[1]) == self.fold(target):
            self.replacing.add(key)
            return True
        if not self.overwrite:
            hint = "; import with overwrite to replace it"
        else:
            hint = "; overwrite replaces objects in the same table only" if same_kind else ""
        self.refuse(row, "Name",
                    f"the name '{name}' is already used by the {held[0]} '{held[2]}' in '{held[1]}'{hint}", name, sheet)
        return False

    def warn_overlaps(self, row: int, name: str, address: Address, data_type: str) -> None:
        for other, other_address in self.index.add(name, address, data_type):
            if self.fold(other) == self.fold(name) and self.fold(other) in self.replacing:
                continue  # the tag this row replaces
            self.warning_count += 1
            if len(self.warnings) < MAX_WARNINGS:
                self.warnings.append(TagWarning(
                    code=codes.ADDRESS_OVERLAP, tag=name, other_tag=other,
                    message=f"Row {row}: the address {address.text} of '{name}' overlaps {other_address} of '{other}'.",
                ))

    def touched(self) -> list[str]:
        """The tables rows go to, in the order rows first named them (tags first)."""
        return list(dict.fromkeys([*self.tags, *self.constants]))

    def created(self) -> list[str]:
        """The names of the tables the import creates."""
        return [name for name, _ in self.new_tables.values()]

    def raise_refused(self) -> None:
        """Raises ValidationError ``IMPORT_ROWS_INVALID`` with the refused rows when there are any."""
        if not self.error_count:
            return
        first = self.errors[0]
        raise ValidationError(
            f"{self.error_count} problem(s) in the import; nothing was imported. First: row {first.row}, "
            f"{first.column}: {first.reason}",
            code=codes.IMPORT_ROWS_INVALID,
            details={"errorCount": self.error_count, "rows": [
                {k: v for k, v in (("row", e.row), ("column", e.column), ("reason", e.reason), ("sheet", e.sheet),
                                   ("value", e.value)) if v is not None}
                for e in self.errors
            ]},
        )

    def validated(self) -> TagImportResult:
        """The answer of a validate-only run: nothing imported, the tables the rows go to and would create."""
        return TagImportResult(tags_imported=0, constants_imported=0, tables=self.touched(),
                               created_tables=self.created(), warnings=self.warnings, warning_count=self.warning_count)
