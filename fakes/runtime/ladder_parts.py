"""Translators of the LAD/FBD parts: one small function per instruction family.

Each translator reads its inputs through the network translator ``t`` (which runs the parts that feed
them first), then emits its statements and gives its output pins their values. Pin names are the ones
TIA exports (``in``/``operand``/``out`` of contacts and coils, ``pre`` of compare boxes and P/N contacts,
``en``/``eno`` of boxes, the instruction's parameter names for timers, counters and calls).
"""

from __future__ import annotations

import re
from functools import reduce

from engineering_api.rules.compiler.builtins import SYSTEM_FBS
from engineering_api.rules.compiler.program import type_from_text
from engineering_api.rules.compiler.types import NamedT, canonical
from simatic_xml.flgnet import Call, Part, PartInstance
from simatic_xml.scl import ast as A
from simatic_xml.scl.errors import SclSyntaxError
from simatic_xml.scl.parser import parse_expression
from simatic_xml.template_value import TemplateValue
from simatic_xml.xmlnode import XmlNode

from .ladder_operands import FALSE, TRUE, Untranslatable, and_, instance_expr, member, not_, or_

__all__ = ("SCL_FUNCTION", "TRANSLATORS", "translate")

_COMPARE = {"Eq": "=", "Ne": "<>", "Gt": ">", "Ge": ">=", "Lt": "<", "Le": "<="}
_ARITH = {"Add": "+", "Sub": "-", "Mul": "*", "Div": "/", "Mod": "MOD"}
_IEC = frozenset(["TON", "TOF", "TP", "TONR", "CTU", "CTD", "CTUD"])
_RETURN_PINS = frozenset(["out", "Ret_Val", "RET_VAL"])
"""A box's function value: ``out`` of the LAD boxes (lower case; ``OUT`` of MOVE_BLK is a parameter), ``Ret_Val``."""
SCL_FUNCTION = {"Normalize": "NORM_X", "Scale_X": "SCALE_X", "Sqr": "SQR", "Sqrt": "SQRT", "Round": "ROUND",
                "Trunc": "TRUNC", "Ceil": "CEIL", "Floor": "FLOOR", "Abs": "ABS", "Min": "MIN", "Max": "MAX",
                "Limit": "LIMIT", "Sel": "SEL", "Mux": "MUX", "Shl": "SHL", "Shr": "SHR", "Rol": "ROL",
                "Ror": "ROR", "Exp": "EXP", "Ln": "LN", "Sin": "SIN", "Cos": "COS", "Tan": "TAN", "Asin": "ASIN",
                "Acos": "ACOS", "Atan": "ATAN", "Frac": "FRAC", "Expt": "EXPT", "Swap": "SWAP"}
"""LAD/FBD box names whose SCL function is spelled differently (others are their name upper-cased)."""
_INPUT_NUMBER = re.compile(r"^in(\d+)$", re.IGNORECASE)


def translate(t, part) -> None:
    """Translate one part; raises :class:`Untranslatable` for what has no SCL equivalent."""
    if isinstance(part, XmlNode):
        raise Untranslatable(f"untyped part <{part.tag}>")
    if isinstance(part, Call):
        return user_call(t, part)
    handler = TRANSLATORS.get(part.name)
    if handler is not None:
        return handler(t, part)
    if _instance(part) is not None:
        return instance_box(t, part)
    if "en" in t.wiring.pins.get(part.uid, ()):
        return function_box(t, part)
    raise Untranslatable(f"instruction {part.name}")


# -------------------------------------------------------------------- helpers


def _template(part: Part, name: str) -> str | None:
    for item in part.items:
        if isinstance(item, TemplateValue) and item.name == name:
            return item.value
    return None


def _instance(part: Part) -> PartInstance | None:
    return next((i for i in part.items if isinstance(i, PartInstance)), None)


def _numbered(t, part: Part, prefix: str) -> list[str]:
    """``in1``…``inN`` (or ``out1``…): the Card template value, else the numbered pins that are wired."""
    card = _template(part, "Card")
    if card is not None and card.isdigit():
        return [f"{prefix}{i}" for i in range(1, int(card) + 1)]
    pins = [p for p in t.wiring.pins.get(part.uid, ()) if p.startswith(prefix) and p[len(prefix):].isdigit()]
    return sorted(pins, key=lambda p: int(p[len(prefix):]))


