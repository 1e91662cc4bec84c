"""Minimal sources for the false errors found on real, held-out TIA code (issue 13).

Every file under ``cases/`` is a few hand-written lines in TIA's own format that reproduce one class of false
error seen on public TIA exports outside ``../shared/corpus`` (the survey and its file:line evidence are in
``cases/README.md``). TIA accepts every case, so each stage below must report no Error:

* SCL sources (``*.scl``): ``engineering_api.rules.compiler.check_source`` (``scl check``; and closed, as ``plc
  check``), generation from source (``generate_source``, ``scl build``), the import of the generated documents into the
  fake PLC and their SimaticML compile;
* SimaticML cases (``*.xml``, or a folder of ``*.xml`` when the block needs a tag table or a DB): the
  compile ``plc check`` runs (``engineering_api.ci.program.check_files``, a closed program) and the import into
  a fake PLC of the TIA version that wrote the document. A folder may also hold the SCL sources of the program
  (as TIA's exports of one PLC mix both): ``plc check`` reads them with the documents, and the import takes what
  ``scl build`` generates from them.

A case that still fails is marked ``xfail(strict=True)`` with its class: the test keeps passing while the false
error exists and fails the moment a fix lands, so whoever fixes it removes the mark in the same commit.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from engineering_api.ci.program import check_files
from engineering_api.cli import main
from engineering_api.rules.compiler.check import check_source
from engineering_api.rules.compiler.plc_compile import compile_software
from fakes.program import PlcSoftware, read_object
from simatic_xml.generate.from_source import generate_source
from simatic_xml.scl.parser import read_source

__all__: list[str] = []

CASES = Path(__file__).resolve().parent / "cases"

# A case that still shows a false error is listed here with the class of the error (see cases/README.md for the
# real files behind each).
# case file name -> stage -> class of the false error it still shows
XFAIL: dict[str, dict[str, str]] = {
    **{"scl_documentation_comment.scl": dict.fromkeys(("generate", "compile_generated", "import_generated"), (
        "scl build refuses a documentation comment (/* */) with GENERATION_NOT_SUPPORTED: no export shows how TIA "
        "writes one in an SCL network"))},
    "fc_at_overlay_input.scl": {"compile_generated": (
        "scl build writes an AT overlay as a member of its own (AT_OVERLAY warning: no SimaticML form of an overlay "
        "has been seen), so the compile of what it built takes the overlay for a parameter the call must supply")},
}


def _params(paths: list[Path], stage: str) -> list:
    out = []
    for path in paths:
        reason = XFAIL.get(path.name, {}).get(stage)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(path, id=path.name, marks=marks))
    return out


SCL_CASES = sorted(CASES.glob("*.scl"))
XML_CASES = sorted(p for p in CASES.iterdir() if p.suffix == ".xml" or (p.is_dir() and any(p.glob("*.xml"))))


def _errors(diagnostics) -> list[str]:
    return [f"{getattr(d, 'code', None)} line {d.line}: {d.message}" for d in diagnostics
            if getattr(d, "severity", "Error") == "Error"]


def _not_missing(diagnostics) -> list[str]:
    """Errors other than MISSING_*: the generated blocks are compiled without the rest of their program."""
    return _errors([d for d in diagnostics if not (d.code or "").startswith("MISSING_")])


def test_the_cases_are_there() -> None:
    assert len(SCL_CASES) >= 10 and len(XML_CASES) >= 8
    assert set(XFAIL) <= {p.name for p in SCL_CASES + XML_CASES}, "an xfail names a case that does not exist"


@pytest.mark.parametrize("case", _params(SCL_CASES, "check"))
def test_scl_case_checks_without_errors(case: Path) -> None:
    assert _errors(check_source(read_source(case), str(case))) == []


@pytest.mark.parametrize("case", _params(SCL_CASES, "check_closed"))
def test_scl_case_checks_as_a_whole_program(case: Path) -> None:
    """``plc check`` reads a source as part of a closed program: no Error besides the objects the case leaves out."""
    assert _not_missing(check_source(read_source(case), str(case), closed=True)) == []


@pytest.mark.parametrize("case", _params(SCL_CASES, "plc_check"))
def test_scl_case_passes_plc_check(case: Path) -> None:
    """``plc check`` on the source itself: a closed program that also reports unknown unquoted type names."""
    assert _not_missing(check_files([str(case)])) == []


@pytest.mark.parametrize("case", _params(SCL_CASES, "generate"))
def test_scl_case_generates(case: Path) -> None:
    result = generate_source(read_source(case), file=str(case), version="V19")
    assert _errors(result.diagnostics) == []
    assert result.blocks


def _generated_files(case: Path, into: Path) -> list[str]:
    """The documents ``scl build`` writes for a case (V19), as files in ``into``."""
    result = generate_source(read_source(case), file=str(case), version="V19")
    files = []
    for block in result.blocks:
        path = into / f"{block.name}.xml"
        path.write_bytes(block.xml)
        files.append(str(path))
    assert files, _errors(result.diagnostics)
    return files


@pytest.mark.parametrize("case", _params(SCL_CASES, "compile_generated"))
def test_scl_case_generated_documents_compile(case: Path, tmp_path: Path) -> None:
    assert _not_missing(check_files(_generated_files(case, tmp_path))) == []


@pytest.mark.parametrize("case", _params(SCL_CASES, "import_generated"))
def test_scl_case_generated_documents_import_into_the_fake(case: Path) -> None:
    result = generate_source(read_source(case), file=str(case), version="V19")
    assert result.blocks, _errors(result.diagnostics)
    software = PlcSoftware()
    for block in result.blocks:
        software.add(read_object(block.xml, project_version="V19"), overwrite=False)


_SYSTEM_TYPE_CASES = [CASES / "gen_system_type_conn_ouc.scl", CASES / "gen_system_instance_db.scl",
                      CASES / "gen_system_type_by_instruction_attribute.scl"]


@pytest.mark.parametrize("case", _params(_SYSTEM_TYPE_CASES, "generate_no_missing"))
def test_generation_does_not_report_system_types_missing(case: Path) -> None:
    """TCON_IP_v4, CONN_OUC, IEC_TIMER and what TIA's source marks with ``InstructionName`` (MC_CAMIN, TO_Cam) are
    TIA's system types and instructions, never missing user objects."""
    result = generate_source(read_source(case), file=str(case), version="V19")
    assert [d.message for d in result.diagnostics if (d.code or "").startswith("MISSING_")] == []


