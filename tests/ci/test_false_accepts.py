"""Code TIA refuses is refused by every command that sees it (issue 50): the seeded sources of
``tests/compiler/seeded`` for a DTL member that does not exist, GOTO to a missing label, MIN with one input, an FC
call without an output, a LAD coil without operand and a LAD TON whose PT is TRUE, through ``scl check`` /
``simaticml check`` and ``plc check`` as a pipeline runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .cli_run import run_main

SEEDED = Path(__file__).parents[1] / "compiler" / "seeded"
SCL = ["dtl_unknown_member.scl", "goto_missing_label.scl", "min_one_input.scl", "fc_output_not_supplied.scl"]
LAD = ["lad_coil_without_operand.xml", "lad_ton_pt_bool.xml"]


def _codes(*argv: str) -> list[str]:
    code, out = run_main(*argv, "--format", "json")
    assert code == 1
    return [d["code"] for d in json.loads(out)["diagnostics"] if d["severity"] == "Error"]


def _expected(text: str) -> str:
    head = next(line for line in text.splitlines() if "expect:" in line)
    return head.split(" Error ")[1].split(":")[0]


@pytest.mark.parametrize("name", SCL)
@pytest.mark.parametrize("command", ["scl check", "plc check"])
def test_scl_mutant_is_refused(name: str, command: str) -> None:
    path = SEEDED / name
    assert _codes(*command.split(), str(path)) == [_expected(path.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("name", LAD)
@pytest.mark.parametrize("command", ["simaticml check", "plc check"])
def test_lad_mutant_is_refused(name: str, command: str, tmp_path: Path) -> None:
    lines = (SEEDED / name).read_text(encoding="utf-8").splitlines(keepends=True)
    export = tmp_path / name
    export.write_text(lines[0] + "".join(lines[2:]), encoding="utf-8")  # the expect comment is no SimaticML
    assert _codes(*command.split(), str(export)) == [_expected(lines[1])]
