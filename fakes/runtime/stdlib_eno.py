"""ENO of the system functions: when an instruction called with ``ENO => x`` reports an error.

A rule is a predicate over the instruction's actual values and its result, built per instruction and argument
types at generation time (:func:`eno_rule`); the code generator evaluates it only where a call writes its ENO.
An instruction without a rule here reports ENO TRUE (docs/simulated-plc.md, semantics table).

* Conversions (``X_TO_Y``, CONVERT, ROUND/TRUNC/CEIL/FLOOR): ENO FALSE when a floating-point input is not a
  number or infinite, or its rounded value (or an integer input) lies outside the range of an integer result
  (STEP 7 help CONVERT / ROUND: "ENO = 0 ... the result is outside the permitted range"; a bit-string result
  takes the bits and is not an error).
* Floating-point math (SQRT, LN, LOG, EXP, SIN..ATAN, EXPT, SQR): ENO FALSE when the result is NaN or
  infinite, an invalid floating-point number (STEP 7 help SQRT: negative input; LN: input <= 0; EXP: overflow).
* DTL_TO_DATE: ENO FALSE when the DTL's date is no date or outside Date's range (a DTL starts in 1970, a Date in
  1990; the Date's first day is stored).
* T_ADD, T_SUB, T_DIFF, T_COMBINE and the conversions on instants (DTL, DT, LDT): ENO FALSE for an input that is
  no value of its type or a result outside the receiving type (:mod:`.stdlib_dtl`).
* RD_SYS_T, RD_LOC_T, WR_SYS_T: ENO FALSE when RET_VAL is an error code (S7-1200 System Manual A5E02486680-05,
  Table 8-11: "ENO = 0 means an execution error occurred, and a condition code is provided at the RET_VAL output").
* LIMIT: ENO FALSE when MN > MX (STEP 7 help LIMIT: "the value at MN is greater than the value at MX").
* MUX: ENO FALSE when K selects no input, with or without INELSE (STEP 7 help MUX).
* String instructions (S7-1200 System Manual A5E02486680-AG, 03/2014, 8.2.4 and A5E02486680-02, 11/2009, 6.2,
  the ENO table of each): CONCAT, INSERT and REPLACE whose result is longer than OUT's maximum length (the
  characters are copied up to it); LEFT, RIGHT and MID with L (or P) <= 0 or L longer than OUT; MID with P beyond
  IN's maximum length; INSERT with P < 0 or beyond IN1; DELETE and REPLACE with L < 0, P <= 0, P beyond IN, or fewer
  than L characters after P. FIND reports TRUE (not found is 0, no error).
* S_CONV from text to a number: ENO FALSE when the text does not start with a number or the integer is outside OUT's
  type (S7-1200 System Manual A5E02486680-05, Tables 8-32 and 8-33); from a number to text: ENO FALSE when the
  number's text is longer than OUT's maximum length (Table 8-32: "The OUT parameter maximum string size must be large
  enough to accept the number of characters").
"""

from __future__ import annotations

import math
from collections.abc import Callable

from simatic_xml.conversions import round_half_even

from .stdlib_clock import CLOCK_CALLS
from .stdlib_convert import dtl_date_days
from .stdlib_dtl import checked_call, valid
from .stdlib_core import INTEGERS, string_cap
from .stdlib_strings import s_conv_text, text_is_number
from .values import INT_RANGES

__all__ = ("eno_rule",)

Rule = Callable[..., bool]
"""``rule(*actual_values, result)``: the ENO the call reports."""

_FLOATS = frozenset(["REAL", "LREAL"])
_BITSTRINGS = frozenset(["BYTE", "WORD", "DWORD", "LWORD"])
_ROUNDING: dict[str, Callable[[float], int]] = {"TRUNC": math.trunc, "CEIL": math.ceil, "FLOOR": math.floor}
_MATH = frozenset(["SQRT", "LN", "LOG", "EXP", "SIN", "COS", "TAN", "ASIN", "ACOS", "ATAN", "EXPT", "SQR"])


