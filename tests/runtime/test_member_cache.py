"""The member cache of the code generator (``fakes.runtime.codegen_cache``): DB members, instance members and
process-image values kept in Python locals over stretches of a block must change nothing the CPU does.

Every program here runs twice, generated with the cache and without it (``BlockGen._caching`` off), and must end
with the same DBs (private timer keys included), the same I/Q/M bytes and the same error, if any; the values that
matter are asserted as well, since both runs could be wrong alike."""

from __future__ import annotations

from typing import Any

import pytest

from fakes.runtime.codegen import BlockGen
from fakes.runtime.errors import PlcRuntimeError
from fakes.runtime.values import PlcArray

from tools.plc_software import Sim

_TAGS = [{"name": "In_0", "address": "%I0.0", "dataType": "Bool"},
         {"name": "Out_1", "address": "%Q0.1", "dataType": "Bool"},
         {"name": "QB_0", "address": "%QB0", "dataType": "Byte"},
         {"name": "QW_0", "address": "%QW0", "dataType": "Word"},
         {"name": "MW_10", "address": "%MW10", "dataType": "Int"},
         {"name": "MB_11", "address": "%MB11", "dataType": "Byte"},
         {"name": "MD_20", "address": "%MD20", "dataType": "Real"}]


def _snapshot(value: Any) -> Any:
    if isinstance(value, PlcArray):
        return ("array", value.low, [_snapshot(v) for v in value.items])
    if isinstance(value, dict):
        return {k: _snapshot(v) for k, v in value.items()}
    return value


def _run(text: str, scans: int, cached: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Sim, Any]:
    with monkeypatch.context() as patch:
        if not cached:
            patch.setattr(BlockGen, "_caching", lambda self: False)
        sim = Sim(text, _TAGS)
    error = None
    try:
        for i in range(scans):
            sim.mem.inputs[0] = i & 1
            sim.scan()
    except PlcRuntimeError as exc:
        error = (exc.code, exc.block, exc.network, exc.line, str(exc))
    state = (_snapshot(sim.mem.dbs), bytes(sim.mem.inputs[:64]), bytes(sim.mem.outputs[:64]),
             bytes(sim.mem.markers[:64]), error)
    return sim, state


def _both(text: str, monkeypatch: pytest.MonkeyPatch, scans: int = 3) -> tuple[Sim, Any]:
    """The simulation with the cache, after it was checked against the same program without it."""
    sim, cached = _run(text, scans, True, monkeypatch)
    _, plain = _run(text, scans, False, monkeypatch)
    assert cached == plain
    return sim, cached[-1]


_DATA = """
DATA_BLOCK "Data"
VAR x : Int; y : Int; z : Int; k : Int; seen : Int; w : Word; b : Bool; arr : Array[0..7] of Int; r : Real; END_VAR
BEGIN
END_DATA_BLOCK
"""


def test_a_value_kept_in_a_local_is_written_back_before_a_call_reads_it_and_read_again_after(monkeypatch) -> None:
    sim, error = _both(_DATA + """
FUNCTION_BLOCK "FB_Reader"
VAR_OUTPUT seen : Int; END_VAR
VAR n : Int; END_VAR
BEGIN
  #seen := "Data".x;
  "Data".x := "Data".x + 100;
  #n := #n + 1;
END_FUNCTION_BLOCK
FUNCTION "FC_Bump" : Void
BEGIN
  "Data".y := "Data".y * 2;
END_FUNCTION
DATA_BLOCK "Reader" "FB_Reader" BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "Data".x := "Data".x + 1;
  "Data".x := "Data".x + 1;
  "Data".y := "Data".y + "Data".x;
  "Reader"(seen => "Data".seen);
  "Data".x := "Data".x + 1;
  "Data".z := "Data".x + "Data".y;
  "FC_Bump"();
  "Data".z := "Data".z + "Data".y + "Data".y;
END_ORGANIZATION_BLOCK
""", monkeypatch, scans=1)
    assert error is None
    assert sim['"Data".seen'] == 2 and sim['"Reader".seen'] == 2  # the FB saw both increments
    assert sim['"Data".x'] == 103  # the OB saw the FB's write
    assert sim['"Data".y'] == 4 and sim['"Data".z'] == 113  # and the FC's
    source = sim.image.source("Main")
    assert "try:" in source and "finally:" in source  # the stretches between the calls are cached


