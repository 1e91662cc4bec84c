"""engineering_api.ci.report: the four formats and the exit code, on hand-made diagnostics."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

from engineering_api.ci.report import emit, exit_code, github_line, text_line
from simatic_xml.diagnostics import Diagnostic, capped

ERROR = Diagnostic('Tag "Start" not defined.', 26, 6, block="FB_Motor", file="src/Motor.scl", code="MISSING_TAG")
WARNING = Diagnostic("Odd, but: fine\nsecond line 100%", 3, 1, block="FC_X", file="src/x,y:z.scl",
                     severity="Warning", code="UNCHECKED")
NETWORK = Diagnostic('Block "FC_Gone" not defined.', 1, 4, block="OB_Main", file="Main.xml", code="MISSING_BLOCK",
                     network=2)
INFO = Diagnostic("a note", 1, 1, file="src/Motor.scl", severity="Info", code="UNCHECKED_INSTRUCTION")
FILES = ["src/Motor.scl", "src/x,y:z.scl", "Main.xml", "clean.scl"]
GITHUB = re.compile(r"^::(error|warning|notice) (file=[^,:]+)(,line=\d+)?(,col=\d+)?,title=[A-Z_]+::[^\r\n]*$")


def _emit(fmt: str, diagnostics=(ERROR, WARNING, NETWORK, INFO)) -> str:
    out = io.StringIO()
    emit(list(diagnostics), FILES, fmt, out, command="plc check")
    return out.getvalue()


def test_exit_code_is_1_only_for_errors():
    assert exit_code([]) == 0
    assert exit_code([WARNING, INFO]) == 0
    assert exit_code([WARNING, ERROR]) == 1


def test_text_lines_and_summary():
    lines = _emit("text").splitlines()
    assert lines[0] == 'src/Motor.scl:26:6: error: [FB_Motor] Tag "Start" not defined. [MISSING_TAG]'
    assert lines[1] == "src/x,y:z.scl:3:1: warning: [FC_X] Odd, but: fine second line 100% [UNCHECKED]"
    # a SimaticML block's lines count in the network's text: they go into the message, and the file line is
    # the token's (none here: Main.xml is not on disk)
    assert lines[2] == ('Main.xml: error: [OB_Main] network 2, line 1, column 4: Block "FC_Gone" not defined. '
                        '[MISSING_BLOCK]')
    assert lines[3] == "4 file(s) checked: 2 error(s), 1 warning(s) in 2 file(s)"
    assert len(lines) == 4  # Info notes are left out of text
    assert text_line(Diagnostic("whole file", file="a.scl", code="X")) == "a.scl: error: whole file [X]"


def test_json_document():
    doc = json.loads(_emit("json"))
    assert (doc["files"], doc["errors"], doc["warnings"]) == (4, 2, 1)
    assert doc["diagnostics"][0] == ERROR.to_wire()
    assert len(doc["diagnostics"]) == 4


def test_junit_has_a_testcase_per_file_and_failures_for_errors():
    root = ET.fromstring(_emit("junit"))
    [suite] = root.findall("testsuite")
    assert suite.get("name") == "plc check"
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert list(cases) == FILES
    assert (suite.get("tests"), suite.get("failures")) == ("4", "2")
    failure = cases["src/Motor.scl"].find("failure")
    assert failure is not None and failure.get("type") == "MISSING_TAG" and "26:6" in (failure.text or "")
    assert cases["src/x,y:z.scl"].find("failure") is None
    system_out = cases["src/x,y:z.scl"].find("system-out")
    assert system_out is not None and "Odd, but" in (system_out.text or "")
    assert list(cases["clean.scl"]) == []


def test_github_workflow_commands_escape_as_documented():
    lines = _emit("github").splitlines()
    assert lines[0] == '::error file=src/Motor.scl,line=26,col=6,title=MISSING_TAG::[FB_Motor] Tag "Start" not defined.'
    # data: % CR LF escaped; properties also ':' and ','
    assert lines[1] == ("::warning file=src/x%2Cy%3Az.scl,line=3,col=1,title=UNCHECKED::"
                        "[FC_X] Odd, but: fine%0Asecond line 100%25")
    assert lines[2].startswith("::error file=Main.xml,title=MISSING_BLOCK::[OB_Main] network 2, line 1, column 4:")
    assert all(GITHUB.match(line) for line in lines[:3])
    assert lines[3].startswith("4 file(s) checked")
    assert github_line(Diagnostic("m", code="X")) == "::error title=X::m"


def test_the_list_is_capped_but_the_counts_are_not():
    many = [Diagnostic(f"w{i}", i + 1, 1, file="a.scl", severity="Warning", code="X") for i in range(5)]
    out = io.StringIO()
    emit(many, ["a.scl"], "json", out, cap=3)
    doc = json.loads(out.getvalue())
    assert doc["warnings"] == 5 and len(doc["diagnostics"]) == 4
    assert doc["diagnostics"][-1]["code"] == "TOO_MANY_DIAGNOSTICS" and "2 more" in doc["diagnostics"][-1]["message"]
    assert doc["unlisted"] == {"warnings": 2, "notes": 0, "missing": 0}
    out = io.StringIO()
    emit(many, ["a.scl"], "text", out, cap=3)
    assert out.getvalue().splitlines()[-1] == "1 file(s) checked: 0 error(s), 5 warning(s)"


def test_errors_are_never_capped_and_chosen_before_warnings():
    missing = [Diagnostic(f"m{i}", i + 1, 1, file="a.scl", severity="Warning", code="MISSING_TAG") for i in range(3)]
    warning = Diagnostic("w", 9, 1, file="a.scl", severity="Warning", code="X")
    errors = [Diagnostic(f"e{i}", 10 + i, 1, file="a.scl", code="TYPE_MISMATCH") for i in range(4)]
    listed = capped([*missing, warning, *errors], cap=2)
    assert listed[:-1] == [*errors]  # every error, though the cap is 2 and they come last in file order
    assert "4 more" in listed[-1].message and "3 of them MISSING_*" in listed[-1].message
    listed = capped([*missing, warning, errors[0]], cap=2)
    assert listed[:-1] == [warning, errors[0]]  # file order kept; the warning beats the MISSING_* ones
