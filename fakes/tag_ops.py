"""The tags and constants half of the fake backend.

Tables live in ``software.tag_tables`` as SimaticML program objects (see :mod:`fakes.tags.tables`).
TIA's rules are enforced here: names unique across every table of the PLC (tags, user constants and
system constants share one namespace, case-insensitively), data types that exist, addresses that fit
(:mod:`fakes.tags.addresses`), the default tag table that is always there. Imports validate every row
first and change the model only when all rows are good, inside one transaction.
"""

from __future__ import annotations

import re
from contextlib import nullcontext
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.tags import (
    ConstantInfo,
    RowError,
    TagChange,
    TagImportResult,
    TagInfo,
    TagTableInfo,
    TagTableNode,
    TagWarning,
)
from engineering_api.backend.errors import (
    AlreadyExistsError,
    ConflictError,
    NotFoundError,
    ValidationError,
)
from fakes.tags.addresses import (
    Address,
    AddressError,
    OverlapIndex,
    check_address,
    parse_address,
)
from fakes.tags.rules import RuleError, check_name, check_value, resolve_type
from fakes.tags.tables import (
    DEFAULT_TABLE,
    ConstRecord,
    TableData,
    TagRecord,
    TagTableObject,
    default_table,
    table_object,
)

if TYPE_CHECKING:
    from engineering_api.backend.areas.tags import (
        ConstantImportRow,
        ConstantKind,
        ConstantSpec,
        ConstantUpdate,
        TagImportRow,
        TagSpec,
        TagUpdate,
    )
    from fakes.model import Device, Project
    from fakes.program import PlcSoftware

__all__ = ("TagOperations",)

CATEGORY = "tag_tables"
MAX_ROW_ERRORS = 1000
MAX_WARNINGS = 200
_SECONDARY = re.compile(rb"<SecondaryType>(\w+)</SecondaryType>")
_OB_TYPES = {
    "ProgramCycle": "OB_PCYCLE", "Startup": "OB_STARTUP", "CyclicInterrupt": "OB_CYCLIC",
    "TimeDelayInterrupt": "OB_DELAY", "TimeOfDay": "OB_TOD", "HardwareInterrupt": "OB_HWINT",
    "DiagnosticErrorInterrupt": "OB_DIAG", "ProgrammingError": "OB_ANY", "IOAccessError": "OB_ANY",
}