def _box_type(t, part: Part, values: list):
    """The data type of a box's result: its SrcType/DestType, else the type of its first typed input."""
    for name in ("DestType", "SrcType"):
        text = _template(part, name)
        if text:
            return canonical(text)
    for value in values:
        typ = t.types.type_of(value)
        if typ is not None:
            return typ
    return None


def _fold(op: str, values: list[A.Expr]) -> A.Expr:
    result = values[0]
    for value in values[1:]:
        result = A.BinaryOp(0, 0, op, result, value)
    return result


# -------------------------------------------------------------------- bit logic (pure power flow)


def contact(t, part: Part) -> None:
    """``in AND operand`` (``NOT operand`` when the operand pin is negated)."""
    t.deliver(part, "out", and_(t.flow(part, "in"), t.required(part, "operand")), lazy=True)


def invert(t, part: Part) -> None:
    """NOT: inverts the power flow."""
    t.deliver(part, "out", not_(t.flow(part, "in")), lazy=True)


def _logic(op: str):
    def gate(t, part: Part) -> None:
        inputs = [v for v in (t.input(part, p) for p in _numbered(t, part, "in")) if v is not None]
        if op == "AND":
            value = reduce(and_, inputs, TRUE)
        elif op == "OR":
            value = reduce(or_, inputs, FALSE)
        else:
            value = _fold("XOR", inputs) if inputs else FALSE
        t.deliver(part, "out", value, lazy=True)
    gate.__doc__ = f"{op} of the numbered inputs (FBD boxes; in LAD, parallel branches join in an ``O`` part)."
    return gate


def compare(t, part: Part) -> None:
    """``pre AND (in1 op in2)``: a compare box is a contact in LAD (``pre``), a box in FBD (no ``pre``)."""
    test = A.BinaryOp(0, 0, _COMPARE[part.name], t.required(part, "in1"), t.required(part, "in2"))
    t.deliver(part, "out", and_(t.power(part, "pre"), test), lazy=True)


def in_range(t, part: Part) -> None:
    """IN_RANGE ``min <= in <= max`` / OUT_RANGE ``in < min OR in > max``."""
    low, value, high = (t.required(part, p) for p in ("min", "in", "max"))
    if part.name == "InRange":
        test = A.BinaryOp(0, 0, "AND", A.BinaryOp(0, 0, "<=", low, value), A.BinaryOp(0, 0, "<=", value, high))
    else:
        test = A.BinaryOp(0, 0, "OR", A.BinaryOp(0, 0, "<", value, low), A.BinaryOp(0, 0, ">", value, high))
    t.deliver(part, "out", and_(t.power(part, "pre"), test), lazy=True)


# -------------------------------------------------------------------- coils and flip-flops


def _pass_through(t, part: Part, rlo: A.Expr) -> A.Expr:
    """A coil passes its input on: keep it as it was before the coil wrote anything."""
    return t.stable(rlo, "BOOL") if t.used(part, "out") else rlo


def coil(t, part: Part) -> None:
    """``operand := in`` (``NOT in`` for a negated coil)."""
    target = t.target(part, "operand")
    rlo = _pass_through(t, part, t.flow(part, "in"))
    t.emit(A.Assign(0, 0, target, not_(rlo) if t.negated(part, "operand") else rlo))
    t.deliver(part, "out", rlo, lazy=True)


def _set_reset(value: bool):
    def set_coil(t, part: Part) -> None:
        target = t.target(part, "operand")
        rlo = _pass_through(t, part, t.flow(part, "in"))
        t.gated(rlo, [A.Assign(0, 0, target, TRUE if value else FALSE)])
        t.deliver(part, "out", rlo, lazy=True)
    set_coil.__doc__ = f"``IF in THEN operand := {'TRUE' if value else 'FALSE'}; END_IF``."
    return set_coil


def _flip_flop(first_pin: str, second_pin: str, first_value: bool):
    def flip_flop(t, part: Part) -> None:
        target = t.target(part, "operand")
        first = t.flow(part, first_pin)
        # the second input is read before the first one writes the operand
        second = t.stable(t.flow(part, second_pin), "BOOL")
        t.gated(first, [A.Assign(0, 0, target, TRUE if first_value else FALSE)])
        t.gated(second, [A.Assign(0, 0, target, FALSE if first_value else TRUE)])
        t.deliver(part, "q", target, typ="BOOL")
    flip_flop.__doc__ = (f"``{first_pin}`` then ``{second_pin}``: the last one written wins "
                         f"({'reset' if first_value else 'set'} dominant); ``q`` is the operand.")
    return flip_flop


