"""Importing the released tags of a project's PLC as tag mappings of a connection (OPC UA node ids or S7 addresses).

Read through the port: the PLC's tags (``list_all_tags``: their "accessible/writable from HMI/OPC UA/Web API"
flags and absolute addresses) and its global DBs (``export_program_object``: SimaticML with the members' flags
and the block's memory layout). Whether a DB member is released and writable is decided by the rule the
released-tag list and the OPC UA server use (:mod:`engineering_api.rules.released_tags`, carried down the walk
by its ``member_access``: TIA's
``ExternalAccessible`` on it and on every member above it, ``ExternalWritable`` too for writing, a system FB
multi-instance's parameters only); for OPC UA its DB must also be "accessible from OPC UA"
(``DBAccessibleFromOPCUA``).

For OPC UA every released elementary leaf, and every parameter of a system FB multi-instance (Program_Alarm's SIG,
TIMESTAMP, Error, Status...), maps to ``ns=3;s=<its name as the S7-1500 spells it>``. For S7, PLC tags
keep their address, and DB members get the absolute address of the standard ("not optimized") layout: Bools
packed by bit, one-byte types on the next byte, every other type, a Struct and an Array on the next even byte, a
Struct or Array rounded up to an even length (SIMATIC Programming Guideline for S7-1200/1500, Entry ID 81318674,
§2.6.2 "Setup of optimized blocks", the standard block of figure 2-6). Optimised DBs have no absolute addresses:
S7 skips them (use OPC UA). What the import cannot map is listed with the reason, not silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import EngineeringError
from engineering_api.lib.schema import CamelStruct
from engineering_api.rules.released_tags import (
    DB_TOP,
    Access,
    attribute_flag,
    instance_parameters,
    member_access,
    member_segment,
)
from engineering_api.runtime.plc_links import TagMapping
from engineering_api.runtime.opcua.names import node_identifier, variant_type_name

if TYPE_CHECKING:
    from engineering_api.backend.port import EngineeringBackend

__all__ = ("ImportedTags", "SkippedTag", "db_walk", "released_project_tags")

_ARRAY = re.compile(r"^Array\s*\[\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*\]\s+of\s+(.+)$", re.IGNORECASE)
_STRING = re.compile(r"^(W?String)(?:\s*\[\s*(\d+)\s*\])?$", re.IGNORECASE)
_SIZES = {
    "byte": 1, "char": 1, "sint": 1, "usint": 1,
    "int": 2, "uint": 2, "word": 2, "wchar": 2, "date": 2,
    "dint": 4, "udint": 4, "dword": 4, "real": 4, "time": 4, "tod": 4, "time_of_day": 4,
    "lint": 8, "ulint": 8, "lword": 8, "lreal": 8, "ltime": 8, "dt": 8, "date_and_time": 8,
}
_LETTER = {1: "B", 2: "W", 4: "D"}
_WALKED = frozenset({"GlobalDB", "InstanceDB"})
_DATA_SECTIONS = frozenset({"Input", "Output", "InOut", "Static", "None"})
"""The interface sections a DB holds data for (Temp and Constant are in no DB)."""


class SkippedTag(CamelStruct):
    """A released tag the import could not map, and why."""

    name: str
    reason: str


class ImportedTags(CamelStruct):
    """The connection's tags after an import, what the import had to leave out, and what it removed."""

    tags: list[TagMapping]
    skipped: list[SkippedTag]
    removed: list[str] = []
    """Names of earlier mappings the import removed (only with ``replace``)."""


