"""The CI commands through ``engineering_api.cli.main`` and as the installed ``engineering-api`` program:
files and directories (recursive), the four formats, exit codes 0 (clean), 1 (errors), 2 (usage)."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from engineering_api.cli import main
from simatic_xml.generate import generate_xml, parse_spec
from tools.bounds import HANG_GUARD_S
from tests.ci.cli_run import run_main

DATA = Path(__file__).parent / "data"
"""The input documents of these tests, kept as files like the exports they stand for."""

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / ".venv" / "bin" / "engineering-api"
GITHUB = re.compile(r"^::(error|warning|notice) (file=[^,]+,)?(line=\d+,)?(col=\d+,)?title=[A-Z_]+::[^\r\n]*$")

FC_ADD = """FUNCTION "FC_Add" : Int
VAR_INPUT
    a : Int;
    b : Int;
END_VAR
BEGIN
    #FC_Add := #a + #b;
END_FUNCTION
"""
FC_BROKEN = """FUNCTION "FC_Broken" : Void
VAR_TEMP
    x : Int;
END_VAR
BEGIN
    #x := 1;
    #nope := 2;
END_FUNCTION
"""


def _fc_xml(name: str, scl: str, temp_type: str = "Int") -> bytes:
    spec: dict[str, Any] = {"blockType": "FC", "name": name, "language": "SCL",
            "interface": {"Temp": [{"name": "r", "dataType": "Int"}]}, "networks": [{"scl": scl}]}
    if name == "FC_Add":  # the SimaticML twin of FC_ADD
        spec.update(returnType="Int", interface={"Input": [{"name": "a", "dataType": "Int"},
                                                           {"name": "b", "dataType": "Int"}]})
    if "#nope" in scl:  # the generator refuses undeclared operands: declare, then drop the declaration
        spec["interface"].setdefault("Temp", []).append({"name": "nope", "dataType": "Int"})
        return generate_xml(parse_spec(spec), "V19").replace(b'<Member Name="nope"', b'<Member Name="other"')
    data = generate_xml(parse_spec(spec), "V19")
    return data.replace(b'Datatype="Int"', f'Datatype="{temp_type}"'.encode()) if temp_type != "Int" else data


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A small export tree: SCL sources and SimaticML blocks below PLC_1, plus a file that is not TIA's."""
    blocks = tmp_path / "PLC_1" / "Program blocks"
    (blocks / "Math").mkdir(parents=True)
    (blocks / "Math" / "FC_Add.scl").write_text(FC_ADD, encoding="utf-8")
    (blocks / "FC_Use.xml").write_bytes(_fc_xml("FC_Use", '#r := "FC_Add"(a := 1, b := 2);'))
    (tmp_path / "ci.xml").write_text("<project><name>not TIA</name></project>", encoding="utf-8")
    (tmp_path / "README.md").write_text("# exports\n", encoding="utf-8")
    return tmp_path


def as_json(*argv: str) -> tuple[int, dict]:
    code, text = run_main(*argv, "--format", "json")
    return code, json.loads(text)


# ------------------------------------------------------------------------------------------------ scl check
def test_scl_check_walks_directories(repo: Path):
    code, doc = as_json("scl", "check", str(repo))
    assert code == 0 and doc["files"] == 1 and doc["errors"] == 0


def test_scl_check_errors_exit_1_with_file_line_column(repo: Path):
    broken = repo / "PLC_1" / "Program blocks" / "Math" / "deeper" / "FC_Broken.SCL"
    broken.parent.mkdir()
    broken.write_text(FC_BROKEN, encoding="utf-8")
    code, doc = as_json("scl", "check", str(repo))
    assert code == 1 and doc["files"] == 2
    [d] = [d for d in doc["diagnostics"] if d["severity"] == "Error"]
    assert (d["file"], d["line"], d["column"], d["code"], d["block"]) == (str(broken), 7, 5, "UNDECLARED", "FC_Broken")
    code, text = run_main("scl", "check", str(broken))
    assert code == 1 and text.splitlines()[0].startswith(f"{broken}:7:5: error: [FC_Broken] ")


def test_scl_check_usage_errors_exit_2(repo: Path, tmp_path: Path, capsys):
    assert run_main("scl", "check", str(repo / "missing"))[0] == 2
    assert "no such file or directory" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_main("scl", "check", str(empty))[0] == 2
    assert run_main("scl", "check", str(repo), "--format", "yaml")[0] == 2
    assert run_main("scl", "check")[0] == 2


