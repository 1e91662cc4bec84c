"""TIA's "monitor" mode for the console: which PLC tags a block page shows, and the power flow of LAD/FBD wires.

An FB's locals (``#StartDelay.ET``) are read through the instance DB the page monitors (``"Motor1_DB".StartDelay.ET``);
an FC's locals have no address outside a call and are not monitored. The flow of a wire is its source's signal
state: the power rail is on, a contact passes its input when its operand is TRUE (FALSE when negated), a coil
passes its input, AND/OR/XOR combine, a box's Boolean output is read from its instance; anything else is unknown
and drawn as it is offline.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from engineering_api.console.render.operands import operand_of
from simatic_xml.flgnet import FlgAccess, FlgNet, IdentCon, NameCon, Negated, Part, PartInstance, Powerrail, Wire
from simatic_xml.scl.errors import SclSyntaxError
from simatic_xml.scl.lexer import tokenize

__all__ = ("MonitorPlan", "call_outputs", "flow_states", "part_states", "plan_for", "scl_operands",
           "tag_name")

_CONTACTS = frozenset({"Contact", "PContact", "NContact"})
_PASS = frozenset({"Coil", "SCoil", "RCoil", "PCoil", "NCoil", "Assignment", "SetCoil", "ResetCoil"})


_IEC_OUTPUTS = {"TON": ("Q", "ET"), "TOF": ("Q", "ET"), "TP": ("Q", "ET"), "TONR": ("Q", "ET"), "CTU": ("Q", "CV"),
                "CTD": ("Q", "CV"), "CTUD": ("QU", "QD", "CV")}
"""The outputs TIA's monitor shows at a call of an IEC timer or counter (their instance types ``TON_TIME`` …)."""


