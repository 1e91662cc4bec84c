"""External sources: list, from-text, from-file, delete, generate, folders, import-and-generate; and the
round trip spec -> block -> SCL source -> external source -> generate into another PLC -> identical SimaticML."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.config import Settings
from tests.conftest import CPU, Headers, add_device, assert_error, data, served
from tests.api.source_lines import ONE_NUMBERING

S = "/api/devices/PLC_1/external-sources"
B = "/api/devices/PLC_1/blocks"


def _import_and_generate(client: TestClient[Any], headers: Headers, text: str, name: str) -> Any:
    """The answer to SCL ``text`` sent to import-and-generate as the source ``name``."""
    return client.post(f"{S}/import-and-generate", json={"SclContent": text, "SourceName": name}, headers=headers)

SOURCE = '''TYPE "UDT_Pump"
VERSION : 0.1
   STRUCT
      Speed : Real;   // rpm
      Running : Bool;
   END_STRUCT;
END_TYPE

FUNCTION_BLOCK "FB_Pump"
{ S7_Optimized_Access := 'TRUE' }
VERSION : 0.1
   VAR_INPUT
      Start : Bool;
   END_VAR
   VAR
      Data : "UDT_Pump";
      Count : Int := 0;
   END_VAR
BEGIN
	IF #Start THEN
	    #Count := #Count + 1;
	END_IF;
END_FUNCTION_BLOCK

DATA_BLOCK "DB_Pump"
"FB_Pump"
BEGIN
END_DATA_BLOCK

DATA_BLOCK "DB_Settings"
{ S7_Optimized_Access := 'TRUE' }
VERSION : 0.1
   VAR
      Limit : Int;
      Gains : Struct
         P : Real;
      END_STRUCT;
   END_VAR
BEGIN
   Limit := 100;
   Gains.P := 1.5;
END_DATA_BLOCK
'''


@pytest.fixture
def env(tmp_path):
    settings = Settings.from_env(data_dir=tmp_path)
    with served(settings) as client:
        headers = {"X-API-Key": client.app.state.services.keys.create("eng", "engineer")[1]}
        data(client.post("/api/projects/actions/create-sync", json={"name": "P"}, headers=headers))
        add_device(client, headers, CPU, "PLC_1")
        yield client, headers, settings.roots[0]


def test_sources_crud_and_folders(env):
    client, h, root = env
    assert data(client.get(S, headers=h)) == []
    info = data(client.post(f"{S}/from-text", json={"name": "Pump.scl", "text": SOURCE}, headers=h))
    assert info["name"] == "Pump.scl" and info["lineCount"] == len(SOURCE.splitlines()) and info["folder"] == ""
    assert_error(client.post(f"{S}/from-text", json={"name": "Pump.scl", "text": "x"}, headers=h), 409)
    data(client.post(f"{S}/from-text", json={"name": "Pump.scl", "text": SOURCE, "overwrite": True}, headers=h))
    assert_error(client.post(f"{S}/from-text", json={"name": "a/b.scl", "text": "x"}, headers=h), 422)
    assert data(client.post(f"{S}/folders", json={"folderPath": "Lib"}, headers=h)) == {"folder": "Lib"}
    assert_error(client.post(f"{S}/folders", json={"folderPath": "Lib"}, headers=h), 409)
    (root / "src").mkdir()
    (root / "src" / "Other.scl").write_text(SOURCE, encoding="utf-8")
    other = data(client.post(f"{S}/from-file", json={"filePath": "src/Other.scl", "folder": "Lib"}, headers=h))
    assert other["name"] == "Other.scl" and other["folder"] == "Lib"
    assert_error(client.post(f"{S}/from-file", json={"filePath": "src/none.scl"}, headers=h), 404)
    assert_error(client.post(f"{S}/from-file", json={"filePath": "../../etc/passwd"}, headers=h), 422)
    assert {s["name"] for s in data(client.get(S, headers=h))} == {"Pump.scl", "Other.scl"}
    removed = data(client.delete(f"{S}/folders", params={"folderPath": "Lib"}, headers=h))
    assert removed == {"folder": "Lib", "removed": ["Other.scl"]}
    assert_error(client.delete(f"{S}/folders", params={"folderPath": "Lib"}, headers=h), 404)
    assert data(client.delete(f"{S}/Pump.scl", headers=h))["name"] == "Pump.scl"
    assert_error(client.delete(f"{S}/Pump.scl", headers=h), 404)
    assert_error(client.get("/api/devices/NOPE/external-sources", headers=h), 404)


def test_generate_in_dependency_order(env):
    client, h, _ = env
    data(client.post(f"{S}/from-text", json={"name": "Pump.scl", "text": SOURCE}, headers=h))
    result = data(client.post(f"{S}/Pump.scl/generate", json={}, headers=h))
    assert result["blocks"] == ["UDT_Pump", "FB_Pump", "DB_Pump", "DB_Settings"]
    assert result["order"].index("UDT_Pump") < result["order"].index("FB_Pump") < result["order"].index("DB_Pump")
    assert all(r["status"] == "Imported" for r in result["reports"])
    blocks = {b["name"]: b for b in data(client.get(B, headers=h))}
    assert blocks["DB_Pump"]["blockType"] == "InstanceDB" and blocks["DB_Pump"]["instanceOf"] == "FB_Pump"
    source = data(client.get(f"{B}/DB_Settings/source", headers=h))["sourceText"]
    assert "Limit := 100;" in source and "Gains.P := 1.5;" in source
    fb = data(client.get(f"{B}/FB_Pump/content", headers=h))
    assert "#Count := #Count + 1;" in fb["networks"][0]["scl"]
    again = data(client.post(f"{S}/Pump.scl/generate", json={}, headers=h))  # regenerating replaces
    assert len(again["reports"]) == 4
    assert_error(client.post(f"{S}/Pump.scl/generate", json={"overwrite": False}, headers=h), 409)
    assert_error(client.post(f"{S}/Nope.scl/generate", json={}, headers=h), 404)


def test_generate_syntax_error_points_at_the_line(env):
    client, h, _ = env
    broken = SOURCE.replace("#Count := #Count + 1;", "#Count := #Count + ;")
    data(client.post(f"{S}/from-text", json={"name": "Broken.scl", "text": broken}, headers=h))
    error = assert_error(client.post(f"{S}/Broken.scl/generate", json={}, headers=h), 422, "SCL_SYNTAX_ERROR")
    line = broken.splitlines().index("\t    #Count := #Count + ;") + 1
    assert error["details"]["line"] == line and error["details"]["source"] == "Broken.scl"
    assert error["details"]["column"] > 0 and "Broken.scl: line" in error["message"]
    assert [b["name"] for b in data(client.get(B, headers=h))] == ["Main"]  # the PLC's OB1; nothing half-generated


def test_generate_refuses_what_specs_cannot_hold(env):
    client, h, _ = env
    text = ('FUNCTION "FC_X" : Void\nVERSION : 0.1\n   VAR_TEMP\n      t : Int;\n   END_VAR\nBEGIN\n\t#nope := '
            '1;\nEND_FUNCTION\n')
    error = assert_error(_import_and_generate(client, h, text, "X"), 422, "INVALID_SPEC")
    assert "nope" in error["message"] and error["details"]["source"] == "X.scl"
    # Every finding as structured data, counted in the source file (line 7 of the text, not line 1 of the body).
    [diag] = error["details"]["diagnostics"]
    assert diag == {"file": "X.scl", "block": "FC_X", "network": None, "line": 7, "column": 2, "severity": "Error",
                    "code": "UNDECLARED", "message": "#nope is not declared in the block interface."}


def test_generate_names_what_it_cannot_write(env):
    client, h, _ = env
    text = ('FUNCTION "FC_R" : Void\nVAR_TEMP\n  x : Int;\n  r : REF_TO Int;\nEND_VAR\nBEGIN\n  #r := REF(#x);\n  #r^ '
            ':= 1;\nEND_FUNCTION\n')
    error = assert_error(_import_and_generate(client, h, text, "R"), 422, "GENERATION_NOT_SUPPORTED")
    assert (error["details"]["line"], error["details"]["column"]) == (8, 5) and "in TIA" in error["message"]
    assert "FC_R" not in {b["name"] for b in data(client.get(B, headers=h))}


def test_generate_reports_every_error_and_warnings(env):
    client, h, _ = env
    text = ('FUNCTION "FC_A" : Void\n   VAR_TEMP\n      t : Int;\n   END_VAR\nBEGIN\n\t#a := 1;\n\t#b := '
            '2;\nEND_FUNCTION\n\nFUNCTION_BLOCK "FB_B"\n   VAR\n      u : "UDT_Nowhere";\n   '
            'END_VAR\nBEGIN\nEND_FUNCTION_BLOCK\n')
    error = assert_error(_import_and_generate(client, h, text, "Y"), 422, "INVALID_SPEC")
    lines = [(d["line"], d["code"]) for d in error["details"]["diagnostics"] if d["severity"] == "Error"]
    assert lines == [(6, "UNDECLARED"), (7, "UNDECLARED")]
    good = 'FUNCTION_BLOCK "FB_B"\n   VAR\n      u : "UDT_Nowhere";\n   END_VAR\nBEGIN\nEND_FUNCTION_BLOCK\n'
    result = data(_import_and_generate(client, h, good, "Z"))
    assert result["blocks"] == ["FB_B"]
    assert [(d["code"], d["line"], d["severity"]) for d in result["diagnostics"]] == [("MISSING_TYPE", 3, "Warning")]


def test_import_and_generate_tia_body(env):
    client, h, _ = env
    result = data(_import_and_generate(client, h, SOURCE, "Pump"))
    assert result["sourceName"] == "Pump.scl" and len(result["blocks"]) == 4
    assert [s["name"] for s in data(client.get(S, headers=h))] == ["Pump.scl"]
    regenerated = data(client.post(f"{S}/Pump.scl/generate", json={}, headers=h))
    assert regenerated["blocks"][0] == "UDT_Pump"


def test_round_trip_spec_to_source_to_other_plc(env):
    client, h, root = env
    add_device(client, h, CPU, "PLC_2")
    spec = {
        "blockType": "FB", "name": "FB_Round", "language": "SCL", "number": 42, "author": "QA",
        "interface": {
            "Input": [{"name": "Enable", "dataType": "Bool", "comment": "go"}],
            "Output": [{"name": "Out", "dataType": "Int"}],
            "Static": [
                {"name": "Cfg", "dataType": "Struct", "members": [{"name": "Max", "dataType": "Int", "startValue": 7}]},
                       {"name": "Buf", "dataType": "Array[0..3] of Real", "retain": True, "accessibleFromHmi": False}],
            "Temp": [{"name": "i", "dataType": "Int"}],
            "Constant": [{"name": "LIMIT", "dataType": "Int", "startValue": 10}],
        },
        "networks": [{"scl": "IF #Enable THEN\n    FOR #i := 0 TO 3 DO\n        #Buf[#i] := 0.0;\n    END_FOR;\n"
                             "    #Out := MIN(IN1 := #Cfg.Max, IN2 := #LIMIT);\nEND_IF;"}],
    }
    db = {"blockType": "GlobalDB", "name": "DB_Round", "number": 3,
          "interface": {
              "Static": [{"name": "A", "dataType": "Int", "startValue": 4}, {"name": "B", "dataType": "Bool"}]}}
    for s in (spec, db):
        data(client.post(B, json=s, headers=h))
        original = data(client.get(f"{B}/{s['name']}/export-xml", headers=h))
        data(client.post(f"{B}/{s['name']}/actions/export-source", json={"exportPath": f"rt/{s['name']}.scl"},
                         headers=h))
        path = next((root / "rt").glob(f"{s['name']}.*"))
        data(client.post("/api/devices/PLC_2/external-sources/from-file", json={"filePath": str(path)}, headers=h))
        data(client.post(f"/api/devices/PLC_2/external-sources/{path.name}/generate", json={}, headers=h))
        copy = data(client.get(f"/api/devices/PLC_2/blocks/{s['name']}/export-xml", headers=h))
        # Deliberate difference: an SCL source carries no block number (TIA numbers a block generated from a
        # source itself: AutoNumber), so Number/AutoNumber are the only lines that differ.
        assert _without_number(copy) == _without_number(original)
        assert copy != original


def _without_number(xml: str) -> str:
    return re.sub(r"\s*<(AutoNumber|Number)>[^<]*</\1>", "", xml)


def test_generate_sees_the_plc(env):
    """An instance DB of an FB the PLC already holds gets the FB's members and its start values."""
    client, h, _ = env
    fb = ('FUNCTION_BLOCK "FB_Held"\n   VAR\n      Limit : Int;\n      T : TON;\n   END_VAR\nBEGIN\n'
          "   (* a comment *)\n   #T(IN := TRUE, PT := T#1S);\nEND_FUNCTION_BLOCK\n")
    assert data(_import_and_generate(client, h, fb, "Fb"))["diagnostics"] == []
    idb = 'DATA_BLOCK "IDB_Held"\n"FB_Held"\nBEGIN\n   Limit := 9;\nEND_DATA_BLOCK\n'
    result = data(_import_and_generate(client, h, idb, "Idb"))
    assert result["blocks"] == ["IDB_Held"] and result["diagnostics"] == []
    xml = data(client.get(f"{B}/IDB_Held/export-xml", headers=h))
    assert re.search(r'<Member Name="Limit" Datatype="Int"[^>]*>\s*<StartValue>9</StartValue>', xml)


