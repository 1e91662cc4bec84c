"""User and system constants of the bridge's tag tables (``PlcTagTable.UserConstants`` / ``.SystemConstants``):
``OpennessBackend.tag_constants``.

User constants share the PLC-wide namespace with tags and system constants. ``PlcUserConstant`` has setters for
``Name``, ``DataTypeName`` and ``Value`` (15.1 API reference), so an update changes the constant in place.
System constants are read-only; Openness lists them in the default tag table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.tags import ConstantInfo, TagConstantsPort
from engineering_api.backend.errors import NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.tags import checked_constant, refuse_taken_name
from openness_bridge.tags_support import ConstantRecord

if TYPE_CHECKING:
    from engineering_api.backend.areas.tags import ConstantKind, ConstantSpec, ConstantUpdate

    from openness_bridge.session import BridgeSession
    from openness_bridge.tags_support import TagTables

__all__ = ("BridgeTagConstants",)


class BridgeTagConstants(TagConstantsPort):
    """User and system constants of a PLC over Openness.

    Args:
        session: the Openness session; a change of a constant runs in one transaction.
        tag_tables: reading and writing constants, and the PLC-wide names a new constant must not take.
    """

    def __init__(self, session: BridgeSession, *, tag_tables: TagTables) -> None:
        self._session = session
        self._tag_tables = tag_tables

    def list_constants(self, device: str, table: str, kind: ConstantKind = "all") -> list[ConstantInfo]:
        def run() -> list[ConstantInfo]:
            _, root = self._tag_tables.tag_root(device)
            _, found = self._tag_tables.find_table(root, table, device)
            result: list[ConstantInfo] = []
            if kind in ("all", "user"):
                result.extend(self._tag_tables.constant_info(self._tag_tables.constant_record(c), str(found.Name))
                              for c in found.UserConstants)
            if kind in ("all", "system") and bool(found.IsDefault):
                result.extend(self._tag_tables.system_constants(root))
            return result

        return self._session.call("PlcTagTable.UserConstants", run)

    def create_constant(self, device: str, table: str, constant: ConstantSpec) -> ConstantInfo:
        def run() -> ConstantInfo:
            _, root = self._tag_tables.tag_root(device)
            _, found = self._tag_tables.find_table(root, table, device)
            data_type, value = checked_constant(constant.name, constant.data_type, constant.value)
            refuse_taken_name(constant.name, self._tag_tables.names(root).get(constant.name.casefold()),
                              codes.CONSTANT_EXISTS)
            record = ConstantRecord(constant.name, data_type, value, constant.comment)
            self._tag_tables.add_constant(found, record)
            return self._tag_tables.constant_info(record, str(found.Name))

        return self._session.change("PlcUserConstantComposition.Create", run, invocation=ValidationError)

    def _find_constant(self, root: Any, table: Any, name: str) -> Any:
        found = self._tag_tables.find_named(table.UserConstants, name)
        if found is not None:
            return found
        if any(c.name.casefold() == name.casefold() for c in self._tag_tables.system_constants(root)):
            raise ValidationError(f"'{name}' is a system constant; system constants are read-only.",
                                  code=codes.SYSTEM_CONSTANT_READ_ONLY)
        raise NotFoundError(f"The user constant '{name}' was not found in the tag table '{table.Name}'.",
                            code=codes.CONSTANT_NOT_FOUND)

    def update_constant(self, device: str, table: str, name: str, changes: ConstantUpdate) -> ConstantInfo:
        def run() -> ConstantInfo:
            _, root = self._tag_tables.tag_root(device)
            _, found = self._tag_tables.find_table(root, table, device)
            constant = self._find_constant(root, found, name)
            old = self._tag_tables.constant_record(constant)
            new_name = old.name if changes.new_name is None else changes.new_name
            data_type, value = checked_constant(
                new_name, old.data_type if changes.data_type is None else changes.data_type,
                old.value if changes.value is None else changes.value,
            )
            if new_name.casefold() != old.name.casefold():
                refuse_taken_name(new_name, self._tag_tables.names(root).get(new_name.casefold()),
                                  codes.CONSTANT_EXISTS)
            record = ConstantRecord(new_name, data_type, value,
                                    old.comment if changes.comment is None else changes.comment)
            self._tag_tables.change_constant(constant, record, old)
            return self._tag_tables.constant_info(record, str(found.Name))

        return self._session.change("PlcUserConstant update", run, invocation=ValidationError)

    def delete_constant(self, device: str, table: str, name: str) -> None:
        def run() -> None:
            _, root = self._tag_tables.tag_root(device)
            _, found = self._tag_tables.find_table(root, table, device)
            self._find_constant(root, found, name).Delete()

        self._session.change("PlcUserConstant.Delete", run)
