"""Date-and-time arithmetic on DTL: T_ADD and T_SUB of a duration, T_DIFF of two DTLs.

S7-1200 System Manual A5E02486680-05 (11/2011), 8.1, Tables 8-3 .. 8-6, and A5E02486680-AK (09/2016), 9.1, Tables
9-3 .. 9-6: DTL + Time = DTL, DTL - Time = DTL, DTL - DTL = Time; "ENO = 0 and parameter OUT = 0" for an invalid DTL
or Time value. A DTL result outside DTL's range (1970-01-01 .. 2554-12-31) is such an error too; for a DTL the
manual gives no "0", so its first value, DTL#1970-01-01-00:00:00, is stored (a zero-filled DTL would be no date).
A Time difference outside Time's range (T#-24D20H31M23S648MS .. T#24D20H31M23S647MS) is 0 with ENO FALSE.
LTIME durations (IN2 an LTime) are added in nanoseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engineering_api.rules.plc_values import DTL_LAST_NS, INT_RANGES, dtl_ns, dtl_of_ns

__all__ = ("dtl_difference", "dtl_difference_valid", "dtl_shift", "dtl_shift_valid")

_NS = {"TIME": 1_000_000, "LTIME": 1}
_FIRST = dtl_of_ns(0)


def _shifted(sign: int, unit: int, value: dict[str, Any], duration: int) -> int | None:
    """The nanoseconds of ``value`` moved by ``duration`` (in ``unit`` ns), or None: no valid DTL, or outside."""
    start = dtl_ns(value)
    if isinstance(start, tuple):
        return None
    moved = start + sign * duration * unit
    return moved if 0 <= moved <= DTL_LAST_NS else None


def dtl_shift(sign: int, duration_type: str | None) -> Callable[[dict[str, Any], int], dict[str, int]] | None:
    """T_ADD (``sign`` 1) or T_SUB (-1) of a TIME or LTIME to a DTL; None for another duration type."""
    unit = _NS.get(duration_type or "TIME")
    if unit is None:
        return None

    def shift(value: dict[str, Any], duration: int) -> dict[str, int]:
        moved = _shifted(sign, unit, value, duration)
        return dict(_FIRST) if moved is None else dtl_of_ns(moved)

    return shift


def dtl_shift_valid(sign: int, duration_type: str | None) -> Callable[..., bool]:
    """The ENO of :func:`dtl_shift`: the DTL valid and the result inside DTL's range."""
    unit = _NS.get(duration_type or "TIME", 1_000_000)
    return lambda value, duration, _result: _shifted(sign, unit, value, duration) is not None


def _difference_ms(first: dict[str, Any], second: dict[str, Any]) -> int | None:
    a, b = dtl_ns(first), dtl_ns(second)
    if isinstance(a, tuple) or isinstance(b, tuple):
        return None
    ns = a - b
    ms = ns // 1_000_000 if ns >= 0 else -(-ns // 1_000_000)  # toward zero
    low, high = INT_RANGES["TIME"]
    return ms if low <= ms <= high else None


def dtl_difference(first: dict[str, Any], second: dict[str, Any]) -> int:
    """T_DIFF of two DTLs: IN1 - IN2 in milliseconds (a Time), 0 when either is no valid DTL or it overflows."""
    ms = _difference_ms(first, second)
    return 0 if ms is None else ms


def dtl_difference_valid(first: dict[str, Any], second: dict[str, Any], _result: int) -> bool:
    """The ENO of :func:`dtl_difference`."""
    return _difference_ms(first, second) is not None
