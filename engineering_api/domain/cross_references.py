"""Where a PLC tag, a user constant, a DB member, a block or a PLC data type is used: TIA's cross-reference list
for one object, per block and network, with the kind of access.

TIA's cross-reference list (STEP 7 help, "Cross-references": "Reference location" as ``@Block ▸ NW3``, "Access"
as Read, Write, Call, Type...) answers "where is it used?" for any object; T-IA Connect routes it for a block only
(``GET …/blocks/{blockName}/cross-references``, :mod:`engineering_api.domain.blocks`). This route answers it for
any object of the PLC by name, ``GET /api/devices/{deviceName}/cross-references?objectName=…``: a tag
(``Start``), a DB or one of its members (``"DB_ALARM"."+KM1"`` or ``DB_ALARM.+KM1``; a member matches its uses and
its sub-members' uses), a block (its calls, instance DBs and multi-instances), a PLC data type (members, DBs and
types declared with it).

The access is read from the SimaticML alone, as the program states it:

- LAD/FBD: an operand wired from a pin (TIA writes a wire's source first) is written; the operand of a coil,
  ``S``/``R``, ``SR``/``RS`` and FBD's ``=`` is written; the edge memory bit of ``P``/``N`` contacts and coils is read
  and written; an in/out parameter of a call is read and written; any other operand is read.
- SCL: the left side of ``:=`` and an output parameter (``=>``) are written, anything else is read (an in/out
  parameter passed with ``:=`` shows as read: the call's parameter sections are not in the block's XML).
- STL: the operand of ``=``, ``S``, ``R`` and ``T`` is written, of ``FP``/``FN`` read and written, others read.
- A call is ``Call``, an instance DB or a global instance of an instruction ``Instance``, a declaration with the
  type ``Type`` (network ``null``: the block's interface).

Absolute operands (``%M0.0``) name no object and are not listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from engineering_api.backend import errors as e
from engineering_api.domain.common import NEEDS_PLC, DeviceRef, program_revision_key
from engineering_api.backend.models import ProgramObjectInfo
from engineering_api.errors import codes
from engineering_api.lib.content_memo import RevisionMemo, WalkMemo
from engineering_api.jobs.operations import OperationContext, read
from engineering_api.lib.schema import CamelStruct
from simatic_xml import SimaticMLError, parse_bytes
from simatic_xml.model import Document
from simatic_xml.xmlnode import XmlNode

__all__ = ("OPERATIONS", "CrossReferenceQuery", "ObjectCrossReferences", "TagTableCrossReferences", "TagTableRef",
           "TagUses", "Usage", "document_index", "parse_object_path", "usages_in")

SECTION = "Blocks"

READ, WRITE, READ_WRITE, CALL, INSTANCE, TYPE = "Read", "Write", "ReadWrite", "Call", "Instance", "Type"

_WRITTEN_OPERAND = frozenset({"Coil", "SCoil", "RCoil", "SetCoil", "ResetCoil", "Sr", "Rs", "Assignment", "PCoil",
                              "NCoil"})
"""Parts whose ``operand`` pin names the bit they write (STEP 7 help: "--( )-- Assign", "--(S)-- Set output",
"SR: Set/reset flip-flop", FBD "=: Assignment")."""
_EDGE_PARTS = frozenset({"PContact", "NContact", "PCoil", "NCoil", "PBox", "NBox"})
"""Parts whose ``bit`` pin is the edge memory bit: read for the last state and written with the new one."""
_STL_WRITES = {"=": WRITE, "S": WRITE, "R": WRITE, "T": WRITE, "FP": READ_WRITE, "FN": READ_WRITE}
_GLOBAL = frozenset({"GlobalVariable", "GlobalConstant"})
_SPACE = frozenset({"Blank", "NewLine", "LineComment", "Comment"})


@dataclass(frozen=True, slots=True)
class Usage:
    """One use of a global object in a block: its names (``("DB_ALARM", "+KM1")``), the network (1-based, as the
    block's networks are numbered; None for the interface) and the access."""

    path: tuple[str, ...]
    network: int | None
    access: str


# ----- reading a block -----------------------------------------------------------------------------------------
def _symbol_path(access: XmlNode) -> tuple[str, ...]:
    """The names of an ``Access``: its symbol's components, or a named constant's name."""
    if access.get("Scope") == "GlobalConstant":
        constant = access.find("Constant")
        name = constant.get("Name") if constant is not None else None
        return (name,) if name else ()
    symbol = access.find("Symbol")
    if symbol is None:
        return ()
    return tuple(c.attrs["Name"] for c in symbol.children if c.tag == "Component" and c.get("Name"))


def _flgnet_accesses(net: XmlNode) -> dict[str, str]:
    """The access of each operand UId of a LAD/FBD network that its wiring makes other than a read."""
    parts: dict[str, XmlNode] = {}
    parts_node = net.find("Parts")
    for part in parts_node.children if parts_node is not None else ():
        if part.get("UId"):
            parts[part.attrs["UId"]] = part
    found: dict[str, str] = {}
    wires = net.find("Wires")
    for wire in wires.children if wires is not None else ():
        ends = [c for c in wire.children if c.tag in ("Powerrail", "IdentCon", "NameCon", "OpenCon")]
        for position, end in enumerate(ends):
            if end.tag != "IdentCon" or not end.get("UId"):
                continue
            # TIA writes a wire's source first: an operand after the first end is fed from an output pin
            access = WRITE if position else _pin_access(ends, parts)
            if access != READ:
                found[end.attrs["UId"]] = access
    return found


def _pin_access(ends: list[XmlNode], parts: dict[str, XmlNode]) -> str:
    """The access of an operand that starts a wire: by the pins it feeds."""
    for end in ends:
        if end.tag != "NameCon":
            continue
        part, pin = parts.get(end.get("UId") or ""), end.get("Name")
        if part is None:
            continue
        name = part.get("Name")
        if part.tag == "Part" and pin == "operand" and name in _WRITTEN_OPERAND:
            return WRITE
        if part.tag == "Part" and pin == "bit" and name in _EDGE_PARTS:
            return READ_WRITE
        if part.tag == "Call" and _call_section(part, pin) == "InOut":
            return READ_WRITE
    return READ


def _call_section(call: XmlNode, pin: str | None) -> str | None:
    info = call.find("CallInfo")
    for parameter in info.children if info is not None else ():
        if parameter.tag == "Parameter" and parameter.get("Name") == pin:
            return parameter.get("Section")
    return None


def _text_access(siblings: list[XmlNode], index: int) -> str:
    """The access of an ``Access`` among SCL tokens: the left of ``:=`` or after ``=>`` is written; one followed by
    a call's parameters is called."""
    after = next((s for s in siblings[index + 1:] if s.tag not in _SPACE), None)
    if after is not None and after.tag == "Token" and after.get("Text") == ":=":
        return WRITE
    if after is not None and after.tag == "Access" and after.get("Scope") == "Call":
        return CALL  # ``"FC_Scale"(…)``, ``"CONT_C_DB"(…)``: the block or instance DB, then the call's parameters
    before = next((s for s in reversed(siblings[:index]) if s.tag not in _SPACE), None)
    if before is not None and before.tag == "Token" and before.get("Text") == "=>":
        return WRITE
    return READ


def _walk(node: XmlNode, network: int, wired: dict[str, str], statement: str | None,
          parent: XmlNode | None = None) -> Iterator[Usage]:
    if node.tag == "FlgNet":
        wired = {**wired, **_flgnet_accesses(node)}
    if node.tag == "StlStatement":
        token = node.find("StlToken")
        statement = token.get("Text") if token is not None else None
    if node.tag == "CallInfo" and node.get("Name"):
        yield Usage((node.attrs["Name"],), network, CALL)
    if node.tag == "Instance" and node.get("Scope") == "GlobalVariable":
        first = node.find("Component")
        if first is not None and first.get("Name"):
            # TIA's SCL writes an FC call as a nameless CallInfo whose "instance" is the FC itself
            called = parent is not None and parent.tag == "CallInfo" and parent.get("BlockType") == "FC"
            yield Usage((first.attrs["Name"],), network, CALL if called else INSTANCE)
    for index, child in enumerate(node.children):
        if child.tag == "Access" and child.get("Scope") in _GLOBAL:
            path = _symbol_path(child)
            if path:
                uid = child.get("UId") or ""
                if uid in wired:
                    access = wired[uid]
                elif statement is not None:
                    access = _STL_WRITES.get(statement, READ)
                else:
                    access = _text_access(node.children, index)
                yield Usage(path, network, access)
        yield from _walk(child, network, wired, statement, node)


def _declared_types(members: Iterable[Any]) -> Iterator[str]:
    for member in members:
        yield from re.findall(r'"([^"]+)"', member.datatype or "")
        yield from _declared_types(member.members)


def usages_in(doc: Document) -> list[Usage]:
    """Every use of a global object in a block or PLC data type document, in network order."""
    obj = doc.object
    found: list[Usage] = []
    instance_of = obj.attr("InstanceOfName") if hasattr(obj, "attr") else None
    if instance_of:
        found.append(Usage((str(instance_of),), None, INSTANCE))
    interface = getattr(obj, "interface", None)
    for section in interface.sections.sections if interface is not None else ():
        found += [Usage((name,), None, TYPE) for name in _declared_types(section.members)]
    for network, unit in enumerate(getattr(obj, "compile_units", None) or [], start=1):
        body = unit.network_source.body if unit.network_source is not None else None
        if body is not None:
            found += _walk(body, network, {}, None)
    return found


def _document_index(xml: bytes) -> tuple[tuple[Usage, ...], Mapping[int, str]] | None:
    """The uses and network titles of one exported document, or None when it is not SimaticML."""
    try:
        doc = parse_bytes(xml)
    except SimaticMLError:
        return None
    return tuple(usages_in(doc)), MappingProxyType(_network_titles(doc))


document_index: WalkMemo[bytes, tuple[tuple[Usage, ...], Mapping[int, str]] | None] = WalkMemo(_document_index)
""":func:`_document_index` kept per document content (:class:`~engineering_api.lib.content_memo.WalkMemo`): a query
after a program change reads again only the objects that changed (the others' exports are the same bytes), so the
index is built once per change of each object and serves every query, REST's and the console's, at any program
size."""


# ----- naming an object ----------------------------------------------------------------------------------------
_PART = re.compile(r'"((?:[^"]|"")*)"|([^."\[]+)|(\[[^\]]*\])|(\.)')


def parse_object_path(text: str) -> tuple[str, ...]:
    """The names of an object as written: ``"DB_ALARM"."+KM1".Leak``, ``DB_ALARM.+KM1.Leak`` or ``Start``; array
    indexes are dropped (an element is found as its array).

    Raises:
        ValidationError: empty, or not a path of names.
    """
    text = text.strip()
    names: list[str] = []
    position, expect_name = 0, True
    while position < len(text):
        match = _PART.match(text, position)
        if match is None:
            raise e.ValidationError(f"objectName {text!r} is not a tag, DB member, block or type name",
                                    code=codes.INVALID_OBJECT_NAME)
        quoted, plain, _index, dot = match.groups()
        if dot is not None:
            if expect_name:
                raise e.ValidationError(f"objectName {text!r} has an empty name between dots",
                                        code=codes.INVALID_OBJECT_NAME)
            expect_name = True
        elif quoted is not None or plain is not None:
            if not expect_name:
                raise e.ValidationError(f"objectName {text!r}: a name must follow a dot",
                                        code=codes.INVALID_OBJECT_NAME)
            names.append(quoted.replace('""', '"') if quoted is not None else plain.strip())
            expect_name = False
        position = match.end()
    if not names or expect_name:
        raise e.ValidationError("objectName names no object (a tag, DB member, block or type)",
                                code=codes.INVALID_OBJECT_NAME)
    return tuple(names)


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def display(path: Iterable[str]) -> str:
    """A global path as TIA writes it: the head quoted, every other name quoted unless a plain identifier."""
    head, *rest = path
    return ".".join([f'"{head}"', *(n if _IDENTIFIER.fullmatch(n) else f'"{n}"' for n in rest)])


# ----- the operation -------------------------------------------------------------------------------------------
class CrossReferenceQuery(DeviceRef):
    """An object of a PLC by name: a tag, user constant, DB, DB member, block or PLC data type."""

    object_name: str
    """The object as the program writes it ("DB_ALARM"."+KM1".Leak) or with plain dots (DB_ALARM.+KM1.Leak): a
    tag, constant, DB or DB member, block or PLC data type; a member also finds its sub-members."""


class ObjectCrossReferences(CamelStruct):
    """Where an object is used: each use with its block, network and access, in block and network order."""

    object_name: str
    display: str
    """The name as TIA writes it (``"DB_ALARM"."+KM1"``)."""
    object_type: str
    """``PlcTag``, ``Constant`` (a user or system constant), ``DbMember``, a block type (``FB``, ``GlobalDB``…),
    ``UDT``, or ``Unknown`` for a name the program uses that the PLC does not hold."""
    exists: bool
    usages: list[dict[str, Any]]
    """``block``, ``blockType``, ``language``, ``network`` (1-based; null for the interface), ``networkTitle``,
    ``access`` (``Read``, ``Write``, ``ReadWrite``, ``Call``, ``Instance``, ``Type``), ``operand`` as written."""
    usage_count: int = 0


def _fold(path: Iterable[str]) -> tuple[str, ...]:
    return tuple(name.casefold() for name in path)  # TIA's names are unique regardless of case


def _network_titles(doc: Document) -> dict[int, str]:
    titles = {}
    for index, unit in enumerate(getattr(doc.object, "compile_units", None) or [], start=1):
        texts = unit.title
        titles[index] = (texts.text("en-US") or next((i.text for i in texts.items if i.text), "") or "") \
            if texts is not None else ""
    return titles


@dataclass(slots=True)
class _UseIndex:
    """Every use of a global object in a PLC's program by the use's first name (case folded), in block and network
    order, with each object's kind: one revision of the program."""

    kinds: dict[str, str]
    by_head: dict[str, list[tuple[ProgramObjectInfo, Usage, Mapping[int, str]]]]
    tag_kinds: dict[str, str] | None = None
    """``PlcTag`` or ``Constant`` by folded name, read by the first query of a name that is no block or type."""

    def object_type(self, ctx: OperationContext, device: str, path: tuple[str, ...]) -> str | None:
        head = path[0].casefold()
        kind = self.kinds.get(head)
        if kind is not None:
            return "DbMember" if len(path) > 1 and kind.endswith("DB") else kind
        if self.tag_kinds is None:  # two queries at once read the same tags: either's is kept
            found = {c.name.casefold(): "Constant" for table in ctx.backend.tags.list_tag_tables(device)
                     for c in ctx.backend.tag_constants.list_constants(device, table.name)}
            found.update((t.name.casefold(), "PlcTag") for t in ctx.backend.tags.list_all_tags(device))
            self.tag_kinds = found  # a tag wins over a constant of the same name, as the lookup has answered
        return self.tag_kinds.get(head)


def _use_index(ctx: OperationContext, device: str) -> _UseIndex:
    objects = [o for o in ctx.backend.program.list_program_objects(device) if o.kind != "TagTable"]
    by_head: dict[str, list[tuple[ProgramObjectInfo, Usage, Mapping[int, str]]]] = {}
    with document_index.walk() as indexed:
        for obj in sorted(objects, key=lambda o: o.name.casefold()):
            index = indexed(ctx.backend.program.export_program_object(device, obj.name))
            if index is None:
                continue  # a document the checkers refuse is reported by them; it names nothing here
            uses, titles = index
            for use in uses:
                by_head.setdefault(use.path[0].casefold(), []).append((obj, use, titles))
    return _UseIndex({o.name.casefold(): o.kind for o in objects}, by_head)


_USES: RevisionMemo[tuple[str, str], _UseIndex] = RevisionMemo()
"""The index of the last few program revisions: a query of an unchanged program reads only the uses it answers."""


def _usages(index: _UseIndex, path: tuple[str, ...]) -> list[dict[str, Any]]:
    """The uses of ``path`` and of its members, in block and network order."""
    wanted = _fold(path)
    usages: list[dict[str, Any]] = []
    for obj, use, titles in index.by_head.get(wanted[0], ()):
        # the index holds a use under its first name: a whole object's name (a tag's) matches every use there
        if len(wanted) > 1 and _fold(use.path[:len(wanted)]) != wanted:
            continue
        # SCL calls an instance DB by its name (``"DB_Motor"(…)``): reported as Instance, like a LAD call's DB
        access = INSTANCE if use.access == CALL and index.kinds.get(use.path[0].casefold(), "").endswith("DB") \
            else use.access
        usages.append({"block": obj.name, "blockType": obj.kind, "language": obj.language or "",
                       "network": use.network, "networkTitle": titles.get(use.network or 0, ""),
                       "access": access, "operand": display(use.path)})
    return usages


def _index(ctx: OperationContext, device: str) -> _UseIndex:
    return _USES.get(lambda: program_revision_key(ctx, device), lambda: _use_index(ctx, device))


def _cross_references(ctx: OperationContext, data: CrossReferenceQuery) -> ObjectCrossReferences:
    device = data.device_name
    path = parse_object_path(data.object_name)
    index = _index(ctx, device)
    usages = _usages(index, path)
    object_type = index.object_type(ctx, device, path)
    if object_type is None and not usages:
        raise e.NotFoundError(f"PLC {device!r} holds no tag, constant, block or type {display(path)} and no "
                              "block uses it", code=codes.OBJECT_NOT_FOUND)
    return ObjectCrossReferences(object_name=".".join(path), display=display(path),
                                 object_type=object_type or "Unknown", exists=object_type is not None,
                                 usages=usages, usage_count=len(usages))


class TagTableRef(DeviceRef):
    """A tag table of a PLC by name."""

    table_name: str


class TagUses(CamelStruct):
    """Where one tag is used."""

    tag: str
    usages: list[dict[str, Any]]
    """As :attr:`ObjectCrossReferences.usages`."""
    usage_count: int


class TagTableCrossReferences(CamelStruct):
    """Where the tags of one table are used: each tag that a block uses, in the table's order."""

    table_name: str
    tags: list[TagUses]


def _table_cross_references(ctx: OperationContext, data: TagTableRef) -> TagTableCrossReferences:
    """One read of the program's index for the whole table: a table of 2,000 tags asked tag by tag cost 2,000
    operations."""
    tags = ctx.backend.tags.list_tags(data.device_name, data.table_name)
    index = _index(ctx, data.device_name)
    found = []
    for tag in tags:
        usages = _usages(index, (tag.name,))
        if usages:
            found.append(TagUses(tag=tag.name, usages=usages, usage_count=len(usages)))
    return TagTableCrossReferences(table_name=data.table_name, tags=found)


OPERATIONS = [
    read("cross-references.object", SECTION,
         "Where a tag, constant, DB member, block or PLC data type is used: block, network and access.",
         "/api/devices/{deviceName}/cross-references", _cross_references, CrossReferenceQuery, ObjectCrossReferences,
         errors=NEEDS_PLC,
         description="TIA's cross-reference list for one object of the PLC, found in every block's SimaticML, "
                     "each use with its block, network (null for the interface) and access (Read, Write, ReadWrite, "
                     "Call, Instance, Type).",
         example={"objectName": "Motor_DB.Start"}),
    read("cross-references.tag-table", SECTION, "Where each tag of a tag table is used: block, network and access.",
         "/api/devices/{deviceName}/tag-tables/{tableName}/cross-references", _table_cross_references, TagTableRef,
         TagTableCrossReferences, errors=NEEDS_PLC,
         description="The cross-reference list of every tag of one table in one answer (each tag a block uses, in "
                     "the table's order, with its uses as the object query gives them); tags no block uses are left "
                     "out."),
]