@dataclass
class _Walk:
    """One DB's walk: where the next member goes (standard layout) and what was found."""

    kind: str
    namespace: int
    db_number: int | None
    db_released: bool = True
    """For OPC UA: the DB's "accessible from OPC UA"."""
    byte: int = 0
    bit: int = 0
    lost: str | None = None
    """Once a member's size is unknown, every later S7 offset is: the reason, for the members after it."""
    tags: list[TagMapping] = field(default_factory=list)
    skipped: list[SkippedTag] = field(default_factory=list)

    # ----- the standard layout --------------------------------------------------------------------
    def _next_byte(self) -> None:
        if self.bit:
            self.byte, self.bit = self.byte + 1, 0

    def even(self) -> None:
        self._next_byte()
        self.byte += self.byte % 2

    def place(self, data_type: str) -> str | None:
        """The S7 address of the next member of ``data_type`` (None when its size is not known)."""
        base = data_type.strip().lower()
        if base == "bool":
            address = f"DB{self.db_number}.DBX{self.byte}.{self.bit}"
            self.bit += 1
            if self.bit == 8:
                self._next_byte()
            return address
        string = _STRING.match(data_type.strip())
        size = _SIZES.get(base)
        if string:
            length = int(string.group(2) or 254)
            size = length + 2 if string.group(1).lower() == "string" else 4 + 2 * length
        if size is None:
            return None
        if size == 1:
            self._next_byte()
        else:
            self.even()
        address = f"DB{self.db_number}.DB{_LETTER.get(size, 'B') if not string else 'B'}{self.byte}"
        self.byte += size
        return address

    # ----- members ------------------------------------------------------------------------------------
    def members(self, members: list[Any], prefix: str, above: Access = DB_TOP) -> None:
        """``members`` below a member (or the DB's top) whose access is ``above``: each one's access is decided
        once, here, and carried to the leaves below it."""
        for member in members:
            self.member(member, f"{prefix}.{member_segment(member.name)}", member_access(above, member))

    def member(self, member: Any, name: str, access: Access) -> None:
        data_type = member.datatype.strip()
        array = _ARRAY.match(data_type)
        if data_type.lower() == "struct" and member.members:
            self.even()
            self.members(list(member.members), name, access)
            self.even()
        elif array:  # its elements have the array's access
            low, high, element = int(array.group(1)), int(array.group(2)), array.group(3).strip()
            self.even()
            for index in range(low, high + 1):
                self.leaf(f"{name}[{index}]", element, access)
            self.even()
        elif instance_parameters(data_type) is not None:
            self.instance(name, data_type, access)
        else:
            self.leaf(name, data_type, access)

    def released(self, access: Access) -> Access:
        """(released, writable) of a leaf with the rule's ``access``, after the DB's own OPC UA switch."""
        return access[0] and self.db_released, access[1] and self.db_released

    def instance(self, name: str, data_type: str, access: Access) -> None:
        """A multi-instance of a system FB (Program_Alarm, TON_TIME): its parameters are nodes of their own on the
        S7-1500's OPC UA server (``"Tank_DB"."HighLevel"."SIG"``), as the runtime serves them as tags; the
        instance's internal statics are not (the one rule: :func:`instance_parameters`)."""
        parameters = instance_parameters(data_type)
        assert parameters is not None
        released, writable = self.released(access)  # each parameter has the instance's access
        if self.kind == "s7":  # its size in the standard layout is not known here: named, with what it costs
            if self.lost is None:
                self.lost = f"the size of {name} ({data_type}) is not known, so no later member has an address"
            if released and parameters:
                self.skipped.append(SkippedTag(name=name, reason=self.lost))
            return
        if released:
            for parameter in parameters:
                self.add(f"{name}.{parameter.name}", parameter.data_type, writable, None, "")

    def leaf(self, name: str, data_type: str, access: Access) -> None:
        address = self.place(data_type) if self.kind == "s7" and self.lost is None else None
        if self.kind == "s7" and address is None and self.lost is None:
            self.lost = f"the size of {name} ({data_type}) is not known, so no later member has an address"
        released, writable = self.released(access)
        if released:
            self.add(name, data_type, writable, address, self.lost or f"{data_type} has no S7 address here")

    def add(self, name: str, data_type: str, writable: bool, address: str | None, why_not: str) -> None:
        if self.kind == "opcua":
            if variant_type_name(data_type) is None:
                self.skipped.append(SkippedTag(name=name, reason=f"{data_type} has no OPC UA built-in type here"))
                return
            self.tags.append(TagMapping(name=name, data_type=data_type, writable=writable,
                                        node_id=f"ns={self.namespace};s={node_identifier(name)}"))
        elif address is None:
            self.skipped.append(SkippedTag(name=name, reason=why_not))
        else:
            self.tags.append(TagMapping(name=name, data_type=data_type, writable=writable, address=address))


