"""Absolute addresses in SCL: ``scl check`` and ``scl build`` read them by one grammar
(:mod:`simatic_xml.absolute_addresses`) and so agree on every operand.

The reference is a real TIA export, ``tests/realcode/cases/scl_network_absolute_db_address/Copy_Raw.xml``
(War3sccs/Chemical-dosing-Siemens-S7-1200- energy_meter_read.xml): TIA accepts ``%DB7.DBW2 := %DB7.DBW0;`` in
SCL and writes each operand as a Symbol of the block's Raw address, a ``.`` token and the member's address.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engineering_api.cli import main
from simatic_xml.absolute_addresses import AbsoluteAddress, InvalidAddressError, parse_absolute_address
from simatic_xml.errors import SclSyntaxError
from simatic_xml.generate.to_scl import document_to_scl
from simatic_xml.reader import parse_bytes
from simatic_xml.safe import parse_untrusted
from simatic_xml.scl_text import text_to_tokens, tokens_to_text
from simatic_xml.xmlnode import local_name

__all__: list[str] = []

EXPORT = Path(__file__).resolve().parents[1] / "realcode" / "cases" / "scl_network_absolute_db_address" / "Copy_Raw.xml"

_SOURCE = """FUNCTION "F" : Void
VAR_TEMP
  x : Word;
  b : Bool;
END_VAR
BEGIN
  {statement}
END_FUNCTION
"""

_OK: dict[str, Any] = {"check": [], "build": []}


def _refused(message: str) -> dict[str, Any]:
    """Both entries report the same syntax error at the operand (line 7, column 9 of the statement)."""
    return dict.fromkeys(("check", "build"), [("SYNTAX_ERROR", 7, 9, message)])


_NOT_GENERATED = ("GENERATION_NOT_SUPPORTED", 7, 9, None)  # its wording is the generator's, not checked here

# statement -> what scl check and scl build report (code, line, column, message)
VERDICTS: dict[str, dict[str, Any]] = {
    "#x := %DB1.DBW4;": _OK,
    "#b := %DB1.DBX0.0;": _OK,
    "#x := %IW4;": _OK,
    "#x := %EW4;": _OK,
    "#b := %E0.0;": _OK,
    "#x := %ML8;": _OK,
    "#x := %IW4:P;": _OK,
    "%QW4 := #x;": {"check": [], "build": []},
    "#x := %T5;": {"check": [], "build": [_NOT_GENERATED]},
    "#x := %C5;": {"check": [], "build": [_NOT_GENERATED]},
    "#x := %TW4;": _refused("invalid absolute address '%TW4': a timer or counter has a number and no access size: "
                            "'%T4'"),
    "#x := %ZW4;": _refused("invalid absolute address '%ZW4': a timer or counter has a number and no access size: "
                            "'%Z4'"),
    "#x := %CW2;": _refused("invalid absolute address '%CW2': a timer or counter has a number and no access size: "
                            "'%C2'"),
    "#x := %PIW4;": _refused("invalid absolute address '%PIW4': the I/O access is written with ':P' after the "
                             "address: '%IW4:P'"),
    "#x := %DIW4;": _refused("invalid absolute address '%DIW4': an address in a data block names the block: "
                             "'%DB<number>.DBW4'"),
    "#x := %LW4;": _refused("invalid absolute address '%LW4': local data (L) is no address area of SCL: use the "
                            "temporary tag by its name"),
    "#x := %DBW4;": _refused("invalid absolute address '%DBW4': an address in a data block names the block: "
                             "'%DB<number>.DBW4'"),
    "#x := %IW4.1;": _refused("invalid absolute address '%IW4.1': only a bit access (X, or no size letter) has a "
                              "bit number"),
    "#b := %I0.8;": _refused("invalid absolute address '%I0.8': the bit number is 0 to 7"),
    "#b := %IX4;": _refused("invalid absolute address '%IX4': a bit access needs its bit number: '%I0.0', "
                            "'%DB1.DBX0.0'"),
    "#x := %MW4:P;": _refused("invalid absolute address '%MW4:P': ':P' (the I/O access) is only possible on inputs "
                              "and outputs"),
    "#x := %DB1.DBW4:P;": _refused("invalid absolute address '%DB1.DBW4:P': ':P' (the I/O access) is only possible "
                                   "on inputs and outputs"),
}


def _report(tmp_path: Path, *argv: str) -> list[tuple[str, int, int, str | None]]:
    report = tmp_path / "report.json"
    main([*argv, "--format", "json", "--output", str(report)])
    return [(d["code"], d["line"], d["column"], d["message"])
            for d in json.loads(report.read_text(encoding="utf-8"))["diagnostics"] if d["severity"] == "Error"]


@pytest.mark.parametrize("statement", list(VERDICTS))
def test_check_and_build_agree_on_an_absolute_address(statement: str, tmp_path: Path) -> None:
    source = tmp_path / "f.scl"
    source.write_text(_SOURCE.format(statement=statement), encoding="utf-8")
    checked = _report(tmp_path, "scl", "check", str(source))
    built = [(code, line, col, None if code == "GENERATION_NOT_SUPPORTED" else message)
             for code, line, col, message in _report(tmp_path, "scl", "build", str(source), "--out",
                                                     str(tmp_path / "out"))]
    assert {"check": checked, "build": built} == VERDICTS[statement]
    if not built:
        assert (tmp_path / "out" / "F.xml").is_file()


def _accesses(document: bytes) -> list[list[tuple[str, dict[str, str]]]]:
    """Each absolute-address Access of the document's SCL networks: its elements below it, attributes without UIds."""
    root = parse_untrusted(document).getroot()
    return [[(local_name(element), {k: v for k, v in element.attrib.items() if k != "UId"})
             for element in access.iter()]
            for access in root.iter("{*}Access") if access.get("Scope") == "Address"]