_TYPE_TEST_CASES = [CASES / "typeofdb_technology_object_labels.scl", CASES / "gen_case_typeof_labels.scl"]


@pytest.mark.parametrize("case", _params(_TYPE_TEST_CASES, "type_names"))
def test_the_data_types_a_type_test_names_are_no_tags(case: Path, tmp_path: Path) -> None:
    """``CASE TypeOfDB(#axis) OF TO_SynchronousAxis:``, ``TypeOfDB(#cam) = TO_Cam`` (and TypeOf's ``Real:``) name
    data types: no MISSING_TAG in plc check, nor in the compile of what scl build writes."""
    assert [d.message for d in check_files([str(case)]) if d.code == "MISSING_TAG"] == []
    files = _generated_files(case, tmp_path)
    assert [d.message for d in check_files(files) if d.code == "MISSING_TAG"] == []


def test_null_is_the_null_reference_not_a_tag(tmp_path: Path) -> None:
    """``VarToken := NULL``: TIA exports NULL as a LiteralConstant; no MISSING_TAG, and scl build writes it so."""
    case = CASES / "null_reference_literal.scl"
    assert [d.message for d in check_files([str(case)]) if d.code == "MISSING_TAG"] == []
    [block] = generate_source(read_source(case), file=str(case), version="V20").blocks
    assert b'<Access Scope="LiteralConstant"' in block.xml and b">NULL</ConstantValue>" in block.xml
    path = tmp_path / "Gud_Reader.xml"
    path.write_bytes(block.xml)
    assert [d.message for d in check_files([str(path)]) if d.code == "MISSING_TAG"] == []


