"""The operand forms of :mod:`simatic_xml.scl_parse` that no corpus export shows (issue 13): the I/O access
``"tag":P`` / ``%IW4:P``, absolute I/Q/M addresses, and data types labelling ``CASE TypeOf(...) OF``.

A mixin of ``scl_parse._Parser``: it relies on the parser's cursor (``lx``, ``i``, ``peek``, ``prev``), its
element factory ``el`` and ``error``, and on ``component``/``operand``/``significant``. The parser's
:class:`Lexeme` is defined here, below both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .absolute_addresses import InvalidAddressError, parse_absolute_address
from .errors import GenerationNotSupportedError, SclSyntaxError
from .scl.parse_expr import TYPE_TESTS
from .xmlnode import XmlNode

__all__ = ("SPACING", "TYPE_TESTS", "IoAndTypeLabels", "Lexeme")

SPACING = frozenset({"ws", "nl", "comment", "block"})
_ADDRESS_AREA = {"I": "Input", "Q": "Output", "M": "Memory"}


@dataclass(slots=True)
class Lexeme:
    """One lexeme of SCL text: its kind (``ws``, ``nl``, ``ident``, ``op``..., from a front-end token or the blanks
    between two), text and offset."""

    kind: str
    text: str
    pos: int


class IoAndTypeLabels:
    """I/O access, absolute addresses and TypeOf labels (see the module docstring)."""

    # The parser's state this part reads and sets (``scl_parse._Parser`` declares and sets them).
    lx: list[Lexeme]
    i: int
    prev: Lexeme | None
    cases: list[bool]
    type_label_list: bool
    type_test_end: int

    if TYPE_CHECKING:  # the parser's helpers this part calls (``scl_parse._Parser`` defines them)
        def peek(self, k: int = 0) -> Lexeme | None: ...

        def el(self, tag: str, attrs: dict[str, str] | None = None, children: list[XmlNode] | None = None,
               text: str | None = None) -> XmlNode: ...

        def error(self, lx: Lexeme | None, message: str,
                  kind: type[SclSyntaxError] = ...) -> SclSyntaxError: ...

        def significant(self, lx: Lexeme) -> None: ...

    def periphery_follows(self, lx: Lexeme) -> bool:
        """``"tag":P`` -- ``:P`` glued to the tag: its I/O access. Not right after ``OF``, where a glued
        ``"C":P := 1`` is a CASE label and a statement (the SCL parser reads it the same way)."""
        colon, letter = self.peek(), self.peek(1)
        if colon is None or letter is None or colon.kind != "op" or colon.text != ":" or letter.text not in ("P", "p"):
            return False
        if letter.kind != "ident" or colon.pos != lx.pos + len(lx.text) or letter.pos != colon.pos + 1:
            return False
        return not (self.prev is not None and self.prev.kind == "ident" and self.prev.text.upper() == "OF")

    def after_expression_operator(self) -> bool:
        """Inside an expression or a parameter list (after ``:=``, ``=>``, ``(``, ``,`` or an operator): a bare
        ``word:P`` there is an I/O access, never a jump label."""
        prev = self.prev
        return prev is not None and prev.kind == "op" and prev.text not in (";", ":", ")", "]")

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

    def next_significant(self, k: int = 0) -> Lexeme | None:
        while (lx := self.peek(k)) is not None and lx.kind in SPACING:
            k += 1
        return lx

    def at_type_label(self) -> bool:
        """The word just read (``self.i`` is past it) is a data type: compared with a type test
        (``TypeOf(#v) = Real``, ``Int <> TypeOfElements(#v)``), or labelling a branch of ``CASE TypeOf(...)``:
        in label position (after ``OF``, a statement's ``;``, ``END_REGION`` or a label list's ``,``) and
        followed by ``:`` or ``,``."""
        if self.compared_with_type_test():
            return True
        if not (self.cases and self.cases[-1]):
            return False
        prev = self.prev
        in_position = self.type_label_list or (prev is not None and (
            (prev.kind == "op" and prev.text == ";")
            or (prev.kind == "ident" and prev.text.upper() in ("OF", "END_REGION"))))
        after = self.next_significant()
        return in_position and after is not None and after.kind == "op" and after.text in (":", ",")

    def compared_with_type_test(self) -> bool:
        """``TypeOf(...) = word`` (the call's ``)`` at ``type_test_end``) or ``word <> TypeOf(...)``; the word is
        no type test itself (``TypeOf(#a) = TypeOf(#b)``)."""
        if self.lx[self.i - 1].text.upper() in TYPE_TESTS:
            return False
        k = self.i - 2
        while k >= 0 and self.lx[k].kind in SPACING:
            k -= 1
        if k >= 0 and self.lx[k].kind == "op" and self.lx[k].text in ("=", "<>"):
            k -= 1
            while k >= 0 and self.lx[k].kind in SPACING:
                k -= 1
            if k >= 0 and k == self.type_test_end:
                return True
        j = 0
        while (lx := self.peek(j)) is not None and lx.kind in SPACING:
            j += 1
        if lx is None or lx.kind != "op" or lx.text not in ("=", "<>"):
            return False
        j += 1
        while (lx := self.peek(j)) is not None and lx.kind in SPACING:
            j += 1
        call = self.peek(j + 1)
        return (lx is not None and lx.kind == "ident" and lx.text.upper() in TYPE_TESTS
                and call is not None and call.kind == "op" and call.text == "(")

    def type_label(self, lx: Lexeme) -> list[XmlNode]:
        """A data type as a CASE TypeOf label or compared with a type test. No TIA export in the corpus or the
        held-out set shows one (no StructuredText block with TypeOf at all), so the form is assumed: the type name
        as a plain ``Token``, as TIA writes the other words of the SCL grammar, followed by the ordinary
        ``:``/``,`` tokens. A jump label (``Access Scope="Label"``) or a tag (``GlobalVariable``) would be wrong:
        the label is a data type, not a jump target or an operand."""
        if self.cases and self.cases[-1] and not self.compared_with_type_test():
            after = self.next_significant()
            self.type_label_list = after is not None and after.text == ","
        self.significant(lx)
        return [self.el("Token", {"Text": lx.text})]
