"""Math, selection and bit instructions of the simulated CPU (fakes.runtime.stdlib.FUNCTIONS)."""

from __future__ import annotations

import math

import pytest

from engineering_api.rules.compiler.builtins import FUNCTIONS as CHECKER_FUNCTIONS
from fakes.runtime.errors import UnsupportedInstructionError
from fakes.runtime.stdlib import FUNCTIONS
from fakes.runtime.values import to_real32


def fn(name: str, *types: str | None, result: str | None = None, names: tuple[str, ...] | None = None):
    return FUNCTIONS[name].specialise(types, result, names)


def test_parameter_names_agree_with_the_checker() -> None:
    for name, spec in CHECKER_FUNCTIONS.items():
        if name in FUNCTIONS:
            assert FUNCTIONS[name].params == tuple(p for p, _ in spec[0] if name not in (
                "MOVE_BLK", "UMOVE_BLK", "FILL_BLK")), name


def test_unimplemented_type_combinations_raise_unsupported() -> None:
    with pytest.raises(UnsupportedInstructionError):
        fn("SHL", "REAL", "INT")
    with pytest.raises(UnsupportedInstructionError):
        fn("CONVERT", "DTL", result="REAL")
    with pytest.raises(TypeError):
        fn("LIMIT", "INT", "INT")


def test_abs_sqr_wrap_to_the_type() -> None:
    assert fn("ABS", "INT")(-5) == 5
    assert fn("ABS", "INT")(-32768) == -32768  # wraps, as the CPU
    assert fn("ABS", "REAL")(-1.5) == 1.5
    assert fn("SQR", "INT")(200) == 40000 - 65536
    assert fn("SQR", "REAL")(to_real32(0.1)) == to_real32(to_real32(0.1) ** 2)
    assert fn("SQR", "REAL")(3.0) == 9.0


def test_real_functions_round_to_single_precision_unless_lreal() -> None:
    assert fn("SQRT", "REAL")(2.0) == to_real32(math.sqrt(2.0))
    assert fn("SQRT", "LREAL")(2.0) == math.sqrt(2.0)
    assert fn("SQRT", "INT", result="LREAL")(2) == math.sqrt(2.0)
    assert math.isnan(fn("SQRT", "REAL")(-1.0))
    assert fn("LN", "REAL")(0.0) == -math.inf
    assert math.isnan(fn("LN", "REAL")(-1.0))
    assert fn("EXP", "REAL")(1000.0) == math.inf
    assert fn("LOG", "LREAL")(1000.0) == pytest.approx(3.0)
    assert fn("SIN", "LREAL")(math.pi / 2) == 1.0
    assert fn("ATAN", "REAL")(1.0) == to_real32(math.pi / 4)
    assert math.isnan(fn("ASIN", "REAL")(2.0))
    assert fn("FRAC", "LREAL")(-2.75) == -0.75
    assert fn("EXPT", "REAL", "INT")(2.0, 10) == 1024.0
    assert fn("EXPT", "LREAL", "LREAL")(9.0, 0.5) == 3.0
    assert math.isnan(fn("EXPT", "REAL", "REAL")(-8.0, 0.5))


def test_min_max_variadic_and_limit() -> None:
    assert fn("MIN", "INT", "INT")(3, -2) == -2
    assert fn("MAX", "INT", "INT", "INT")(3, 9, -2) == 9
    assert FUNCTIONS["MAX"].variadic == ("IN", 1)
    limit = fn("LIMIT", "INT", "INT", "INT")
    assert (limit(0, -5, 10), limit(0, 5, 10), limit(0, 50, 10)) == (0, 5, 10)
    assert limit(10, 5, 0) == 5  # MN > MX: IN passes (TIA: ENO FALSE)
    assert fn("LIMIT", "REAL", "REAL", "REAL")(0.0, 1.5, 1.0) == 1.0


def test_sel_and_mux() -> None:
    assert fn("SEL", "BOOL", "INT", "INT")(True, 1, 2) == 2
    assert fn("SEL", "BOOL", "INT", "INT")(False, 1, 2) == 1
    mux = fn("MUX", "INT", "INT", "INT", "INT")
    assert [mux(k, 10, 11, 12) for k in (0, 1, 2, 3, -1)] == [10, 11, 12, 0, 0]
    with_else = fn("MUX", "INT", "REAL", "REAL", "REAL", names=("K", "IN0", "IN1", "INELSE"))
    assert (with_else(1, 1.0, 2.0, 9.0), with_else(2, 1.0, 2.0, 9.0)) == (2.0, 9.0)


def test_norm_x_and_scale_x() -> None:
    norm = fn("NORM_X", "INT", "INT", "INT", result="REAL")
    assert norm(0, 6912, 27648) == 0.25
    assert norm(0, 27648 * 2, 27648) == 2.0  # not clamped
    assert math.isnan(norm(5, 5, 5))
    scale = fn("SCALE_X", "REAL", "REAL", "REAL", result="REAL")
    assert scale(0.0, 0.5, 100.0) == 50.0
    to_int = fn("SCALE_X", "INT", "REAL", "INT", result="INT")
    assert to_int(0, 0.25, 27648) == 6912
    assert to_int(0, 0.50001, 27648) == 13824  # 13824.28 rounded to the nearest integer
    assert to_int(-100, 1.0, 100) == 100


def test_shifts_at_the_width_of_the_type() -> None:
    assert fn("SHL", "BYTE", "INT")(0b1000_0001, 1) == 0b0000_0010
    assert fn("SHL", "WORD", "INT")(0x00F0, 12) == 0x0000
    assert fn("SHL", "WORD", "INT")(0x00F0, 16) == 0
    assert fn("SHL", "INT", "INT")(0x4000, 1) == -32768
    assert fn("SHL", "DWORD", "INT")(5, 0) == 5
    assert fn("SHR", "WORD", "INT")(0xF000, 12) == 0xF
    assert fn("SHR", "INT", "INT")(-32768, 15) == -1  # sign bit fills
    assert fn("SHR", "INT", "INT")(-4, 40) == -1
    assert fn("SHR", "DINT", "INT")(1024, 3) == 128
    assert fn("SHR", "DWORD", "INT")(0x84000000, 3) == 0x10800000


def test_rotations_swap_deco_enco() -> None:
    assert fn("ROL", "BYTE", "INT")(0b1000_0001, 1) == 0b0000_0011
    assert fn("ROR", "BYTE", "INT")(0b1000_0001, 1) == 0b1100_0000
    assert fn("ROL", "WORD", "INT")(0x1234, 20) == 0x2341  # N mod 16 = 4
    assert fn("ROR", "DWORD", "INT")(1, 32) == 1
    assert fn("ROL", "INT", "INT")(0x4000, 1) == -32768
    assert fn("SWAP", "WORD")(0x1234) == 0x3412
    assert fn("SWAP", "DWORD")(0x12345678) == 0x78563412
    assert fn("SWAP", "INT")(0x0080) == -32768
    with pytest.raises(UnsupportedInstructionError):
        fn("SWAP", "BYTE")
    assert fn("DECO", "UINT", result="WORD")(3) == 8
    assert fn("DECO", "UINT", result="BYTE")(9) == 2
    assert fn("ENCO", "DWORD")(0b1011000) == 3
    assert fn("ENCO", "DWORD")(0) == 0
