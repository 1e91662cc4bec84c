"""Watch & Force Tables through HTTP: tables, entries, operand validation, export/import, folders, persistence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.conftest import Headers, assert_error, data
from tests.api.watch_plant import DEV, FT, WT, fill_plc


@pytest.fixture
def h(admin_headers: Headers, cpu: dict[str, Any], client: TestClient[Any]) -> Headers:
    """Admin headers; PLC_1 is filled (:func:`fill_plc`)."""
    return fill_plc(client, admin_headers)


def make(client: TestClient[Any], h: Headers, base: str, name: str, **body: Any) -> dict[str, Any]:
    return data(client.post(base, json={"name": name, **body}, headers=h))


def test_watch_table_crud_with_entries(client: TestClient[Any], h: Headers, viewer_headers: Headers) -> None:
    created = make(client, h, WT, "Motor_Watch", tags=['"Start"'])
    assert (created["name"], created["kind"], created["entryCount"], created["online"]) == (
        "Motor_Watch", "WatchTable", 1, False)
    start = created["entries"][0]
    assert (start["name"], start["address"], start["dataType"], start["displayFormat"], start["isValid"]) == (
        '"Start"', "%I0.0", "Bool", "Bool", True)
    assert start["value"] is None and start["quality"] is None and start["forceValue"] is None
    body = {"entries": [{"name": '"Motor_DB".Speed', "comment": "rpm", "modifyValue": 1500},
                        {"name": '"Motor_DB".Limits[2]'}, {"name": "%MW10"}, {"name": "%Q0.1:P"}]}
    added = data(client.post(f"{WT}/Motor_Watch/entries", json=body, headers=h))
    rows = {e["name"]: e for e in added["entries"]}
    assert added["entryCount"] == 5 and added["isConsistent"] is True
    assert (rows['"Motor_DB".Speed']["dataType"], rows['"Motor_DB".Speed']["displayFormat"]) == ("Int", "DEC+/-")
    assert rows['"Motor_DB".Speed']["modifyValue"] == "1500" and rows['"Motor_DB".Speed']["comment"] == "rpm"
    assert rows['"Motor_DB".Limits[2]']["dataType"] == "Real" and rows["%MW10"]["dataType"] == "Word"
    # the same operand again replaces the entry (no duplicate row)
    replaced = data(client.post(f"{WT}/Motor_Watch/entries", json={"entries": [
        {"Name": '"Motor_DB".Speed', "DisplayFormat": "Hex"}]}, headers=h))
    assert replaced["entryCount"] == 5
    assert next(e for e in replaced["entries"] if e["name"] == '"Motor_DB".Speed')["displayFormat"] == "Hex"
    listed = data(client.get(WT, headers=viewer_headers))
    assert [(t["name"], t["entryCount"], t["isConsistent"]) for t in listed] == [("Motor_Watch", 5, True)]
    assert data(client.get(FT, headers=viewer_headers)) == []
    removed = data(client.post(f"{WT}/Motor_Watch/entries/actions/remove", json={"names": ["%mw10", '"Start"']},
                               headers=h))
    assert [e["name"] for e in removed["entries"]] == ['"Motor_DB".Speed', '"Motor_DB".Limits[2]', "%Q0.1:P"]
    cleared = data(client.post(f"{WT}/Motor_Watch/entries/actions/clear", headers=h))
    assert cleared["entryCount"] == 0 and cleared["entries"] == []
    gone = data(client.delete(f"{WT}/Motor_Watch", headers=h))
    assert gone["name"] == "Motor_Watch"
    assert_error(client.get(f"{WT}/Motor_Watch", headers=h), 404, "WATCH_TABLE_NOT_FOUND")


def test_invalid_operands_are_refused_all_or_nothing(client: TestClient[Any], h: Headers) -> None:
    make(client, h, WT, "W")
    bad = {"tags": ['"Start"', '"Nope"', '"Motor_DB".Missing', "%I0.9", "#local", '"FC_Nothing"', "%X1", "a+b"]}
    body = assert_error(client.post(f"{WT}/W/entries", json=bad, headers=h), 422, "INVALID_OPERAND")
    problems = {p["operand"]: p["problem"] for p in body["details"]["operands"]} if "details" in body else None
    assert data(client.get(f"{WT}/W", headers=h))["entryCount"] == 0
    assert '"Nope"' in body["message"] and "Missing" in body["message"]
    if problems is not None:
        assert problems['"Nope"'] == 'Tag "Nope" not defined.'
    kept = data(client.post(f"{WT}/W/entries", json={**bad, "allowInvalid": True}, headers=h))
    assert kept["entryCount"] == 8 and kept["isConsistent"] is False
    flags = {e["name"]: (e["isValid"], e["problem"]) for e in kept["entries"]}
    assert flags['"Start"'] == (True, None)
    assert flags['"Nope"'] == (False, 'Tag "Nope" not defined.')
    assert flags['"FC_Nothing"'][1] == 'The block "FC_Nothing" is not a data block; it cannot be monitored.'
    assert flags["%I0.9"][1] == 'The operand "%I0.9" is not valid.'
    assert data(client.get(WT, headers=h))[0]["isConsistent"] is False
    # %M with :P, a value that does not fit, the other kind's fields
    assert_error(client.post(f"{WT}/W/entries", json={"tags": ["%M0.0:P"]}, headers=h), 422, "INVALID_OPERAND")
    assert_error(client.post(f"{WT}/W/entries", json={"tags": ["%MB16384"]}, headers=h), 422, "INVALID_OPERAND")
    assert_error(client.post(f"{WT}/W/entries", json={"entries": [{"name": '"Motor_DB".Speed', "modifyValue": 99999}]},
                             headers=h), 422, "INVALID_VALUE")
    assert_error(client.post(f"{WT}/W/entries", json={"entries": [{"name": '"Start"', "forceValue": True}]},
                             headers=h), 422, "WRONG_TABLE_KIND")
    assert_error(client.post(f"{WT}/W/entries", json={}, headers=h), 422, "NO_ENTRIES")
    assert_error(client.post(f"{WT}/W/entries", json={"entries": [{"comment": "no name"}]}, headers=h), 422)


def test_table_errors(client: TestClient[Any], h: Headers, viewer_headers: Headers) -> None:
    make(client, h, WT, "W")
    assert_error(client.post(WT, json={"name": "w"}, headers=h), 409, "TABLE_EXISTS")
    assert_error(client.post(FT, json={"name": "W"}, headers=h), 409, "TABLE_EXISTS")
    assert_error(client.post(WT, json={"name": 'Bad"Name'}, headers=h), 422, "INVALID_NAME")
    assert_error(client.post(WT, json={"name": " "}, headers=h), 422, "INVALID_NAME")
    assert_error(client.post(WT, json={"name": "X", "folderPath": "Nope"}, headers=h), 422, "FOLDER_NOT_FOUND")
    assert_error(client.post(WT, json={}, headers=h), 422)
    assert_error(client.post(WT, json={"name": "V"}, headers=viewer_headers), 403, "FORBIDDEN")
    assert_error(client.get(f"{WT}/Nope", headers=h), 404, "WATCH_TABLE_NOT_FOUND")
    assert_error(client.get(f"{FT}/W", headers=h), 404, "FORCE_TABLE_NOT_FOUND")
    assert_error(client.delete(f"{WT}/Nope", headers=h), 404, "WATCH_TABLE_NOT_FOUND")
    assert_error(client.post(f"{WT}/Nope/entries", json={"tags": ['"Start"']}, headers=h), 404)
    assert_error(client.post(f"{WT}/W/entries/actions/remove", json={"names": ['"Start"']}, headers=h), 404,
                 "ENTRY_NOT_FOUND")
    assert_error(client.post(f"{WT}/W/entries/actions/remove", json={}, headers=h), 422, "NO_ENTRIES")
    assert_error(client.post(f"{WT}/Nope/entries/actions/clear", headers=h), 404)
    assert_error(client.get("/api/devices/Nope/watch-tables", headers=h), 404, "DEVICE_NOT_FOUND")


def test_force_table_holds_inputs_and_outputs_only(client: TestClient[Any], h: Headers) -> None:
    created = make(client, h, FT, "Force table", entries=[{"name": "%I0.0:P", "forceValue": True}])
    entry = created["entries"][0]
    assert (created["kind"], entry["forceValue"], entry["forceIntention"], entry["modifyValue"]) == (
        "ForceTable", "TRUE", True, None)
    assert created["forcingActive"] is None
    body = assert_error(client.post(f"{FT}/Force table/entries", json={"tags": ['"Counter"', '"Motor_DB".Speed']},
                                    headers=h), 422, "NOT_FORCEABLE")
    assert "only inputs and outputs" in body["message"]
    added = data(client.post(f"{FT}/Force table/entries", json={"entries": [
        {"name": '"Valve"', "forceValue": "FALSE"}, {"name": "%IW2"}]}, headers=h))
    rows = {e["name"]: e for e in added["entries"]}
    assert rows['"Valve"']["forceIntention"] is True and rows["%IW2"]["forceIntention"] is False
    assert_error(client.post(f"{FT}/Force table/entries", json={"entries": [{"name": "%I0.1", "modifyValue": 1}]},
                             headers=h), 422, "WRONG_TABLE_KIND")
    assert_error(client.post(FT, json={"name": "Second"}, headers=h), 409, "FORCE_TABLE_EXISTS")
    left = data(client.post(f"{FT}/Force table/entries/actions/remove", json={"tags": ["%IW2"]}, headers=h))
    assert left["entryCount"] == 2
    assert [t["name"] for t in data(client.get(FT, headers=h))] == ["Force table"]
    assert data(client.delete(f"{FT}/Force table", headers=h))["kind"] == "ForceTable"
    assert data(client.get(FT, headers=h)) == []


def test_export_import_round_trip(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    make(client, h, WT, "Motor_Watch", entries=[{"name": '"Motor_DB".Running', "modifyValue": True,
                                                 "modifyIntention": True}])
    (workspace / "out").mkdir()
    exported = data(client.post(f"{WT}/Motor_Watch/actions/export", json={"exportPath": "out"}, headers=h))
    file = Path(exported["exportPath"])
    assert file.name == "Motor_Watch.xml" and file.is_file() and exported["size"] == file.stat().st_size
    text = file.read_text(encoding="utf-8-sig")
    assert "<SW.WatchAndForceTables.PlcWatchTable" in text and "PlcWatchTableEntry" in text
    assert_error(client.post(f"{WT}/Motor_Watch/actions/export", json={"exportPath": "out"}, headers=h), 409,
                 "FILE_EXISTS")
    assert_error(client.post(f"{WT}/Motor_Watch/actions/export", json={"exportPath": "../x.xml"}, headers=h), 422,
                 "PATH_REJECTED")
    assert_error(client.post(f"{WT}/Motor_Watch/actions/export", json={"exportPath": "out/a.txt"}, headers=h), 422)
    # importing over an existing table needs overwrite
    imp = f"{DEV}/watch-force-tables/actions/import"
    assert_error(client.post(imp, json={"importFilePath": "out/Motor_Watch.xml"}, headers=h), 409, "TABLE_EXISTS")
    data(client.delete(f"{WT}/Motor_Watch", headers=h))
    back = data(client.post(imp, json={"importFilePath": "out/Motor_Watch.xml"}, headers=h))
    assert back["entries"][0]["modifyValue"] == "TRUE" and back["entries"][0]["modifyIntention"] is True
    again = data(client.post(f"{WT}/Motor_Watch/actions/export", json={"exportPath": "out", "overwrite": True},
                             headers=h))
    assert Path(again["exportPath"]).read_text(encoding="utf-8-sig") == text
    # a force table document imports as a force table; same name as a watch table of the other kind: 409
    forced = text.replace("PlcWatchTable", "PlcForceTable").replace("ModifyValue", "ForceValue").replace(
        "ModifyIntention", "ForceIntention").replace('"Motor_DB".Running', "%Q0.0").replace("Motor_Watch", "Forces")
    (workspace / "out" / "forces.xml").write_text(forced, encoding="utf-8")
    table = data(client.post(imp, json={"importFilePath": "out/forces.xml"}, headers=h))
    assert (table["kind"], table["entries"][0]["forceValue"]) == ("ForceTable", "TRUE")


def test_import_refuses_bad_documents_and_changes_nothing(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    imp = f"{DEV}/watch-force-tables/actions/import"
    (workspace / "in").mkdir()
    cases = {
        "broken.xml": "<Document><Engineering version='V19'/><SW.WatchAndForceTables.PlcWatchTable>",
        "dtd.xml": '<!DOCTYPE x [<!ENTITY a "b">]><Document/>',
        "udt.xml": '<Document><Engineering version="V19"/><SW.Types.PlcStruct ID="0"><AttributeList><Name>U</Name>'
                   "</AttributeList></SW.Types.PlcStruct></Document>",
    }
    for name, text in cases.items():
        (workspace / "in" / name).write_text(text, encoding="utf-8")
        assert_error(client.post(imp, json={"importFilePath": f"in/{name}"}, headers=h), 422, "INVALID_SIMATICML")
    newer = ('<Document><Engineering version="V21"/><SW.WatchAndForceTables.PlcWatchTable ID="0"><AttributeList>'
             "<Name>N</Name></AttributeList></SW.WatchAndForceTables.PlcWatchTable></Document>")
    (workspace / "in" / "newer.xml").write_text(newer, encoding="utf-8")
    assert_error(client.post(imp, json={"importFilePath": "in/newer.xml"}, headers=h), 422, "NEWER_VERSION")
    invalid = newer.replace("V21", "V19").replace("</AttributeList></SW", "</AttributeList><ObjectList>"
        '<SW.WatchAndForceTables.PlcWatchTableEntry ID="1" CompositionName="Entries"><AttributeList>'
        '<Name>"Ghost"</Name><Unknown>kept</Unknown></AttributeList></SW.WatchAndForceTables.PlcWatchTableEntry>'
        "</ObjectList></SW")
    (workspace / "in" / "invalid.xml").write_text(invalid, encoding="utf-8")
    assert_error(client.post(imp, json={"importFilePath": "in/invalid.xml"}, headers=h), 422, "INVALID_OPERAND")
    assert data(client.get(WT, headers=h)) == []
    assert_error(client.post(imp, json={"importFilePath": "in/missing.xml"}, headers=h), 404, "FILE_NOT_FOUND")
    assert_error(client.post(imp, json={"importFilePath": "/etc/passwd"}, headers=h), 422, "PATH_REJECTED")
    kept = data(client.post(imp, json={"importFilePath": "in/invalid.xml", "allowInvalid": True}, headers=h))
    assert kept["isConsistent"] is False and kept["entries"][0]["isValid"] is False
    exported = data(client.post(f"{WT}/N/actions/export", json={"exportPath": "in/n-out.xml"}, headers=h))
    assert "<Unknown>kept</Unknown>" in Path(exported["exportPath"]).read_text(encoding="utf-8-sig")


def test_folders(client: TestClient[Any], h: Headers) -> None:
    folders = f"{DEV}/watch-force-tables/folders"
    assert data(client.post(folders, json={"folderPath": "Commissioning/Motors"}, headers=h)) == {
        "folderPath": "Commissioning/Motors"}
    assert_error(client.post(folders, json={"folderPath": "Commissioning/Motors"}, headers=h), 409, "FOLDER_EXISTS")
    assert_error(client.post(folders, json={"folderPath": "a//b"}, headers=h), 422, "INVALID_FOLDER")
    assert_error(client.post(folders, json={}, headers=h), 422)
    made = make(client, h, WT, "InFolder", folderPath="Commissioning/Motors")
    assert made["folder"] == "Commissioning/Motors"
    assert data(client.get(WT, headers=h))[0]["folder"] == "Commissioning/Motors"
    removed = data(client.delete(folders, params={"folderPath": "Commissioning"}, headers=h))
    assert removed == {"folder": "Commissioning", "removed": ["InFolder"]}
    assert data(client.get(WT, headers=h)) == []
    assert_error(client.delete(folders, params={"folderPath": "Commissioning"}, headers=h), 404, "FOLDER_NOT_FOUND")
    assert_error(client.delete(folders, headers=h), 422)


def test_tables_are_saved_with_the_project(client: TestClient[Any], h: Headers, project: dict[str, Any]) -> None:
    data(client.post(f"{DEV}/watch-force-tables/folders", json={"folderPath": "F"}, headers=h))
    make(client, h, WT, "Saved", folderPath="F", tags=['"Start"', "%MW10"])
    make(client, h, FT, "Force table", tags=["%Q0.1:P"])
    data(client.post("/api/projects/actions/save-sync", headers=h))
    data(client.post("/api/projects/actions/close-sync", json={}, headers=h))
    data(client.post("/api/projects/actions/open-sync", json={"path": project["path"]}, headers=h))
    saved = data(client.get(f"{WT}/Saved", headers=h))
    assert (saved["folder"], [e["name"] for e in saved["entries"]]) == ("F", ['"Start"', "%MW10"])
    assert [t["name"] for t in data(client.get(FT, headers=h))] == ["Force table"]
