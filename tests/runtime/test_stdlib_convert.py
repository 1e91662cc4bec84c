"""Conversions and rounding of the simulated CPU (fakes.runtime.stdlib)."""

from __future__ import annotations

import math

import pytest

from fakes.runtime.errors import UnsupportedInstructionError
from fakes.runtime.stdlib import FUNCTIONS, converter
from fakes.runtime.values import to_real32


def conv(name: str, arg_type: str | None = None, result: str | None = None):
    return FUNCTIONS[name].specialise((arg_type,), result)


def test_every_conversion_in_the_corpus_is_implemented() -> None:
    used = ["WORD_TO_INT", "TIME_TO_DINT", "DINT_TO_INT", "DINT_TO_REAL", "INT_TO_WORD", "INT_TO_REAL",
            "DWORD_TO_DINT", "UINT_TO_DINT", "INT_TO_UINT", "DINT_TO_WORD", "DWORD_TO_REAL", "UDINT_TO_UINT",
            "DWORD_TO_UDINT", "DINT_TO_TIME", "WORD_TO_UINT", "USINT_TO_UINT", "BYTE_TO_INT", "UDINT_TO_DINT",
            "INT_TO_DINT", "USINT_TO_DINT", "REAL_TO_INT", "REAL_TO_DINT", "INT_TO_WSTRING", "BYTE_TO_USINT",
            "WORD_TO_BYTE", "DINT_TO_BYTE", "UDINT_TO_TIME", "REAL_TO_WSTRING", "REAL_TO_UDINT", "TOD_TO_TIME",
            "REAL_TO_DWORD", "DTL_TO_TOD", "UINT_TO_WSTRING", "LREAL_TO_REAL", "BYTE_TO_CHAR", "BYTE_TO_BOOL",
            "BOOL_TO_INT", "SINT_TO_DINT", "BYTE_TO_DWORD"]
    assert [n for n in used if n not in FUNCTIONS] == []


def test_integer_conversions_wrap_and_keep_bit_patterns() -> None:
    assert conv("DINT_TO_INT")(40000) == 40000 - 65536  # out of range: wraps (TIA: ENO FALSE)
    assert conv("INT_TO_WORD")(-1) == 0xFFFF
    assert conv("WORD_TO_INT")(0xFFFF) == -1
    assert conv("INT_TO_DWORD")(-1) == 0xFFFF_FFFF
    assert conv("INT_TO_UINT")(-2) == 65534
    assert conv("UDINT_TO_DINT")(0xFFFF_FFFF) == -1
    assert conv("BYTE_TO_SINT")(0x80) == -128
    assert conv("BOOL_TO_INT")(True) == 1
    assert conv("BYTE_TO_BOOL")(0b10) is False and conv("BYTE_TO_BOOL")(3) is True


def test_real_to_integer_rounds_half_to_even_and_trunc_ceil_floor() -> None:
    r2i = conv("REAL_TO_INT")
    assert [r2i(x) for x in (2.5, 3.5, -2.5, 2.4999, 2.6, -0.5)] == [2, 4, -2, 2, 3, 0]
    assert r2i(40000.0) == 40000 - 65536
    assert r2i(math.nan) == 0 and r2i(math.inf) == 0
    assert conv("ROUND", "REAL")(10.5) == 10 and conv("ROUND", "REAL")(11.5) == 12
    assert conv("ROUND", "REAL", "REAL")(2.5) == 2.0
    assert conv("TRUNC", "REAL", "INT")(-2.7) == -2
    assert conv("CEIL", "REAL", "INT")(-2.7) == -2 and conv("CEIL", "REAL", "INT")(2.1) == 3
    assert conv("FLOOR", "LREAL", "DINT")(-2.1) == -3
    assert conv("TRUNC_INT", "REAL")(70000.9) == 70000 - 65536  # typed form; wraps
    assert conv("ROUND", "REAL")(3e9) == 3_000_000_000 - 2**32  # default result DINT
    with pytest.raises(UnsupportedInstructionError):
        conv("ROUND", "REAL", "STRING")


def test_reals_and_bit_reinterpretation() -> None:
    assert conv("INT_TO_REAL")(-7) == -7.0
    assert conv("DINT_TO_REAL")(16_777_217) == 16_777_216.0  # single precision
    assert conv("LREAL_TO_REAL")(0.1) == to_real32(0.1)
    assert conv("REAL_TO_LREAL")(0.5) == 0.5
    assert conv("DWORD_TO_REAL")(0x3F80_0000) == 1.0
    assert conv("REAL_TO_DWORD")(-2.0) == 0xC000_0000
    assert conv("LREAL_TO_LWORD")(1.0) == 0x3FF0_0000_0000_0000
    assert "WORD_TO_REAL" not in FUNCTIONS and "REAL_TO_WORD" not in FUNCTIONS


