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

__all__ = ("PIN_LABELS", "PIN_ORDER", "pin_name", "pin_position")

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
