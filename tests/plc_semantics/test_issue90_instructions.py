"""The instructions issue 90 asked to simulate, run from outside: ``engineering-api test run FOLDER
--require-simulated`` on one program that calls each of them, so the check before the run finds nothing it would
report as not simulated, and the case's assertions hold.

Sources (each instruction's own test in tests/runtime cites its tables): S7-1200 System Manual V4.2,
A5E02486680-AK (09/2016), 9.1 Tables 9-7/9-8 (T_COMBINE, CONCAT_DATE_TOD), 9.1 Tables 9-3/9-4 (T_ADD), 8.8.9
Tables 8-150/8-151 (RUNTIME), 9.2 (GetInstanceName); "Programming with STEP 7" A5E02789666-01, 27.3.3.2 (DT);
STEP 7 help, "INC: Increment" and SCL "GOTO: Jump".
"""

from __future__ import annotations

import datetime
import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from engineering_api.cli import main
from engineering_api.rules.plc_values import date_time_value

_PROGRAM = '''
DATA_BLOCK "D"
VAR
  day : Date := D#2024-02-29; noon : Time_Of_Day := TOD#12:00:00;
  stamp : Date_And_Time; back_day : Date; long : LDT := LDT#2024-02-29-23:30:00; later : LDT;
  n : Int := 32767; hops : Int; name : WString; mem : LReal; seconds : LReal;
END_VAR
BEGIN END_DATA_BLOCK
FUNCTION_BLOCK "Named"
BEGIN
  "D".name := GetInstanceName();
END_FUNCTION_BLOCK
DATA_BLOCK "Named_DB" "Named" BEGIN END_DATA_BLOCK
FUNCTION "Hop" : Void
BEGIN
  "D".hops := 0;
Again:
  "D".hops := "D".hops + 1;
  IF "D".hops < 3 THEN
    GOTO Again;
  END_IF;
END_FUNCTION
ORGANIZATION_BLOCK "Main"
BEGIN
  "D".stamp := CONCAT_DATE_TOD(IN1 := "D".day, IN2 := "D".noon);
  "D".back_day := DT_TO_DATE("D".stamp);
  "D".later := T_ADD(IN1 := "D".long, IN2 := T#1H);
  INC("D".n);
  "Hop"();
  "Named_DB"();
  "D".seconds := RUNTIME("D".mem);
END_ORGANIZATION_BLOCK
'''


def test_the_issues_instructions_run_through_test_run_with_simulation_required(tmp_path: Path) -> None:
    day = (datetime.date(2024, 2, 29) - datetime.date(1990, 1, 1)).days
    case = {"name": "issue 90 instructions", "steps": [
        {"cycles": 1, "assert": {
            '"D".stamp': date_time_value("2024-02-29-12:00:00", "DATE_AND_TIME"),
            '"D".back_day': day,
            '"D".later': date_time_value("2024-03-01-00:30:00", "LDT"),  # across the leap day
            '"D".n': -32768,  # INC wraps as the Int's assignment does
            '"D".hops': 3,  # two jumps back to Again
            '"D".name': '"Named_DB"'}},
        {"cycles": 1, "assert": {'"D".seconds': {"min": 0.0001, "max": 1.0}}},  # one cycle of virtual time
    ]}
    (tmp_path / "program.scl").write_text(_PROGRAM, encoding="utf-8")
    (tmp_path / "issue90.test.json").write_text(json.dumps([case]), encoding="utf-8")
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        code = main(["test", "run", str(tmp_path), "--require-simulated"])
    text = out.getvalue()
    assert code == 0 and "1 passed" in text and "NOT_SIMULATED" not in text, text
