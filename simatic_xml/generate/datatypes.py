"""Data type names a spec may use, in TIA's spelling.

* elementary types (case-insensitive in the spec, written in TIA's spelling): ``Bool Byte Word DWord LWord
  SInt Int DInt LInt USInt UInt UDInt ULInt Real LReal Time LTime S5Time Date Time_Of_Day LTime_Of_Day
  Date_And_Time LDT DTL Char WChar String WString Variant`` (``TOD``, ``LTOD``, ``DT`` are accepted as
  aliases); ``Void`` only as an FC return type;
* ``String[n]`` / ``WString[n]`` with 1 <= n <= 254 (16382 for WString);
* ``Array[lo..hi] of T`` and ``Array[lo..hi, lo..hi] of T`` (up to 6 dimensions, integer bounds,
  lo <= hi), element type any of these except Struct and Array. With ``lenient`` (the SCL-source path,
  which follows TIA's "generate blocks from source") a bound may also be a local (``#UNITS``) or global
  (``"AXIS_NUM"``) constant, ``Array[*]`` is allowed (TIA: FC parameters and FB InOut), and the element may
  be ``Struct`` (TIA allows ``Array[..] of Struct``; exports write it so, with the nested members);
* ``"Name"``: a PLC data type (UDT) or, for multi-instances, an FB;
* ``Struct`` (only with nested ``members``);
* system FB types usable as multi-instances (``TON_TIME`` …), written with their library ``Version``;
  with ``lenient`` also every type of the system-type catalog (:mod:`simatic_xml.system_types`, when
  present) and any other unquoted name, which is then reported by the caller as ``MISSING_TYPE`` (TIA
  generates the block and marks it inconsistent until the type exists).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .errors import SpecError

if TYPE_CHECKING:
    from simatic_xml.system_types import SystemType

__all__ = (
    "ELEMENTARY", "SYSTEM_ELEMENTARY", "SYSTEM_FB_TYPES", "TYPE_VERSIONS", "array_bounds", "catalog_type", "is_bool",
    "is_system_instance", "normalize_datatype",
    "referenced_types", "type_version", "unknown_type_names",
)

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
SYSTEM_ELEMENTARY: dict[str, str] = {
    t.upper(): t
    for t in (
        "ANY POINTER BLOCK_FB BLOCK_FC BLOCK_DB BLOCK_SDB TIMER COUNTER DB_ANY DB_WWW DB_DYN HW_ANY HW_IO HW_DEVICE "
        "HW_MODULE HW_IOSYSTEM HW_DPMASTER HW_DPSLAVE "
        "HW_SUBMODULE HW_INTERFACE HW_IEPORT HW_HSC HW_PWM HW_PTO CONN_ANY CONN_PRG CONN_OUC CONN_R_ID EVENT_ANY "
        "EVENT_ATT EVENT_HWINT OB_ANY OB_DELAY OB_CYCLIC OB_ATT OB_PCYCLE OB_HWINT OB_DIAG OB_TIMEOFDAY OB_STARTUP "
        "PORT RTM PIP AOM_IDENT DB_SPECIFIC"
    ).split()
}
"""Parameter/hardware/system types of S7-1200/1500 that are written unquoted like elementary types
(``HW_ANY``, ``CONN_OUC`` as the corpus exports write them; STEP 7 help "Parameter types" and "Hardware data
types"). They are accepted on the SCL-source path only."""
"""Types written with a ``Version`` attribute on the member (DTL 1.0 is in the corpus, too)."""
_SYSTEM_UPPER = {k.upper(): k for k in SYSTEM_FB_TYPES}

_STRING = re.compile(r"(W?String)\s*\[\s*(\d+)\s*\]\Z", re.IGNORECASE)
_ARRAY = re.compile(r"Array\s*\[(.+?)\]\s+of\s+(.+)\Z", re.IGNORECASE | re.DOTALL)
_BOUND = re.compile(r"\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*\Z")
# One bound of a lenient array: an integer, a local constant (#N, #"N") or a global constant ("N"), with
# an optional sign or a simple +/- offset as TIA allows constant expressions there.
_SYMBOL = r'(?:-?\d+|\#(?:"[^"]+"|[A-Za-z_]\w*)|"[^"]+"|[A-Za-z_]\w*)'
_LENIENT_BOUND = re.compile(
    rf"\s*({_SYMBOL}(?:\s*[-+*]\s*{_SYMBOL})*)\s*\.\.\s*({_SYMBOL}(?:\s*[-+*]\s*{_SYMBOL})*)\s*\Z"
)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_QUOTED = re.compile(r'"([^"]+)"\Z')


def catalog_type(name: str) -> SystemType | None:
    """The system-type catalog's entry for ``name`` (case-insensitive), or None.

    The catalog (:mod:`simatic_xml.system_types`, ``lookup(name) -> SystemType | None``) is optional here:
    without it only :data:`SYSTEM_FB_TYPES` are known.
    """
    try:
        from simatic_xml.system_types import lookup
    except ImportError:
        return None
    try:
        return lookup(name)
    except Exception:  # a catalog still being built must not break generation
        return None


def type_version(datatype: str) -> str | None:
    """The library ``Version`` a member of this type is written with (``TON_TIME`` 1.0, ``DTL`` 1.0 …)."""
    if datatype in TYPE_VERSIONS:
        return TYPE_VERSIONS[datatype]
    if datatype.startswith(('"', "Array", "String[", "WString[")) or datatype.upper() in ELEMENTARY:
        return None
    entry = catalog_type(datatype)
    return getattr(entry, "version", None) if entry is not None else None


def is_system_instance(datatype: str) -> bool:
    """True for a system FB type whose member is a multi-instance (``TON_TIME``, ``CONT_C`` …)."""
    if datatype in SYSTEM_FB_TYPES:
        return True
    if datatype.startswith(('"', "Array")) or datatype.upper() in ELEMENTARY:
        return False
    entry = catalog_type(datatype)
    if entry is None:
        return False
    # The catalog's kind for instance types of instructions (TON_TIME, CONT_C, Program_Alarm …); its
    # vocabulary is the catalog's, so accept the spellings an FB kind can have.
    kind = str(getattr(entry, "kind", "")).lower().replace("-", "_").replace(" ", "_")
    return kind in ("fb", "sfb", "instance", "instruction_fb", "function_block", "system_fb") or kind.endswith("_fb")


def unknown_type_names(datatype: str) -> list[str]:
    """Unquoted type names in ``datatype`` that are neither elementary, system FB types nor in the catalog."""
    out: list[str] = []
    value = datatype
    m = _ARRAY.match(value)
    if m:
        value = m.group(2).strip()
    if value.startswith('"') or value in ("Struct", "Void") or _STRING.match(value) or value.upper() in ELEMENTARY:
        return out
    if value.upper().startswith("REF_TO "):
        return unknown_type_names(value[7:].strip())
    if value in SYSTEM_FB_TYPES or catalog_type(value) is not None:
        return out
    out.append(value)
    return out


def normalize_datatype(text: object, field: str, *, struct_ok: bool = False, void_ok: bool = False,
                       lenient: bool = False) -> str:
    """TIA's spelling of ``text``, or :class:`SpecError` at ``field``.

    ``lenient`` is the SCL-source path (see the module docstring): constant array bounds, ``Array[*]``,
    ``Array .. of Struct``, ``Ref_To``, catalog types and unknown unquoted names pass.
    """
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
    if lenient:
        m = re.match(r"(W?String)\s*\[\s*(\#?\"?[^\]]+?\"?)\s*\]\Z", value, re.IGNORECASE)
        if m:  # STRING[#LEN] / STRING["LEN"]: a constant length, as TIA allows
            return f"{'WString' if m.group(1).upper() == 'WSTRING' else 'String'}[{m.group(2)}]"
    m = _ARRAY.match(value)
    if m:
        dims = []
        for part in m.group(1).split(","):
            b = _BOUND.match(part)
            if b:
                lo, hi = int(b.group(1)), int(b.group(2))
                if lo > hi:
                    raise SpecError(field, f"array lower bound {lo} is above upper bound {hi}")
                dims.append(f"{lo}..{hi}")
                continue
            if lenient and part.strip() == "*":
                dims.append("*")
                continue
            lb = _LENIENT_BOUND.match(part) if lenient else None
            if lb:
                dims.append(f"{lb.group(1)}..{lb.group(2)}")
                continue
            raise SpecError(field, f"array bounds must be lo..hi integers, got {part.strip()!r}")
        if len(dims) > 6:
            raise SpecError(field, "arrays have at most 6 dimensions")
        element = m.group(2).strip()
        if lenient and element.upper() == "STRUCT":
            return f"Array[{', '.join(dims)}] of Struct"
        if element.upper().startswith("ARRAY") or element.upper() == "STRUCT":
            raise SpecError(field, "array elements cannot be Array or Struct (use a PLC data type)")
        inner = normalize_datatype(element, field, lenient=lenient)
        return f"Array[{', '.join(dims)}] of {inner}"
    m = _QUOTED.match(value)
    if m:
        from .names import check_block_name

        check_block_name(m.group(1), field)
        return value
    if lenient:
        if upper in SYSTEM_ELEMENTARY:
            return SYSTEM_ELEMENTARY[upper]
        if upper.startswith("REF_TO "):
            return "Ref_To " + normalize_datatype(value[7:], field, lenient=True)
        entry = catalog_type(value)
        if entry is not None:
            return str(getattr(entry, "name", value))
        if _IDENT.match(value):
            return value  # a system/library type this tool does not know: the caller reports MISSING_TYPE
    raise SpecError(field, f"unknown data type {value!r}")


def array_bounds(datatype: str) -> list[tuple[int, int]] | None:
    """The integer bounds of each dimension of an ``Array[..] of T``; None for no array or one whose bounds are not
    all integers (a constant, ``*``)."""
    m = _ARRAY.match(datatype)
    if m is None:
        return None
    bounds = [_BOUND.match(part) for part in m.group(1).split(",")]
    return [(int(b.group(1)), int(b.group(2))) for b in bounds if b] if all(bounds) else None


def referenced_types(datatype: str) -> list[str]:
    """User type names (without quotes) a data type refers to."""
    return re.findall(r'"([^"]+)"', datatype)


def is_bool(datatype: str | None) -> bool:
    """True for ``Bool``."""
    return datatype == "Bool"
