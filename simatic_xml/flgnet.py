"""A typed view of LAD/FBD networks: ``FlgNet`` > ``Parts`` (Access, Part, Call) and ``Wires`` (notes §6).

:func:`from_xml` turns a FlgNet body (also the FlgNets inside GRAPH) into a :class:`FlgNet`;
:func:`to_xml` turns it back exactly, attributes in TIA's order. Anything the typed view does not
know (``Comment``/``Equation`` inside a Part, v5 ``Labels``, unexpected shapes) is kept as an
``XmlNode`` in the same place, so nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, TypeVar, Union

from .errors import SchemaError
from .template_value import TemplateValue, template_value_from_xml, template_value_to_xml
from .xmlnode import XmlNode

__all__ = (
    "AutomaticTyped",
    "Call",
    "CallParameter",
    "Component",
    "FlgAccess",
    "FlgConstant",
    "FlgNet",
    "IdentCon",
    "NameCon",
    "Negated",
    "OpenCon",
    "Part",
    "PartInstance",
    "Powerrail",
    "Wire",
    "access_from_xml",
    "access_to_xml",
    "from_xml",
    "to_xml",
)

_T = TypeVar("_T")


class _Untyped(Exception):
    """Raised inside the converters when a shape is not the typed one; the node is kept generic."""


@dataclass(slots=True)
class Component:
    """One path element; array indexes are nested accesses (``AccessModifier="Array"``).

    ``slice`` is a ``SliceAccessModifier`` (``x0`` bit, ``b1`` byte, ``w0`` word, ``d0`` double word: the SCL
    ``.%X0`` … ``.%D0``), ``simple`` a ``SimpleAccessModifier`` (``Periphery``: the SCL ``"tag":P``).
    ``order`` keeps the attribute order read (TIA writes one modifier at most; the round trip stays exact)."""

    name: str
    access_modifier: str | None = None
    index: list[FlgAccess] = field(default_factory=list)
    slice: str | None = None
    simple: str | None = None
    order: tuple[str, ...] = ()


@dataclass(slots=True)
class FlgConstant:
    """``ConstantType``/``ConstantValue`` of a literal or typed constant, or the ``name`` of a named one."""

    value: str | None = None
    type: str | None = None
    name: str | None = None


@dataclass(slots=True)
class FlgAccess:
    """An operand: a symbol (components), a constant, an absolute ``address`` (attributes in order), or the
    ``label`` a jump goes to (``Scope="Label"``, ``<Label Name=…/>``)."""

    scope: str
    uid: str | None = None
    symbol: list[Component] | None = None
    constant: FlgConstant | None = None
    address: dict[str, str] | None = None
    label: str | None = None
    line: int = field(default=0, init=False, compare=False, repr=False)
    """The line of the ``Access`` element in the document read (0: built); not part of its meaning."""


@dataclass(slots=True)
class Negated:
    """A negated pin."""

    name: str


@dataclass(slots=True)
class AutomaticTyped:
    """A pin whose type TIA chose automatically."""

    name: str


@dataclass(slots=True)
class PartInstance:
    """``<Instance Scope UId>`` of an FB-type instruction or call."""

    scope: str
    uid: str | None = None
    components: list[Component] = field(default_factory=list)


@dataclass(slots=True)
class Part:
    """An instruction box or contact/coil; ``items`` keeps its children in order."""

    name: str
    uid: str | None = None
    version: str | None = None
    disabled_eno: str | None = None
    items: list[TemplateValue | Negated | AutomaticTyped | PartInstance | XmlNode] = field(default_factory=list)
    line: int = field(default=0, init=False, compare=False, repr=False)
    """The line of the ``Part`` element in the document read (0: built); not part of its meaning."""


@dataclass(slots=True)
class CallParameter:
    """A pin of a called block as declared in ``CallInfo``."""

    name: str
    section: str
    type: str


@dataclass(slots=True)
class Call:
    """A call of a user FC/FB."""

    name: str
    block_type: str
    uid: str | None = None
    instance: PartInstance | None = None
    parameters: list[CallParameter] = field(default_factory=list)
    line: int = field(default=0, init=False, compare=False, repr=False)
    """The line of the ``Call`` element in the document read (0: built); not part of its meaning."""


@dataclass(slots=True)
class Powerrail:
    """The left power rail."""


@dataclass(slots=True)
class IdentCon:
    """Wire end at an operand (an Access UId)."""

    uid: str


@dataclass(slots=True)
class NameCon:
    """Wire end at pin ``name`` of a Part or Call."""

    uid: str
    name: str


@dataclass(slots=True)
class OpenCon:
    """An unconnected wire end (has its own UId)."""

    uid: str


Connection = Union[Powerrail, IdentCon, NameCon, OpenCon]


@dataclass(slots=True)
class Wire:
    """A wire and its endpoints, in order."""

    uid: str | None = None
    connections: list[Connection | XmlNode] = field(default_factory=list)
    line: int = field(default=0, init=False, compare=False, repr=False)
    """The line of the ``Wire`` element in the document read (0: built); not part of its meaning."""


@dataclass(slots=True)
class FlgNet:
    """A LAD/FBD network. ``head``/``tail`` hold generic elements before ``Parts``/after ``Wires``.

    ``parts``/``wires`` are None when the element is absent (empty FlgNets inside GRAPH)."""

    parts: list[FlgAccess | Part | Call | XmlNode] | None = field(default_factory=list)
    wires: list[Wire | XmlNode] | None = field(default_factory=list)
    head: list[XmlNode] = field(default_factory=list)
    tail: list[XmlNode] = field(default_factory=list)

    def labels(self) -> list[str]:
        """The jump labels this network declares (``<Labels><LabelDeclaration><Label Name=…/>``, kept in
        ``head``): the targets of Jump/JumpNot in other networks of the block."""
        return [name for name, _ in self.label_declarations()]

    def label_declarations(self) -> list[tuple[str, int]]:
        """(name, line of its ``<Label>``) of each jump label this network declares."""
        found: list[tuple[str, int]] = []
        for node in self.head:
            if node.tag != "Labels":
                continue
            for decl in node.children:
                found.extend((c.attrs["Name"], c.line) for c in decl.children
                             if c.tag == "Label" and "Name" in c.attrs)
        return found

    def by_uid(self, uid: str) -> FlgAccess | Part | Call | None:
        """The Access, Part or Call with this UId."""
        for part in self.parts or ():
            if not isinstance(part, XmlNode) and part.uid == uid:
                return part
        return None


# ---------------------------------------------------------------- XML -> typed


def _attrs(node: XmlNode, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, str]:
    if any(key not in node.attrs for key in required) or any(key not in required + optional for key in node.attrs):
        raise _Untyped
    return node.attrs


def _leaf(node: XmlNode) -> None:
    if node.children:
        raise _Untyped


def from_xml(body: XmlNode) -> FlgNet:
    """The typed view of a ``FlgNet`` element."""
    if body.tag != "FlgNet":
        raise SchemaError(f"not a LAD/FBD network: <{body.tag}>", "NetworkSource")
    net = FlgNet(parts=None, wires=None)
    for child in body.children:
        if child.tag == "Parts" and net.parts is None and net.wires is None and not net.tail and not child.attrs:
            net.parts = [_typed(_part_item, n) for n in child.children]
        elif child.tag == "Wires" and net.wires is None and not net.tail and not child.attrs:
            net.wires = [_typed(_wire, n) for n in child.children]
        elif net.parts is None and net.wires is None:
            net.head.append(child)
        else:
            net.tail.append(child)
    return net


def access_from_xml(node: XmlNode) -> FlgAccess | XmlNode:
    """One ``Access`` element as :class:`FlgAccess`, or the node itself if its shape is not typed."""
    return _typed(_access, node)


def access_to_xml(access: FlgAccess, namespace: str | None) -> XmlNode:
    """The ``Access`` element of a :class:`FlgAccess`."""
    return _access_node(access, namespace)


def _typed(convert: Callable[[XmlNode], _T], node: XmlNode) -> _T | XmlNode:
    try:
        return convert(node)
    except _Untyped:
        return node


def _part_item(node: XmlNode) -> FlgAccess | Part | Call:
    if node.tag == "Access":
        return _access(node)
    if node.tag == "Part":
        attrs = _attrs(node, ("Name",), ("UId", "Version", "DisabledENO"))
        part = Part(attrs["Name"], attrs.get("UId"), attrs.get("Version"), attrs.get("DisabledENO"))
        part.line = node.line
        part.items = [_typed(_part_child, c) for c in node.children]
        return part
    if node.tag == "Call":
        _attrs(node, (), ("UId",))
        if len(node.children) != 1 or node.children[0].tag != "CallInfo":
            raise _Untyped
        info = node.children[0]
        attrs = _attrs(info, ("Name", "BlockType"))
        call = Call(attrs["Name"], attrs["BlockType"], node.attrs.get("UId"))
        call.line = node.line
        for child in info.children:
            if child.tag == "Instance" and call.instance is None and not call.parameters:
                call.instance = _instance(child)
            elif child.tag == "Parameter":
                _leaf(child)
                pattrs = _attrs(child, ("Name", "Section", "Type"))
                call.parameters.append(CallParameter(pattrs["Name"], pattrs["Section"], pattrs["Type"]))
            else:
                raise _Untyped
        return call
    raise _Untyped


def _part_child(node: XmlNode) -> TemplateValue | Negated | AutomaticTyped | PartInstance:
    if node.tag == "TemplateValue":
        template_value = template_value_from_xml(node)
        if template_value is None:
            raise _Untyped
        return template_value
    if node.tag in ("Negated", "AutomaticTyped"):
        _leaf(node)
        attrs = _attrs(node, ("Name",))
        return Negated(attrs["Name"]) if node.tag == "Negated" else AutomaticTyped(attrs["Name"])
    if node.tag == "Instance":
        return _instance(node)
    raise _Untyped


def _instance(node: XmlNode) -> PartInstance:
    attrs = _attrs(node, ("Scope",), ("UId",))
    return PartInstance(attrs["Scope"], attrs.get("UId"), [_component(c) for c in node.children])


def _component(node: XmlNode) -> Component:
    if node.tag != "Component":
        raise _Untyped
    attrs = _attrs(node, ("Name",), ("AccessModifier", "SliceAccessModifier", "SimpleAccessModifier"))
    return Component(attrs["Name"], attrs.get("AccessModifier"), [_access(c) for c in node.children],
                     attrs.get("SliceAccessModifier"), attrs.get("SimpleAccessModifier"),
                     tuple(attrs) if len(attrs) > 2 else ())


def _access(node: XmlNode) -> FlgAccess:
    if node.tag != "Access":
        raise _Untyped
    attrs = _attrs(node, ("Scope",), ("UId",))
    access = FlgAccess(attrs["Scope"], attrs.get("UId"))
    access.line = node.line
    if len(node.children) != 1:
        raise _Untyped
    inner = node.children[0]
    if inner.tag == "Symbol" and not inner.attrs:
        access.symbol = [_component(c) for c in inner.children]
    elif inner.tag == "Constant":
        const = FlgConstant(name=_attrs(inner, (), ("Name",)).get("Name"))
        last = -1
        for child in inner.children:
            rank = {"ConstantType": 0, "ConstantValue": 1}.get(child.tag)
            if rank is None or rank <= last or child.children or child.attrs:
                raise _Untyped
            last = rank
            if rank == 0:
                const.type = child.text or ""
            else:
                const.value = child.text or ""
        access.constant = const
    elif inner.tag == "Address" and not inner.children:
        access.address = dict(inner.attrs)
    elif inner.tag == "Label" and not inner.children and list(inner.attrs) == ["Name"]:
        access.label = inner.attrs["Name"]
    else:
        raise _Untyped
    return access


def _wire(node: XmlNode) -> Wire:
    if node.tag != "Wire":
        raise _Untyped
    wire = Wire(_attrs(node, (), ("UId",)).get("UId"))
    wire.line = node.line
    wire.connections = [_typed(_connection, c) for c in node.children]
    return wire


def _connection(node: XmlNode) -> Connection:
    _leaf(node)
    if node.tag == "Powerrail":
        _attrs(node, ())
        return Powerrail()
    if node.tag in ("IdentCon", "OpenCon"):
        uid = _attrs(node, ("UId",))["UId"]
        return IdentCon(uid) if node.tag == "IdentCon" else OpenCon(uid)
    if node.tag == "NameCon":
        attrs = _attrs(node, ("UId", "Name"))
        return NameCon(attrs["UId"], attrs["Name"])
    raise _Untyped


# ---------------------------------------------------------------- typed -> XML


def _opt(attrs: dict[str, str], key: str, value: str | None) -> dict[str, str]:
    if value is not None:
        attrs[key] = value
    return attrs


def to_xml(net: FlgNet, namespace: str | None) -> XmlNode:
    """A ``FlgNet`` element in ``namespace`` (the FlgNet namespace, or the Graph one inside GRAPH)."""
    ns = namespace
    kids = list(net.head)
    if net.parts is not None:
        kids.append(XmlNode("Parts", ns, {}, [_part_node(p, ns) for p in net.parts]))
    if net.wires is not None:
        kids.append(XmlNode("Wires", ns, {}, [_wire_node(w, ns) for w in net.wires]))
    return XmlNode("FlgNet", ns, {}, kids + net.tail)


def _part_node(item: FlgAccess | Part | Call | XmlNode, ns: str | None) -> XmlNode:
    if isinstance(item, XmlNode):
        return item
    if isinstance(item, FlgAccess):
        return _access_node(item, ns)
    if isinstance(item, Part):
        attrs = {"Name": item.name}
        _opt(attrs, "Version", item.version)
        _opt(attrs, "UId", item.uid)
        _opt(attrs, "DisabledENO", item.disabled_eno)
        return XmlNode("Part", ns, attrs, [_part_child_node(c, ns) for c in item.items])
    if isinstance(item, Call):
        kids = [_instance_node(item.instance, ns)] if item.instance is not None else []
        kids += [XmlNode("Parameter", ns, {"Name": p.name, "Section": p.section, "Type": p.type})
                 for p in item.parameters]
        info = XmlNode("CallInfo", ns, {"Name": item.name, "BlockType": item.block_type}, kids)
        return XmlNode("Call", ns, _opt({}, "UId", item.uid), [info])
    raise TypeError(f"not a FlgNet part: {item!r}")


def _part_child_node(item: TemplateValue | Negated | AutomaticTyped | PartInstance | XmlNode,
                     ns: str | None) -> XmlNode:
    if isinstance(item, XmlNode):
        return item
    if isinstance(item, TemplateValue):
        return template_value_to_xml(item, ns)
    if isinstance(item, (Negated, AutomaticTyped)):
        return XmlNode(type(item).__name__, ns, {"Name": item.name})
    if isinstance(item, PartInstance):
        return _instance_node(item, ns)
    raise TypeError(f"not a Part child: {item!r}")


def _instance_node(inst: PartInstance, ns: str | None) -> XmlNode:
    attrs = _opt({"Scope": inst.scope}, "UId", inst.uid)
    return XmlNode("Instance", ns, attrs, [_component_node(c, ns) for c in inst.components])


_COMPONENT_ATTRS = ("Name", "AccessModifier", "SliceAccessModifier", "SimpleAccessModifier")


def _component_node(comp: Component, ns: str | None) -> XmlNode:
    values = dict(zip(_COMPONENT_ATTRS, (comp.name, comp.access_modifier, comp.slice, comp.simple)))
    keys = comp.order + tuple(k for k in _COMPONENT_ATTRS if k not in comp.order)
    attrs = {key: value for key in keys if (value := values.get(key)) is not None}
    return XmlNode("Component", ns, attrs, [_access_node(a, ns) for a in comp.index])


def _access_node(access: FlgAccess, ns: str | None) -> XmlNode:
    attrs = _opt({"Scope": access.scope}, "UId", access.uid)
    if access.symbol is not None:
        inner = XmlNode("Symbol", ns, {}, [_component_node(c, ns) for c in access.symbol])
    elif access.constant is not None:
        const = access.constant
        kids = []
        if const.type is not None:
            kids.append(XmlNode("ConstantType", ns, {}, [], const.type or None))
        if const.value is not None:
            kids.append(XmlNode("ConstantValue", ns, {}, [], const.value or None))
        inner = XmlNode("Constant", ns, _opt({}, "Name", const.name), kids)
    elif access.address is not None:
        inner = XmlNode("Address", ns, dict(access.address))
    elif access.label is not None:
        inner = XmlNode("Label", ns, {"Name": access.label})
    else:
        raise TypeError(f"empty FlgNet access: {access!r}")
    return XmlNode("Access", ns, attrs, [inner])


def _wire_node(wire: Wire | XmlNode, ns: str | None) -> XmlNode:
    if isinstance(wire, XmlNode):
        return wire
    kids = []
    for con in wire.connections:
        if isinstance(con, XmlNode):
            kids.append(con)
        elif isinstance(con, Powerrail):
            kids.append(XmlNode("Powerrail", ns))
        elif isinstance(con, NameCon):
            kids.append(XmlNode("NameCon", ns, {"UId": con.uid, "Name": con.name}))
        else:
            kids.append(XmlNode(type(con).__name__, ns, {"UId": con.uid}))
    return XmlNode("Wire", ns, _opt({}, "UId", wire.uid), kids)
