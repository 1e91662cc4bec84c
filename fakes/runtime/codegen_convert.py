"""Implicit conversions of SCL as Python source: the part of :mod:`.codegen_expr` that turns a value of one type
into another's (wrapping, Real rounding, TIA's conversion table), and the source helpers it shares."""

from __future__ import annotations

import math
import sys
from typing import Any

from engineering_api.rules.compiler.types import BIT_LIT, INT_LIT, REAL_LIT, STR_LIT, ArrayT, NamedT, StructT
from simatic_xml.scl import ast as A

from .values import INT_RANGES, exact_in_real, is_int_type, to_real32, wrap

__all__ = ("LITERAL_TYPES", "ConvertGen", "is_const", "py_literal", "real32_src", "wrap_src")

LITERAL_TYPES = (INT_LIT, BIT_LIT, REAL_LIT, STR_LIT)
"""The checker's types of literals (an integer, a bit string, a real, a string literal not yet typed)."""
_SIGNED_BITS = {"SINT": 8, "INT": 16, "DINT": 32, "LINT": 64}
_BITSTRING_BITS = {"BYTE": 8, "WORD": 16, "DWORD": 32, "LWORD": 64}
_CHAR_CODEC = {"CHAR": "latin-1", "WCHAR": "utf-16-be"}


def py_literal(value: Any) -> str:
    """Python source of a constant value."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"float('{value}')"
    return repr(value)


def _fits(src_t: Any, dst_t: str) -> bool:
    """Every value of integer type ``src_t`` is inside ``dst_t``'s range."""
    if src_t not in INT_RANGES:
        return False
    lo, hi = INT_RANGES[src_t]
    dlo, dhi = INT_RANGES[dst_t]
    return dlo <= lo and hi <= dhi


_OVERFLOW_TYPES = frozenset(["SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT", "TIME", "LTIME"])
"""The types whose operations overflow (bit strings take the bits; dates and times of day are not computed on)."""


