"""The JSON form of a GRAPH sequence and its translation to a typed :class:`~simatic_xml.graph.GraphNet`.

::

    {"steps": [
        {"number": 1, "name": "Init", "init": true,
         "actions": [{"qualifier": "N", "text": "#Ready"},
                     {"qualifier": "S", "text": "#Motor"},
                     {"qualifier": "R", "event": "S1", "text": "#Fault"}],
         "maximumStepTime": "T#10S", "warningTime": "T#7S",
         "interlock": [LAD elements] | "#Operand",      # optional; default: no condition (always true)
         "supervision": [LAD elements] | "#Operand"},    # optional; default: none
        {"number": 2, "name": "Run", ...}],
     "transitions": [
        {"from": 1, "to": 2, "condition": "#StartCmd" | [LAD elements], "name": "T1"},
        {"from": 2, "to": 1, "condition": [{"contact": "#StopCmd"}]},    # back to an earlier step: a jump
        {"from": 3, "to": null, ...}]}                                     # sequence end
    }

Step and transition names follow the member-name rules (:mod:`.names`; the corpus has names with
blanks such as ``release system``) and are unique together and against the interface, because TIA
turns them into static members of the FB.

Rules (what :mod:`simatic_xml.graph` and the corpus show, kept to a single linear chain with jumps):
step numbers are unique positive integers, exactly one step has ``init: true``, each step has at most
one outgoing transition (alternative/simultaneous branches are not generated), each step is entered
by a direct link at most once, and transitions are numbered in list order from 1. A transition to the
step that directly follows its source in ``steps`` is a direct link; any other target is a jump.
Action qualifiers: N, S, R, D, L (D/L need ``"time": "T#5s"``; the text becomes ``operand, time``);
events: S1, S0, V1, V0, L1, L0, A1, R1. Action text is an operand or a simple assignment
(``#x := 5``); its ``#names`` must be declared.
"""

from __future__ import annotations

import re

from .. import flgnet, graph
from ..xmlnode import XmlNode
from .errors import SpecError
from .ladder import _lad_series, _Net
from .names import check_member_name
from .operands import Operands
from .spec_members import spec_object, unknown_keys

__all__ = ("build_graph",)

_QUALIFIERS = ("N", "S", "R", "D", "L")
_EVENTS = ("S1", "S0", "V1", "V0", "L1", "L0", "A1", "R1")
_STEP_KEYS = {"number", "name", "init", "actions", "maximumStepTime", "warningTime", "interlock", "supervision"}
_TRANSITION_KEYS = {"from", "to", "condition", "name"}
_ACTION_TOKEN = re.compile(
    r'\s+|#?(?:"[^"]*"|[^\W\d]\w*)(?:\.(?:"[^"]*"|[^\W\d]\w*)|\[\d+\])*(?:#\S+)?|:=|<>|>=|<=|[0-9][\w.#:+-]*|\S'
)
_LOCAL = re.compile(r'(?<![\w#])#(?:"([^"]+)"|([^\W\d]\w*))')


def _condition(cond: object, coil: str, ops: Operands, path: str) -> flgnet.FlgNet:
    """A LAD condition network ending in ``TrCoil``/``IlCoil``/``SvCoil``."""
    elements = [{"contact": cond}] if isinstance(cond, str) else cond
    if not isinstance(elements, list):
        raise SpecError(path, "a condition is an operand or a list of LAD elements")
    _only_logic(elements, path)
    net = _Net(ops, "LAD")
    end = _lad_series(net, elements, ("rail",), path, closing=False) if elements else ("rail",)
    if end is None:
        raise SpecError(path, "a condition cannot contain coils")
    _, uid = net.part(coil)
    net.connect(end, uid, "in")
    return flgnet.FlgNet(parts=[*net.accesses, *net.parts], wires=list(net.wires))


