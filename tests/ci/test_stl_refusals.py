"""STL jump labels TIA refuses are refused by every command that reads an export (issue 50): a jump to a label the
block does not declare (STL_LABEL) and a label declared twice (STL_DUPLICATE_LABEL), from the seeded blocks of
``tests/compiler/seeded``, through ``simaticml check`` and ``plc check``; the legal jumps beside them pass both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .cli_run import run_main

SEEDED = Path(__file__).parents[1] / "compiler" / "seeded"
REFUSED = ["stl_jump_undefined_label.xml", "stl_duplicate_label.xml"]
COMMANDS = ["simaticml check", "plc check"]


def _export(name: str, folder: Path) -> tuple[Path, str]:
    """The seeded block as an export (its second line, the expectation, is no SimaticML) and that line."""
    lines = (SEEDED / name).read_text(encoding="utf-8").splitlines(keepends=True)
    export = folder / name
    export.write_text(lines[0] + "".join(lines[2:]), encoding="utf-8")
    return export, lines[1]


def _diagnostics(command: str, path: Path) -> tuple[int, list[dict]]:
    code, out = run_main(*command.split(), str(path), "--format", "json")
    return code, json.loads(out)["diagnostics"]


@pytest.mark.parametrize("name", REFUSED)
@pytest.mark.parametrize("command", COMMANDS)
def test_stl_label_mutant_is_refused_with_its_code(name: str, command: str, tmp_path: Path) -> None:
    export, expect = _export(name, tmp_path)
    code, found = _diagnostics(command, export)
    assert code == 1
    assert [d["code"] for d in found if d["severity"] == "Error"] == [expect.split(" Error ")[1].split(":")[0]]


@pytest.mark.parametrize("command", COMMANDS)
def test_legal_stl_jumps_pass(command: str, tmp_path: Path) -> None:
    export, _ = _export("stl_legal_jumps.xml", tmp_path)
    code, found = _diagnostics(command, export)
    assert (code, [d for d in found if d["severity"] != "Info"]) == (0, [])
