"""Operands of LAD/FBD networks as SCL expressions, and the types of those expressions.

A FlgNet ``Access`` becomes the expression the SCL parser would build for the same operand written
in SCL (``#x``, ``"DB".a[3]``, ``T#2s``, ``%MW10``), so the code generator sees no difference between
a LAD contact on ``#x`` and an SCL ``IF #x THEN``. Types come from the compiler's checker, which
already resolves locals, globals, instance DBs and members.
"""

from __future__ import annotations

import dataclasses
import re

from engineering_api.rules.compiler.checker import BlockChecker
from engineering_api.rules.compiler.types import BIT_LIT, INT_LIT, REAL_LIT, STR_LIT, canonical
from simatic_xml.flgnet import Component, FlgAccess, PartInstance, access_from_xml
from simatic_xml.scl import ast as A
from simatic_xml.scl.errors import SclSyntaxError
from simatic_xml.scl.parser import parse_expression
from simatic_xml.xmlnode import XmlNode

__all__ = ("FALSE", "TRUE", "TypeOracle", "Untranslatable", "access_expr", "and_", "bool_lit", "en_is", "instance_expr",
           "literal", "member", "not_", "or_")

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SLICE = re.compile(r"^([xbwdXBWD])(\d+)$")
_REAL_TYPES = frozenset(["REAL", "LREAL"])
# Address areas as SimaticML's Access schema enumerates them (Area_TE of SW.PlcBlocks.Access v1-v5:
# PeripheryInput/PeripheryOutput are the :P I/O accesses).
_AREA = {"Input": "I", "Output": "Q", "Memory": "M", "PeripheryInput": "I", "PeripheryOutput": "Q"}
_SIZE = {"BOOL": "X", "BYTE": "B", "SINT": "B", "USINT": "B", "CHAR": "B", "WORD": "W", "INT": "W",
         "UINT": "W", "DWORD": "D", "DINT": "D", "UDINT": "D", "REAL": "D", "TIME": "D", "LWORD": "L",
         "LINT": "L", "ULINT": "L", "LREAL": "L"}
# Literal pseudo types of the checker -> the type a temporary holding such a value gets.
_CONCRETE = {INT_LIT: "DINT", BIT_LIT: "INT", REAL_LIT: "LREAL", STR_LIT: "STRING"}


class Untranslatable(Exception):
    """Raised for a part (or operand) that has no SCL equivalent; the part becomes a placeholder."""


def bool_lit(value: bool) -> A.Literal:
    """``TRUE``/``FALSE`` as the SCL parser builds it."""
    return A.Literal(0, 0, "bool", value, "TRUE" if value else "FALSE")


# The rail's power and its absence, typed as any expression they stand in for.
TRUE: A.Expr = bool_lit(True)
FALSE: A.Expr = bool_lit(False)


def member(base: A.Expr, name: str) -> A.Member:
    """``base.name`` (quoted as ``base."name"`` when the name is not an identifier)."""
    return A.Member(0, 0, base, name, not _IDENT.match(name))


def _indexed(node: A.Expr, comp: Component) -> A.Expr | None:
    """``node[i, j]`` for an array component, then ``.%X3`` for a sliced one (``SliceAccessModifier="x3"``);
    None when an index or slice has no SCL equivalent."""
    if comp.access_modifier == "Array" and comp.index:
        indices = [access_expr(i) for i in comp.index]
        if any(i is None for i in indices):
            return None
        node = A.Index(0, 0, node, indices)
    if comp.slice is not None:
        piece = _SLICE.match(comp.slice)
        if piece is None:
            return None
        node = A.Slice(0, 0, node, piece.group(1).upper(), int(piece.group(2)))
    return node


def _path(root: A.Expr, components: list[Component]) -> A.Expr | None:
    """``root`` (the first component's name) with the components' indexes and members applied."""
    node = _indexed(root, components[0])
    for comp in components[1:]:
        if node is None:
            return None
        node = _indexed(member(node, comp.name), comp)
    return node


def access_expr(access: FlgAccess | XmlNode) -> A.Expr | None:
    """The SCL expression of an operand; None when the operand has no SCL equivalent (labels, timers…)."""
    if isinstance(access, XmlNode):
        return _sliced(access)
    scope = access.scope
    if access.symbol:
        kind = {"LocalVariable": "local", "GlobalVariable": "global"}.get(scope)
        if kind is None:
            return None
        return _path(A.Name(0, 0, access.symbol[0].name, kind), access.symbol)
    if access.constant is not None:
        return _constant(scope, access.constant)
    if access.address is not None:
        return _address(access.address)
    return None


def _sliced(node: XmlNode) -> A.Expr | None:
    """An operand the typed view keeps as XML because a component has a ``SliceAccessModifier``
    (``<Component Name="w" SliceAccessModifier="x3"/>`` is ``#w.%X3``)."""
    kind = {"LocalVariable": "local", "GlobalVariable": "global"}.get(node.attrs.get("Scope", ""))
    symbol = node.find("Symbol") if node.tag == "Access" else None
    if kind is None or symbol is None or not symbol.children:
        return None
    expr: A.Expr | None = None
    for comp in symbol.children:
        name = comp.attrs.get("Name")
        if comp.tag != "Component" or name is None:
            return None
        expr = A.Name(0, 0, name, kind) if expr is None else member(expr, name)
        if comp.attrs.get("AccessModifier") == "Array":
            indices = [access_expr(access_from_xml(c)) for c in comp.children if c.tag == "Access"]
            if not indices or any(i is None for i in indices):
                return None
            expr = A.Index(0, 0, expr, indices)
        piece = _SLICE.match(comp.attrs.get("SliceAccessModifier", ""))
        if piece is not None:
            expr = A.Slice(0, 0, expr, piece.group(1).upper(), int(piece.group(2)))
        elif "SliceAccessModifier" in comp.attrs:
            return None
    return expr


