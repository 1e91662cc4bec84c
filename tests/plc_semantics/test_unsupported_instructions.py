"""A program calling an instruction the simulated PLC does not run (STRG_VAL, VAL_STRG) gets a clear refusal
through ``engineering-api test run``: the case errors naming the instruction, never passes and never crashes.

The instructions exist on an S7-1500 (S7-1200 System Manual A5E02486680-05, 8.2 "STRG_VAL" and "VAL_STRG"), so the
compile accepts them; the simulation stops the CPU when one runs (docs/simulated-plc.md, semantics table).
"""

from __future__ import annotations

import io
import json
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from engineering_api.cli import main
from tests.scl_frames import global_db, main_ob

CALLS = {
    "STRG_VAL": "STRG_VAL(IN := '123', FORMAT := W#16#0000, P := \"D\".p, OUT => \"D\".v);",
    "VAL_STRG": "VAL_STRG(IN := \"D\".v, SIZE := 5, PREC := 0, FORMAT := W#16#0000, P := \"D\".p, OUT => \"D\".s);",
}


def _program(call: str) -> str:
    return "\n".join((global_db("D", "p : UInt := 1", "v : Int := 7", "s : String[10]", "run : Bool"),
                       main_ob('IF "D".run THEN', f"   {call}", "END_IF;")))


@pytest.mark.parametrize("name", sorted(CALLS))
def test_an_unsupported_instruction_is_refused_by_name(name: str) -> None:
    case = {"name": "calls it", "steps": [{"write": {'"D".run': True}, "cycles": 1, "assert": {'"D".v': 7}}]}
    with tempfile.TemporaryDirectory(prefix="plc-unsupported-") as folder:
        Path(folder, "program.scl").write_text(_program(CALLS[name]), encoding="utf-8")
        Path(folder, "unsupported.test.json").write_text(json.dumps([case]), encoding="utf-8")
        out = io.StringIO()
        with redirect_stdout(out), redirect_stderr(out):
            code = main(["test", "run", folder])
    text = out.getvalue()
    assert code == 1, text
    assert f'"{name}" is not supported by the simulated PLC' in text, text
    assert "0 passed" in text and "Traceback" not in text, text
