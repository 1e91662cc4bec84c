"""Data layouts from SimaticML interfaces: what a DB, an FB instance or a UDT holds at run time.

A :class:`Slot` describes one member: elementary (with its start value), String, Struct/UDT/FB instance
(``members``), array (``dims`` and ``element``) or a system FB instance (IEC timer/counter/edge). The
compiler's program view loses array bounds and start values, so layouts are read from the objects'
own SimaticML. :func:`make_value` turns a slot into a fresh value; templates are built once and
cloned, so a new memory or a struct temp costs a copy, not a parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from sys import intern
from typing import TYPE_CHECKING, Any

from engineering_api.rules.compiler.builtins import SYSTEM_FBS as CHECKER_FBS
from engineering_api.rules.compiler.builtins import SYSTEM_TYPES as CHECKER_TYPES
from engineering_api.rules.compiler.types import ELEMENTARY, canonical, split_top_level
from simatic_xml.system_types import lookup as lookup_system_type

from . import stdlib
from .values import PlcArray, clone, default_value, parse_text

if TYPE_CHECKING:
    from simatic_xml.interface import Member

__all__ = ("LayoutBuilder", "Slot", "copy_slot", "is_system_type", "make_value", "system_fb", "system_members")

_ARRAY = re.compile(r"^\s*Array\s*\[(.*)\]\s+of\s+(.*)$", re.IGNORECASE | re.DOTALL)
_STRING = re.compile(r"^(W?STRING)\s*(?:\[\s*(.+?)\s*\])?$", re.IGNORECASE)
_NOT_DATA = frozenset(["Temp", "Constant", "Return"])


def system_fb(name: str) -> Any:
    """The stdlib ``SystemFb`` for an instance type (``TON_TIME``, ``IEC_TIMER`` via TYPE_ALIASES...), or None."""
    upper = name.upper()
    return stdlib.SYSTEM_FBS.get(upper) or stdlib.SYSTEM_FBS.get(stdlib.TYPE_ALIASES.get(upper, ""))


def system_members(name: str) -> dict[str, tuple[str, str]] | None:
    """Member name -> (section, canonical type) of a system FB/type instance (stdlib first, then the checker)."""
    fb = system_fb(name)
    if fb is not None:
        return dict(fb.members)
    iface = CHECKER_FBS.get(name.upper()) or CHECKER_TYPES.get(name.upper())
    if iface is None:
        return None
    return {v.name: (v.section, v.type if isinstance(v.type, str) else "") for v in iface.members.values()}


def is_system_type(name: str) -> bool:
    upper = name.upper()
    return upper != "DTL" and (system_fb(upper) is not None or upper in CHECKER_FBS or upper in CHECKER_TYPES)


@dataclass(slots=True)
class Slot:
    """One member of a layout (see the module docstring)."""

    name: str
    kind: str  # elem | struct | array | sysfb | unknown
    type: str | None = None  # canonical elementary type (elem), system type name (sysfb)
    datatype: str = ""  # TIA spelling, as in the interface
    start: Any = None
    members: dict[str, Slot] = field(default_factory=dict)  # lower name -> Slot, in declaration order
    dims: tuple[tuple[int, int], ...] = ()
    element: Slot | None = None
    retain: bool = False
    section: str = "Static"
    length: int = 254

    def member(self, name: str) -> Slot | None:
        return self.members.get(name.lower())


def make_value(slot: Slot) -> Any:
    """A fresh value of ``slot`` holding its start values."""
    kind = slot.kind
    if kind == "elem":
        return slot.start if slot.start is not None else default_value(slot.type)
    if kind == "struct":
        # interned keys: the generated code's constant keys are interned, so a lookup matches by identity
        # instead of comparing the strings (a quarter of a scan's dict lookup cost)
        return {intern(m.name): make_value(m) for m in slot.members.values()}
    if kind == "array":
        return _make_array(slot)
    if kind == "sysfb":
        fb = system_fb(slot.type or "")
        if fb is not None:
            return fb.new_instance()
        return {intern(name): default_value(t) for name, (_sec, t) in (system_members(slot.type or "") or {}).items()}
    return None


def _make_array(slot: Slot) -> PlcArray:
    """Elements in row-major order (start values count flat over all dimensions), nested per dimension."""
    element = slot.element
    assert element is not None
    total = 1
    for low, high in slot.dims:
        total *= max(high - low + 1, 0)
    flat = [make_value(element) for _ in range(total)]
    if isinstance(slot.start, dict):  # {flat position: value} from a start value list or Subelements
        for pos, value in slot.start.items():
            if 0 <= pos < total:
                flat[pos] = value
    element_type = element.type if element.kind == "elem" else None
    return _nest(flat, slot.dims, element_type)


def _nest(flat: list[Any], dims: tuple[tuple[int, int], ...], element_type: str | None) -> PlcArray:
    low, high = dims[0]
    if len(dims) == 1:
        return PlcArray(flat, low, element_type)
    size = len(flat) // max(high - low + 1, 1)
    return PlcArray([_nest(flat[i * size:(i + 1) * size], dims[1:], element_type) for i in range(high - low + 1)],
                    low, None)


class LayoutBuilder:
    """Builds slots from SimaticML members, resolving UDTs, FBs (multi-instances) and constants.

    ``interfaces`` maps the lower-case name of a UDT or FB to its interface sections
    (``simatic_xml.interface.Sections``); ``constants`` maps lower-case user constant names to values.
    """

    def __init__(self, interfaces: dict[str, Any], constants: dict[str, Any] | None = None) -> None:
        self.interfaces = interfaces
        self.constants = constants or {}
        self._named: dict[str, Slot] = {}
        self._busy: set[str] = set()

    # ---------------------------------------------------------------- whole objects
    def fb_instance(self, fb_name: str) -> Slot:
        """The instance layout of an FB: Input, Output, InOut and Static members."""
        return self.named(fb_name)

    def sections(self, sections: Any, name: str, wanted: tuple[str, ...] | None = None) -> Slot:
        """A struct slot of the members of ``sections`` (all but Temp/Constant/Return unless ``wanted``)."""
        slot = Slot(name, "struct", datatype="Struct")
        for section in sections.sections if sections is not None else ():
            if (wanted is not None and section.name not in wanted) or (wanted is None and section.name in _NOT_DATA):
                continue
            for m in section.members:
                child = self.member(m, section.name)
                slot.members.setdefault(child.name.lower(), child)
        return slot

    def named(self, name: str) -> Slot:
        """The layout of a UDT or FB by name (cached; a recursive type yields an empty struct)."""
        key = name.lower()
        cached = self._named.get(key)
        if cached is not None:
            return cached
        sections = self.interfaces.get(key)
        if sections is None or key in self._busy:
            return Slot(name, "unknown", datatype=f'"{name}"')
        self._busy.add(key)
        try:
            slot = self.sections(sections, name)
        finally:
            self._busy.discard(key)
        slot.datatype = f'"{name}"'
        self._named[key] = slot
        return slot

    # ---------------------------------------------------------------- members
    def member(self, m: Member, section: str = "Static") -> Slot:
        slot = self.from_type(m.name, m.datatype, m)
        slot.section = section
        slot.retain = m.remanence == "Retain"
        self.apply_start(slot, m)
        return slot

    def from_type(self, name: str, datatype: str, m: Member | None = None) -> Slot:
        text = datatype.strip()
        arr = _ARRAY.match(text)
        if arr is not None:
            dims = tuple(self._bounds(part) for part in _split_top(arr.group(1)))
            element = self.from_type(name, arr.group(2).strip(), m)
            element.start = element.start if element.kind != "array" else None
            return Slot(name, "array", datatype=text, dims=dims, element=element)
        if text.startswith('"') and text.endswith('"'):
            base = self.named(text[1:-1])
            return copy_slot(base, name, text)
        upper = text.upper()
        if upper == "STRUCT":
            slot = Slot(name, "struct", datatype="Struct")
            for child in (m.members if m is not None else ()):
                child_slot = self.member(child)
                slot.members.setdefault(child_slot.name.lower(), child_slot)
            return slot
        s = _STRING.match(text)
        if s is not None:
            length = self._int(s.group(2)) if s.group(2) else 254
            return Slot(name, "elem", s.group(1).upper(), text, length=length)
        if upper == "DTL":
            slot = Slot(name, "struct", datatype="DTL")
            for v in CHECKER_TYPES["DTL"].members.values():
                slot.members[v.name.lower()] = Slot(v.name, "elem", str(v.type), str(v.type),
                                                    start=1970 if v.name == "YEAR" else (
                    1 if v.name in ("MONTH", "DAY") else (5 if v.name == "WEEKDAY" else None)))
            return slot
        structure = lookup_system_type(text)
        if structure is not None and structure.kind == "struct" and system_fb(upper) is None:
            # A system structure (TCON_IP_v4, IP_V4, TADDR_Param, ...) is a struct of its catalog members, so the
            # start values a DB gives them apply (RemotePort := 502); instances (TON_TIME, CTU_INT) and the
            # structures the runtime calls as timers/counters (IEC_TIMER, IEC_COUNTER) stay sysfb.
            slot = Slot(name, "struct", datatype=structure.name)
            for member in structure.members:
                slot.members[member.name.lower()] = self.from_type(member.name, member.data_type)
            return slot
        if is_system_type(text):
            return Slot(name, "sysfb", upper, text)
        key = text.lower()
        if key in self.interfaces:  # an FB or UDT written without quotes
            return copy_slot(self.named(text), name, text)
        c = canonical(text)
        if c in ELEMENTARY:
            return Slot(name, "elem", c, text)
        return Slot(name, "unknown", None, text)

    def apply_start(self, slot: Slot, m: Member) -> None:
        """Start values of ``m`` (and of its nested members/subelements) onto ``slot``."""
        sv = m.start_value
        if slot.kind == "elem":
            if sv is not None and sv.value.strip():
                slot.start = self._value(sv.value, slot)
        elif slot.kind == "array":
            starts: dict[int, Any] = {}
            element = slot.element
            assert element is not None
            if sv is not None and sv.value.strip() and element.kind == "elem":
                for pos, text in enumerate(_expand_list(sv.value)):
                    if text.strip():
                        starts[pos] = self._value(text, element)
            for sub in m.subelements:
                if sub.start_value is not None and element.kind == "elem":
                    flat = self._flat(slot, sub.path)
                    if flat is not None:
                        starts[flat] = self._value(sub.start_value.value, element)
            if starts:
                slot.start = starts
        elif slot.kind == "struct":
            if slot.datatype == "DTL" and sv is not None and sv.value.strip():
                self._dtl_start(slot, sv.value)
            nested = list(m.members)
            if m.sections is not None:
                nested += [x for sec in m.sections.sections for x in sec.members]
            for child in nested:
                target = slot.members.get(child.name.lower())
                if target is not None:
                    if child.remanence is not None:
                        target.retain = child.remanence == "Retain"
                    self.apply_start(target, child)

    # ---------------------------------------------------------------- helpers
    def _dtl_start(self, slot: Slot, text: str) -> None:
        """A DTL's start value written as one constant (``DTL#2024-02-29-12:34:56.789``) onto its members."""
        value = self._value(text, Slot(slot.name, "elem", "DTL", "DTL"))
        if isinstance(value, dict):
            for member, start in value.items():
                target = slot.members.get(member.lower())
                if target is not None:
                    target.start = start

    def _value(self, text: str, slot: Slot) -> Any:
        t = text.strip()
        key = t.strip('"').lstrip("#").lower()
        if key in self.constants and not t.startswith("'"):
            return self.constants[key]
        try:
            return parse_text(t, slot.type)
        except ValueError:
            return None

    def _int(self, text: str) -> int:
        t = text.strip()
        key = t.strip('"').lstrip("#").lower()
        if key in self.constants:
            return int(self.constants[key])
        return int(t)

    def _bounds(self, part: str) -> tuple[int, int]:
        if part.strip() == "*":  # Array[*] of a parameter: the bounds are the argument's, as for low..*
            return (0, -1)
        low, _, high = part.partition("..")
        if high.strip() == "*":
            return (self._int(low), self._int(low) - 1)
        return (self._int(low), self._int(high))

    @staticmethod
    def _flat(slot: Slot, path: str) -> int | None:
        try:
            idx = [int(x) for x in path.split(",")]
        except ValueError:
            return None
        if len(idx) != len(slot.dims):
            return None
        pos = 0
        for (low, high), i in zip(slot.dims, idx):
            pos = pos * (high - low + 1) + (i - low)
        return pos


def copy_slot(base: Slot, name: str, datatype: str) -> Slot:
    """A UDT/FB layout reused under another member name; members are copied so start values can differ."""
    out = replace(base, name=name, datatype=datatype, members={k: _deep(v) for k, v in base.members.items()})
    return out


def _deep(slot: Slot) -> Slot:
    return replace(slot, members={k: _deep(v) for k, v in slot.members.items()},
                   element=_deep(slot.element) if slot.element is not None else None,
                   start=clone(slot.start) if isinstance(slot.start, dict) else slot.start)


def _split_top(text: str) -> list[str]:
    return [p.strip() for p in split_top_level(text) if p.strip()]


_REPEAT = re.compile(r"^(\d+)\s*\((.*)\)$", re.DOTALL)


def _expand_list(text: str) -> list[str]:
    """``[1, 2, 3(0)]`` -> ``['1', '2', '0', '0', '0']`` (repeat factors expanded)."""
    body = text.strip()
    if body.startswith("[") and body.endswith("]"):
        body = body[1:-1]
    out: list[str] = []
    for item in _split_top(body):
        rep = _REPEAT.match(item)
        if rep is not None:
            out.extend(_expand_list(rep.group(2)) * int(rep.group(1)))
        else:
            out.append(item)
    return out
