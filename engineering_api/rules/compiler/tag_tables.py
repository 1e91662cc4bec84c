"""The tags of the PLC's tag tables, as TIA checks them: each tag by the rules the tag editor and the REST tag API
apply (:func:`engineering_api.rules.tags.check_tag`: a legal name, a data type, an address whose access width fits
the type, a bit number 0 to 7, no data block address and no ``:P``), names unique across all tag tables of the PLC,
addresses inside the CPU family's areas, and overlaps.

Verdicts and where they come from:

* ``TAG_INVALID`` (Error): the tag editor refuses such a tag (STEP 7 help, "Rules for PLC tags" and "Addressing
  global tags by absolute address"; the address rules are :mod:`engineering_api.rules.addresses`').
* ``TAG_DUPLICATE`` (Error): "the name of a PLC tag must be unique within the CPU" (STEP 7 help, "PLC tag tables":
  the tags of all tables of a CPU share one name space, with the user constants), case-insensitively.
* ``TAG_OVERLAP`` (Warning): TIA accepts two tags on shared memory and marks them (the tag editor's overlap
  display); no Siemens page stating an error was found, so it is a warning.
* ``TAG_ADDRESS_RANGE`` (Warning): an address past the family's area: S7-1500 inputs and outputs 32 KB each, bit
  memory 16 KB; S7-1200 a process image of 1024 bytes of inputs and 1024 of outputs, bit memory 8 KB (the CPUs' data
  sheets as known here: the S7-1500 CPU manuals' "Address area" and "Bit memory", the S7-1200 system manual's
  "Technical specifications"). The sizes were not found in the searched corpora to quote, so this is a warning.

Each finding carries the line of the tag's element in its export (a SimaticML ``<SW.Tags.PlcTag>``, found by its
place among the table's tags, so a tag without a name or with blanks around it has its line too; a tag editor
``<Tag>``). A tag table export names no CPU family; the family comes from the check's ``cpu`` setting.

A SimaticML table's own fields are judged as the REST tag imports judge them (the tag routes' rules, one for every
entry: :mod:`engineering_api.rules.tags`; no Siemens page was found stating TIA's import verdict on them): a tag
without a name or an address, a table name the tag routes refuse (:func:`~engineering_api.rules.tags.
check_table_name`), an HMI flag (``ExternalVisible``, ``ExternalAccessible``, ``ExternalWritable``, booleans in the
export: every corpus table writes ``true`` or ``false``) of another value are ``TAG_INVALID``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Optional
from xml.sax.saxutils import unescape

from engineering_api.errors import codes
from simatic_xml.diagnostic_codes import message
from simatic_xml.diagnostics import Diagnostic

from engineering_api.rules.plc_values import AREA_SIZES
from engineering_api.rules.addresses import AddressError, OverlapIndex, footprint, parse_address
from engineering_api.backend.errors import ValidationError
from engineering_api.rules.tags import FieldError, check_constant, check_table_name, check_tag

if TYPE_CHECKING:
    from simatic_xml.model import Document

__all__ = ("AREA_BYTES", "HMI_FLAGS", "TableTag", "editor_table_tags", "element_lines", "hmi_flag", "line_at",
           "names_a_udt", "simaticml_table_findings", "simaticml_table_tags", "tag_findings")

AREA_BYTES: dict[str, dict[str, int]] = {
    "S7-1500": dict(AREA_SIZES),  # the S7-1500 areas the simulated CPU and the watch tables use
    "S7-1200": {"I": 1024, "Q": 1024, "M": 8192},
}
"""Bytes of the input, output and bit memory areas per CPU family (see the module docstring)."""
_AREA_NAMES = {"I": "input", "Q": "output", "M": "bit memory"}
HMI_FLAGS = ("ExternalVisible", "ExternalAccessible", "ExternalWritable")
"""A SimaticML tag's HMI flags, booleans (absent: true, as TIA writes a new tag)."""
_BOOLEAN = {"true": True, "false": False, "1": True, "0": False}
"""XML Schema's ``boolean`` lexical forms (XML Schema Part 2, 3.2.2.1), the type of the flags."""
_EDITOR_TAG = re.compile(rb"<Tag\b[^>]*>\s*([^<]*?)\s*</Tag>")


@dataclass(frozen=True)
class TableTag:
    """One tag (or, with ``value`` set, user constant) of a tag table, where it is: its file and line, and its
    table's name."""

    name: str
    data_type: str
    address: str
    table: str
    file: Optional[str]
    line: int
    value: Optional[str] = None
    """A user constant's value (None: a tag)."""
    missing_address: bool = False
    """A SimaticML tag without a ``LogicalAddress``: refused as the tag routes refuse it (the module docstring)."""


