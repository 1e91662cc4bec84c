"""The StructuredText elements the SCL writer (:mod:`simatic_xml.scl_parse`) builds: :class:`StElements`, a factory
bound to a namespace and a network's spellings, with the forms no corpus export shows (issue 13): the I/O access of
a tag, absolute I/Q/M addresses and data types labelling ``CASE TypeOf(...) OF``. It reads no text and keeps no
position: what an element stands for comes from the front end's syntax tree, where it sits from the writer's walk.
"""

from __future__ import annotations

import re

from .absolute_addresses import InvalidAddressError, parse_absolute_address
from .errors import GenerationNotSupportedError, SclSyntaxError
from .scl_context import SclContext
from .xmlnode import XmlNode

__all__ = ("StElements", "position_error")

_ADDRESS_AREA = {"I": "Input", "Q": "Output", "M": "Memory"}


def position_error(text: str, pos: int, message: str,
                   kind: type[SclSyntaxError] = SclSyntaxError) -> SclSyntaxError:
    """``kind`` at the line and column of offset ``pos`` of ``text``."""
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return kind(message, line, column)


class StElements:
    """The elements of one StructuredText network (namespace ``ns``, spellings from ``ctx``)."""

    __slots__ = ("ctx", "ns")

    def __init__(self, ns: str, ctx: SclContext) -> None:
        self.ns = ns
        self.ctx = ctx

    def el(self, tag: str, attrs: dict[str, str] | None = None, children: list[XmlNode] | None = None,
           text: str | None = None) -> XmlNode:
        return XmlNode(tag, self.ns, attrs or {}, children or [], text)

    def token(self, text: str) -> XmlNode:
        """A keyword, operator or punctuation as TIA writes it: ``<Token Text=…/>``."""
        return XmlNode("Token", self.ns, {"Text": text})

    def num(self, tag: str, n: int) -> XmlNode:
        """``Blank``/``NewLine`` of ``n`` (``Num="1"`` written out in a network that does, V16-V18)."""
        return XmlNode(tag, self.ns, {"Num": str(n)} if n > 1 or self.ctx.explicit_num_one else {})

    def line_comment(self, text: str) -> XmlNode:
        """``// text`` (``text`` without the slashes); v3's Inserted/NoClosingBracket when the network has them."""
        return self.el("LineComment", dict(self.ctx.line_comment_attrs), [self.el("Text", text=text or None)])

    def block_comment(self, text: str) -> XmlNode:
        """``(* … *)`` / ``/* … */`` as a ``Comment`` element: its lines as ``Text``, line breaks as
        ``NewLine`` (``Num`` for several). No export in the shared corpus holds a block comment, so this
        shape is the StructuredText schema's ``Comment`` element as third-party readers of TIA exports
        render it (``<Comment><Text>…</Text></Comment>``), not a verified export."""
        inner = text[2:-2].replace("\t", " ")  # tabs become blanks, as everywhere in the token stream
        node = self.el("Comment")
        for piece in re.split(r"(\n+)", inner):
            if not piece:
                continue
            if piece.startswith("\n"):
                node.children.append(self.num("NewLine", len(piece)))
            else:
                node.children.append(self.el("Text", text=piece))
        return node

    def constant(self, scope: str, value: str) -> XmlNode:
        """A literal (``LiteralConstant``) or typed (``TypedConstant``) constant as written."""
        value_node = self.el("ConstantValue", text=value)
        return self.el("Access", {"Scope": scope}, [self.el("Constant", children=[value_node])])

    def named_constant(self, scope: str, name: str) -> XmlNode:
        """``LocalConstant``/``GlobalConstant``: ``<Constant Name=…/>``."""
        return self.el("Access", {"Scope": scope}, [self.el("Constant", {"Name": name})])

    def component(self, name: str, quoted: bool) -> XmlNode:
        # A name that needs quotes in text may still carry no HasQuotes flag in the tokens.
        quoted = quoted and name not in self.ctx.unflagged_names
        kids = [self.el("BooleanAttribute", {"Name": "HasQuotes"}, text="true")] if quoted else []
        return self.el("Component", {"Name": name}, kids)

    def periphery(self, name: str, quoted: bool) -> XmlNode:
        """``"tag":P``: TIA writes the I/O access as a modifier of the tag's component, as in LAD/FBD networks
        (psi-func/ikea_vyatka_sorting "Загрузка.xml": Component Name="K1-333U" SimpleAccessModifier="Periphery");
        no StructuredText export in the corpus shows it, so the same element is assumed."""
        component = self.component(name, quoted)
        component.attrs["SimpleAccessModifier"] = "Periphery"
        return self.el("Access", {"Scope": "GlobalVariable"}, [self.el("Symbol", children=[component])])

    def type_label(self, name: str) -> XmlNode:
        """A data type as a CASE TypeOf label or compared with a type test. No TIA export in the corpus or the
        held-out set shows one (no StructuredText block with TypeOf at all), so the form is assumed: the type name
        as a plain ``Token``, as TIA writes the other words of the SCL grammar, followed by the ordinary
        ``:``/``,`` tokens. A jump label (``Access Scope="Label"``) or a tag (``GlobalVariable``) would be wrong:
        the label is a data type, not a jump target or an operand."""
        return self.token(name)

    def absolute_address(self, address_text: str, text: str, pos: int) -> XmlNode:
        """``%IW4``, ``%Q0.1``, ``%MD8``, ``%IW4:P``, ``%DB7.DBW2`` (written at offset ``pos`` of ``text``) as
        ``Access Scope="Address"`` (the element the SCL reader ``scl_text._address_text`` reads), by the grammar of
        :mod:`simatic_xml.absolute_addresses`.

        A DB address is written as TIA exports ``%DB7.DBW2`` (War3sccs/Chemical-dosing-Siemens-S7-1200-
        energy_meter_read.xml): a ``Symbol`` of the block's ``Address Type="Raw" BlockNumber``, a ``.`` token and
        the member's ``Address``. No StructuredText export in the corpus holds an I/Q/M address, so Area/Type/
        BitOffset follow the Openness Address element as the DB ones show it; the I/O areas of ``:P`` are
        PeripheryInput/PeripheryOutput, the names the Access schema's Area_TE enumeration gives them
        (SW.PlcBlocks.Access v1-v5). An S5 timer or counter (``%T5``) or a whole data block (``%DB1``) is refused
        by name: no export shows how TIA writes one in StructuredText."""
        try:
            address = parse_absolute_address(address_text)
        except InvalidAddressError as exc:
            raise position_error(text, pos, str(exc)) from None
        data_type = address.data_type
        if data_type is None:
            what = "an S5 timer or counter" if address.area in ("T", "C") else "a data block as a whole"
            raise position_error(text, pos, f"this generator cannot write {address_text!r} ({what}): no TIA export "
                                            "shows how SimaticML holds it, so it cannot build this block; generate "
                                            "the block from the source in TIA (external source) instead",
                                 GenerationNotSupportedError)
        if address.area == "DB":
            block = self.el("Address", {"Area": "DB", "Type": "Raw", "BlockNumber": str(address.block)})
            member = self.el("Address", {"Area": "DB", "Type": data_type, "BitOffset": str(address.bit_offset)})
            symbol = self.el("Symbol", children=[block, self.token("."), member])
            return self.el("Access", {"Scope": "Address"}, [symbol])
        area = _ADDRESS_AREA[address.area]
        if address.periphery:
            area = "Periphery" + area
        attrs = {"Area": area, "Type": data_type, "BitOffset": str(address.bit_offset)}
        return self.el("Access", {"Scope": "Address"}, [self.el("Address", attrs)])
