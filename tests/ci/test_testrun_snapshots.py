"""Snapshots as ``test run`` fixtures, through the real command line (offline: the folder's program on its own
simulated CPU): a case saves a snapshot after its steps (``saveSnapshot``), later cases start from it (``snapshot``)
instead of the clean state, each from the same state whatever the case before did; a case without one still starts
clean. Bad names and ``snapshot`` beside ``keepState`` are invalid test files; an unknown snapshot is that case's
error."""

from __future__ import annotations

import io
import json
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from engineering_api.cli import main
from tests.scl_frames import global_db, instance_db, main_ob

pytest.importorskip("fakes.runtime.image", reason="the simulated PLC engine (fakes.runtime.image) is not present")

PROGRAM = "\n".join((
    """FUNCTION_BLOCK "Delay"
{ S7_Optimized_Access := 'TRUE' }
   VAR_INPUT
      Start : Bool;
   END_VAR
   VAR_OUTPUT
      Done : Bool;
   END_VAR
   VAR
      T : TON_TIME;
   END_VAR
BEGIN
   #T(IN := #Start, PT := T#100MS);
   #Done := #T.Q;
END_FUNCTION_BLOCK
""",
    instance_db("Delay_DB", "Delay"),
    global_db("D", "count : DInt", "sum : DInt"),
    main_ob('"Delay_DB"(Start := %I0.0);', '%Q0.0 := "Delay_DB".Done;', '"D".count := "D".count + 1;',
            '"D".sum := "D".sum + "D".count;', '%MW10 := %MW10 + 3;'),
))
"""10 ms cycles: the timer started in the first cycle is done in the 11th; the counter, its sum and %MW10 count
cycles since the state's start."""


def _run(cases: list[dict[str, Any]]) -> tuple[int, str]:
    with tempfile.TemporaryDirectory(prefix="plc-snapshots-") as folder:
        Path(folder, "program.scl").write_text(PROGRAM, encoding="utf-8")
        Path(folder, "fixtures.test.json").write_text(json.dumps(cases, indent=1), encoding="utf-8")
        out = io.StringIO()
        with redirect_stdout(out), redirect_stderr(out):
            code = main(["test", "run", folder])
    return code, out.getvalue()


WARM_UP = {"name": "Warm up", "saveSnapshot": "warm",
           "steps": [{"write": {"%I0.0": True}, "cycles": 6,
                      "assert": {'"D".count': 6, '"D".sum': 21, "%MW10": 18, "%Q0.0": False}}],
           # after the snapshot: the teardown changes everything again
           "teardown": [{"write": {"%I0.0": False, '"D".count': 500}, "cycles": 3}]}


def test_cases_start_from_a_saved_snapshot_each_time_and_others_start_clean() -> None:
    cases = [
        WARM_UP,
        {"name": "From warm the timer is not done yet", "snapshot": "warm",
         "steps": [{"cycles": 4, "assert": {'"D".count': 10, '"D".sum': 55, "%MW10": 30, "%Q0.0": False,
                                            "%I0.0": True}},
                   {"cycles": 1, "assert": {"%Q0.0": True, '"D".count': 11}}],
         "teardown": [{"write": {'"D".count': -7}, "cycles": 1}]},
        {"name": "From warm again whatever the case before did", "snapshot": "WARM",
         "steps": [{"cycles": 5, "assert": {"%Q0.0": True, '"D".count': 11, '"D".sum': 66}}]},
        {"name": "Without a snapshot the state is clean",
         "steps": [{"cycles": 1, "assert": {'"D".count': 1, "%MW10": 3, "%Q0.0": False}}]},
    ]
    code, text = _run(cases)
    assert code == 0 and "4 passed, 0 failed" in text, text


def test_an_unknown_snapshot_is_that_cases_error() -> None:
    cases = [{"name": "No such fixture", "snapshot": "never-saved", "steps": [{"cycles": 1, "assert": {"%MW10": 3}}]},
             {"name": "Still runs", "steps": [{"cycles": 1, "assert": {"%MW10": 3}}]}]
    code, text = _run(cases)
    assert code == 1 and "SIM_SNAPSHOT_NOT_FOUND" in text and "1 passed, 1 failed" in text, text


@pytest.mark.parametrize(("field", "value", "says"), [
    ("snapshot", "../warm", "not a valid snapshot name"),
    ("saveSnapshot", " warm", "not a valid snapshot name"),
    ("keepState", True, "snapshot and keepState exclude each other"),
])
def test_bad_snapshot_fields_are_invalid_test_files(field: str, value: Any, says: str) -> None:
    case: dict[str, Any] = {"name": "Bad", "snapshot": "warm", "steps": [{"cycles": 1, "assert": {"%MW10": 3}}]}
    case[field] = value
    code, text = _run([WARM_UP, case])
    assert code == 1 and "TEST_FILE_INVALID" in text and says in text, text
    assert "Traceback" not in text
