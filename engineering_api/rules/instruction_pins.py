"""The pins of LAD/FBD instructions as TIA's editor draws them: their order on the box and the names it writes,
where SimaticML's export differs (one table for the drawing and for checks that read pins).

An export names a basic instruction's pins in lower case (``en``, ``in1``, ``out``) and a system function block's
parameters as declared (``Enable``, ``JogForward``, ``IN``, ``PT``); the editor writes the first upper case
(``EN``, ``IN1``, ``OUT``) and the second as declared. The pin order is the instruction's declaration, as listed in
the STEP 7 help and the S7-1200 system manual's instruction chapters ("TON: Generate on-delay": IN, PT, Q, ET;
"CTU: Count up": CU, R, PV, Q, CV; "CTUD": CU, CD, R, LD, PV, QU, QD, CV; "NORM_X"/"SCALE_X": MIN, VALUE, MAX,
OUT; "IN_RANGE"/"OUT_RANGE: Value within/outside range": MIN, VAL, MAX, whose VAL the export names ``in`` and
whose power-flow pins ``pre`` and ``out`` carry no name in the editor); an export may list wires in another
order.
"""

from __future__ import annotations

import re

__all__ = ("BASIC_PINS", "EXTENSIBLE_PINS", "OPERAND_PINS", "PIN_LABELS", "PIN_ORDER", "basic_pin", "pin_name",
           "pin_position")

PIN_ORDER: dict[str, tuple[str, ...]] = {
    "TON": ("en", "in", "pt", "eno", "q", "et"), "TOF": ("en", "in", "pt", "eno", "q", "et"),
    "TP": ("en", "in", "pt", "eno", "q", "et"), "TONR": ("en", "in", "r", "pt", "eno", "q", "et"),
    "CTU": ("en", "cu", "r", "pv", "eno", "q", "cv"), "CTD": ("en", "cd", "ld", "pv", "eno", "q", "cv"),
    "CTUD": ("en", "cu", "cd", "r", "ld", "pv", "eno", "qu", "qd", "cv"),
    "Rs": ("r", "s1", "q"), "Sr": ("s", "r1", "q"),
    "InRange": ("pre", "min", "in", "max", "out"), "OutRange": ("pre", "min", "in", "max", "out"),
    "Normalize": ("en", "min", "value", "max", "eno", "out"), "Scale_X": ("en", "min", "value", "max", "eno", "out"),
}
"""Instruction (its SimaticML name) -> its pins, lower case, in the order the editor draws them."""

PIN_LABELS: dict[str, dict[str, str]] = {
    "InRange": {"pre": "", "in": "VAL", "out": ""}, "OutRange": {"pre": "", "in": "VAL", "out": ""},
}
"""Instruction -> exported pin -> the name the editor writes, where it is not the pin's own (empty: none)."""

_NUMBERED = re.compile(r"[a-z]+(\d+)")


def pin_position(instruction: str, pin: str) -> int:
    """Where ``pin`` goes among the instruction's pins: EN and ENO first, then the declared order, then numbered
    pins by their number (IN1, IN2, … IN10)."""
    name = pin.lower()
    if name in ("en", "eno"):
        return -1
    order = PIN_ORDER.get(instruction, ())
    if name in order:
        return order.index(name)
    numbered = _NUMBERED.fullmatch(name)
    return len(order) + (int(numbered.group(1)) if numbered else 0)


def pin_name(instruction: str, pin: str) -> str:
    """The name the editor writes at an instruction's pin: its own label, else an all lower case export name upper
    case (a basic instruction's), else the name as exported (a system function block's parameter)."""
    label = PIN_LABELS.get(instruction, {}).get(pin.lower())
    if label is not None:
        return label
    return pin.upper() if pin.islower() or pin.lower() in ("en", "eno") else pin


def _pins(text: str) -> frozenset[str]:
    return frozenset(text.split())


_BIT_LOGIC = _pins("in operand out")
_EDGE = _pins("pre bit operand out")
_EDGE_COIL = _pins("in bit operand out")
_COMPARE = _pins("pre in1 in2 out")
_MATH = _pins("en in1 in2 out eno")
_UNARY = _pins("en in out eno")
_RANGE = _pins("pre min in max out")
_SCALE = _pins("en min value max out eno")

