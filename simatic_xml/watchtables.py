"""SimaticML watch and force tables: reading, writing, and the syntax of their operands.

The format is **best knowledge, not observed**: the corpus of ``../shared/notes/simaticml.md`` holds no
watch or force table export. What is assumed (from the Openness object model): a document holds one
``SW.WatchAndForceTables.PlcWatchTable`` (or ``PlcForceTable``) with ``Name`` in its AttributeList and
its entries in the ObjectList, each a ``SW.WatchAndForceTables.PlcWatchTableEntry`` (or
``PlcForceTableEntry``) with ``CompositionName="Entries"`` and an AttributeList of

* watch entries: ``Name`` (the operand, ``"Motor_DB".Running`` or ``%I0.0``), ``Address``,
  ``DisplayFormat``, ``ModifyIntention``, ``ModifyValue``, ``MonitorTrigger``, ``ModifyTrigger``, ``Comment``;
* force entries: ``Name``, ``Address``, ``DisplayFormat``, ``ForceIntention``, ``ForceValue``,
  ``MonitorTrigger``, ``Comment``.

Because the names are not confirmed, nothing is dropped: attributes this module does not know, and
ObjectList children that are not entries (a multilingual comment, say), are kept and written back, so
a real TIA export read here and written again keeps its content. Parsing goes through the package's
safe reader (no DTD, no entities, no network).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .absolute_addresses import ADDRESS_SIZE_TYPES, InvalidAddressError, parse_absolute_address
from .errors import SchemaError
from .model import AttrValue, Document, DocumentInfo, ObjectChild, Product, SwObject, format_scalar
from .reader import parse_bytes
from .renumber import renumber_document
from .versions import DOCUMENT_INFO_VERSIONS
from .writer import to_bytes

__all__ = (
    "ENTRY_ELEMENTS", "FORCE", "TABLE_ELEMENTS", "WATCH", "AbsoluteAddress", "TableEntry", "WatchForceTable",
    "absolute_address", "default_display_format", "read_table", "split_peripheral", "table_to_bytes", "value_text",
)

WATCH = "WatchTable"
FORCE = "ForceTable"
TABLE_ELEMENTS = {WATCH: "SW.WatchAndForceTables.PlcWatchTable", FORCE: "SW.WatchAndForceTables.PlcForceTable"}
ENTRY_ELEMENTS = {
    WATCH: "SW.WatchAndForceTables.PlcWatchTableEntry", FORCE: "SW.WatchAndForceTables.PlcForceTableEntry",
}
ENTRY_COMPOSITION = "Entries"
_KIND_OF = {element: kind for kind, element in TABLE_ELEMENTS.items()}


@dataclass
class TableEntry:
    """One row: the operand (``Name``) and every other AttributeList value as text, in TIA's names."""

    operand: str
    attributes: dict[str, str] = field(default_factory=dict)
    """``Address``, ``DisplayFormat``, ``ModifyValue``/``ForceValue``... (empty values are kept as ``""``)."""
    extra: list[ObjectChild] = field(default_factory=list)
    """ObjectList children kept as read (e.g. a ``MultilingualText`` comment)."""

    def get(self, name: str) -> str | None:
        """An attribute's text, None when absent or empty."""
        return self.attributes.get(name) or None

    def flag(self, name: str) -> bool:
        """A ``true``/``false`` attribute (``ModifyIntention``, ``ForceIntention``)."""
        return (self.attributes.get(name) or "").strip().lower() == "true"


@dataclass
class WatchForceTable:
    """A watch table (``kind`` :data:`WATCH`) or force table (:data:`FORCE`)."""

    kind: str
    name: str
    entries: list[TableEntry] = field(default_factory=list)
    version: str = "V19"
    """``Engineering/@version`` to write."""
    attributes: dict[str, AttrValue] = field(default_factory=dict)
    """Table attributes other than ``Name``, kept as read."""
    extra: list[ObjectChild] = field(default_factory=list)
    """Table ObjectList children that are not entries, kept as read."""


def read_table(data: bytes | str) -> WatchForceTable:
    """Parse a SimaticML watch or force table.

    Raises:
        simatic_xml.SimaticMLError: malformed or unsafe XML, or a document that is not a watch or force
            table (``SchemaError`` naming the path of the problem).
    """
    doc = parse_bytes(data)
    obj = doc.object
    kind = _KIND_OF.get(obj.element)
    if kind is None:
        raise SchemaError(f"<{obj.element}> is not a watch or force table", f"/Document/{obj.element}")
    name = obj.name
    if not name or not name.strip():
        raise SchemaError("the table has no Name", f"/Document/{obj.element}/AttributeList")
    table = WatchForceTable(kind, name, version=doc.engineering_version,
                            attributes={k: v for k, v in (obj.attributes or {}).items() if k != "Name"})
    for index, child in enumerate(obj.children or ()):
        if not isinstance(child, SwObject) or not child.element.endswith(("TableEntry", "Entry")):
            table.extra.append(child)
            continue
        path = f"/Document/{obj.element}/ObjectList/{child.element}[{index + 1}]"
        if child.element != ENTRY_ELEMENTS[kind]:
            raise SchemaError(f"a {kind} holds {ENTRY_ELEMENTS[kind]} entries, not {child.element}", path)
        attributes = child.attributes or {}
        operand = attributes.get("Name")
        if not isinstance(operand, str) or not operand.strip():
            raise SchemaError("the entry has no Name (operand)", f"{path}/AttributeList")
        table.entries.append(TableEntry(
            operand, {k: _text(v, f"{path}/AttributeList/{k}") for k, v in attributes.items() if k != "Name"},
            list(child.children or ()),
        ))
    return table


