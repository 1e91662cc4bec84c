"""Date-and-time instants in the simulated PLC: DTL, DATE_AND_TIME (DT) and LDT.

Each is read as its nanoseconds since 1970-01-01 and written back into the type that receives it, so one rule serves
every pair: T_ADD and T_SUB of a duration, T_DIFF of two instants, T_COMBINE (CONCAT_DATE_TOD) of a Date and a time
of day, and the conversions between them and into DATE, TOD and LTOD (``DT_TO_DATE``, ``LDT_TO_DTL``, CONVERT,
T_CONV). The store keeps a DTL as its members, an LDT as its nanoseconds, a DT as its milliseconds since
DT#1990-01-01 (:data:`engineering_api.rules.plc_values.DT_LAST_MS`).

Sources: S7-1200 System Manual A5E02486680-AK (09/2016), 9.1, Tables 9-3 .. 9-6: DTL + Time = DTL, DTL - Time = DTL,
DTL - DTL = Time; "ENO = 0 and parameter OUT = 0" for an invalid DTL or Time value; Tables 9-7 and 9-8: T_COMBINE
(``CONCAT_DATE_TOD`` in SCL) combines a Date and a Time_of_Day into a DTL. "Programming with STEP 7" (A5E02789666-01,
27.3.3.2): DT runs from DT#1990-01-01-00:00:00.000 to DT#2089-12-31-23:59:59.999 in whole milliseconds; the DTL's
range (1970-01-01 .. 2554-12-31) is its Table 5-33, LDT's (1970 .. 2262-04-11) the STEP 7 help's.

Decisions where the manuals say nothing: an input that is no value of its type, or a result outside the receiving
type, is the manual's error: ENO FALSE and the receiving type's first value (0: DT#1990-01-01, LDT#1970-01-01, a
Date's D#1990-01-01, a Time's T#0s; a DTL's DTL#1970-01-01, as a zero-filled DTL would be no date). A finer
instant written into a coarser type is cut to the coarser unit (an LDT's nanoseconds into a DT's milliseconds, a
difference into a Time's milliseconds toward zero). The S7-300/400 IEC function AD_DT_TM (A5E00739858-01, 26.4)
instead limits a DT sum to the range's end; T_ADD is not documented to, so the error rule above is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engineering_api.rules.plc_values import (
    DT_FIRST_NS, DT_LAST_MS, DTL_LAST_NS, INT_RANGES, LDT_LAST_NS, dtl_ns, dtl_of_ns,
)

__all__ = ("INSTANTS", "Checked", "checked_call", "instant_conversion", "instant_ns", "total", "valid")

INSTANTS = frozenset({"DTL", "DATE_AND_TIME", "LDT"})
"""The types of an instant (a date and a time of day), canonical spelling."""

Checked = Callable[..., Any]
"""An instruction's value for its actuals, or None for the manual's error (ENO FALSE, the first value stored)."""

_MS = 1_000_000
_DAY_NS = 86_400 * 1_000_000_000
_DURATION_NS = {"TIME": _MS, "LTIME": 1}
_TIME_OF_DAY_NS = {"TIME_OF_DAY": _MS, "LTIME_OF_DAY": 1}
_FIRST: dict[str, Any] = {"DTL": dtl_of_ns(0), "LDT": 0, "DATE_AND_TIME": 0}


def instant_ns(t: str, value: Any) -> int | None:
    """The nanoseconds since 1970 of an instant of type ``t``; None when ``value`` is no value of that type."""
    if t == "DTL":
        ns = dtl_ns(value)
        return None if isinstance(ns, tuple) else ns
    if t == "LDT":
        return value if 0 <= value <= LDT_LAST_NS else None
    return DT_FIRST_NS + value * _MS if 0 <= value <= DT_LAST_MS else None


def _of_ns(t: str, ns: int) -> Any:
    """The value of type ``t`` (an instant, DATE, TOD, LTOD, TIME or LTIME) of ``ns``; None when it holds none."""
    if t == "DTL":
        return dtl_of_ns(ns) if 0 <= ns <= DTL_LAST_NS else None
    if t == "LDT":
        return ns if 0 <= ns <= LDT_LAST_NS else None
    if t == "DATE_AND_TIME":
        return (ns - DT_FIRST_NS) // _MS if DT_FIRST_NS <= ns <= DT_FIRST_NS + DT_LAST_MS * _MS + _MS - 1 else None
    if t == "DATE":
        days = (ns - DT_FIRST_NS) // _DAY_NS
        low, high = INT_RANGES["DATE"]
        return days if ns >= DT_FIRST_NS and low <= days <= high else None
    if t in _TIME_OF_DAY_NS:
        return ns % _DAY_NS // _TIME_OF_DAY_NS[t]
    unit = _DURATION_NS[t]
    value = ns // unit if ns >= 0 else -(-ns // unit)  # toward zero
    low, high = INT_RANGES[t]
    return value if low <= value <= high else None


def first_value(t: str) -> Any:
    """What an instruction's error stores into type ``t``: its first value (a fresh DTL)."""
    first = _FIRST.get(t, 0)
    return dict(first) if isinstance(first, dict) else first


