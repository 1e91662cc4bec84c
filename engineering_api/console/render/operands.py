"""Operands of LAD/FBD networks as TIA's editor shows them: ``"Motor".Start``, ``#count[#i]``, ``%M40.1``, ``T#2s``."""

from __future__ import annotations

import re
from collections.abc import Mapping

from engineering_api.console.render.operand_wrap import CELL_CHARS, MAX_LINES, operand_lines
from engineering_api.rules.compiler.check_flgnet import address_text
from simatic_xml.flgnet import Component, FlgAccess
from simatic_xml.xmlnode import XmlNode

__all__ = ("CELL_CHARS", "MAX_LINES", "Operand", "operand_lines", "operand_of")
# The cell and its line breaking live in operand_wrap; named here too, where the operand text is made.

_LOCAL = frozenset({"LocalVariable", "LocalConstant", "TypedConstant"})


class Operand:
    """The text drawn at a pin: the operand, and the absolute address of a global tag when the project knows it."""

    __slots__ = ("address", "text")

    def __init__(self, text: str, address: str | None = None) -> None:
        self.text = text
        self.address = address


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _component(component: Component, quoted: bool = False) -> str:
    """One path element; TIA quotes a global's head and every name that is not a plain identifier
    (``#"Emergency stop"``, ``"DB_ALARM"."+KM1".LeakageR134a``)."""
    plain = _IDENTIFIER.fullmatch(component.name) is not None
    name = f'"{component.name}"' if quoted or not plain else component.name
    if component.index:
        name += "[" + ", ".join(operand_of(index).text for index in component.index) + "]"
    if component.slice:
        name += f".%{component.slice.upper()}"
    if component.simple == "Periphery":
        name += ":P"
    return name


def operand_of(access: FlgAccess | XmlNode | None, addresses: Mapping[str, str] | None = None) -> Operand:
    """The operand text of an ``Access`` (``addresses``: global tag name -> ``%I0.0``)."""
    if access is None:
        return Operand("??")
    if isinstance(access, XmlNode):
        return Operand(f"<{access.tag}>")
    if access.constant is not None:
        constant = access.constant
        if constant.name:
            return Operand("#" + constant.name if access.scope == "LocalConstant" else f'"{constant.name}"')
        return Operand(constant.value or "?")
    if access.label is not None:
        return Operand(access.label)
    if access.address is not None:
        return Operand(address_text(access.address))
    components = access.symbol or []
    if not components:
        return Operand("?")
    if access.scope in _LOCAL:
        return Operand("#" + ".".join(_component(c) for c in components))
    head, *rest = components
    text = ".".join([_component(head, quoted=True), *(_component(c) for c in rest)])
    return Operand(text, (addresses or {}).get(head.name) if not rest else None)
