"""The two constructs whose TIA verdict no Siemens page found states (issue 50) are warnings on every command that
sees SCL, never errors: a CASE value labelling two branches (CASE_DUPLICATE) and a constant index outside literal
array bounds (INDEX_RANGE). ``scl check`` and ``plc check`` both report the warning and exit 0 (a false error on
valid TIA code would be the worst defect)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .cli_run import run_main

SEEDED = Path(__file__).parents[1] / "compiler" / "seeded"


@pytest.mark.parametrize("name,code", [("case_duplicate.scl", "CASE_DUPLICATE"), ("index_range.scl", "INDEX_RANGE")])
@pytest.mark.parametrize("command", ["scl check", "plc check"])
def test_warning_not_error(name: str, code: str, command: str) -> None:
    exit_code, out = run_main(*command.split(), str(SEEDED / name), "--format", "json")
    found = [(d["severity"], d["code"]) for d in json.loads(out)["diagnostics"] if d["severity"] != "Info"]
    assert (exit_code, found) == (0, [("Warning", code)])
