"""The work of one scan, counted (not timed): the calls the generated code makes for the statement kinds of
``bench/scan.py``. A count is the same on a busy and a quiet machine, so it guards the scan's fast paths: a
timer, an edge or an exact conversion that becomes a Python call again, or a Real store that goes back to a
struct round trip, fails here before the benchmark notices."""

from __future__ import annotations

import sys
from collections import Counter
from types import FrameType
from typing import Any

from tools.plc_software import Sim

_PROGRAM = """
FUNCTION_BLOCK "FB_Unit"
VAR_INPUT run : Bool; setpoint : Int; END_VAR
VAR_OUTPUT busy : Bool; out : Real; END_VAR
VAR t : TON_TIME; edge : R_TRIG; count : DInt; level : Real := 1.5; hist : Array[0..7] of Int; END_VAR
VAR_TEMP d : Int; END_VAR
BEGIN
  #t(IN := #run, PT := T#500ms);
  #edge(CLK := #run);
  IF #edge.Q THEN #count := #count + 1; END_IF;
  #d := #setpoint MOD 8;
  #hist[#d] := #hist[#d] + 1;
  #level := #level * 0.5 + INT_TO_REAL(#d) * 0.25;
  #busy := #t.Q AND NOT #run OR (#count > 100);
  #out := #level + 1.0;
END_FUNCTION_BLOCK
DATA_BLOCK "Data"
VAR i : Int; d : DInt; r : Real; b : Bool; a : Array[0..15] of Int; END_VAR
BEGIN
END_DATA_BLOCK
DATA_BLOCK "Unit_0" "FB_Unit" BEGIN END_DATA_BLOCK
DATA_BLOCK "Unit_1" "FB_Unit" BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "Unit_0"(run := "In_0", setpoint := "Data".i, out => "Data".r);
  "Unit_1"(run := "In_1", setpoint := "Data".i, out => "Data".r);
  "Data".i := "Data".i + 1;
  "Data".d := "Data".d * 3 - "Data".i;
  "Data".r := "Data".r * 0.99 + 0.5;
  "Data".b := "Data".i > 3 AND NOT "Data".b;
  IF "Data".d > 1000 THEN "Data".d := 0; ELSIF "Data".d < -1000 THEN "Data".d := 1; END_IF;
  "Data".a[5] := "Data".a[5] + "Data".i MOD 7;
  "Out_0" := "In_0" XOR "Data".b;
  "MW_0" := "MW_0" + 1;
END_ORGANIZATION_BLOCK
"""
_TAGS = [{"name": "In_0", "address": "%I0.0", "dataType": "Bool"},
         {"name": "In_1", "address": "%I0.1", "dataType": "Bool"},
         {"name": "Out_0", "address": "%Q0.0", "dataType": "Bool"},
         {"name": "MW_0", "address": "%MW10", "dataType": "Int"}]


def _calls_of_one_scan(sim: Sim) -> Counter[str]:
    """Python functions called (by name) and C functions called (``c:`` and name) during one scan's OB call."""
    counted: Counter[str] = Counter()

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            counted[frame.f_code.co_name] += 1
        elif event == "c_call":
            counted["c:" + getattr(arg, "__name__", repr(arg))] += 1

    ob = next(ob for ob in sim.image.obs if ob.kind == "ProgramCycle")
    sim.rt.now_ns += 10_000_000
    sys.setprofile(profile)
    try:
        sim.image.run_ob(ob, sim.mem, sim.rt)
    finally:
        sys.setprofile(None)
    counted.pop("c:setprofile", None)
    return counted


def test_a_scan_calls_only_its_blocks_and_the_area_accesses() -> None:
    sim = Sim(_PROGRAM, _TAGS)
    sim.mem.inputs[0] = 0b01
    sim.scan(3)
    calls = _calls_of_one_scan(sim)
    # run_ob (its OB's function from a dict), the OB, and the FB once per instance. The TONs and R_TRIGs are inlined,
    # INT_TO_REAL of an Int is float() (a type, not a call the profiler reports) and the Real stores round through the
    # memory's float32 view: the only C calls left are the struct read and write of %MW10.
    assert calls == Counter({"run_ob": 1, "c:get": 1, "B_Main_1": 1, "B_FB_Unit_0": 2,
                             "c:unpack_from": 1, "c:pack_into": 1}), calls
    assert sim['"Unit_0".t.Q'] is False and sim['"Unit_0".t.ET'] == 30  # the inlined TON ran: IN for 30 ms
    assert sim['"Unit_0".count'] == 1 and sim['"Unit_1".count'] == 0  # the inlined R_TRIG: one rising edge
