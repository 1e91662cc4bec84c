"""The compact JSON form of LAD and FBD networks, and its translation to a typed :class:`~simatic_xml.flgnet.FlgNet`.

A ``lad`` or ``fbd`` network body is a **list of rungs**; a rung is a **list of elements in series**
(left to right). Operands are written as in :mod:`simatic_xml.generate.operands` (``#Local``,
``"Global".x``, ``TRUE``, ``5``, ``T#5s``).

Logic elements:

* ``{"contact": "#Start"}`` — normally open; ``{"contact": "#Stop", "negated": true}`` — normally closed;
* ``{"series": [element, ...]}`` — AND;
* ``{"parallel": [[element, ...], [element, ...]]}`` — OR of branches (an empty branch is a bypass).

Output elements (end a rung, or pass power on in LAD):

* ``{"coil": "#Run"}``, ``{"coil": "#Fault", "negated": true}``, ``{"set": "#Latched"}``, ``{"reset": "#Latched"}``.
  In LAD a ``parallel`` whose branches all end in outputs may close a rung (several coils on one rung).

Boxes (the power flow / logic result enters the box's first Bool pin: ``IN`` for timers, ``en`` for others):

* timers ``{"box": "TON"|"TOF"|"TP", "instance": "#T1" | "\\"DB_T1\\"", "inputs": {"PT": "T#5s"}, "outputs": {"Q":
  "#Done", "ET": "#Elapsed"}}``; a ``#`` instance must be a Static member of type ``TON_TIME``/``TOF_TIME``/``TP_TIME``.
  ``Q`` flows on to the next element when there is one.
* compare ``{"box": "CMP>", "in1": "#Level", "in2": 50.0, "type": "Real"}`` with ``CMP==``, ``CMP<>``,
  ``CMP>``, ``CMP>=``, ``CMP<``, ``CMP<=``; ``type`` may be left out when in1 or in2 is a declared local
  or a literal. It is a logic element (its result flows on).
* ``{"box": "MOVE", "in": "#A", "out": "#B"}``; math ``{"box": "ADD"|"SUB"|"MUL"|"DIV", "in1": ..., "in2": ..., "out":
  ...}``.
* calls ``{"call": "FC_Scale", "blockType": "FC", "inputs": {"X": "#Raw"}, "outputs": {"Y": "#Value"}, "inOuts":
  {...}}`` and ``{"call": "FB_Motor", "blockType": "FB", "instance": "\\"DB_Motor\\"" | "#Motor1", ...}``. Each pin's
  data type is needed for the call interface: a value may be ``{"operand": "#x", "type": "Bool"}``; without ``type`` it
  is taken from the declared local or the literal.

Every open box output is wired to an ``OpenCon``, as TIA exports it. In FBD the logic is built from
``A``/``O`` boxes (a single contact feeds its target pin directly; ``negated`` becomes a negated pin).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal, Union

from .. import flgnet
from ..template_value import TemplateValue
from ..xmlnode import XmlNode
from .errors import SpecError
from .operands import Operand, Operands
from .spec_members import unknown_keys

__all__ = ("build_flgnet", "COMPARE_PARTS", "MATH_PARTS", "TIMER_TYPES")

COMPARE_PARTS = {"CMP==": "Eq", "CMP<>": "Ne", "CMP>": "Gt", "CMP>=": "Ge", "CMP<": "Lt", "CMP<=": "Le"}
MATH_PARTS = {"ADD": "Add", "SUB": "Sub", "MUL": "Mul", "DIV": "Div"}
TIMER_TYPES = {"TON": "TON_TIME", "TOF": "TOF_TIME", "TP": "TP_TIME"}
_OUTPUT_PARTS = {"coil": "Coil", "set": "SCoil", "reset": "RCoil"}
_ELEMENT_KEYS = ("contact", "coil", "set", "reset", "series", "parallel", "box", "call")

Rail = tuple[Literal["rail"]]
"""The left power rail (LAD)."""
PinEnd = tuple[str, str]
"""An output pin: (part UId, pin name)."""
AccessEnd = tuple[Literal["access"], str, bool]
"""An operand read as logic (FBD): ("access", access UId, negated)."""
Endpoint = Union[Rail, PinEnd, AccessEnd]
"""Where a signal comes from; the three kinds differ in length."""
PartItem = Union[TemplateValue, flgnet.Negated, flgnet.AutomaticTyped, flgnet.PartInstance, XmlNode]


@dataclass
class _Net:
    ops: Operands
    language: str
    accesses: list[flgnet.FlgAccess] = field(default_factory=list)
    parts: list[flgnet.Part | flgnet.Call] = field(default_factory=list)
    wires: list[flgnet.Wire] = field(default_factory=list)
    by_source: dict[tuple[str, ...], flgnet.Wire] = field(default_factory=dict)

    def access(self, op: Operand) -> str:
        self.accesses.append(op.access)
        return op.access.uid or ""

    def part(self, name: str, items: list[PartItem] | None = None, **attrs: str | None) -> tuple[flgnet.Part, str]:
        """A new part, and its UId."""
        uid = self.ops.uid()
        part = flgnet.Part(name, uid, items=items or [], **attrs)
        self.parts.append(part)
        return part, uid

    def connect(self, source: Endpoint, target_uid: str, pin: str) -> None:
        """Wire ``source`` to pin ``pin`` of part ``target_uid`` (fan-out merges into one wire)."""
        key = tuple(source[:2])
        if len(source) == 3:  # an access
            self.wires.append(flgnet.Wire(self.ops.uid(),
                                          [flgnet.IdentCon(source[1]), flgnet.NameCon(target_uid, pin)]))
            return
        wire = self.by_source.get(key)
        if wire is None:
            first = flgnet.Powerrail() if len(source) == 1 else flgnet.NameCon(source[0], source[1])
            wire = flgnet.Wire(self.ops.uid(), [first])
            self.by_source[key] = wire
            self.wires.append(wire)
        wire.connections.append(flgnet.NameCon(target_uid, pin))

    def operand_in(self, value: object, uid: str, pin: str, field: str) -> Operand:
        op = self.ops.resolve(value, field)
        self.wires.append(flgnet.Wire(self.ops.uid(), [flgnet.IdentCon(self.access(op)), flgnet.NameCon(uid, pin)]))
        return op

    def operand_out(self, value: object, uid: str, pin: str, field: str) -> Operand:
        op = self.ops.resolve(value, field)
        if op.access.scope not in ("LocalVariable", "GlobalVariable"):
            raise SpecError(field, f"{op.text} cannot be written (not a variable)")
        self.wires.append(flgnet.Wire(self.ops.uid(), [flgnet.NameCon(uid, pin), flgnet.IdentCon(self.access(op))]))
        return op

    def coil_operand(self, value: object, uid: str, field: str) -> Operand:
        """A coil's operand: written by the coil, but wired like an input (IdentCon -> operand), as TIA does."""
        op = self.ops.resolve(value, field)
        if op.access.scope not in ("LocalVariable", "GlobalVariable"):
            raise SpecError(field, f"{op.text} cannot be written (not a variable)")
        self.wires.append(flgnet.Wire(self.ops.uid(),
                                      [flgnet.IdentCon(self.access(op)), flgnet.NameCon(uid, "operand")]))
        return op

    def open_out(self, uid: str, pin: str) -> None:
        self.wires.append(flgnet.Wire(self.ops.uid(), [flgnet.NameCon(uid, pin), flgnet.OpenCon(self.ops.uid())]))

    def open_in(self, uid: str, pin: str) -> None:
        self.wires.append(flgnet.Wire(self.ops.uid(), [flgnet.OpenCon(self.ops.uid()), flgnet.NameCon(uid, pin)]))