def test_an_f_io_db_is_read_as_tia_generates_it(tmp_path: Path) -> None:
    """``"F01008_10A61-8xF-DI".QBAD``: the F-I/O DB of a fail-safe module is the hardware configuration's and in no
    export; its documented tags are typed, another member is an error as in TIA."""
    case = CASES / "f_io_db_tags.scl"
    assert [d.message for d in check_files([str(case)]) if d.code.startswith("MISSING_")] == []
    wrong = tmp_path / "Wrong.scl"
    wrong.write_text(read_source(case).replace(".QBAD_I_03", ".NO_SUCH_TAG"), encoding="utf-8")
    assert [d.code for d in check_files([str(wrong)]) if d.severity == "Error"] == ["UNKNOWN_MEMBER"]


def test_a_system_constant_is_a_constant_of_the_hardware(tmp_path: Path) -> None:
    """``"Local~Common"``: a hardware identifier TIA names in the default tag table, in no export; read, never
    written, and a user tag of that name is the tag."""
    case = CASES / "system_constant_hw_ids.scl"
    assert [d.message for d in check_files([str(case)]) if d.severity == "Error"] == []
    written = tmp_path / "Written.scl"
    written.write_text(read_source(case).replace('#moduleId := "Local~CB_1241_(RS485)";',
                                                 '"Local~CB_1241_(RS485)" := #moduleId;'), encoding="utf-8")
    assert [d.code for d in check_files([str(written)]) if d.severity == "Error"] == ["WRITE_CONSTANT"]
    tags = tmp_path / "PLCTags.xml"
    tags.write_text("<Tagtable name='T'><Tag type='HW_IO' addr='%MW0'>Local~CB_1241_(RS485)</Tag></Tagtable>",
                    encoding="utf-8")
    assert [d.code for d in check_files([str(written), str(tags)]) if d.severity == "Error"] == []
    bare_tilde = tmp_path / "Tilde.scl"
    bare_tilde.write_text(read_source(case).replace('"Local~Common"', '"~Common"'), encoding="utf-8")
    assert [d.code for d in check_files([str(bare_tilde)]) if d.severity == "Error"] == ["MISSING_TAG"]


def test_a_global_constant_written_as_its_value_is_checked_by_name(tmp_path: Path) -> None:
    """An SCL network operand ``<Access Scope="GlobalConstant"><Constant><ConstantValue>C_OP10</ConstantValue>``
    (the form a real export wrote for a user constant in an index) was the name ``""``: a false MISSING_TAG. It
    is the constant C_OP10: defined by the tag table it passes, missing it is reported by its name."""
    from simatic_xml.generate.from_source import SourceContext

    text = ('FUNCTION "FC_Index" : Void\nVAR_TEMP\n  arr : Array[0..20] of Int;\nEND_VAR\nBEGIN\n'
            '  #arr["C_OP10"] := 1;\nEND_FUNCTION\n')
    [block] = generate_source(text, context=SourceContext(names={"C_OP10"}, constants={"C_OP10"})).blocks
    assert b'<Constant Name="C_OP10"' in block.xml
    valued = re.sub(rb'<Constant Name="C_OP10" (UId="\d+") />',
                    rb"<Constant \1><ConstantValue>C_OP10</ConstantValue></Constant>", block.xml)
    assert valued != block.xml
    (tmp_path / "FC_Index.xml").write_bytes(valued)
    found = [(d.code, d.message) for d in check_files([str(tmp_path / "FC_Index.xml")]) if d.severity == "Error"]
    assert found == [("MISSING_TAG", 'Tag "C_OP10" not defined.')]
    (tmp_path / "PLCTags.xml").write_text(
        "<Tagtable name='T'><Constant type='Int' remark='' value='10'>C_OP10</Constant></Tagtable>", encoding="utf-8")
    files = [str(tmp_path / "FC_Index.xml"), str(tmp_path / "PLCTags.xml")]
    assert [d.code for d in check_files(files) if d.severity == "Error"] == []