def total(checked: Checked, t: str) -> Callable[..., Any]:
    """The instruction as the PLC runs it: ``checked``'s value, or ``t``'s first value on its error."""

    def run(*values: Any) -> Any:
        result = checked(*values)
        return first_value(t) if result is None else result

    return run


def valid(checked: Checked) -> Callable[..., bool]:
    """The ENO of :func:`total`: ``rule(*actuals, result)`` is whether ``checked`` found no error."""
    return lambda *values: checked(*values[:-1]) is not None


_NS_COUNTS = frozenset({"LINT", "ULINT", "LWORD"})
"""The 64-bit integers and bit string an LDT converts into and from as its bit pattern, its nanoseconds since
1970-01-01 (STEP 7 help, "Implicit conversion of LDT", "... of LINT", "... of ULINT", "... of LWORD" (S7-1500, S7-1200
G2): "The bit pattern of the source value is transferred unchanged right-justified to the destination data type.
(nanoseconds since 1/1/1970)"). No other number, and no string, converts into an LDT or a DT there (every other
row into LDT and every row into DT from a number or a string reads "No implicit conversion"; the explicit-conversion
tables were not at hand): those conversions stay not simulated, reported before a run."""


def _ns_count(src: str, dst: str) -> Checked | None:
    """LINT, ULINT or LWORD into LDT and back: the count of nanoseconds since 1970; a count that is no LDT (below 0,
    beyond LDT#2262-04-11-23:47:16.854775807) is the instants' error (ENO FALSE, the first value)."""
    if src == "LDT" and dst in _NS_COUNTS:
        return lambda ns: ns if 0 <= ns <= LDT_LAST_NS else None
    if src in _NS_COUNTS and dst == "LDT":
        return lambda count: count if 0 <= count <= LDT_LAST_NS else None
    return None


def instant_conversion(src: str | None, dst: str | None) -> Checked | None:
    """An instant of ``src`` converted into ``dst`` (an instant, DATE, TOD or LTOD), and an LDT from and into its
    nanoseconds (:data:`_NS_COUNTS`); None for other pairs, and for DTL into DATE and TOD, which
    :mod:`.stdlib_convert` converts member by member."""
    if src is not None and dst is not None and (counted := _ns_count(src, dst)) is not None:
        return counted
    if src not in INSTANTS or dst is None or src == dst or (src == "DTL" and dst in ("DATE", "TIME_OF_DAY")):
        return None
    if dst not in INSTANTS and dst not in _TIME_OF_DAY_NS and dst != "DATE":
        return None

    def convert(value: Any) -> Any:
        ns = instant_ns(src, value)
        return None if ns is None else _of_ns(dst, ns)

    return convert


def _shift(sign: int, t: str, duration: str | None) -> Checked | None:
    """T_ADD (``sign`` 1) or T_SUB (-1) of a TIME or LTIME to an instant of type ``t``."""
    unit = _DURATION_NS.get(duration or "TIME")
    if unit is None:
        return None

    def shift(value: Any, amount: int) -> Any:
        ns = instant_ns(t, value)
        return None if ns is None else _of_ns(t, ns + sign * amount * unit)

    return shift


def _difference(t: str, other: str | None, result: str | None) -> Checked | None:
    """T_DIFF of two instants of type ``t`` as a TIME (ms) or LTIME (ns)."""
    out = result or "TIME"
    if other not in (None, t) or out not in _DURATION_NS:
        return None

    def difference(first: Any, second: Any) -> Any:
        a, b = instant_ns(t, first), instant_ns(t, second)
        return None if a is None or b is None else _of_ns(out, a - b)

    return difference


def _combine(date: str | None, time_of_day: str | None, result: str | None) -> Checked | None:
    """T_COMBINE / CONCAT_DATE_TOD: a Date and a TOD or LTOD as the instant ``result`` (a DTL by default)."""
    out = result or "DTL"
    if date not in (None, "DATE") or out not in INSTANTS:
        return None
    unit = _TIME_OF_DAY_NS.get(time_of_day or "TIME_OF_DAY")
    if unit is None:
        return None
    low, high = INT_RANGES["DATE"]
    limit = _DAY_NS // unit

    def combine(days: int, of_day: int) -> Any:
        if not (low <= days <= high and 0 <= of_day < limit):
            return None
        return _of_ns(out, DT_FIRST_NS + days * _DAY_NS + of_day * unit)

    return combine


def checked_call(name: str, arg_types: tuple[str | None, ...], result: str | None) -> Checked | None:
    """The instant instruction ``name`` for these actual and result types; None when it is none of this module's
    (another module runs it, or nothing does)."""
    first = arg_types[0] if arg_types else None
    second = arg_types[1] if len(arg_types) > 1 else None
    if name in ("T_ADD", "T_SUB") and first in INSTANTS:
        return _shift(1 if name == "T_ADD" else -1, first, second)
    if name == "T_DIFF" and first in INSTANTS:
        return _difference(first, second, result)
    if name in ("T_COMBINE", "CONCAT_DATE_TOD"):
        return _combine(first, second, result)
    if len(arg_types) == 1 and (name in ("CONVERT", "T_CONV") or "_TO_" in name):
        return instant_conversion(first, result)
    return None