def build_flgnet(rungs: object, language: str, ops: Operands, path: str) -> flgnet.FlgNet:
    """Translate a ``lad``/``fbd`` body; :class:`SpecError` names the element (``networks[0].lad[1][2].coil``)."""
    if not isinstance(rungs, list) or not rungs:
        raise SpecError(path, "must be a non-empty list of rungs")
    net = _Net(ops, language)
    for r, rung in enumerate(rungs):
        rpath = f"{path}[{r}]"
        if not isinstance(rung, list) or not rung:
            raise SpecError(rpath, "a rung must be a non-empty list of elements")
        if language == "LAD":
            end = _lad_series(net, rung, ("rail",), rpath, closing=True)
        else:
            end = _fbd_series(net, rung, None, rpath, closing=True)
        if end is not None:
            raise SpecError(f"{rpath}[{len(rung) - 1}]", "a rung must end with a coil, set, reset, box or call")
    return flgnet.FlgNet(parts=[*net.accesses, *net.parts], wires=list(net.wires))


def _kind(element: object, path: str) -> str:
    if not isinstance(element, dict):
        raise SpecError(path, "an element must be an object")
    kinds = [k for k in _ELEMENT_KEYS if k in element]
    if len(kinds) != 1:
        raise SpecError(path, f"an element needs exactly one of {', '.join(_ELEMENT_KEYS)}")
    allowed = _ALLOWED_KEYS.get(kinds[0])
    if allowed is not None:
        unknown_keys(element, allowed, path)
    return kinds[0]


