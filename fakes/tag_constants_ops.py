"""User and system constants of the fake backend's tag tables (``FakeBackend.tag_constants``).

User constants share the PLC-wide namespace with tags and system constants; system constants are
read-only and listed in the default tag table only.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from engineering_api.backend.areas.tags import ConstantInfo, TagConstantsPort
from engineering_api.backend.errors import NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.tags import checked_constant, refuse_taken_name
from fakes.tag_support import constant_info
from fakes.tags.tables import DEFAULT_TABLE, ConstRecord, TagTableObject

if TYPE_CHECKING:
    from engineering_api.backend.areas.tags import ConstantKind, ConstantSpec, ConstantUpdate
    from fakes.model import Device
    from fakes.program import PlcSoftware
    from fakes.session import FakeSession
    from fakes.tag_support import TagTables

__all__ = ("FakeTagConstants",)


class FakeTagConstants(TagConstantsPort):
    """User constants in the fake's tag tables, and the PLC's system constants.

    Args:
        session: the open project; a change of a constant is one transaction.
        tables: the PLCs' tag tables (a user constant lives in one) and the names a new constant must not take.
    """

    def __init__(self, session: FakeSession, *, tables: TagTables) -> None:
        self._session = session
        self._tables = tables

    def list_constants(self, device: str, table: str, kind: ConstantKind = "all") -> list[ConstantInfo]:
        project = self._session.project()
        plc, software = self._tables.plc(project, device)
        obj = self._tables.table(software, project.version, table, device)
        found: list[ConstantInfo] = []
        if kind in ("all", "user"):
            found.extend(constant_info(c, obj.name) for c in obj.table.constants)
        if kind in ("all", "system") and obj.name == DEFAULT_TABLE:
            found.extend(self._tables.system_constant_list(plc, software))
        return found

    def _find_constant(self, obj: TagTableObject, name: str, plc: Device, software: PlcSoftware) -> int:
        constants = obj.table.constants
        position = next((i for i, c in enumerate(constants) if c.name == name), None)
        if position is None:
            position = next((i for i, c in enumerate(constants) if c.name.lower() == name.lower()), None)
        if position is None:
            if any(c.name.lower() == name.lower() for c in self._tables.system_constant_list(plc, software)):
                raise ValidationError(f"'{name}' is a system constant; system constants are read-only.",
                                      code=codes.SYSTEM_CONSTANT_READ_ONLY)
            raise NotFoundError(f"The user constant '{name}' was not found in the tag table '{obj.name}'.",
                                code=codes.CONSTANT_NOT_FOUND)
        return position

    def create_constant(self, device: str, table: str, constant: ConstantSpec) -> ConstantInfo:
        with self._session.change() as project:
            plc, software = self._tables.plc(project, device)
            tables = self._tables.all_tables(software, project.version)
            obj = self._tables.table(software, project.version, table, device)
            data_type, value = checked_constant(constant.name, constant.data_type, constant.value)
            refuse_taken_name(constant.name, self._tables.names(plc, software, tables).get(constant.name.lower()),
                              codes.CONSTANT_EXISTS)
            record = ConstRecord(constant.name, data_type, value, constant.comment)
            self._tables.store(software, obj, replace(obj.table, constants=(*obj.table.constants, record)))
            return constant_info(record, obj.name)

    def update_constant(self, device: str, table: str, name: str, changes: ConstantUpdate) -> ConstantInfo:
        with self._session.change() as project:
            plc, software = self._tables.plc(project, device)
            tables = self._tables.all_tables(software, project.version)
            obj = self._tables.table(software, project.version, table, device)
            position = self._find_constant(obj, name, plc, software)
            constants = list(obj.table.constants)
            old = constants[position]
            new_name = changes.new_name if changes.new_name is not None else old.name
            data_type, value = checked_constant(
                new_name, changes.data_type if changes.data_type is not None else old.data_type,
                changes.value if changes.value is not None else old.value,
            )
            if new_name.lower() != old.name.lower():
                refuse_taken_name(new_name, self._tables.names(plc, software, tables).get(new_name.lower()),
                                  codes.CONSTANT_EXISTS)
            record = ConstRecord(new_name, data_type, value,
                                 changes.comment if changes.comment is not None else old.comment, old.texts)
            constants[position] = record
            self._tables.store(software, obj, replace(obj.table, constants=tuple(constants)))
            return constant_info(record, obj.name)

    def delete_constant(self, device: str, table: str, name: str) -> None:
        with self._session.change() as project:
            plc, software = self._tables.plc(project, device)
            obj = self._tables.table(software, project.version, table, device)
            position = self._find_constant(obj, name, plc, software)
            constants = list(obj.table.constants)
            del constants[position]
            self._tables.store(software, obj, replace(obj.table, constants=tuple(constants)))
