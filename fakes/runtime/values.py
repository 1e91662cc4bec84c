"""Values at run time in the simulated CPU: arrays with bounds, fast wrapping, copies.

The elementary rules (ranges, wrapping, defaults, constant texts, JSON values) are
:mod:`engineering_api.rules.plc_values`, shared with the watch/force table checks of both adapters; they are
re-exported here for the engine's modules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from engineering_api.rules import plc_values
from engineering_api.rules.plc_values import (BITS, INT_RANGES, default_value, is_int_type, literal_value, to_real32,
                                              wrap)
from simatic_xml.conversions import convert_value, round_half_even
from simatic_xml.generate.start_ranges import duration_ns

from .errors import PlcRuntimeError

__all__ = (
    "BITS", "INT_RANGES", "PlcArray", "clone", "convert_value", "default_value", "duration_ns", "exact_in_real",
    "from_json",
    "is_int_type", "literal_value", "parse_text", "to_real32", "wrap", "wrapper",
)

_SIGNIFICAND_BITS = {"REAL": 24, "LREAL": 53}


def wrapper(t: str | None) -> Callable[[Any], Any] | None:
    """A fast one-argument function that brings an int into ``t``'s range, or None for non-integers."""
    if t not in INT_RANGES or t in ("CHAR", "WCHAR"):
        return to_real32 if t == "REAL" else None
    low, high = INT_RANGES[t]
    if low == 0 and t not in ("S5TIME", "DATE", "TIME_OF_DAY", "LTIME_OF_DAY"):
        mask = high
        # a float (an implicit Real -> integer conversion) is rounded half to even first, as wrap() does
        return lambda v: v & mask if type(v) is not float else wrap(round_half_even(v), t)
    return lambda v: v if type(v) is not float and low <= v <= high else wrap(v, t)


def exact_in_real(src: Any, dst: str | None) -> bool:
    """Every value of integer type ``src`` is a ``dst`` (Real: 24-bit significand, LReal: 53 bits), so
    ``float()`` alone converts it: SInt/USInt/Int/UInt into Real, up to DInt/UDInt into LReal."""
    if not is_int_type(src) or dst not in _SIGNIFICAND_BITS:
        return False
    low, high = INT_RANGES[src]
    return max(-low, high) <= 1 << _SIGNIFICAND_BITS[dst]


_DURATION_TEXT = re.compile(r"^\s*(?:LTIME|LT|TIME|T)#", re.IGNORECASE)


def _ltime_text(text: str) -> int | None:
    """The nanoseconds of a duration constant's text (``LT#1ms500us``), or None when it is no duration constant."""
    return duration_ns(text.strip()) if _DURATION_TEXT.match(text) else None


def parse_text(text: str, t: str | None) -> Any:
    """:func:`engineering_api.rules.plc_values.parse_text`, with an ``LTime``'s duration constant read in exact
    nanoseconds (a start value ``LT#1ns``; the shared parser's literal value is whole milliseconds)."""
    if t == "LTIME" and (ns := _ltime_text(text)) is not None:
        return wrap(ns, "LTIME")
    return plc_values.parse_text(text, t)


def from_json(value: Any, t: str, *, length: int = 254) -> Any:
    """:func:`engineering_api.rules.plc_values.from_json`, with an ``LTime`` written as text in exact nanoseconds."""
    if t == "LTIME" and isinstance(value, str) and (ns := _ltime_text(value)) is not None:
        value = ns
    return plc_values.from_json(value, t, length=length)


class PlcArray:
    """A one-dimensional array with its lower bound; multi-dimensional arrays nest PlcArrays.

    Indexing outside ``[low..high]`` raises :class:`PlcRuntimeError` (``index-out-of-range``), which
    stops a CPU without OB121, as on a real S7-1500.
    """

    __slots__ = ("element_type", "items", "low")

    def __init__(self, items: list[Any], low: int = 0, element_type: str | None = None) -> None:
        self.items = items
        self.low = low
        self.element_type = element_type

    @property
    def high(self) -> int:
        return self.low + len(self.items) - 1

    def position(self, index: int) -> int:
        """The Python list position of PLC index ``index``."""
        pos = index - self.low
        if 0 <= pos < len(self.items):
            return pos
        raise PlcRuntimeError(f"Array index {index} is out of range [{self.low}..{self.high}].",
                              code="index-out-of-range")

    def __getitem__(self, index: int) -> Any:
        return self.items[self.position(index)]

    def __setitem__(self, index: int, value: Any) -> None:
        self.items[self.position(index)] = value

    def __len__(self) -> int:
        return len(self.items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlcArray) and other.low == self.low and other.items == self.items

    def __repr__(self) -> str:
        return f"PlcArray(low={self.low}, items={self.items!r})"

    def __deepcopy__(self, memo: dict[int, Any]) -> PlcArray:
        import copy

        return PlcArray(copy.deepcopy(self.items, memo), self.low, self.element_type)


# ---------------------------------------------------------------------------------------------------
# Copies, literals and wire values (added for the engine: codegen, memory start values, symbols).

def clone(value: Any) -> Any:
    """A deep copy of a PLC value (dicts, PlcArrays, elementary values), much faster than ``copy.deepcopy``."""
    t = type(value)
    if t is dict:
        return {k: (v if type(v) in _SCALARS else clone(v)) for k, v in value.items()}
    if t is PlcArray:
        items = value.items
        if items and type(items[0]) in _SCALARS:
            return PlcArray(list(items), value.low, value.element_type)
        return PlcArray([clone(v) for v in items], value.low, value.element_type)
    if t is list:
        return [clone(v) for v in value]
    return value


_SCALARS = frozenset([bool, int, float, str, type(None)])


