"""``engineering-api test run FOLDER``: a PLC program built from corpus sources and its test file, run offline.

The program: ``FirstOrderFilter.scl`` (an SCL FB of technip-energies-bbe/S71500-MotionControl) and
``Denormalisation.xml`` (an FBD FC exported by TIA V16, fseenig/Automacao_GIT), called from an OB with an instance
DB and a global DB written here. The expected values follow from their code: the filter computes
``input + timeConstant / (timeCycle + timeConstant) * (outputMem - input)`` when enabled and passes its input
when not; the FC converts an Int to a Real, divides by 16384.0 and multiplies by ``normalisation``.
"""

from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from engineering_api.cli import main
from tests.ci.corpus_repos import CORPUS
from tests.ci.testrun_cases import CASES, MAIN

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text())


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["test", "run", *argv])
    return code, out.getvalue(), err.getvalue()


def _sarif(path: Path) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    return log


def _places(log: dict[str, Any]) -> list[tuple[str, int, str]]:
    found = []
    for result in log["runs"][0]["results"]:
        physical = result["locations"][0]["physicalLocation"]
        found.append((unquote(physical["artifactLocation"]["uri"]), physical.get("region", {}).get("startLine", 0),
                      result["ruleId"]))
    return found


def _line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_failing_assertion_fails_the_run_naming_test_values_and_next_step(repository: Path) -> None:
    code, out, _ = _run("plc", "--junit", "report.xml", "--sarif", "report.sarif")
    assert code == 1, out
    test_file = repository / "plc" / "tests" / "filter.test.json"
    line = _line_of(test_file, "Filter reaches its input at once")
    (failure,) = [row for row in out.splitlines() if "[TEST_FAILED]" in row]
    assert failure.startswith(f"plc/tests/filter.test.json:{line}: error: ")
    assert 'test "Filter reaches its input at once" failed at steps[1] (enabled)' in failure
    assert '"Filter_DB".output is 5.0 (Real); expected == 10.0' in failure  # actual and expected
    assert "Next: check how the program sets" in failure
    assert out.splitlines()[-1].startswith("PLC tests FAILED: 3 passed, 1 failed")

    suite = ET.parse(repository / "report.xml").getroot().find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "1", "0")
    failed = [case.get("name") for case in suite.iter("testcase") if case.find("failure") is not None]
    assert failed == ["Filter reaches its input at once"]

    log = _sarif(repository / "report.sarif")
    assert _places(log) == [("plc/tests/filter.test.json", line, "TEST_FAILED")]
    assert log["runs"][0]["tool"]["driver"]["rules"][0]["id"] == "TEST_FAILED"


def test_every_case_passing_exits_0(repository: Path) -> None:
    code, out, err = _run("plc", "--pattern", "*s*scales*", "--sarif", "clean.sarif")
    assert (code, err) == (0, ""), out
    assert out == "PLC tests PASSED: 1 passed, 0 failed (0 with failed assertions, 0 with errors) of 1\n"
    assert _sarif(repository / "clean.sarif")["runs"][0]["results"] == []


def test_a_program_that_does_not_compile_runs_no_test(repository: Path) -> None:
    source = repository / "plc" / "FirstOrderFilter.scl"
    source.write_text(source.read_text(encoding="utf-8-sig").replace("#outputMem := #outputTemp;",
                                                                     "#outputMemory := #outputTemp;"))
    line = _line_of(source, "#outputMemory")
    code, out, _ = _run("plc", "--junit", "report.xml", "--sarif", "report.sarif")
    assert code == 1, out
    assert f"plc/FirstOrderFilter.scl:{line}:" in out and "outputMemory" in out
    assert "TEST_FAILED" not in out and out.splitlines()[-1].startswith("PLC tests NOT RUN: the program in plc did "
                                                                        "not compile")
    junit = ET.parse(repository / "report.xml").getroot()
    assert [c.get("name") for c in junit.iter("testcase") if c.find("failure") is not None] == [
        "plc/FirstOrderFilter.scl"]
    assert ("plc/FirstOrderFilter.scl", line) in [(f, n) for f, n, _ in _places(_sarif(repository / "report.sarif"))]