# -------------------------------------------------------------------- edges (pure SCL on the memory bit)


def _edge(signal: A.Expr, memory: A.Expr, rising: bool) -> A.Expr:
    if rising:
        return A.BinaryOp(0, 0, "AND", signal, not_(memory))
    return A.BinaryOp(0, 0, "AND", not_(signal), memory)


def edge_contact(t, part: Part) -> None:
    """P/N contact: edge of the operand against its memory bit (updated every time), AND ``pre``."""
    memory = t.target(part, "bit")
    signal = t.stable(t.required(part, "operand"), "BOOL")
    pulse = t.store(_edge(signal, memory, part.name == "PContact"), t.code.statements, "BOOL")
    t.emit(A.Assign(0, 0, memory, signal))
    t.deliver(part, "out", and_(t.power(part, "pre"), pulse), lazy=True)


def edge_coil(t, part: Part) -> None:
    """P/N coil: the operand is TRUE for one cycle on an edge of the power flow; ``out`` passes it on."""
    memory = t.target(part, "bit")
    target = t.target(part, "operand")
    rlo = t.stable(t.flow(part, "in"), "BOOL")
    t.emit(A.Assign(0, 0, target, _edge(rlo, memory, part.name == "PCoil")), A.Assign(0, 0, memory, rlo))
    t.deliver(part, "out", rlo, lazy=True)


def edge_box(t, part: Part) -> None:
    """P_TRIG/N_TRIG (``PBox``/``NBox``): ``out`` is the edge of the power flow, ``bit`` its memory."""
    memory = t.target(part, "bit")
    rlo = t.stable(t.flow(part, "in"), "BOOL")
    pulse = t.store(_edge(rlo, memory, part.name == "PBox"), t.code.statements, "BOOL")
    t.emit(A.Assign(0, 0, memory, rlo))
    t.deliver(part, "out", pulse, lazy=True)


# -------------------------------------------------------------------- boxes with EN/ENO


def _emit_box(t, part: Part, en: A.Expr, value: A.Expr, typ) -> None:
    """``IF en THEN out := value; END_IF``; ENO = EN."""
    body: list = []
    t.deliver(part, "out", value, body, typ)
    t.gated(en, body)
    t.finish(part, en)


def _box(compute):
    """A box that computes ``out`` from its inputs under EN (``compute`` gives the value and its type)."""
    def box(t, part: Part) -> None:
        en = t.enable(part)
        _emit_box(t, part, en, *compute(t, part))
    box.__doc__ = compute.__doc__
    return box


def _arith(t, part: Part):
    """ADD/SUB/MUL/DIV/MOD: ``in1 op in2 (op in3…)``."""
    inputs = [t.required(part, p) for p in (_numbered(t, part, "in") or ["in1", "in2"])]
    return _fold(_ARITH[part.name], inputs), _box_type(t, part, inputs)


def _negate(t, part: Part):
    """NEG: ``-in``."""
    value = t.required(part, "in")
    return A.UnaryOp(0, 0, "-", value), _box_type(t, part, [value])


def _convert(t, part: Part):
    """CONVERT: ``SRC_TO_DEST(in)`` (the two types are template values of the box)."""
    value = t.required(part, "in")
    src, dest = _template(part, "SrcType"), _template(part, "DestType")
    if not src or not dest:
        raise Untranslatable("CONVERT without its types")
    src, dest = canonical(src), canonical(dest)
    if src == dest:
        return value, dest
    return A.Call(0, 0, A.Name(0, 0, f"{src}_TO_{dest}", "bare"), [A.Arg(0, 0, None, None, value)]), dest


def _calculate(t, part: Part):
    """CALCULATE: the box's equation with ``IN1``… replaced by the inputs' values."""
    equation = next((i.text for i in part.items if isinstance(i, XmlNode) and i.tag == "Equation"), None)
    if not equation:
        raise Untranslatable("CALCULATE without its equation")
    try:
        expr = parse_expression(equation)
    except SclSyntaxError as exc:
        raise Untranslatable(f"CALCULATE equation {equation!r}: {exc}") from None
    inputs = {p.lower(): t.required(part, p) for p in _numbered(t, part, "in")}
    return _substitute(expr, inputs), _box_type(t, part, list(inputs.values()))