# ------------------------------------------------------------------------------------------ simaticml check
def test_simaticml_check_clean_set_and_non_tia_xml_is_a_warning(repo: Path):
    (repo / "PLC_1" / "Program blocks" / "FC_Add.xml").write_bytes(_fc_xml("FC_Add", "#FC_Add := #a + #b;"))
    code, doc = as_json("simaticml", "check", str(repo))
    assert code == 0, doc
    assert doc["files"] == 3
    [warning] = doc["diagnostics"]
    assert (warning["code"], warning["severity"], warning["file"]) == ("NOT_SIMATICML", "Warning", str(repo / "ci.xml"))


def test_simaticml_check_call_to_a_block_missing_from_the_set(repo: Path):
    code, doc = as_json("simaticml", "check", str(repo / "PLC_1"))
    assert code == 1
    [error] = [d for d in doc["diagnostics"] if d["severity"] == "Error"]
    assert (error["code"], error["block"], error["network"], error["line"]) == ("MISSING_BLOCK", "FC_Use", 1, 1)
    code, doc = as_json("simaticml", "check", str(repo / "PLC_1"), "--allow-missing")
    assert code == 0 and doc["warnings"] == 1


def test_simaticml_check_unknown_datatype(tmp_path: Path):
    """``Datatype="Boolx"`` passed the old round-trip-only check."""
    path = tmp_path / "FC_Typo.xml"
    path.write_bytes(_fc_xml("FC_Typo", "#r := 1;", temp_type="Boolx"))
    code, doc = as_json("simaticml", "check", str(path))
    assert code == 1
    # an unquoted unknown type is wrong code (UNKNOWN_TYPE), not a missing user type; no follow-up error on #r
    assert [(d["code"], d["message"]) for d in doc["diagnostics"] if d["severity"] == "Error"] == [
        ("UNKNOWN_TYPE", 'Data type "Boolx" is unknown.')]


def test_simaticml_check_undeclared_operand(tmp_path: Path):
    path = tmp_path / "FC_Undeclared.xml"
    path.write_bytes(_fc_xml("FC_Undeclared", "#r := #nope;"))
    code, doc = as_json("simaticml", "check", str(path))
    assert code == 1 and [d["code"] for d in doc["diagnostics"]] == ["UNDECLARED"]


def test_simaticml_check_round_trip_is_reported(tmp_path: Path, monkeypatch):
    from simatic_xml import check as roundtrip

    path = tmp_path / "FC_Add.xml"
    path.write_bytes(_fc_xml("FC_Add", "#FC_Add := #a + #b;"))
    monkeypatch.setattr(roundtrip, "check_bytes", lambda data: roundtrip.CheckResult(False, "/Document: changed"))
    code, doc = as_json("simaticml", "check", str(path))
    assert code == 1 and [d["code"] for d in doc["diagnostics"]] == ["ROUNDTRIP"]
    assert as_json("simaticml", "check", str(path), "--no-roundtrip")[0] == 0


# ------------------------------------------------------------------------------------------------ plc check
def test_plc_check_compiles_sources_and_exports_together(repo: Path):
    code, doc = as_json("plc", "check", str(repo), "--tia-version", "V19", "--cpu", "6ES7 516-3AN02-0AB0")
    assert code == 0, doc
    assert doc["files"] == 3 and [d["code"] for d in doc["diagnostics"]] == ["NOT_SIMATICML"]


def test_plc_check_missing_user_objects_are_missing_codes(repo: Path):
    (repo / "PLC_1" / "Program blocks" / "Math" / "FC_Add.scl").unlink()
    (repo / "PLC_1" / "Program blocks" / "FC_Tags.scl").write_text(
        'FUNCTION "FC_Tags" : Void\nVAR_TEMP t : "UDT_Gone"; END_VAR\nBEGIN\n  "Start" := TRUE;\nEND_FUNCTION\n')
    code, doc = as_json("plc", "check", str(repo))
    assert code == 1
    errors = sorted(d["code"] for d in doc["diagnostics"] if d["severity"] == "Error")
    assert errors == ["MISSING_BLOCK", "MISSING_TAG", "MISSING_TYPE"]
    assert as_json("plc", "check", str(repo), "--allow-missing")[0] == 0


TAG_EDITOR_TABLE = (DATA / "tag_editor_table.xml").read_text(encoding="utf-8")