def test_a_test_naming_a_block_that_does_not_exist_is_an_error_of_that_case(repository: Path) -> None:
    ghost = {"name": "Ghost block", "steps": [{"write": {'"NoSuchDB".start': True}, "cycles": 1,
                                               "assert": {'"IO".value': 0.0}}]}
    (repository / "plc" / "tests" / "ghost.test.json").write_text(json.dumps(ghost), encoding="utf-8")
    code, out, _ = _run("plc", "--pattern", "Ghost block")
    assert code == 1, out
    (error,) = [row for row in out.splitlines() if "[TEST_ERROR]" in row]
    assert error.startswith("plc/tests/ghost.test.json:1: error: test \"Ghost block\" could not run to its end")
    assert '"NoSuchDB".start' in error and "SIM_TAG_NOT_FOUND" in error and "correct the tag's name" in error
    assert "1 with errors" in out.splitlines()[-1]


def test_a_malformed_test_file_is_reported_at_its_line_and_the_other_tests_run(repository: Path) -> None:
    tests = repository / "plc" / "tests"
    (tests / "broken.test.json").write_text('[\n  {"name": "x",\n   "steps": [{"cycles": 1,}]}\n]\n')
    (tests / "nothing.test.json").write_text(json.dumps([{"name": "asserts nothing", "steps": [{"cycles": 1}]},
                                                         {**CASES[0], "name": "FILTER passes its input when disabled"}],
                                                        indent=1))
    code, out, _ = _run("plc", "--pattern", "Filter passes*", "--sarif", "report.sarif")
    assert code == 1, out
    rows = out.splitlines()
    assert any(r.startswith("plc/tests/broken.test.json:3: error: not a valid test file: JSON syntax") for r in rows)
    assert any(r.startswith("plc/tests/nothing.test.json:3: error: not a valid test file: case \"asserts nothing\"")
               and "asserts nothing" in r for r in rows), out
    assert rows[-1].startswith("PLC tests PASSED: 1 passed, 0 failed")  # the valid case ran and passed
    twice = _line_of(tests / "nothing.test.json", "FILTER passes")
    assert f"plc/tests/nothing.test.json:{twice}: error: not a valid test file: case \"FILTER passes its input when " \
           f'disabled": plc/tests/filter.test.json:3 has a case of this name (names are unique);' in out
    assert sorted(_places(_sarif(repository / "report.sarif"))) == [
        ("plc/tests/broken.test.json", 3, "TEST_FILE_INVALID"), ("plc/tests/nothing.test.json", 3, "TEST_FILE_INVALID"),
        ("plc/tests/nothing.test.json", twice, "TEST_FILE_INVALID")]