_ALLOWED_KEYS = {
    "contact": {"contact", "negated"}, "coil": {"coil", "negated"}, "set": {"set"}, "reset": {"reset"},
    "series": {"series"}, "parallel": {"parallel"},
}


def _negated(element: dict[str, Any], path: str) -> bool:
    value = element.get("negated", False)
    if not isinstance(value, bool):
        raise SpecError(f"{path}.negated", "must be true or false")
    return value


def _check_bool(op: Operand, path: str) -> None:
    if op.datatype is not None and op.datatype != "Bool":
        raise SpecError(path, f"{op.text} is {op.datatype}, a contact or coil needs Bool")


# ---------------------------------------------------------------- LAD


def _lad_series(net: _Net, elements: list[object], source: Endpoint, path: str, closing: bool) -> Endpoint | None:
    current: Endpoint | None = source
    for i, element in enumerate(elements):
        epath = f"{path}[{i}]"
        if current is None:
            raise SpecError(epath, "nothing can follow an element that ends the rung")
        last = closing and i == len(elements) - 1
        current = _lad_element(net, element, current, epath, last)
    return current


def _lad_element(net: _Net, element: object, source: Endpoint, path: str, last: bool) -> Endpoint | None:
    kind = _kind(element, path)
    assert isinstance(element, dict)
    if kind == "contact":
        neg = _negated(element, path)
        _, uid = net.part("Contact", [flgnet.Negated("operand")] if neg else [])
        net.connect(source, uid, "in")
        _check_bool(net.operand_in(element["contact"], uid, "operand", f"{path}.contact"), f"{path}.contact")
        return (uid, "out")
    if kind in _OUTPUT_PARTS:
        neg = _negated(element, path)
        if neg and kind != "coil":
            raise SpecError(f"{path}.negated", "only a coil can be negated")
        _, uid = net.part(_OUTPUT_PARTS[kind], [flgnet.Negated("operand")] if neg else [])
        net.connect(source, uid, "in")
        _check_bool(net.coil_operand(element[kind], uid, f"{path}.{kind}"), f"{path}.{kind}")
        return None if last else (uid, "out")
    if kind == "series":
        items = element["series"]
        if not isinstance(items, list) or not items:
            raise SpecError(f"{path}.series", "must be a non-empty list")
        return _lad_series(net, items, source, f"{path}.series", closing=last)
    if kind == "parallel":
        branches = element["parallel"]
        if not isinstance(branches, list) or len(branches) < 2:
            raise SpecError(f"{path}.parallel", "needs at least two branches")
        ends: list[Endpoint | None] = []
        for b, branch in enumerate(branches):
            bpath = f"{path}.parallel[{b}]"
            if not isinstance(branch, list):
                raise SpecError(bpath, "a branch must be a list of elements")
            ends.append(_lad_series(net, branch, source, bpath, closing=last) if branch else source)
        if all(e is None for e in ends):
            return None
        if any(e is None for e in ends):
            raise SpecError(f"{path}.parallel", "either all branches end in outputs or none does")
        if last:
            raise SpecError(f"{path}.parallel", "a rung must end with a coil, set, reset, box or call")
        _, join = net.part("O", [TemplateValue("Card", "Cardinality", str(len(ends)))])
        for k, end in enumerate(ends, 1):
            if end is not None:  # none is (checked above)
                net.connect(end, join, f"in{k}")
        return (join, "out")
    if kind == "box":
        return _box(net, element, source, path, last)
    return _call(net, element, source, path, last)