class _FieldError(Exception):
    def __init__(self, column: str, code: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.code, self.reason = column, code, reason


def _tag_info(record: TagRecord, table: str) -> TagInfo:
    return TagInfo(
        name=record.name, data_type=record.data_type, logical_address=record.address, comment=record.comment,
        hmi_visible=record.hmi_visible, hmi_accessible=record.hmi_accessible, hmi_writeable=record.hmi_writeable,
        table_name=table,
    )


def _constant_info(record: ConstRecord, table: str) -> ConstantInfo:
    return ConstantInfo(name=record.name, data_type=record.data_type, value=record.value, comment=record.comment,
                        table_name=table)


def _check_tag(name: str, data_type: str, address: str, udts: dict[str, str]) -> tuple[str, Address]:
    """Validate the three rule-bearing fields of a tag; returns the canonical type and the address."""
    try:
        check_name(name, "tag")
    except RuleError as exc:
        raise _FieldError("Name", "INVALID_NAME", str(exc)) from None
    try:
        canonical, structured = resolve_type(data_type, udts)
    except RuleError as exc:
        raise _FieldError("Data Type", "UNKNOWN_DATA_TYPE", str(exc)) from None
    try:
        parsed = check_address(address, canonical, structured=structured)
    except AddressError as exc:
        code = "ADDRESS_NOT_ALLOWED" if "data block address" in str(exc) else "INVALID_ADDRESS"
        raise _FieldError("Logical Address", code, str(exc)) from None
    return canonical, parsed


def _check_constant(name: str, data_type: str, value: str) -> tuple[str, str]:
    try:
        check_name(name, "constant")
    except RuleError as exc:
        raise _FieldError("Name", "INVALID_NAME", str(exc)) from None
    try:
        canonical, _ = resolve_type(data_type, {}, for_constant=True)
    except RuleError as exc:
        raise _FieldError("Data Type", "UNKNOWN_DATA_TYPE", str(exc)) from None
    try:
        return canonical, check_value(canonical, value)
    except RuleError as exc:
        raise _FieldError("Value", "INVALID_VALUE", str(exc)) from None


def _raise(exc: _FieldError, subject: str) -> None:
    raise ValidationError(f"{subject}: {exc.reason}", code=exc.code, details={"field": exc.column}) from None


def _check_table_name(name: str) -> str:
    try:
        check_name(name, "tag table")
    except RuleError as exc:
        raise ValidationError(str(exc), code="INVALID_NAME") from None
    if any(ch in name for ch in "/\\"):
        raise ValidationError("the tag table name must not contain / or \\", code="INVALID_NAME")
    return name


def _overlaps(index: OverlapIndex, name: str, address: Address, data_type: str) -> list[TagWarning]:
    return [
        TagWarning(
            code="ADDRESS_OVERLAP", tag=name, other_tag=other,
            message=f"The address {address.text} of '{name}' overlaps {other_address} of '{other}'.",
        )
        for other, other_address in index.add(name, address, data_type)
    ]


class TagOperations:
    """Mixed into :class:`fakes.backend.FakeBackend`; relies on its ``_project``/``_change``/``_software``."""

    # ----- helpers ---------------------------------------------------------------------------
    def _plc(self, project: Project, device: str) -> tuple[Device, PlcSoftware]:
        plc, software = self._software(project, device)  # type: ignore[attr-defined]
        default_table(software, project.version)
        return plc, software

    @staticmethod
    def _all_tables(software: PlcSoftware, version: str) -> list[TagTableObject]:
        return [table_object(software, name, version) for name in list(software.tag_tables)]  # type: ignore[misc]

    @staticmethod
    def _table(software: PlcSoftware, version: str, name: str, device: str) -> TagTableObject:
        obj = table_object(software, name, version)
        if obj is None:
            match = next((n for n in software.tag_tables if n.lower() == name.lower()), None)
            obj = table_object(software, match, version) if match is not None else None
        if obj is None:
            raise NotFoundError(f"The tag table '{name}' was not found in '{device}'.", code="TAG_TABLE_NOT_FOUND")
        return obj

    @staticmethod
    def _store(software: PlcSoftware, obj: TagTableObject, data: TableData) -> TagTableObject:
        new = obj.with_table(data)
        software.tag_tables[obj.name] = new
        return new

    def _names(self, plc: Device, software: PlcSoftware, tables: list[TagTableObject]) -> dict[str, tuple[str, str, str]]:
        """Lower-cased name -> (kind, table, name) for every tag, user constant and system constant."""
        names: dict[str, tuple[str, str, str]] = {}
        for constant in self._system_constant_list(plc, software):
            names[constant.name.lower()] = ("system constant", constant.table_name, constant.name)
        for obj in tables:
            data = obj.table
            for tag in data.tags:
                names[tag.name.lower()] = ("tag", obj.name, tag.name)
            for constant in data.constants:
                names[constant.name.lower()] = ("user constant", obj.name, constant.name)
        return names

    @staticmethod
    def _udts(software: PlcSoftware) -> dict[str, str]:
        return {name.lower(): name for name in software.types}

    @staticmethod
    def _index(tables: list[TagTableObject], skip: set[str]) -> OverlapIndex:
        index = OverlapIndex()
        for obj in tables:
            for tag in obj.table.tags:
                if tag.name.lower() in skip or not tag.address:
                    continue
                try:
                    address = parse_address(tag.address)
                except AddressError:
                    continue
                index.add(tag.name, address, tag.data_type)
        return index

    @staticmethod
    def _system_constant_list(plc: Device, software: PlcSoftware) -> list[ConstantInfo]:
        """System constants of the PLC's hardware objects and OBs.

        Names follow TIA (``Local~PROFINET_interface_1``, ``Local~PROFINET_interface_1~Port_1``, module
        names, OB names); the values are hardware identifiers the fake assigns in a fixed order, not the
        ones TIA would assign.
        """
        found: list[ConstantInfo] = []

        def add(name: str, data_type: str, value: int, comment: str = "") -> None:
            found.append(ConstantInfo(name=name, data_type=data_type, value=str(value), comment=comment,
                                      table_name=DEFAULT_TABLE, is_system=True))

        add("Local~Device", "Hw_Device", 32, f"{plc.name}")
        add("Local~Configuration", "Hw_SubModule", 33)
        add("Local~Common", "Hw_SubModule", 50)
        add("Local~Exec", "Hw_SubModule", 52)
        hw_id = 64
        for interface in plc.interfaces:
            label = "Local~" + interface.name.replace(" ", "_")
            add(label, "Hw_Interface", hw_id)
            hw_id += 1
            for port in range(1, interface.ports + 1 if interface.type == "PROFINET" else 1):
                add(f"{label}~Port_{port}", "Hw_Interface", hw_id)
                hw_id += 1
        hw_id = max(hw_id, 256)
        for module in sorted(plc.modules, key=lambda m: m.slot):
            add(module.name.replace(" ", "_"), "Hw_SubModule", hw_id, module.order_number)
            hw_id += 1
        for block in software.blocks.values():
            if block.kind == "OB" and block.number is not None:
                match = _SECONDARY.search(block.xml)
                ob_type = _OB_TYPES.get(match.group(1).decode(), "OB_ANY") if match else "OB_ANY"
                add(block.name, ob_type, block.number)
        return found

    # ----- tag tables ------------------------------------------------------------------------
    def _table_info(self, obj: TagTableObject) -> TagTableInfo:
        data = obj.table
        return TagTableInfo(name=obj.name, folder=obj.folder, tag_count=len(data.tags),
                            user_constant_count=len(data.constants), is_default=obj.name == DEFAULT_TABLE)

    def list_tag_tables(self, device: str) -> list[TagTableInfo]:
        project = self._project()  # type: ignore[attr-defined]
        _, software = self._plc(project, device)
        return [self._table_info(obj) for obj in self._all_tables(software, project.version)]

    def tag_table_tree(self, device: str) -> TagTableNode:
        project = self._project()  # type: ignore[attr-defined]
        _, software = self._plc(project, device)
        root = TagTableNode(name="PLC tags", is_folder=True, path="", node_type="Folder")
        folders: dict[str, TagTableNode] = {"": root}
        for path in sorted(software.folders.get(CATEGORY, set()), key=lambda p: (p.count("/"), p.lower())):
            parent_path, _, leaf = path.rpartition("/")
            node = TagTableNode(name=leaf, is_folder=True, path=path, node_type="Folder")
            folders.setdefault(parent_path, root).children.append(node)
            folders[path] = node
        for obj in self._all_tables(software, project.version):
            parent = folders.get(obj.folder, root)
            parent.children.append(TagTableNode(
                name=obj.name, is_folder=False, path=f"{obj.folder}/{obj.name}" if obj.folder else obj.name,
                tag_count=len(obj.table.tags), is_default=obj.name == DEFAULT_TABLE,
            ))
        return root

    def create_tag_table(self, device: str, name: str, folder: str = "") -> TagTableInfo:
        with self._change() as project:  # type: ignore[attr-defined]
            _, software = self._plc(project, device)
            _check_table_name(name)
            if any(n.lower() == name.lower() for n in software.tag_tables):
                raise AlreadyExistsError(f"The tag table '{name}' already exists.", code="TAG_TABLE_EXISTS")
            folder = folder.strip().strip("/")
            if folder and folder not in software.folders.setdefault(CATEGORY, set()):
                folder = software.add_folder(CATEGORY, folder)
            obj = TagTableObject.from_table(TableData(name), version=project.version, folder=folder)
            software.tag_tables[name] = obj
            return self._table_info(obj)

    def rename_tag_table(self, device: str, name: str, new_name: str) -> TagTableInfo:
        with self._change() as project:  # type: ignore[attr-defined]
            _, software = self._plc(project, device)
            obj = self._table(software, project.version, name, device)
            _check_table_name(new_name)
            if obj.name == DEFAULT_TABLE and new_name != DEFAULT_TABLE:
                raise ConflictError("The default tag table cannot be renamed.", code="DEFAULT_TAG_TABLE")
            if new_name.lower() != obj.name.lower() and any(n.lower() == new_name.lower() for n in software.tag_tables):
                raise AlreadyExistsError(f"The tag table '{new_name}' already exists.", code="TAG_TABLE_EXISTS")
            renamed = obj.with_table(replace(obj.table, name=new_name))
            items = list(software.tag_tables.items())
            software.tag_tables.clear()
            for key, value in items:
                if key == obj.name:
                    software.tag_tables[new_name] = renamed
                else:
                    software.tag_tables[key] = value
            return self._table_info(renamed)

    def delete_tag_table(self, device: str, name: str) -> None:
        with self._change() as project:  # type: ignore[attr-defined]
            _, software = self._plc(project, device)
            obj = self._table(software, project.version, name, device)
            if obj.name == DEFAULT_TABLE:
                raise ConflictError("The default tag table cannot be deleted.", code="DEFAULT_TAG_TABLE")
            software.remove(CATEGORY, obj.name)

    def create_tag_table_folder(self, device: str, path: str) -> TagTableNode:
        with self._change() as project:  # type: ignore[attr-defined]
            _, software = self._plc(project, device)
            normalised = software.add_folder(CATEGORY, path)
            return TagTableNode(name=normalised.rpartition("/")[2], is_folder=True, path=normalised, node_type="Folder")

    def delete_tag_table_folder(self, device: str, path: str) -> list[str]:
        with self._change() as project:  # type: ignore[attr-defined]
            _, software = self._plc(project, device)
            inside = path.strip().strip("/")
            default = software.tag_tables.get(DEFAULT_TABLE)
            if default is not None and (default.folder == inside or default.folder.startswith(inside + "/")):
                raise ConflictError(
                    f"The folder '{inside}' holds the default tag table, which cannot be deleted.", code="DEFAULT_TAG_TABLE"
                )
            return software.remove_folder(CATEGORY, inside)

    def export_tag_table_xml(self, device: str, table: str) -> bytes:
        project = self._project()  # type: ignore[attr-defined]
        _, software = self._plc(project, device)
        return self._table(software, project.version, table, device).xml

    # ----- tags ------------------------------------------------------------------------------
    def list_tags(self, device: str, table: str) -> list[TagInfo]:
        project = self._project()  # type: ignore[attr-defined]
        _, software = self._plc(project, device)
        obj = self._table(software, project.version, table, device)
        return [_tag_info(tag, obj.name) for tag in obj.table.tags]

    def list_all_tags(self, device: str) -> list[TagInfo]:
        project = self._project()  # type: ignore[attr-defined]
        _, software = self._plc(project, device)
        return [_tag_info(tag, obj.name) for obj in self._all_tables(software, project.version) for tag in obj.table.tags]

    def create_tag(self, device: str, table: str, tag: TagSpec) -> TagChange:
        with self._change() as project:  # type: ignore[attr-defined]
            plc, software = self._plc(project, device)
            tables = self._all_tables(software, project.version)
            obj = self._table(software, project.version, table, device)
            try:
                data_type, address = _check_tag(tag.name, tag.data_type, tag.logical_address, self._udts(software))
            except _FieldError as exc:
                _raise(exc, f"Tag '{tag.name}'")
            clash = self._names(plc, software, tables).get(tag.name.lower())
            if clash is not None:
                raise AlreadyExistsError(
                    f"The name '{tag.name}' is already used by the {clash[0]} '{clash[2]}' in '{clash[1]}'; "
                    "names are unique across all tag tables of the PLC.", code="TAG_EXISTS",
                )
            record = TagRecord(tag.name, data_type, address.text, tag.comment, tag.hmi_visible, tag.hmi_accessible,
                               tag.hmi_writeable)
            warnings = _overlaps(self._index(tables, set()), record.name, address, data_type)
            self._store(software, obj, replace(obj.table, tags=(*obj.table.tags, record)))
            return TagChange(tag=_tag_info(record, obj.name), warnings=warnings)

    def update_tag(self, device: str, table: str, name: str, changes: TagUpdate) -> TagChange:
        with self._change() as project:  # type: ignore[attr-defined]
            plc, software = self._plc(project, device)
            tables = self._all_tables(software, project.version)
            obj = self._table(software, project.version, table, device)
            tags = list(obj.table.tags)
            position = next((i for i, t in enumerate(tags) if t.name == name), None)
            if position is None:
                position = next((i for i, t in enumerate(tags) if t.name.lower() == name.lower()), None)
            if position is None:
                raise NotFoundError(f"The tag '{name}' was not found in the tag table '{obj.name}'.", code="TAG_NOT_FOUND")
            old = tags[position]
            new_name = changes.new_name if changes.new_name is not None else old.name
            data_type = changes.data_type if changes.data_type is not None else old.data_type
            address_text = changes.logical_address if changes.logical_address is not None else old.address
            try:
                canonical, address = _check_tag(new_name, data_type, address_text, self._udts(software))
            except _FieldError as exc:
                _raise(exc, f"Tag '{new_name}'")
            if new_name.lower() != old.name.lower():
                clash = self._names(plc, software, tables).get(new_name.lower())
                if clash is not None:
                    raise AlreadyExistsError(
                        f"The name '{new_name}' is already used by the {clash[0]} '{clash[2]}' in '{clash[1]}'.",
                        code="TAG_EXISTS",
                    )
            record = TagRecord(
                new_name, canonical, address.text,
                changes.comment if changes.comment is not None else old.comment,
                changes.hmi_visible if changes.hmi_visible is not None else old.hmi_visible,
                changes.hmi_accessible if changes.hmi_accessible is not None else old.hmi_accessible,
                changes.hmi_writeable if changes.hmi_writeable is not None else old.hmi_writeable,
                old.texts,
            )
            warnings = _overlaps(self._index(tables, {old.name.lower()}), record.name, address, canonical)
            tags[position] = record
            self._store(software, obj, replace(obj.table, tags=tuple(tags)))
            return TagChange(tag=_tag_info(record, obj.name), warnings=warnings)

    def delete_tag(self, device: str, table: str, name: str) -> None:
        with self._change() as project:  # type: ignore[attr-defined]
            _, software = self._plc(project, device)
            obj = self._table(software, project.version, table, device)
            kept = tuple(t for t in obj.table.tags if t.name != name)
            if len(kept) == len(obj.table.tags):
                kept = tuple(t for t in obj.table.tags if t.name.lower() != name.lower())
            if len(kept) == len(obj.table.tags):
                raise NotFoundError(f"The tag '{name}' was not found in the tag table '{obj.name}'.", code="TAG_NOT_FOUND")
            self._store(software, obj, replace(obj.table, tags=kept))

    # ----- constants -------------------------------------------------------------------------
    def list_constants(self, device: str, table: str, kind: ConstantKind = "all") -> list[ConstantInfo]:
        project = self._project()  # type: ignore[attr-defined]
        plc, software = self._plc(project, device)
        obj = self._table(software, project.version, table, device)
        found: list[ConstantInfo] = []
        if kind in ("all", "user"):
            found.extend(_constant_info(c, obj.name) for c in obj.table.constants)
        if kind in ("all", "system") and obj.name == DEFAULT_TABLE:
            found.extend(self._system_constant_list(plc, software))
        return found

    def _find_constant(self, obj: TagTableObject, name: str, plc: Device, software: PlcSoftware) -> int:
        constants = obj.table.constants
        position = next((i for i, c in enumerate(constants) if c.name == name), None)
        if position is None:
            position = next((i for i, c in enumerate(constants) if c.name.lower() == name.lower()), None)
        if position is None:
            if any(c.name.lower() == name.lower() for c in self._system_constant_list(plc, software)):
                raise ValidationError(f"'{name}' is a system constant; system constants are read-only.",
                                      code="SYSTEM_CONSTANT_READ_ONLY")
            raise NotFoundError(f"The user constant '{name}' was not found in the tag table '{obj.name}'.",
                                code="CONSTANT_NOT_FOUND")
        return position

    def create_constant(self, device: str, table: str, constant: ConstantSpec) -> ConstantInfo:
        with self._change() as project:  # type: ignore[attr-defined]
            plc, software = self._plc(project, device)
            tables = self._all_tables(software, project.version)
            obj = self._table(software, project.version, table, device)
            try:
                data_type, value = _check_constant(constant.name, constant.data_type, constant.value)
            except _FieldError as exc:
                _raise(exc, f"Constant '{constant.name}'")
            clash = self._names(plc, software, tables).get(constant.name.lower())
            if clash is not None:
                raise AlreadyExistsError(
                    f"The name '{constant.name}' is already used by the {clash[0]} '{clash[2]}' in '{clash[1]}'.",
                    code="CONSTANT_EXISTS",
                )
            record = ConstRecord(constant.name, data_type, value, constant.comment)
            self._store(software, obj, replace(obj.table, constants=(*obj.table.constants, record)))
            return _constant_info(record, obj.name)

    def update_constant(self, device: str, table: str, name: str, changes: ConstantUpdate) -> ConstantInfo:
        with self._change() as project:  # type: ignore[attr-defined]
            plc, software = self._plc(project, device)
            tables = self._all_tables(software, project.version)
            obj = self._table(software, project.version, table, device)
            position = self._find_constant(obj, name, plc, software)
            constants = list(obj.table.constants)
            old = constants[position]
            new_name = changes.new_name if changes.new_name is not None else old.name
            try:
                data_type, value = _check_constant(
                    new_name, changes.data_type if changes.data_type is not None else old.data_type,
                    changes.value if changes.value is not None else old.value,
                )
            except _FieldError as exc:
                _raise(exc, f"Constant '{new_name}'")
            if new_name.lower() != old.name.lower():
                clash = self._names(plc, software, tables).get(new_name.lower())
                if clash is not None:
                    raise AlreadyExistsError(
                        f"The name '{new_name}' is already used by the {clash[0]} '{clash[2]}' in '{clash[1]}'.",
                        code="CONSTANT_EXISTS",
                    )
            record = ConstRecord(new_name, data_type, value,
                                 changes.comment if changes.comment is not None else old.comment, old.texts)
            constants[position] = record
            self._store(software, obj, replace(obj.table, constants=tuple(constants)))
            return _constant_info(record, obj.name)

    def delete_constant(self, device: str, table: str, name: str) -> None:
        with self._change() as project:  # type: ignore[attr-defined]
            plc, software = self._plc(project, device)
            obj = self._table(software, project.version, table, device)
            position = self._find_constant(obj, name, plc, software)
            constants = list(obj.table.constants)
            del constants[position]
            self._store(software, obj, replace(obj.table, constants=tuple(constants)))

    # ----- import ----------------------------------------------------------------------------
    def import_tags(
        self, device: str, tags: list[TagImportRow], constants: list[ConstantImportRow], *, table: str,
        follow_path: bool, overwrite: bool, validate_only: bool = False,
    ) -> TagImportResult:
        transaction = nullcontext(self._project()) if validate_only else self._change()  # type: ignore[attr-defined]
        with transaction as project:
            plc, software = self._plc(project, device)
            version = project.version
            tables = self._all_tables(software, version)
            by_lower = {obj.name.lower(): obj for obj in tables}
            if not follow_path and table.lower() not in by_lower:
                raise NotFoundError(f"The tag table '{table}' was not found in '{device}'.", code="TAG_TABLE_NOT_FOUND")
            existing = self._names(plc, software, tables)
            udts = self._udts(software)
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
                    _check_table_name(wanted)
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

            index = self._index(tables, set()) if any(obj.table.tags for obj in tables) else OverlapIndex()
            warnings: list[TagWarning] = []
            warning_count = 0
            for item in tags:
                target = target_of(item.table_name)
                if target is None:
                    wanted = item.table_name if follow_path and item.table_name else table
                    fail(item.row, "Path", bad_tables.get(wanted.lower(), "bad tag table name"), wanted, "PLC Tags")
                    continue
                try:
                    data_type, address = _check_tag(item.name, item.data_type, item.logical_address, udts)
                except _FieldError as exc:
                    fail(item.row, exc.column, exc.reason,
                         {"Name": item.name, "Data Type": item.data_type}.get(exc.column, item.logical_address), "PLC Tags")
                    continue
                if not claim(item.name, target, "tag", item.row, "PLC Tags"):
                    continue
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
            for item in constants:
                target = target_of(item.table_name)
                if target is None:
                    wanted = item.table_name if follow_path and item.table_name else table
                    fail(item.row, "Path", bad_tables.get(wanted.lower(), "bad tag table name"), wanted, "User Constants")
                    continue
                try:
                    data_type, value = _check_constant(item.name, item.data_type, item.value)
                except _FieldError as exc:
                    fail(item.row, exc.column, exc.reason,
                         {"Name": item.name, "Data Type": item.data_type}.get(exc.column, item.value), "User Constants")
                    continue
                if not claim(item.name, target, "user constant", item.row, "User Constants"):
                    continue
                plan_constants.setdefault(target, []).append(ConstRecord(item.name, data_type, value, item.comment))
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
                self._store(software, obj, replace(data, tags=(*tag_list, *new_tags),
                                                   constants=(*const_list, *new_constants)))
            return TagImportResult(
                tags_imported=sum(len(v) for v in plan_tags.values()),
                constants_imported=sum(len(v) for v in plan_constants.values()),
                tags_replaced=replaced_count, tables=touched, created_tables=created, warnings=warnings,
                warning_count=warning_count,
            )