def instance_expr(instance: PartInstance | None) -> A.Expr | None:
    """The operand of an ``<Instance>``: ``"DB"`` (single instance) or ``#inst`` (multi-instance)."""
    if instance is None or not instance.components:
        return None
    kind = {"GlobalVariable": "global", "LocalVariable": "local"}.get(instance.scope)
    if kind is None:
        return None
    return _path(A.Name(0, 0, instance.components[0].name, kind), instance.components)


def _constant(scope: str, const) -> A.Expr | None:
    if scope == "GlobalConstant" and const.name:
        return A.Name(0, 0, const.name, "global")
    if scope == "LocalConstant" and const.name:
        return A.Name(0, 0, const.name, "local")
    if const.value is None:
        return None
    return literal(const.value, const.type)


def literal(text: str, type_name: str | None = None) -> A.Literal | None:
    """A constant as the SCL parser reads it; ``type_name`` is the ``ConstantType`` of a LiteralConstant.

    TIA writes an untyped literal's type apart from its value (``Real`` + ``1``): the value is made to
    fit that type, as the LAD editor displays it (``1.0``)."""
    text = text.strip()
    kind = canonical(type_name) if type_name else None
    if kind == "BOOL" and text.upper() in ("TRUE", "FALSE", "1", "0"):
        return bool_lit(text.upper() in ("TRUE", "1"))
    try:
        node = parse_expression(text)
    except SclSyntaxError:
        node = None
    if kind in ("STRING", "WSTRING", "CHAR", "WCHAR") and not isinstance(node, A.Literal):
        return A.Literal(0, 0, "string", text, "'" + text.replace("'", "$'") + "'")
    if isinstance(node, A.UnaryOp) and node.op == "-" and isinstance(node.operand, A.Literal):
        node = _negated_literal(node.operand)
    if not isinstance(node, A.Literal):
        return None
    node.line = node.col = 0
    if kind in _REAL_TYPES and node.kind == "int" and node.type_name is None and isinstance(node.value, int):
        return A.Literal(0, 0, "real", float(node.value), node.text + ".0")
    return node


def _negated_literal(lit: A.Literal) -> A.Literal:
    """``-T#5s`` and the like: the parser keeps a unary minus on typed literals; fold it."""
    if isinstance(lit.value, (int, float)) and not isinstance(lit.value, bool):
        return A.Literal(0, 0, lit.kind, -lit.value, "-" + lit.text, lit.type_name)
    return lit


def _address(attrs: dict[str, str]) -> A.Expr | None:
    """``<Address Area="Memory" Type="Word" BitOffset="80">`` -> ``%MW10``."""
    try:
        bit_offset = int(attrs.get("BitOffset", "0"))
    except ValueError:
        return None
    size = _SIZE.get(canonical(attrs.get("Type", "Bool")))
    byte, bit = divmod(bit_offset, 8)
    area = attrs.get("Area", "")
    if size is None:
        return None
    if area == "DB" and attrs.get("BlockNumber"):
        tail = f"{byte}.{bit}" if size == "X" else str(byte)
        return A.Address(0, 0, f"DB{attrs['BlockNumber']}.DB{size}{tail}")
    letter = _AREA.get(area)
    if letter is None:
        return None
    text = f"{letter}{byte}.{bit}" if size == "X" else f"{letter}{size}{byte}"
    return A.Address(0, 0, text + (":P" if area.startswith("Periphery") else ""))


class TypeOracle:
    """Types of operand expressions, as the compiler's checker resolves them (never reports anything).

    The checker records the blocks a block uses in ``BlockDef.uses``; it works on a copy of the block so
    that asking for types has no side effect on the program view."""

    def __init__(self, program, block) -> None:
        shadow = dataclasses.replace(block, uses=set())
        self._checker = BlockChecker(program, shadow, [])

    def type_of(self, expr: A.Expr | None):
        """The checker's type of ``expr``; literal pseudo types become the type a temporary would get."""
        if expr is None:
            return None
        try:
            t = self._checker.expr(expr)
        except Exception:  # an operand the checker cannot type is simply untyped
            return None
        finally:
            self._checker.out.clear()
        return _CONCRETE.get(t, t) if isinstance(t, str) else t


# -------------------------------------------------------------------- power flow (Bool expressions)


def en_is(e: A.Expr, value: bool) -> bool:
    return type(e) is A.Literal and e.kind == "bool" and e.value is value


def not_(e: A.Expr) -> A.Expr:
    if type(e) is A.Literal and e.kind == "bool":
        return bool_lit(not e.value)
    if type(e) is A.UnaryOp and e.op == "NOT":
        return e.operand
    return A.UnaryOp(0, 0, "NOT", e)


def _folded(op: str, identity: bool, a: A.Expr, b: A.Expr) -> A.Expr:
    """``a op b`` with a constant side folded away: the identity leaves the other side, the other constant wins."""
    if en_is(a, identity) or en_is(b, not identity):
        return b
    if en_is(b, identity) or en_is(a, not identity):
        return a
    return A.BinaryOp(0, 0, op, a, b)


def and_(a: A.Expr, b: A.Expr) -> A.Expr:
    """Series connection; a constant side folds away (the rail is TRUE)."""
    return _folded("AND", True, a, b)


def or_(a: A.Expr, b: A.Expr) -> A.Expr:
    """Parallel branches; a constant side folds away."""
    return _folded("OR", False, a, b)