def call_outputs(member_types: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """``#member`` -> the outputs shown at its call, for the block's IEC timer and counter instances."""
    out = {}
    for name, datatype in member_types.items():
        base = datatype.strip('"').upper().split("_")[0]
        if base in _IEC_OUTPUTS:
            out["#" + name] = _IEC_OUTPUTS[base]
    return out


def scl_operands(text: str, calls: Mapping[str, tuple[str, ...]] | None = None) -> dict[int, list[str]]:
    """Per line, the operands an SCL line reads or writes (``#a.b``, ``"Tag".x``), array elements left out; at a
    call of an instance in ``calls`` (``#StartDelay(...)``), that instance's outputs (``#StartDelay.ET``)."""
    try:
        tokens = tokenize(text)
    except SclSyntaxError:
        return {}
    found: dict[int, list[str]] = {}
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind in ("LOCAL", "QIDENT"):
            path, line = token.text, token.line
            index += 1
            while index + 1 < len(tokens) and tokens[index].kind == "." and tokens[index + 1].kind == "IDENT":
                path += "." + tokens[index + 1].text
                index += 2
            names = found.setdefault(line, [])
            if index < len(tokens) and tokens[index].kind in ("[", "("):
                if tokens[index].kind == "(":  # a call: not one value, but an instance's outputs are
                    names.extend(f"{path}.{o}" for o in (calls or {}).get(path, ()) if f"{path}.{o}" not in names)
                continue
            if path not in names:
                names.append(path)
            continue
        index += 1
    return found


def tag_name(operand: str, instance: str | None) -> str | None:
    """The PLC tag to read for an operand as the editor shows it, or None (an FC's local)."""
    if operand.startswith("#"):
        if not instance:
            return None
        return f'"{instance}".' + operand[1:]
    if operand.startswith('"'):
        return operand
    return None


@dataclass(slots=True)
class MonitorPlan:
    """What one block page monitors: the tag of each shown operand, and the networks whose flow is drawn."""

    tags: dict[str, str] = field(default_factory=dict)
    """Operand as shown -> tag read."""
    nets: dict[int, FlgNet] = field(default_factory=dict)


def _truth(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def flow_states(net: FlgNet, value_of: Callable[[str], object], instance: str | None = None) -> dict[str, bool]:
    """Wire UId -> signal state for the wires whose state is known."""
    parts = {p.uid: p for p in net.parts or () if isinstance(p, (FlgAccess, Part)) and p.uid}
    wires = [w for w in net.wires or () if isinstance(w, Wire)]
    feeds: dict[tuple[str, str], list[Wire]] = {}
    for wire in wires:
        for end in wire.connections[1:]:
            if isinstance(end, NameCon):
                feeds.setdefault((end.uid, end.name), []).append(wire)
    memo: dict[str, bool | None] = {}

    def pin_in(uid: str, pin: str, seen: frozenset[str]) -> bool | None:
        states = [wire_state(w, seen) for w in feeds.get((uid, pin), ())]
        return states[0] if states else None

    def operand(uid: str) -> bool | None:
        for wire in feeds.get((uid, "operand"), ()):
            source = wire.connections[0]
            if isinstance(source, IdentCon):
                access = parts.get(source.uid)
                if isinstance(access, FlgAccess):
                    return _truth(value_of(operand_of(access).text))
        return None

    def output(source: NameCon, seen: frozenset[str]) -> bool | None:
        part = parts.get(source.uid)
        if not isinstance(part, Part) or source.uid in seen:
            return None
        seen = seen | {source.uid}
        negated = {i.name for i in part.items if isinstance(i, Negated)}
        inputs = [n for (u, n) in feeds if u == source.uid and n not in ("operand", "en")]
        if part.name in _CONTACTS:
            flow, value = pin_in(source.uid, "in", seen), operand(source.uid)
            if part.name != "Contact" or flow is None or value is None:
                return None
            return flow and (not value if "operand" in negated else value)
        if part.name in _PASS:
            return pin_in(source.uid, "in", seen)
        if part.name in ("A", "O", "X"):
            values = [pin_in(source.uid, n, seen) for n in sorted(inputs)]
            values = [None if v is None else (not v if n in negated else v) for v, n in zip(values, sorted(inputs))]
            if None in values or not values:
                return None
            if part.name == "A":
                return all(values)
            return any(values) if part.name == "O" else sum(bool(v) for v in values) % 2 == 1
        box = next((i for i in part.items if isinstance(i, PartInstance)), None)
        if box is not None and box.components:
            path = ".".join(c.name for c in box.components)
            shown = ("#" + path) if box.scope.startswith("Local") else f'"{path}"'
            return _truth(value_of(f"{shown}.{source.name}"))
        return None

    def wire_state(wire: Wire, seen: frozenset[str] = frozenset()) -> bool | None:
        key = wire.uid or str(id(wire))
        if key in memo:
            return memo[key]
        source = wire.connections[0] if wire.connections else None
        state: bool | None = None
        if isinstance(source, Powerrail):
            state = True
        elif isinstance(source, IdentCon):
            access = parts.get(source.uid)
            state = _truth(value_of(operand_of(access).text)) if isinstance(access, FlgAccess) else None
        elif isinstance(source, NameCon):
            state = output(source, seen)
        memo[key] = state
        return state

    return {w.uid: s for w in wires if w.uid and (s := wire_state(w)) is not None}


_FLOW_OUT = ("out", "eno", "q")
"""The output whose signal state a part is drawn in: a contact's power flow out, a box's ENO (else its Q)."""


def part_states(net: FlgNet, wires: Mapping[str, bool]) -> dict[str, bool]:
    """Part UId -> the signal state TIA's monitor draws it in, from the states of its wires (:func:`flow_states`):
    a contact by whether it is closed (its operand's state, inverted when negated: TIA's program status draws a
    fulfilled element solid green and one not fulfilled dashed blue, and a contact is fulfilled when closed, as we
    read it; not checked against TIA), else by the flow it passes on; a box by the flow it passes on (its ``out``,
    ENO or Q); a coil by the flow into it."""
    states: dict[str, bool] = {}
    coils = {p.uid for p in net.parts or () if isinstance(p, Part) and p.name in _PASS and p.uid}
    negated = {p.uid for p in net.parts or () if isinstance(p, Part) and p.uid
               and any(isinstance(i, Negated) and i.name == "operand" for i in p.items)}
    closed: dict[str, bool] = {}
    for wire in net.wires or ():
        if not isinstance(wire, Wire) or not wire.uid or wire.uid not in wires:
            continue
        state = wires[wire.uid]
        source = wire.connections[0] if wire.connections else None
        if isinstance(source, NameCon) and source.name.lower() in _FLOW_OUT and source.uid not in coils:
            rank = _FLOW_OUT.index(source.name.lower())
            if rank == 0 or source.uid not in states:
                states[source.uid] = state
        for end in wire.connections[1:]:
            if isinstance(end, NameCon) and end.uid in coils and end.name == "in":
                states[end.uid] = state
            if isinstance(source, IdentCon) and isinstance(end, NameCon) and end.name == "operand":
                closed[end.uid] = state != (end.uid in negated)
    contacts = {p.uid for p in net.parts or () if isinstance(p, Part) and p.name in _CONTACTS and p.uid}
    states.update({uid: state for uid, state in closed.items() if uid in contacts})
    return states


def plan_for(nets: Mapping[int, FlgNet], scl: Mapping[int, str], instance: str | None,
             calls: Mapping[str, tuple[str, ...]] | None = None) -> MonitorPlan:
    """The tags a page monitors: every operand of its SCL lines and LAD/FBD networks that has an address."""
    plan = MonitorPlan(nets=dict(nets))
    for text in scl.values():
        for names in scl_operands(text, calls).values():
            for name in names:
                tag = tag_name(name, instance)
                if tag:
                    plan.tags[name] = tag
    for net in nets.values():
        for part in net.parts or ():
            if isinstance(part, FlgAccess) and part.symbol:
                shown = operand_of(part).text
                tag = tag_name(shown, instance)
                if tag:
                    plan.tags[shown] = tag
            if isinstance(part, Part):
                box = next((i for i in part.items if isinstance(i, PartInstance)), None)
                if box is not None and box.components:
                    path = ".".join(c.name for c in box.components)
                    shown = ("#" + path) if box.scope.startswith("Local") else f'"{path}"'
                    for pin in ("Q", "ET", "CV", "QU", "QD"):
                        tag = tag_name(f"{shown}.{pin}", instance)
                        if tag:
                            plan.tags[f"{shown}.{pin}"] = tag
    return plan