def _text(value: object, path: str) -> str:
    if isinstance(value, (str, int, bool)):
        return format_scalar(value)
    raise SchemaError("an entry attribute must hold text", path)


def table_to_bytes(table: WatchForceTable) -> bytes:
    """The table as a SimaticML document (IDs numbered as TIA does; V14–V17 get a DocumentInfo)."""
    entries = [
        SwObject(ENTRY_ELEMENTS[table.kind], composition_name=ENTRY_COMPOSITION,
                 attributes={"Name": e.operand, **e.attributes}, children=list(e.extra) or None)
        for e in table.entries
    ]
    root = SwObject(TABLE_ELEMENTS[table.kind], attributes={"Name": table.name, **table.attributes},
                    children=[*table.extra, *entries])
    info = None
    if table.version in DOCUMENT_INFO_VERSIONS:
        info = DocumentInfo(None, "None", [Product("Product", "Totally Integrated Automation Portal", table.version),
                                           Product("OptionPackage", "TIA Portal Openness", table.version)])
    doc = Document(table.version, root, info)
    renumber_document(doc)
    return to_bytes(doc)


_DISPLAY_FORMATS = {
    "BOOL": "Bool", "BYTE": "Hex", "WORD": "Hex", "DWORD": "Hex", "LWORD": "Hex", "REAL": "Floating-point number",
    "LREAL": "Floating-point number", "TIME": "Time", "LTIME": "Time", "S5TIME": "SIMATIC_Time", "DATE": "Date",
    "TIME_OF_DAY": "Time_of_day", "CHAR": "Character", "WCHAR": "Unicode character", "STRING": "String",
    "WSTRING": "Unicode string", "DTL": "DTL",
    **{t: "DEC+/-" for t in ("SINT", "INT", "DINT", "LINT")}, **{t: "DEC" for t in ("USINT", "UINT", "UDINT", "ULINT")},
}


def default_display_format(data_type: str | None) -> str:
    """The display format TIA gives a new entry of an elementary type (``Int`` → ``DEC+/-``); ``""`` otherwise."""
    return _DISPLAY_FORMATS.get((data_type or "").upper(), "")


def value_text(value: str | float | bool) -> str:
    """A modify or force value as the table holds it: ``TRUE``/``FALSE`` for booleans, numbers and text as written."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value).strip()


# ----- operands ------------------------------------------------------------------------------------

_PERIPHERAL = re.compile(r"\s*:\s*P\s*$", re.IGNORECASE)
_BYTE_DIGITS = 5
"""The longest byte number a table operand holds (``%MW12345``), as this module has always read them."""


@dataclass(frozen=True)
class AbsoluteAddress:
    """``%I0.0``, ``%QW4``, ``%MD100``: area (``I``/``Q``/``M``), access size letter, byte and bit."""

    area: str
    size: str
    byte: int
    bit: int | None

    @property
    def data_type(self) -> str:
        """The TIA data type of the access (``Bool``, ``Byte``, ``Word``, ``DWord``, ``LWord``)."""
        return ADDRESS_SIZE_TYPES[self.size]

    def __str__(self) -> str:
        if self.size == "X":
            return f"%{self.area}{self.byte}.{self.bit}"
        return f"%{self.area}{self.size}{self.byte}"


def split_peripheral(operand: str) -> tuple[str, bool]:
    """``'%I0.0:P'`` → ``('%I0.0', True)``: the operand without TIA's peripheral suffix, and whether it had one."""
    stripped = _PERIPHERAL.sub("", operand)
    return stripped.strip(), stripped != operand


def absolute_address(operand: str) -> AbsoluteAddress | None:
    """The absolute I/Q/M address an operand names, None when it is symbolic or malformed.

    A bit access needs a bit number 0..7 (``%I0.0``, ``%IX0.0``); byte, word, double and long word
    accesses have none (``%IB0``, ``%QW4``, ``%MD100``, ``%ML8``). The grammar is SCL's
    (:mod:`simatic_xml.absolute_addresses`); a table entry holds only the English I/Q/M areas with a byte of at
    most five digits, without ``:P`` (:func:`split_peripheral` takes it off).
    """
    text = operand.strip()
    try:
        address = parse_absolute_address(text)
    except InvalidAddressError:
        return None
    if address.area not in ("I", "Q", "M") or address.german or address.periphery:
        return None
    if len(text[2:].lstrip("XBWDLxbwdl").split(".")[0]) > _BYTE_DIGITS:  # after '%', the area and size letters
        return None
    return AbsoluteAddress(address.area, address.size, address.byte, address.bit)