def test_the_real_export_survives_reading_and_building(tmp_path: Path) -> None:
    exported = EXPORT.read_bytes()
    text = document_to_scl(parse_bytes(exported))
    assert "%DB7.DBW2 := %DB7.DBW0;" in text
    source = tmp_path / "Copy_Raw.scl"
    source.write_text(text, encoding="utf-8")
    assert _report(tmp_path, "scl", "build", str(source), "--out", str(tmp_path / "out")) == []
    generated = _accesses((tmp_path / "out" / "Copy_Raw.xml").read_bytes())
    assert generated == _accesses(exported)
    assert [element for element, _ in generated[0]] == ["Access", "Symbol", "Address", "Token", "Address"]


def test_a_db_bit_address_carries_its_bit_offset() -> None:
    body = text_to_tokens("%DB1.DBX0.1 := %DB1.DBX2.7;")
    members = [(a.attrs["Area"], a.attrs["Type"], a.attrs["BitOffset"]) for a in body.iter("Address")
               if a.attrs["Type"] != "Raw"]
    assert members == [("DB", "Bool", "1"), ("DB", "Bool", "23")]
    assert tokens_to_text(body) == "%DB1.DBX0.1 := %DB1.DBX2.7;"


def test_the_grammar_reads_every_area_it_allows() -> None:
    assert parse_absolute_address("%DB7.DBW2") == AbsoluteAddress("DB", "W", 2, block=7)
    assert parse_absolute_address("%db1.dbx0.1").bit_offset == 1
    assert parse_absolute_address("%A1.7") == AbsoluteAddress("Q", "X", 1, 7, german=True)
    assert parse_absolute_address("%QD8:p") == AbsoluteAddress("Q", "D", 8, periphery=True)
    assert parse_absolute_address("%Z3") == AbsoluteAddress("C", "", 3, german=True)
    assert parse_absolute_address("%T5").data_type is None
    assert parse_absolute_address("%MW4").data_type == "Word"


@pytest.mark.parametrize("text", ["%DB1.DBW4:P", "%T5:P", "%DB1:P"])
def test_the_io_access_is_refused_outside_inputs_and_outputs(text: str) -> None:
    with pytest.raises(InvalidAddressError, match="only possible on inputs and outputs"):
        parse_absolute_address(text)
    with pytest.raises(SclSyntaxError, match="only possible on inputs and outputs"):
        text_to_tokens(f"#x := {text};")


def test_the_checker_types_a_db_address_by_its_size(tmp_path: Path) -> None:
    source = tmp_path / "f.scl"
    source.write_text(_SOURCE.format(statement="#b := %DB1.DBW4; #b := %MW4; #x := %DB1.DBD0; #b := %DB1.DBX0.0;"),
                      encoding="utf-8")
    assert [code for code, *_ in _report(tmp_path, "scl", "check", str(source))] == ["TYPE_MISMATCH"] * 2


def test_slices_after_a_dot_stay_slices() -> None:
    text = "#b := #x.%X3;\n#x := #d.%W0;\n#b := \"DB\".s[1].%X7;"
    body = text_to_tokens(text)
    assert not [a for a in body.iter("Address")]
    assert [t.attrs["Text"] for t in body.iter("Token") if t.attrs["Text"].startswith("%")] == ["%X3", "%W0", "%X7"]
    assert tokens_to_text(body) == text


def test_an_address_after_a_dot_is_an_invalid_slice_in_both(tmp_path: Path) -> None:
    with pytest.raises(SclSyntaxError, match="invalid slice access '%L0'"):
        text_to_tokens("#b := #x.%L0;")
    source = tmp_path / "f.scl"
    source.write_text(_SOURCE.format(statement="#b := #x.%L0;"), encoding="utf-8")
    assert [(code, message) for code, _, _, message in _report(tmp_path, "scl", "check", str(source))] == [
        ("SYNTAX_ERROR", "invalid slice access '%L0'")]