def _lines(data: bytes, pattern: re.Pattern[bytes]) -> dict[str, int]:
    """Tag name -> the line of its first element in the export."""
    found: dict[str, int] = {}
    for match in pattern.finditer(data):
        name = unescape(match.group(1).decode("utf-8", "replace").strip(), {"&quot;": '"', "&apos;": "'"})
        found.setdefault(name, data.count(b"\n", 0, match.start()) + 1)
    return found


def element_lines(data: bytes, element: str) -> list[int]:
    """The line of each ``<element>`` start tag of ``data``, in document order (the reader's order of the objects
    it holds: the n-th tag of a table is the n-th ``SW.Tags.PlcTag`` element)."""
    pattern = re.compile(b"<" + re.escape(element.encode()) + rb"[\s/>]")
    lines, counted, at = [], 1, 0
    for match in pattern.finditer(data):
        counted += data.count(b"\n", at, match.start())
        at = match.start()
        lines.append(counted)
    return lines


def line_at(lines: list[int], index: int) -> int:
    """The ``index``-th of :func:`element_lines` (0: the document has fewer such elements than its reader found)."""
    return lines[index] if index < len(lines) else 0


def simaticml_table_tags(doc: Document, data: bytes, file: Optional[str]) -> list[TableTag]:
    """The tags of a SimaticML tag table export (``SW.Tags.PlcTagTable``), each at its element's line."""
    from simatic_xml.objects import PlcTag, PlcTagTable, PlcUserConstant

    table = doc.object
    if not isinstance(table, PlcTagTable):
        return []
    lines = element_lines(data, PlcTag.ELEMENT)
    constants = element_lines(data, PlcUserConstant.ELEMENT)
    return [TableTag(tag.name or "", tag.data_type or "", tag.logical_address or "", table.name or "", file,
                     line_at(lines, index), missing_address=not tag.logical_address)
            for index, tag in enumerate(table.tags)] + [
        TableTag(const.name or "", str(const.attr("DataTypeName") or ""), "", table.name or "", file,
                 line_at(constants, index), const.value or "") for index, const in enumerate(table.user_constants)]


def hmi_flag(value: object) -> Optional[bool]:
    """A tag's HMI flag as the reader holds it (absent: true), None when it is no boolean."""
    if value is None or isinstance(value, bool):
        return True if value is None else value
    return _BOOLEAN.get(str(value).strip())


def simaticml_table_findings(doc: Document, data: bytes, file: Optional[str]) -> list[Diagnostic]:
    """What the tag routes refuse in a SimaticML tag table's own fields (see the module docstring): its name, at
    the table's element, and each tag's HMI flags, at the tag's."""
    from simatic_xml.objects import PlcTag, PlcTagTable

    table = doc.object
    if not isinstance(table, PlcTagTable):
        return []
    out: list[Diagnostic] = []
    try:
        check_table_name(table.name or "")
    except ValidationError as exc:
        out.append(Diagnostic(message("TAG_TABLE_INVALID", name=table.name or "", reason=exc.message),
                              line_at(element_lines(data, PlcTagTable.ELEMENT), 0), 0, None, "Error", file,
                              "TAG_INVALID"))
    lines = element_lines(data, PlcTag.ELEMENT)
    for index, tag in enumerate(table.tags):
        for flag in HMI_FLAGS:
            if hmi_flag(tag.attr(flag)) is None:
                out.append(Diagnostic(message("TAG_INVALID", name=tag.name or "",
                                              reason=f"{flag} is {tag.attr(flag)!r}, not true or false"),
                                      line_at(lines, index), 0, None, "Error", file, "TAG_INVALID"))
    return out


def editor_table_tags(tables: Iterable[object], data: bytes, file: Optional[str]) -> list[TableTag]:
    """The tags of the tag editor's export (:func:`simatic_xml.tag_editor.read_tag_editor_xml`)."""
    lines = _lines(data, _EDITOR_TAG)
    out = []
    for table in tables:
        for tag in getattr(table, "tags", ()):
            out.append(TableTag(tag.name, tag.data_type or "", tag.address or "", str(getattr(table, "name", "")),
                                file, lines.get(tag.name, 0)))
    return out


def names_a_udt(data_type: str) -> bool:
    """Whether a tag's data type names a PLC data type (``"Motor"``, ``Array[0..3] of "Motor"``): TIA writes those
    quoted, and one the files do not hold is the MISSING_* rules' matter (the PLC may hold it). An unquoted type
    no rule knows (``Boool``) is no type TIA has, so the tag editor and the REST tag import refuse it: an error."""
    return '"' in data_type


def finding(tag: TableTag, code: str, severity: str = "Error", **fields: object) -> Diagnostic:
    return Diagnostic(message(code, **fields), tag.line, 0, None, severity, tag.file, code)


