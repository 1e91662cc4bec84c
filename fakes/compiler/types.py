"""Data types of the checker and S7-1500 implicit-conversion rules.

A type is either a canonical upper-case elementary name (``INT``, ``TIME_OF_DAY``...), one of the
literal pseudo types (``#INTLIT`` an untyped integer literal, ``#REALLIT``, ``#STRLIT``), or an
:class:`ArrayT` / :class:`StructT` / :class:`NamedT`. ``None`` means "unknown": it is compatible with
everything, so the checker never reports a follow-up error on something it could not type.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "ALIASES",
    "ELEMENTARY",
    "INT_LIT",
    "REAL_LIT",
    "STR_LIT",
    "ArrayT",
    "NamedT",
    "StructT",
    "Var",
    "assignable",
    "canonical",
    "common_type",
    "display",
    "is_bitstring",
    "is_integer",
    "is_numeric",
    "literal_range",
    "widest",
]

INT_LIT = "#INTLIT"
REAL_LIT = "#REALLIT"
STR_LIT = "#STRLIT"
BIT_LIT = "#BITLIT"
"""An untyped 0 or 1: an integer constant that TIA also accepts for a Bool."""

ALIASES = {
    "TOD": "TIME_OF_DAY", "DT": "DATE_AND_TIME", "LTOD": "LTIME_OF_DAY", "LDT": "LDT",
}
ELEMENTARY = frozenset(
    ["BOOL", "BYTE", "WORD", "DWORD", "LWORD", "SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT", "REAL", "LREAL", "TIME", "LTIME", "S5TIME", "DATE", "TIME_OF_DAY", "LTIME_OF_DAY", "DATE_AND_TIME", "LDT", "DTL", "CHAR", "WCHAR", "STRING", "WSTRING", "VARIANT", "ANY", "POINTER", "VOID", "BLOCK_FB", "BLOCK_FC", "BLOCK_DB", "BLOCK_SDB", "TIMER", "COUNTER", "DB_ANY", "DB_WWW", "DB_DYN", "HW_ANY", "HW_IO", "HW_DEVICE", "HW_SUBMODULE", "HW_INTERFACE", "HW_HSC", "HW_PWM", "HW_PTO", "CONN_ANY", "CONN_PRG", "CONN_OUC", "EVENT_ANY", "EVENT_ATT", "EVENT_HWINT", "OB_ANY", "OB_DELAY", "OB_CYCLIC", "OB_ATT", "OB_PCYCLE", "OB_HWINT", "OB_DIAG", "OB_TIMEOFDAY", "OB_STARTUP", "PORT", "RTM", "PIP", "AOM_IDENT", "DB_SPECIFIC"]
)
_DISPLAY = {
    "BOOL": "Bool", "BYTE": "Byte", "WORD": "Word", "DWORD": "DWord", "LWORD": "LWord", "SINT": "SInt",
    "INT": "Int", "DINT": "DInt", "LINT": "LInt", "USINT": "USInt", "UINT": "UInt", "UDINT": "UDInt",
    "ULINT": "ULInt", "REAL": "Real", "LREAL": "LReal", "TIME": "Time", "LTIME": "LTime", "S5TIME": "S5Time",
    "DATE": "Date", "TIME_OF_DAY": "Time_Of_Day", "LTIME_OF_DAY": "LTime_Of_Day", "DATE_AND_TIME": "Date_And_Time",
    "LDT": "LDT", "DTL": "DTL", "CHAR": "Char", "WCHAR": "WChar", "STRING": "String", "WSTRING": "WString",
    "VARIANT": "Variant", "VOID": "Void", INT_LIT: "integer constant", REAL_LIT: "floating-point constant",
    STR_LIT: "string constant", BIT_LIT: "integer constant",
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
    "OB_TIMEOFDAY", "OB_STARTUP", "PORT", "RTM", "PIP", "AOM_IDENT",
])
"""Parameter and system-number types: not checked (they are Words/UInts of special meaning)."""

# S7-1500 implicit conversions (with TIA's IEC check): from smaller into larger types only.
_WIDEN = {
    "SINT": {"INT", "DINT", "LINT", "REAL", "LREAL"},
    "INT": {"DINT", "LINT", "REAL", "LREAL"},
    "DINT": {"LINT", "REAL", "LREAL"},
    "LINT": {"LREAL"},
    "USINT": {"UINT", "UDINT", "ULINT", "INT", "DINT", "LINT", "REAL", "LREAL"},
    "UINT": {"UDINT", "ULINT", "DINT", "LINT", "REAL", "LREAL"},
    "UDINT": {"ULINT", "LINT", "REAL", "LREAL"},
    "ULINT": set(),
    "BOOL": {"BYTE", "WORD", "DWORD", "LWORD"},
    "BYTE": {"WORD", "DWORD", "LWORD"},
    "WORD": {"DWORD", "LWORD"},
    "DWORD": {"LWORD"},
    "LWORD": set(),
    "REAL": {"LREAL"},
    "CHAR": {"STRING", "WCHAR", "WSTRING"},
    "WCHAR": {"WSTRING"},
    "STRING": {"WSTRING"},
    "TIME_OF_DAY": {"LTIME_OF_DAY"},
    "TIME": {"LTIME"},
    "DATE_AND_TIME": {"LDT"},
}
# Without TIA's IEC check (the default), bit strings and integers of at least the same width mix.
_SIZE = {"BYTE": 8, "WORD": 16, "DWORD": 32, "LWORD": 64, "SINT": 8, "USINT": 8, "INT": 16, "UINT": 16,
         "DINT": 32, "UDINT": 32, "LINT": 64, "ULINT": 64}
for _b in ("BYTE", "WORD", "DWORD", "LWORD"):
    _WIDEN[_b] |= {i for i in ("USINT", "UINT", "UDINT", "ULINT", "INT", "DINT", "LINT") if _SIZE[i] >= _SIZE[_b]
                   and not (i.endswith("INT") and not i.startswith("U") and _SIZE[i] == _SIZE[_b])}
for _i in ("SINT", "USINT", "INT", "UINT", "DINT", "UDINT", "LINT", "ULINT"):
    _WIDEN[_i] |= {b for b in ("BYTE", "WORD", "DWORD", "LWORD") if _SIZE[b] >= _SIZE[_i]}
_INT_LIT_OK = INTEGERS | BITSTRINGS | REALS | {
    "TIME", "LTIME", "S5TIME", "CHAR", "WCHAR", "HW_ANY", "HW_IO", "HW_DEVICE", "HW_SUBMODULE", "HW_INTERFACE",
    "HW_HSC", "HW_PWM", "HW_PTO", "CONN_ANY", "CONN_PRG", "CONN_OUC", "EVENT_ANY", "EVENT_ATT", "EVENT_HWINT",
    "OB_ANY", "OB_DELAY", "OB_CYCLIC", "OB_ATT", "OB_PCYCLE", "OB_HWINT", "OB_DIAG", "OB_TIMEOFDAY",
    "OB_STARTUP", "PORT", "RTM", "PIP", "AOM_IDENT", "DB_ANY", "DB_WWW", "DB_DYN", "BLOCK_DB", "BLOCK_FB",
    "BLOCK_FC",
}


_RANGE = {t: ((-(1 << (n - 1)), (1 << (n - 1)) - 1) if t[0] != "U" else (0, (1 << n) - 1))
          for t, n in _SIZE.items() if t in INTEGERS}
# A bit string holds its width's bit patterns; a negative constant is taken as the signed pattern of that
# width (``#w := -1`` is 16#FFFF): TIA's exact stand on negative constants for bit strings is not verified.
_RANGE.update({t: (-(1 << (n - 1)), (1 << n) - 1) for t, n in _SIZE.items() if t in BITSTRINGS})


def literal_range(t, based: bool = False):
    """The (low, high) values an integer constant may take for type ``t``; None when ``t`` has no such range.

    ``based`` (``16#FF``, ``2#1010``...): a constant written as a bit pattern fills the whole width, so
    ``SINT#16#80`` is legal (the pattern of -128) where the decimal ``SINT#128`` is not."""
    r = _RANGE.get(t) if isinstance(t, str) else None
    if r is not None and based and t in INTEGERS:
        return min(r[0], 0), max(r[1], (1 << _SIZE[t]) - 1)
    return r


@dataclass(slots=True)
class ArrayT:
    element: object
    dims: int = 1


@dataclass(slots=True)
class StructT:
    members: dict = field(default_factory=dict)  # lower name -> Var


@dataclass(slots=True)
class NamedT:
    """A UDT, FB (multi-instance) or system type (TON_TIME, IEC_TIMER...) by name."""

    name: str
    quoted: bool = True


@dataclass(slots=True)
class Var:
    name: str
    type: object
    section: str = "Static"  # Input Output InOut Static Temp Constant Return None
    line: int = 0
    col: int = 0

    @property
    def constant(self) -> bool:
        return self.section == "Constant"


def canonical(name: str) -> str:
    upper = name.upper()
    return ALIASES.get(upper, upper)


def display(t) -> str:
    if t is None:
        return "?"
    if isinstance(t, str):
        return _DISPLAY.get(t, t)
    if isinstance(t, ArrayT):
        return f"Array of {display(t.element)}"
    if isinstance(t, NamedT):
        return f'"{t.name}"' if t.quoted else t.name
    return "Struct"


def is_numeric(t) -> bool:
    return t in NUMERIC or t == INT_LIT or t == REAL_LIT or t == BIT_LIT


def is_integer(t) -> bool:
    return t in INTEGERS or t == INT_LIT or t == BIT_LIT


def is_bitstring(t) -> bool:
    return t in BITSTRINGS


def assignable(src, dst) -> bool:
    """Can a value of type ``src`` be assigned to ``dst`` without an explicit conversion?"""
    if src is None or dst is None or src == dst:
        return True
    if src == BIT_LIT:
        if dst == "BOOL":
            return True
        src = INT_LIT
    if isinstance(dst, str):
        if dst in _GENERIC:
            return True
        if not isinstance(src, str):
            return False
        if src in _GENERIC:
            return True
        if src == INT_LIT:
            return dst in _INT_LIT_OK
        if src == REAL_LIT:
            return dst in REALS
        if src == STR_LIT:
            return dst in ("STRING", "WSTRING", "CHAR", "WCHAR")
        widen = _WIDEN.get(src)
        return widen is not None and dst in widen
    if isinstance(dst, NamedT):
        if isinstance(src, NamedT):
            return src.name.lower() == dst.name.lower()
        return not isinstance(src, str)  # a struct into a UDT: not checked member by member
    if isinstance(dst, ArrayT):
        if isinstance(src, ArrayT):
            return assignable(src.element, dst.element) and assignable(dst.element, src.element)
        return False
    return not isinstance(src, str)


def widest(a, b):
    """The common type of two numeric/bit-string operands, or None when they do not mix."""
    if a == BIT_LIT:
        a = "BOOL" if b == "BOOL" else INT_LIT
    if b == BIT_LIT:
        b = "BOOL" if a == "BOOL" else INT_LIT
    if a == b:
        return a
    if a == INT_LIT:
        return b if b in _INT_LIT_OK or b == REAL_LIT else None
    if b == INT_LIT:
        return a if a in _INT_LIT_OK or a == REAL_LIT else None
    if a == REAL_LIT:
        return b if b in REALS else None
    if b == REAL_LIT:
        return a if a in REALS else None
    if b in _WIDEN.get(a, ()):
        return b
    if a in _WIDEN.get(b, ()):
        return a
    return None


def common_type(a, b):
    """Common type of two operands for comparisons/arithmetic; ``None`` when either is unknown.

    Returns the string ``"!"`` when the two do not mix.
    """
    if a is None or b is None:
        return None
    if not isinstance(a, str) or not isinstance(b, str):
        return None
    if a in _GENERIC or b in _GENERIC:
        return None
    w = widest(a, b)
    if w is None:
        sa, sb = _SIZE.get(a), _SIZE.get(b)
        if sa is not None and sb is not None:  # integers and bit strings mix in expressions
            if sa != sb:
                return a if sa > sb else b
            return a if a in INTEGERS else b
        if a == REAL_LIT or b == REAL_LIT:
            other = b if a == REAL_LIT else a
            if other in INTEGERS or other in BITSTRINGS or other == INT_LIT:
                return "REAL"
        if (a in REALS and (b in INTEGERS or b in BITSTRINGS)) or (b in REALS and (a in INTEGERS or a in BITSTRINGS)):
            return "LREAL" if "LREAL" in (a, b) else "REAL"
    return "!" if w is None else w