def test_an_scl_network_with_a_scope_not_read_here_is_a_warning_not_a_syntax_error(tmp_path: Path) -> None:
    """A network holding an Access scope that TIA's schema allows but this tool does not read (``UserType``,
    ``Expression``...) is left unchecked with a warning; an ``AlarmConstant`` (a C_Alarm value) is read."""
    [block] = generate_source('FUNCTION "FC_Scopes" : Void\nVAR_TEMP\n  v : DInt;\nEND_VAR\nBEGIN\n'
                              '  #v := 1;\nEND_FUNCTION\n').blocks
    literal = re.compile(rb'<Access Scope="LiteralConstant"( UId="\d+")>')
    for scope, expected in (("UserType", [("Warning", "NETWORK_NOT_CHECKED")]), ("AlarmConstant", [])):
        path = tmp_path / f"{scope}.xml"
        path.write_bytes(literal.sub(f'<Access Scope="{scope}"\\1>'.encode(), block.xml, count=1))
        assert [(d.severity, d.code) for d in check_files([str(path)]) if d.severity in ("Error", "Warning")] \
            == expected, scope


def test_a_lad_network_the_typed_view_cannot_read_is_said_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    """A LAD/FBD network the typed view fails on was skipped in silence; it is a NETWORK_NOT_CHECKED warning."""
    import simatic_xml.flgnet

    lad = CASES / "lad_ctu_int_qu.xml"
    assert [d.code for d in check_files([str(lad)]) if d.code == "NETWORK_NOT_CHECKED"] == []

    def fails(_body):
        raise ValueError("a shape nobody has seen")

    monkeypatch.setattr(simatic_xml.flgnet, "from_xml", fails)
    found = [(d.severity, d.code) for d in check_files([str(lad)]) if d.code == "NETWORK_NOT_CHECKED"]
    assert found and set(found) == {("Warning", "NETWORK_NOT_CHECKED")}


@pytest.mark.parametrize("name", ["technology_object_not_exported.scl", "lad_technology_object_not_exported.xml"])
def test_an_axis_the_export_does_not_hold_is_a_warning_not_a_missing_tag(name: str) -> None:
    """An undefined name at MC_POWER's Axis (a TO_Axis input) in SCL and in LAD: the technology object is the
    project's, in no V16/V17 export; plc check warns once and fails nothing."""
    found = [(d.severity, d.code) for d in check_files([str(CASES / name)]) if d.severity in ("Error", "Warning")]
    assert found == [("Warning", "MISSING_TECHNOLOGY_OBJECT")]


def test_an_undefined_name_elsewhere_stays_a_missing_tag(tmp_path: Path) -> None:
    case = tmp_path / "Not_An_Axis.scl"
    case.write_text(read_source(CASES / "technology_object_not_exported.scl").replace(
        "#enable);", "#enable);\n\t#enable := \"Start_Button\";"), encoding="utf-8")
    assert [d.code for d in check_files([str(case)]) if d.severity == "Error"] == ["MISSING_TAG"]


def _case_files(case: Path) -> list[str]:
    """A case's documents and, for a folder, its SCL sources (``plc check`` reads both as one program)."""
    if not case.is_dir():
        return [str(case)]
    return sorted(str(p) for p in case.iterdir() if p.suffix in (".xml", ".scl"))


@pytest.mark.parametrize("case", _params(XML_CASES, "compile"))
def test_simaticml_case_compiles_without_errors(case: Path) -> None:
    assert _errors(check_files(_case_files(case))) == []


_VERSION = re.compile(rb'<Engineering version="(V\d+)')
_RANK = (b"SW.Tags.PlcTagTable", b"SW.Types.PlcStruct", b"SW.Blocks.FB", b"SW.Blocks.FC", b"SW.Blocks.GlobalDB",
         b"SW.Blocks.InstanceDB", b"SW.Blocks.OB")


def _rank(data: bytes) -> int:
    return next((i for i, kind in enumerate(_RANK) if kind in data[:4000]), len(_RANK))


