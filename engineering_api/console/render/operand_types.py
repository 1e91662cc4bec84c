"""The data types of a network's operands, for the type an ``Auto`` box resolves to (``ADD`` of two Int operands:
``Auto (Int)``): a block's locals from its interface, global tags from the PLC's tag tables. The type a box takes
from its inputs is the checker's rule (:func:`engineering_api.rules.compiler.types.common_type`), so the drawing
and the check agree."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from engineering_api.rules.compiler.types import ELEMENTARY, canonical, common_type, display
from simatic_xml.interface import Member

__all__ = ("auto_type", "local_types")

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _name(text: str) -> str:
    return text if _IDENTIFIER.fullmatch(text) else f'"{text}"'


def local_types(members: Iterable[Member], prefix: str = "#") -> dict[str, str]:
    """``#a``, ``#a.b`` … -> the declared type of each interface member (as the operands of a network write them)."""
    found: dict[str, str] = {}
    for member in members:
        path = prefix + _name(member.name)
        found[path] = member.datatype
        found.update(local_types(member.members, path + "."))
    return found


def auto_type(operands: Iterable[str], types: Mapping[str, str]) -> str | None:
    """The type an ``Auto`` box takes from the operands on its inputs: ``None`` unless every one has a known
    elementary type (a literal takes the others')."""
    result: str | None = None
    for operand in operands:
        declared = types.get(operand)
        if declared is None:
            if operand[:1] in "#\"%":
                return None  # an operand whose type is not known here
            continue  # a literal: typed by the others
        kind = canonical(declared.strip('"'))
        if kind not in ELEMENTARY:
            return None
        combined = kind if result is None else common_type(result, kind)
        if combined is None or combined == "!":
            return None
        result = combined
    return display(result) if result is not None else None
