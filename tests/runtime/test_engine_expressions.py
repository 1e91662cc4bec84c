"""The execution engine on expressions: integer wrap per type, Real single precision, every operator,
S7-1500 division rules, Bool logic, bit strings and slice access, tags on %I/%Q/%M."""

from __future__ import annotations

import math

import pytest

from fakes.runtime.values import exact_in_real, to_real32

from tools.plc_software import Sim

_DB = """
DATA_BLOCK "D"
VAR
  i : Int; j : Int; si : SInt; us : USInt; ui : UInt; di : DInt; ud : UDInt; li : LInt;
  r : Real; lr : LReal; b : Bool; c : Bool; w : Word; by : Byte; dw : DWord; t : Time; lt : LTime;
  q1 : Int; q2 : Int; m1 : Int; m2 : Int; x : Int; s : String; s4 : String[4];
END_VAR
BEGIN
END_DATA_BLOCK
"""


def _run(body: str, tags: list | None = None) -> Sim:
    sim = Sim(_DB + f'ORGANIZATION_BLOCK "Main"\nBEGIN\n{body}\nEND_ORGANIZATION_BLOCK\n', tags)
    sim.scan()
    return sim


def test_integer_arithmetic_wraps_per_type() -> None:
    sim = _run('''
"D".i := 32767; "D".i := "D".i + 1;
"D".si := 127; "D".si := "D".si + 2;
"D".us := 0; "D".us := "D".us - 1;
"D".ui := 65535; "D".ui := "D".ui * 2;
"D".di := 2147483647; "D".di := "D".di + 1;
"D".ud := 0; "D".ud := "D".ud - 1;
"D".li := 9223372036854775807; "D".li := "D".li + 1;
"D".j := 300; "D".j := "D".j * "D".j;''')
    assert sim['"D".i'] == -32768
    assert sim['"D".si'] == -127
    assert sim['"D".us'] == 255
    assert sim['"D".ui'] == 65534
    assert sim['"D".di'] == -2147483648
    assert sim['"D".ud'] == 4294967295
    assert sim['"D".li'] == -9223372036854775808
    assert sim['"D".j'] == (300 * 300 + 32768) % 65536 - 32768


def test_mixed_width_operands_wrap_in_their_own_type_first() -> None:
    # Int + Int is computed as Int even when stored into a DInt (the result type is the operands' type)
    sim = _run('"D".i := 32767; "D".j := 1; "D".di := "D".i + "D".j;')
    assert sim['"D".di'] == -32768


def test_division_truncates_toward_zero_and_by_zero_gives_zero() -> None:
    sim = _run('''
"D".i := -7; "D".q1 := "D".i / 2; "D".m1 := "D".i MOD 2;
"D".j := 0; "D".q2 := 7 / "D".j; "D".m2 := 7 MOD "D".j;
"D".x := -32768; "D".x := "D".x / -1;''')
    assert (sim['"D".q1'], sim['"D".m1']) == (-3, -1)
    assert (sim['"D".q2'], sim['"D".m2']) == (0, 0)
    assert sim['"D".x'] == -32768  # 32768 wraps back in an Int


def test_division_by_a_variable_and_negative_divisors() -> None:
    sim = _run('"D".i := 7; "D".j := -2; "D".q1 := "D".i / "D".j; "D".m1 := "D".i MOD "D".j;')
    assert (sim['"D".q1'], sim['"D".m1']) == (-3, 1)


def test_real_is_rounded_to_single_precision_and_lreal_is_not() -> None:
    sim = _run('"D".r := 0.1; "D".r := "D".r + 0.2; "D".lr := 0.1; "D".lr := "D".lr + 0.2; "D".i := 3;'
               '"D".lr := "D".i / 2; "D".r := "D".r / 0.0;')
    assert sim['"D".lr'] == 1  # Int / Int stays integer
    assert sim['"D".r'] == math.inf
    sim = _run('"D".r := 0.1; "D".r := "D".r + 0.2; "D".lr := 0.1; "D".lr := "D".lr + 0.2;')
    assert sim['"D".r'] == to_real32(to_real32(0.1) + 0.2) and sim['"D".r'] != 0.1 + 0.2
    assert sim['"D".lr'] == 0.1 + 0.2


def test_stores_into_a_real_round_as_the_fpu_does() -> None:
    # an assignment rounds through the memory's single-precision scratch; every other store through to_real32
    sim = _run('"D".lr := 1.0E39; "D".r := "D".lr; "D".lr := -1.0E39; "D".x := 1; "D".r := "D".lr * "D".x;')
    assert sim['"D".r'] == -math.inf
    sim = _run('"D".lr := 3.4028235677973362E38; "D".r := "D".lr; "D".di := 16777217; "D".lr := "D".di;')
    assert sim['"D".r'] == to_real32(3.4028235677973362e38) < math.inf  # rounds down to the largest Real
    sim = _run('"D".di := 16777217; "D".r := DINT_TO_REAL("D".di); "D".lr := "D".r;'
               '"D".i := -32768; "D".q1 := 7; "D".lr := INT_TO_REAL("D".i) / "D".q1;')
    assert sim['"D".r'] == 16_777_216.0  # 2^24 + 1 has no Real
    # Real / Int is a Real operation: an S7-1500 computes it in single precision (IEEE 754, data type Real), then
    # the Real converts into the LReal exactly (issue 66; it was the double-precision quotient before)
    assert sim['"D".lr'] == to_real32(-32768 / 7) and type(sim['"D".lr']) is float
    sim = _run('"D".i := -32767; "D".r := "D".i; "D".lr := "D".r;')
    assert sim['"D".r'] == -32767.0 and type(sim['"D".r']) is float  # every Int is a Real: no rounding needed


