"""String, time and block-move instructions of the simulated CPU (fakes.runtime.stdlib)."""

from __future__ import annotations

import pytest

from fakes.runtime.errors import PlcRuntimeError, UnsupportedInstructionError
from fakes.runtime.stdlib import (
    FUNCTIONS,
    fill_blk,
    move_blk,
    move_blk_variant,
    ufill_blk,
    umove_blk,
)
from fakes.runtime.values import PlcArray, wrap


def fn(name: str, *types: str | None, result: str | None = None):
    return FUNCTIONS[name].specialise(types, result)


# --------------------------------------------------------------------------------------------- strings

def test_len_concat_and_the_254_cap() -> None:
    assert fn("LEN", "STRING")("") == 0 and fn("LEN", "STRING")("abc") == 3
    concat = fn("CONCAT", "STRING", "STRING", result="STRING")
    assert concat("ab", "cd") == "abcd"
    assert len(concat("x" * 200, "y" * 200)) == 254
    assert fn("CONCAT", "STRING", "STRING", result="STRING[5]")("abc", "def") == "abcde"
    assert fn("CONCAT", "STRING", "CHAR", "STRING", result="STRING")("a", "b", "c") == "abc"
    assert len(fn("CONCAT", "WSTRING", "WSTRING", result="WSTRING")("x" * 300, "y")) == 301


def test_left_right_mid() -> None:
    left, right, mid = fn("LEFT", "STRING", "INT"), fn("RIGHT", "STRING", "INT"), fn("MID", "STRING", "INT", "INT")
    assert (left("Hello", 2), left("Hello", 9), left("Hello", 0), left("Hello", -1), left("", 3)) == (
        "He", "Hello", "", "", "")
    assert (right("Hello", 3), right("Hello", 9), right("Hello", 0), right("Hello", -2)) == ("llo", "Hello", "", "")
    assert mid("Hello", 3, 2) == "ell"  # MID(IN, L, P): L characters from position P (1-based)
    assert mid("Hello", 9, 4) == "lo"
    assert (mid("Hello", 2, 6), mid("Hello", 2, 0), mid("Hello", -1, 1)) == ("", "", "")
    assert mid("Hello", 0, 1) == ""


def test_find() -> None:
    find = fn("FIND", "STRING", "STRING")
    assert find("abcabc", "ca") == 3
    assert find("abc", "a") == 1
    assert find("abc", "x") == 0
    assert find("abc", "") == 0


def test_insert_delete_replace() -> None:
    insert = fn("INSERT", "STRING", "STRING", "INT", result="STRING")
    assert insert("Hello", "XY", 2) == "HeXYllo"  # after the P-th character
    assert insert("Hello", "XY", 0) == "XYHello"
    assert insert("Hello", "XY", 9) == "HelloXY"  # P beyond the end: appended
    assert insert("Hello", "XY", -1) == ""
    assert len(insert("x" * 250, "y" * 10, 3)) == 254
    delete = fn("DELETE", "STRING", "INT", "INT")
    assert delete("Hello", 2, 2) == "Hlo"  # DELETE(IN, L, P)
    assert delete("Hello", 9, 3) == "He"
    assert delete("Hello", 0, 2) == "Hello"
    assert delete("Hello", 2, 9) == "Hello"
    assert (delete("Hello", -1, 1), delete("Hello", 1, 0)) == ("", "")
    replace = fn("REPLACE", "STRING", "STRING", "INT", "INT", result="STRING")
    assert replace("Hello", "J", 1, 1) == "Jello"  # REPLACE(IN1, IN2, L, P)
    assert replace("Hello", "ipp", 2, 4) == "Helipp"  # fewer than L left: the end is replaced
    assert replace("Hello", "XX", 0, 3) == "HeXXllo"  # L = 0 inserts at P
    assert replace("Hello", "!", 1, 9) == "Hello!"
    assert replace("Hello", "X", -1, 1) == ""


# ------------------------------------------------------------------------------------------------ time

class Rt:
    now_ns = 0


def test_time_tck_reads_the_virtual_clock_and_wraps() -> None:
    tck = FUNCTIONS["TIME_TCK"]
    assert tck.needs_rt and tck.params == ()
    call, rt = tck.specialise((), "TIME"), Rt()
    rt.now_ns = 1_234_999_999
    assert call(rt) == 1234
    rt.now_ns = (2**31 + 5) * 1_000_000
    assert call(rt) == 5


