"""LAD/FBD rules of the checker: the operands and wires of a SimaticML FlgNet network.

A mixin of :class:`fakes.compiler.checker.BlockChecker`; it types operands with the expression rules
(``expr``) of the sibling mixin and reports through the checker's ``err``.

Box pins: TIA exports the data type of a typed box as ``<TemplateValue Name="SrcType">`` (and
``DestType`` for Convert/Round…), or ``<AutomaticTyped Name="SrcType"/>`` for "Auto". An operand wired
to an input pin must convert implicitly into the box's type; the box's result must convert implicitly
into the operand at its output pin; Move's IN must convert into every OUTn; a call's pins are checked
against the parameter types of its ``CallInfo``.
"""
from __future__ import annotations

import re

from simatic_xml.scl import ast as A
from simatic_xml.scl.errors import SclSyntaxError
from simatic_xml.scl.parser import parse_expression

from .program import type_from_text
from .types import (
    BIT_LIT,
    BITSTRINGS,
    ELEMENTARY,
    INT_LIT,
    INTEGERS,
    assignable,
    canonical,
    common_type,
    display,
)

__all__ = ["FlgNetChecks"]

_BOOL_PARTS = frozenset(["Contact", "Coil", "SCoil", "RCoil", "PContact", "NContact", "PCoil", "NCoil", "SetCoil",
                         "ResetCoil", "PBox", "NBox", "TrCoil", "Not"])
_COMPARES = frozenset(["Eq", "Ne", "Gt", "Ge", "Lt", "Le", "InRange", "OutRange"])
"""Boxes whose SrcType types their inputs only: their ``out`` is the Bool result (power flow)."""
_BITS_INTS = BITSTRINGS | INTEGERS
"""MOVE without TIA's IEC check copies between any bit strings and integers (the value is truncated or
extended; a real export moves a Word into an Int): only other combinations must convert implicitly."""
_TYPED_BOXES = _COMPARES | frozenset([
    "Add", "Sub", "Mul", "Div", "Mod", "Neg", "Abs", "Min", "Max", "Limit", "Sqr", "Sqrt", "Exp", "Ln", "Sin", "Cos",
    "Tan", "Asin", "Acos", "Atan", "Frac", "Calc", "Convert", "Round", "Trunc", "Ceil", "Floor"])
"""Boxes whose every input pin takes SrcType and whose ``out`` gives DestType (else SrcType). Boxes whose pins
differ (Scale_X's MIN/MAX are of its DestType, Expt's exponent, Shl's N…) are not checked."""
_INPUT_PIN = re.compile(r"^(in\d*|min|max|mn|mx)$")
_OUTPUT_PIN = re.compile(r"^out\d*$")
_SCOPES = {"LocalVariable": "local", "GlobalVariable": "global", "LocalConstant": "local",
           "GlobalConstant": "global"}


