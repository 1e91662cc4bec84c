"""Cycle-time supervision run from outside: ``engineering-api test run FOLDER`` on a program with a time error OB
(OB80) whose loop runs past the maximum cycle time the cases set (``maxCycleTimeMs``: 1 ms is 6,666 passes of a loop,
``fakes.runtime.rtlib.PASS_NS`` each; docs/simulated-plc.md "Cycle time").

S7-1200 System Manual V4.2 (A5E02486680-AK, 09/2016), 5.1.3.6 "Time error interrupt OB", Table 5-6 (OB80's start
information: fault_id 16#01 "maximum cycle time exceeded", csg_OBnr, csg_prio) and 5.1.4 "Monitoring and configuring
the cycle time" (150 ms by default; the CPU runs OB80 and stays in RUN; a second overrun in the cycle stops it).
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from engineering_api.cli import main

_PROGRAM = '''
DATA_BLOCK "D"
VAR n : DInt; want : DInt; fault : Byte; ob : Int; prio : UInt; calls : Int; after : Bool; END_VAR
BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "D".n := 0;
  WHILE "D".n < "D".want DO
    "D".n := "D".n + 1;
  END_WHILE;
  "D".after := "D".want > 0;
END_ORGANIZATION_BLOCK
ORGANIZATION_BLOCK "Time error interrupt"
VAR_INPUT fault_id : Byte; csg_OBnr : OB_ANY; csg_prio : UInt; END_VAR
BEGIN
  "D".fault := #fault_id;
  "D".ob := #csg_OBnr;
  "D".prio := #csg_prio;
  "D".calls := "D".calls + 1;
END_ORGANIZATION_BLOCK
'''


def _test_run(folder: Path, cases: list[dict]) -> tuple[int, str]:
    (folder / "program.scl").write_text(_PROGRAM, encoding="utf-8")
    (folder / "cycle.test.json").write_text(json.dumps(cases), encoding="utf-8")
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        code = main(["test", "run", str(folder), "--require-simulated"])
    return code, out.getvalue()


_PASSES = 6_666  # within a maximum cycle time of 1 ms


def test_a_loop_past_the_maximum_cycle_time_calls_ob80_once_and_the_cycle_goes_on(tmp_path: Path) -> None:
    case = {"name": "one overrun", "maxCycleTimeMs": 1, "steps": [
        {"write": {'"D".want': _PASSES}, "cycles": 1, "assert": {'"D".calls': 0, '"D".after': True}},
        {"write": {'"D".want': _PASSES + 1}, "cycles": 1, "assert": {
            '"D".calls': 1, '"D".fault': 1, '"D".ob': 1, '"D".prio': 1, '"D".n': _PASSES + 1, '"D".after': True}},
    ]}
    code, text = _test_run(tmp_path, [case])
    assert code == 0 and "1 passed" in text, text


def test_a_run_names_one_maximum_cycle_time_and_one_outside_1_to_6000_ms_is_refused(tmp_path: Path) -> None:
    within = {"name": "within 150 ms", "steps": [
        {"write": {'"D".want': 1_000_000}, "cycles": 1, "assert": {'"D".calls': 0, '"D".n': 1_000_000}}]}
    other = {"name": "another setting", "maxCycleTimeMs": 2, "steps": [{"cycles": 1, "assert": {'"D".calls': 0}}]}
    code, text = _test_run(tmp_path, [{**within, "maxCycleTimeMs": 150}, other])
    assert code == 1 and "1 passed" in text and "TEST_FILE_INVALID" in text, text
    assert 'case "another setting": maxCycleTimeMs is 2, but' in text and "says 150" in text
    code, text = _test_run(tmp_path, [{**within, "maxCycleTimeMs": 0}])
    assert code == 1 and "maxCycleTimeMs is 0: it must be a number of milliseconds from 1 to 6000" in text, text


def test_a_second_overrun_in_the_cycle_stops_the_cpu_with_a_time_error(tmp_path: Path) -> None:
    case = {"name": "endless", "maxCycleTimeMs": 1,
            "steps": [{"write": {'"D".want': 2 * _PASSES + 1}, "cycles": 1, "assert": {'"D".calls': 1}}]}
    code, text = _test_run(tmp_path, [case])
    assert code == 1 and "1 failed" in text, text
    assert "went to STOP" in text and "the maximum cycle time exceeded twice in one cycle" in text
    assert 'A loop in "Main" ran past the maximum cycle time' in text and "line 2" in text