def _numeric_range(t: str | None) -> tuple[int, int] | None:
    """The range of an integer result that reports an overflow (not a bit string, not a duration)."""
    if t is None or t in _BITSTRINGS or t not in INT_RANGES or t in ("CHAR", "WCHAR"):
        return None
    if "TIME" in t or t in ("DATE", "S5TIME"):
        return None
    return INT_RANGES[t]


def _conversion(name: str, src: str | None, dst: str | None) -> Rule | None:
    bounds = _numeric_range(dst)
    if src in _FLOATS:
        rounding = _ROUNDING.get(name.split("_", 1)[0], round_half_even)
        if bounds is None:
            return lambda x, _r: math.isfinite(x) or dst in _FLOATS
        low, high = bounds
        return lambda x, _r: math.isfinite(x) and low <= rounding(x) <= high
    if src in INT_RANGES and bounds is not None and src not in _BITSTRINGS:
        low, high = bounds
        return lambda x, _r: low <= x <= high
    return None


def _string(name: str, arg_types: tuple[str | None, ...], result: str | None) -> Rule | None:
    """The ENO of a string instruction: the table of its conditions (module docstring)."""
    out_cap = string_cap(result if result and result.startswith(("STRING", "WSTRING")) else None)
    if name.startswith("CONCAT"):
        return lambda *values: sum(len(v) for v in values[:-1]) <= out_cap
    if name in ("LEFT", "RIGHT"):
        return lambda _s, n, _r: 0 < n <= out_cap
    if name == "MID":
        in_cap = string_cap(arg_types[0]) if arg_types else 254
        return lambda _s, n, p, _r: 0 < n <= out_cap and 0 < p <= in_cap
    if name == "INSERT":
        return lambda s, ins, p, _r: 0 <= p <= len(s) and len(s) + len(ins) <= out_cap
    if name == "DELETE":
        return lambda s, n, p, _r: n >= 0 and 0 < p <= len(s) and p - 1 + n <= len(s)
    if name == "REPLACE":
        return lambda s, new, n, p, _r: (n >= 0 and 0 < p <= len(s) and p - 1 + n <= len(s)
                                         and len(s) - n + len(new) <= out_cap)
    return None


_STRINGS = frozenset(["CONCAT", "CONCAT_STRING", "CONCAT_WSTRING", "LEFT", "RIGHT", "MID", "INSERT", "DELETE",
                      "REPLACE"])


def eno_rule(name: str, arg_types: tuple[str | None, ...], result: str | None,
             names: tuple[str, ...] | list[str] = ()) -> Rule | None:
    """The ENO predicate of instruction ``name`` for these argument and result types (``names``: the formal name
    of each actual); None: ENO is TRUE."""
    head = name.split("_", 1)[0]
    if (name == "DTL_TO_DATE" or (name == "CONVERT" and result == "DATE")) and arg_types == ("DTL",):
        return lambda d, _r: dtl_date_days(d) is not None
    instant = checked_call(name, arg_types, result)
    if instant is not None:
        return valid(instant)
    if ("_TO_" in name or name == "CONVERT" or head in ("ROUND", "TRUNC", "CEIL", "FLOOR")) and len(arg_types) == 1:
        return _conversion(name, arg_types[0], result)
    if name in _MATH:
        return lambda *values: not isinstance(values[-1], float) or math.isfinite(values[-1])
    if name in CLOCK_CALLS:
        return lambda *values: values[-1] in (0, 1)
    if name == "LIMIT" and len(arg_types) == 3:
        return lambda mn, _value, mx, _r: mn <= mx
    if name in _STRINGS:
        return _string(name, arg_types, result)
    if name == "S_CONV" and (arg_types[0] or "").startswith(("STRING", "WSTRING")) and (
            result in INTEGERS or result in _FLOATS):
        return lambda text, _r: text_is_number(text, result)
    if name == "S_CONV" and (result or "").startswith(("STRING", "WSTRING")) and (
            text := s_conv_text(arg_types[0])) is not None:
        cap = string_cap(result)
        return lambda value, _r: len(text(value)) <= cap
    if name == "MUX" and len(arg_types) >= 2:
        count = len(arg_types) - 1 - (list(names[-1:]) == ["INELSE"])
        return lambda k, *_rest: 0 <= k < count
    return None
