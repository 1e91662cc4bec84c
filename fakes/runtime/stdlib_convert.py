"""Conversions: every ``X_TO_Y`` the simulation implements, ``CONVERT``, ``ROUND``/``TRUNC``/
``CEIL``/``FLOOR`` (and their typed forms ``ROUND_DINT``...), BCD16/BCD32.

Decisions (S7-1500 behaviour where the TIA help states it, documented choices where it does not):

* Real to integer (``REAL_TO_INT``, ``ROUND``, CONVERT): to the nearest integer, an exact half to the
  even neighbour (TIA: "rounded to the nearest integer; if exactly in between, to the even one",
  ``ROUND(10.5) = 10``). TRUNC toward zero, CEIL/FLOOR toward +/- infinity.
* Out-of-range results (``DINT_TO_INT(40000)``, ``REAL_TO_INT(1e9)``): TIA sets ENO FALSE and the
  value is undefined; here it wraps modulo the target's width. NaN/inf to an integer gives 0.
* Integer <-> bit string of another width or signedness: the bit pattern, sign-extended from a signed
  source (``INT_TO_DWORD(-1) = 16#FFFF_FFFF``, ``WORD_TO_INT(16#FFFF) = -1``).
* ``DWORD_TO_REAL``/``REAL_TO_DWORD`` and ``LWORD_TO_LREAL``/``LREAL_TO_LWORD`` move the bit pattern
  unchanged (IEEE 754), as TIA does; no other bit string converts to a real.
* Bool -> integer/bit string: 0/1; integer/bit string -> Bool: bit 0.
* Durations keep their unit through integers (``TIME_TO_DINT`` gives ms, ``LTIME_TO_LINT`` ns);
  ``LTIME_TO_TIME`` truncates ns to ms; ``TIME_TO_S5TIME`` truncates to the S5 time base's grid and
  saturates at 2h46m30s; a TIME_OF_DAY result is taken modulo 24 h.
* Char <-> integer: the character code (``INT_TO_CHAR`` takes the low byte); String -> Char: the first
  character ('\\0' for an empty string); numbers <-> String: see :mod:`.stdlib_strings`.
* Instants (DTL, DT, LDT) into one another and into DATE, TOD and LTOD: :mod:`.stdlib_dtl` (an instant the
  receiving type cannot hold is an error: ENO FALSE, its first value). ``T_CONV`` converts as ``CONVERT``.
* An LDT from and into LINT, ULINT and LWORD: its nanoseconds since 1970 (:mod:`.stdlib_dtl`). ``WORD_TO_BLOCK_DB``
  and the other conversions of numbers or strings into instants are not implemented (absent from FUNCTIONS): the
  help's implicit-conversion tables list none into DT, and into LDT none from a narrower number (its explicit ones
  were not at hand).
"""

from __future__ import annotations

import datetime
import math
import struct
from collections.abc import Callable
from typing import Any

from .stdlib_dtl import instant_conversion, total
from .stdlib_core import BITSTRINGS, INTEGERS, REALS, compose, identity, register, result_fixer, string_cap
from .stdlib_strings import number_parser, number_to_text
from .values import INT_RANGES, exact_in_real, to_real32

__all__ = ("converter", "dtl_date_days")

_CATEGORY: dict[str, str] = {
    **{t: "int" for t in INTEGERS | BITSTRINGS}, "BOOL": "bool", "REAL": "real", "LREAL": "real",
    "TIME": "dur", "LTIME": "dur", "S5TIME": "dur", "TIME_OF_DAY": "tod", "LTIME_OF_DAY": "tod", "DATE": "date",
    "CHAR": "char", "WCHAR": "char", "STRING": "str", "WSTRING": "str", "DTL": "dtl", "DATE_AND_TIME": "instant",
    "LDT": "instant",
}
_UNIT_NS = {"TIME": 10**6, "S5TIME": 10**6, "LTIME": 1, "TIME_OF_DAY": 10**6, "LTIME_OF_DAY": 1}
_F32, _U32, _F64, _U64 = struct.Struct(">f"), struct.Struct(">I"), struct.Struct(">d"), struct.Struct(">Q")