@pytest.mark.parametrize(("argv", "message"), [
    (["missing"], "missing: no such folder"),
    (["empty"], "empty: no test file (*.test.json) in this folder"),
    (["plc", "--pattern", "Nothing*"], 'no test case in the test files of plc matches "Nothing*"'),
    (["plc", "--url", "http://127.0.0.1:9000"], "--url: for a run on a server"),
    (["--sarif", "out.sarif"], "--sarif: for a run of a FOLDER offline"),
    (["plc", "--tia-version", "V99"], "unknown TIA version 'V99'"),
])
def test_usage_errors_exit_2(repository: Path, argv: list[str], message: str) -> None:
    (repository / "empty").mkdir()
    (repository / "empty" / "Main.scl").write_text(MAIN)  # a program without tests
    code, out, err = _run(*argv)
    assert (code, out) == (2, ""), err
    assert message in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_run_draws_progress_on_a_terminal_only(repository: Path) -> None:
    many = [{**CASES[0], "name": f"Filter case {n}"} for n in range(20)]
    (repository / "plc" / "tests" / "many.test.json").write_text(json.dumps(many), encoding="utf-8")
    terminal = _Terminal()
    with redirect_stdout(io.StringIO()), redirect_stderr(terminal):
        code = main(["test", "run", "plc", "--pattern", "Filter case *"])
    assert code == 0
    assert "\rtest run: cases: 0/20" in terminal.getvalue() and "\rtest run: cases: 19/20" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r\x1b[K")  # erased before the report


def test_a_tag_editor_table_is_loaded_and_other_xml_skipped_as_plc_check_skips_it(repository: Path) -> None:
    plc = repository / "plc"
    shutil.copy(Path(__file__).parent / "data" / "tag_editor_table.xml", plc / "PLCTags.xml")  # Speed is %MW2
    (plc / "ci-settings.xml").write_text('<?xml version="1.0"?>\n<project><name>ci</name></project>\n')
    (plc / "Main.scl").write_text(MAIN.replace('    "IO".done := "IO".delay.Q;\n',
                                               '    "IO".done := "IO".delay.Q;\n    "Speed" := "IO".raw;\n'))
    case = {"name": "Speed follows raw", "steps": [{"write": {'"IO".raw': 7}, "cycles": 1, "assert": {'"Speed"': 7}}]}
    (plc / "tests" / "tags.test.json").write_text(json.dumps(case))
    code, out, _ = _run("plc", "--pattern", "Speed*")
    assert code == 0, out
    assert out.splitlines() == [
        "plc/ci-settings.xml: warning: Not a TIA Portal export (SimaticML): its root element is <project>; skipped. "
        "[NOT_SIMATICML]", "PLC tests PASSED: 1 passed, 0 failed (0 with failed assertions, 0 with errors) of 1"]


def test_a_repositorys_own_scl_unit_tests_run_offline_and_catch_a_broken_function(tmp_path: Path,
                                                                                   monkeypatch: pytest.MonkeyPatch
                                                                                   ) -> None:
    """d-ani/SCL-UnitTesting is a unit-test framework written in SCL: started, it runs its test FBs (Unit_FC_Add,
    Unit_FC_Sub) after a delay of 3 s and counts the assertions that held and failed in DB_UnitTestControl."""
    repository = tmp_path / "SCL-UnitTesting"
    shutil.copytree(CORPUS / "scl" / "d-ani__SCL-UnitTesting", repository)
    case = {"name": "The SCL unit tests pass",
            "steps": [{"write": {'"DB_UnitTestControl".start': True}, "waitMs": 10000,
                       "assert": {'"DB_UnitTestControl".done': True, '"DB_UnitTestControl".failedTests': 0,
                                  '"DB_UnitTestControl".successfulTests': {"min": 1}}}]}
    (repository / "plc.test.json").write_text(json.dumps(case))
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run("SCL-UnitTesting")
    assert (code, out) == (0, "PLC tests PASSED: 1 passed, 0 failed (0 with failed assertions, 0 with errors) of 1\n")

    adder = repository / "FC_Add.scl"
    adder.write_text(adder.read_text(encoding="utf-8-sig").replace("#i1 + #i2", "#i1 - #i2"))  # a broken FC_Add
    code, out, _ = _run("SCL-UnitTesting")
    assert code == 1, out
    # Its two assertions of FC_Add fail; the framework builds its failure message with CONCAT_WSTRING and counts them
    (row,) = [row for row in out.splitlines() if "[TEST_FAILED]" in row or "[TEST_ERROR]" in row]
    assert '"DB_UnitTestControl".failedTests is 2 (UInt); expected == 0' in row, row


def test_a_folder_without_a_program_runs_no_test_and_says_there_is_none(repository: Path) -> None:
    """The run said the program "did not compile" when there was none."""
    (repository / "bare").mkdir()
    (repository / "bare" / "filter.test.json").write_text(json.dumps(CASES[:1]), encoding="utf-8")
    code, out, _ = _run("bare", "--sarif", "report.sarif")
    assert code == 1, out
    assert out.splitlines() == [
        "bare/filter.test.json: error: no program to test: bare holds no SCL source or SimaticML export "
        "[TEST_SETUP_FAILED]", "PLC tests NOT RUN: bare holds no program to test (the error above)"]
    [result] = _sarif(repository / "report.sarif")["runs"][0]["results"]
    assert (result["ruleId"], result["level"]) == ("TEST_SETUP_FAILED", "error")


DOCUMENTED = Path(__file__).resolve().parents[1] / "realcode" / "cases" / "scl_documentation_comment.scl"
"""A function with a documentation comment: ``plc check`` passes it, the generator cannot build it yet
(``GENERATION_NOT_SUPPORTED``, tests/realcode/cases/README.md)."""


def test_a_source_the_simulated_plc_cannot_load_runs_no_test_and_names_the_file(repository: Path) -> None:
    shutil.copy(DOCUMENTED, repository / "plc" / "DocumentedRandom.scl")
    code, out, _ = _run("plc", "--pattern", "Filter passes*")
    assert code == 1, out
    error, summary = out.splitlines()
    assert error.startswith("plc/DocumentedRandom.scl: error: loading it into the simulated PLC's project failed: "
                            "DocumentedRandom.scl: line 11, column 6: DocumentedRandom: a documentation comment")
    assert error.endswith("(GENERATION_NOT_SUPPORTED) [TEST_SETUP_FAILED]")
    assert summary == "PLC tests NOT RUN: the program could not be loaded into the simulated PLC (the errors above)"
