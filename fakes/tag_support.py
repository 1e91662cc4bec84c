"""The fake's tag tables as its tags and constants areas reach them: lookups, storing back, the PLC-wide namespace.

TIA's rules on single fields (names, data types, addresses, constant values) live in
:mod:`engineering_api.rules.tags`, shared with the Openness bridge; :class:`TagTables` holds the session, finds
tables, stores them back and builds the PLC-wide namespace of tags, user constants and system constants.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from engineering_api.backend.areas.tags import ConstantInfo, TagInfo
from engineering_api.backend.errors import NotFoundError
from engineering_api.errors import codes
from engineering_api.rules.addresses import AddressError, OverlapIndex, parse_address
from fakes.tags.tables import (
    DEFAULT_TABLE, ConstRecord, TableData, TagRecord, TagTableObject, default_table, table_object,
)

if TYPE_CHECKING:
    from fakes.model import Device, Project
    from fakes.program import PlcSoftware
    from fakes.session import FakeSession

__all__ = ("CATEGORY", "TagTables", "constant_info", "tag_info")

CATEGORY = "tag_tables"
_SECONDARY = re.compile(rb"<SecondaryType>(\w+)</SecondaryType>")
_OB_TYPES = {
    "ProgramCycle": "OB_PCYCLE", "Startup": "OB_STARTUP", "CyclicInterrupt": "OB_CYCLIC",
    "TimeDelayInterrupt": "OB_DELAY", "TimeOfDay": "OB_TOD", "HardwareInterrupt": "OB_HWINT",
    "DiagnosticErrorInterrupt": "OB_DIAG", "ProgrammingError": "OB_ANY", "IOAccessError": "OB_ANY",
}


def tag_info(record: TagRecord, table: str) -> TagInfo:
    return TagInfo(
        name=record.name, data_type=record.data_type, logical_address=record.address, comment=record.comment,
        hmi_visible=record.hmi_visible, hmi_accessible=record.hmi_accessible, hmi_writeable=record.hmi_writeable,
        table_name=table,
    )


def constant_info(record: ConstRecord, table: str) -> ConstantInfo:
    return ConstantInfo(name=record.name, data_type=record.data_type, value=record.value, comment=record.comment,
                        table_name=table)


class TagTables:
    """The tag tables of the open project's PLCs, the collaborator of :class:`fakes.tags_ops.FakeTags`,
    :class:`fakes.tag_constants_ops.FakeTagConstants` and :class:`fakes.tag_import_ops.FakeTagImport`.

    Args:
        session: the open project, read or changed in transactions.
    """

    def __init__(self, session: FakeSession) -> None:
        self._session = session

    def plc(self, project: Project, device: str) -> tuple[Device, PlcSoftware]:
        plc, software = self._session.software(project, device)
        default_table(software, project.version)
        return plc, software

    @staticmethod
    def all_tables(software: PlcSoftware, version: str) -> list[TagTableObject]:
        return [table for name in list(software.tag_tables)
                if (table := table_object(software, name, version)) is not None]

    @staticmethod
    def table(software: PlcSoftware, version: str, name: str, device: str) -> TagTableObject:
        obj = table_object(software, name, version)
        if obj is None:
            match = software.tag_tables.spelled(name)
            obj = table_object(software, match, version) if match is not None else None
        if obj is None:
            raise NotFoundError(f"The tag table '{name}' was not found in '{device}'.", code=codes.TAG_TABLE_NOT_FOUND)
        return obj

    @staticmethod
    def store(software: PlcSoftware, obj: TagTableObject, data: TableData) -> TagTableObject:
        new = obj.with_table(data)
        software.tag_tables[obj.name] = new
        return new

    def names(self, plc: Device, software: PlcSoftware,
              tables: list[TagTableObject]) -> dict[str, tuple[str, str, str]]:
        """Lower-cased name -> (kind, table, name) for every tag, user constant and system constant."""
        names: dict[str, tuple[str, str, str]] = {}
        for system in self.system_constant_list(plc, software):
            names[system.name.lower()] = ("system constant", system.table_name, system.name)
        for obj in tables:
            data = obj.table
            for tag in data.tags:
                names[tag.name.lower()] = ("tag", obj.name, tag.name)
            for constant in data.constants:
                names[constant.name.lower()] = ("user constant", obj.name, constant.name)
        return names

    @staticmethod
    def udts(software: PlcSoftware) -> dict[str, str]:
        return {name.lower(): name for name in software.types}

    @staticmethod
    def index(tables: list[TagTableObject], skip: set[str]) -> OverlapIndex:
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
    def system_constant_list(plc: Device, software: PlcSoftware) -> list[ConstantInfo]:
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
