"""Operands of LAD/FBD and STL networks as TIA's editor shows them (``"Motor".Start``, ``#count[#i]``, ``%M40.1``,
``T#2s``) and STL statements as its lines, with no web imports: the console draws them
(:mod:`engineering_api.console.render`) and ``simaticml textconv`` writes them for ``git diff``
(:mod:`engineering_api.ci.textconv`), in the checker's install too."""

from __future__ import annotations

import re
from collections.abc import Iterable

from engineering_api.rules.compiler.check_flgnet import address_text
from simatic_xml.flgnet import Component, FlgAccess
from simatic_xml.stl import StlStatement
from simatic_xml.xmlnode import XmlNode

__all__ = ("LOCAL_SCOPES", "access_text", "stl_text")

LOCAL_SCOPES = frozenset({"LocalVariable", "LocalConstant", "TypedConstant"})
"""The scopes whose operand TIA writes with ``#``."""
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _component(component: Component, quoted: bool = False) -> str:
    """One path element; TIA quotes a global's head and every name that is not a plain identifier
    (``#"Emergency stop"``, ``"DB_ALARM"."+KM1".LeakageR134a``)."""
    plain = _IDENTIFIER.fullmatch(component.name) is not None
    name = f'"{component.name}"' if quoted or not plain else component.name
    if component.index:
        name += "[" + ", ".join(access_text(index) for index in component.index) + "]"
    if component.slice:
        name += f".%{component.slice.upper()}"
    if component.simple == "Periphery":
        name += ":P"
    return name


def access_text(access: FlgAccess | XmlNode | None) -> str:
    """The operand text of an ``Access`` (``??`` for none, ``<Tag>`` for a shape the typed view does not know)."""
    if access is None:
        return "??"
    if isinstance(access, XmlNode):
        return f"<{access.tag}>"
    if access.constant is not None:
        constant = access.constant
        if constant.name:
            return "#" + constant.name if access.scope == "LocalConstant" else f'"{constant.name}"'
        return constant.value or "?"
    if access.label is not None:
        return access.label
    if access.address is not None:
        return address_text(access.address)
    components = access.symbol or []
    if not components:
        return "?"
    if access.scope in LOCAL_SCOPES:
        return "#" + ".".join(_component(c) for c in components)
    head, *rest = components
    return ".".join([_component(head, quoted=True), *(_component(c) for c in rest)])


def stl_text(statements: Iterable[StlStatement]) -> str:
    """STL statements as the editor shows them: instruction, operand, line comment."""
    lines = []
    for statement in statements:
        line = "" if statement.token == "EMPTY_LINE" else statement.token  # TIA's token for a blank line
        if statement.operand is not None:
            line += "   " + access_text(statement.operand)
        if statement.comment:
            line += ("   // " if line else "// ") + statement.comment
        lines.append(line)
    return "\n".join(lines)