def released_project_tags(backend: EngineeringBackend, device: str, kind: str,
                          namespace: int = 3) -> ImportedTags:
    """The released tags of ``device``'s PLC as mappings for a connection of ``kind`` (opcua or s7).

    Raises:
        NotFoundError: no such device; ValidationError: it has no PLC software (from the port).
    """
    from simatic_xml import SimaticMLError, parse_bytes
    from simatic_xml.objects import DB

    out = _Walk(kind, namespace, None)
    for block in backend.blocks.list_blocks(device):
        if block.block_type not in _WALKED:
            if block.block_type.endswith("DB"):
                out.skipped.append(SkippedTag(name=f'"{block.name}"', reason=f"a {block.block_type}: its members "
                                              "are not read by this import (map them by hand)"))
            continue
        try:
            obj = parse_bytes(backend.program.export_program_object(device, block.name)).object
        except SimaticMLError as exc:
            out.skipped.append(SkippedTag(name=f'"{block.name}"', reason=f"its SimaticML did not parse: {exc}"))
            continue
        if not isinstance(obj, DB) or obj.interface is None:
            continue
        if kind == "s7" and _layout(backend, device, obj) != "Standard":
            out.skipped.append(SkippedTag(name=f'"{block.name}"', reason="optimized block access: its members "
                                          "have no absolute addresses (use an OPC UA connection)"))
            continue
        walk = db_walk(obj, block.name, kind, namespace, obj.number if obj.number is not None else block.number)
        out.tags += walk.tags
        out.skipped += walk.skipped
    for tag in backend.tags.list_all_tags(device):
        if not tag.hmi_accessible:
            continue
        address = tag.logical_address.lstrip("%").replace(" ", "") or None
        out.add(f'"{tag.name}"', tag.data_type, tag.hmi_writeable, address,
                f"{tag.logical_address or 'no address'} is not an address S7 communication reads")
    return _checked(out, kind)


def db_walk(db: Any, name: str, kind: str, namespace: int = 3, number: int | None = None) -> _Walk:
    """The tags of one DB (a parsed SimaticML DB with an interface) named ``name``, and what was skipped."""
    # A global DB has one section (Static); an instance DB the FB's Input, Output, InOut and Static, in that
    # order, which is all its data; in the standard layout each section starts on an even byte.
    sections = [section for section in db.interface.sections.sections if section.name in _DATA_SECTIONS]
    walk = _Walk(kind, namespace, number,
                 # "DB accessible from OPC UA" is the S7-1500 OPC UA server's own switch; PUT/GET does not look at it
                 db_released=attribute_flag(db.attr("DBAccessibleFromOPCUA")) if kind == "opcua" else True)
    for section in sections:
        walk.even()
        walk.members(list(section.members), f'"{name}"')
    return walk


def _layout(backend: EngineeringBackend, device: str, db: Any) -> str:
    """A DB's memory layout; an instance DB has its FB's ("Optimized block access" follows the FB in TIA), which
    its own export need not state."""
    from simatic_xml import SimaticMLError, parse_bytes
    from simatic_xml.objects import InstanceDB

    if db.memory_layout or not isinstance(db, InstanceDB) or not db.instance_of_name:
        return db.memory_layout or "Optimized"
    try:
        fb = parse_bytes(backend.program.export_program_object(device, db.instance_of_name)).object
    except (SimaticMLError, EngineeringError):
        return "Optimized"
    return getattr(fb, "memory_layout", None) or "Optimized"


def _checked(found: _Walk, kind: str) -> ImportedTags:
    """Leave out (with the reason) what a connection of ``kind`` would refuse (a timer address, a bad node id)."""
    from engineering_api.backend.errors import ValidationError
    from engineering_api.runtime.opcua.source import check_mapping as check_opcua
    from engineering_api.runtime.s7_source import check_mapping as check_s7

    check = check_opcua if kind == "opcua" else check_s7
    tags = []
    for mapping in found.tags:
        try:
            check(mapping)
        except ValidationError as exc:
            found.skipped.append(SkippedTag(name=mapping.name, reason=str(exc)))
        else:
            tags.append(mapping)
    return ImportedTags(tags=tags, skipped=found.skipped)