def _reinterpret(src: struct.Struct, dst: struct.Struct) -> Callable[[Any], Any]:
    return lambda v: dst.unpack(src.pack(v))[0]


_REINTERPRET: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("DWORD", "REAL"): _reinterpret(_U32, _F32), ("REAL", "DWORD"): _reinterpret(_F32, _U32),
    ("LWORD", "LREAL"): _reinterpret(_U64, _F64), ("LREAL", "LWORD"): _reinterpret(_F64, _U64),
}


def _s5time(ms: int) -> int:
    """Milliseconds on the grid of the S5TIME time base that holds them (10 ms .. 10 s), saturated."""
    if ms <= 0:
        return 0
    for grid in (10, 100, 1000, 10_000):
        if ms <= 999 * grid:
            return ms - ms % grid
    return 9_990_000


def _rescale(src: str, dst: str, fix: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    us, ud = _UNIT_NS[src], _UNIT_NS[dst]
    if dst == "S5TIME":
        factor = us // ud if us >= ud else 0
        if factor:
            return lambda v: _s5time(v * factor)
        div = ud // us
        return lambda v: _s5time(v // div)
    if us == ud:
        return fix or identity
    if us > ud:
        factor = us // ud
        return compose(lambda v: v * factor, fix, 1)
    div = ud // us
    return compose(lambda v: v // div if v >= 0 else -(-v // div), fix, 1)  # toward zero


def _real_to_int(fix: Callable[[Any], Any] | None) -> Callable[[float], int]:
    wrap = fix or identity  # every integer type has its fixer (the wrap into its range)
    return lambda x: wrap(round(x)) if math.isfinite(x) else 0  # round(): half to even


def _dtl_to_tod(d: dict) -> int:
    return ((d["HOUR"] * 60 + d["MINUTE"]) * 60 + d["SECOND"]) * 1000 + d["NANOSECOND"] // 1_000_000


def dtl_date_days(d: dict) -> int | None:
    """The days since 1990-01-01 of a DTL's date, or None when it is no date or outside Date's range
    (D#1990-01-01 .. D#2168-12-31)."""
    try:
        days = (datetime.date(d["YEAR"], d["MONTH"], d["DAY"]) - datetime.date(1990, 1, 1)).days
    except ValueError:
        return None
    return days if INT_RANGES["DATE"][0] <= days <= INT_RANGES["DATE"][1] else None


def _dtl_to_date(d: dict) -> int:
    # An invalid date or one a Date cannot hold (a DTL starts in 1970): TIA reports an error (ENO FALSE,
    # :mod:`.stdlib_eno`) and documents no value; the Date's first day is stored, never a value outside its type.
    days = dtl_date_days(d)
    return 0 if days is None else days


def converter(src: str | None, dst: str | None) -> Callable[[Any], Any] | None:
    """The conversion of a value of canonical type ``src`` into ``dst``; None when not implemented."""
    if src is None or dst is None:
        return None
    cs, cd = _CATEGORY.get(src), _CATEGORY.get(dst)
    if cs is None or cd is None:
        return None
    fix = result_fixer(dst)
    if (src, dst) in _REINTERPRET:
        return _REINTERPRET[(src, dst)]
    if src == dst:
        return fix or identity
    instant = instant_conversion(src, dst)
    if instant is not None:
        return total(instant, dst)
    if cs == "bool":
        return compose(int, fix, 1) if cd == "int" else None
    if cd == "bool":
        return (lambda v: bool(v & 1)) if cs == "int" else None
    if cs == "int":
        if cd == "int" or cd == "date" or cd == "tod" or (cd == "dur" and dst != "S5TIME"):
            return fix
        if cd == "real":
            if src in BITSTRINGS:
                return None
            return float if exact_in_real(src, dst) else compose(float, fix, 1)
        if cd == "char":
            mask = 0xFF if dst == "CHAR" else 0xFFFF
            return lambda v: chr(v & mask)
        return number_to_text(src) if cd == "str" else None
    if cs == "real":
        if cd == "real":
            return fix or float
        if cd == "int":
            return None if dst in BITSTRINGS else _real_to_int(fix)
        return number_to_text(src) if cd == "str" else None
    if cs in ("dur", "tod"):
        if cd == "int":
            return fix
        return _rescale(src, dst, fix) if cd in ("dur", "tod") else None
    if cs == "date":
        return fix if cd == "int" else None
    if cs == "char":
        if cd == "int":
            return compose(ord, fix, 1)
        if cd == "char":
            return (lambda c: chr(ord(c) & 0xFF)) if dst == "CHAR" else identity
        return identity if cd == "str" else None
    if cs == "str":
        if cd == "char":
            return lambda s: s[0] if s else "\0"
        if cd == "str":
            cap = string_cap(dst)
            return lambda s: s[:cap]
        return number_parser(dst) if cd in ("int", "real") else None
    if cs == "dtl":
        return {"tod": _dtl_to_tod, "date": _dtl_to_date}.get(cd)
    return None


# ------------------------------------------------------------------------------------------ BCD

def _bcd_to_int(digits: int) -> Callable[[int], int]:
    sign_shift = 4 * digits

    def decode(v: int) -> int:
        value = 0
        for i in range(digits - 1, -1, -1):
            value = value * 10 + (v >> (4 * i) & 0xF) % 10  # a pseudo-tetrad (A..F) is invalid in TIA
        return -value if v >> sign_shift & 0xF else value

    return decode


def _int_to_bcd(digits: int) -> Callable[[int], int]:
    sign_shift, modulo = 4 * digits, 10**digits

    def encode(v: int) -> int:
        n, out = abs(v) % modulo, 0  # beyond the digits: TIA ENO FALSE; the low digits are kept here
        for i in range(digits):
            out |= (n % 10) << (4 * i)
            n //= 10
        return out | (0xF << sign_shift if v < 0 else 0)

    return encode


_BCD: dict[str, Callable[[int], int]] = {
    "BCD16_TO_INT": _bcd_to_int(3), "INT_TO_BCD16": _int_to_bcd(3),
    "BCD32_TO_DINT": _bcd_to_int(7), "DINT_TO_BCD32": _int_to_bcd(7),
}


# ------------------------------------------------------------------------------------------ registry

def _register_fixed(name: str, fn: Callable[[Any], Any]) -> None:
    register(name, ("IN",))(lambda args, result: fn)


_SPELLINGS: dict[str, str] = {t: t for t in _CATEGORY} | {"TOD": "TIME_OF_DAY", "LTOD": "LTIME_OF_DAY",
                                                           "DT": "DATE_AND_TIME"}
for _s_name, _src in _SPELLINGS.items():
    for _d_name, _dst in _SPELLINGS.items():
        _conv = converter(_src, _dst) if _s_name != _d_name else None
        if _conv is not None:
            _register_fixed(f"{_s_name}_TO_{_d_name}", _conv)
for _name, _fn in _BCD.items():
    _register_fixed(_name, _fn)


@register("CONVERT", ("IN",))
def _convert(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any] | None:
    return converter(args[0], result)


register("T_CONV", ("IN",))(_convert)  # T_CONV: IN into the type of the operand it is stored into, as CONVERT


# ------------------------------------------------------------------------------------------ rounding

_ROUNDERS: dict[str, Callable[[float], int]] = {"ROUND": round, "TRUNC": math.trunc, "CEIL": math.ceil,
                                                "FLOOR": math.floor}


def _rounding(op: Callable[[float], int], fixed: str | None) -> Callable[..., Any]:
    def build(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any] | None:
        t = fixed or result or "DINT"  # SCL's default result type is DINT
        if t in REALS:
            to = to_real32 if t == "REAL" else float
            return lambda x: to(op(x)) if math.isfinite(x) else x
        fix = result_fixer(t) if t in INTEGERS else None
        if fix is None:
            return None
        return lambda x: fix(op(x)) if math.isfinite(x) else 0

    return build


for _name, _op in _ROUNDERS.items():
    register(_name, ("IN",))(_rounding(_op, None))
    for _t in sorted(INTEGERS | REALS):
        register(f"{_name}_{_t}", ("IN",))(_rounding(_op, _t))
