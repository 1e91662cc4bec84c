"""Elementary PLC values as TIA defines them: ranges, wrapping, defaults, SCL constant texts and JSON values.

Types are the checker's canonical upper-case names (``INT``, ``TIME_OF_DAY``...; see
:mod:`engineering_api.rules.compiler.types`). Integers and bit strings wrap modulo their width, as S7-1500
arithmetic does; ``REAL`` is rounded to single precision when stored. Pure rules, no model state: the fake's
simulated CPU (:mod:`fakes.runtime.values`) and the watch/force table checks of both adapters
(:mod:`engineering_api.rules.watch_operands`) use them.
"""

from __future__ import annotations

import math
import struct
from typing import Any

from simatic_xml.conversions import round_half_even

__all__ = (
    "AREA_SIZES", "BITS", "DTL_FIELD_ERRORS", "DTL_LAST_NS", "DT_FIRST_NS", "DT_LAST_MS", "INT_RANGES", "LDT_LAST_NS",
    "date_time_value", "default_value",
    "dtl_ns", "dtl_of_ns", "from_json", "is_int_type", "is_retentive_marker_size", "literal_value", "parse_text",
    "to_real32", "wrap",
)


AREA_SIZES = {"I": 32 * 1024, "Q": 32 * 1024, "M": 16 * 1024}
"""Bytes of the process images and bit memory of the S7-1500 CPUs this service models (%I, %Q, %M)."""