def test_t_add_t_sub_t_diff() -> None:
    assert fn("T_ADD", "TIME", "TIME")(1000, 500) == 1500
    assert fn("T_ADD", "TIME_OF_DAY", "TIME")(86_399_000, 2000) == 1000  # wraps at midnight
    assert fn("T_SUB", "TIME_OF_DAY", "TIME")(1000, 2000) == 86_399_000
    assert fn("T_ADD", "LTIME", "TIME")(5, 1) == 1_000_005
    assert fn("T_SUB", "TIME", "LTIME")(10, 2_500_000) == 8
    assert fn("T_DIFF", "TIME_OF_DAY", "TIME_OF_DAY")(1000, 3000) == -2000
    assert fn("T_DIFF", "DATE", "DATE")(10, 9) == 86_400_000
    assert fn("T_DIFF", "DATE", "DATE")(30, 0) == wrap(30 * 86_400_000, "TIME")
    assert fn("T_DIFF", "LTIME_OF_DAY", "LTIME_OF_DAY")(5, 2) == 3


def test_time_arithmetic_into_a_type_without_time_is_not_implemented() -> None:
    # Refused when specialised, not a TypeError at the first scan (there is no wrap into a String or an LReal).
    for name, first in (("T_ADD", "TIME"), ("T_SUB", "LTIME"), ("T_DIFF", "TIME_OF_DAY"), ("T_DIFF", "DATE")):
        for result in ("STRING", "LREAL"):
            with pytest.raises(UnsupportedInstructionError):
                fn(name, first, first if name == "T_DIFF" else "TIME", result=result)


# ------------------------------------------------------------------------------------------ block moves

def test_move_blk_copies_between_plc_indices() -> None:
    src, dst = PlcArray([1, 2, 3, 4, 5], low=1), PlcArray([0] * 6, low=-2)
    move_blk(src, 2, dst, 0, 3)
    assert dst.items == [0, 0, 2, 3, 4, 0]
    move_blk(src, 1, dst, -2, 0)  # COUNT 0: nothing
    assert dst.items == [0, 0, 2, 3, 4, 0]
    assert umove_blk is move_blk and ufill_blk is fill_blk


def test_move_blk_overlapping_and_struct_elements() -> None:
    a = PlcArray([1, 2, 3, 4, 5])
    move_blk(a, 0, a, 1, 4)
    assert a.items == [1, 1, 2, 3, 4]
    s = PlcArray([{"x": 1}, {"x": 2}])
    d = PlcArray([{"x": 0}, {"x": 0}])
    move_blk(s, 0, d, 0, 2)
    s[0]["x"] = 99
    assert d.items == [{"x": 1}, {"x": 2}]


@pytest.mark.parametrize(("src_index", "dst_index", "count"), [(3, 0, 3), (-1, 0, 1), (0, 3, 2), (0, 5, 1)])
def test_move_blk_out_of_range_stops_without_copying(src_index: int, dst_index: int, count: int) -> None:
    src, dst = PlcArray([1, 2, 3, 4]), PlcArray([0, 0, 0, 0])
    with pytest.raises(PlcRuntimeError) as err:
        move_blk(src, src_index, dst, dst_index, count)
    assert err.value.code == "index-out-of-range"
    assert dst.items == [0, 0, 0, 0]


def test_fill_blk() -> None:
    dst = PlcArray([0] * 5, low=1)
    fill_blk(7, dst, 2, 3)
    assert dst.items == [0, 7, 7, 7, 0]
    structs = PlcArray([{}, {}])
    fill_blk({"a": 1}, structs, 0, 2)
    structs[0]["a"] = 2
    assert structs[1] == {"a": 1}  # each element its own copy
    with pytest.raises(PlcRuntimeError) as err:
        fill_blk(1, dst, 4, 3)
    assert err.value.code == "index-out-of-range"


def test_move_blk_variant_uses_zero_based_indices_and_returns_codes() -> None:
    src, dst = PlcArray([1, 2, 3], low=5), PlcArray([0, 0, 0], low=1)
    assert move_blk_variant(src, 1, 2, dst, 0) == 0
    assert dst.items == [2, 3, 0]
    assert move_blk_variant(src, 3, 1, dst, 0) == wrap(0x8382, "INT")
    assert move_blk_variant(src, 2, 2, dst, 0) == wrap(0x8383, "INT")
    assert move_blk_variant(src, 0, 1, dst, 3) == wrap(0x8482, "INT")
    assert move_blk_variant(src, 0, 2, dst, 2) == wrap(0x8483, "INT")
    assert dst.items == [2, 3, 0]
    call = FUNCTIONS["MOVE_BLK_VARIANT"].specialise(("INT", "UDINT", "DINT", "DINT", None), "INT")
    assert call(src, 1, 0, 2, dst) == 0 and dst.items == [2, 3, 1]
    with pytest.raises(UnsupportedInstructionError):
        call({"a": 1}, 1, 0, 0, dst)