# ---------------------------------------------------------------- FBD


def _fbd_series(net: _Net, elements: list[object], signal: Endpoint | None, path: str,
                closing: bool) -> Endpoint | None:
    """Collect logic inputs into an AND; outputs and boxes take the current logic result."""
    pending: list[Endpoint] = [signal] if signal is not None else []
    result: Endpoint | None = None
    for i, element in enumerate(elements):
        epath = f"{path}[{i}]"
        kind = _kind(element, epath)
        assert isinstance(element, dict)
        last = closing and i == len(elements) - 1
        if kind == "parallel" and _fbd_fanout(element, epath):
            logic = _fbd_and(net, pending, epath)
            if logic is None:
                raise SpecError(epath, "outputs need logic in front of them")
            if not last:
                raise SpecError(f"{path}[{i + 1}]", "nothing can follow parallel outputs")
            for b, branch in enumerate(element["parallel"]):
                signal = logic if b == 0 else _fbd_copy(net, logic)
                end = _fbd_series(net, branch, signal, f"{epath}.parallel[{b}]", closing=True)
                if end is not None:
                    raise SpecError(f"{epath}.parallel[{b}]", "each output branch must end with an output")
            return None
        if kind in ("contact", "series",
                    "parallel") or kind == "box" and str(element.get("box", "")).upper() in COMPARE_PARTS:
            pending.append(_fbd_logic(net, element, kind, epath))
            continue
        logic = _fbd_and(net, pending, epath)
        pending = []
        out = _fbd_output(net, element, kind, logic, epath, last)
        if out is not None:
            pending = [out]
        elif not last:
            raise SpecError(f"{path}[{i + 1}]", "nothing can follow an element that ends the rung")
    if pending:
        result = _fbd_and(net, pending, path)
        return result
    return None


def _fbd_fanout(element: dict[str, Any], path: str) -> bool:
    """A parallel whose branches start with outputs/boxes/calls fans one logic result out to them."""
    branches = element.get("parallel")
    if not isinstance(branches, list) or len(branches) < 2:
        return False
    firsts = [b[0] if isinstance(b, list) and b else None for b in branches]
    outputs = [
        isinstance(f, dict)
        and (any(k in f for k in ("coil", "set", "reset", "call")) or "box" in f
             and str(f["box"]).upper() not in COMPARE_PARTS)
        for f in firsts
    ]
    if any(outputs) and not all(outputs):
        raise SpecError(f"{path}.parallel",
                        "in FBD, either all branches start with outputs (fan-out) or none does (OR)")
    return all(outputs)


def _fbd_copy(net: _Net, signal: Endpoint) -> Endpoint:
    """A second use of a logic result: a box output fans out; an operand is read again."""
    if len(signal) != 3:  # not an access
        return signal
    original = next(a for a in net.accesses if a.uid == signal[1])
    clone = copy.deepcopy(original)
    clone.uid = net.ops.uid()
    net.accesses.append(clone)
    return ("access", clone.uid, signal[2])


