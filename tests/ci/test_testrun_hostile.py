"""``test run FOLDER`` on hostile test files: control characters in case and file names reach no report raw (text,
JUnit, SARIF), and nesting deep enough to exhaust the parser's recursion is ``TEST_FILE_INVALID``, not a traceback.

A pull request carries its test files into CI: a name with an ESC sequence would recolour or rewrite the job log,
one with a C0 control makes the JUnit report invalid XML (XML 1.0 section 2.2 allows none but tab, LF and CR, not
even as a character reference), so GitLab and Jenkins drop the whole report.
"""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from engineering_api.cli import main
from tests.ci.counter_source import COUNTER

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE = "evil\x1b[2J\x00\x07\r\nforged: ok\u202e"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["test", "run", *argv])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    plc = tmp_path / "plc"
    plc.mkdir()
    (plc / "Counter.scl").write_text(COUNTER)
    return plc


def _clean(text: str) -> None:
    assert not CONTROL.search(text), repr(CONTROL.findall(text))


def test_control_characters_of_case_names_are_escaped_in_text_junit_and_sarif(folder: Path) -> None:
    cases = [{"name": f"refused {HOSTILE}", "steps": "not a list"},
             {"name": "fails", "steps": [{"description": HOSTILE, "cycles": 1,  # names are checked, not descriptions
                                          "assert": {'"Counter_DB".count': {"expected": 5}}}]}]
    (folder / "hostile.test.json").write_text(json.dumps(cases))  # JSON's \u escapes: real control characters
    code, out, err = _run("plc", "--junit", "junit.xml", "--sarif", "out.sarif")
    assert code == 1
    _clean(out + err)
    assert "refused evil\\x1b[2J\\x00\\x07" in out and "(evil\\x1b[2J" in out
    assert all(line.startswith(("plc/hostile.test.json:1: error:", "PLC tests FAILED")) for line in out.splitlines())
    junit = (folder.parent / "junit.xml").read_bytes()
    _clean(junit.decode())
    failures = [f.text or "" for f in ET.fromstring(junit).iter("failure")]  # well-formed XML
    assert len(failures) == 1 and failures[0].startswith("evil\\x1b[2J\\x00\\x07\\x0d\\x0aforged: ok\\u202e: ")
    sarif = (folder.parent / "out.sarif").read_text()
    _clean(json.loads(sarif).__repr__().replace("\\n", ""))
    messages = [r["message"]["text"] for r in json.loads(sarif)["runs"][0]["results"]]
    assert len(messages) == 2 and all(not CONTROL.search(m) for m in messages)


def test_a_file_name_with_control_characters_is_escaped_in_the_junit_of_a_program_that_does_not_compile(
        folder: Path) -> None:
    (folder / "Counter.scl").write_text(COUNTER.replace("#count + 1", "#count +"))
    (folder / "Broken\x1b[31m.scl").write_text('FUNCTION "F" : Void\nBEGIN\n    #x := ;\nEND_FUNCTION\n')
    (folder / "t.test.json").write_text(json.dumps({"name": "n", "steps": [{"cycles": 1}]}))
    code, out, _ = _run("plc", "--junit", "junit.xml")
    assert code == 1 and "NOT RUN" in out
    _clean(out)
    junit = (folder.parent / "junit.xml").read_text()
    _clean(junit)
    files = [case.get("name") for case in ET.fromstring(junit).iter("testcase")]
    assert any(name and name.endswith("Broken\\x1b[31m.scl") for name in files), files


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000,
                                  json.dumps({"name": "deep", "steps": [{"write": {"x": 1}, "cycles": 1}]})
                                  .replace('{"x": 1}', '{"x": ' + "[" * 40 + "1" + "]" * 40 + "}")])
def test_over_deep_nesting_is_an_invalid_test_file_not_a_traceback(folder: Path, text: str) -> None:
    (folder / "deep.test.json").write_text(text)
    (folder / "good.test.json").write_text(json.dumps(
        {"name": "counts", "steps": [{"cycles": 2, "assert": {'"Counter_DB".count': {"expected": 2}}}]}))
    code, out, err = _run("plc")
    assert code == 1 and "Traceback" not in err
    assert "deep.test.json:1: error: not a valid test file: its arrays and objects are nested more than 32 levels" \
        in out and "[TEST_FILE_INVALID]" in out
    assert "1 passed" in out  # the other file's case still ran