class FlgNetChecks:
    """Wires that end at parts that do not exist, non-Bool operands on bit instructions and on EN/ENO,
    and operands that do not fit the data type of a box or the parameter of a called block."""

    def flgnet(self, net) -> None:
        from simatic_xml.flgnet import Call as FCall
        from simatic_xml.flgnet import FlgAccess, IdentCon, NameCon, Part
        accesses = {}
        parts = {}
        for item in net.parts or ():
            if isinstance(item, FlgAccess):
                accesses[item.uid] = item
            elif isinstance(item, (Part, FCall)):
                parts[item.uid] = item
        types = {}
        for uid, acc in accesses.items():
            node = _access_expr(acc)
            if node is not None:
                types[uid] = (node, self.constant_type(node) if acc.constant is not None else self.expr(node))
        pins: dict = {}  # part UId -> {pin name: access UId}
        for wire in net.wires or ():
            conns = getattr(wire, "connections", None) or []
            operand = None
            pin_parts = []
            for c in conns:
                if isinstance(c, IdentCon):
                    if c.uid not in accesses:
                        self.err(None, "FLGNET_WIRE", network=self.network, uid=c.uid)
                    operand = c.uid
                elif isinstance(c, NameCon):
                    if c.uid not in parts:
                        self.err(None, "FLGNET_WIRE", network=self.network, uid=c.uid)
                    else:
                        pin_parts.append((parts[c.uid], c.name))
            if operand is None or operand not in types:
                continue
            t = types[operand][1]
            for part, pin in pin_parts:
                pins.setdefault(part.uid, {})[pin] = operand
                if not isinstance(t, str) or t == "BOOL":
                    continue
                if (pin == "operand" and isinstance(part, Part) and part.name in _BOOL_PARTS) or pin in ("en", "eno"):
                    self.err(None, "FLGNET_TYPE", name=_access_text(accesses[operand]), type=display(t),
                             part=part.name)
        for uid, wired in pins.items():
            part = parts[uid]
            operands = {pin: (accesses[a], *types[a]) for pin, a in wired.items()}
            if isinstance(part, FCall):
                self.call_pins(part, operands)
            else:
                self.box_pins(part, operands)

    def box_pins(self, part, operands: dict) -> None:
        """Inputs into the box's type (SrcType, or the widest input for Auto), its result into the outputs."""
        from simatic_xml.flgnet import AutomaticTyped, TemplateValue
        src = dest = None
        auto = False
        for item in part.items:
            if isinstance(item, TemplateValue) and item.name in ("SrcType", "DestType"):
                t = canonical(item.value)
                if t not in ELEMENTARY:
                    return  # a generic or user type: left to TIA
                if item.name == "SrcType":
                    src = t
                else:
                    dest = t
            elif isinstance(item, AutomaticTyped) and item.name == "SrcType":
                auto = True
        inputs = [(pin, op) for pin, op in operands.items() if _INPUT_PIN.match(pin)]
        outputs = [(pin, op) for pin, op in operands.items() if _OUTPUT_PIN.match(pin)]
        if part.name == "Move":
            given = dict(inputs).get("in")
            for pin, op in outputs if given is not None else ():
                if not (_bits_int(given[2]) and _bits_int(op[2])):
                    self.pin_fits(part, pin, given, op[2], op)
            return
        if part.name not in _TYPED_BOXES:
            return
        if auto:
            src = self.auto_type(part, inputs)
        if src is None:
            return
        for pin, op in inputs:
            self.pin_fits(part, pin, op, src, op)
        if part.name in _COMPARES:
            return
        result = dest or src
        for pin, op in outputs:
            if auto and dest is None and isinstance(op[2], str) and all(assignable(i[2], op[2]) for _, i in inputs):
                continue  # Auto: a wider output operand widens the box (TIA picks the largest operand)
            self.pin_fits(part, pin, (None, None, result), op[2], op)

    def constant_type(self, node):
        """A constant operand's type. A named constant that is not declared is left untyped: it is reported
        nowhere else in LAD/FBD either (TIA's own check of names is the offline checker's blind spot here)."""
        if type(node) is not A.Name:
            return self.expr(node)
        v = (self.vars if node.scope == "local" else self.p.constants).get(node.name.lower())
        return v.type if v is not None else None

    def auto_type(self, part, inputs: list):
        """The type TIA picks for an Auto box from its inputs: the wider wins; None when an input is untyped."""
        result = None
        for pin, op in inputs:
            t = op[2]
            if not isinstance(t, str):
                return None
            if t == INT_LIT or t == BIT_LIT:
                continue
            c = t if result is None else common_type(result, t)
            if c == "!":
                self.pin_error(part, pin, t, result, op)
                return None
            result = c
        return result

    def call_pins(self, call, operands: dict) -> None:
        """A called FC/FB's pins: inputs into the parameter's type, outputs out of it, in/outs both ways."""
        for param in call.parameters:
            op = operands.get(param.name)
            if op is None or not isinstance(op[2], str):
                continue
            pt = type_from_text(param.type)
            if not isinstance(pt, str):
                continue
            if param.section == "Output":
                self.pin_fits(call, param.name, (None, None, pt), op[2], op)
            elif param.section == "InOut":
                if not (assignable(op[2], pt) and assignable(pt, op[2])):
                    self.pin_error(call, param.name, op[2], pt, op)
            elif param.section == "Input":
                self.pin_fits(call, param.name, op, pt, op)

    def pin_fits(self, part, pin: str, value: tuple, dst, shown: tuple) -> None:
        """``value`` (access, node, type) converts into ``dst`` at ``pin``; a constant must lie in its range."""
        vt = value[2]
        if vt == INT_LIT or vt == BIT_LIT:
            self.fit_literal(value[1], dst)
        elif not assignable(vt, dst):
            self.pin_error(part, pin, vt, dst, shown)

    def pin_error(self, part, pin: str, src, dst, op: tuple) -> None:
        self.err(None, "FLGNET_PIN_TYPE", src=display(src), dst=display(dst), pin=pin, part=part.name,
                 name=_access_text(op[0]))


def _bits_int(t) -> bool:
    return isinstance(t, str) and t in _BITS_INTS


def _access_expr(acc):
    if acc.constant is not None:
        return _constant_expr(acc)
    comps = acc.symbol
    scope = _SCOPES.get(acc.scope)
    if scope is None or not comps:
        return None
    node = A.Name(0, 0, comps[0].name, scope)
    if comps[0].access_modifier == "Array":
        node = A.Index(0, 0, node, [])
    for c in comps[1:]:
        node = A.Member(0, 0, node, c.name)
        if c.access_modifier == "Array":
            node = A.Index(0, 0, node, [])
    return node


def _constant_expr(acc):
    """A constant operand as an SCL expression: a named (local/user) constant by name, a literal as the SCL
    parser reads it (an untyped integer stays untyped, so its range is checked against the pin)."""
    const = acc.constant
    scope = _SCOPES.get(acc.scope)
    if const.name and scope is not None:
        return A.Name(0, 0, const.name, scope)
    if const.value is None:
        return None
    try:
        node = parse_expression(const.value.strip())
    except SclSyntaxError:
        return None
    return node if type(node) is A.Literal else None


def _access_text(acc) -> str:
    if acc is None:
        return "?"
    if acc.constant is not None:
        c = acc.constant
        return (("#" if acc.scope == "LocalConstant" else '"') + c.name + ("" if acc.scope == "LocalConstant" else '"')
                if c.name else (c.value or "?"))
    names = ".".join(c.name for c in acc.symbol or ())
    return ("#" + names) if acc.scope == "LocalVariable" else '"' + names + '"'