def _fbd_logic(net: _Net, element: dict[str, Any], kind: str, path: str) -> Endpoint:
    if kind == "contact":
        op = net.ops.resolve(element["contact"], f"{path}.contact")
        _check_bool(op, f"{path}.contact")
        return ("access", net.access(op), _negated(element, path))
    if kind == "series":
        items = element["series"]
        if not isinstance(items, list) or not items:
            raise SpecError(f"{path}.series", "must be a non-empty list")
        end = _fbd_series(net, items, None, f"{path}.series", closing=False)
        if end is None:
            raise SpecError(f"{path}.series", "a series inside logic cannot end with an output")
        return end
    if kind == "parallel":
        branches = element["parallel"]
        if not isinstance(branches, list) or len(branches) < 2:
            raise SpecError(f"{path}.parallel", "needs at least two branches")
        ins: list[Endpoint] = []
        for b, branch in enumerate(branches):
            bpath = f"{path}.parallel[{b}]"
            if not isinstance(branch, list) or not branch:
                raise SpecError(bpath, "an FBD branch must be a non-empty list of logic elements")
            end = _fbd_series(net, branch, None, bpath, closing=False)
            if end is None:
                raise SpecError(bpath, "an FBD branch cannot end with an output")
            ins.append(end)
        return _fbd_gate(net, "O", ins)
    # compare box as logic
    return _compare(net, element, None, path)


def _fbd_and(net: _Net, signals: list[Endpoint], path: str) -> Endpoint | None:
    if not signals:
        return None
    if len(signals) == 1:
        return signals[0]
    return _fbd_gate(net, "A", signals)


def _fbd_gate(net: _Net, name: str, signals: list[Endpoint]) -> Endpoint:
    negs: list[PartItem] = [flgnet.Negated(f"in{k}") for k, s in enumerate(signals, 1) if len(s) == 3 and s[2]]
    _, gate = net.part(name, [*negs, TemplateValue("Card", "Cardinality", str(len(signals)))])
    for k, s in enumerate(signals, 1):
        net.connect(s, gate, f"in{k}")
    return (gate, "out")


def _feed(net: _Net, signal: Endpoint | None, part: flgnet.Part | flgnet.Call, uid: str, pin: str,
          path: str = "") -> None:
    """Connect a logic result to pin ``pin`` of ``part`` (UId ``uid``; negated contacts become negated pins); open
    when none."""
    if signal is None:
        net.open_in(uid, pin)
        return
    if len(signal) == 3 and signal[2]:  # a negated access
        if isinstance(part, flgnet.Call):
            raise SpecError(path,
                            "a negated contact cannot feed a call directly in FBD; add a second contact (A box) or "
                            "negate in the called block")
        part.items.insert(0, flgnet.Negated(pin))
    net.connect(signal, uid, pin)


def _fbd_output(net: _Net, element: dict[str, Any], kind: str, logic: Endpoint | None, path: str,
                last: bool) -> Endpoint | None:
    if kind in _OUTPUT_PARTS:
        if logic is None:
            raise SpecError(path, f"a {kind} needs logic in front of it")
        neg = _negated(element, path)
        if neg and kind != "coil":
            raise SpecError(f"{path}.negated", "only a coil can be negated")
        part, uid = net.part(_OUTPUT_PARTS[kind], [])
        _feed(net, logic, part, uid, "in")
        if neg:
            part.items.append(flgnet.Negated("operand"))
        _check_bool(net.coil_operand(element[kind], uid, f"{path}.{kind}"), f"{path}.{kind}")
        return None if last else (uid, "out")
    if kind == "box":
        return _box(net, element, logic, path, last)
    return _call(net, element, logic, path, last)


# ---------------------------------------------------------------- boxes


_BOX_KEYS = {"box", "instance", "inputs", "outputs", "in1", "in2", "in", "out", "type"}


def _flow(net: _Net, source: Endpoint | None, part: flgnet.Part | flgnet.Call, uid: str, pin: str,
          path: str = "") -> None:
    if net.language == "LAD":
        assert source is not None
        net.connect(source, uid, pin)
    else:
        _feed(net, source, part, uid, pin, path)