def _substitute(expr, inputs: dict):
    """``expr`` with every bare ``INn`` name replaced by the value wired to that input."""
    if type(expr) is A.Name and expr.scope == "bare":
        key = expr.name.lower()
        if key not in inputs and not _INPUT_NUMBER.match(key):
            raise Untranslatable(f"CALCULATE operand {expr.name}")
        if key not in inputs:
            raise Untranslatable(f"CALCULATE input {expr.name} is not connected")
        return inputs[key]
    if type(expr) is A.Literal:
        expr.line = expr.col = 0
        return expr
    if type(expr) in (A.BinaryOp, A.UnaryOp, A.Paren, A.Call):
        for name in ("left", "right", "operand", "expr"):
            if hasattr(expr, name):
                setattr(expr, name, _substitute(getattr(expr, name), inputs))
        if type(expr) is A.Call:
            for arg in expr.args:
                arg.value = _substitute(arg.value, inputs)
        expr.line = expr.col = 0
        return expr
    raise Untranslatable(f"CALCULATE element {type(expr).__name__}")


def move(t, part: Part) -> None:
    """MOVE: ``out1 := in; out2 := in; …`` under EN."""
    en = t.enable(part)
    value = t.required(part, "in")
    body: list = []
    for pin in _numbered(t, part, "out") or ["out1"]:
        t.deliver(part, pin, value, body, t.types.type_of(value))
    t.gated(en, body)
    t.finish(part, en)


def inc_dec(t, part: Part) -> None:
    """INC/DEC: ``operand := operand ± 1`` under EN."""
    pin = next((p for p in ("operand", "in", "inout") if t.connected(part, p)), None)
    if pin is None:
        raise Untranslatable("INC/DEC without its operand")
    target = t.target(part, pin)
    en = t.enable(part)
    step = A.BinaryOp(0, 0, "+" if part.name == "Inc" else "-", target, A.Literal(0, 0, "int", 1, "1"))
    t.gated(en, [A.Assign(0, 0, target, step)])
    t.finish(part, en)


# -------------------------------------------------------------------- calls (system boxes, user blocks)


def _call(t, part, callee: A.Expr, pins: list[tuple[str, str]], instance: A.Expr | None) -> None:
    """A call with named parameters under EN. ``pins`` are (pin, role) with role in/inout/out/ret.

    Outputs go to their operands with ``=>``; an output that feeds other parts is read afterwards from
    the instance (FB) or goes through a temp (FC). The return value is assigned from the call."""
    en = t.enable(part)
    args: list = []
    after: list = []
    ret_target = None
    for pin, role in pins:
        if role in ("in", "inout"):
            value = t.input(part, pin)
            if value is not None:
                args.append(A.Arg(0, 0, pin, ":=", value))
            continue
        target = _output_target(t, part, pin, instance, after)
        if target is None:
            continue
        if role == "ret":
            ret_target = target
        else:
            args.append(A.Arg(0, 0, pin, "=>", target))
    call = A.Call(0, 0, callee, args)
    stmt = A.Assign(0, 0, ret_target, call) if ret_target is not None else A.CallStmt(0, 0, call)
    t.gated(en, [stmt, *after])
    t.finish(part, en)


def _output_target(t, part, pin: str, instance: A.Expr | None, after: list) -> A.Expr | None:
    """Where output ``pin`` is written: its (first) operand or a temp; None when nothing is connected."""
    ops = t.operand_targets(part, pin)
    if instance is not None and t.consumers(part, pin):
        t.set_value(part, pin, member(instance, pin), _pin_type(t, part, pin, ops))
    elif t.consumers(part, pin):
        typ = _pin_type(t, part, pin, ops)
        ops = [t.temp(typ), *ops]
        t.set_value(part, pin, ops[0], typ)
    if not ops:
        return None
    after.extend(A.Assign(0, 0, op, ops[0]) for op in ops[1:])
    return ops[0]


def _pin_type(t, part, pin: str, ops: list):
    """The type of an output pin: the called block's parameter type, the box's DestType for its result,
    else the type of the operand it also writes."""
    if isinstance(part, Call):
        param = next((p for p in part.parameters if p.name == pin), None)
        if param is not None:
            return type_from_text(param.type)
    elif part.name.upper() in SYSTEM_FBS:
        member = SYSTEM_FBS[part.name.upper()].members.get(pin.lower())
        if member is not None:
            return member.type
    elif pin in _RETURN_PINS:
        typ = _box_type(t, part, [])
        if typ is not None:
            return typ
    return t.types.type_of(ops[0]) if ops else None


