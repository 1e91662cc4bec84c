"""Data type names a spec may use, in TIA's spelling.

* elementary types (case-insensitive in the spec, written in TIA's spelling): ``Bool Byte Word DWord LWord
  SInt Int DInt LInt USInt UInt UDInt ULInt Real LReal Time LTime S5Time Date Time_Of_Day LTime_Of_Day
  Date_And_Time LDT DTL Char WChar String WString Variant`` (``TOD``, ``LTOD``, ``DT`` are accepted as
  aliases); ``Void`` only as an FC return type;
* ``String[n]`` / ``WString[n]`` with 1 <= n <= 254 (16382 for WString);
* ``Array[lo..hi] of T`` and ``Array[lo..hi, lo..hi] of T`` (up to 6 dimensions, integer bounds,
  lo <= hi), element type any of these except Struct and Array;
* ``"Name"``: a PLC data type (UDT) or, for multi-instances, an FB;
* ``Struct`` (only with nested ``members``);
* system FB types usable as multi-instances (``TON_TIME`` …), written with their library ``Version``.
"""

from __future__ import annotations

import re

from .errors import SpecError

__all__ = ("ELEMENTARY", "SYSTEM_FB_TYPES", "TYPE_VERSIONS", "normalize_datatype", "referenced_types", "is_bool")

ELEMENTARY: dict[str, str] = {
    t.upper(): t
    for t in (
        "Bool Byte Word DWord LWord SInt Int DInt LInt USInt UInt UDInt ULInt Real LReal Time LTime S5Time "
        "Date Time_Of_Day LTime_Of_Day Date_And_Time LDT DTL Char WChar String WString Variant"
    ).split()
}
ELEMENTARY.update({"TOD": "Time_Of_Day", "LTOD": "LTime_Of_Day", "DT": "Date_And_Time"})

SYSTEM_FB_TYPES: dict[str, str] = {
    # name -> library version, as exported (TON_TIME 1.0, R_TRIG 1.0, F_TRIG 1.0 are in the corpus)
    "TON_TIME": "1.0", "TOF_TIME": "1.0", "TP_TIME": "1.0", "TONR_TIME": "1.0",
    "R_TRIG": "1.0", "F_TRIG": "1.0", "CTU_INT": "1.0", "CTD_INT": "1.0", "CTUD_INT": "1.0",
}
TYPE_VERSIONS: dict[str, str] = {**SYSTEM_FB_TYPES, "DTL": "1.0"}
"""Types written with a ``Version`` attribute on the member (DTL 1.0 is in the corpus, too)."""
_SYSTEM_UPPER = {k.upper(): k for k in SYSTEM_FB_TYPES}

_STRING = re.compile(r"(W?String)\s*\[\s*(\d+)\s*\]\Z", re.IGNORECASE)
_ARRAY = re.compile(r"Array\s*\[(.+?)\]\s+of\s+(.+)\Z", re.IGNORECASE | re.DOTALL)
_BOUND = re.compile(r"\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*\Z")
_QUOTED = re.compile(r'"([^"]+)"\Z')


def normalize_datatype(text: object, field: str, *, struct_ok: bool = False, void_ok: bool = False) -> str:
    """TIA's spelling of ``text``, or :class:`SpecError` at ``field``."""
    if not isinstance(text, str) or not text.strip():
        raise SpecError(field, "a data type is required")
    value = text.strip()
    upper = value.upper()
    if upper == "STRUCT":
        if not struct_ok:
            raise SpecError(field, "Struct is only allowed for a member with nested members")
        return "Struct"
    if upper == "VOID":
        if not void_ok:
            raise SpecError(field, "Void is only allowed as an FC return type")
        return "Void"
    if upper in ELEMENTARY:
        return ELEMENTARY[upper]
    if upper in _SYSTEM_UPPER:
        return _SYSTEM_UPPER[upper]
    m = _STRING.match(value)
    if m:
        kind = "WString" if m.group(1).upper() == "WSTRING" else "String"
        size = int(m.group(2))
        limit = 16382 if kind == "WString" else 254
        if not 1 <= size <= limit:
            raise SpecError(field, f"{kind} length must be 1..{limit}")
        return f"{kind}[{size}]"
    m = _ARRAY.match(value)
    if m:
        dims = []
        for part in m.group(1).split(","):
            b = _BOUND.match(part)
            if not b:
                raise SpecError(field, f"array bounds must be lo..hi integers, got {part.strip()!r}")
            lo, hi = int(b.group(1)), int(b.group(2))
            if lo > hi:
                raise SpecError(field, f"array lower bound {lo} is above upper bound {hi}")
            dims.append(f"{lo}..{hi}")
        if len(dims) > 6:
            raise SpecError(field, "arrays have at most 6 dimensions")
        element = m.group(2).strip()
        if element.upper().startswith("ARRAY") or element.upper() == "STRUCT":
            raise SpecError(field, "array elements cannot be Array or Struct (use a PLC data type)")
        inner = normalize_datatype(element, field)
        return f"Array[{', '.join(dims)}] of {inner}"
    m = _QUOTED.match(value)
    if m:
        from .names import check_block_name

        check_block_name(m.group(1), field)
        return value
    raise SpecError(field, f"unknown data type {value!r}")


def referenced_types(datatype: str) -> list[str]:
    """User type names (without quotes) a data type refers to."""
    return re.findall(r'"([^"]+)"', datatype)


def is_bool(datatype: str | None) -> bool:
    """True for ``Bool``."""
    return datatype == "Bool"
