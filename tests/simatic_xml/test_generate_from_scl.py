"""simatic_xml.generate.from_scl: SCL source -> block specs; and the corpus smoke (every TIA-style corpus file
that parses -> specs -> generate_xml without crashing; SpecError refusals are counted)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from simatic_xml import parse_bytes
from simatic_xml.generate import SpecError, generate_xml, parse_spec
from simatic_xml.generate.from_scl import expr_text, source_to_specs
from simatic_xml.scl import SclSyntaxError, parse, parse_expression, read_source
from tests.lib.shared_corpus import SHARED

SOURCE = '''FUNCTION_BLOCK "FB_X"
{ S7_Optimized_Access := 'FALSE' }
TITLE = Motor
AUTHOR : ME
FAMILY : Drives
VERSION : 1.2
   VAR_INPUT
      Start { ExternalWritable := 'False'} : Bool := TRUE;   // start it
      Name : String[20];
   END_VAR
   VAR RETAIN
      Cnt : Int := -5;
      Arr : Array[0..9, 1..2] of Int;
      S : Struct
        a : Real := 1.5;
      END_STRUCT;
      T1 : TON_TIME;
      U : "UDT_A";
   END_VAR
   VAR_TEMP
      i : Int;
   END_VAR
   VAR CONSTANT
      MAX : Int := 10;
   END_VAR
BEGIN
	#Cnt := #Cnt + 1;
	IF #Start THEN
	    #Cnt := 0;
	END_IF;
END_FUNCTION_BLOCK

FUNCTION "FC_Y" : Real
VERSION : 0.1
   VAR_INPUT
      x : Int;
   END_VAR
BEGIN #FC_Y := INT_TO_REAL(#x);
END_FUNCTION

DATA_BLOCK "DB1"
"FB_X"
BEGIN
END_DATA_BLOCK

DATA_BLOCK "DB2"
VERSION : 0.1
NON_RETAIN
   STRUCT
      A : Int;
      B : Struct
         C : Bool;
      END_STRUCT;
   END_STRUCT;
BEGIN
   A := 3;
   B.C := TRUE;
END_DATA_BLOCK

TYPE "UDT_A"
VERSION : 0.1
   STRUCT
      v : Real;   // value
   END_STRUCT;
END_TYPE

ORGANIZATION_BLOCK "Main"
BEGIN
	"DB1"(Start := TRUE);
END_ORGANIZATION_BLOCK
'''


def _specs() -> dict[str, dict]:
    return {s["name"]: s for s in source_to_specs(parse(SOURCE), SOURCE)}


def test_function_block_header_sections_and_body():
    fb = _specs()["FB_X"]
    assert fb["blockType"] == "FB" and fb["language"] == "SCL" and fb["memoryLayout"] == "Standard"
    assert fb["title"] == "Motor" and fb["author"] == "ME" and fb["family"] == "Drives" and fb["version"] == "1.2"
    start = fb["interface"]["Input"][0]
    assert start == {"name": "Start", "dataType": "Bool", "startValue": "TRUE", "comment": "start it",
                     "writableFromHmi": False}
    assert fb["interface"]["Input"][1]["dataType"] == "String[20]"
    static = {m["name"]: m for m in fb["interface"]["Static"]}
    assert static["Cnt"] == {"name": "Cnt", "dataType": "Int", "startValue": "-5", "retain": True}
    assert static["Arr"]["dataType"] == "Array[0..9, 1..2] of Int"
    assert static["S"]["dataType"] == "Struct" and static["S"]["members"][0]["startValue"] == "1.5"
    assert static["T1"]["dataType"] == "TON_TIME" and static["U"]["dataType"] == '"UDT_A"'
    assert fb["interface"]["Temp"] == [{"name": "i", "dataType": "Int"}]
    assert fb["interface"]["Constant"][0]["startValue"] == "10"
    # the tab TIA's source export puts before each line is taken off again (Fwaldt_FB_AnalogInput.xml: an
    # outermost statement of an SCL block's export starts at column 1)
    assert fb["networks"] == [{"scl": "#Cnt := #Cnt + 1;\nIF #Start THEN\n    #Cnt := 0;\nEND_IF;"}]


def test_function_return_type_and_begin_on_the_same_line():
    fc = _specs()["FC_Y"]
    assert fc["returnType"] == "Real" and "version" not in fc  # 0.1 is TIA's default
    assert fc["networks"] == [{"scl": " #FC_Y := INT_TO_REAL(#x);"}]


def test_data_blocks_and_types():
    specs = _specs()
    assert specs["DB1"] == {"blockType": "InstanceDB", "name": "DB1", "instanceOf": "FB_X"}
    db2 = specs["DB2"]
    assert db2["blockType"] == "GlobalDB"
    members = {m["name"]: m for m in db2["interface"]["Static"]}
    assert members["A"]["startValue"] == "3" and members["B"]["members"][0]["startValue"] == "TRUE"
    assert specs["UDT_A"] == {"blockType": "UDT", "name": "UDT_A",
                              "interface": {"None": [{"name": "v", "dataType": "Real", "comment": "value"}]}}
    assert specs["Main"]["blockType"] == "OB" and specs["Main"]["networks"][0]["scl"] == '"DB1"(Start := TRUE);'


def test_instance_of_a_udt_or_a_known_fb():
    text = 'DATA_BLOCK "D"\n"T"\nBEGIN\nEND_DATA_BLOCK\n'
    assert source_to_specs(parse(text), text, known_udts={"T"})[0]["instanceOfType"] == "UDT"
    assert "instanceOfType" not in source_to_specs(parse(text), text, known_fbs={"T"})[0]
    # Known as neither: an instance DB of an FB (the common case); the caller reports MISSING_BLOCK.
    assert "instanceOfType" not in source_to_specs(parse(text), text)[0]


def test_start_values_after_begin_become_start_values():
    """Array elements and an instance DB's members after BEGIN: TIA generates them (they were refused)."""
    text = 'DATA_BLOCK "D"\n"FB"\nBEGIN\n  x := 1;\nEND_DATA_BLOCK\n'
    assert source_to_specs(parse(text), text)[0]["startValues"] == {"x": "1"}
    text = 'DATA_BLOCK "D"\n   VAR\n      a : Array[0..1] of Int;\n   END_VAR\nBEGIN\n   a[0] := 1;\nEND_DATA_BLOCK\n'
    assert source_to_specs(parse(text), text)[0]["startValues"] == {"a[0]": "1"}