def _roles(t, part) -> list[tuple[str, str]]:
    """Pins of a system box by wiring: fed pins are inputs, feeding pins outputs (``out``/``Ret_Val`` the return)."""
    pins = [(p, "in") for p in t.in_pins(part) if p not in ("en", "eno")]
    outs = [p for p in t.out_pins(part) if p not in ("en", "eno")]
    has_instance = isinstance(part, Part) and _instance(part) is not None
    return pins + [(p, "ret" if p in _RETURN_PINS and not has_instance else "out") for p in outs]


def instance_box(t, part: Part) -> None:
    """An FB-type instruction (timers, counters, R_TRIG, MC_…): a call on its instance.

    IEC timers/counters whose instance is an ``IEC_TIMER``/``IEC_COUNTER`` structure (single-instance DBs)
    are called as SCL writes them, ``"DB".TON(…)``; a multi-instance of the instruction's own type, and
    every other instruction, as ``#inst(…)``/``"DB"(…)``."""
    instance = instance_expr(_instance(part))
    if instance is None:
        raise Untranslatable(f"{part.name} without an instance")
    callee = instance
    if part.name.upper() in _IEC:
        typ = t.types.type_of(instance)
        if not (isinstance(typ, NamedT) and typ.name.upper() in SYSTEM_FBS):
            callee = member(instance, part.name.upper())
    _call(t, part, callee, _roles(t, part), instance)


def function_box(t, part: Part) -> None:
    """Any other box with EN: the SCL function of the same name (``out := SCALE_X(MIN := …)``).

    A single input named ``in`` is passed positionally (``ROUND(x)``), as SCL writes one-input functions."""
    name = SCL_FUNCTION.get(part.name, part.name.upper())
    roles = _roles(t, part)
    if [p for p, role in roles if role != "ret"] == ["in"]:
        en = t.enable(part)
        value = t.required(part, "in")
        call = A.Call(0, 0, A.Name(0, 0, name, "bare"), [A.Arg(0, 0, None, None, value)])
        return _emit_box(t, part, en, call, _box_type(t, part, [value]))
    return _call(t, part, A.Name(0, 0, name, "bare"), roles, None)


_SECTION_ROLE = {"Input": "in", "InOut": "inout", "Output": "out", "Return": "ret"}


def user_call(t, call: Call) -> None:
    """A call of a user FC (``"FC"(…)``, the return value assigned from it) or FB (``"DB"(…)``/``#inst(…)``)."""
    instance = None
    callee: A.Expr
    if call.block_type == "FC":
        callee = A.Name(0, 0, call.name, "global")
    else:
        instance = instance_expr(call.instance)
        if instance is None:
            raise Untranslatable(f"call of {call.name} without an instance")
        callee = instance
    pins = [(p.name, _SECTION_ROLE[p.section]) for p in call.parameters if p.section in _SECTION_ROLE]
    _call(t, call, callee, pins, instance)


TRANSLATORS = {
    "Contact": contact,
    "Not": invert,
    "A": _logic("AND"),
    "O": _logic("OR"),
    "X": _logic("XOR"),
    **{name: compare for name in _COMPARE},
    "InRange": in_range,
    "OutRange": in_range,
    "Coil": coil,
    "Assign": coil,
    "SCoil": _set_reset(True),
    "RCoil": _set_reset(False),
    "SetCoil": _set_reset(True),
    "ResetCoil": _set_reset(False),
    "Sr": _flip_flop("s", "r1", True),
    "Rs": _flip_flop("r", "s1", False),
    "PContact": edge_contact,
    "NContact": edge_contact,
    "PCoil": edge_coil,
    "NCoil": edge_coil,
    "PBox": edge_box,
    "NBox": edge_box,
    "Move": move,
    **{name: _box(_arith) for name in _ARITH},
    "Neg": _box(_negate),
    "Convert": _box(_convert),
    "Calc": _box(_calculate),
    "Inc": inc_dec,
    "Dec": inc_dec,
}
"""Part name -> translator. Parts not listed: FB-type instructions with an instance, then boxes with EN."""
