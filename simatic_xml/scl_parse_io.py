"""The operand forms of :mod:`simatic_xml.scl_parse` that no corpus export shows (issue 13): the I/O access
``"tag":P`` / ``%IW4:P``, absolute I/Q/M addresses, and data types labelling ``CASE TypeOf(...) OF``; and
:class:`TreeFacts`, what the writer takes from the front end's syntax tree rather than guess from the tokens.

A mixin of ``scl_parse._Parser``: it relies on the parser's cursor (``lx``, ``i``, ``peek``, ``prev``), its
element factory ``el`` and ``error``, and on ``component``/``operand``/``significant``. The parser's
:class:`Lexeme` is defined here, below both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .absolute_addresses import InvalidAddressError, parse_absolute_address
from .errors import GenerationNotSupportedError, SclSyntaxError
from .scl import ast as A
from .xmlnode import XmlNode

__all__ = ("SPACING", "IoAndTypeLabels", "Lexeme", "TreeFacts", "tree_facts")

SPACING = frozenset({"ws", "nl", "comment", "block"})
_ADDRESS_AREA = {"I": "Input", "Q": "Output", "M": "Memory"}


@dataclass(slots=True)
class Lexeme:
    """One lexeme of SCL text: its kind (``ws``, ``nl``, ``ident``, ``op``..., from a front-end token or the blanks
    between two), text and offset."""

    kind: str
    text: str
    pos: int


@dataclass(frozen=True, slots=True)
class TreeFacts:
    """Where the front end's syntax tree puts a name that the tokens alone leave open, by text offset: a data type
    (``CASE TypeOf(#v) OF Real:``, ``TypeOf(#v) = Real``), a jump label (``Start:``, not a CASE label), the I/O
    access of a tag (``"tag":P``)."""

    type_labels: frozenset[int]
    jump_labels: frozenset[int]
    periphery: frozenset[int]


def tree_facts(text: str, statements: list[A.Stmt]) -> TreeFacts:
    """The :class:`TreeFacts` of a network's parsed ``statements`` (``text`` turns their line/column into offsets)."""
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    type_labels: set[int] = set()
    jump_labels: set[int] = set()
    periphery: set[int] = set()
    for statement in statements:
        for node in A.walk(statement):
            if isinstance(node, A.TypeLabel):
                type_labels.add(starts[node.line - 1] + node.col - 1)
            elif isinstance(node, A.Label):
                jump_labels.add(starts[node.line - 1] + node.col - 1)
            elif isinstance(node, A.Name) and node.periphery:
                periphery.add(starts[node.line - 1] + node.col - 1)
    return TreeFacts(frozenset(type_labels), frozenset(jump_labels), frozenset(periphery))


class IoAndTypeLabels:
    """I/O access, absolute addresses and TypeOf labels (see the module docstring)."""

    # The parser's state this part reads and sets (``scl_parse._Parser`` declares and sets them).
    lx: list[Lexeme]
    i: int
    prev: Lexeme | None
    facts: TreeFacts

    if TYPE_CHECKING:  # the parser's helpers this part calls (``scl_parse._Parser`` defines them)
        def peek(self, k: int = 0) -> Lexeme | None: ...

        def el(self, tag: str, attrs: dict[str, str] | None = None, children: list[XmlNode] | None = None,
               text: str | None = None) -> XmlNode: ...

        def error(self, lx: Lexeme | None, message: str,
                  kind: type[SclSyntaxError] = ...) -> SclSyntaxError: ...

        def significant(self, lx: Lexeme) -> None: ...

    def periphery_follows(self, lx: Lexeme) -> bool:
        """``"tag":P``: the front end read ``:P`` after this name as its I/O access (glued, not a CASE label)."""
        return lx.pos in self.facts.periphery

    def absolute_address(self, lx: Lexeme) -> XmlNode:
        """``%IW4``, ``%Q0.1``, ``%MD8``, ``%IW4:P``, ``%DB7.DBW2`` as ``Access Scope="Address"`` (the element the
        SCL reader ``scl_text._address_text`` reads), by the grammar of :mod:`simatic_xml.absolute_addresses`.

        A DB address is written as TIA exports ``%DB7.DBW2`` (War3sccs/Chemical-dosing-Siemens-S7-1200-
        energy_meter_read.xml): a ``Symbol`` of the block's ``Address Type="Raw" BlockNumber``, a ``.`` token and
        the member's ``Address``. No StructuredText export in the corpus holds an I/Q/M address, so Area/Type/
        BitOffset follow the Openness Address element as the DB ones show it; the I/O areas of ``:P`` are
        PeripheryInput/PeripheryOutput, the names the Access schema's Area_TE enumeration gives them
        (SW.PlcBlocks.Access v1-v5). An S5 timer or counter (``%T5``) or a whole data block (``%DB1``) is refused
        by name: no export shows how TIA writes one in StructuredText."""
        try:
            address = parse_absolute_address(lx.text)
        except InvalidAddressError as exc:
            raise self.error(lx, str(exc)) from None
        data_type = address.data_type
        if data_type is None:
            what = "an S5 timer or counter" if address.area in ("T", "C") else "a data block as a whole"
            raise self.error(lx, f"this generator cannot write {lx.text!r} ({what}): no TIA export shows how "
                                 "SimaticML holds it, so it cannot build this block; generate the block from the "
                                 "source in TIA (external source) instead", GenerationNotSupportedError)
        if address.area == "DB":
            block = self.el("Address", {"Area": "DB", "Type": "Raw", "BlockNumber": str(address.block)})
            member = self.el("Address", {"Area": "DB", "Type": data_type, "BitOffset": str(address.bit_offset)})
            symbol = self.el("Symbol", children=[block, self.el("Token", {"Text": "."}), member])
            return self.el("Access", {"Scope": "Address"}, [symbol])
        area = _ADDRESS_AREA[address.area]
        if address.periphery:
            area = "Periphery" + area
        attrs = {"Area": area, "Type": data_type, "BitOffset": str(address.bit_offset)}
        return self.el("Access", {"Scope": "Address"}, [self.el("Address", attrs)])

    def at_type_label(self, lx: Lexeme) -> bool:
        """The word ``lx`` is a data type: the front end read it as a CASE TypeOf label or compared with a type
        test (``TypeOf(#v) = Real``)."""
        return lx.pos in self.facts.type_labels

    def type_label(self, lx: Lexeme) -> list[XmlNode]:
        """A data type as a CASE TypeOf label or compared with a type test. No TIA export in the corpus or the
        held-out set shows one (no StructuredText block with TypeOf at all), so the form is assumed: the type name
        as a plain ``Token``, as TIA writes the other words of the SCL grammar, followed by the ordinary
        ``:``/``,`` tokens. A jump label (``Access Scope="Label"``) or a tag (``GlobalVariable``) would be wrong:
        the label is a data type, not a jump target or an operand."""
        self.significant(lx)
        return [self.el("Token", {"Text": lx.text})]
