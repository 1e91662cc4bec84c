"""Operands in LAD/FBD/GRAPH specs: text -> a typed FlgNet ``Access``, with declaration checks.

Operand forms (strings; JSON numbers and booleans are accepted as literals):

* ``#Name``, ``#Name.Member``, ``#Arr[3]``, ``#"odd name"`` — a local variable (must be declared in the
  block interface, case-insensitively; members of a declared ``Struct`` are checked too, members of
  UDTs, FBs and system types are not, as their declarations live elsewhere). A ``#name`` declared in the
  ``Constant`` section becomes a local constant.
* ``"Tag"``, ``"DB".Member.Sub`` — a global variable (not checked: it lives in the project).
* ``TRUE``/``FALSE``, ``12``, ``-3``, ``1.5`` — literal constants (Bool, Int/DInt, Real);
  ``T#5s``, ``16#FF``, ``INT#7`` — typed constants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import flgnet
from .errors import SpecError, UndeclaredOperandError
from .network_context import OB_INPUTS
from .spec_members import MemberSpec
from .spec_types import BlockSpec

__all__ = ("Operand", "Operands", "split_path")

_PATH_PART = re.compile(r'"([^"]+)"|([^\W\d][\w]*)|\[\s*(-?\d+)\s*\]|(\.)')
_TYPED = re.compile(r"[A-Za-z_]\w*#\S+\Z")
_INT = re.compile(r"-?\d+\Z")
_REAL = re.compile(r"-?\d+\.\d+(?:[eE][+-]?\d+)?\Z")


@dataclass(slots=True)
class Operand:
    """A resolved operand: the access and, when known, its data type."""

    access: flgnet.FlgAccess
    datatype: str | None
    text: str


def split_path(text: str, field: str) -> list[tuple[str, int | None]]:
    """``Name.Sub[3].X`` -> ``[("Name", None), ("Sub", 3), ("X", None)]`` (one index per component)."""
    out: list[tuple[str, int | None]] = []
    pos = 0
    expect_name = True
    while pos < len(text):
        m = _PATH_PART.match(text, pos)
        if not m:
            raise SpecError(field, f"cannot read operand {text!r} at {text[pos:]!r}")
        if m.group(1) is not None or m.group(2) is not None:
            if not expect_name:
                raise SpecError(field, f"missing '.' in operand {text!r}")
            out.append((m.group(1) if m.group(1) is not None else m.group(2), None))
            expect_name = False
        elif m.group(3) is not None:
            if expect_name or not out or out[-1][1] is not None:
                raise SpecError(field, f"misplaced index in operand {text!r}")
            out[-1] = (out[-1][0], int(m.group(3)))
        else:
            if expect_name:
                raise SpecError(field, f"misplaced '.' in operand {text!r}")
            expect_name = True
        pos = m.end()
    if expect_name:
        raise SpecError(field, f"incomplete operand {text!r}")
    return out


class Operands:
    """Resolves operand text against one block spec's interface."""

    def __init__(self, spec: BlockSpec) -> None:
        self.spec = spec
        self.locals: dict[str, tuple[str, MemberSpec]] = {}
        for section, members in spec.sections.items():
            for m in members:
                self.locals[m.name.casefold()] = (section, m)
        if spec.block_type == "OB":  # the OB's event inputs, which the builder declares from its type
            for name, datatype, _text in OB_INPUTS.get(spec.secondary_type or "ProgramCycle", []):
                self.locals.setdefault(name.casefold(), ("Input", MemberSpec(name=name, datatype=datatype)))
        if spec.block_type == "FC" and spec.return_type != "Void":
            # TIA SCL assigns a function's return value as #<FunctionName> := ... (as in the SCL corpus).
            self.locals.setdefault(spec.name.casefold(),
                                   ("Return", MemberSpec(name=spec.name, datatype=spec.return_type)))
        self.counter = 0

    def uid(self) -> str:
        """A temporary UId (the renumbering gives the final ones)."""
        self.counter += 1
        return str(self.counter)

    def member(self, name: str) -> tuple[str, MemberSpec] | None:
        """(section, member) of a declared top-level member."""
        return self.locals.get(name.casefold())

    def check_local(self, name: str, field: str) -> MemberSpec:
        """The declared member ``name`` or :class:`SpecError`."""
        hit = self.member(name)
        if hit is None:
            raise UndeclaredOperandError(field, f"operand #{name} is not declared in the block interface")
        return hit[1]

    def resolve(self, value: object, field: str) -> Operand:
        """An :class:`Operand` for a value in a network spec."""
        if isinstance(value, bool):
            return self._literal("TRUE" if value else "FALSE", "Bool")
        if isinstance(value, int):
            return self._literal(str(value), "Int" if -32768 <= value <= 32767 else "DInt")
        if isinstance(value, float):
            return self._literal(repr(value), "Real")
        if not isinstance(value, str) or not value.strip():
            raise SpecError(field, "an operand must be a non-empty string, number or boolean")
        text = value.strip()
        upper = text.upper()
        if upper in ("TRUE", "FALSE"):
            return self._literal(upper, "Bool")
        if _INT.match(text):
            number = int(text)
            return self._literal(text, "Int" if -32768 <= number <= 32767 else "DInt")
        if _REAL.match(text):
            return self._literal(text, "Real")
        if _TYPED.match(text) and not text.startswith("#"):
            prefix = text.split("#", 1)[0].upper()
            dtype = {"T": "Time", "TIME": "Time", "LT": "LTime", "S5T": "S5Time", "INT": "Int", "DINT": "DInt",
                     "REAL": "Real"}.get(prefix)
            return Operand(flgnet.FlgAccess("TypedConstant", self.uid(), constant=flgnet.FlgConstant(value=text)),
                           dtype, text)
        if text.startswith("#"):
            parts = split_path(text[1:], field)
            member = self.check_local(parts[0][0], field)
            section = self.locals[parts[0][0].casefold()][0]  # declared: check_local passed
            if section == "Constant":
                if len(parts) > 1 or parts[0][1] is not None:
                    raise SpecError(field, f"constant #{parts[0][0]} has no members")
                access = flgnet.FlgAccess("LocalConstant", self.uid(), constant=flgnet.FlgConstant(name=member.name))
                return Operand(access, member.datatype, text)
            node = member
            for name, _ in parts[1:]:
                if node.datatype != "Struct":
                    break  # members of UDTs, FBs and system types are not known here
                nxt = next((c for c in node.members if c.name.casefold() == name.casefold()), None)
                if nxt is None:
                    raise SpecError(field, f"operand {text}: struct {node.name} has no member {name}")
                node = nxt
            dtype = _member_type(member, parts[0][1], parts[1:])
            comps = [self._component(member.name if i == 0 else name, index) for i, (name, index) in enumerate(parts)]
            return Operand(flgnet.FlgAccess("LocalVariable", self.uid(), symbol=comps), dtype, text)
        if text.startswith('"'):
            parts = split_path(text, field)
            comps = [self._component(name, index) for name, index in parts]
            return Operand(flgnet.FlgAccess("GlobalVariable", self.uid(), symbol=comps), None, text)
        raise SpecError(field, f"cannot read operand {text!r}: use #local, \"Global\", or a constant")

    def _literal(self, text: str, dtype: str) -> Operand:
        access = flgnet.FlgAccess("LiteralConstant", self.uid(), constant=flgnet.FlgConstant(value=text, type=dtype))
        return Operand(access, dtype, text)

    def _component(self, name: str, index: int | None) -> flgnet.Component:
        if index is None:
            return flgnet.Component(name)
        idx = flgnet.FlgAccess("LiteralConstant", None, constant=flgnet.FlgConstant(value=str(index), type="DInt"))
        return flgnet.Component(name, "Array", [idx])


def _member_type(member: MemberSpec, index: int | None, rest: list[tuple[str, int | None]]) -> str | None:
    """The data type at the end of a path where the spec can tell (nested structs, array elements);
    None for members of UDTs, FBs and system types, which live elsewhere."""
    dtype: str | None = member.datatype
    if index is not None:
        m = re.match(r"Array\[[^\]]*\] of (.+)\Z", dtype or "")
        dtype = m.group(1) if m else None
    for name, idx in rest:
        if dtype != "Struct":
            return None
        nxt = next((c for c in member.members if c.name.casefold() == name.casefold()), None)
        if nxt is None:
            return None
        member = nxt
        dtype = _member_type(member, idx, [])
    return dtype
