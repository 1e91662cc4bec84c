"""TIA Portal's implicit data type conversions for S7-1200/S7-1500, as data (``implicit.tsv``).

Every pair of the 28 elementary types Siemens documents has one row: may the source be converted
implicitly into the target with the block's IEC check off (TIA's default for a block) and on, a
citation (the Siemens page and its table row) and a short note of the documented effect. The rules
are read by the SCL checker, the LAD/FBD pin checker and the runtime:

>>> implicit("DINT", "INT", iec_check=False), implicit("DINT", "INT", iec_check=True)
(True, False)
>>> arithmetic_type("INT", "UINT", iec_check=False)
'DINT'

Names are the checker's canonical upper-case names (``TIME_OF_DAY``, ``DATE_AND_TIME``...); the
short forms TOD, LTOD and DT are accepted too. The IEC check is a block property: SimaticML carries
it as ``<IsIECCheckEnabled>`` (:func:`iec_check_of`); an SCL source has no documented attribute for
it, so a source block takes the default (off) unless it carries ``S7_IECCheck := 'TRUE'``, the
spelling of TIA's S7DCL text format (:func:`iec_check_of_attributes`). Sources and ambiguities:
``README.md`` next to this file.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Union

__all__ = [
    "DEFAULT_IEC_CHECK",
    "TYPES",
    "Rule",
    "RuntimeScalar",
    "arithmetic_type",
    "comparable",
    "convert_value",
    "iec_check_of",
    "iec_check_of_attributes",
    "implicit",
    "round_half_even",
    "rule",
    "rules",
]

RuntimeScalar = Union[int, float, str]
"""How the runtime holds an elementary value (BOOL as int's subclass, characters and strings as str)."""

DEFAULT_IEC_CHECK = False
"""A block without the property has the IEC check off: every block of the corpus exports
``<IsIECCheckEnabled>false</IsIECCheckEnabled>``, and TIA's setting "IEC check for code blocks" for new
blocks is cleared by default (the overview page claims the opposite; see README.md)."""

_ALIASES = {"TOD": "TIME_OF_DAY", "LTOD": "LTIME_OF_DAY", "DT": "DATE_AND_TIME", "DATE_AND_LTIME": "LDT",
            "TIME_OF_DAY": "TIME_OF_DAY", "LTIME_OF_DAY": "LTIME_OF_DAY", "DATE_AND_TIME": "DATE_AND_TIME"}

_SIGNED = {"SINT": 8, "INT": 16, "DINT": 32, "LINT": 64}
_UNSIGNED = {"USINT": 8, "UINT": 16, "UDINT": 32, "ULINT": 64}
_BITSTRINGS = {"BYTE": 8, "WORD": 16, "DWORD": 32, "LWORD": 64}
_REALS = {"REAL": 32, "LREAL": 64}
_UNSIGNED_OF = {8: "USINT", 16: "UINT", 32: "UDINT", 64: "ULINT"}
_SIGNED_OF = {8: "SINT", 16: "INT", 32: "DINT", 64: "LINT"}


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the table: ``source`` into ``target``."""

    source: str
    target: str
    iec_off: bool
    iec_on: bool
    note: str
    ambiguity: str
    citation: str


def _canon(name: str) -> str:
    upper = name.upper()
    return _ALIASES.get(upper, upper)


@lru_cache(maxsize=1)
def _table() -> dict[tuple[str, str], Rule]:
    out: dict[tuple[str, str], Rule] = {}
    path = Path(__file__).with_name("implicit.tsv")
    lines = path.read_text(encoding="utf-8").splitlines()
    header: list[str] | None = None
    for line in lines:
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        row = dict(zip(header, cells))
        r = Rule(_canon(row["source"]), _canon(row["target"]), row["iec_off"] == "x", row["iec_on"] == "x",
                 row["note"], row["ambiguity"], row["citation"])
        out[(r.source, r.target)] = r
    return out


@lru_cache(maxsize=1)
def _types() -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for s, _ in _table():
        seen.setdefault(s, None)
    return tuple(seen)


TYPES: tuple[str, ...] = _types()
"""The elementary types of the table, in Siemens' order (BOOL, bit strings, integers, reals, times...)."""


def rules() -> list[Rule]:
    """Every row, in the table's order."""
    return list(_table().values())


def rule(source: str, target: str) -> Rule | None:
    """The row for ``source`` into ``target`` (None for the same type or a type outside the table)."""
    return _table().get((_canon(source), _canon(target)))


def implicit(source: str, target: str, *, iec_check: bool) -> bool:
    """May a value of ``source`` be used where ``target`` is expected without a conversion instruction?

    The same type always may; a pair outside the table (a type Siemens' tables do not list) may not."""
    s, t = _canon(source), _canon(target)
    if s == t:
        return True
    r = _table().get((s, t))
    if r is None:
        return False
    return r.iec_on if iec_check else r.iec_off


def _as_number(t: str) -> tuple[str, int, bool] | None:
    """(family, bits, signed) of a type taking part in arithmetic; bit strings count as unsigned integers
    (Siemens, "Overview of data type conversion (S7-1500, S7-1200 G2)", note on bit strings in SCL)."""
    if t in _SIGNED:
        return "int", _SIGNED[t], True
    if t in _UNSIGNED:
        return "int", _UNSIGNED[t], False
    if t in _BITSTRINGS:
        return "int", _BITSTRINGS[t], False
    if t in _REALS:
        return "real", _REALS[t], True
    return None


def arithmetic_type(a: str, b: str, *, iec_check: bool) -> str | None:
    """The data type of ``a <op> b`` for + - * / MOD of two numbers or bit strings; None when not allowed.

    Without the IEC check (Siemens, SCL "Arithmetic expressions", S7-1200/S7-1500): two signed or two
    unsigned integers give the longer one; a signed and an unsigned integer give the next signed type
    that holds the unsigned one (SInt + USInt = Int; LInt + ULInt stays LInt, there is no longer one);
    an integer and a floating-point number give the floating-point type; two floating-point numbers
    the longer. A bit string counts as the unsigned integer of its width (the result keeps the bit
    string's name when both operands are bit strings).

    With the IEC check, mixing signed and unsigned is not allowed; otherwise one operand must convert
    implicitly (IEC check on) into the other, whose type is the result.
    """
    a, b = _canon(a), _canon(b)
    if a == b:
        return a if _as_number(a) else None
    na, nb = _as_number(a), _as_number(b)
    if na is None or nb is None:
        return None
    if iec_check:
        if implicit(a, b, iec_check=True):
            return b
        if implicit(b, a, iec_check=True):
            return a
        return None
    fa, wa, sa = na
    fb, wb, sb = nb
    if fa == "real" or fb == "real":
        if fa == "real" and fb == "real":
            return a if wa >= wb else b
        return a if fa == "real" else b
    if a in _BITSTRINGS and b in _BITSTRINGS:
        return a if wa >= wb else b
    if sa == sb:
        if wa == wb:  # a bit string and the unsigned integer of its width: the integer
            return a if a not in _BITSTRINGS else b
        return a if wa > wb else b
    signed_w, unsigned_w = (wa, wb) if sa else (wb, wa)
    if signed_w > unsigned_w:
        return a if sa else b
    return _SIGNED_OF[min(64, unsigned_w * 2)]


def comparable(a: str, b: str, *, iec_check: bool) -> bool:
    """May ``a`` and ``b`` be compared (= <> < > <= >=)? The same type, or one converts implicitly into the
    other; without the IEC check numbers and bit strings of any width compare (Siemens: in expressions a
    bit string counts as an unsigned integer, and integers and floating-point numbers mix)."""
    a, b = _canon(a), _canon(b)
    if a == b or implicit(a, b, iec_check=iec_check) or implicit(b, a, iec_check=iec_check):
        return True
    if iec_check:
        return False
    return _as_number(a) is not None and _as_number(b) is not None


# ------------------------------------------------------------------ the IEC check of a block
_TRUE = ("true", "'true'", '"true"')


def iec_check_of(obj: object) -> bool:
    """The IEC check of a SimaticML block (``<IsIECCheckEnabled>`` in its AttributeList); the default when
    the export does not carry it (V19+ exports without defaults)."""
    attr = getattr(obj, "attr", None)
    value = attr("IsIECCheckEnabled") if attr is not None else None
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return DEFAULT_IEC_CHECK if value is None else bool(value)


def iec_check_of_attributes(attributes: Iterable[object] | None) -> bool:
    """The IEC check of an SCL source block from its attribute list (objects with ``name`` and ``value``).

    TIA's SCL source format documents no attribute for the IEC check, so a source block normally has the
    default (off). ``S7_IECCheck := 'TRUE'`` is honoured: it is how TIA's S7DCL text format (V20+) writes
    the property; whether TIA reads it from an SCL source is not verified."""
    for a in attributes or ():
        name = getattr(a, "name", "")
        if name.replace("_", "").lower() == "s7ieccheck":
            return str(getattr(a, "value", "")).strip().lower() in _TRUE
    return DEFAULT_IEC_CHECK


# ------------------------------------------------------------------ values (the runtime)
def _wrap(value: int, bits: int, signed: bool) -> int:
    value &= (1 << bits) - 1
    if signed and value >> (bits - 1):
        value -= 1 << bits
    return value


def round_half_even(x: float) -> int:
    """TIA rounds a floating-point number into an integer to the nearest, a half to the even one
    (REAL #2.5 -> 2, #305.5 -> 306, #-2.5 -> -2: "Implicit conversion of REAL"). NaN and infinities give 0."""
    if not math.isfinite(x):
        return 0
    return round(x)


_INT_BITS = {**_SIGNED, **_UNSIGNED, **_BITSTRINGS}
_MS_TYPES = {"TIME": 32, "TIME_OF_DAY": 32, "S5TIME": 16, "DATE": 16}
_NS_TYPES = {"LTIME": 64, "LTIME_OF_DAY": 64}
_DAY_MS = 86_400_000


def convert_value(value: RuntimeScalar, source: str, target: str) -> RuntimeScalar:
    """``value`` (the runtime's representation of ``source``) implicitly converted into ``target``, as the
    table's note for the pair describes: integers modulo the target's width (a signed source into a
    longer bit string is zero-filled), floating-point numbers into integers rounded half to even, durations
    and times of day in ms (TIME, TOD) or ns (LTIME, LTOD), dates in days, characters as their code.

    Conversions the runtime cannot represent (DT, LDT, DTL) return the value unchanged."""
    s, t = _canon(source), _canon(target)
    if s == t:
        return value
    if t in ("REAL", "LREAL"):
        if s in _REALS:
            x = float(value)
        elif s in ("CHAR", "WCHAR"):
            x = float(_code(value))
        else:
            x = float(int(value))
        return _real32(x) if t == "REAL" else x
    if t in ("CHAR", "WCHAR"):
        if s in ("STRING", "WSTRING", "CHAR", "WCHAR"):
            text = str(value)
            return text[:1] if text else "\0"
        code = _wrap(int(value), 8 if t == "CHAR" else 16, False)
        return chr(code)
    if t in ("STRING", "WSTRING"):
        return str(value)
    if s in ("CHAR", "WCHAR"):
        value, s = _code(value), ("USINT" if s == "CHAR" else "UINT")
    if s in _REALS:
        if t in _BITSTRINGS and _REALS[s] == _BITSTRINGS[t]:  # REAL -> DWORD, LREAL -> LWORD: the bit pattern
            import struct

            fmt = ">f" if s == "REAL" else ">d"
            return int.from_bytes(struct.pack(fmt, float(value)), "big")
        value = round_half_even(float(value))
        s = "LINT"
    if s == "TIME" and t == "LTIME" or s == "TIME_OF_DAY" and t == "LTIME_OF_DAY":
        return int(value) * 1_000_000
    if s == "LTIME" and t == "TIME":
        v = int(value)
        return _wrap(-(-v // 1_000_000) if v < 0 else v // 1_000_000, 32, True)
    if s == "LTIME_OF_DAY" and t == "TIME_OF_DAY":
        return min((int(value) + 500_000) // 1_000_000, _DAY_MS - 1)
    if t in _INT_BITS:
        bits = _INT_BITS[t]
        v = int(value)
        if s in _SIGNED and t in _BITSTRINGS:  # the source's own bit pattern, zero-filled
            v &= (1 << _SIGNED[s]) - 1
        return _wrap(v, bits, t in _SIGNED)
    if t == "TIME":
        return _wrap(int(value), 32, True)
    if t == "LTIME":
        return _wrap(int(value), 64, True)
    if t == "TIME_OF_DAY":
        return int(value) % _DAY_MS
    if t == "LTIME_OF_DAY":
        return int(value) % (_DAY_MS * 1_000_000)
    if t == "DATE":
        return _wrap(int(value), 16, False)
    if t == "S5TIME":
        return min(max(int(value), 0), 9_990_000)
    return value


def _code(ch: object) -> int:
    text = str(ch)
    return ord(text[0]) if text else 0


def _real32(x: float) -> float:
    import struct

    try:
        value: float = struct.unpack(">f", struct.pack(">f", x))[0]
        return value
    except OverflowError:
        return math.copysign(math.inf, x)