def test_plc_check_reads_the_tag_editors_export_of_a_tag_table(repo: Path):
    """SCL sources beside a tag table exported from the tag editor (PLCTags.xml, not SimaticML): its tags and
    constants are the program's, typed."""
    blocks = repo / "PLC_1" / "Program blocks"
    (repo / "PLC_1" / "PLCTags.xml").write_text(TAG_EDITOR_TABLE, encoding="utf-8")
    (blocks / "FC_Tags.scl").write_text('FUNCTION "FC_Tags" : Void\nBEGIN\n  "Start" := TRUE;\n'
                                        '  "Speed" := "MAX_SPEED";\nEND_FUNCTION\n', encoding="utf-8")
    code, doc = as_json("plc", "check", str(repo))
    assert code == 0 and [d["code"] for d in doc["diagnostics"]] == ["NOT_SIMATICML"], doc
    (blocks / "FC_Tags.scl").write_text('FUNCTION "FC_Tags" : Void\nBEGIN\n  "Speed" := "Start";\n'
                                        '  "MAX_SPEED" := 1;\n  "Stop" := TRUE;\nEND_FUNCTION\n', encoding="utf-8")
    code, doc = as_json("plc", "check", str(repo))
    assert code == 1
    assert sorted(d["code"] for d in doc["diagnostics"] if d["severity"] == "Error") == [
        "MISSING_TAG", "TYPE_MISMATCH", "WRITE_CONSTANT"], doc
    (repo / "PLC_1" / "PLCTags.xml").write_text(TAG_EDITOR_TABLE.replace("addr='%MW2'", ""), encoding="utf-8")
    code, doc = as_json("plc", "check", str(repo / "PLC_1" / "PLCTags.xml"))
    [error] = doc["diagnostics"]
    assert code == 1 and error["code"] == "INVALID_TAG_TABLE" and "Speed" in error["message"], doc


def test_plc_check_newer_documents_than_the_project(repo: Path):
    code, doc = as_json("plc", "check", str(repo), "--tia-version", "V17")
    assert code == 1 and "NEWER_VERSION" in [d["code"] for d in doc["diagnostics"]]


def test_plc_check_usage_errors(repo: Path, capsys):
    assert run_main("plc", "check", str(repo), "--tia-version", "V99")[0] == 2
    assert run_main("plc", "check", str(repo), "--cpu", "6ES7 000-0XX00-0XX0")[0] == 2
    assert run_main("plc", "check", str(repo), "--cpu", "6ES7 521-1BL00-0AB0")[0] == 2  # a DI module, not a CPU
    assert "not a CPU" in capsys.readouterr().err


def test_plc_check_several_plcs_compile_apart(repo: Path):
    other = repo / "Line2" / "S71200" / "Program blocks"
    other.mkdir(parents=True)
    (other / "FC_Add.scl").write_text(FC_ADD.replace("#a + #b", "#a - #b"), encoding="utf-8")
    code, doc = as_json("plc", "check", str(repo))
    assert code == 0 and [d["code"] for d in doc["diagnostics"]] == ["NOT_SIMATICML"]


def test_output_file(repo: Path, tmp_path: Path):
    report = tmp_path / "report.xml"
    code, text = run_main("plc", "check", str(repo), "--format", "junit", "--output", str(report))
    assert code == 0 and text == ""
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None and suite.get("name") == "plc check"


# ------------------------------------------------------------------------------------------------ processes
def _check_format(fmt: str, stdout: str, files: int) -> None:
    if fmt == "json":
        assert json.loads(stdout)["files"] == files
    elif fmt == "junit":
        suite = ET.fromstring(stdout).find("testsuite")
        assert suite is not None
        assert len(suite.findall("testcase")) == files
    elif fmt == "github":
        *commands, summary = stdout.splitlines()
        assert commands and all(GITHUB.match(line) for line in commands), commands
        assert summary.startswith(f"{files} file(s) checked")
    else:
        assert stdout.splitlines()[-1].startswith(f"{files} file(s) checked")


@pytest.mark.skipif(not PROGRAM.exists(), reason="the package is not installed in .venv")
@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github"])
@pytest.mark.parametrize("command,files,code", [("scl", 2, 1), ("simaticml", 2, 1), ("plc", 4, 1)])
def test_installed_program(repo: Path, command: str, files: int, code: int, fmt: str):
    broken = repo / "PLC_1" / "Program blocks" / "FC_Broken.scl"
    broken.write_text(FC_BROKEN, encoding="utf-8")
    if command == "simaticml":
        (repo / "PLC_1" / "Program blocks" / "FC_Add.xml").write_bytes(_fc_xml("FC_Add", "#FC_Add := #nope;"))
    result = subprocess.run([str(PROGRAM), command, "check", str(repo), "--format", fmt], capture_output=True,
                            text=True, timeout=HANG_GUARD_S)
    assert result.returncode == code, result.stderr
    _check_format(fmt, result.stdout, files + (1 if command == "simaticml" else 0))


