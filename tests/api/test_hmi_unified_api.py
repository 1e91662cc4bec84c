"""WinCC Unified panels through HTTP: the object model on the HMI routes, creates and deletes, the JSON document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.conftest import Headers, add_device, assert_error, data

MTP700 = "6AV2 128-3GB06-0AX1"
TP700 = "6AV2 124-0GC01-0AX0"
HMI = "/api/devices/HMI_U/hmi"
ON_TAPPED = "HMIRuntime.Tags.SysFct.SetTagValue('Start', true);"
SCREEN = {"name": "Overview", "folder": "Line 1", "items": [
    {"name": "Speed_IO", "type": "HmiIOField", "left": 20, "top": 40, "width": 120, "height": 30, "tag": "Speed"},
    {"name": "Start", "type": "HmiButton", "left": 20, "top": 90, "text": "Start",
     "events": [{"event": "Tapped", "scriptCode": ON_TAPPED}]}],
    "events": [{"event": "Loaded", "scriptCode": "console.log('up');"}]}


@pytest.fixture
def h(admin_headers: Headers, cpu: dict[str, Any], client: TestClient[Any]) -> Headers:
    """Admin headers; the project has PLC_1 and an MTP700 Unified Comfort ``HMI_U``."""
    add_device(client, admin_headers, MTP700, "HMI_U")
    return admin_headers


def build(client: TestClient[Any], h: Headers) -> None:
    """A connection, a bound tag, an internal tag and the Overview screen."""
    data(client.post(f"{HMI}/connections", json={"name": "HMI_Connection_1", "partner": "PLC_1",
                                                 "communicationDriver": "SIMATIC S7 1500"}, headers=h))
    data(client.post(f"{HMI}/tags", json={"name": "Speed", "dataType": "Int", "tagTable": "Motor",
                                          "connection": "HMI_Connection_1", "plcTag": "Motor_DB.Speed"}, headers=h))
    data(client.post(f"{HMI}/tags", json={"name": "Page", "dataType": "Int"}, headers=h))
    data(client.post(f"{HMI}/screens", json=SCREEN, headers=h))


def test_a_new_unified_panel(client: TestClient[Any], h: Headers, viewer_headers: Headers) -> None:
    model = data(client.get(f"{HMI}/unified", headers=viewer_headers))
    assert (model["format"], model["formatVersion"], model["deviceName"]) == ("engineering-api.hmi-unified", 1, "HMI_U")
    assert [t["name"] for t in model["tagTables"]] == ["Default tag table"]
    assert model["screens"] == model["connections"] == model["scriptModules"] == []
    assert data(client.get(f"{HMI}/screens", headers=viewer_headers)) == []


def test_the_classic_routes_answer_from_the_model(client: TestClient[Any], h: Headers, viewer_headers: Headers) -> None:
    build(client, h)
    screens = data(client.get(f"{HMI}/screens", headers=viewer_headers))
    assert screens == [{"name": "Overview", "number": 0, "width": 800, "height": 480, "itemCount": 2,
                        "folder": "Line 1"}]  # a screen without a size takes the panel's
    tags = data(client.get(f"{HMI}/tags", headers=viewer_headers))
    assert [(t["name"], t["tagTable"], t["connection"], t["plcTag"]) for t in tags] == [
        ("Page", "Default tag table", "", ""), ("Speed", "Motor", "HMI_Connection_1", "Motor_DB.Speed")]
    assert data(client.get(f"{HMI}/connections", headers=viewer_headers)) == [
        {"name": "HMI_Connection_1", "partner": "PLC_1", "type": "SIMATIC S7 1500"}]
    tree = data(client.get(f"{HMI}/screens/tree", headers=viewer_headers))
    assert tree["root"]["screens"] == [] and tree["root"]["folders"][0]["name"] == "Line 1"
    assert tree["root"]["folders"][0]["screens"][0]["name"] == "Overview"
    details = data(client.get(f"{HMI}/screens/overview/details", headers=viewer_headers))
    assert details["tags"] == ["Speed"]
    assert details["items"][1] == {"name": "Start", "type": "HmiButton", "left": 20, "top": 90, "width": 100,
                                   "height": 40, "tag": None, "text": "Start", "layer": 0,
                                   "events": [{"event": "Tapped", "scriptCode": ON_TAPPED,
                                               "globalDefinitionAreaScriptCode": ""}]}
    unified_tree = data(client.get(f"{HMI}/unified/tags/tree", headers=viewer_headers))
    assert (unified_tree["tagTableCount"], unified_tree["tagCount"]) == (2, 2)
    summary = data(client.get("/api/hmi/unified/summary", headers=viewer_headers))
    assert summary["devices"][0] == {"deviceName": "HMI_U", "kind": "unified", "screens": 1, "tagTables": 2,
                                         "tags": 2, "connections": 1, "scripts": 0, "textLists": 0, "graphicLists": 0}


def test_script_modules(client: TestClient[Any], h: Headers, viewer_headers: Headers) -> None:
    code = "export function clamp(v, lo, hi) {\n  return Math.min(Math.max(v, lo), hi);\n}"
    made = data(client.post(f"{HMI}/scripts", json={"name": "Helpers", "code": code}, headers=h))
    assert made == {"name": "Helpers", "code": code}
    tree = data(client.get(f"{HMI}/scripts/tree", headers=viewer_headers))
    assert tree["root"]["scripts"] == [{"name": "Helpers", "type": "Module", "language": "JavaScript", "folder": "",
                                        "lineCount": 3}]
    assert data(client.get(f"{HMI}/scripts/helpers/content", headers=viewer_headers))["content"] == code
    assert_error(client.post(f"{HMI}/scripts", json={"name": "helpers", "code": ""}, headers=h), 409, "SCRIPT_EXISTS")
    data(client.post(f"{HMI}/scripts", json={"name": "helpers", "code": "// v2", "overwrite": True}, headers=h))
    assert data(client.get(f"{HMI}/scripts/Helpers/content", headers=h))["content"] == "// v2"
    data(client.delete(f"{HMI}/scripts/Helpers", headers=h))
    assert_error(client.get(f"{HMI}/scripts/Helpers/content", headers=h), 404, "SCRIPT_NOT_FOUND")


def test_rules_refuse_and_change_nothing(client: TestClient[Any], h: Headers) -> None:
    build(client, h)
    before = data(client.get(f"{HMI}/unified", headers=h))
    assert_error(client.post(f"{HMI}/screens", json=SCREEN, headers=h), 409, "SCREEN_EXISTS")
    assert_error(client.post(f"{HMI}/tags", json={"name": "speed", "dataType": "Int"}, headers=h), 409, "TAG_EXISTS")
    body = assert_error(client.post(f"{HMI}/tags", json={"name": "Level", "dataType": "Int", "connection": "Nope",
                                                         "plcTag": "x"}, headers=h), 422, "CONNECTION_NOT_FOUND")
    assert body["message"] == "Connection Nope of the Level tag was not found."
    bad_item = {"name": "S2", "items": [{"name": "X", "type": "IOField"}]}
    assert_error(client.post(f"{HMI}/screens", json=bad_item, headers=h), 422, "INVALID_UNIFIED_DOCUMENT")
    unbound = {"name": "S2", "items": [{"name": "X", "type": "HmiIOField", "tag": "Missing"}]}
    assert_error(client.post(f"{HMI}/screens", json=unbound, headers=h), 422, "TAG_NOT_FOUND")
    twice = {"name": "S2", "items": [{"name": "X", "type": "HmiText"}, {"name": "x", "type": "HmiText"}]}
    assert_error(client.post(f"{HMI}/screens", json=twice, headers=h), 422, "INVALID_UNIFIED_DOCUMENT")
    assert_error(client.post(f"{HMI}/screens", json={"name": " padded"}, headers=h), 422, "INVALID_UNIFIED_DOCUMENT")
    assert_error(client.delete(f"{HMI}/connections/HMI_Connection_1", headers=h), 409, "CONNECTION_IN_USE")
    assert_error(client.delete(f"{HMI}/tag-tables/Default tag table", headers=h), 409, "DEFAULT_TAG_TABLE")
    assert_error(client.delete(f"{HMI}/screens/Nope", headers=h), 404, "SCREEN_NOT_FOUND")
    assert data(client.get(f"{HMI}/unified", headers=h)) == before


def test_deletes_and_dry_runs(client: TestClient[Any], h: Headers) -> None:
    build(client, h)
    preview = data(client.delete(f"{HMI}/tag-tables/motor?dryRun=true", headers=h))
    change = preview["changes"][0]
    assert preview["dryRun"] is True and (change["action"], change["name"]) == ("delete", "Motor")
    preview = data(client.post(f"{HMI}/screens?dryRun=true", json=SCREEN | {"overwrite": True}, headers=h))
    assert preview["changes"][0]["action"] == "overwrite"
    assert len(data(client.get(f"{HMI}/tags", headers=h))) == 2  # nothing changed
    data(client.delete(f"{HMI}/tag-tables/Motor", headers=h))
    data(client.delete(f"{HMI}/connections/HMI_Connection_1", headers=h))
    data(client.delete(f"{HMI}/tags/Page", headers=h))
    data(client.delete(f"{HMI}/screens/Overview", headers=h))
    model = data(client.get(f"{HMI}/unified", headers=h))
    assert model["screens"] == model["connections"] == [] and model["tagTables"][0]["tags"] == []


def test_document_round_trip(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    build(client, h)
    (workspace / "export").mkdir()
    done = data(client.post(f"{HMI}/unified/actions/export", json={"exportPath": "export"}, headers=h))
    exported = Path(done["exportPath"])
    assert exported.name == "HMI_U.json" and exported.is_file()
    original = data(client.get(f"{HMI}/unified", headers=h))
    assert json.loads(exported.read_text()) == original
    add_device(client, h, MTP700, "HMI_V")
    imported = data(client.post("/api/devices/HMI_V/hmi/unified/actions/import",
                                json={"importFilePath": "export/HMI_U.json"}, headers=h))
    assert [s["name"] for s in imported["screens"]] == ["Overview"]
    copy = data(client.get("/api/devices/HMI_V/hmi/unified", headers=h))
    assert copy | {"deviceName": "HMI_U"} == original
    # again without overwrite: refused, nothing changed; with overwrite: the same model
    assert_error(client.post("/api/devices/HMI_V/hmi/unified/actions/import",
                             json={"importFilePath": "export/HMI_U.json"}, headers=h), 409, "SCREEN_EXISTS")
    data(client.post("/api/devices/HMI_V/hmi/unified/actions/import",
                     json={"importFilePath": "export/HMI_U.json", "overwrite": True}, headers=h))
    assert data(client.get("/api/devices/HMI_V/hmi/unified", headers=h)) == copy


def test_one_object_per_file_on_the_classic_routes(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    build(client, h)
    (workspace / "out").mkdir()
    for route, body in (("screens/Overview/actions/export", {}), ("tags/actions/export", {"tagTableName": "Motor"}),
                        ("connections/actions/export", {})):
        data(client.post(f"{HMI}/{route}", json={"exportPath": "out"} | body, headers=h))
    assert sorted(p.name for p in (workspace / "out").iterdir()) == ["HMI_Connection_1.json", "Motor.json",
                                                                   "Overview.json"]
    add_device(client, h, MTP700, "HMI_V")
    other = "/api/devices/HMI_V/hmi"
    # the screen shows Speed, which HMI_V does not have yet: the connection and the table come first
    assert_error(client.post(f"{other}/screens/actions/import", json={"importFilePath": "out/Overview.json"},
                             headers=h), 422, "TAG_NOT_FOUND")
    for kind, file in (("connections", "HMI_Connection_1"), ("tags", "Motor"), ("screens", "Overview")):
        made = data(client.post(f"{other}/{kind}/actions/import", json={"importFilePath": f"out/{file}.json"},
                                headers=h))
        assert made["name"] == file
    assert data(client.get(f"{other}/screens/Overview/details", headers=h))["tags"] == ["Speed"]
    # a screen document holds no tag table
    assert_error(client.post(f"{other}/tags/actions/import", json={"importFilePath": "out/Overview.json"},
                             headers=h), 422, "INVALID_UNIFIED_DOCUMENT")


@pytest.mark.parametrize("content", [
    b"not json", b"[]", b'{"format": "other", "formatVersion": 1}',
    b'{"format": "engineering-api.hmi-unified", "formatVersion": 2}',
    b'{"format": "engineering-api.hmi-unified", "formatVersion": 1, "screens": [{"name": 5}]}',
    b'{"format": "engineering-api.hmi-unified", "formatVersion": 1, "screens": [{"name": "S"}, {"name": "s"}]}',
    b"{" * 100_000,
])
def test_malformed_documents(client: TestClient[Any], h: Headers, workspace: Path, content: bytes) -> None:
    (workspace / "bad.json").write_bytes(content)
    assert_error(client.post(f"{HMI}/unified/actions/import", json={"importFilePath": "bad.json"}, headers=h), 422,
                 "INVALID_UNIFIED_DOCUMENT")
    assert data(client.get(f"{HMI}/screens", headers=h)) == []


def test_a_classic_panel_and_not_an_hmi(client: TestClient[Any], h: Headers) -> None:
    add_device(client, h, TP700, "HMI_1")
    for method, path, body in (("POST", "screens", {"name": "S"}), ("DELETE", "tags/x", None),
                               ("GET", "unified", None)):
        response = client.request(method, f"/api/devices/HMI_1/hmi/{path}", json=body, headers=h)
        assert_error(response, 422, "NOT_A_UNIFIED_PANEL")
        response = client.request(method, f"/api/devices/PLC_1/hmi/{path}", json=body, headers=h)
        assert_error(response, 422, "NOT_AN_HMI")


def test_roles_and_audit(client: TestClient[Any], h: Headers, viewer_headers: Headers, engineer_headers: Headers,
                         services: Any) -> None:
    assert_error(client.post(f"{HMI}/tags", json={"name": "A", "dataType": "Bool"}, headers=viewer_headers), 403)
    data(client.post(f"{HMI}/tags", json={"name": "A", "dataType": "Bool"}, headers=engineer_headers))
    assert_error(client.delete(f"{HMI}/tags/A", headers=viewer_headers), 403)
    data(client.delete(f"{HMI}/tags/A", headers=engineer_headers))
    paths = [row["path"] for row in services.db.all("SELECT * FROM audit")]
    assert "/api/devices/HMI_U/hmi/tags" in paths and "/api/devices/HMI_U/hmi/tags/A" in paths


def test_saved_with_the_project(client: TestClient[Any], h: Headers) -> None:
    build(client, h)
    before = data(client.get(f"{HMI}/unified", headers=h))
    data(client.post("/api/projects/actions/save-sync", headers=h))
    data(client.post("/api/projects/actions/close-sync", headers=h))
    data(client.post("/api/projects/actions/open-sync", json={"path": "Line1/Line1.ap19"}, headers=h))
    assert data(client.get(f"{HMI}/unified", headers=h)) == before
