"""RUNTIME (Measure program runtime) on the simulated PLC: the counter it reads is the CPU's virtual clock.

Source: S7-1200 System Manual V4.2, A5E02486680-AK (09/2016), 8.8.9 "RUNTIME (Measure program runtime)", Tables
8-150 and 8-151 (German edition V4.2.3, A5E02486681-AL, same tables): each call reads a CPU-internal counter into
the in-out MEM (LReal, the starting point) and returns in RET_VAL (LReal) the runtime in seconds since the value
MEM held; the first call sets the starting point, a second call with the same MEM returns the runtime. In the
simulator the counter is the virtual clock, which stands still within a cycle: a measurement inside one cycle is
0.0, one across cycles is the virtual time between them (docs/simulated-plc.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.runtime.plc_check_findings import plc_check_codes
from tools.plc_software import Sim

_PROGRAM = '''
DATA_BLOCK "D"
VAR
  cycle_mem : LReal; block_mem : LReal; cycle : LReal; block : LReal; ok : Bool := FALSE; started : LReal;
END_VAR
BEGIN END_DATA_BLOCK
FUNCTION "Work" : Void
VAR_TEMP i : Int; END_VAR
BEGIN
  FOR #i := 1 TO 100 DO
    ;
  END_FOR;
END_FUNCTION
ORGANIZATION_BLOCK "Main"
BEGIN
  "D".cycle := RUNTIME("D".cycle_mem);
  "D".started := RUNTIME("D".block_mem);
  "Work"();
  "D".block := RUNTIME(MEM := "D".block_mem, ENO => "D".ok);
END_ORGANIZATION_BLOCK
'''


@pytest.mark.parametrize("cycle_ms", [10, 250])
def test_the_counter_is_the_virtual_clock(cycle_ms: int) -> None:
    sim = Sim(_PROGRAM)
    sim.scan(dt_ms=cycle_ms)
    sim.scan(dt_ms=cycle_ms)
    sim.scan(dt_ms=cycle_ms)
    seconds = cycle_ms / 1000
    assert sim['"D".cycle_mem'] == pytest.approx(3 * seconds)  # MEM holds the counter read at the last call
    assert sim['"D".cycle'] == pytest.approx(seconds)  # one call a cycle: the time from one cycle to the next
    assert (sim['"D".block'], sim['"D".ok']) == (0.0, True)  # two calls in one cycle: the clock stood still


def test_the_first_call_returns_the_time_since_what_mem_held() -> None:
    sim = Sim(_PROGRAM)
    sim['"D".cycle_mem'] = 0.5
    sim.scan(dt_ms=2000)  # the cycle runs at virtual time 2 s
    assert sim['"D".cycle'] == pytest.approx(1.5)  # the manual's first call only sets the starting point


def test_plc_check_does_not_report_it_as_not_simulated(tmp_path: Path) -> None:
    code, codes = plc_check_codes(tmp_path / "measure.scl", _PROGRAM)
    assert code == 0 and "NOT_SIMULATED" not in codes, codes
