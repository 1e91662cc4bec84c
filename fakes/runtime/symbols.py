"""Names to accessors, and the tag list (what PLCSIM Advanced's ``UpdateTagList`` offers).

Accepted names: ``"DB".a.b[3]`` (also ``DB.a`` unquoted, ``[1, 2]`` for two dimensions), PLC tags
quoted or not (``"Start_PB"``, ``Start_PB``), and absolute operands ``%I0.0 %IB1 %IW2 %ID4 %Q… %M…``.
Names are case-insensitive, as in TIA. An accessor walks from the memory on every ``get``/``set``, so
it stays valid when DBs are reinitialised.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import product
from typing import TYPE_CHECKING, Any, Protocol

from engineering_api.rules.addresses import AddressError, parse_address
from engineering_api.rules.compiler.types import display
from simatic_xml.scl import SclSyntaxError, parse_statements
from simatic_xml.scl import ast as A

from .layout import Slot, system_members
from .memory import FORMATS, read_area, write_area
from .values import clone, from_json

if TYPE_CHECKING:
    from .codegen_context import TagRef
    from .memory import Memory

__all__ = ("Accessor", "ProgramSymbols", "TagInfo", "resolve", "tag_list")

_SIZE_TYPE = {"X": ("BOOL", "Bool"), "B": ("BYTE", "Byte"), "W": ("WORD", "Word"), "D": ("DWORD", "DWord")}
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ProgramSymbols(Protocol):
    """What names are resolved against: the data blocks and PLC tags of a program image (``ProgramImage``)."""

    @property
    def db_slots(self) -> Mapping[str, Slot]:
        """Lower-case DB name -> its layout."""

    @property
    def db_names(self) -> Mapping[str, str]:
        """Lower-case DB name -> the name as written."""

    @property
    def tags(self) -> Mapping[str, TagRef]:
        """Lower-case tag name -> the tag."""


@dataclass(frozen=True, slots=True)
class TagInfo:
    """One leaf of the tag list (as PLCSIM Advanced's UpdateTagList): name, TIA data type, address or None."""

    name: str
    data_type: str
    address: str | None = None


@dataclass(slots=True, eq=False)
class Accessor:
    """Read/write access to one operand: ``data_type`` (TIA spelling), ``get()``, ``set(value)``;
    ``address`` is the absolute operand (``%I0.0``, ``%MW10``) of tags and area operands, None in a DB.
    ``type`` is the value type of the memory layout; ``getter``/``setter`` read and write the memory (no setter:
    not an elementary value)."""

    name: str
    data_type: str
    type: str | None
    getter: Any
    setter: Any
    address: str | None = None

    def get(self) -> Any:
        return self.getter()

    def set(self, value: Any) -> None:
        """Write a JSON value. Raises TypeError (wrong kind of value) or ValueError (out of range)."""
        if self.setter is None:
            raise TypeError(f"{self.name} ({self.data_type}) is not an elementary value and cannot be written")
        self.setter(value)

    def __repr__(self) -> str:
        return f"Accessor({self.name!r}, {self.data_type!r})"


def _area_accessor(mem: Memory, name: str) -> Accessor:
    try:
        addr = parse_address(name)
    except AddressError as exc:
        raise LookupError(f"{name}: {exc}") from None
    if addr.area not in "IQM":
        raise LookupError(f"{name}: only %I, %Q and %M can be accessed")
    t, dt = _SIZE_TYPE[addr.size]
    return _buffer_accessor(mem, addr.text, addr.area, addr.byte, addr.bit, t, dt, addr.text)


def _buffer_accessor(mem: Memory, name: str, area: str, byte: int, bit: int, t: str, dt: str, address: str
                     ) -> Accessor:
    buf = mem.area(area)
    size = 1 if t == "BOOL" else FORMATS[t].size
    if byte + size > len(buf):
        raise LookupError(f"{name} is outside the %{area} area")
    return Accessor(name, dt, t, lambda: read_area(buf, byte, t, bit),
                    lambda v: write_area(buf, byte, t, from_json(v, t), bit), address)


def _parse(name: str) -> Any:
    try:
        stmts = parse_statements(f"__x := {name};")
    except SclSyntaxError:
        raise LookupError(f"{name!r} is not an operand name") from None
    if len(stmts) != 1 or type(stmts[0]) is not A.Assign:
        raise LookupError(f"{name!r} is not an operand name")
    return stmts[0].value


def _int(node: Any) -> int:
    negative = type(node) is A.UnaryOp and node.op == "-"
    literal = node.operand if negative else node
    if type(literal) is A.Literal and literal.kind == "int" and type(literal.value) is int:
        return -literal.value if negative else literal.value
    raise LookupError("array indices must be integer constants")


def _walk(image: ProgramSymbols, node: Any) -> tuple[str, Slot, list[Any]]:
    """(DB key, slot, key path inside the DB) of an operand path."""
    t = type(node)
    if t is A.Name:
        key = node.name.lower()
        slot = image.db_slots.get(key)
        if slot is None:
            raise LookupError(f'"{node.name}" is neither a data block nor a tag')
        return key, slot, []
    if t is A.Member:
        db, base, path = _walk(image, node.base)
        if base.kind == "sysfb":
            members = system_members(base.type or "") or {}
            hit = next((n for n in members if n.lower() == node.name.lower() and not n.startswith("_")), None)
            if hit is None:
                raise LookupError(f"{base.datatype} has no member {node.name}")
            return db, Slot(hit, "elem", members[hit][1], display(members[hit][1])), [*path, hit]
        member = base.member(node.name) if base.kind == "struct" else None
        if member is None:
            raise LookupError(f"{base.name} has no member {node.name}")
        return db, member, [*path, member.name]
    if t is A.Index:
        db, base, path = _walk(image, node.base)
        if base.kind != "array" or len(node.indices) > len(base.dims):
            raise LookupError(f"{base.name} is not an array of {len(node.indices)} dimension(s)")
        indices = [_int(i) for i in node.indices]
        for (low, high), i in zip(base.dims, indices):
            if not low <= i <= high:
                raise LookupError(f"index {i} is outside [{low}..{high}] of {base.name}")
        if len(indices) < len(base.dims):
            sub = Slot(base.name, "array", datatype=base.datatype, dims=base.dims[len(indices):], element=base.element)
            return db, sub, [*path, *indices]
        assert base.element is not None
        return db, base.element, [*path, *indices]
    raise LookupError("not an operand path")


def resolve(image: ProgramSymbols, mem: Memory, name: str) -> Accessor:
    """The accessor of ``name`` (see the module docstring); LookupError when it names nothing."""
    text = name.strip()
    if text.startswith("%"):
        return _area_accessor(mem, text)
    node = _parse(text)
    if type(node) is A.Name:
        tag = image.tags.get(node.name.lower())
        if tag is not None and node.name.lower() not in image.db_slots:
            return _buffer_accessor(mem, f'"{tag.name}"', tag.area, tag.byte, tag.bit, tag.type, tag.datatype,
                                    tag.address)
    db, slot, path = _walk(image, node)

    def container() -> Any:
        value = mem.dbs[db]
        for key in path[:-1]:
            value = value[key]
        return value

    def getter() -> Any:
        value = container()[path[-1]] if path else mem.dbs[db]
        return value if slot.kind == "elem" else clone(value)

    setter = None
    if slot.kind == "elem" and path and slot.type is not None:
        t, length = slot.type, slot.length

        def setter(value: Any) -> None:
            container()[path[-1]] = from_json(value, t, length=length)

    data_type = slot.datatype or (display(slot.type) if slot.type else "Struct")
    return Accessor(text, data_type, slot.type, getter, setter)


def _member_text(name: str) -> str:
    return name if _IDENT.match(name) else f'"{name}"'


def _leaves(slot: Slot, prefix: str, out: list[tuple[str, str]]) -> None:
    if slot.kind == "elem":
        out.append((prefix, slot.datatype or display(slot.type)))
    elif slot.kind == "struct":
        for m in slot.members.values():
            _leaves(m, f"{prefix}.{_member_text(m.name)}", out)
    elif slot.kind == "array" and slot.element is not None:
        ranges = [range(low, high + 1) for low, high in slot.dims]
        for idx in product(*ranges):
            _leaves(slot.element, f"{prefix}[{','.join(str(i) for i in idx)}]", out)
    elif slot.kind == "sysfb":
        for n, (_sec, t) in (system_members(slot.type or "") or {}).items():
            if not n.startswith("_"):
                out.append((f"{prefix}.{n}", display(t)))


def tag_list(image: ProgramSymbols) -> list[TagInfo]:
    """Elementary leaves of every DB (structs and arrays expanded), then the PLC tags with their addresses."""
    out: list[TagInfo] = []
    for key, slot in image.db_slots.items():
        leaves: list[tuple[str, str]] = []
        _leaves(slot, f'"{image.db_names[key]}"', leaves)
        out.extend(TagInfo(name, dt, None) for name, dt in leaves)
    out.extend(TagInfo(f'"{tag.name}"', tag.datatype, tag.address) for tag in image.tags.values())
    return out