def tag_findings(tags: Iterable[TableTag], udts: Iterable[str], *, cpu_family: Optional[str] = None,
                 wanted: Optional[set[Optional[str]]] = None) -> list[Diagnostic]:
    """The findings on the tags of all of a PLC's tag tables (``udts``: its PLC data types' names), of the files in
    ``wanted`` (None: all); the others are still the context of uniqueness and overlaps."""
    known = {name.lower(): name for name in udts}
    seen: dict[str, TableTag] = {}
    index = OverlapIndex()
    placed: dict[str, tuple[set[tuple[str, int, int]], str]] = {}
    areas = AREA_BYTES.get(cpu_family or "")
    out: list[Diagnostic] = []
    for tag in tags:
        mine = wanted is None or tag.file in wanted
        if not tag.name or (not tag.address and tag.missing_address):
            if mine:  # nothing to place or to hold unique: the tag routes' rule names what is missing
                _unplaceable(tag, known, out)
            continue
        first = seen.setdefault(tag.name.casefold(), tag)
        if first is not tag:
            if mine:
                out.append(finding(tag, "TAG_DUPLICATE", name=tag.name, table=first.table))
            continue
        if tag.value is not None:
            if mine:
                _constant(tag, out)
            continue
        if not tag.address:
            continue  # no address to judge or place
        try:
            canonical, address = check_tag(tag.name, tag.data_type, tag.address, known)
        except FieldError as exc:
            if mine and (exc.code != codes.UNKNOWN_DATA_TYPE or not names_a_udt(tag.data_type)):
                out.append(finding(tag, "TAG_INVALID", name=tag.name, reason=exc.reason))
            if exc.code == codes.UNKNOWN_DATA_TYPE:
                _overlap_of_untyped(index, placed, tag)
            continue
        hits = index.add(tag.name, address, canonical)
        placed[tag.name] = set(footprint(address, canonical)), address.size
        if not mine:
            continue
        for other, other_address in hits:
            if not _clashes(placed[tag.name], placed.get(other)):
                continue
            out.append(finding(tag, "TAG_OVERLAP", "Warning", name=tag.name, address=address.text, other=other,
                                other_address=other_address))
        size = areas.get(address.area) if areas is not None else None
        if size is not None and address.byte >= size:
            out.append(finding(tag, "TAG_ADDRESS_RANGE", "Warning", name=tag.name, address=address.text,
                                area=_AREA_NAMES[address.area], family=cpu_family, last=size - 1))
    return out


def _unplaceable(tag: TableTag, known: dict[str, str], out: list[Diagnostic]) -> None:
    """A tag (or user constant) without a name, or a tag without an address, worded as
    :func:`~engineering_api.rules.tags.check_tag` and ``check_constant`` word it."""
    if tag.value is not None:
        _constant(tag, out)
        return
    try:
        check_tag(tag.name, tag.data_type, tag.address, known)
    except FieldError as exc:
        out.append(finding(tag, "TAG_INVALID", name=tag.name, reason=exc.reason))


def _constant(constant: TableTag, out: list[Diagnostic]) -> None:
    """A user constant by the REST API's rules (:func:`engineering_api.rules.tags.check_constant`: a legal name,
    a data type a constant can have, a value of that type in its range)."""
    try:
        check_constant(constant.name, constant.data_type, constant.value or "")
    except FieldError as exc:
        if exc.code != codes.UNKNOWN_DATA_TYPE or not names_a_udt(constant.data_type):
            out.append(Diagnostic(message("TAG_INVALID_CONSTANT", name=constant.name, reason=exc.reason),
                                  constant.line, 0, None, "Error", constant.file, "TAG_INVALID"))


def _clashes(mine: tuple[set[tuple[str, int, int]], str],
             other: tuple[set[tuple[str, int, int]], str] | None) -> bool:
    """Whether two overlapping tags are worth a warning: the same memory twice at one access size, or memory shared
    in part (``%MW0`` and ``%MW1`` share byte 1). A view of a part of another tag (the bits of TIA's own clock and
    system memory bytes, ``%M0.5`` in ``%MB0``) is how TIA lays them out itself, and is not reported."""
    if other is None:
        return False
    (a, size_a), (b, size_b) = mine, other
    if a == b:
        return size_a == size_b
    return not (a <= b or b <= a) and not _bits_in_bytes(a, b)


def _bits_in_bytes(a: set[tuple[str, int, int]], b: set[tuple[str, int, int]]) -> bool:
    """Each byte of one lies inside a byte of the other (bit masks aside): one is a part of the other."""
    bytes_a, bytes_b = {(area, byte) for area, byte, _ in a}, {(area, byte) for area, byte, _ in b}
    return bytes_a <= bytes_b or bytes_b <= bytes_a


def _overlap_of_untyped(index: OverlapIndex, placed: dict[str, tuple[set[tuple[str, int, int]], str]],
                        tag: TableTag) -> None:
    """A tag of a type the files do not hold still takes its address's memory (as one byte of it, at least)."""
    try:
        address = parse_address(tag.address)
    except AddressError:
        return
    index.add(tag.name, address, "Byte" if address.size != "X" else "Bool")