def test_a_block_missing_a_user_object_stays_inconsistent_until_it_compiles(env):
    """TIA generates a block whose interface uses a type the PLC lacks (MISSING_TYPE warning) and keeps it
    inconsistent."""
    client, h, _ = env
    caller = 'FUNCTION_BLOCK "FB_User"\n   VAR\n      u : "UDT_Later";\n   END_VAR\nBEGIN\n   ;\nEND_FUNCTION_BLOCK\n'
    result = data(_import_and_generate(client, h, caller, "C"))
    assert [(d["code"], d["block"]) for d in result["diagnostics"]] == [("MISSING_TYPE", "FB_User")]
    listed = {b["name"]: b for b in data(client.get(B, headers=h))}
    assert listed["FB_User"]["consistent"] is False
    later = 'TYPE "UDT_Later"\n   STRUCT\n      x : Int;\n   END_STRUCT;\nEND_TYPE\n'
    data(_import_and_generate(client, h, later, "L"))
    compiled = data(client.post(f"{B}/FB_User/actions/compile", headers=h))
    assert compiled["state"] != "Error", compiled
    assert {b["name"]: b for b in data(client.get(B, headers=h))}["FB_User"]["consistent"] is True


def test_generating_the_same_source_again_keeps_the_block_numbers(env):
    """Blocks a source regenerates keep their numbers (the source gives none); before, every second run of a
    pipeline's generate step renumbered most blocks, so each save rewrote them and each export showed a diff."""
    client, h, _ = env
    source = "\n".join(f'FUNCTION "Keep{i}" : Int\nBEGIN\n  #Keep{i} := {i};\nEND_FUNCTION\n' for i in range(6))

    def numbers() -> dict[str, int]:
        return {b["name"]: b["number"] for b in data(client.get(B, headers=h)) if b["name"].startswith("Keep")}

    data(_import_and_generate(client, h, source, "Keep"))
    first = numbers()
    assert len(first) == 6 and len(set(first.values())) == 6
    for _ in range(2):
        data(_import_and_generate(client, h, source, "Keep"))
        assert numbers() == first


def test_import_and_compile_count_lines_in_the_source_sent(env):
    """One numbering: a syntax error at import and a compile error of the generated block both name the line in the
    source the client sent."""
    client, h, _ = env
    wanted = ONE_NUMBERING.splitlines().index('   #Running := #Start AND "Nowhere_Tag";') + 1
    broken = ONE_NUMBERING.replace('"Nowhere_Tag";', '"Nowhere_Tag" +;')
    syntax = assert_error(_import_and_generate(client, h, broken, "Lines"), 422, "SCL_SYNTAX_ERROR")
    assert syntax["details"]["line"] == wanted
    data(_import_and_generate(client, h, ONE_NUMBERING, "Lines"))
    for compiled in (data(client.post("/api/devices/PLC_1/actions/compile-software-sync", headers=h)),
                     data(client.post(f"{B}/FB_Lines/actions/compile", headers=h))):
        [finding] = [d for d in compiled["diagnostics"] if d["code"] == "MISSING_TAG"]
        assert (finding["file"], finding["block"], finding["line"]) == ("Lines.scl", "FB_Lines", wanted)
