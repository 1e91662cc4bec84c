"""The execution engine on statements: IF/CASE/FOR/WHILE/REPEAT/EXIT/CONTINUE/RETURN, REGION, GOTO,
arrays (bounds, multi-dimensional, structs and UDTs) and where a runtime error happened."""

from __future__ import annotations

import pytest

from fakes.runtime.errors import PlcRuntimeError, UnsupportedInstructionError

from tools.plc_software import Sim

_TYPES = """
TYPE "Point"
STRUCT
  x : Int := 1;
  y : Int := 2;
END_STRUCT
END_TYPE
DATA_BLOCK "D"
VAR
  n : Int; k : Int; sum : DInt; s : String; b : Bool;
  a : Array[1..10] of Int;
  m : Array[0..2, 1..3] of Int;
  pts : Array[0..3] of "Point";
  p : "Point";
  rec : Struct
    name : String := 'x';
    vals : Array[0..1] of Real;
  END_STRUCT;
END_VAR
BEGIN
END_DATA_BLOCK
"""


def _sim(body: str, temps: str = "i : Int; j : Int;") -> Sim:
    return Sim(_TYPES + f'ORGANIZATION_BLOCK "Main"\nVAR_TEMP {temps} END_VAR\nBEGIN\n{body}\n'
                        'END_ORGANIZATION_BLOCK\n')


def test_if_elsif_else_and_case_with_ranges_and_lists() -> None:
    sim = _sim('''
IF "D".n = 0 THEN "D".k := 1; ELSIF "D".n < 5 THEN "D".k := 2; ELSE "D".k := 3; END_IF;
CASE "D".n OF
  0: "D".sum := 100;
  1, 3, 5: "D".sum := 200;
  6..9: "D".sum := 300;
ELSE
  "D".sum := -1;
END_CASE;
"D".n := "D".n + 1;''')
    seen = []
    for _ in range(11):
        sim.scan()
        seen.append((sim['"D".k'], sim['"D".sum']))
    assert seen[0] == (1, 100) and seen[1] == (2, 200) and seen[2] == (2, -1) and seen[3] == (2, 200)
    assert seen[7] == (3, 300) and seen[10] == (3, -1)


def test_for_loops_write_the_loop_variable_back() -> None:
    sim = _sim('''
"D".sum := 0;
FOR #i := 1 TO 10 DO "D".a[#i] := #i * #i; "D".sum := "D".sum + #i; END_FOR;
"D".n := #i;
FOR #j := 10 TO 1 BY -3 DO "D".k := #j; END_FOR;
"D".b := #j = -2;
FOR #i := 5 TO 1 DO "D".sum := 0; END_FOR;
"D".s := 'done';''')
    sim.scan()
    assert sim['"D".sum'] == 55 and sim['"D".a[10]'] == 100 and sim['"D".n'] == 11
    assert sim['"D".k'] == 1 and sim['"D".b'] is True and sim['"D".s'] == "done"


def test_exit_continue_while_and_repeat() -> None:
    sim = _sim('''
"D".sum := 0;
FOR #i := 1 TO 100 DO
  IF #i MOD 2 = 0 THEN CONTINUE; END_IF;
  IF #i > 9 THEN EXIT; END_IF;
  "D".sum := "D".sum + #i;
END_FOR;
"D".n := #i;
#j := 0;
WHILE #j < 5 DO #j := #j + 1; END_WHILE;
"D".k := #j;
#j := 0;
REPEAT
  #j := #j + 1;
  IF #j < 3 THEN CONTINUE; END_IF;
  "D".b := TRUE;
UNTIL #j >= 4 END_REPEAT;
"D".a[1] := #j;''')
    sim.scan()
    assert sim['"D".sum'] == 1 + 3 + 5 + 7 + 9 and sim['"D".n'] == 11
    assert sim['"D".k'] == 5 and sim['"D".a[1]'] == 4 and sim['"D".b'] is True


def test_return_and_region() -> None:
    sim = _sim('''
REGION first
  "D".n := 1;
END_REGION
IF "D".n = 1 THEN RETURN; END_IF;
"D".n := 2;''')
    sim.scan()
    assert sim['"D".n'] == 1


