"""``engineering-api scl build``: end to end through the CLI entry point (and once as a subprocess)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from engineering_api.backend.models import ProgramDocument
from simatic_xml import parse_bytes
from simatic_xml.objects import DB, PlcStruct
from simatic_xml.generate import import_order
from tools.bounds import HANG_GUARD_S
from tests.lib.shared_corpus import SHARED

REPO = Path(__file__).resolve().parents[2]
UDT_EXPORT = SHARED / "corpus" / "simaticml" / "udt" / "Amadeusz97_typeSqlData.xml"

FB = '''FUNCTION_BLOCK "FB_Pump"
{ S7_Optimized_Access := 'TRUE' }
AUTHOR : 'SIEMENS SUP Applications'
   VAR_INPUT
      Start : Bool;
   END_VAR
   VAR
      Count : Int;
      Data : "typeSqlData";
   END_VAR
BEGIN
   (* count the starts *)
   IF #Start THEN
      #Count := #Count + 1;
   END_IF;
END_FUNCTION_BLOCK
'''
IDB = '''DATA_BLOCK "DEV:Pump_iDB"
"FB_Pump"
BEGIN
   Count := 5;
END_DATA_BLOCK
'''
BAD = '''FUNCTION "FC_Bad" : Void
BEGIN
   #nope := 1;
END_FUNCTION
'''


def _run(*argv: str) -> tuple[int, str]:
    from engineering_api.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["scl", "build", *argv])
    return code, out.getvalue()


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "blocks").mkdir(parents=True)
    (src / "blocks" / "FB_Pump.scl").write_text(FB, encoding="utf-8")
    (src / "Pump_iDB.db").write_text(IDB, encoding="utf-8-sig")
    (src / "notes.txt").write_text("not a source", encoding="utf-8")
    return src


def test_build_a_directory_with_context(sources: Path, tmp_path: Path, fake_plc):
    out = tmp_path / "out"
    code, text = _run(str(sources), "--out", str(out), "--context", str(UDT_EXPORT), "--format", "json")
    report = json.loads(text)
    assert code == 0 and report["errors"] == 0 and report["warnings"] == 0, report
    files = sorted(p.name for p in out.iterdir())
    assert files == ["DEV_Pump_iDB.xml", "FB_Pump.xml"]  # ':' is no file-name character
    fb = parse_bytes((out / "FB_Pump.xml").read_bytes())
    assert fb.engineering_version == "V19" and fb.object.attr("HeaderAuthor") == "SIEMENS SUP Applications"
    idb = parse_bytes((out / "DEV_Pump_iDB.xml").read_bytes()).object
    assert isinstance(idb, DB) and idb.interface is not None
    statics = idb.interface.sections.section("Static")
    assert statics is not None
    count = next(m for m in statics.members if m.name == "Count")
    # the instance DB saw the FB of the other file
    assert count.start_value is not None and count.start_value.value == "5"
    # The documents import into the fake PLC (after the UDT they use, as a user imports them).
    documents = [("typeSqlData.xml", UDT_EXPORT.read_bytes())] + [(p.name, p.read_bytes()) for p in out.iterdir()]
    by_name = dict(documents)
    reports = fake_plc.program.import_program_documents(
        "PLC_1", [ProgramDocument(source=s, data=by_name[s]) for s in import_order(documents, strict=False)],
        overwrite=True)
    assert all(r.status == "Imported" for r in reports), [(r.source, r.message) for r in reports]


def test_without_context_a_missing_type_is_a_warning(sources: Path, tmp_path: Path):
    code, text = _run(str(sources), "--out", str(tmp_path / "out"), "--tia-version", "V17")
    assert code == 0
    assert "MISSING_TYPE" in text and '"typeSqlData"' in text
    assert parse_bytes((tmp_path / "out" / "FB_Pump.xml").read_bytes()).engineering_version == "V17"


def test_errors_exit_1_and_write_nothing_for_that_file(sources: Path, tmp_path: Path):
    (sources / "bad.scl").write_text(BAD, encoding="utf-8")
    out = tmp_path / "out"
    code, text = _run(str(sources), "--out", str(out), "--format", "github")
    assert code == 1
    assert any(line.startswith("::error file=") and "line=3" in line and "UNDECLARED" in line
               for line in text.splitlines())
    assert not (out / "FC_Bad.xml").exists() and (out / "FB_Pump.xml").exists()


@pytest.mark.parametrize("argv", [("missing-dir",), ("{src}", "--tia-version", "V12"), ("{src}",)])
def test_usage_errors_exit_2(sources: Path, tmp_path: Path, argv):
    args = [a.format(src=sources) for a in argv]
    if "--out" not in args and argv != ("{src}",):
        args += ["--out", str(tmp_path / "out")]
    code, _ = _run(*args)  # the last case lacks --out: argparse's usage error
    assert code == 2


def test_as_a_subprocess(sources: Path, tmp_path: Path):
    done = subprocess.run([sys.executable, "-m", "engineering_api.cli", "scl", "build", str(sources / "blocks"),
                           "--out", str(tmp_path / "o"), "--format", "junit"],
                          capture_output=True, text=True, cwd=REPO, timeout=HANG_GUARD_S)
    assert done.returncode == 0, done.stderr
    assert "<testsuite" in done.stdout and (tmp_path / "o" / "FB_Pump.xml").is_file()


def test_context_tag_table_resolves_a_global_constant_bound(tmp_path: Path):
    src = tmp_path / "rows.udt"
    src.write_text('TYPE "typeRows"\n   STRUCT\n      row : Array[0.."LSQL_NUMBER_OF_ROWS_MAX"] of Int;\n   '
                   'END_STRUCT;\n'
                   "END_TYPE\n", encoding="utf-8")
    table = UDT_EXPORT.parent.parent / "tagtable" / "Amadeusz97_LSql_UserConstants.xml"
    code, text = _run(str(src), "--out", str(tmp_path / "a"))
    assert code == 0 and "MISSING_CONSTANT" in text
    code, text = _run(str(src), "--out", str(tmp_path / "b"), "--context", str(table))
    assert code == 0 and "MISSING_CONSTANT" not in text
    udt = parse_bytes((tmp_path / "b" / "typeRows.xml").read_bytes()).object
    assert isinstance(udt, PlcStruct) and udt.interface is not None
    member = udt.interface.sections.sections[0].members[0]
    assert member.datatype == 'Array[0.."LSQL_NUMBER_OF_ROWS_MAX"] of Int'


def test_constants_of_the_context_and_system_constants_are_written_as_constants(tmp_path: Path):
    """A user constant known from the context (a SimaticML tag table, or the tag editor's ``<Tagtable>`` export)
    and a system constant (``"Local~Common"``) become ``GlobalConstant`` operands, as TIA exports them; a name
    the context does not know stays a tag."""
    src = tmp_path / "FC_Const.scl"
    src.write_text('FUNCTION "FC_Const" : Void\nVAR_TEMP\n  s : Int;\n  r : Int;\nEND_VAR\nBEGIN\n'
                   '  #s := "MAX_SPEED";\n  #s := "Speed";\n  #r := LED(LADDR := "Local~Common", LED := 1);\n'
                   'END_FUNCTION\n', encoding="utf-8")
    table = tmp_path / "PLCTags.xml"
    table.write_text("<?xml version='1.0' encoding='utf-8'?>\n<Tagtable name='Default tag table'>\n"
                     "  <Tag type='Int' remark='' addr='%MW2'>Speed</Tag>\n"
                     "  <Constant type='Int' remark='' value='10'>MAX_SPEED</Constant>\n</Tagtable>\n",
                     encoding="utf-8")
    code, text = _run(str(src), "--out", str(tmp_path / "out"), "--context", str(table))
    assert code == 0, text
    xml = (tmp_path / "out" / "FC_Const.xml").read_bytes()
    assert b'<Constant Name="MAX_SPEED"' in xml and b'<Constant Name="Local~Common"' in xml
    assert b'<Component Name="Speed"' in xml and b'<Component Name="MAX_SPEED"' not in xml
    code, text = _run(str(src), "--out", str(tmp_path / "plain"))
    plain = (tmp_path / "plain" / "FC_Const.xml").read_bytes()
    assert b'<Component Name="MAX_SPEED"' in plain and b'<Constant Name="Local~Common"' in plain


def test_the_report_options_are_those_of_the_other_ci_commands(sources: Path, tmp_path: Path):
    """``-f``/``--format`` and ``-o``/``--output`` as in scl check and plc check; an unwritable report is a usage
    error (exit 2) that names the file."""
    report = tmp_path / "report.json"
    code, text = _run(str(sources), "--out", str(tmp_path / "out"), "-f", "json", "-o", str(report))
    assert code == 0 and text == ""
    assert json.loads(report.read_text(encoding="utf-8"))["errors"] == 0
    code, _ = _run(str(sources), "--out", str(tmp_path / "out"), "-o", str(tmp_path / "no" / "r.json"))
    assert code == 2


def test_context_paths_that_swallow_the_sources_are_explained(sources: Path, tmp_path: Path, capsys):
    code, _ = _run("--out", str(tmp_path / "out"), "--context", str(UDT_EXPORT), str(sources))
    assert code == 2
    assert "give the SOURCES before --context, or end the context paths with --" in capsys.readouterr().err
    code, text = _run("--out", str(tmp_path / "out"), "--context", str(UDT_EXPORT), "--", str(sources))
    assert code == 0, text


def test_a_statement_after_a_db_begin_that_is_no_start_value_is_ignored_with_a_warning(tmp_path: Path):
    """After a data block's BEGIN only start values take effect: a bare operand there is left out of the block with
    IGNORED_STATEMENT, a Warning at its line and column, and the start value before it is still written."""
    src = tmp_path / "DB_Loose.db"
    src.write_text('DATA_BLOCK "DB_Loose"\n   VAR\n      a : Int;\n   END_VAR\nBEGIN\n   a := 1;\n   a;\n'
                   "END_DATA_BLOCK\n", encoding="utf-8")
    code, text = _run(str(src), "--out", str(tmp_path / "out"), "--format", "json")
    assert code == 0, text
    assert [(d["code"], d["severity"], d["file"], d["block"], d["line"], d["column"], d["message"])
            for d in json.loads(text)["diagnostics"]] == [
        ("IGNORED_STATEMENT", "Warning", str(src), "DB_Loose", 7, 4,
         "only assignments of start values take effect after a DB's BEGIN; this statement is ignored")]
    db = parse_bytes((tmp_path / "out" / "DB_Loose.xml").read_bytes()).object
    assert isinstance(db, DB) and db.interface is not None
    statics = db.interface.sections.section("Static")
    assert statics is not None and [(m.name, m.start_value and m.start_value.value) for m in statics.members] == [
        ("a", "1")]