@pytest.mark.parametrize("case", _params(XML_CASES, "import"))
def test_simaticml_case_imports_into_the_fake(case: Path) -> None:
    """What TIA exported, a PLC of the same TIA version imports (tag tables and types first, as TIA's import order)."""
    documents = [p.read_bytes() for p in (sorted(case.glob("*.xml")) if case.is_dir() else [case])]
    for source in sorted(case.glob("*.scl")) if case.is_dir() else []:
        version = next((m.group(1).decode() for m in map(_VERSION.search, documents) if m), "V19")
        result = generate_source(read_source(source), file=str(source), version=version)
        assert result.blocks, _errors(result.diagnostics)
        documents.extend(block.xml for block in result.blocks)
    software = PlcSoftware()
    for data in sorted(documents, key=_rank):
        version = _VERSION.search(data)
        project_version = version.group(1).decode() if version else "V19"
        software.add(read_object(data, project_version=project_version), overwrite=False)


def test_a_tia_project_folders_sqlite_db_files_are_no_sources(tmp_path: Path) -> None:
    """A repository holding a whole TIA project folder also holds the project's SQLite ``XRef/XRef.db`` and
    ``Vci/Vci.db`` (ArturTrela/PRZYPINKA, cases/README.md): ``plc check``, ``scl check`` and ``scl build`` skip
    them with a Warning NOT_SCL instead of reporting SCL syntax errors."""
    (tmp_path / "XRef").mkdir()
    (tmp_path / "XRef" / "XRef.db").write_bytes(b"SQLite format 3\x00" + bytes(4080) + b"{{ x }} END_DATA_BLOCK")
    (tmp_path / "Flags.db").write_text('DATA_BLOCK "Flags"\nVERSION : 0.1\n   STRUCT\n      on : Bool;\n   '
                                       'END_STRUCT;\n'
                                       "BEGIN\nEND_DATA_BLOCK\n", encoding="utf-8")
    for argv in (["plc", "check", str(tmp_path)], ["scl", "check", str(tmp_path)],
                 ["scl", "build", str(tmp_path), "--out", str(tmp_path / "out")]):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main([*argv, "--format", "json"])
        diagnostics = json.loads(out.getvalue())["diagnostics"]
        assert code == 0, diagnostics
        assert [(d["code"], d["severity"]) for d in diagnostics] == [("NOT_SCL", "Warning")], argv
    assert (tmp_path / "out" / "Flags.xml").exists()


def test_tia_v20_text_documents_are_named_not_passed_as_checked(tmp_path: Path) -> None:
    """A V20 repository may hold blocks as ``.s7dcl``/``.s7res`` text documents (westcowboy2019/V20@7a67532), which
    ``plc check`` does not read: it names each with a Warning NOT_CHECKED instead of passing the program as clean,
    and a folder holding nothing else is a usage error (exit 2) that says why."""
    blocks = tmp_path / "Program blocks"
    blocks.mkdir()
    (blocks / "Main.s7dcl").write_text("ORGANIZATION_BLOCK Main\n", encoding="utf-8")
    (blocks / "Main.s7res").write_text("texts: {}\n", encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()) as err:
        assert main(["plc", "check", str(tmp_path), "--format", "json"]) == 2
    assert "TIA V20 text documents" in err.getvalue()
    (blocks / "Flags.db").write_text('DATA_BLOCK "Flags"\nVERSION : 0.1\n   STRUCT\n      on : Bool;\n   END_STRUCT;\n'
                                     "BEGIN\nEND_DATA_BLOCK\n", encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["plc", "check", str(tmp_path), "--format", "json"]) == 0
    diagnostics = json.loads(out.getvalue())["diagnostics"]
    assert sorted((Path(d["file"]).name, d["code"], d["severity"]) for d in diagnostics) == [
        ("Main.s7dcl", "NOT_CHECKED", "Warning"), ("Main.s7res", "NOT_CHECKED", "Warning")]


