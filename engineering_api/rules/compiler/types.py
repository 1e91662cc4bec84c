"""Data types of the checker, and TIA's implicit conversions (from :mod:`simatic_xml.conversions`) on them.

A type is either a canonical upper-case elementary name (``INT``, ``TIME_OF_DAY``...), one of the
literal pseudo types (``#INTLIT`` an untyped integer literal, ``#REALLIT``, ``#STRLIT``), or an
:class:`ArrayT` / :class:`StructT` / :class:`NamedT`. ``None`` means "unknown": it is compatible with
everything, so the checker never reports a follow-up error on something it could not type.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from simatic_xml.conversions import TYPES, arithmetic_type, comparable, implicit, rules

__all__ = [
    "ALIASES",
    "ELEMENTARY",
    "INT_LIT",
    "SLICED_WIDTH",
    "SLICE_TYPES",
    "REAL_LIT",
    "SclType",
    "PTR_LIT",
    "STR_LIT",
    "ArrayT",
    "NamedT",
    "StructT",
    "TypeClass",
    "Var",
    "assignable",
    "bit_common_type",
    "canonical",
    "common_type",
    "compares",
    "display",
    "inout_fits",
    "is_bitstring",
    "is_integer",
    "is_numeric",
    "is_technology_object",
    "literal_range",
    "slice_overrun",
    "split_top_level",
    "widest",
]

INT_LIT = "#INTLIT"
REAL_LIT = "#REALLIT"
STR_LIT = "#STRLIT"
BIT_LIT = "#BITLIT"
"""An untyped 0 or 1: an integer constant that TIA also accepts for a Bool."""
PTR_LIT = "#PTRLIT"
"""An ANY pointer constant (``P#DB1.DBX0.0 BYTE 4``): a reference to an area, only for parameters that take one."""
_PTR_TARGETS = frozenset(["ANY", "VARIANT", "POINTER", "REMOTE"])
"""Where a pointer constant may stand: the S7-1200 system manual gives ``P#DB10.DBX10.0 INT 12`` as the absolute
form of a Variant; PUT/GET take one for ADDR_n (REMOTE) and SD_n/RD_n, and ANY/POINTER are the classic pointers."""

ALIASES = {
    "TOD": "TIME_OF_DAY", "DT": "DATE_AND_TIME", "LTOD": "LTIME_OF_DAY", "LDT": "LDT",
}
ELEMENTARY = frozenset(
    ["BOOL", "BYTE", "WORD", "DWORD", "LWORD", "SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT",
     "REAL", "LREAL", "TIME", "LTIME", "S5TIME", "DATE", "TIME_OF_DAY", "LTIME_OF_DAY", "DATE_AND_TIME", "LDT", "DTL",
     "CHAR", "WCHAR", "STRING", "WSTRING", "VARIANT", "ANY", "POINTER", "VOID", "BLOCK_FB", "BLOCK_FC", "BLOCK_DB",
     "BLOCK_SDB", "TIMER", "COUNTER", "DB_ANY", "DB_WWW", "DB_DYN", "HW_ANY", "HW_IO", "HW_DEVICE", "HW_SUBMODULE",
     "HW_INTERFACE", "HW_HSC", "HW_PWM", "HW_PTO", "CONN_ANY", "CONN_PRG", "CONN_OUC", "EVENT_ANY", "EVENT_ATT",
     "EVENT_HWINT", "OB_ANY", "OB_DELAY", "OB_CYCLIC", "OB_ATT", "OB_PCYCLE", "OB_HWINT", "OB_DIAG", "OB_TIMEOFDAY",
     "OB_STARTUP", "PORT", "RTM", "PIP", "AOM_IDENT", "DB_SPECIFIC", "REMOTE", "HW_MODULE", "HW_IOSYSTEM",
     "HW_DPMASTER", "HW_DPSLAVE", "HW_IEPORT", "CONN_R_ID"]
)
"""REMOTE: the partner address of PUT/GET (their ADDR_1..ADDR_4 parameters; STEP 7 help, "PUT: Write data to a
remote CPU"), an S7-1200/1500 parameter type, never a PLC data type: TIA's PUT_DB exports hold it."""
_DISPLAY = {
    "BOOL": "Bool", "BYTE": "Byte", "WORD": "Word", "DWORD": "DWord", "LWORD": "LWord", "SINT": "SInt",
    "INT": "Int", "DINT": "DInt", "LINT": "LInt", "USINT": "USInt", "UINT": "UInt", "UDINT": "UDInt",
    "ULINT": "ULInt", "REAL": "Real", "LREAL": "LReal", "TIME": "Time", "LTIME": "LTime", "S5TIME": "S5Time",
    "DATE": "Date", "TIME_OF_DAY": "Time_Of_Day", "LTIME_OF_DAY": "LTime_Of_Day", "DATE_AND_TIME": "Date_And_Time",
    "LDT": "LDT", "DTL": "DTL", "CHAR": "Char", "WCHAR": "WChar", "STRING": "String", "WSTRING": "WString",
    "VARIANT": "Variant", "VOID": "Void", "REMOTE": "Remote", INT_LIT: "integer constant",
    REAL_LIT: "floating-point constant",
    STR_LIT: "string constant", BIT_LIT: "integer constant", PTR_LIT: "pointer constant",
}
_INTS = ("SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT")
_BITS = ("BYTE", "WORD", "DWORD", "LWORD")
_REALS = ("REAL", "LREAL")
INTEGERS = frozenset(_INTS)
BITSTRINGS = frozenset(_BITS)
REALS = frozenset(_REALS)
NUMERIC = INTEGERS | REALS
TIMES = frozenset(["TIME", "LTIME", "S5TIME", "TIME_OF_DAY", "LTIME_OF_DAY", "DATE", "DATE_AND_TIME", "LDT", "DTL"])
_GENERIC = frozenset([
    "VARIANT", "ANY", "POINTER", "DB_ANY", "DB_WWW", "DB_DYN", "HW_ANY", "HW_IO", "HW_DEVICE", "HW_SUBMODULE",
    "HW_INTERFACE", "HW_HSC", "HW_PWM", "HW_PTO", "CONN_ANY", "CONN_PRG", "CONN_OUC", "EVENT_ANY", "EVENT_ATT",
    "EVENT_HWINT", "OB_ANY", "OB_DELAY", "OB_CYCLIC", "OB_ATT", "OB_PCYCLE", "OB_HWINT", "OB_DIAG",
    "OB_TIMEOFDAY", "OB_STARTUP", "PORT", "RTM", "PIP", "AOM_IDENT", "REMOTE", "HW_MODULE", "HW_IOSYSTEM",
    "HW_DPMASTER", "HW_DPSLAVE", "HW_IEPORT", "CONN_R_ID",
])
"""Parameter and system-number types: not checked (they are Words/UInts of special meaning)."""

# The implicit conversions themselves are TIA's documented table (``simatic_xml.conversions``, a citation per
# row), with the IEC check off (TIA's default for a block) or on. ``_SIZE`` is the bit length of integers and
# bit strings, for bit logic and constants.
_SIZE = {"BYTE": 8, "WORD": 16, "DWORD": 32, "LWORD": 64, "SINT": 8, "USINT": 8, "INT": 16, "UINT": 16,
         "DINT": 32, "UDINT": 32, "LINT": 64, "ULINT": 64}
_TABLE_TYPES = frozenset(TYPES)
_IMPLICIT = {(r.source, r.target): (r.iec_off, r.iec_on) for r in rules()}
"""(source, target) -> (without, with the IEC check): the table keyed by the checker's names, for speed."""
_INT_LIT_OK = INTEGERS | BITSTRINGS | REALS | {
    "TIME", "LTIME", "S5TIME", "CHAR", "WCHAR", "HW_ANY", "HW_IO", "HW_DEVICE", "HW_SUBMODULE", "HW_INTERFACE",
    "HW_HSC", "HW_PWM", "HW_PTO", "CONN_ANY", "CONN_PRG", "CONN_OUC", "EVENT_ANY", "EVENT_ATT", "EVENT_HWINT",
    "OB_ANY", "OB_DELAY", "OB_CYCLIC", "OB_ATT", "OB_PCYCLE", "OB_HWINT", "OB_DIAG", "OB_TIMEOFDAY",
    "OB_STARTUP", "PORT", "RTM", "PIP", "AOM_IDENT", "DB_ANY", "DB_WWW", "DB_DYN", "BLOCK_DB", "BLOCK_FB",
    "BLOCK_FC", "HW_MODULE", "HW_IOSYSTEM", "HW_DPMASTER", "HW_DPSLAVE", "HW_IEPORT", "CONN_R_ID",
}


_REAL_FROM_IEC = frozenset(t for t in ("SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT")
                           if implicit(t, "REAL", iec_check=True))
"""Integers a floating-point constant may meet with the IEC check on (their type converts into Real)."""

_RANGE = {t: ((-(1 << (n - 1)), (1 << (n - 1)) - 1) if t[0] != "U" else (0, (1 << n) - 1))
          for t, n in _SIZE.items() if t in INTEGERS}
# A bit string holds its width's bit patterns; a negative constant is taken as the signed pattern of that
# width (``#w := -1`` is 16#FFFF): TIA's exact stand on negative constants for bit strings is not verified.
_RANGE.update({t: (-(1 << (n - 1)), (1 << n) - 1) for t, n in _SIZE.items() if t in BITSTRINGS})


def literal_range(t: SclType, based: bool = False) -> tuple[int, int] | None:
    """The (low, high) values an integer constant may take for type ``t``; None when ``t`` has no such range.

    ``based`` (``16#FF``, ``2#1010``...): a constant written as a bit pattern fills the whole width, so
    ``SINT#16#80`` is legal (the pattern of -128) where the decimal ``SINT#128`` is not."""
    r = _RANGE.get(t) if isinstance(t, str) else None
    if r is not None and based and isinstance(t, str) and t in INTEGERS:
        return min(r[0], 0), max(r[1], (1 << _SIZE[t]) - 1)
    return r


SLICE_TYPES = {"X": "BOOL", "B": "BYTE", "W": "WORD", "D": "DWORD", "L": "LWORD"}
"""The data type of a slice by its size letter: ``.%X0`` a Bool ... ``.%L0`` an LWord."""
_SLICE_BITS = {"X": 1, "B": 8, "W": 16, "D": 32, "L": 64}
SLICED_WIDTH = {**_SIZE, "CHAR": 8, "WCHAR": 16}
"""Bits of a tag a slice may address: its own width (STEP 7 help, "Addressing areas of a tag with slice access";
Siemens FAQ 57374718: a Word holds bits %X0..%X15, bytes %B0..%B1 and the word %W0)."""


def slice_overrun(t: SclType, size: str, offset: int) -> int | None:
    """The bit width of ``t`` when the slice ``%<size><offset>`` reaches past it; None when the slice fits or ``t``
    is no type with a known width (a struct, a Real: left to TIA)."""
    width = SLICED_WIDTH.get(t) if isinstance(t, str) else None
    if width is not None and (offset + 1) * _SLICE_BITS[size.upper()] > width:
        return width
    return None


@dataclass(slots=True)
class ArrayT:
    element: SclType
    dims: int = 1
    bounds: tuple[tuple[int, int] | None, ...] = field(default=(), compare=False)
    """(low, high) per dimension when both are integer literals in the declaration, else None for that dimension
    (``#UNITS``, ``*``); empty when unknown. Not part of the type's identity: an assignment's rules stay as they
    were, the bounds only let a constant index be checked."""


@dataclass(slots=True)
class StructT:
    members: dict[str, Var] = field(default_factory=dict)  # lower name -> Var


@dataclass(slots=True)
class NamedT:
    """A UDT, FB (multi-instance) or system type (TON_TIME, IEC_TIMER...) by name."""

    name: str
    quoted: bool = True


@dataclass(slots=True)
class Var:
    name: str
    type: SclType
    section: str = "Static"  # Input Output InOut Static Temp Constant Return None
    line: int = 0
    col: int = 0

    @property
    def constant(self) -> bool:
        return self.section == "Constant"


@dataclass(frozen=True, slots=True)
class TypeClass:
    """A generic parameter type of the documentation (``ANY_STRING``): the elementary types it accepts."""

    name: str
    members: frozenset[str]
    literals: frozenset[str]

    def accepts(self, actual: object) -> bool:
        """True when an actual of type ``actual`` may be passed (unknown and non-elementary types are not checked:
        a structure or an array for a Variant-like class is the caller's business)."""
        if actual is None or not isinstance(actual, str):
            return True
        return actual in self.members or actual in self.literals


SclType: TypeAlias = "str | ArrayT | StructT | NamedT | TypeClass | None"
"""A checker type: a canonical elementary name or literal pseudo type, an array, a structure, a named type, a
generic parameter type of a system instruction (:class:`TypeClass`, in signatures only), or None (unknown)."""


def canonical(name: str) -> str:
    upper = name.upper()
    return ALIASES.get(upper, upper)


def display(t: SclType) -> str:
    if t is None:
        return "?"
    if isinstance(t, str):
        return _DISPLAY.get(t, t)
    if isinstance(t, ArrayT):
        return f"Array of {display(t.element)}"
    if isinstance(t, NamedT):
        return f'"{t.name}"' if t.quoted else t.name
    return "Struct"


def is_numeric(t: SclType) -> bool:
    return t in NUMERIC or t == INT_LIT or t == REAL_LIT or t == BIT_LIT


def is_integer(t: SclType) -> bool:
    return t in INTEGERS or t == INT_LIT or t == BIT_LIT


def is_bitstring(t: SclType) -> bool:
    return t in BITSTRINGS


def assignable(src: SclType, dst: SclType, iec_check: bool = False) -> bool:
    """Can a value of type ``src`` be assigned to ``dst`` without an explicit conversion?

    Elementary types follow TIA's table (:func:`simatic_xml.conversions.implicit`) for the block's IEC check
    (off by default, as TIA's blocks); untyped constants take the target's type (see :func:`literal_range`
    for their values); generic parameter types (Variant, Any, HW_*...) are not checked."""
    if src is None or dst is None or src == dst:
        return True
    if src == BIT_LIT:
        if dst == "BOOL":
            return True
        src = INT_LIT
    if src == PTR_LIT:
        return dst in _PTR_TARGETS
    if isinstance(dst, str):
        if dst in _GENERIC:
            return True
        if not isinstance(src, str):
            return False
        if src in _GENERIC:
            return True
        if src == INT_LIT:
            return dst in _INT_LIT_OK
        if src == REAL_LIT:  # a floating-point constant converts as a Real
            return dst in REALS or implicit("REAL", dst, iec_check=iec_check)
        if src == STR_LIT:
            return dst in ("STRING", "WSTRING", "CHAR", "WCHAR")
        verdict = _IMPLICIT.get((src, dst))
        return verdict is not None and verdict[1 if iec_check else 0]
    if isinstance(dst, NamedT):
        if isinstance(src, NamedT):
            return src.name.lower() == dst.name.lower() or _technology_objects(src, dst)
        if src == "DB_ANY" and is_technology_object(dst):
            return True
        return not isinstance(src, str)  # a struct into a UDT: not checked member by member
    if isinstance(dst, ArrayT):
        if isinstance(src, ArrayT):  # arrays are copied whole: same dimensions, elements of the same type
            return (src.dims == dst.dims and assignable(src.element, dst.element, True)
                    and assignable(dst.element, src.element, True))
        return False
    return not isinstance(src, str)


def is_technology_object(t: SclType) -> bool:
    """Is ``t`` a technology object type (TO_SpeedAxis, TO_PositioningAxis, TO_Cam...)? Its value is the TO's
    data block, so a DB_ANY may be passed where one is expected: which TO it is, the CPU checks when the
    instruction runs. Siemens' own motion library does it on every axis call (LAxisCtrl, "LAnyAxis_MC_Power":
    an ``Axis : DB_ANY`` input handed to FCs whose ``axis`` is a TO_SpeedAxis input or in/out, after a
    ``TypeOfDB`` check; exported by TIA V17: TurboLouis/TestRepo ``LAnyAxis_MC_CamIn.scl``)."""
    return isinstance(t, NamedT) and not t.quoted and t.name.upper().startswith("TO_")


def _technology_objects(src: NamedT, dst: NamedT) -> bool:
    """Does TIA take technology object ``src`` where technology object ``dst`` is declared? Always: which TO a
    parameter gets, the instruction checks when it runs (as for a DB_ANY, :func:`is_technology_object`). Siemens'
    motion libraries, exported by TIA V17 (TurboLouis/TestRepo at d5c02c09), pass a TO_LeadingAxisProxy, a TO_Cam or
    a TO_SynchronousAxis to MC_RESET's TO_Object ``Axis`` (``LAnyAxis_UnpubResetProxy.scl``), a TO_ExternalEncoder
    to MC_HOME's TO_Axis (``LAnyAxis_UnpubHomeExtEncoder.scl``), a TO_Axis and a TO_ExternalEncoder to a
    TO_PositioningAxis ``Master`` (``LAxisCtrl_SyncAxisCamming.scl``), and (LConSMC) a TO_PositioningAxis to a
    TO_SpeedAxis in/out."""
    return is_technology_object(src) and is_technology_object(dst)


_BIT_LENGTH = {**_SIZE, "BOOL": 1, "REAL": 32, "LREAL": 64, "S5TIME": 16, "TIME": 32, "LTIME": 64, "DATE": 16,
               "TIME_OF_DAY": 32, "LTIME_OF_DAY": 64, "DATE_AND_TIME": 64, "LDT": 64, "CHAR": 8, "WCHAR": 16}


def inout_fits(actual: SclType, formal: SclType, iec_check: bool = False) -> bool:
    """May ``actual`` be passed to an in/out of type ``formal``? It goes in and comes back, so it converts
    implicitly both ways; and its bit length is the parameter's (Siemens, "Overview of data type conversion
    (S7-1500, S7-1200 G2)", without the IEC check): a Word for a UInt, not an Int for a DInt."""
    if not assignable(actual, formal, iec_check):
        return False
    if not (isinstance(actual, str) and isinstance(formal, str)):  # arrays, structs, into Variant...: one way
        return True
    if not assignable(formal, actual, iec_check):
        return False
    if actual != formal and actual in _BIT_LENGTH and formal in _BIT_LENGTH:
        return _BIT_LENGTH[actual] == _BIT_LENGTH[formal]
    return True


def widest(a: SclType, b: SclType, iec_check: bool = False) -> SclType:
    """The common type of two numeric/bit-string operands, or None when they do not mix."""
    c = common_type(a, b, iec_check)
    return None if c == "!" else c


def common_type(a: SclType, b: SclType, iec_check: bool = False) -> str | None:
    """Common type of two operands for comparisons, arithmetic and the inputs of a box; ``None`` when either
    is unknown. Returns the string ``"!"`` when the two do not mix.

    Numbers and bit strings follow TIA's arithmetic rule (:func:`simatic_xml.conversions.arithmetic_type`:
    Int + UInt is a DInt, Int + Real a Real, a bit string counts as the unsigned integer of its width); an
    untyped constant takes the other operand's type; other types mix when one converts implicitly into the
    other (Time and LTime give LTime).
    """
    if a is None or b is None:
        return None
    if not isinstance(a, str) or not isinstance(b, str):
        return None
    if a in _GENERIC or b in _GENERIC:
        return None
    if a == BIT_LIT:
        a = "BOOL" if b == "BOOL" else INT_LIT
    if b == BIT_LIT:
        b = "BOOL" if a == "BOOL" else INT_LIT
    if a == b:
        return a
    if a == INT_LIT or b == INT_LIT:
        other = b if a == INT_LIT else a
        if other == REAL_LIT:
            return REAL_LIT
        return other if other in _INT_LIT_OK else "!"
    if a == REAL_LIT or b == REAL_LIT:
        other = b if a == REAL_LIT else a
        if other in REALS:
            return other
        if other in INTEGERS or other in BITSTRINGS:
            return "!" if iec_check and other not in _REAL_FROM_IEC else "REAL"
        return "!"
    c = arithmetic_type(a, b, iec_check=iec_check)
    if c is not None:
        return c
    if a in _TABLE_TYPES and b in _TABLE_TYPES:
        if implicit(a, b, iec_check=iec_check):
            return b
        if implicit(b, a, iec_check=iec_check):
            return a
    return "!"


def bit_common_type(a: str, b: str) -> str:
    """The type of a bit logic (AND, OR, XOR) of two integers or bit strings: the longer; of the same
    length the integer. ``"!"`` when either is no integer or bit string."""
    sa, sb = _SIZE.get(a), _SIZE.get(b)
    if a == BIT_LIT or a == INT_LIT:
        return b if sb is not None or b in (INT_LIT, BIT_LIT) else "!"
    if b == BIT_LIT or b == INT_LIT:
        return a if sa is not None else "!"
    if sa is None or sb is None:
        return "!"
    if sa != sb:
        return a if sa > sb else b
    return a if a in INTEGERS else b


def compares(a: SclType, b: SclType, iec_check: bool = False) -> bool:
    """May two operands of these (elementary) types be compared? Unknown and generic types may."""
    if a is None or b is None or not isinstance(a, str) or not isinstance(b, str):
        return True
    if a in _GENERIC or b in _GENERIC:
        return True
    if a in _TABLE_TYPES and b in _TABLE_TYPES:
        return comparable(a, b, iec_check=iec_check)
    return common_type(a, b, iec_check) != "!"


def split_top_level(text: str) -> list[str]:
    """The parts of ``text`` between the commas outside brackets and parentheses, as written (not stripped).

    The dimensions of ``Array[0..3, 1..#N] of Int`` (the text inside the brackets), or the items of a start
    value list ``[1, 2, 3(0)]``; a comma inside ``[...]`` or ``(...)`` belongs to its part."""
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts
