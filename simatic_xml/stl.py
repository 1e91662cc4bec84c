"""A typed view of STL networks: ``StatementList`` > ``StlStatement`` (notes §8).

Each statement has a mnemonic (``StlToken Text``; blank lines are ``EMPTY_LINE``), optionally a jump label
declared on its line (``<LabelDeclaration><Label Name=…/></LabelDeclaration>`` before the token, as TIA's
``SW.PlcBlocks.STL`` schemas order a statement's children: comments, label declaration, token, comments, access)
and optionally an operand (an ``Access`` as in LAD/FBD, typed through :mod:`simatic_xml.flgnet`; a jump's operand
is ``Scope="Label"``) carrying the line's comment. Only two STL networks exist in the corpus, so shapes beyond them
are kept generic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import flgnet
from .errors import SchemaError
from .xmlnode import XmlNode

__all__ = ("StlStatement", "from_xml", "to_xml")


@dataclass(slots=True)
class StlStatement:
    """One STL line. ``operand`` is the typed Access (or a generic tree); ``comment`` its line comment."""

    token: str
    uid: str | None = None
    label: str | None = None
    """The jump label this line declares (``LABEL: A …`` in the editor)."""
    label_attrs: dict[str, str] = field(default_factory=dict)
    """The ``LabelDeclaration``'s attributes (its ``UId``), written back unchanged."""
    label_line: int | None = None
    """The file line of the ``LabelDeclaration``."""
    operand: flgnet.FlgAccess | XmlNode | None = None
    comment: str | None = None
    comment_attrs: dict[str, str] = field(default_factory=dict)
    extra: list[XmlNode] = field(default_factory=list)
    """Children after the token and operand that the typed view does not know."""


def from_xml(body: XmlNode) -> list[StlStatement]:
    """The statements of a ``StatementList`` body."""
    if body.tag != "StatementList":
        raise SchemaError(f"not an STL network: <{body.tag}>", "NetworkSource")
    out = []
    for node in body.children:
        kids = node.children
        declared = _label(kids[0]) if node.tag == "StlStatement" and kids else None
        if declared is not None:
            kids = kids[1:]
        if node.tag != "StlStatement" or not kids or kids[0].tag != "StlToken" or kids[0].children \
                or set(kids[0].attrs) != {"Text"} or any(k != "UId" for k in node.attrs):
            raise SchemaError(f"unexpected STL shape at <{node.tag}>", "StatementList")
        stmt = StlStatement(kids[0].attrs["Text"], node.attrs.get("UId"))
        if declared is not None:
            stmt.label, stmt.label_attrs, stmt.label_line = declared.children[0].attrs["Name"], dict(declared.attrs), \
                declared.line
        rest = kids[1:]
        if rest and rest[0].tag == "Access":
            stmt.operand, stmt.comment, stmt.comment_attrs = _operand(rest[0])
            rest = rest[1:]
        stmt.extra = list(rest)
        out.append(stmt)
    return out


def _label(node: XmlNode) -> XmlNode | None:
    """``node`` when it is a label declaration of the one shape read here (one ``<Label Name=…/>``)."""
    inner = node.children
    if node.tag == "LabelDeclaration" and len(inner) == 1 and inner[0].tag == "Label" \
            and list(inner[0].attrs) == ["Name"] and not inner[0].children:
        return node
    return None


def _operand(node: XmlNode) -> tuple[flgnet.FlgAccess | XmlNode, str | None, dict[str, str]]:
    kids = node.children
    comment = None
    attrs: dict[str, str] = {}
    last = kids[-1] if kids else None
    if last is not None and last.tag == "LineComment" and len(last.children) == 1 \
            and last.children[0].tag == "Text" and not last.children[0].children and not last.children[0].attrs:
        comment = last.children[0].text or ""
        attrs = dict(last.attrs)
        node = XmlNode(node.tag, node.ns, dict(node.attrs), kids[:-1], node.text, node.line)
    return flgnet.access_from_xml(node), comment, attrs


def to_xml(statements: list[StlStatement], namespace: str) -> XmlNode:
    """A ``StatementList`` element in ``namespace``."""
    ns = namespace
    nodes = []
    for stmt in statements:
        kids = [XmlNode("StlToken", ns, {"Text": stmt.token})]
        if stmt.label is not None:
            label = XmlNode("Label", ns, {"Name": stmt.label})
            kids.insert(0, XmlNode("LabelDeclaration", ns, dict(stmt.label_attrs), [label]))
        if stmt.operand is not None:
            if isinstance(stmt.operand, XmlNode):
                access = stmt.operand.copy()
            else:
                access = flgnet.access_to_xml(stmt.operand, ns)
            if stmt.comment is not None:
                text = XmlNode("Text", ns, {}, [], stmt.comment or None)
                access.children.append(XmlNode("LineComment", ns, dict(stmt.comment_attrs), [text]))
            kids.append(access)
        kids.extend(stmt.extra)
        attrs = {"UId": stmt.uid} if stmt.uid is not None else {}
        nodes.append(XmlNode("StlStatement", ns, attrs, kids))
    return XmlNode("StatementList", ns, {}, nodes)