def is_retentive_marker_size(value: object) -> bool:
    """Whether ``value`` is a retentive bit memory size the CPU holds: a whole number of bytes from MB0, at most the
    %M area (the PLC tags' "Retain" setting)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= AREA_SIZES["M"]

INT_RANGES: dict[str, tuple[int, int]] = {
    "SINT": (-0x80, 0x7F), "INT": (-0x8000, 0x7FFF), "DINT": (-0x8000_0000, 0x7FFF_FFFF),
    "LINT": (-0x8000_0000_0000_0000, 0x7FFF_FFFF_FFFF_FFFF),
    "USINT": (0, 0xFF), "UINT": (0, 0xFFFF), "UDINT": (0, 0xFFFF_FFFF), "ULINT": (0, 0xFFFF_FFFF_FFFF_FFFF),
    "BYTE": (0, 0xFF), "WORD": (0, 0xFFFF), "DWORD": (0, 0xFFFF_FFFF), "LWORD": (0, 0xFFFF_FFFF_FFFF_FFFF),
    "CHAR": (0, 0xFF), "WCHAR": (0, 0xFFFF),
    # Durations: TIME in ms (DInt), LTIME in ns (LInt), S5TIME in ms up to 2h46m30s.
    "TIME": (-0x8000_0000, 0x7FFF_FFFF), "LTIME": (-0x8000_0000_0000_0000, 0x7FFF_FFFF_FFFF_FFFF),
    "S5TIME": (0, 9_990_000), "DATE": (0, 65_378), "TIME_OF_DAY": (0, 86_399_999),
    "LTIME_OF_DAY": (0, 86_399_999_999_999),
}
BITS: dict[str, int] = {
    "BOOL": 1, "BYTE": 8, "WORD": 16, "DWORD": 32, "LWORD": 64, "SINT": 8, "USINT": 8, "INT": 16, "UINT": 16,
    "DINT": 32, "UDINT": 32, "LINT": 64, "ULINT": 64, "REAL": 32, "LREAL": 64, "TIME": 32, "LTIME": 64,
    "CHAR": 8, "WCHAR": 16, "DATE": 16, "TIME_OF_DAY": 32, "S5TIME": 16,
}
_DEFAULTS: dict[str, Any] = {"BOOL": False, "REAL": 0.0, "LREAL": 0.0, "STRING": "", "WSTRING": "", "CHAR": "\0",
                             "WCHAR": "\0"}
_FLOAT = struct.Struct(">f")


def is_int_type(t: str | None) -> bool:
    """Integers, bit strings and the time types kept as integers."""
    return t in INT_RANGES and t not in ("CHAR", "WCHAR")


def to_real32(x: float) -> float:
    """Round to single precision (what storing into a ``Real`` does); inf on overflow, as the FPU."""
    try:
        rounded: float = _FLOAT.unpack(_FLOAT.pack(x))[0]
        return rounded
    except OverflowError:
        return float("inf") if x > 0 else float("-inf")


def wrap(value: int, t: str) -> int:
    """``value`` modulo the width of integer type ``t``, into its range (two's complement).

    A floating-point ``value`` (an implicit Real -> integer conversion) is first rounded half to even, as TIA
    documents ("Implicit conversion of REAL (S7-1500, S7-1200 G2)": #2.5 -> 2, #305.5 -> 306 -> USInt 50)."""
    if type(value) is float:
        value = round_half_even(value)
    low, high = INT_RANGES[t]
    if low <= value <= high:
        return value
    if t in ("S5TIME", "DATE", "TIME_OF_DAY", "LTIME_OF_DAY"):
        return min(max(value, low), high) if t == "S5TIME" else value % (high + 1)
    span = high - low + 1
    return (value - low) % span + low


def default_value(t: str | None) -> Any:
    """The default of an elementary type (0, False, 0.0, '')."""
    if t in _DEFAULTS:
        return _DEFAULTS[t]
    return 0



# Literals and wire values.

_EPOCH_1990 = 726_468  # date(1990, 1, 1).toordinal()
_NS_PER_MS = 1_000_000
_LONG_TIME = frozenset(["LTIME", "LTIME_OF_DAY"])


def _date_days(text: str) -> int:
    from datetime import date

    y, m, d = (int(x) for x in text.strip().split("-"))
    return date(y, m, d).toordinal() - _EPOCH_1990


def _tod_ms(text: str) -> float:
    parts = text.strip().split(":")
    h, m = int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    s = float(parts[2]) if len(parts) > 2 else 0.0
    return ((h * 60 + m) * 60 + s) * 1000


_EPOCH_1970 = 719_163  # date(1970, 1, 1).toordinal(): the first day of DTL and LDT
LDT_LAST_NS = 2**63 - 1
"""The nanoseconds since 1970-01-01 of LDT's last value, LDT#2262-04-11-23:47:16.854775807."""
_DTL_LAST_YEAR = 2554  # DTL#2554-12-31-23:59:59.999999999
DTL_LAST_NS = (932_830 - _EPOCH_1970) * 86_400 * 1_000_000_000 - 1  # date(2555, 1, 1).toordinal(), less 1 ns
"""The nanoseconds since 1970-01-01 of DTL's last value, DTL#2554-12-31-23:59:59.999999999."""
DT_FIRST_NS = (_EPOCH_1990 - _EPOCH_1970) * 86_400 * 1_000_000_000
"""The nanoseconds since 1970-01-01 of DT's first value, DT#1990-01-01-00:00:00.000."""
DT_LAST_MS = (762_993 - _EPOCH_1990) * 86_400_000 - 1  # date(2090, 1, 1).toordinal(), less 1 ms
"""The milliseconds since DT#1990-01-01-00:00:00 of DT's last value, DT#2089-12-31-23:59:59.999.

A DATE_AND_TIME is eight BCD-coded bytes on the CPU (year, month, day, hour, minute, second, three digits of
milliseconds, the weekday in the last half byte; "Programming with STEP 7", manual 05/2010, A5E02789666-01,
27.3.3.2 "Format of the Data Type DATE_AND_TIME": DT#1990-1-1-0:0:0.0 to DT#2089-12-31-23:59:59.999). The
simulated store keeps what those bytes say, as it keeps a DTL's members rather than its bytes: the milliseconds
since the type's first value, so every value it holds is a DT (no BCD digit out of its range, no 31 April, no
weekday that disagrees with the date), and comparisons and differences are integer ones."""


def _date_time_members(text: str) -> dict[str, int]:
    """The members of a date-and-time constant's value (``2024-02-29-12:34:56.789``: the parser's value of ``DTL#``,
    ``LDT#`` and ``DT#`` constants, the fraction up to nanoseconds), unchecked but for the fraction's digits."""
    day_text, _, time_text = text.strip().rpartition("-")
    year, month, day = (int(x) for x in day_text.split("-"))
    parts = time_text.split(":")
    whole, _, fraction = (parts[2] if len(parts) > 2 else "0").partition(".")
    if len(fraction) > 9:
        raise ValueError(f"{text!r} is finer than a nanosecond")
    return {"YEAR": year, "MONTH": month, "DAY": day, "HOUR": int(parts[0]),
            "MINUTE": int(parts[1]) if len(parts) > 1 else 0, "SECOND": int(whole),
            "NANOSECOND": int(fraction.ljust(9, "0"))}


def date_time_value(text: str, t: str | None) -> Any:
    """A date-and-time constant stored as ``t``: a ``DTL`` is the structure of its members, an ``LDT`` its
    nanoseconds since 1970-01-01. S7-1200 System Manual A5E02486680-AK (09/2016), Tables 5-33 and 5-34: a DTL
    runs from DTL#1970-01-01-00:00:00.0 to DTL#2554-12-31-23:59:59.999999999, its WEEKDAY 1 (Sunday) to
    7 (Saturday), not part of the constant; an LDT (STEP 7 help, "LDT (DATE_AND_TIME)") counts nanoseconds from
    1970 up to LDT#2262-04-11-23:47:16.854775807; a ``DATE_AND_TIME`` is its milliseconds since DT#1990-01-01
    (:data:`DT_LAST_MS`), a constant finer than a millisecond being none of its values.

    Raises:
        ValueError: not a date and time, outside the type's range, or a type this model does not store.
    """
    ns = dtl_ns(_date_time_members(text))  # each member checked as a DTL's (:func:`dtl_ns`)
    if isinstance(ns, tuple):
        raise ValueError(f"{text!r} is no date and time of {t}'s range: its {ns[0]} is not")
    if t == "LDT" and ns > LDT_LAST_NS:
        raise ValueError(f"{text!r} is outside the range of LDT")
    if t == "LDT":
        return ns
    if t == "DATE_AND_TIME":
        ms, finer = divmod(ns - DT_FIRST_NS, 1_000_000)
        if finer or not 0 <= ms <= DT_LAST_MS:
            raise ValueError(f"{text!r} is no DATE_AND_TIME (DT#1990-01-01-00:00:00 .. DT#2089-12-31-23:59:59.999"
                             ", whole milliseconds)")
        return ms
    if t == "DTL":
        return dtl_of_ns(ns)
    raise ValueError(f"date-and-time constants of type {t} are not supported: {text!r}")


def dtl_of_ns(ns: int) -> dict[str, int]:
    """The DTL of an instant given in nanoseconds since 1970-01-01 (not before it): its members, WEEKDAY 1 for
    Sunday (S7-1200 System Manual A5E02486680-AK, Table 5-34)."""
    from datetime import date

    seconds, nanoseconds = divmod(ns, 1_000_000_000)
    days, second_of_day = divmod(seconds, 86_400)
    when = date.fromordinal(_EPOCH_1970 + days)
    hour, rest = divmod(second_of_day, 3600)
    return {"YEAR": when.year, "MONTH": when.month, "DAY": when.day, "WEEKDAY": when.isoweekday() % 7 + 1,
            "HOUR": hour, "MINUTE": rest // 60, "SECOND": rest % 60, "NANOSECOND": nanoseconds}


DTL_FIELD_ERRORS = (("YEAR", 0x8081), ("MONTH", 0x8082), ("DAY", 0x8083), ("HOUR", 0x8084), ("MINUTE", 0x8085),
                    ("SECOND", 0x8086), ("NANOSECOND", 0x8087))
"""The date-and-time instructions' condition code for an invalid member of a DTL, in the order they are checked
(S7-1200 System Manual A5E02486680-05, 8.1, Table 8-11: 16#8081 illegal year .. 16#8087 illegal nanosecond)."""


def dtl_ns(value: dict[str, Any]) -> int | tuple[str, int]:
    """The nanoseconds since 1970-01-01 of a DTL, or (member, condition code) of its first invalid member: a year
    outside 1970..2554, a month, a day of that month, an hour, minute, second or nanosecond out of its range
    (WEEKDAY is not read: it is not part of a DTL's value)."""
    from calendar import monthrange
    from datetime import date

    year, month, day = value["YEAR"], value["MONTH"], value["DAY"]
    checks = {"YEAR": lambda: 1970 <= year <= _DTL_LAST_YEAR, "MONTH": lambda: 1 <= month <= 12,
              "DAY": lambda: 1 <= day <= monthrange(year, month)[1], "HOUR": lambda: 0 <= value["HOUR"] <= 23,
              "MINUTE": lambda: 0 <= value["MINUTE"] <= 59, "SECOND": lambda: 0 <= value["SECOND"] <= 59,
              "NANOSECOND": lambda: 0 <= value["NANOSECOND"] <= 999_999_999}
    for member, code in DTL_FIELD_ERRORS:  # in order: a day is checked against a valid year and month
        if not checks[member]():
            return member, code
    days = date(year, month, day).toordinal() - _EPOCH_1970
    seconds = ((days * 24 + value["HOUR"]) * 60 + value["MINUTE"]) * 60 + value["SECOND"]
    return int(seconds) * 1_000_000_000 + int(value["NANOSECOND"])


def literal_value(kind: str, value: Any, t: str | None) -> Any:
    """The run-time value of an SCL literal (``simatic_xml.scl.ast.Literal`` kind and value) stored as ``t``.

    Time literals carry milliseconds; ``LTime`` keeps nanoseconds, so they are scaled here. Dates become
    days since 1990-01-01 and times of day milliseconds (nanoseconds for ``LTOD``).
    """
    if kind == "time":
        return int(value * _NS_PER_MS) if t in _LONG_TIME else int(value)
    if kind == "date":
        return _date_days(value)
    if kind == "tod":
        ms = _tod_ms(value)
        return int(ms * _NS_PER_MS) if t in _LONG_TIME else int(ms)
    if kind == "dt":
        return date_time_value(value, t)
    if t == "BOOL":
        return bool(value)
    if t in ("REAL", "LREAL"):
        return to_real32(float(value)) if t == "REAL" else float(value)
    if t in ("STRING", "WSTRING", "CHAR", "WCHAR"):
        return str(value)
    if isinstance(value, bool):
        return int(value) if t in INT_RANGES else value
    if isinstance(value, int) and t in INT_RANGES:
        return wrap(value, t)
    return value


def parse_text(text: str, t: str | None) -> Any:
    """An elementary value written as SCL text (a start value or a wire value): ``16#FF``, ``T#2s``, ``-3``...

    Raises:
        ValueError: the text is not a constant of that kind.
    """
    from simatic_xml.scl import SclSyntaxError, parse_statements
    from simatic_xml.scl import ast as A

    stripped = text.strip()
    if t in ("STRING", "WSTRING", "CHAR", "WCHAR") and not stripped.startswith(("'", '"')) and "#" not in stripped:
        return stripped
    try:
        stmt = parse_statements(f"x := {stripped};")[0]
    except (SclSyntaxError, IndexError) as exc:
        raise ValueError(f"{text!r} is not a constant") from exc
    if type(stmt) is not A.Assign:  # "x := <text>;" parses as an assignment unless the text ends the statement
        raise ValueError(f"{text!r} is not a constant")
    node = stmt.value
    sign = 1
    if type(node) is A.UnaryOp and node.op == "-" and type(node.operand) is A.Literal:
        sign, node = -1, node.operand
    if type(node) is not A.Literal:
        raise ValueError(f"{text!r} is not a constant")
    value: Any = node.value  # a number, or a time constant's value: whatever literal_value reads
    if sign < 0:
        value = -value
    return literal_value(node.kind, value, t)


_INSTANT_RANGES = {"DATE_AND_TIME": (0, DT_LAST_MS), "LDT": (0, LDT_LAST_NS)}
"""The instants kept as integers (a DT's milliseconds since 1990, an LDT's nanoseconds since 1970): written as the
integer or as a ``DT#``/``LDT#`` constant, inside the type."""

_TYPE_NAMES = {"BOOL": "a Bool", "REAL": "a number", "LREAL": "a number", "STRING": "a string", "WSTRING": "a string"}


def from_json(value: Any, t: str, *, length: int = 254) -> Any:
    """A JSON value (bool, int, float or SCL text) checked and converted for elementary type ``t`` (a DT or LDT:
    its integer, :data:`_INSTANT_RANGES`).

    Raises:
        TypeError: the JSON type does not fit ``t`` (a number for a Bool, a string for an Int that is not a constant).
        ValueError: the value is outside ``t``'s range, or a text that is no constant.
    """
    if isinstance(value, str) and t not in ("STRING", "WSTRING", "CHAR", "WCHAR"):
        try:
            value = parse_text(value, t)
        except ValueError as exc:
            raise TypeError(f"{value!r} is not a constant of type {t}") from exc
    if t == "BOOL":
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise TypeError(f"{value!r} is not a Bool")
    if t in ("REAL", "LREAL"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{value!r} is not a number")
        v = float(value)
        if t == "REAL" and math.isfinite(v) and abs(v) > 3.4028234663852886e38:
            raise ValueError(f"{value!r} is outside the range of Real")
        return to_real32(v) if t == "REAL" else v
    if t in ("STRING", "WSTRING", "CHAR", "WCHAR"):
        if not isinstance(value, str):
            raise TypeError(f"{value!r} is not a string")
        limit = 1 if t in ("CHAR", "WCHAR") else length
        if len(value) > limit or (t in ("CHAR", "STRING") and any(ord(c) > 0xFF for c in value)):
            raise ValueError(f"{value!r} does not fit into {t}")
        return value
    ranges = _INSTANT_RANGES if t in _INSTANT_RANGES else INT_RANGES
    if t in ranges:
        if isinstance(value, bool):
            raise TypeError(f"{value!r} is not a number")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int):
            raise TypeError(f"{value!r} is not an integer")
        low, high = ranges[t]
        if not low <= value <= high:
            raise ValueError(f"{value} is outside the range of {t} [{low}..{high}]")
        return value
    raise TypeError(f"values of type {t} cannot be written")