def test_an_fb_naming_its_own_instance_db_or_the_db_holding_it_sees_its_writes(monkeypatch) -> None:
    sim, error = _both("""
FUNCTION_BLOCK "FB_Self"
VAR n : Int; m : Int; END_VAR
BEGIN
  #n := #n + 1;
  #n := #n + 1;
  "Self_DB".m := "Self_DB".n * 10;
  #m := #m + #n + #n;
END_FUNCTION_BLOCK
FUNCTION_BLOCK "FB_Inner"
VAR n : Int; m : Int; END_VAR
BEGIN
  #n := #n + 1;
  #n := #n + 1;
  "Outer_DB".inner.m := "Outer_DB".inner.n * 10;
  #m := #m + #n + #n;
END_FUNCTION_BLOCK
FUNCTION_BLOCK "FB_Outer"
VAR inner : "FB_Inner"; END_VAR
BEGIN
  #inner();
END_FUNCTION_BLOCK
DATA_BLOCK "Self_DB" "FB_Self" BEGIN END_DATA_BLOCK
DATA_BLOCK "Outer_DB" "FB_Outer" BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "Self_DB"();
  "Outer_DB"();
END_ORGANIZATION_BLOCK
""", monkeypatch, scans=1)
    assert error is None
    assert sim['"Self_DB".m'] == 24 and sim['"Outer_DB".inner.m'] == 24
    assert "c_n_" not in sim.image.source("FB_Self")  # two names for one instance: nothing cached


def test_a_whole_db_used_as_a_value_and_a_struct_passed_by_reference(monkeypatch) -> None:
    sim, error = _both("""
TYPE "UDT_Pair"
STRUCT v : Int; w : Int; END_STRUCT
END_TYPE
DATA_BLOCK "A" "UDT_Pair" BEGIN END_DATA_BLOCK
DATA_BLOCK "B" "UDT_Pair" BEGIN END_DATA_BLOCK
FUNCTION "FC_Ref" : Void
VAR_IN_OUT p : "UDT_Pair"; END_VAR
BEGIN
  #p.v := #p.v + 1;
  "A".w := "A".v + #p.v;
  #p.v := #p.v + 1;
  #p.w := #p.w + "A".v;
END_FUNCTION
ORGANIZATION_BLOCK "Main"
BEGIN
  "A".v := 5;
  "A".v := "A".v + 1;
  "B" := "A";
  "A".v := "A".v + 1;
  "B".w := "B".v + 1;
  "FC_Ref"(p := "A");
  "B".v := "A".v + "A".w + "A".v;
END_ORGANIZATION_BLOCK
""", monkeypatch, scans=1)
    assert error is None
    # B got A as it was (v 6), A went on to 7; the FC saw A through its parameter and by name alike
    assert sim['"A".v'] == 9 and sim['"A".w'] == 16 + 9
    assert sim['"B".w'] == 7 and sim['"B".v'] == 9 + 25 + 9
    assert "c_" not in sim.image.source("FC_Ref")  # a parameter by reference: nothing cached


def test_array_elements_by_a_cached_index_slices_and_overlapping_process_image_accesses(monkeypatch) -> None:
    sim, error = _both(_DATA + """
ORGANIZATION_BLOCK "Main"
BEGIN
  "Data".x := ("Data".x + 1) MOD 8;
  "Data".arr["Data".x] := "Data".arr["Data".x] + "Data".x;
  "Data".arr[("Data".x + 1) MOD 8] := "Data".arr["Data".x] * 2;
  "Data".w := "Data".w + 1;
  "Data".w.%X3 := TRUE;
  "Data".b := "Data".w.%X0;
  "Data".w.%X0 := NOT "Data".b;
  "QB_0" := "QB_0" + 2;
  "Out_1" := NOT "Out_1";
  "QW_0" := "QW_0" + 1;
  "Out_1" := "Out_1" XOR "In_0";
  "MW_10" := "MW_10" + 1;
  "MB_11" := "MB_11" + 1;
  "MW_10" := "MW_10" + 1;
  "MD_20" := "MD_20" + 0.1;
  "MD_20" := "MD_20" * 3.0;
END_ORGANIZATION_BLOCK
""", monkeypatch, scans=5)
    assert error is None
    assert sim['"Data".x'] == 5 and sim['"Data".arr[5]'] == 57 and sim['"Data".arr[6]'] == 114
    assert sim['"Data".w'] & 8 and sim['"Data".w'] & 1 == (not sim['"Data".b'])
    assert sim.mem.markers[10:12] == bytes([0, 15])  # %MB11 is %MW10's low byte: each scan +1 +1 +1
    assert sim['"MD_20"'] == pytest.approx(36.3, rel=1e-6)  # ((((0.1 * 3 + 0.1) * 3 ...