@pytest.mark.skipif(not PROGRAM.exists(), reason="the package is not installed in .venv")
def test_installed_program_exit_codes(repo: Path):
    clean = subprocess.run([str(PROGRAM), "plc", "check", str(repo)], capture_output=True, text=True,
                           timeout=HANG_GUARD_S)
    assert clean.returncode == 0, clean.stdout
    usage = subprocess.run([str(PROGRAM), "plc", "check"], capture_output=True, text=True, timeout=HANG_GUARD_S)
    assert usage.returncode == 2 and "usage:" in usage.stderr
    missing = subprocess.run([sys.executable, "-m", "engineering_api.cli", "scl", "check", str(repo / "nope")],
                             capture_output=True, text=True, timeout=HANG_GUARD_S)
    assert missing.returncode == 2


def test_a_checker_defect_is_a_warning_not_a_crash(repo: Path, monkeypatch):
    from engineering_api.rules.compiler import checker

    def boom(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(checker, "check_block", boom)
    code, doc = as_json("plc", "check", str(repo))
    assert code == 0
    failed = [d for d in doc["diagnostics"] if d["code"] == "CHECKER_FAILED"]
    assert {d["block"] for d in failed} == {"FC_Add", "FC_Use"} and all(d["severity"] == "Warning" for d in failed)


def test_scl_build_is_registered_from_engineering_api_ci_build(monkeypatch, tmp_path: Path):
    """``scl build`` comes from engineering_api/ci/build.py (``add_arguments``, ``run``); a stand-in shows the
    wiring: its options are parsed and its exit code is the command's."""
    import importlib.machinery
    import types

    import engineering_api.ci as ci

    calls: list[tuple[list[str], str | None]] = []
    stub = types.ModuleType("engineering_api.ci.build")
    stub.__spec__ = importlib.machinery.ModuleSpec("engineering_api.ci.build", None)

    def add_arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("sources", nargs="+")
        parser.add_argument("--out")

    def run(args: argparse.Namespace) -> int:
        calls.append((args.sources, args.out))
        return 1

    vars(stub).update(add_arguments=add_arguments, run=run)
    monkeypatch.setitem(sys.modules, "engineering_api.ci.build", stub)
    monkeypatch.setattr(ci, "build", stub, raising=False)
    assert main(["scl", "build", "a.scl", "--out", str(tmp_path)]) == 1
    assert calls == [(["a.scl"], str(tmp_path))]


# ------------------------------------------------------------------------------------------------ the cap
def _many_missing_then_errors(tmp_path: Path) -> Path:
    """An FC using 1,005 tags of a table that is not here, then a type mismatch and an undeclared local."""
    body = [f'    "T{i}" := 1;' for i in range(1005)] + ["    #x := 'abc';", "    #nope := 1;"]
    path = tmp_path / "FC_Many.scl"
    path.write_text("\n".join(['FUNCTION "FC_Many" : Void', "VAR_TEMP", "    x : Int;", "END_VAR", "BEGIN", *body,
                               "END_FUNCTION", ""]), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github"])
def test_no_error_is_hidden_by_the_cap(tmp_path: Path, fmt: str):
    source = _many_missing_then_errors(tmp_path)
    code, text = run_main("plc", "check", str(source), "--allow-missing", "--format", fmt)
    assert code == 1
    assert "1011:" in text or "\"line\": 1011" in text or "line=1011" in text  # the type mismatch
    assert "1012:" in text or "\"line\": 1012" in text or "line=1012" in text  # the undeclared #nope
    assert "TOO_MANY_DIAGNOSTICS" in text and "MISSING_*" in text  # what was cut, in every format
    if fmt == "json":
        doc = json.loads(text)
        assert doc["errors"] == 2 and doc["unlisted"]["missing"] == doc["unlisted"]["warnings"] > 0


# ------------------------------------------------------------------------------- one policy for what is missing
def test_missing_objects_fail_every_command_alike_unless_allowed(tmp_path: Path):
    """A tag, block or type the files do not hold is a MISSING_* error (exit 1) in scl check, simaticml check and
    plc check, and a warning (exit 0) in all three with --allow-missing."""
    source = tmp_path / "FC_Uses.scl"
    source.write_text('FUNCTION "FC_Uses" : Void\nBEGIN\n    "Start" := TRUE;\n    "FC_Gone"();\nEND_FUNCTION\n',
                      encoding="utf-8")
    export = tmp_path / "FC_UsesXml.xml"
    export.write_bytes(_fc_xml("FC_UsesXml", '"Start" := TRUE;'))
    for command, path in (("scl", source), ("plc", source), ("simaticml", export), ("plc", export)):
        code, doc = as_json(command, "check", str(path))
        assert code == 1 and {d["code"] for d in doc["diagnostics"] if d["severity"] == "Error"} <= {
            "MISSING_TAG", "MISSING_BLOCK"}, (command, doc)
        code, doc = as_json(command, "check", str(path), "--allow-missing")
        assert code == 0 and doc["errors"] == 0 and doc["warnings"] >= 1, (command, doc)


def test_scl_check_checks_members_of_system_fb_instances_and_ob_locals(tmp_path: Path):
    fb = tmp_path / "FB_T.scl"
    fb.write_text('FUNCTION_BLOCK "FB_T"\nVAR\n    t : TON;\n    q : Bool;\nEND_VAR\nBEGIN\n'
                  "    #t(IN := TRUE, PT := T#1s);\n    #q := #t.QQ;\nEND_FUNCTION_BLOCK\n", encoding="utf-8")
    ob = tmp_path / "Main.scl"
    ob.write_text('ORGANIZATION_BLOCK "Main"\nVAR_TEMP\n    x : Bool;\nEND_VAR\nBEGIN\n    #x := #Initial_Call;\n'
                  "    #nope := 2;\nEND_ORGANIZATION_BLOCK\n", encoding="utf-8")
    for path, expected in ((fb, [(8, "UNKNOWN_MEMBER")]), (ob, [(7, "UNDECLARED")])):
        for command in ("scl", "plc"):
            code, doc = as_json(command, "check", str(path), "--allow-missing")
            assert code == 1 and [(d["line"], d["code"]) for d in doc["diagnostics"]] == expected, (command, doc)


WATCH_TABLE = ROOT / "tests" / "simatic_xml" / "data" / "watch_table.xml"
"""A PLC watch table exported as SimaticML: an object of a kind the checks do not read."""


def test_plc_check_reads_a_watch_table(repo: Path):
    """A watch table is read and its entries judged (tests/compiler/test_watch_table_mutants.py); this one's are
    clean (before: skipped with UNSUPPORTED_OBJECT)."""
    table = repo / "PLC_1" / "Watch and force tables" / "Motor_Watch.xml"
    table.parent.mkdir()
    table.write_bytes(WATCH_TABLE.read_bytes())
    code, doc = as_json("plc", "check", str(repo))
    assert code == 0, doc
    assert [d for d in doc["diagnostics"] if d["file"] == str(table)] == []


def test_plc_check_skips_an_object_it_does_not_read_with_a_warning(repo: Path):
    other = repo / "PLC_1" / "Technology objects" / "Axis.xml"
    other.parent.mkdir()
    other.write_bytes(WATCH_TABLE.read_bytes().replace(b"SW.WatchAndForceTables.PlcWatchTable",
                                                       b"SW.TechnologicalObjects.Axis"))
    code, doc = as_json("plc", "check", str(repo))
    assert code == 0, doc
    assert [(d["code"], d["severity"], d["file"]) for d in doc["diagnostics"] if d["code"] != "NOT_SIMATICML"] == [
        ("UNSUPPORTED_OBJECT", "Warning", str(other))]


def test_a_source_that_cannot_be_read_is_a_read_error(repo: Path):
    """A dangling link among the sources (a repository's link to a file it does not hold) is walked as a file but
    cannot be opened: READ_ERROR, an Error naming the file and why, and the other sources are still checked."""
    gone = repo / "PLC_1" / "Program blocks" / "FC_Gone.scl"
    gone.symlink_to(repo / "nowhere" / "FC_Gone.scl")
    broken = repo / "PLC_1" / "Program blocks" / "FC_Broken.scl"
    broken.write_text(FC_BROKEN, encoding="utf-8")
    code, doc = as_json("scl", "check", str(repo))
    assert code == 1 and doc["files"] == 3, doc
    assert sorted((d["code"], d["severity"], d["file"], d["message"]) for d in doc["diagnostics"]) == [
        ("READ_ERROR", "Error", str(gone), "cannot read the file: No such file or directory"),
        ("UNDECLARED", "Error", str(broken), 'Tag "#nope" not defined.')]