class ConvertGen:
    """The conversions of the block generator (base of :class:`.codegen_expr.ExprGen`)."""

    auto_eno = False
    """The block has "Set ENO automatically": an operation's overflow, or an integer division by zero, resets its
    ENO (the Python local ``_eno``) on top of its usual result."""

    def wrap_raw(self, src: str, t: str) -> str:
        """An operation's result ``src`` inside its integer type ``t``; in a block with "Set ENO automatically" a
        result outside it also resets the block's ENO (STEP 7 help, "EN/ENO mechanism" and block property "Set ENO
        automatically": an arithmetic overflow is an error of the block's processing)."""
        if not self.auto_eno or t not in _OVERFLOW_TYPES:
            return wrap_src(src, t)
        low, high = INT_RANGES[t]
        return f"(_x if {low} <= (_x := {src}) <= {high} else _w_{t}((_eno := False) or _x))"

    def divisor(self, src: str) -> str:
        """An integer division's divisor: in a block with "Set ENO automatically" a 0 resets the block's ENO (the
        quotient is 0 either way, :func:`.rtlib._idiv`)."""
        if not self.auto_eno:
            return src
        return f"(_dv if (_dv := {src}) else ((_eno := False) or 0))"

    def unsupported_src(self, name: str) -> str:  # pragma: no cover - implemented by BlockGen
        raise NotImplementedError

    def wrapped(self, src: str, t: Any, raw: bool) -> str:
        """``src`` inside its type: an integer wrapped, a Real computed in double precision rounded to single (an
        S7-1500 computes Real in IEEE 754 single precision, so each operation's result is a single)."""
        if raw and is_int_type(t):
            return self.wrap_raw(src, t)
        if raw and t == "REAL":
            return self.single(src)
        if raw and t == "LREAL" and self.auto_eno:  # an invalid result (NaN, inf) resets the block's ENO
            return f"(_lr if _isfinite(_lr := {src}) else ((_eno := False) or _lr))"
        return src

    def single(self, src: str) -> str:
        """Source of float ``src`` rounded to single precision (the block generator rounds through its scratch)."""
        return real32_src(src)

    def convert(self, src: str, st: Any, raw: bool, dt: Any, node: Any = None) -> str:
        """Source that stores a value of type ``st`` into a ``dt`` (implicit conversion, wrap, Real rounding).

        The effects are those of TIA's table (:func:`simatic_xml.conversions.convert_value`, which the tests
        compare with): integers modulo the target's width, a signed integer zero-filled into a longer bit
        string, a floating-point number rounded half to even into an integer, durations and times of day
        scaled between ms and ns, characters as their codes."""
        special = self._convert_special(src, st, raw, dt)
        if special is not None:
            return special
        if isinstance(dt, str) and is_int_type(dt):
            if st == "BOOL":
                return f"int({src})"
            if type(node) is A.Literal or (st in LITERAL_TYPES and is_const(src)):
                try:
                    return py_literal(wrap(int(eval(src, {})), dt))
                except (ValueError, TypeError, SyntaxError):
                    pass
            if st == dt and not raw:
                return src
            if dt == "LTIME" and st == "TIME":
                return f"({self.wrapped(src, st, raw)} * 1000000)"
            if not raw and _fits(st, dt):
                return src
            if raw and st != dt and is_int_type(st):
                src = self.wrap_raw(src, st)
                if _fits(st, dt):
                    return src
            if not (is_int_type(st) or st in (INT_LIT, BIT_LIT)):
                # A value of no known integer type (an instruction typed by its untyped literals, SCALE_X(MIN :=
                # 0, MAX := 27648)): it may hold a fraction, so it is rounded half to even into the type (_w_*).
                return f"_w_{dt}({src})"
            return self.wrap_raw(src, dt) if raw and st == dt else wrap_src(src, dt)
        if dt == "REAL":
            value, rounded = self.real_value(src, st, raw)
            return value if rounded else real32_src(value)
        if dt == "LREAL":
            return self.wrapped(src, st, raw) if st in ("REAL", "LREAL") else f"float({self.wrapped(src, st, raw)})"
        if dt == "BOOL":
            return src if st == "BOOL" else f"bool({src})"
        if isinstance(dt, (ArrayT, StructT, NamedT)) or (dt is None and type(node) in (A.Name, A.Member, A.Index)):
            return f"_clone({src})"
        return self.wrapped(src, st, raw)

    def real_value(self, src: str, st: Any, raw: bool) -> tuple[str, bool]:
        """A value of type ``st`` for a ``Real``: its source, and whether that is single precision already (a
        Real, a constant rounded here, an integer every value of which is a Real); if not, the caller rounds it
        (:func:`real32_src`, or through the memory's scratch in an assignment)."""
        if st == "REAL" and not raw:
            return src, True
        if is_const(src):
            return py_literal(to_real32(float(src.strip("()")))), True
        value = src if st == "REAL" else self.wrapped(src, st, raw)  # the caller rounds a Real once
        if exact_in_real(st, "REAL"):
            return f"float({value})", True
        return value, False

    def _convert_special(self, src: str, st: Any, raw: bool, dt: Any) -> str | None:
        """The implicit conversions that are more than a wrap or a float(): None for the others."""
        if not isinstance(st, str) or not isinstance(dt, str) or st == dt:
            return None
        if st in ("REAL", "LREAL", REAL_LIT) and is_int_type(dt):
            if st == "REAL" and dt == "DWORD":  # the bit pattern of the Real
                return f"int.from_bytes(_fp({src}), {sys.byteorder!r})"
            if st == "LREAL" and dt == "LWORD":
                return self.unsupported_src("LReal -> LWord (bit pattern)")
            return f"_w_{dt}(float({src}))"  # rounded half to even, then modulo the width (values.wrap)
        if st in _SIGNED_BITS and dt in _BITSTRING_BITS and _SIGNED_BITS[st] < _BITSTRING_BITS[dt]:
            return f"({self.wrapped(src, st, raw)} & {(1 << _SIGNED_BITS[st]) - 1})"  # zero-filled
        if st == "LTIME" and dt == "TIME":
            return wrap_src(f"_idiv({self.wrapped(src, st, raw)}, 1000000)", "TIME")
        if st == "TIME_OF_DAY" and dt == "LTIME_OF_DAY":
            return f"({self.wrapped(src, st, raw)} * 1000000)"
        if st == "LTIME_OF_DAY" and dt == "TIME_OF_DAY":
            return f"(_tod if (_tod := ({self.wrapped(src, st, raw)} + 500000) // 1000000) < 86400000 else 86399999)"
        if st in ("CHAR", "WCHAR") and is_int_type(dt):
            code = f"int.from_bytes(({src} or '\\0')[:1].encode({_CHAR_CODEC[st]!r}), 'big')"
            return code if _fits("UINT" if st == "WCHAR" else "USINT", dt) else wrap_src(code, dt)
        if dt in ("CHAR", "WCHAR") and is_int_type(st):
            n = 1 if dt == "CHAR" else 2
            code = f"({self.wrapped(src, st, raw)} & {(1 << 8 * n) - 1})"
            return f"{code}.to_bytes({n}, 'big').decode({_CHAR_CODEC[dt]!r})"
        if dt in ("CHAR", "WCHAR") and st in ("STRING", "WSTRING"):
            return f"({src}[:1] or '\\0')"
        return None


def wrap_src(src: str, t: str) -> str:
    """Source that brings integer ``src`` into ``t``'s range inline (a call only when it is outside)."""
    low, high = INT_RANGES[t]
    if low == 0 and t not in ("S5TIME", "DATE", "TIME_OF_DAY", "LTIME_OF_DAY"):
        return f"({src} & {high})"
    return f"(_x if {low} <= (_x := {src}) <= {high} else _w_{t}(_x))"


def real32_src(src: str) -> str:
    """Source rounding a float to single precision: two C calls inline, ``_r32`` only for overflow/NaN."""
    return f"(_fu(_fp(_z))[0] if -3.4028234663852886e+38 <= (_z := {src}) <= 3.4028234663852886e+38 else _r32(_z))"


def is_const(src: str) -> bool:
    s = src.strip("()-")
    return s.replace(".", "", 1).replace("e", "", 1).replace("-", "").replace("+", "").isdigit()
