"""String instructions (LEN, CONCAT, LEFT, RIGHT, MID, FIND, INSERT, DELETE, REPLACE) and the text
form of numbers that the ``*_TO_STRING`` / ``STRING_TO_*`` conversions and S_CONV use.

Positions are 1-based, as in TIA. Parameter errors behave as the S7-1200/1500 help describes them
for OUT: a negative L or a P <= 0 gives an empty string; L or P beyond the input's end take "to the
end" (MID, DELETE, REPLACE) or append (INSERT, REPLACE). Results are capped at the result type's
maximum length (254 for STRING unless ``STRING[n]`` is given); the caller truncates further to the
declared length of the target.

Number to text (the ``*_TO_STRING`` conversions of an S7-1500): integers get a sign position -- a blank for
non-negative values, ``-`` otherwise (``' 123'``, ``'-5'``); REAL/LREAL are written in exponential
form with 7/14 significant digits and an exponent without leading zeros (``' 1.234560E+2'``,
``'-5.000000E-1'``); non-finite values are ``INF``/``-INF``/``NaN``. S_CONV writes the same text right-justified in
a field of the type's width, blanks in front (:func:`s_conv_text`). Text to number: leading blanks
are skipped, an optional sign and digits are read up to the first other character (``'00123AB'`` ->
123, ``'12.7'`` -> 12); reals also read one decimal point and ignore thousands commas before it, no
exponent (``'1.23E-4'`` -> 1.23), as the S_CONV table of the TIA help shows. Text without digits
gives 0; an integer out of the target's range gives 0 (TIA: ENO FALSE).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from .stdlib_core import INTEGERS, register, string_cap
from .values import INT_RANGES, to_real32

__all__ = ("number_parser", "number_to_text", "s_conv_text", "text_is_number")


# ------------------------------------------------------------------------------------- number <-> text

def _real_text(x: float, digits: int) -> str:
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "INF" if x > 0 else "-INF"
    mantissa, _, exponent = f"{abs(x):.{digits}E}".partition("E")
    return ("-" if x < 0 or (x == 0 and math.copysign(1.0, x) < 0) else " ") + f"{mantissa}E{int(exponent):+d}"


def number_to_text(t: str | None) -> Callable[[Any], str] | None:
    """The formatter of a value of type ``t`` (integers, REAL, LREAL); None for other types."""
    if t in INTEGERS:
        return lambda v: f" {v}" if v >= 0 else str(v)
    if t == "REAL":
        return lambda x: _real_text(x, 6)
    if t == "LREAL":
        return lambda x: _real_text(x, 13)
    return None


# S_CONV's character positions per type: S7-1200 System Manual A5E02486680-AG (03/2014), Table 8-21, and -AK
# (09/2016), Table 9-21 ("values are right-justified in the output string and are preceded by space characters that
# fill empty character positions"; e.g. UDInt 4294967295 is "x4294967295", x a blank). The 11/2011 edition
# (-05, Table 8-34) still showed UInt 123 as "123"; no edition shows the one leading blank of the conversions.
# The table has no 64-bit integers (an S7-1200 has none): by its rule (the longest text of the signed type of the
# same size) LInt and ULInt take 20.
_S_CONV_WIDTH = {"USINT": 4, "SINT": 4, "UINT": 6, "INT": 6, "UDINT": 11, "DINT": 11, "ULINT": 20, "LINT": 20,
                 "REAL": 14, "LREAL": 21}


def s_conv_text(t: str | None) -> Callable[[Any], str] | None:
    """S_CONV's number -> text for a value of type ``t``: :func:`number_to_text`'s text without its sign blank,
    right-justified in the type's field (``UInt 123`` -> ``'   123'``); None for other types."""
    text, width = number_to_text(t), _S_CONV_WIDTH.get(t or "")
    if text is None or width is None:
        return None
    return lambda v: text(v).lstrip(" ").rjust(width)


_INT_TEXT = re.compile(r"\s*([+-]?)(\d+)")
_REAL_TEXT = re.compile(r"\s*([+-]?)(\d[\d,]*)?(?:\.(\d*))?")


def _parse_int(text: str) -> int | None:
    m = _INT_TEXT.match(text)
    if m is None:
        return None
    value = int(m.group(2))
    return -value if m.group(1) == "-" else value


def _parse_real(text: str) -> float:
    m = _REAL_TEXT.match(text)
    if m is None:  # never: every part of the pattern is optional
        return 0.0
    whole, frac = (m.group(2) or "").replace(",", ""), m.group(3) or ""
    if not whole and not frac:
        return 0.0
    value = float(f"{whole or '0'}.{frac or '0'}")
    return -value if m.group(1) == "-" else value


_NUMBER_START = re.compile(r"\s*[+-]?(\d|\.\d)")


