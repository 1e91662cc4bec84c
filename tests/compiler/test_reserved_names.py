"""A data type keyword as an unquoted declaration name of an SCL source is refused by every command that reads the
source (``INVALID_DECLARATION`` at the name; before: accepted by all of them); the same name quoted, a statement
keyword (``case``, as TIA's export of ``SensorCommand`` writes it) and ``DTL`` are accepted, and a SimaticML member of
such a name is accepted and written quoted by the source export (:mod:`simatic_xml.generate.source_names`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engineering_api.lsp.project import Project
from engineering_api.rules.compiler.check import Source, check_sources
from simatic_xml import parse_bytes
from simatic_xml.generate.to_scl import document_to_scl
from tests.ci.cli_run import run_main
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus"


def _udt(name: str) -> str:
    return (f'TYPE "Mut_T"\nVERSION : 0.1\n   STRUCT\n      ok : Bool;\n      {name} : Int;\n      s : Struct\n'
            f'         {name} : Bool;\n      END_STRUCT;\n   END_STRUCT;\n\nEND_TYPE\n\n')


def _fb(name: str) -> str:
    return (f'FUNCTION_BLOCK "Mut_FB"\nVERSION : 0.1\n   VAR_INPUT \n      {name} : Int;\n   END_VAR\n\nBEGIN\n'
            f'\t;\nEND_FUNCTION_BLOCK\n\n')


REFUSED = ["Byte", "String", "void", "Time", "Counter", "INT", "Real", "Date", "Variant", "DB_ANY"]
ACCEPTED = ['"Byte"', '"Counter"', "case", "IF", "TRUE", "Of", "DTL", "Bytes", "Real_1"]


@pytest.mark.parametrize("name", REFUSED + ACCEPTED)
def test_scl_check_and_the_editor_on_a_keyword_name(name: str) -> None:
    text = _udt(name) + _fb(name)
    found = [(d.line, d.code) for d in check_sources([Source("k.scl", text.encode())]) if d.severity == "Error"]
    assert found == ([(5, "INVALID_DECLARATION"), (7, "INVALID_DECLARATION"), (16, "INVALID_DECLARATION")]
                     if name in REFUSED else []), found
    editor = Project(None)
    assert [(d.line, d.code) for d in editor.check("k.scl", text) if d.severity == "Error"] == found


@pytest.mark.parametrize("command", ["scl check", "plc check", "scl build"])
def test_every_command_refuses_a_type_keyword_as_a_name(command: str, tmp_path: Path) -> None:
    path = tmp_path / "k.scl"
    path.write_text(_fb("Counter"), encoding="utf-8")
    out = ["--out", str(tmp_path / "out")] if command == "scl build" else []
    code, text = run_main(*command.split(), str(path), *out, "--format", "json")
    found = [(d["line"], d["code"]) for d in json.loads(text)["diagnostics"] if d["severity"] == "Error"]
    assert code == 1 and found == [(4, "INVALID_DECLARATION")], text
    path.write_text(_fb('"Counter"'), encoding="utf-8")
    code, text = run_main(*command.split(), str(path), *out, "--format", "json")
    assert code == 0, text


@READS_SHARED
@pytest.mark.parametrize("export", ["simaticml/udt/Gildej31_UDT_CALCUL.xml",
                                    "simaticml/udt/WZAutomati_YourRecipeUDT.xml",
                                    "simaticml/udt/Czarnak_AnalogInputSettings.xml"])
def test_a_simaticml_member_named_as_a_type_is_accepted_and_exported_quoted(export: str) -> None:
    """TIA's exports name members ``Real``, ``bool``, ``Type``: a SimaticML name is never read as SCL. The source
    written from it quotes the type keywords (as TIA's source export does) and checks clean."""
    data = (CORPUS / export).read_bytes()
    assert not [d for d in check_sources([Source(export, data)]) if d.code == "INVALID_DECLARATION"]
    text = document_to_scl(parse_bytes(data))
    assert not [d for d in check_sources([Source("t.udt", text.encode())]) if d.code == "INVALID_DECLARATION"], text
