"""A typed view of GRAPH networks (notes §8): sequence, steps, transitions, branches, connections.

``Graph > PreOperations · Sequence (Title, Comment, Steps, Transitions, Branches, Connections) ·
PostOperations · AlarmsSettings``. Steps carry actions (raw text tokens), supervisions and interlocks;
transitions, supervisions and interlocks hold FlgNets, typed through :mod:`simatic_xml.flgnet`.
Pre/post operations and alarm settings stay generic ``XmlNode`` trees. :func:`from_xml` raises
:class:`SchemaError` for shapes it does not know (the stored body is always the generic tree, so
nothing is lost by that); :func:`to_xml` gives back the same elements, attributes in TIA's order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import flgnet
from .errors import SchemaError
from .xmlnode import XmlNode

__all__ = (
    "Action",
    "Actions",
    "Branch",
    "Condition",
    "Connection",
    "GraphNet",
    "NodeRef",
    "Sequence",
    "Step",
    "Transition",
    "from_xml",
    "to_xml",
)


@dataclass(slots=True)
class Action:
    """One action line: ``qualifier`` (N, S, R, D, …), optional ``event``, and its raw text tokens."""

    qualifier: str | None = None
    event: str | None = None
    tokens: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Actions:
    """A step's action table; ``title`` maps culture -> text (None when absent)."""

    actions: list[Action] = field(default_factory=list)
    title: dict[str, str] | None = None


@dataclass(slots=True)
class Condition:
    """A supervision or interlock: its language and the FlgNet (None when absent)."""

    programming_language: str
    net: flgnet.FlgNet | None = None


@dataclass(slots=True)
class Step:
    """A step; attributes are kept as text (``MaximumStepTime="T#10S"``)."""

    number: str
    name: str
    init: str = "false"
    maximum_step_time: str | None = None
    warning_time: str | None = None
    actions: Actions | None = None
    supervisions: list[Condition] | None = None
    interlocks: list[Condition] | None = None


@dataclass(slots=True)
class Transition:
    """A transition and its condition network."""

    number: str
    name: str
    programming_language: str = "LAD"
    is_missing: str = "false"
    comment: dict[str, str] | None = None
    net: flgnet.FlgNet | None = None


@dataclass(slots=True)
class Branch:
    """A simultaneous/alternative branch (``Type`` AltBegin, SimBegin, SimEnd, …)."""

    number: str
    type: str
    cardinality: str


@dataclass(slots=True)
class NodeRef:
    """One end of a connection: ``StepRef``/``TransitionRef``/``BranchRef``/``EndConnection``."""

    kind: str
    number: str | None = None
    in_: str | None = None
    out: str | None = None


@dataclass(slots=True)
class Connection:
    """``NodeFrom`` -> ``NodeTo`` with ``LinkType`` Direct or Jump."""

    source: NodeRef
    target: NodeRef
    link_type: str = "Direct"


@dataclass(slots=True)
class Sequence:
    """The sequence: titles/comments per culture and its four lists."""

    steps: list[Step] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    branches: list[Branch] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    title: dict[str, str] | None = None
    comment: dict[str, str] | None = None


@dataclass(slots=True)
class GraphNet:
    """A GRAPH network body."""

    sequence: Sequence = field(default_factory=Sequence)
    pre_operations: XmlNode | None = None
    post_operations: XmlNode | None = None
    alarms_settings: XmlNode | None = None


# ---------------------------------------------------------------- XML -> typed


def _fail(node: XmlNode, why: str = "") -> SchemaError:
    return SchemaError(f"unexpected GRAPH shape at <{node.tag}>{': ' + why if why else ''}", "Graph")


