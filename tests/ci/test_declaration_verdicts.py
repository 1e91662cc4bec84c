"""A declaration TIA's "generate blocks from source" refuses is refused by every command: ``scl check`` and
``plc check`` (the editor and the REST compile check through the same entry) report what ``scl build`` reports,
once, at the member's line. Before, only ``scl build`` read start values, String lengths and array bounds, so a
pipeline's ``scl check`` passed a source its ``scl build`` then refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .cli_run import run_main

_FB = 'FUNCTION_BLOCK "FB_Decl"\nVERSION : 0.1\n   VAR\n      ok : Int := 5;\n      {member}\n   END_VAR\n' \
      "BEGIN\n   #ok := 1;\nEND_FUNCTION_BLOCK\n"

# (member declaration, the message's start). TIA's limits: a String holds 1..254 characters and a WString
# 1..16382 (STEP 7 help, "STRING" and "WSTRING"); a start value is a value of its data type; a Variant is a
# formal parameter or temporary, never static (STEP 7 help, "Basic information on VARIANT").
CASES = [
    ("x : Int := 70000;", "start value: 70000 is out of range for Int"),
    ("x : Bool := 2;", "start value: '2' is not a Bool"),
    ("x : String[300];", "data type: String length must be 1..254"),
    ("x : WString[20000];", "data type: WString length must be 1..16382"),
    ("x : Array[3..2] of Int;", "data type: array lower bound 3 is above upper bound 2"),
    ("x : Variant;", "data type: Variant is only allowed in Input, InOut and Temp"),
]


def _errors(command: str, *argv: str) -> list[tuple[int, str, str]]:
    code, out = run_main(*command.split(), *argv, "--format", "json")
    found = [(d["line"], d["code"], d["message"]) for d in json.loads(out)["diagnostics"] if d["severity"] == "Error"]
    assert code == (1 if found else 0)
    return found


@pytest.mark.parametrize("member,message", CASES, ids=[c[0] for c in CASES])
def test_check_and_build_refuse_the_declaration_alike(member: str, message: str, tmp_path: Path) -> None:
    source = tmp_path / "FB_Decl.scl"
    source.write_text(_FB.format(member=member), encoding="utf-8")
    checked = _errors("scl check", str(source))
    assert [(line, code) for line, code, _ in checked] == [(5, "INVALID_DECLARATION")]
    assert checked[0][2].startswith(message)
    assert _errors("plc check", str(source)) == checked
    assert _errors("scl build", str(source), "--out", str(tmp_path / "out")) == checked
    assert not list((tmp_path / "out").iterdir()), "a refused source generates nothing"


def test_a_data_block_start_value_out_of_range_is_one_finding(tmp_path: Path) -> None:
    source = tmp_path / "DB_Start.db"
    source.write_text('DATA_BLOCK "DB_Start"\n   VAR\n      x : Int;\n   END_VAR\nBEGIN\n   x := 70000;\n'
                      "END_DATA_BLOCK\n", encoding="utf-8")
    expected = [(6, "LITERAL_RANGE", 'The value 70000 is outside the range of the data type "Int".')]
    assert _errors("scl check", str(source)) == expected
    assert _errors("scl build", str(source), "--out", str(tmp_path / "out")) == expected


def test_valid_declarations_pass_every_command(tmp_path: Path) -> None:
    source = tmp_path / "FB_Decl.scl"
    source.write_text(_FB.format(member="s : String[254] := 'x'; w : WString[16382]; a : Array[2..2] of Int;"),
                      encoding="utf-8")
    assert _errors("scl check", str(source)) == []
    assert _errors("scl build", str(source), "--out", str(tmp_path / "out")) == []
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["FB_Decl.xml"]