def test_a_timer_and_an_edge_read_through_their_members(monkeypatch) -> None:
    sim, error = _both(_DATA + """
FUNCTION_BLOCK "FB_Timed"
VAR_INPUT run : Bool; END_VAR
VAR_OUTPUT elapsed : Time; done : Bool; END_VAR
VAR t : TON_TIME; edge : R_TRIG; rises : Int; pt : Time := T#25ms; END_VAR
BEGIN
  #t(IN := #run OR #t.Q, PT := #pt);
  #elapsed := #t.ET;
  #done := #t.Q;
  #edge(CLK := #t.Q);
  IF #edge.Q THEN #rises := #rises + 1; #pt := #t.PT + T#5ms; END_IF;
  #t.PT := #pt;
END_FUNCTION_BLOCK
DATA_BLOCK "Timed" "FB_Timed" BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "Timed"(run := TRUE);
  "Data".x := "Data".x + TIME_TO_INT("Timed".t.ET);
  "Data".b := "Timed".t.Q OR "Data".b;
  "Data".y := "Timed".rises + "Timed".rises;
END_ORGANIZATION_BLOCK
""", monkeypatch, scans=6)
    assert error is None
    assert sim['"Timed".t.ET'] == 25 and sim['"Timed".done'] is True and sim['"Timed".rises'] == 1
    assert sim['"Timed".pt'] == 30 and sim['"Timed".t.PT'] == 30
    # ET after each scan: 0, 10, 20, 25 (Q: PT becomes 30), 25, 25: IN stays TRUE, so the timer keeps the PT it
    # started with ("Changing PT has no effect while the timer runs", S7-1200 System Manual A5E02486680-05, Table 7-19)
    assert sim['"Data".x'] == 0 + 10 + 20 + 25 + 25 + 25 and sim['"Data".y'] == 2


def test_a_block_failing_mid_scan_leaves_every_earlier_write_in_memory_and_is_located(monkeypatch) -> None:
    sim, error = _both(_DATA + """
FUNCTION_BLOCK "FB_Fails"
VAR n : Int; m : Int; hist : Array[0..3] of Int; END_VAR
BEGIN
  #n := #n + 1;
  #m := #m + #n;
  "MW_10" := "MW_10" + 1;
  #hist[#n + #m] := #n;
  #n := 99;
END_FUNCTION_BLOCK
DATA_BLOCK "Fails" "FB_Fails" BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "Data".x := "Data".x + 1;
  "Data".x := "Data".x + 1;
  "Fails"();
  "Data".x := 99;
END_ORGANIZATION_BLOCK
""", monkeypatch, scans=3)
    assert error is not None and error[:4] == ("index-out-of-range", "FB_Fails", 1, 4)  # the line of #hist[...]
    # scan 1: n 1, m 1, hist[2], n 99; scan 2: n 100, m 101, hist[201] fails after n, m and %MW10 were written
    assert sim['"Fails".n'] == 100 and sim['"Fails".m'] == 101 and sim['"MW_10"'] == 2
    assert sim['"Data".x'] == 101  # the OB's writes before the call are in memory too (99 + 1 + 1)
    assert "finally:" in sim.image.source("FB_Fails") and "finally:" in sim.image.source("Main")