def _pins(element: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = element.get(key, {})
    if not isinstance(value, dict):
        raise SpecError(f"{path}.{key}", "must be an object of pin -> operand")
    return value


def _instance(net: _Net, element: dict[str, Any], path: str,
              missing: str) -> tuple[str, Operand, list[flgnet.Component]]:
    """The ``instance`` of a timer box or an FB call, a #multi-instance or a "DB", with its operand's symbol;
    ``missing`` says it is absent."""
    inst_text = element.get("instance")
    if not isinstance(inst_text, str):
        raise SpecError(f"{path}.instance", missing)
    inst_op = net.ops.resolve(inst_text, f"{path}.instance")
    if inst_op.access.scope not in ("LocalVariable", "GlobalVariable") or not inst_op.access.symbol:
        raise SpecError(f"{path}.instance", "must be a #multi-instance or a \"DB\"")
    return inst_text, inst_op, inst_op.access.symbol


def _box(net: _Net, element: dict[str, Any], source: Endpoint | None, path: str, last: bool) -> Endpoint | None:
    for key in element:
        if key not in _BOX_KEYS and key != "negated":
            raise SpecError(f"{path}.{key}", "unknown field")
    name = str(element.get("box", "")).upper()
    if name in COMPARE_PARTS:
        return _compare(net, element, source, path)
    if name in TIMER_TYPES:
        inst_text, inst_op, symbol = _instance(net, element, path,
                                               "a timer needs an instance (#Static member or \"DB\")")
        if inst_op.access.scope == "LocalVariable":
            section = net.ops.member(symbol[0].name)
            want = TIMER_TYPES[name]
            if section is None or section[1].datatype != want or section[0] not in ("Static", "InOut"):
                raise SpecError(f"{path}.instance", f"{inst_text} must be a Static or InOut member of type {want}")
        instance = flgnet.PartInstance(inst_op.access.scope, net.ops.uid(), list(symbol))
        part, uid = net.part(name, [instance, TemplateValue("time_type", "Type", "Time")], version="1.0")
        inputs, outputs = _pins(element, "inputs", path), _pins(element, "outputs", path)
        for pin in inputs:
            if pin != "PT":
                raise SpecError(f"{path}.inputs.{pin}", f"{name} inputs: PT (IN is the logic in front)")
        for pin in outputs:
            if pin not in ("Q", "ET"):
                raise SpecError(f"{path}.outputs.{pin}", f"{name} outputs: Q, ET")
        if "PT" not in inputs:
            raise SpecError(f"{path}.inputs.PT", "a timer needs its preset time PT")
        _flow(net, source, part, uid, "IN")
        net.operand_in(inputs["PT"], uid, "PT", f"{path}.inputs.PT")
        if not last and "Q" in outputs:
            raise SpecError(f"{path}.outputs.Q", "Q flows on to the next element; drop it or end the rung here")
        if "Q" in outputs:
            net.operand_out(outputs["Q"], uid, "Q", f"{path}.outputs.Q")
        elif last:
            net.open_out(uid, "Q")
        if "ET" in outputs:
            net.operand_out(outputs["ET"], uid, "ET", f"{path}.outputs.ET")
        else:
            net.open_out(uid, "ET")
        return None if last else (uid, "Q")
    if name == "MOVE" or name in MATH_PARTS:
        if name == "MOVE":
            part, uid = net.part("Move", [TemplateValue("Card", "Cardinality", "1")],
                                 disabled_eno="true" if last else "false")
            ins = [("in", "in")]
            out_pin = "out1"
        else:
            items: list[PartItem] = [TemplateValue("Card", "Cardinality", "2"), flgnet.AutomaticTyped("SrcType")]
            part, uid = net.part(MATH_PARTS[name], items, disabled_eno="true" if last else "false")
            ins = [("in1", "in1"), ("in2", "in2")]
            out_pin = "out"
        _flow(net, source, part, uid, "en")
        for key, pin in ins:
            if key not in element:
                raise SpecError(f"{path}.{key}", f"{name} needs {key}")
            net.operand_in(element[key], uid, pin, f"{path}.{key}")
        if "out" not in element:
            raise SpecError(f"{path}.out", f"{name} needs out")
        net.operand_out(element["out"], uid, out_pin, f"{path}.out")
        return None if last else (uid, "eno")
    raise SpecError(f"{path}.box",
                    f"unknown box {element.get('box')!r}; use TON, TOF, TP, MOVE, ADD, SUB, MUL, DIV or "
                    "CMP==/<>/>/>=/</<=")


def _compare(net: _Net, element: dict[str, Any], source: Endpoint | None, path: str) -> Endpoint:
    name = str(element.get("box", "")).upper()
    for key in ("in1", "in2"):
        if key not in element:
            raise SpecError(f"{path}.{key}", f"{name} needs {key}")
    op1 = net.ops.resolve(element["in1"], f"{path}.in1")
    op2 = net.ops.resolve(element["in2"], f"{path}.in2")
    dtype = element.get("type") or op1.datatype or op2.datatype
    if not isinstance(dtype, str):
        raise SpecError(f"{path}.type", "cannot infer the compare type; give \"type\"")
    # Accesses were created by resolve(); register them in operand order.
    _, uid = net.part(COMPARE_PARTS[name], [TemplateValue("SrcType", "Type", dtype)])
    if net.language == "LAD":
        assert source is not None
        net.connect(source, uid, "pre")
    for op, pin in ((op1, "in1"), (op2, "in2")):
        net.wires.append(flgnet.Wire(net.ops.uid(), [flgnet.IdentCon(net.access(op)), flgnet.NameCon(uid, pin)]))
    return (uid, "out")


_CALL_KEYS = {"call", "blockType", "instance", "inputs", "outputs", "inOuts"}


def _call(net: _Net, element: dict[str, Any], source: Endpoint | None, path: str, last: bool) -> Endpoint | None:
    unknown_keys(element, _CALL_KEYS, path)
    name = element.get("call")
    if not isinstance(name, str) or not name or '"' in name:
        raise SpecError(f"{path}.call", "the called block's name, without quotes")
    block_type = element.get("blockType", "FB" if "instance" in element else "FC")
    if block_type not in ("FB", "FC"):
        raise SpecError(f"{path}.blockType", "must be FB or FC")
    instance = None
    if block_type == "FB":
        inst_text, inst_op, symbol = _instance(net, element, path,
                                               "an FB call needs an instance (\"DB\" or #multi-instance)")
        if inst_op.access.scope == "LocalVariable" and inst_op.datatype not in (f'"{name}"', None):
            raise SpecError(f"{path}.instance", f"{inst_text} is not declared as \"{name}\"")
        instance = flgnet.PartInstance(inst_op.access.scope, net.ops.uid(), list(symbol))
    elif "instance" in element:
        raise SpecError(f"{path}.instance", "an FC call has no instance")
    uid = net.ops.uid()
    call = flgnet.Call(name, block_type, uid, instance, [])
    net.parts.append(call)
    _flow(net, source, call, uid, "en", path)
    for key, section in (("inputs", "Input"), ("inOuts", "InOut"), ("outputs", "Output")):
        for pin, value in _pins(element, key, path).items():
            ppath = f"{path}.{key}.{pin}"
            dtype = None
            if isinstance(value, dict):
                dtype = value.get("type")
                if "operand" not in value:
                    raise SpecError(ppath, "needs operand")
                value = value["operand"]
            if section == "Output":
                op = net.operand_out(value, uid, pin, ppath)
            else:
                op = net.operand_in(value, uid, pin, ppath)
            dtype = dtype or op.datatype
            if not isinstance(dtype, str):
                raise SpecError(ppath, "cannot infer the pin's data type; write {\"operand\": ..., \"type\": ...}")
            call.parameters.append(flgnet.CallParameter(pin, section, dtype))
    if last:
        return None
    return (uid, "eno")