def text_is_number(text: str, t: str | None) -> bool:
    """Whether S_CONV reads a value of type ``t`` from ``text`` without an error (ENO TRUE): a number at its start
    (after blanks and one sign), an integer inside ``t``'s range (S7-1200 System Manual A5E02486680-05, Table 8-33:
    "12345" into a SInt, "A123", "" and "++123" are errors; "00123AB" and "123.45" read 123)."""
    if t in INTEGERS:
        value = _parse_int(text)
        low, high = INT_RANGES[t]
        return value is not None and low <= value <= high
    return _NUMBER_START.match(text) is not None


def number_parser(t: str | None) -> Callable[[str], Any] | None:
    """The text -> value parser for target type ``t`` (integers, REAL, LREAL); None for other types."""
    if t in INTEGERS:
        low, high = INT_RANGES[t]

        def parse_int(text: str) -> int:
            v = _parse_int(text)
            return v if v is not None and low <= v <= high else 0

        return parse_int
    if t == "REAL":
        return lambda text: to_real32(_parse_real(text))
    if t == "LREAL":
        return _parse_real
    return None


# --------------------------------------------------------------------------------------- instructions

def _string_result(args: tuple[str | None, ...], result: str | None) -> str | None:
    return result if result and result.startswith(("STRING", "WSTRING")) else next(
        (t for t in args if t in ("STRING", "WSTRING")), None)


@register("LEN", ("IN",))
def _len(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    return len


@register("GETBLOCKNAME", ("SIZE",))
def _get_block_name(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    # The code generator passes the calling block's name first; SIZE caps the characters returned.
    return lambda block, size=None: block if size is None else block[:max(0, int(size))]


@register("CONCAT", ("IN1", "IN2"), variadic=("IN", 1))
def _concat(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    cap = string_cap(_string_result(args, result))
    if len(args) == 2:
        return lambda a, b: (a + b)[:cap]
    return lambda *parts: "".join(parts)[:cap]


def _typed_concat(string_type: str) -> Callable[[tuple[str | None, ...], str | None], Callable[..., Any] | None]:
    """CONCAT with its data type in its name (S7-1500: ``CONCAT_WSTRING(IN1 := ..., IN2 := ..., IN3 := ...)``); the
    declared target's length caps it as CONCAT's does."""
    def build(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any] | None:
        return _concat(args, result if result and result.startswith(string_type) else string_type)

    return build


register("CONCAT_STRING", ("IN1", "IN2"), variadic=("IN", 1))(_typed_concat("STRING"))
register("CONCAT_WSTRING", ("IN1", "IN2"), variadic=("IN", 1))(_typed_concat("WSTRING"))


@register("LEFT", ("IN", "L"))
def _left(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    return lambda s, n: s[:n] if n > 0 else ""


@register("RIGHT", ("IN", "L"))
def _right(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    return lambda s, n: s[-n:] if n > 0 else ""


def _mid(s: str, n: int, p: int) -> str:
    if n < 0 or p <= 0 or p > len(s):
        return ""
    return s[p - 1:p - 1 + n]


@register("MID", ("IN", "L", "P"))
def _mid_build(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    return _mid


def _find(s: str, sub: str) -> int:
    return s.find(sub) + 1 if sub else 0  # 0: not found (and an empty pattern finds nothing)


@register("FIND", ("IN1", "IN2"))
def _find_build(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    return _find


@register("INSERT", ("IN1", "IN2", "P"))
def _insert(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    cap = string_cap(_string_result(args, result))

    def insert(s: str, ins: str, p: int) -> str:
        if p < 0:
            return ""
        return (s[:p] + ins + s[p:])[:cap]  # after the P-th character; P=0 before the first

    return insert


def _delete(s: str, n: int, p: int) -> str:
    if n < 0 or p <= 0:
        return ""
    if p > len(s):
        return s
    return s[:p - 1] + s[p - 1 + n:]


@register("DELETE", ("IN", "L", "P"))
def _delete_build(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    return _delete


@register("REPLACE", ("IN1", "IN2", "L", "P"))
def _replace(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    cap = string_cap(_string_result(args, result))

    def replace(s: str, new: str, n: int, p: int) -> str:
        if n < 0 or p <= 0:
            return ""
        return (s[:p - 1] + new + s[p - 1 + n:])[:cap]  # P beyond the end appends IN2

    return replace


@register("S_CONV", ("IN",), out_param="OUT")
def _s_conv(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any] | None:
    """S_CONV: number -> text or text -> number by the types of IN and OUT (text -> text copies)."""
    src, to_text = args[0], result is not None and result.startswith(("STRING", "WSTRING"))
    if src in ("STRING", "WSTRING", "CHAR", "WCHAR"):
        if to_text:
            cap = string_cap(result)
            return lambda s: s[:cap]
        return number_parser(result)
    return s_conv_text(src) if to_text else None


@register("MAX_LEN", ("IN",))
def _max_len(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any] | None:
    """MAX_LEN: the maximum length IN's string is declared with (STEP 7 help, "MAX_LEN: Determine maximum length of
    a character string": a DInt; String[10] is 10, a String without a length 254). The code generator passes that
    length in place of the string (it is known from the declaration, not from the value)."""
    return (lambda length: length) if args[0] in ("STRING", "WSTRING") else None
