"""A typed view of SCL ``StructuredText`` networks (notes §7).

:func:`from_xml` turns a StructuredText body (an :class:`~simatic_xml.xmlnode.XmlNode`) into a list of
typed items; :func:`to_xml` turns them back, exactly (same elements, attributes and UIds, attributes in
TIA's order; an empty text is written as no text, which is the same XML). Elements the typed view does
not know are kept as ``XmlNode`` items, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Union

from .errors import SchemaError
from .template_value import TemplateValue, template_value_from_xml, template_value_to_xml
from .xmlnode import XmlNode

__all__ = (
    "Access",
    "Blank",
    "CallInfo",
    "Component",
    "Constant",
    "Instance",
    "Instruction",
    "Label",
    "LineComment",
    "NamelessParameter",
    "NewLine",
    "Parameter",
    "StItem",
    "Symbol",
    "Text",
    "Token",
    "from_xml",
    "to_xml",
)


@dataclass(slots=True)
class Token:
    """Keyword, operator or punctuation: ``IF``, ``:=``, ``;``, ``.``"""

    text: str
    uid: str | None = None


@dataclass(slots=True)
class Blank:
    """``num`` spaces; ``explicit`` keeps a written ``Num="1"`` (V16–V18 style)."""

    num: int = 1
    uid: str | None = None
    explicit: bool = False


@dataclass(slots=True)
class NewLine:
    """``num`` line breaks; ``explicit`` keeps a written ``Num="1"``."""

    num: int = 1
    uid: str | None = None
    explicit: bool = False


@dataclass(slots=True)
class Text:
    """Free text (a REGION's name)."""

    text: str
    uid: str | None = None


@dataclass(slots=True)
class LineComment:
    """``// text``; ``attrs`` holds v3's Inserted/NoClosingBracket."""

    text: str
    uid: str | None = None
    text_uid: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Component:
    """One path element of an operand; ``index`` holds ``[``, the index items and ``]``."""

    name: str
    uid: str | None = None
    has_quotes: str | None = None
    """Text of the ``HasQuotes`` BooleanAttribute (``"true"``), None when absent."""
    quotes_uid: str | None = None
    index: list[StItem] = field(default_factory=list)


@dataclass(slots=True)
class Symbol:
    """Components joined by ``.`` tokens (and ``%X3`` slice tokens)."""

    parts: list[Component | Token] = field(default_factory=list)
    uid: str | None = None


@dataclass(slots=True)
class Constant:
    """A literal/typed ``value`` or a named constant (``name``)."""

    value: str | None = None
    name: str | None = None
    uid: str | None = None
    value_uid: str | None = None


@dataclass(slots=True)
class Parameter:
    """``Name := value`` inside a call; ``items`` starts after the name."""

    name: str
    items: list[StItem] = field(default_factory=list)
    uid: str | None = None


@dataclass(slots=True)
class NamelessParameter:
    """A positional call argument."""

    items: list[StItem] = field(default_factory=list)
    uid: str | None = None


@dataclass(slots=True)
class Instruction:
    """System instruction call (``WORD_TO_INT(…)``), or with no name the call through the preceding operand."""

    name: str | None = None
    items: list[StItem] = field(default_factory=list)
    uid: str | None = None


@dataclass(slots=True)
class Instance:
    """The instance DB or FC of a ``CallInfo``."""

    scope: str
    parts: list[Component | Token] = field(default_factory=list)
    uid: str | None = None


@dataclass(slots=True)
class CallInfo:
    """User block call (v4): block type, FB name, the instance, then ``(`` arguments ``)``."""

    block_type: str
    name: str | None = None
    instance: Instance | None = None
    items: list[StItem] = field(default_factory=list)
    uid: str | None = None


@dataclass(slots=True)
class Label:
    """A jump label (``M_1:`` when ``items`` holds the colon, or the target of ``GOTO``)."""

    name: str
    items: list[StItem] = field(default_factory=list)
    uid: str | None = None


@dataclass(slots=True)
class Access:
    """An operand: exactly one of ``symbol``, ``constant``, ``call`` (Instruction/CallInfo) or ``label``."""

    scope: str
    symbol: Symbol | None = None
    constant: Constant | None = None
    call: Instruction | CallInfo | None = None
    label: Label | None = None
    uid: str | None = None


StItem = Union[
    Token, Blank, NewLine, Text, LineComment, Access, Parameter, NamelessParameter, TemplateValue, Component, XmlNode
]


# ---------------------------------------------------------------- XML -> typed


def _uid(node: XmlNode) -> str | None:
    return node.attrs.get("UId")


def _only(node: XmlNode, allowed: tuple[str, ...]) -> bool:
    return all(key in allowed for key in node.attrs)


def from_xml(body: XmlNode) -> list[StItem]:
    """The typed items of a ``StructuredText`` body."""
    if body.tag != "StructuredText":
        raise SchemaError(f"not an SCL network: <{body.tag}>", "NetworkSource")
    return _items(body.children)


def _items(nodes: list[XmlNode]) -> list[StItem]:
    return [_item(n) for n in nodes]


def _parts(nodes: list[XmlNode]) -> list[Component | Token] | None:
    out: list[Component | Token] = []
    for node in nodes:
        item = _item(node)
        if not isinstance(item, (Component, Token)):
            return None
        out.append(item)
    return out


def _item(node: XmlNode) -> StItem:  # one branch per element kind
    tag, attrs, kids = node.tag, node.attrs, node.children
    if tag == "Token" and not kids and _only(node, ("Text", "UId")) and "Text" in attrs:
        return Token(attrs["Text"], _uid(node))
    if tag in ("Blank", "NewLine") and not kids and _only(node, ("Num", "UId")):
        num = attrs.get("Num")
        if num is None or (num.isdigit() and str(int(num)) == num):
            cls = Blank if tag == "Blank" else NewLine
            return cls(int(num or "1"), _uid(node), num == "1")
    if tag == "Text" and not kids and _only(node, ("UId",)):
        return Text(node.text or "", _uid(node))
    if tag == "LineComment" and len(kids) == 1 and kids[0].tag == "Text" and not kids[0].children \
            and _only(kids[0], ("UId",)):
        extra = {k: v for k, v in attrs.items() if k != "UId"}
        return LineComment(kids[0].text or "", _uid(node), _uid(kids[0]), extra)
    if tag == "Component" and _only(node, ("Name", "UId")) and "Name" in attrs:
        comp = Component(attrs["Name"], _uid(node))
        rest = kids
        if kids and kids[0].tag == "BooleanAttribute" and kids[0].attrs.get("Name") == "HasQuotes" \
                and not kids[0].children and _only(kids[0], ("Name", "UId")):
            comp.has_quotes = kids[0].text or ""
            comp.quotes_uid = _uid(kids[0])
            rest = kids[1:]
        if not any(k.tag == "BooleanAttribute" for k in rest):
            comp.index = _items(rest)
            return comp
    if tag == "Access" and _only(node, ("Scope", "UId")) and "Scope" in attrs and len(kids) == 1:
        access = _access(attrs["Scope"], kids[0], _uid(node))
        if access is not None:
            return access
    if tag == "Parameter" and _only(node, ("Name", "UId")) and "Name" in attrs:
        return Parameter(attrs["Name"], _items(kids), _uid(node))
    if tag == "NamelessParameter" and _only(node, ("UId",)):
        return NamelessParameter(_items(kids), _uid(node))
    if tag == "TemplateValue":
        return template_value_from_xml(node) or node
    return node  # kept generic


def _access(scope: str, inner: XmlNode, uid: str | None) -> Access | None:
    tag, attrs, kids = inner.tag, inner.attrs, inner.children
    if tag == "Symbol" and _only(inner, ("UId",)):
        parts = _parts(kids)
        if parts is not None:
            return Access(scope, symbol=Symbol(parts, _uid(inner)), uid=uid)
    elif tag == "Constant" and _only(inner, ("Name", "UId")):
        if "Name" in attrs and not kids:
            return Access(scope, constant=Constant(name=attrs["Name"], uid=_uid(inner)), uid=uid)
        if "Name" not in attrs and len(kids) == 1 and kids[0].tag == "ConstantValue" and not kids[0].children \
                and _only(kids[0], ("UId",)):
            const = Constant(value=kids[0].text or "", uid=_uid(inner), value_uid=_uid(kids[0]))
            return Access(scope, constant=const, uid=uid)
    elif tag == "Instruction" and _only(inner, ("Name", "UId")):
        return Access(scope, call=Instruction(attrs.get("Name"), _items(kids), _uid(inner)), uid=uid)
    elif tag == "CallInfo" and _only(inner, ("BlockType", "Name", "UId")) and "BlockType" in attrs \
            and kids and kids[0].tag == "Instance" and _only(kids[0], ("Scope", "UId")) and "Scope" in kids[0].attrs:
        parts = _parts(kids[0].children)
        if parts is not None:
            instance = Instance(kids[0].attrs["Scope"], parts, _uid(kids[0]))
            info = CallInfo(attrs["BlockType"], attrs.get("Name"), instance, _items(kids[1:]), _uid(inner))
            return Access(scope, call=info, uid=uid)
    elif tag == "Label" and _only(inner, ("Name", "UId")) and "Name" in attrs:
        return Access(scope, label=Label(attrs["Name"], _items(kids), _uid(inner)), uid=uid)
    return None


# ---------------------------------------------------------------- typed -> XML


def to_xml(items: list[StItem], namespace: str) -> XmlNode:
    """A ``StructuredText`` body in ``namespace`` (v3 or v4) from typed items."""
    return XmlNode("StructuredText", namespace, {}, _nodes(items, namespace))


def _with_uid(attrs: dict[str, str], uid: str | None) -> dict[str, str]:
    if uid is not None:
        attrs["UId"] = uid
    return attrs


def _nodes(items: Sequence[StItem], ns: str) -> list[XmlNode]:
    return [_node(item, ns) for item in items]


def _node(item: StItem, ns: str) -> XmlNode:  # one branch per item kind
    if isinstance(item, XmlNode):
        return item
    if isinstance(item, Token):
        return XmlNode("Token", ns, _with_uid({"Text": item.text}, item.uid))
    if isinstance(item, (Blank, NewLine)):
        attrs = {"Num": str(item.num)} if item.num != 1 or item.explicit else {}
        return XmlNode(type(item).__name__, ns, _with_uid(attrs, item.uid))
    if isinstance(item, Text):
        return XmlNode("Text", ns, _with_uid({}, item.uid), [], item.text or None)
    if isinstance(item, LineComment):
        text = XmlNode("Text", ns, _with_uid({}, item.text_uid), [], item.text or None)
        return XmlNode("LineComment", ns, _with_uid(dict(item.attrs), item.uid), [text])
    if isinstance(item, Component):
        kids = []
        if item.has_quotes is not None:
            kids.append(XmlNode("BooleanAttribute", ns, _with_uid({"Name": "HasQuotes"}, item.quotes_uid), [],
                                item.has_quotes or None))
        kids.extend(_nodes(item.index, ns))
        return XmlNode("Component", ns, _with_uid({"Name": item.name}, item.uid), kids)
    if isinstance(item, Access):
        return XmlNode("Access", ns, _with_uid({"Scope": item.scope}, item.uid), [_access_inner(item, ns)])
    if isinstance(item, Parameter):
        return XmlNode("Parameter", ns, _with_uid({"Name": item.name}, item.uid), _nodes(item.items, ns))
    if isinstance(item, NamelessParameter):
        return XmlNode("NamelessParameter", ns, _with_uid({}, item.uid), _nodes(item.items, ns))
    if isinstance(item, TemplateValue):
        return template_value_to_xml(item, ns)
    raise TypeError(f"not an SCL token item: {item!r}")


def _access_inner(item: Access, ns: str) -> XmlNode:
    if item.symbol is not None:
        return XmlNode("Symbol", ns, _with_uid({}, item.symbol.uid), _nodes(item.symbol.parts, ns))
    if item.constant is not None:
        const = item.constant
        if const.name is not None:
            return XmlNode("Constant", ns, _with_uid({"Name": const.name}, const.uid))
        value = XmlNode("ConstantValue", ns, _with_uid({}, const.value_uid), [], const.value or None)
        return XmlNode("Constant", ns, _with_uid({}, const.uid), [value])
    if isinstance(item.call, Instruction):
        attrs = {"Name": item.call.name} if item.call.name is not None else {}
        return XmlNode("Instruction", ns, _with_uid(attrs, item.call.uid), _nodes(item.call.items, ns))
    if isinstance(item.call, CallInfo):
        info = item.call
        attrs = _with_uid({}, info.uid)  # TIA writes UId first on CallInfo
        attrs["BlockType"] = info.block_type
        if info.name is not None:
            attrs["Name"] = info.name
        kids = []
        if info.instance is not None:
            inst = info.instance
            kids.append(XmlNode("Instance", ns, _with_uid({"Scope": inst.scope}, inst.uid), _nodes(inst.parts, ns)))
        return XmlNode("CallInfo", ns, attrs, kids + _nodes(info.items, ns))
    if item.label is not None:
        return XmlNode("Label", ns, _with_uid({"Name": item.label.name}, item.label.uid), _nodes(item.label.items, ns))
    raise TypeError(f"empty Access: {item!r}")
