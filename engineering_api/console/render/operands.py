"""Operands of LAD/FBD networks as TIA's editor shows them: ``"Motor".Start``, ``#count[#i]``, ``%M40.1``, ``T#2s``."""

from __future__ import annotations

from collections.abc import Mapping

from engineering_api.console.render.operand_wrap import CELL_CHARS, MAX_LINES, operand_lines
from engineering_api.rules.operand_text import LOCAL_SCOPES, access_text
from simatic_xml.flgnet import FlgAccess
from simatic_xml.xmlnode import XmlNode

__all__ = ("CELL_CHARS", "MAX_LINES", "Operand", "operand_lines", "operand_of")
# The cell and its line breaking live in operand_wrap; named here too, where the operand is drawn. Its text is made
# by engineering_api.rules.operand_text, which `simaticml textconv` shares without the console's web imports.


class Operand:
    """The text drawn at a pin: the operand, and the absolute address of a global tag when the project knows it."""

    __slots__ = ("address", "text")

    def __init__(self, text: str, address: str | None = None) -> None:
        self.text = text
        self.address = address


def operand_of(access: FlgAccess | XmlNode | None, addresses: Mapping[str, str] | None = None) -> Operand:
    """The operand text of an ``Access`` (``addresses``: global tag name -> ``%I0.0``)."""
    text = access_text(access)
    if not isinstance(access, FlgAccess) or not access.symbol or len(access.symbol) > 1 \
            or access.scope in LOCAL_SCOPES:
        return Operand(text)
    symbol = access.symbol
    return Operand(text, (addresses or {}).get(symbol[0].name))