def test_an_int_into_a_real_is_float_alone_only_where_every_value_is_a_real() -> None:
    assert exact_in_real("INT", "REAL") and exact_in_real("UINT", "REAL") and exact_in_real("SINT", "REAL")
    assert not exact_in_real("DINT", "REAL") and exact_in_real("DINT", "LREAL")
    assert not exact_in_real("LINT", "LREAL") and not exact_in_real("CHAR", "REAL")
    assert not exact_in_real("REAL", "REAL") and not exact_in_real("INT", "DINT")


def test_power_comparisons_and_bool_logic() -> None:
    sim = _run('''
"D".r := 2.0 ** 10;
"D".b := (3 < 4) AND (4 >= 4) AND (5 <> 6) AND NOT (1 = 2) AND (2 <= 1 OR 7 > 6);
"D".c := TRUE XOR TRUE;''')
    assert sim['"D".r'] == 1024.0
    assert sim['"D".b'] is True and sim['"D".c'] is False


def test_bit_strings_not_and_or_xor_and_slices() -> None:
    sim = _run('''
"D".w := 16#00F0; "D".w := NOT "D".w;
"D".by := 16#0F AND 16#3C; "D".dw := 16#12345678;
"D".b := "D".dw.%X3; "D".c := "D".dw.%X0;
"D".x := "D".dw.%B0;
"D".i := 0; "D".i.%X15 := TRUE;
"D".ui := "D".dw.%W1;
"D".dw.%B3 := 16#AB;''')
    assert sim['"D".w'] == 0xFF0F
    assert sim['"D".by'] == 0x0C
    assert sim['"D".b'] is True and sim['"D".c'] is False  # 0x78 = 0111_1000
    assert sim['"D".x'] == 0x78
    assert sim['"D".i'] == -32768  # setting the sign bit of an Int
    assert sim['"D".ui'] == 0x1234
    assert sim['"D".dw'] == 0xAB345678


def test_unary_minus_wraps_and_not_on_a_signed_int() -> None:
    sim = _run('"D".i := -32768; "D".i := -"D".i; "D".j := 5; "D".j := NOT "D".j;')
    assert sim['"D".i'] == -32768 and sim['"D".j'] == -6


def test_time_arithmetic_and_ltime_widening() -> None:
    sim = _run('"D".t := T#1s + T#500ms; "D".lt := "D".t; "D".b := "D".t > T#1s;')
    assert sim['"D".t'] == 1500 and sim['"D".lt'] == 1_500_000_000 and sim['"D".b'] is True


def test_tags_on_inputs_outputs_and_markers() -> None:
    tags = [{"name": "Start", "address": "%I0.3", "dataType": "Bool"},
            {"name": "Lamp", "address": "%Q1.7", "dataType": "Bool"},
            {"name": "Count", "address": "%MW10", "dataType": "Int"},
            {"name": "Level", "address": "%MD20", "dataType": "Real"},
            {"name": "Raw", "address": "%IW4", "dataType": "Word"}]
    body = '"Lamp" := "Start"; "Count" := "Count" + 1; "Level" := "Level" + 0.5; "D".w := "Raw";'
    sim = Sim(_DB + f'ORGANIZATION_BLOCK "Main"\nBEGIN\n{body}\nEND_ORGANIZATION_BLOCK\n', tags)
    sim.mem.inputs[0] = 0b1000
    sim.mem.inputs[4:6] = b"\x12\x34"
    sim.mem.markers[10:12] = b"\x7f\xff"
    sim.scan(3)
    assert sim.mem.outputs[1] == 0x80
    assert sim.mem.get("M", 10, "INT") == -32766  # 32767 + 3 wrapped
    assert sim.mem.get("M", 20, "REAL") == 1.5
    assert sim['"D".w'] == 0x1234
    sim.mem.inputs[0] = 0
    sim.scan()
    assert sim.mem.outputs[1] == 0


@pytest.mark.parametrize(("expr", "expected"), [("ABS(-5)", 5), ("MAX(IN1 := 3, IN2 := 9)", 9),
                                                ("LIMIT(MN := 0, IN := 50, MX := 10)", 10)])
def test_system_functions_from_the_stdlib(expr: str, expected: int) -> None:
    assert _run(f'"D".x := {expr};')['"D".x'] == expected


def test_conversions_from_the_stdlib() -> None:
    sim = _run('"D".i := 7; "D".r := INT_TO_REAL("D".i) / 2.0; "D".di := REAL_TO_DINT(2.5); '
               '"D".x := TRUNC(-2.7); "D".s := \'ab\';')
    assert sim['"D".r'] == 3.5 and sim['"D".di'] == 2 and sim['"D".x'] == -2 and sim['"D".s'] == "ab"


def test_strings_are_cut_to_their_declared_length() -> None:
    sim = _run('"D".s4 := \'abcdefgh\'; "D".s := \'abcdefgh\'; "D".r := 0.1;')
    assert sim['"D".s4'] == "abcd" and sim['"D".s'] == "abcdefgh" and sim['"D".r'] == to_real32(0.1)