BASIC_PINS: dict[str, frozenset[str]] = {
    "Contact": _BIT_LOGIC, "Coil": _BIT_LOGIC, "SCoil": _BIT_LOGIC, "RCoil": _BIT_LOGIC, "Not": _pins("in out"),
    "PContact": _EDGE, "NContact": _EDGE, "PCoil": _EDGE_COIL, "NCoil": _EDGE_COIL,
    "PBox": _pins("in bit out"), "NBox": _pins("in bit out"),
    "Sr": _pins("s r1 operand q"), "Rs": _pins("r s1 operand q"),
    "Eq": _COMPARE, "Ne": _COMPARE, "Gt": _COMPARE, "Ge": _COMPARE, "Lt": _COMPARE, "Le": _COMPARE,
    "InRange": _RANGE, "OutRange": _RANGE,
    "Sub": _MATH, "Div": _MATH, "Mod": _MATH,
    "Convert": _UNARY, "Round": _UNARY, "Trunc": _UNARY, "Ceil": _UNARY, "Floor": _UNARY,
    "Normalize": _SCALE, "Scale_X": _SCALE,
    "Add": _pins("en out eno"), "Mul": _pins("en out eno"), "Calc": _pins("en out eno"), "Move": _pins("en in eno"),
    "A": _pins("out"), "O": _pins("out"), "X": _pins("out"),
}
"""Basic LAD/FBD instruction (its SimaticML ``<Part Name>``) -> the pins its box has, as the export names them.
Read from every wire of the shared corpus's exports (TIA V14-V21): Contact in/operand/out (677 boxes), Coil 210,
Eq/Ne/Gt/Ge/Lt/Le pre/in1/in2/out 314, O and A in1..in9 and out 119, Move en/in/eno/out1 100, PContact and NContact
pre/bit/operand/out 16, Rs r/s1/operand 4, Sr s/r1/operand 1, Add/Sub/Mul/Div en/in1/in2/out/eno 30, Convert and
Round en/in/out/eno 3, InRange/OutRange pre/min/in/max/out 14, Normalize/Scale_X en/min/value/max/out/eno 4, PBox
and NBox in/bit/out 4, PCoil in/bit/operand 4, Not in/out 2. Completed by the pins the STEP 7 help draws that no
corpus wire uses: a coil's out (coils in series), SR's and RS's Q, Mod as Div, Trunc/Ceil/Floor as Round. No
published schema lists an instruction's pins (the SimaticML LAD/FBD schema names a pin by a string), so the
exports are the source. An instruction not listed (GRAPH's coils, a system FB's box, judged by its parameters in
:mod:`engineering_api.rules.compiler.check_flgnet`) is not judged by this table."""

OPERAND_PINS: dict[str, tuple[str, ...]] = {
    "Contact": ("operand",), "Coil": ("operand",), "SCoil": ("operand",), "RCoil": ("operand",),
    "Sr": ("operand",), "Rs": ("operand",),
    "PContact": ("operand", "bit"), "NContact": ("operand", "bit"), "PCoil": ("operand", "bit"),
    "NCoil": ("operand", "bit"), "PBox": ("bit",), "NBox": ("bit",),
}
"""Basic instruction -> the pins an operand must be wired to: the bit it reads or writes (STEP 7 help, "---| |---
Normally open contact", "---( )--- Assign", "--(S)-- Set output"...: the operand is a parameter of the instruction,
and a box whose operand is left empty shows ``<??.?>`` and does not compile), and an edge instruction's edge memory
bit (``bit``: STEP 7 help, "P: Scan operand for positive signal edge": the edge memory bit stores the previous
signal state). Every such box of the corpus's exports has them: Contact operand 677 of 677, Coil 210 of
210, SCoil 25, RCoil 36, Sr 1, Rs 4; PContact operand and bit 14 of 14, NContact 2, PCoil 4; PBox bit 3, NBox 1.
NCoil's row is PCoil's (no export of the corpus has one)."""

EXTENSIBLE_PINS: dict[str, str] = {"Add": "in", "Mul": "in", "Calc": "in", "A": "in", "O": "in", "X": "in",
                                   "Move": "out"}
"""Extensible boxes -> the stem of their numbered pins (``in1``, ``in2``, … up to the box's ``Card``; Move's
``out1``, …): the box's other pins are in :data:`BASIC_PINS`."""

_NUMBERED_PIN = re.compile(r"([a-z]+)([1-9]\d*)")


def basic_pin(instruction: str, pin: str) -> bool | None:
    """Whether the basic instruction's box has ``pin`` (a numbered pin of an extensible box whatever its number:
    the box's Card bounds it); None for an instruction :data:`BASIC_PINS` does not list."""
    pins = BASIC_PINS.get(instruction)
    if pins is None:
        return None
    name = pin.lower()
    numbered = _NUMBERED_PIN.fullmatch(name)
    if numbered and EXTENSIBLE_PINS.get(instruction) == numbered.group(1):
        return True
    return name in pins