def _only_logic(elements: list[object], path: str) -> None:
    """Conditions hold contacts, compares, series and parallel only (no coils, boxes or calls)."""
    for i, element in enumerate(elements):
        epath = f"{path}[{i}]"
        if not isinstance(element, dict):
            continue  # reported by the LAD translation
        if "series" in element and isinstance(element["series"], list):
            _only_logic(element["series"], f"{epath}.series")
        elif "parallel" in element and isinstance(element["parallel"], list):
            for b, branch in enumerate(element["parallel"]):
                if isinstance(branch, list):
                    _only_logic(branch, f"{epath}.parallel[{b}]")
        elif any(k in element for k in ("coil", "set", "reset", "call")) or (
            "box" in element and not str(element["box"]).upper().startswith("CMP")
        ):
            raise SpecError(path, "a GRAPH condition holds contacts and compares only (no coils, boxes or calls)")


def _tokens(text: object, ops: Operands, path: str) -> list[str]:
    if not isinstance(text, str) or not text.strip() or "\n" in text:
        raise SpecError(path, "action text is one non-empty line")
    for m in _LOCAL.finditer(text):
        ops.check_local(m.group(1) or m.group(2), path)
    return [m.group() for m in _ACTION_TOKEN.finditer(text.strip())] + ["\n"]


def build_graph(body: object, ops: Operands, path: str) -> graph.GraphNet:
    """Translate a ``graph`` body; :class:`SpecError` names the field."""
    if not isinstance(body, dict):
        raise SpecError(path, "must be an object with steps and transitions")
    unknown_keys(body, ("steps", "transitions"), path)
    steps_raw, trans_raw = body.get("steps"), body.get("transitions", [])
    if not isinstance(steps_raw, list) or not steps_raw:
        raise SpecError(f"{path}.steps", "needs at least one step")
    if not isinstance(trans_raw, list):
        raise SpecError(f"{path}.transitions", "must be a list")
    steps: list[graph.Step] = []
    numbers: list[int] = []
    names: set[str] = set()
    for i, raw in enumerate(steps_raw):
        spath = f"{path}.steps[{i}]"
        raw = spec_object(raw, spath, "a step", _STEP_KEYS)
        number = raw.get("number", i + 1)
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 999:
            raise SpecError(f"{spath}.number", "step numbers are integers 1..999")
        if number in numbers:
            raise SpecError(f"{spath}.number", f"duplicate step number {number}")
        name = check_member_name(raw.get("name", f"Step{number}"), f"{spath}.name")
        if name.casefold() in names or ops.member(name) is not None:
            raise SpecError(f"{spath}.name",
                            f"{name} is already used (step and transition names become static members)")
        names.add(name.casefold())
        init = raw.get("init", False)
        if not isinstance(init, bool):
            raise SpecError(f"{spath}.init", "must be true or false")
        actions = []
        for a, action in enumerate(raw.get("actions", []) or []):
            apath = f"{spath}.actions[{a}]"
            action = spec_object(action, apath, "an action", ("qualifier", "event", "text", "time"))
            q = action.get("qualifier", "N")
            if q not in _QUALIFIERS:
                raise SpecError(f"{apath}.qualifier", f"use one of {', '.join(_QUALIFIERS)}")
            event = action.get("event")
            if event is not None and event not in _EVENTS:
                raise SpecError(f"{apath}.event", f"use one of {', '.join(_EVENTS)}")
            text = action.get("text")
            if q in ("D", "L"):
                time = action.get("time")
                if not isinstance(time, str) or not re.fullmatch(r"T#\w+", time, re.IGNORECASE):
                    raise SpecError(f"{apath}.time", f"qualifier {q} needs a time such as T#5s")
                text = f"{text}, {time}" if isinstance(text, str) else text
            elif "time" in action:
                raise SpecError(f"{apath}.time", "only D and L actions have a time")
            actions.append(graph.Action(q, event, _tokens(text, ops, f"{apath}.text")))
        actions.append(graph.Action())  # the editor's empty last line, present in every export
        times = {}
        for key, default in (("maximumStepTime", "T#10S"), ("warningTime", "T#7S")):
            value = raw.get(key, default)
            if not isinstance(value, str) or not re.fullmatch(r"T#\w+", value, re.IGNORECASE):
                raise SpecError(f"{spath}.{key}", "a time such as T#10S")
            times[key] = value
        interlock = _condition(raw.get("interlock", []), "IlCoil", ops, f"{spath}.interlock")
        supervision = _condition(raw.get("supervision", []), "SvCoil", ops, f"{spath}.supervision")
        numbers.append(number)
        steps.append(
            graph.Step(
                str(number), name, "true" if init else "false", times["maximumStepTime"], times["warningTime"],
                graph.Actions(actions), [graph.Condition("LAD", supervision)], [graph.Condition("LAD", interlock)],
            )
        )
    inits = [s for s in steps if s.init == "true"]
    if len(inits) != 1:
        raise SpecError(f"{path}.steps", "exactly one step must have init: true")

    transitions: list[graph.Transition] = []
    connections: list[graph.Connection] = []
    outgoing: dict[int, int] = {}
    entered: set[int] = set()
    links: list[tuple[int, int, int | None]] = []
    for t, raw in enumerate(trans_raw):
        tpath = f"{path}.transitions[{t}]"
        raw = spec_object(raw, tpath, "a transition", _TRANSITION_KEYS)
        src, dst = raw.get("from"), raw.get("to")
        if src not in numbers:
            raise SpecError(f"{tpath}.from", f"no step {src!r}")
        if dst is not None and dst not in numbers:
            raise SpecError(f"{tpath}.to", f"no step {dst!r}")
        if src in outgoing:
            raise SpecError(f"{tpath}.from",
                            f"step {src} already has transition {outgoing[src]} (alternative branches are not "
                            "generated)")
        number = t + 1
        outgoing[src] = number
        name = check_member_name(raw.get("name", f"Trans{number}"), f"{tpath}.name")
        if name.casefold() in names or ops.member(name) is not None:
            raise SpecError(f"{tpath}.name",
                            f"{name} is already used (step and transition names become static members)")
        names.add(name.casefold())
        if "condition" not in raw:
            raise SpecError(f"{tpath}.condition", "a transition needs a condition")
        net = _condition(raw["condition"], "TrCoil", ops, f"{tpath}.condition")
        transitions.append(graph.Transition(str(number), name, "LAD", "false", None, net))
        links.append((src, number, dst))
    for src, number, dst in links:
        connections.append(graph.Connection(graph.NodeRef("StepRef", str(src)),
                                            graph.NodeRef("TransitionRef", str(number)), "Direct"))
        if dst is None:
            target, link = graph.NodeRef("EndConnection"), "Direct"
        else:
            follows = numbers.index(dst) == numbers.index(src) + 1
            direct = follows and dst not in entered and dst != int(inits[0].number)
            if direct:
                entered.add(dst)
            target, link = graph.NodeRef("StepRef", str(dst)), "Direct" if direct else "Jump"
        connections.append(graph.Connection(graph.NodeRef("TransitionRef", str(number)), target, link))
    seq = graph.Sequence(steps, transitions, [], connections, title={}, comment={"en-US": ""})
    return graph.GraphNet(seq, _operation("PreOperations"), _operation("PostOperations"), None)


