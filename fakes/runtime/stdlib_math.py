"""Math, selection and bit instructions: ABS, SQR, SQRT, LN, LOG, EXP, SIN..ATAN, FRAC, EXPT, MIN,
MAX, LIMIT, SEL, MUX, NORM_X, SCALE_X, SHL, SHR, ROL, ROR, SWAP, DECO, ENCO.

Integer results wrap to the result type; ``REAL`` results are rounded to single precision. Where TIA
sets ENO to FALSE and leaves an undefined result (square root of a negative number, LN(0)...), the
IEEE result is returned (NaN, +/-inf), as the FPU of an S7-1500 produces it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .stdlib_core import BITSTRINGS, INTEGERS, REALS, SIGNED, compose, register, register_named, result_fixer
from .values import BITS, default_value, wrap

__all__ = ()


def _float_result(args: tuple[str | None, ...], result: str | None) -> str:
    """The floating-point type of a 'real' result: the declared one, else LREAL if an input is LREAL."""
    if result in REALS:
        return result
    return "LREAL" if "LREAL" in args else "REAL"


def _same_result(args: tuple[str | None, ...], result: str | None) -> str | None:
    """The type of a 'same' result: the declared one, else the first known argument type."""
    return result or next((t for t in args if t), None)


def _ieee(fn: Callable[[float], float]) -> Callable[[float], float]:
    """``fn`` with Python's exceptions replaced by the IEEE results the CPU's FPU gives."""

    def safe(x: float) -> float:
        try:
            return fn(x)
        except ValueError:  # domain error: sqrt(-1), ln(0), asin(2)
            if x == 0 and fn in (math.log, math.log10):
                return -math.inf
            return math.nan
        except OverflowError:  # exp(1000)
            return math.inf

    return safe


_UNARY_REAL: dict[str, Callable[[float], float]] = {
    "SQRT": math.sqrt, "LN": math.log, "LOG": math.log10, "EXP": math.exp, "SIN": math.sin, "COS": math.cos,
    "TAN": math.tan, "ASIN": math.asin, "ACOS": math.acos, "ATAN": math.atan,
    "FRAC": lambda x: x - math.trunc(x) if math.isfinite(x) else math.nan,
}


def _register_unary_real(name: str, fn: Callable[[float], float]) -> None:
    safe = _ieee(fn)

    @register(name, ("IN",))
    def build(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
        fix = result_fixer(_float_result(args, result))
        return compose(safe, fix, 1)


for _name, _fn in _UNARY_REAL.items():
    _register_unary_real(_name, _fn)


@register("ABS", ("IN",))
def _abs(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    return compose(abs, result_fixer(_same_result(args, result)), 1)  # ABS(-32768) wraps, as on the CPU


@register("SQR", ("IN",))
def _sqr(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    t = _same_result(args, result)
    if t in REALS:
        return compose(_ieee(lambda x: x * x), result_fixer(t), 1)
    return compose(lambda x: x * x, result_fixer(t), 1)


def _expt(base: float, exponent: float) -> float:
    try:
        return math.pow(base, exponent)
    except ValueError:  # negative base with a fractional exponent, 0 ** -1
        return math.inf if base == 0 else math.nan
    except OverflowError:
        return math.inf


@register("EXPT", ("IN1", "IN2"))
def _expt_build(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    return compose(_expt, result_fixer(result if result in REALS else _float_result(args[:1], None)), 2)


# -------------------------------------------------------------------------------------------- selection

def _minmax(name: str, pick: Callable[..., Any]) -> None:
    @register(name, ("IN1", "IN2"), variadic=("IN", 1))
    def build(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
        # The arguments already have the common type (the caller converted them), so only REAL needs
        # the result rounding; no fixer keeps the two-argument case a single builtin call.
        return compose(pick, result_fixer(result) if result == "REAL" else None, len(args))


_minmax("MIN", min)
_minmax("MAX", max)


def _limit(mn: Any, x: Any, mx: Any) -> Any:
    if mn > mx:  # TIA: ENO FALSE and IN is passed through
        return x
    return mn if x < mn else min(x, mx)


@register("LIMIT", ("MN", "IN", "MX"))
def _limit_build(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    return _limit


@register("SEL", ("G", "IN0", "IN1"))
def _sel_build(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    return lambda g, in0, in1: in1 if g else in0


@register_named("MUX", ("K", "IN0", "IN1"), variadic=("IN", 0))
def _mux_build(args: tuple[str | None, ...], result: str | None,
               names: tuple[str, ...] | None) -> Callable[..., Any]:
    """K selects IN<K>; out of range: INELSE when given, else the result type's default.

    TIA leaves OUT unchanged and sets ENO FALSE when K is out of range without INELSE; a function value
    cannot be "unchanged", so the default (0, 0.0, FALSE, '') is returned.
    """
    has_else = names is not None and names[-1:] == ("INELSE",)
    count = len(args) - 1 - has_else
    fallback = default_value(_same_result(args[1:], result))

    def mux(k: int, *values: Any) -> Any:
        if 0 <= k < count:
            return values[k]
        return values[count] if has_else else fallback

    return mux


# -------------------------------------------------------------------------------------- scaling

@register("NORM_X", ("MIN", "VALUE", "MAX"))
def _norm_build(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    def norm(mn: Any, value: Any, mx: Any) -> float:
        span = mx - mn
        if span == 0:  # TIA: ENO FALSE; the division gives what the FPU gives
            return math.nan if value == mn else math.copysign(math.inf, value - mn)
        return (value - mn) / span  # not clamped: TIA extrapolates outside MIN..MAX too

    return compose(norm, result_fixer(_float_result(args, result)), 3)


@register("SCALE_X", ("MIN", "VALUE", "MAX"))
def _scale_build(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any] | None:
    t = result or _same_result((args[0], args[2]), None)
    if t is None or t in REALS:
        return compose(lambda mn, value, mx: value * (mx - mn) + mn, result_fixer(t), 3)
    fix = result_fixer(t)
    if fix is None:
        return None

    def scale(mn: Any, value: float, mx: Any) -> int:
        out = value * (mx - mn) + mn
        # An integer OUT gets the rounded value (as REAL_TO_INT); a non-finite one 0.
        return fix(round(out)) if math.isfinite(out) else 0

    return scale


# -------------------------------------------------------------------------------------- bits and shifts

_SHIFTABLE = INTEGERS | BITSTRINGS


def _width(args: tuple[str | None, ...], result: str | None) -> tuple[str, int] | None:
    t = args[0] if args and args[0] in _SHIFTABLE else result
    if t not in _SHIFTABLE:
        return None
    return t, BITS[t]


def _unsigned(t: str, width: int) -> Callable[[int], int]:
    """From the bit pattern back into ``t``'s range (signed types are two's complement)."""
    if t in SIGNED:
        return lambda u: wrap(u, t)
    return lambda u: u


def _bit_pattern(args: tuple[str | None, ...], result: str | None) -> tuple[int, int, Callable[[int], int]] | None:
    """The width, the bit mask and the way from the bit pattern back into the operand's type (:func:`_unsigned`),
    None for an operand that is no integer or bit string."""
    tw = _width(args, result)
    if tw is None:
        return None
    t, width = tw
    return width, (1 << width) - 1, _unsigned(t, width)


@register("SHL", ("IN", "N"))
def _shl(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any] | None:
    pattern = _bit_pattern(args, result)
    if pattern is None:
        return None
    width, mask, back = pattern
    return lambda x, n: back(((x & mask) << n) & mask) if 0 < n < width else (x if n <= 0 else 0)


@register("SHR", ("IN", "N"))
def _shr(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any] | None:
    tw = _width(args, result)
    if tw is None:
        return None
    # Signed types: the freed bits get the sign bit, which Python's arithmetic >> does (N beyond the
    # width gives -1 or 0); unsigned values are non-negative, so >> is a logical shift for them.
    return lambda x, n: x >> n if n > 0 else x


def _rotate(left: bool) -> Callable[..., Any]:
    def build(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any] | None:
        pattern = _bit_pattern(args, result)
        if pattern is None:
            return None
        width, mask, back = pattern

        def rot(x: int, n: int) -> int:
            n %= width  # TIA rotates by N even when N exceeds the width: only N mod width matters
            if not n:
                return x
            if not left:
                n = width - n
            u = x & mask
            return back(((u << n) | (u >> (width - n))) & mask)

        return rot

    return build


register("ROL", ("IN", "N"))(_rotate(True))
register("ROR", ("IN", "N"))(_rotate(False))


@register("SWAP", ("IN",))
def _swap(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any] | None:
    pattern = _bit_pattern(args, result)
    if pattern is None or pattern[0] < 16:
        return None
    width, mask, back = pattern
    size = width // 8
    return lambda x: back(int.from_bytes((x & mask).to_bytes(size, "big"), "little"))


@register("DECO", ("IN",))
def _deco(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any] | None:
    width = BITS.get(result or "DWORD")
    if result not in (None, "BYTE", "WORD", "DWORD", "LWORD"):
        return None
    return lambda n: 1 << (n % width)  # only the low bits of IN select the bit, as in TIA


@register("ENCO", ("IN",))
def _enco(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    return lambda x: (x & -x).bit_length() - 1 if x else 0  # the lowest set bit; 0 when none is set


# ---------------------------------------------------------------- array bounds (an Array[*] parameter's)
def _dimension(array: Any, dim: int) -> Any:
    """The PlcArray of dimension ``dim`` (1 = the outermost) of a possibly nested array."""
    for _ in range(int(dim) - 1):
        array = array.items[0]
    return array


@register("LOWER_BOUND", ("ARR", "DIM"))
def _lower_bound(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    return lambda array, dim: _dimension(array, dim).low


@register("UPPER_BOUND", ("ARR", "DIM"))
def _upper_bound(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    return lambda array, dim: _dimension(array, dim).high