def test_multi_dimensional_arrays_structs_and_udts() -> None:
    sim = _sim('''
FOR #i := 0 TO 2 DO FOR #j := 1 TO 3 DO "D".m[#i, #j] := #i * 10 + #j; END_FOR; END_FOR;
"D".pts[2].y := "D".pts[2].x + "D".P.Y;
"D".rec.vals[1] := 2.5;
"D".p := "D".pts[2];
"D".pts[2].x := 99;''')
    sim.scan()
    assert sim['"D".m[2,3]'] == 23 and sim['"D".m[0, 1]'] == 1
    assert sim['"D".pts[2]'] == {"x": 1, "y": 3} | {"x": 99}
    assert sim['"D".p'] == {"x": 1, "y": 3}  # a struct assignment copies
    assert sim['"D".rec.vals[1]'] == 2.5 and sim['"D".rec.name'] == "x"


def test_array_index_out_of_range_stops_with_block_network_and_line() -> None:
    sim = _sim('#i := 10;\n"D".a[#i] := 1;\n#i := #i + 1;\n"D".k := "D".a[#i];')
    with pytest.raises(PlcRuntimeError) as info:
        sim.scan()
    err = info.value
    assert err.code == "index-out-of-range" and "11" in err.message
    assert (err.block, err.network, err.line) == ("Main", 1, 4)
    assert sim['"D".a[10]'] == 1


def test_out_of_range_with_a_constant_index_and_in_a_two_dimensional_array() -> None:
    sim = _sim('#i := 3;\n"D".m[#i, 1] := 5;')
    with pytest.raises(PlcRuntimeError) as info:
        sim.scan()
    assert info.value.code == "index-out-of-range" and info.value.line == 2


def test_endless_while_loop_is_a_cycle_time_error_not_a_hang() -> None:
    sim = _sim('WHILE TRUE DO "D".n := "D".n + 1; END_WHILE;')
    with pytest.raises(PlcRuntimeError) as info:
        sim.scan()
    assert info.value.code == "cycle-time-exceeded" and info.value.block == "Main"


def test_a_goto_to_a_label_inside_a_statement_raises_unsupported_when_executed_and_is_listed() -> None:
    """The simulated PLC jumps only to labels of a network's own statement list (tests/runtime/test_goto.py)."""
    sim = _sim('IF "D".b THEN GOTO lbl; END_IF;\n"D".n := 1;\nIF "D".n = 1 THEN lbl: "D".k := 2; END_IF;')
    assert any("GOTO" in w for w in sim.image.warnings)
    sim.scan()  # not executed: no error
    sim['"D".b'] = True
    with pytest.raises(UnsupportedInstructionError) as info:
        sim.scan()
    assert info.value.instruction == "GOTO" and info.value.block == "Main" and info.value.line == 1


def test_a_fault_of_the_simulation_becomes_a_located_plc_runtime_error() -> None:
    sim = Sim(_TYPES + 'ORGANIZATION_BLOCK "Main"\nBEGIN\n"D".n := 1;\n"Far" := TRUE;\nEND_ORGANIZATION_BLOCK\n',
              [{"name": "Far", "address": "%M60000.0", "dataType": "Bool"}])  # beyond the 16 KiB of %M
    with pytest.raises(PlcRuntimeError) as info:
        sim.scan()
    assert (info.value.code, info.value.block, info.value.line) == ("simulation-error", "Main", 2)


def test_a_for_loop_past_the_pass_limit_is_a_cycle_time_error_and_one_that_exits_sooner_runs() -> None:
    """The same pass limit for every loop (rtlib.LOOP_LIMIT): a FOR loop's range is no exception."""
    limit = _sim('FOR #k := 1 TO 1000000 DO "D".n := 1; END_FOR;', temps="k : DInt;")
    limit.scan()  # exactly the limit's passes
    huge = _sim('FOR #k := 0 TO 1000000 DO "D".n := 1; END_FOR;', temps="k : DInt;")  # one more
    with pytest.raises(PlcRuntimeError) as info:
        huge.scan()
    assert info.value.code == "cycle-time-exceeded" and info.value.block == "Main"
    exits = _sim('FOR #k := 0 TO 2147483647 DO "D".n := "D".n + 1; IF #k = 9 THEN EXIT; END_IF; END_FOR;',
                 temps="k : DInt;")
    exits.scan()
    assert exits['"D".n'] == 10