def test_durations_and_times_of_day() -> None:
    assert conv("TIME_TO_DINT")(-1500) == -1500
    assert conv("DINT_TO_TIME")(2**31) == -(2**31)
    assert conv("UDINT_TO_TIME")(5000) == 5000
    assert conv("TIME_TO_LTIME")(1500) == 1_500_000_000
    assert conv("LTIME_TO_TIME")(1_999_999) == 1 and conv("LTIME_TO_TIME")(-1_999_999) == -1
    assert conv("TOD_TO_TIME")(3_600_000) == 3_600_000
    assert conv("TIME_TO_TOD")(86_400_000 + 5) == 5
    assert conv("TIME_OF_DAY_TO_LTIME_OF_DAY")(1) == 1_000_000
    assert conv("TIME_TO_S5TIME")(12_345) == 12_300  # 100 ms time base
    assert conv("TIME_TO_S5TIME")(999_999_999) == 9_990_000
    assert conv("S5TIME_TO_TIME")(12_300) == 12_300
    assert conv("DTL_TO_TOD")({"YEAR": 2024, "MONTH": 2, "DAY": 29, "WEEKDAY": 5, "HOUR": 13, "MINUTE": 5,
                                "SECOND": 7, "NANOSECOND": 250_000_000}) == 47_107_250
    assert conv("DTL_TO_DATE")({"YEAR": 1990, "MONTH": 1, "DAY": 2}) == 1


def test_chars_and_strings() -> None:
    assert conv("BYTE_TO_CHAR")(65) == "A"
    assert conv("INT_TO_CHAR")(0x141) == "A"  # the low byte
    assert conv("CHAR_TO_INT")("a") == 97
    assert conv("CHAR_TO_STRING")("x") == "x"
    assert conv("STRING_TO_CHAR")("xyz") == "x" and conv("STRING_TO_CHAR")("") == "\0"
    assert conv("WSTRING_TO_STRING")("abc") == "abc"


def test_numbers_to_text_as_s_conv() -> None:
    assert conv("INT_TO_STRING")(123) == " 123"
    assert conv("INT_TO_STRING")(-45) == "-45"
    assert conv("UINT_TO_WSTRING")(0) == " 0"
    assert conv("REAL_TO_STRING")(123.456) == " 1.234560E+2"
    assert conv("REAL_TO_STRING")(-0.5) == "-5.000000E-1"
    assert conv("REAL_TO_STRING")(0.0) == " 0.000000E+0"
    assert conv("LREAL_TO_WSTRING")(1e-300) == " 1.0000000000000E-300"
    assert conv("REAL_TO_STRING")(math.inf) == "INF" and conv("REAL_TO_STRING")(math.nan) == "NaN"
    assert "WORD_TO_STRING" not in FUNCTIONS


def test_text_to_numbers_as_s_conv() -> None:
    s2i = conv("STRING_TO_INT")
    cases = {"123": 123, "-00456": -456, "123.45": 123, "+2345": 2345, "00123AB": 123, "  77": 77, "A123": 0,
             "": 0, "++123": 0, "+-123": 0, "99999": 0}
    assert {k: s2i(k) for k in cases} == cases
    assert conv("STRING_TO_SINT")("12345") == 0  # out of range: 0 (TIA: ENO FALSE)
    s2r = conv("STRING_TO_REAL")
    assert s2r("123.45") == to_real32(123.45)
    assert s2r("-12,345.5") == -12345.5
    assert s2r("1.23E-4") == to_real32(1.23)  # no exponent, as S_CONV
    assert s2r(".5") == 0.5 and s2r("x") == 0.0
    assert conv("WSTRING_TO_LREAL")("0.1") == 0.1


def test_convert_and_s_conv_go_by_the_types() -> None:
    assert conv("CONVERT", "INT", "REAL")(3) == 3.0
    assert conv("CONVERT", "REAL", "DINT")(-1.5) == -2
    assert conv("CONVERT", "INT", "INT")(5) == 5
    with pytest.raises(UnsupportedInstructionError):
        conv("CONVERT", "INT", None)
    s_conv = FUNCTIONS["S_CONV"]
    assert s_conv.out_param == "OUT"
    # right-justified in the type's field (S7-1200 System Manual A5E02486680-AK, Table 9-21; -AG Table 8-21)
    assert s_conv.specialise(("DINT",), "STRING")(-7) == "         -7"
    assert s_conv.specialise(("UINT",), "STRING")(123) == "   123"
    assert s_conv.specialise(("UDINT",), "STRING")(4294967295) == " 4294967295"
    assert s_conv.specialise(("REAL",), "STRING")(-3.402823e38) == " -3.402823E+38"
    assert s_conv.specialise(("LREAL",), "STRING")(-1.7976931348623e308) == "-1.7976931348623E+308"
    assert conv("INT_TO_STRING")(123) == " 123"  # the conversion keeps its sign position, no field
    assert s_conv.specialise(("STRING",), "INT")(" 42") == 42
    assert s_conv.specialise(("STRING",), "STRING[3]")("abcdef") == "abc"


def test_bcd() -> None:
    assert conv("BCD16_TO_INT")(0x0123) == 123
    assert conv("BCD16_TO_INT")(0xF999) == -999
    assert conv("INT_TO_BCD16")(-42) == 0xF042
    assert conv("DINT_TO_BCD32")(1234567) == 0x01234567
    assert conv("BCD32_TO_DINT")(0xF000_0010) == -10


def test_converter_is_none_for_what_tia_does_not_allow() -> None:
    assert converter("BOOL", "REAL") is None
    assert converter("DATE", "REAL") is None
    assert converter("WORD", "CHAR") is not None
    assert converter(None, "INT") is None