def test_return_exit_continue_and_loops_leave_their_writes(monkeypatch) -> None:
    sim, error = _both(_DATA + """
FUNCTION "FC_Early" : Int
BEGIN
  "Data".y := "Data".y + 1;
  "Data".y := "Data".y + 1;
  IF "Data".y > 2 THEN
    "Data".z := "Data".z + "Data".y;
    RETURN;
  END_IF;
  "Data".z := "Data".z - 1;
  #FC_Early := "Data".y;
END_FUNCTION
ORGANIZATION_BLOCK "Main"
BEGIN
  "Data".x := 0;
  REPEAT
    "Data".x := "Data".x + 1;
    IF "Data".x MOD 2 = 0 THEN CONTINUE; END_IF;
    "Data".seen := "Data".seen + "Data".x;
  UNTIL "Data".x >= 6 END_REPEAT;
  WHILE TRUE DO
    "Data".arr[0] := "Data".arr[0] + 1;
    IF "Data".arr[0] MOD 5 = 0 THEN EXIT; END_IF;
  END_WHILE;
  FOR "Data".k := 1 TO 3 DO
    "Data".arr[1] := "Data".arr[1] + "Data".k;
  END_FOR;
  "Data".r := INT_TO_REAL("FC_Early"());
END_ORGANIZATION_BLOCK
""", monkeypatch, scans=2)
    assert error is None
    assert sim['"Data".x'] == 6 and sim['"Data".seen'] == 2 * (1 + 3 + 5)
    assert sim['"Data".arr[0]'] == 10 and sim['"Data".arr[1]'] == 12 and sim['"Data".k'] == 4
    assert sim['"Data".y'] == 4 and sim['"Data".z'] == -1 + 4 and sim['"Data".r'] == 0.0


def test_a_member_is_read_from_its_db_once_per_stretch() -> None:
    sim = Sim(_DATA + """
ORGANIZATION_BLOCK "Main"
BEGIN
  "Data".x := "Data".x + 1;
  "Data".y := "Data".y * 3 - "Data".x;
  IF "Data".y > 1000 THEN "Data".y := 0; ELSIF "Data".y < -1000 THEN "Data".y := 1; END_IF;
  "Data".x := "Data".x + "Data".y;
  "Data".z := "Data".x;
END_ORGANIZATION_BLOCK
""", _TAGS)
    source = sim.image.source("Main")
    # x and y: one read before the stretch and one write after it; z, written once, keeps its dict access
    assert source.count("['x']") == 2 and source.count("['y']") == 2 and source.count("['z']") == 1, source
    sim.scan(2)
    assert sim['"Data".x'] == -3 and sim['"Data".y'] == -4 and sim['"Data".z'] == -3


def test_calls_inside_branches_conditions_and_fc_outputs(monkeypatch) -> None:
    sim, error = _both(_DATA + """
FUNCTION "FC_Twice" : Int
VAR_INPUT v : Int; END_VAR
VAR_OUTPUT half : Int; END_VAR
BEGIN
  "Data".seen := "Data".seen + 1;
  #half := #v / 2;
  #FC_Twice := #v * 2;
END_FUNCTION
ORGANIZATION_BLOCK "Main"
BEGIN
  "Data".x := "Data".x + 1;
  IF "Data".x > 2 THEN
    "Data".y := "Data".y + "Data".seen;
    "Data".z := "FC_Twice"(v := "Data".y, half => "Data".k);
    "Data".y := "Data".y + "Data".seen + "Data".k;
  ELSIF "FC_Twice"(v := "Data".x, half => "Data".k) > 2 THEN
    "Data".z := "Data".z + "Data".seen + "Data".k;
  ELSE
    "Data".z := "Data".z + 1;
    "Data".z := "Data".z + "Data".x;
  END_IF;
  CASE "Data".x OF
    1: "Data".y := "Data".y + 10;
    2..3: "Data".y := "Data".y + "FC_Twice"(v := "Data".y, half => "Data".k);
  ELSE
    "Data".y := "Data".y - 1;
    "Data".y := "Data".y - "Data".x;
  END_CASE;
  "Data".z := "Data".z + "Data".y;
END_ORGANIZATION_BLOCK
""", monkeypatch, scans=4)
    assert error is None
    assert (sim['"Data".x'], sim['"Data".y'], sim['"Data".z'], sim['"Data".k'], sim['"Data".seen']) == (
        4, 247, 575, 82, 6)  # by hand: the ELSE, ELSIF, IF branches, then the CASE ELSE


def test_a_stretch_inside_many_nested_loops_stays_within_pythons_block_limit(monkeypatch) -> None:
    depth = 20  # Python allows 20 statically nested blocks: a region's try would be the 21st
    loops = "".join('FOR "Data".k := 1 TO 1 DO\n' for _ in range(depth))
    ends = "END_FOR;\n" * depth
    sim, error = _both(_DATA + f"""
ORGANIZATION_BLOCK "Main"
BEGIN
{loops}
  "Data".x := "Data".x + 1;
  "Data".x := "Data".x + "Data".x;
{ends}
END_ORGANIZATION_BLOCK
""", monkeypatch, scans=2)
    assert error is None and sim['"Data".x'] == 6