def _operation(tag: str) -> XmlNode:
    return XmlNode(tag, None, {}, [XmlNode("PermanentOperation", None, {"ProgrammingLanguage": "LAD"})])


def alarms_settings(ns: str) -> XmlNode:
    """The ``AlarmsSettings`` every corpus GRAPH export carries (V17, V18, V21), in namespace ``ns``."""
    cats = [XmlNode("AlarmSupervisionCategory", ns, {"Id": str(i), "DisplayClass": "0"}) for i in range(1, 9)]
    kids = [XmlNode("AlarmSupervisionCategories", ns, {}, cats)]
    for tag, ident in (
        ("AlarmInterlockCategory", "1"), ("AlarmSubcategory1Interlock", "0"), ("AlarmSubcategory2Interlock", "0"),
        ("AlarmCategorySupervision", "1"), ("AlarmSubcategory1Supervision", "0"), ("AlarmSubcategory2Supervision", "0"),
        ("AlarmWarningCategory", "2"), ("AlarmSubcategory1Warning", "0"), ("AlarmSubcategory2Warning", "0"),
    ):
        kids.append(XmlNode(tag, ns, {"Id": ident}))
    return XmlNode("AlarmsSettings", ns, {}, kids)


def set_namespace(node: XmlNode, ns: str) -> XmlNode:
    """Put a generic subtree into ``ns`` (pre/post operations are built namespace-less)."""
    node.ns = ns
    for child in node.children:
        set_namespace(child, ns)
    return node