def test_a_software_units_namespace_in_a_source_is_kept() -> None:
    """``NAMESPACE Plant ... END_NAMESPACE`` around a block (ChrisSiem/TestChris, cases/README.md): the built
    document names the namespace as TIA's V18+ exports do (``<Namespace>Plant</Namespace>``), and the fake knows
    the block as ``Plant.Clamp_Speed``; before V18 there are no namespaces."""
    text = (CASES / "software_unit_namespace_source.scl").read_text(encoding="utf-8")
    result = generate_source(text, file="ns.scl", version="V20")
    assert result.ok, result.diagnostics
    data = result.blocks[0].xml
    assert b"<Namespace>Plant</Namespace>" in data and b"<Name>Clamp_Speed</Name>" in data
    assert read_object(data, project_version="V20").name == "Plant.Clamp_Speed"
    older = generate_source(text, file="ns.scl", version="V17")
    assert [d.code for d in older.diagnostics if d.severity == "Error"] == ["INVALID_DECLARATION"]


_ROOT_REFERENCES = CASES / "software_unit_root_references"


def test_root_namespace_references_build_and_compile(tmp_path: Path) -> None:
    """``_.Conveyor.Interface."run/stop"``, ``_.Orders.rpm``, ``_.Conveyor.Main()`` and the bare ``Motor_DB(...)``,
    ``Percent(...)`` of a block's own namespace (ChrisSiem/TestChris, cases/README.md): ``scl build`` writes every
    block under its qualified file name (two blocks are named Main), and what it wrote compiles with the instance
    DB export that names ``Conveyor.Motor``."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["scl", "build", str(_ROOT_REFERENCES), "--out", str(tmp_path), "--tia-version", "V18",
                     "--format", "json"])
    # scl build reports the notes plc check reports (Motor_DB's instance export is not among the sources)
    assert code == 0 and [d for d in json.loads(out.getvalue())["diagnostics"] if d["severity"] != "Info"] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "Conveyor.Interface.xml", "Conveyor.Main.xml", "Conveyor.Motor.xml", "Conveyor.Percent.xml", "Orders.xml",
        "Plant.Cell.Main.xml"]
    files = sorted(str(p) for p in tmp_path.iterdir()) + [str(_ROOT_REFERENCES / "Conveyor.Motor_DB.xml")]
    assert [d for d in check_files(files) if d.severity != "Info"] == []
    software = PlcSoftware()  # the fake PLC imports them and its compile finds no error either
    for data in sorted((Path(f).read_bytes() for f in files), key=_rank):
        software.add(read_object(data, project_version="V18"), overwrite=False)
    result = compile_software(software, "PLC_1").result
    assert (result.state, result.error_count) == ("Success", 0)


def _closed(text: str) -> list[tuple[str, str]]:
    return [(d.code, d.message) for d in check_source(text, "ns.scl", closed=True) if d.severity == "Error"]


_UNIT = """NAMESPACE Unit
FUNCTION Main : Void
VERSION : 0.1
   VAR_INPUT
      x : Int;
   END_VAR
BEGIN
END_FUNCTION
DATA_BLOCK Data
VERSION : 0.1
   VAR
      b : Bool;
   END_VAR
BEGIN
END_DATA_BLOCK
END_NAMESPACE
FUNCTION "Main" : Void
VERSION : 0.1
   VAR_INPUT
      flag : Bool;
   END_VAR
BEGIN
END_FUNCTION
"""


def test_root_namespace_references_that_name_nothing_stay_missing_under_their_qualified_name() -> None:
    text = _UNIT + """NAMESPACE Other
FUNCTION Caller : Void
VERSION : 0.1
BEGIN
    _.Unit.Nope();
    _.Unit.Missing.b := TRUE;
    _.Nowhere.b := TRUE;
    _.Unit.Data.c := TRUE;
    Data.b := TRUE;
    _.Far.Away.Fc();
END_FUNCTION
END_NAMESPACE
"""
    assert _closed(text) == [
        ("MISSING_BLOCK", 'Block "Unit.Nope" not defined.'),
        ("MISSING_TAG", 'Tag "Unit.Missing" not defined.'),
        ("MISSING_TAG", 'Tag "Nowhere" not defined.'),
        ("UNKNOWN_MEMBER", 'Tag "c" not defined: "Unit.Data" has no element "c".'),
        ("MISSING_TAG", 'Tag "Data" not defined.'),  # another namespace's DB is no bare name here
        ("MISSING_BLOCK", 'Block "Far.Away.Fc" not defined.'),  # a called path names one block
    ]


def test_a_namespace_sees_its_own_objects_first_and_the_root_through_underscore() -> None:
    """Inside NAMESPACE Unit, ``Main`` is Unit.Main (an Int input ``x``) and ``_.Main`` the root's "Main" (a Bool
    input ``flag``); the parameters are checked against the one each name reaches."""
    text = _UNIT + """NAMESPACE Unit