def test_specs_generate():
    specs = _specs()
    for name in ("UDT_A", "FC_Y", "DB2"):
        doc = parse_bytes(generate_xml(specs[name]))
        assert doc.object.name == name


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('DATA_BLOCK "D"\n   VAR\n      a : Int;\n   END_VAR\nBEGIN\n   b := 1;\nEND_DATA_BLOCK\n',
         "'b' is not declared"),
    ],
)
def test_refusals_name_the_line(text, reason):
    with pytest.raises(SpecError) as info:
        source_to_specs(parse(text), text)
    assert reason in str(info.value) and "line " in str(info.value)


def test_expr_text():
    for text in ("-5", "T#5s", '"Tag".a[1, 2]', "#x + 1", "NOT #a", "(1 + 2) * 3"):
        assert expr_text(parse_expression(text)) == text


# ----- corpus smoke --------------------------------------------------------------------------------
CORPUS = SHARED / "corpus" / "scl"


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    classic: set[str] = set()
    tsv = CORPUS / "SOURCES.tsv"
    if tsv.is_file():
        with tsv.open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                if row.get("style", "").lower().startswith("classic") or "CLASSIC STEP 7" in row.get("notes", ""):
                    classic.add(row["local_file"])
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix.lower() in {".scl", ".udt", ".db"}
                  and p.relative_to(CORPUS).as_posix() not in classic)


def test_corpus_smoke():
    files = _corpus_files()
    if not files:
        pytest.skip("SCL corpus not found")
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for path in files:
        text = read_source(path)
        try:
            source = parse(text, path=str(path))
        except SclSyntaxError:
            counts["not parsed"] += 1
            continue
        counts["files"] += 1
        try:
            specs = source_to_specs(source, text)
        except SpecError as exc:
            counts["source refused"] += 1
            reasons[exc.reason.split(":")[0][:40]] += 1
            continue
        for spec in specs:
            counts["blocks"] += 1
            try:
                generate_xml(parse_spec(spec))
            except SpecError as exc:
                counts["refused"] += 1
                reasons[exc.field.split("[")[0]] += 1
            else:
                counts["generated"] += 1
    print(f"\nfrom_scl corpus smoke: {dict(counts)}; refusals by field: {dict(reasons.most_common(8))}")
    assert counts["files"] > 0 and counts["blocks"] == counts["generated"] + counts["refused"]
    assert counts["generated"] > 0


def test_the_export_tab_does_not_drift_through_export_and_generate_cycles():
    """TIA puts one tab before each body line of a source it exports; generating takes it off, so the block's
    text starts at column 1 (no leading Blank, as TIA's SimaticML exports) and a second cycle gives the same."""
    from simatic_xml import parse_bytes
    from simatic_xml.generate.from_source import generate_source
    from simatic_xml.generate.to_scl import document_to_scl

    source = ('FUNCTION "FC_W" : Void\nVAR_TEMP\n    x : Int;\nEND_VAR\nBEGIN\n\tIF #x = 1 THEN\n\t    #x := 2;\n'
              "\tEND_IF;\nEND_FUNCTION\n")
    [block] = generate_source(source, file="FC_W.scl").blocks
    text = block.xml.decode("utf-8")
    assert '<StructuredText xmlns="http://www.siemens.com/automation/Openness/SW/NetworkSource/StructuredText/v4">' \
           '\n  <Token Text="IF"' in text
    again = document_to_scl(parse_bytes(block.xml))
    assert again.endswith("BEGIN\n\tIF #x = 1 THEN\n\t    #x := 2;\n\tEND_IF;\nEND_FUNCTION\n")
    [second] = generate_source(again, file="FC_W.scl").blocks
    assert second.xml == block.xml
