"""A typed view of STL networks: ``StatementList`` > ``StlStatement`` (notes §8).

Each statement has a mnemonic (``StlToken Text``; blank lines are ``EMPTY_LINE``) and optionally an
operand (an ``Access`` as in LAD/FBD, typed through :mod:`simatic_xml.flgnet`) carrying the line's
comment. Only two STL networks exist in the corpus, so shapes beyond them are kept generic.
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
        if node.tag != "StlStatement" or not kids or kids[0].tag != "StlToken" or kids[0].children \
                or set(kids[0].attrs) != {"Text"} or any(k != "UId" for k in node.attrs):
            raise SchemaError(f"unexpected STL shape at <{node.tag}>", "StatementList")
        stmt = StlStatement(kids[0].attrs["Text"], node.attrs.get("UId"))
        rest = kids[1:]
        if rest and rest[0].tag == "Access":
            stmt.operand, stmt.comment, stmt.comment_attrs = _operand(rest[0])
            rest = rest[1:]
        stmt.extra = list(rest)
        out.append(stmt)
    return out


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
