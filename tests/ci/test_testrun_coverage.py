"""``test run FOLDER --coverage FILE``: which statements, branches and networks of the program its tests ran, as
Cobertura XML and a text line per block, counted by the simulated PLC's generated code.

The FB has two branches; one test drives only the ELSE branch, so half the branches and the THEN statement are
reported as not run, on their lines of the source file; a second test taking the other branch completes it.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from engineering_api.cli import main

LIMITER = """FUNCTION_BLOCK "Limiter"
{ S7_Optimized_Access := 'TRUE' }
   VAR_INPUT
      value : Int;
   END_VAR
   VAR
      out : Int;
      mode : Int;
   END_VAR

BEGIN
    IF #value > 100 THEN
        #out := 100;
    ELSE
        #out := #value;
    END_IF;
    IF #value < 0 THEN
        #out := 0;
    END_IF;
    CASE #mode OF
        1:
            #out := 1;
    END_CASE;
END_FUNCTION_BLOCK

DATA_BLOCK "Limiter_DB" "Limiter"
BEGIN
END_DATA_BLOCK

ORGANIZATION_BLOCK "Main"
{ S7_Optimized_Access := 'TRUE' }
BEGIN
    "Limiter_DB"();
END_ORGANIZATION_BLOCK
"""


def _case(name: str, value: int, expected: int) -> dict[str, object]:
    return {"name": name, "steps": [{"write": {'"Limiter_DB".value': value}, "cycles": 1,
                                     "assert": {'"Limiter_DB".out': {"expected": expected}}}]}


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        code = main(["test", "run", *argv])
    return code, out.getvalue()


def _line(text: str) -> int:
    return next(n for n, line in enumerate(LIMITER.splitlines(), 1) if text in line)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plc").mkdir()
    (tmp_path / "plc" / "Limiter.scl").write_text(LIMITER)
    return tmp_path / "plc"


def _lines(report: ET.Element, block: str) -> dict[int, dict[str, str]]:
    (cls,) = [c for c in report.iter("class") if c.get("name") == block]
    assert cls.get("filename") == "plc/Limiter.scl"
    return {int(line.get("number") or 0): dict(line.attrib) for line in cls.iter("line")}


def test_one_test_of_two_branches_covers_half_and_names_the_line_not_run(folder: Path) -> None:
    (folder / "small.test.json").write_text(json.dumps(_case("passes small values", 7, 7)))
    code, out = _run("plc", "--coverage", "coverage.xml")
    assert code == 0, out
    report = ET.parse(folder.parent / "coverage.xml").getroot()
    lines = _lines(report, "Limiter")
    first_if, then, otherwise = _line("IF #value > 100"), _line("#out := 100;"), _line("#out := #value;")
    assert lines[first_if] == {"number": str(first_if), "hits": "1", "branch": "true",
                               "condition-coverage": "50% (1/2)"}
    assert lines[then]["hits"] == "0" and lines[otherwise]["hits"] == "1"
    # the IF without ELSE: its condition never held, the path around it ran; the CASE: no label matched
    assert lines[_line("IF #value < 0")]["condition-coverage"] == "50% (1/2)"
    assert lines[_line("#out := 0;")]["hits"] == "0"
    assert lines[_line("CASE #mode OF")]["condition-coverage"] == "50% (1/2)"
    assert report.get("branches-valid") == "6" and report.get("branches-covered") == "3"
    summary = next(line for line in out.splitlines() if line.startswith("coverage [Limiter]"))
    assert summary.startswith("coverage [Limiter] plc/Limiter.scl: statements 4/7 (57%); branches 3/6 (50%); "
                              "networks 1/1; lines not run: ")
    assert f"line {first_if} IF" in summary and f"line {_line('IF #value < 0')} IF" in summary
    assert "coverage [Main] plc/Limiter.scl: statements 1/1 (100%)" in out


def test_a_test_for_the_other_branch_completes_the_branch(folder: Path) -> None:
    (folder / "limits.test.json").write_text(json.dumps([_case("passes small values", 7, 7),
                                                         _case("limits large values", 500, 100)]))
    code, out = _run("plc", "--coverage", "coverage.xml")
    assert code == 0, out
    lines = _lines(ET.parse(folder.parent / "coverage.xml").getroot(), "Limiter")
    assert lines[_line("IF #value > 100")]["condition-coverage"] == "100% (2/2)"
    assert lines[_line("#out := 100;")]["hits"] == "1"


def test_without_coverage_nothing_is_counted_or_printed(folder: Path) -> None:
    from engineering_api.rules.coverage import active

    (folder / "small.test.json").write_text(json.dumps(_case("passes small values", 7, 7)))
    code, out = _run("plc")
    assert code == 0 and "coverage [" not in out and active() is None


def test_an_export_and_a_corpus_fb_are_reported_on_their_files(repository: Path) -> None:
    """The corpus program of test_testrun.py: an SCL FB from a repository and an FBD FC exported by TIA."""
    code, out = _run("plc", "--coverage", "coverage.xml")
    assert code == 1  # one of its cases expects a wrong value, on purpose
    report = ET.parse(repository / "coverage.xml").getroot()
    files = {c.get("name"): c.get("filename") for c in report.iter("class")}
    assert files["FirstOrderFilter"] == "plc/FirstOrderFilter.scl" and files["Main"] == "plc/Main.scl"
    assert files["Denormalisation"] == "plc/Denormalisation.xml"  # FBD: its network, on its CompileUnit's line
    assert "coverage [Denormalisation] plc/Denormalisation.xml: statements 1/1 (100%)" in out
    assert "coverage [FirstOrderFilter] plc/FirstOrderFilter.scl: statements " in out