FUNCTION Caller : Void
VERSION : 0.1
BEGIN
    Main(x := 1);
    _.Main(flag := TRUE);
    _.Unit.Main(x := 2);
    Data.b := _.Unit.Data.b;
    Main(flag := TRUE);
END_FUNCTION
END_NAMESPACE
"""
    assert _closed(text) == [
        ("UNKNOWN_PARAMETER", 'The parameter "flag" is not defined in "Unit.Main".'),
        ("PARAMETER_NOT_SUPPLIED", 'The formal parameter "x" of "Unit.Main" must be supplied.'),
    ]


def test_a_namespace_with_accented_letters_is_generated() -> None:
    """TIA V18 exported the unit namespace ``nsSécheur`` (ChrisSiem/TestChris, cases/README.md); ``scl build``
    refused it as INVALID_DECLARATION."""
    text = (CASES / "software_unit_namespace_source.scl").read_text(encoding="utf-8").replace("Plant", "nsSéchoir")
    result = generate_source(text, file="ns.scl", version="V18")
    assert result.ok, result.diagnostics
    assert "<Namespace>nsSéchoir</Namespace>".encode() in result.blocks[0].xml
    assert result.blocks[0].qualified_name == "nsSéchoir.Clamp_Speed"


def test_graph_instance_db_source_sets_step_times() -> None:
    """TIA's source of a GRAPH FB's instance DB sets the steps' T_MAX/T_WARN (komatic1/testGraphProject,
    cases/README.md); with the FB's export as context, ``scl build`` writes them inside the step's
    ``G7_StepPlus_V5`` sections, as TIA's instance DB exports hold that structure, instead of dropping them with a
    START_VALUE_NOT_WRITTEN warning."""
    from simatic_xml.generate.from_source import context_from_files

    case = CASES / "graph_instance_db_step_times"
    context = context_from_files([case / "Wait_Sequence.xml"])
    result = generate_source(read_source(case / "Wait_Sequence_DB.scl"), file="Wait_Sequence_DB.scl",
                             version="V19", context=context)
    assert [(d.code, d.message) for d in result.diagnostics] == []
    xml = result.blocks[0].xml.decode()
    assert re.search(r'<Member Name="T_MAX" Datatype="Time">\s*<StartValue>T#2S_500MS</StartValue>', xml)


def test_system_instance_db_member_the_catalog_does_not_hold_is_not_called_undeclared() -> None:
    """TIA's source of a PID_Compact 1.2 instance DB sets static tags of PID_Compact V1 (``sPid_Cmpt.r_Pv_Hlm``,
    8ricee/PLC_TH, cases/README.md "Classified, not fixed"); the catalog holds PID_Compact 2.x, so the value is not
    written (a Warning), but the warning says why instead of calling the member undeclared."""
    text = ('DATA_BLOCK "Loop_PID"\n{InstructionName := \'PID_Compact\';\n LibVersion := \'1.2\';\n'
            " S7_Optimized_Access := 'TRUE' }\nVERSION : 1.2\nNON_RETAIN\nPID_Compact\n\nBEGIN\n"
            "   sPid_Cmpt.r_Pv_Hlm := 80.0;\n   Setpoint := 20.0;\nEND_DATA_BLOCK\n")
    result = generate_source(text, file="Loop_PID.db", version="V19")
    assert result.blocks and _errors(result.diagnostics) == []
    [warning] = [d for d in result.diagnostics if d.code == "START_VALUE_NOT_WRITTEN"]
    assert "sPid_Cmpt.r_Pv_Hlm" in warning.message and "not declared" not in warning.message
    assert "PID_Compact 1.2" in warning.message