def _attrs(node: XmlNode, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> dict[str, str]:
    if any(key not in allowed for key in node.attrs) or any(key not in node.attrs for key in required):
        raise _fail(node, f"attributes {list(node.attrs)}")
    return node.attrs


def _texts(node: XmlNode) -> dict[str, str]:
    """``<Title>``/``<Comment>`` holding ``MultiLanguageText Lang=…`` items."""
    _attrs(node, ())
    out: dict[str, str] = {}
    for child in node.children:
        if child.tag != "MultiLanguageText" or child.children:
            raise _fail(child)
        out[_attrs(child, ("Lang",), ("Lang",))["Lang"]] = child.text or ""
    return out


def _ordered(node: XmlNode, order: tuple[str, ...]) -> dict[str, XmlNode]:
    """Children by tag, each at most once and in ``order``."""
    found: dict[str, XmlNode] = {}
    last = -1
    for child in node.children:
        if child.tag not in order or order.index(child.tag) <= last:
            raise _fail(child, f"expected one of {order} in that order")
        last = order.index(child.tag)
        found[child.tag] = child
    return found


def from_xml(body: XmlNode) -> GraphNet:
    """The typed view of a ``Graph`` body."""
    if body.tag != "Graph":
        raise SchemaError(f"not a GRAPH network: <{body.tag}>", "NetworkSource")
    parts = _ordered(body, ("PreOperations", "Sequence", "PostOperations", "AlarmsSettings"))
    if "Sequence" not in parts:
        raise _fail(body, "no Sequence")
    return GraphNet(
        sequence=_sequence(parts["Sequence"]),
        pre_operations=parts.get("PreOperations"),
        post_operations=parts.get("PostOperations"),
        alarms_settings=parts.get("AlarmsSettings"),
    )


def _sequence(node: XmlNode) -> Sequence:
    parts = _ordered(node, ("Title", "Comment", "Steps", "Transitions", "Branches", "Connections"))
    seq = Sequence(
        title=_texts(parts["Title"]) if "Title" in parts else None,
        comment=_texts(parts["Comment"]) if "Comment" in parts else None,
    )
    for name in ("Steps", "Transitions", "Branches", "Connections"):
        if name not in parts:
            raise _fail(node, f"no {name}")
    seq.steps = [_step(n) for n in parts["Steps"].children]
    seq.transitions = [_transition(n) for n in parts["Transitions"].children]
    for n in parts["Branches"].children:
        if n.tag != "Branch" or n.children:
            raise _fail(n)
        attrs = _attrs(n, ("Number", "Type", "Cardinality"), ("Number", "Type", "Cardinality"))
        seq.branches.append(Branch(attrs["Number"], attrs["Type"], attrs["Cardinality"]))
    seq.connections = [_connection(n) for n in parts["Connections"].children]
    return seq


def _net(node: XmlNode) -> flgnet.FlgNet | None:
    if not node.children:
        return None
    if len(node.children) != 1 or node.children[0].tag != "FlgNet":
        raise _fail(node, "expected one FlgNet")
    return flgnet.from_xml(node.children[0])


def _conditions(node: XmlNode, tag: str) -> list[Condition]:
    out = []
    for child in node.children:
        if child.tag != tag:
            raise _fail(child)
        attrs = _attrs(child, ("ProgrammingLanguage",), ("ProgrammingLanguage",))
        out.append(Condition(attrs["ProgrammingLanguage"], _net(child)))
    return out


def _step(node: XmlNode) -> Step:
    if node.tag != "Step":
        raise _fail(node)
    keys = ("Number", "Init", "Name", "MaximumStepTime", "WarningTime")
    attrs = _attrs(node, keys, ("Number", "Init", "Name"))
    step = Step(attrs["Number"], attrs["Name"], attrs["Init"], attrs.get("MaximumStepTime"), attrs.get("WarningTime"))
    parts = _ordered(node, ("Actions", "Supervisions", "Interlocks"))
    if "Actions" in parts:
        step.actions = _actions(parts["Actions"])
    if "Supervisions" in parts:
        step.supervisions = _conditions(parts["Supervisions"], "Supervision")
    if "Interlocks" in parts:
        step.interlocks = _conditions(parts["Interlocks"], "Interlock")
    return step


def _actions(node: XmlNode) -> Actions:
    _attrs(node, ())
    actions = Actions()
    for index, child in enumerate(node.children):
        if child.tag == "Title" and index == 0:
            actions.title = _texts(child)
            continue
        if child.tag != "Action":
            raise _fail(child)
        attrs = _attrs(child, ("Event", "Qualifier"))
        action = Action(attrs.get("Qualifier"), attrs.get("Event"))
        for token in child.children:
            if token.tag != "Token" or token.children:
                raise _fail(token)
            action.tokens.append(_attrs(token, ("Text",), ("Text",))["Text"])
        actions.actions.append(action)
    return actions


def _transition(node: XmlNode) -> Transition:
    if node.tag != "Transition":
        raise _fail(node)
    keys = ("IsMissing", "Name", "Number", "ProgrammingLanguage")
    attrs = _attrs(node, keys, keys)
    trans = Transition(attrs["Number"], attrs["Name"], attrs["ProgrammingLanguage"], attrs["IsMissing"])
    parts = _ordered(node, ("Comment", "FlgNet"))
    if "Comment" in parts:
        trans.comment = _texts(parts["Comment"])
    if "FlgNet" in parts:
        trans.net = flgnet.from_xml(parts["FlgNet"])
    return trans


def _node_ref(node: XmlNode) -> NodeRef:
    if len(node.children) != 1:
        raise _fail(node)
    ref = node.children[0]
    if ref.children or ref.tag not in ("StepRef", "TransitionRef", "BranchRef", "EndConnection"):
        raise _fail(ref)
    attrs = _attrs(ref, ("Number", "In", "Out"))
    return NodeRef(ref.tag, attrs.get("Number"), attrs.get("In"), attrs.get("Out"))


def _connection(node: XmlNode) -> Connection:
    if node.tag != "Connection":
        raise _fail(node)
    parts = _ordered(node, ("NodeFrom", "NodeTo", "LinkType"))
    if len(parts) != 3 or parts["LinkType"].children:
        raise _fail(node, "expected NodeFrom, NodeTo, LinkType")
    return Connection(_node_ref(parts["NodeFrom"]), _node_ref(parts["NodeTo"]), parts["LinkType"].text or "")


# ---------------------------------------------------------------- typed -> XML


def _opt(attrs: dict[str, str], key: str, value: str | None) -> dict[str, str]:
    if value is not None:
        attrs[key] = value
    return attrs


def to_xml(graph: GraphNet, namespace: str) -> XmlNode:
    """A ``Graph`` element in ``namespace``."""
    ns = namespace
    kids = []
    if graph.pre_operations is not None:
        kids.append(graph.pre_operations)
    kids.append(_sequence_node(graph.sequence, ns))
    if graph.post_operations is not None:
        kids.append(graph.post_operations)
    if graph.alarms_settings is not None:
        kids.append(graph.alarms_settings)
    return XmlNode("Graph", ns, {}, kids)


def _texts_node(tag: str, texts: dict[str, str], ns: str) -> XmlNode:
    return XmlNode(tag, ns, {},
                   [XmlNode("MultiLanguageText", ns, {"Lang": k}, [], v or None) for k, v in texts.items()])


def _holder(tag: str, attrs: dict[str, str], net: flgnet.FlgNet | None, ns: str) -> XmlNode:
    return XmlNode(tag, ns, attrs, [flgnet.to_xml(net, ns)] if net is not None else [])


def _sequence_node(seq: Sequence, ns: str) -> XmlNode:
    kids = []
    if seq.title is not None:
        kids.append(_texts_node("Title", seq.title, ns))
    if seq.comment is not None:
        kids.append(_texts_node("Comment", seq.comment, ns))
    kids.append(XmlNode("Steps", ns, {}, [_step_node(s, ns) for s in seq.steps]))
    transitions = []
    for t in seq.transitions:
        attrs = {"IsMissing": t.is_missing, "Name": t.name, "Number": t.number,
                 "ProgrammingLanguage": t.programming_language}
        node = XmlNode("Transition", ns, attrs)
        if t.comment is not None:
            node.children.append(_texts_node("Comment", t.comment, ns))
        if t.net is not None:
            node.children.append(flgnet.to_xml(t.net, ns))
        transitions.append(node)
    kids.append(XmlNode("Transitions", ns, {}, transitions))
    branches = [XmlNode("Branch", ns, {"Number": b.number, "Type": b.type, "Cardinality": b.cardinality})
                for b in seq.branches]
    kids.append(XmlNode("Branches", ns, {}, branches))
    connections = []
    for c in seq.connections:
        ends = [XmlNode(tag, ns, {}, [_ref_node(ref, ns)])
                for tag, ref in (("NodeFrom", c.source), ("NodeTo", c.target))]
        connections.append(XmlNode("Connection", ns, {}, [*ends, XmlNode("LinkType", ns, {}, [], c.link_type or None)]))
    kids.append(XmlNode("Connections", ns, {}, connections))
    return XmlNode("Sequence", ns, {}, kids)


def _ref_node(ref: NodeRef, ns: str) -> XmlNode:
    attrs = _opt({}, "Number", ref.number)
    _opt(attrs, "In", ref.in_)
    _opt(attrs, "Out", ref.out)
    return XmlNode(ref.kind, ns, attrs)


def _step_node(step: Step, ns: str) -> XmlNode:
    attrs = {"Number": step.number, "Init": step.init, "Name": step.name}
    _opt(attrs, "MaximumStepTime", step.maximum_step_time)
    _opt(attrs, "WarningTime", step.warning_time)
    node = XmlNode("Step", ns, attrs)
    if step.actions is not None:
        actions = []
        if step.actions.title is not None:
            actions.append(_texts_node("Title", step.actions.title, ns))
        for a in step.actions.actions:
            aattrs = _opt(_opt({}, "Event", a.event), "Qualifier", a.qualifier)
            actions.append(XmlNode("Action", ns, aattrs, [XmlNode("Token", ns, {"Text": t}) for t in a.tokens]))
        node.children.append(XmlNode("Actions", ns, {}, actions))
    for tag, conditions in (("Supervisions", step.supervisions), ("Interlocks", step.interlocks)):
        if conditions is not None:
            kind = tag[:-1]
            node.children.append(
                XmlNode(tag, ns, {},
                        [_holder(kind, {"ProgrammingLanguage": c.programming_language}, c.net, ns) for c in conditions])
            )
    return node
