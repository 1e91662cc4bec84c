"""HMI scripts, text lists, graphic lists, project graphics, library types and the Unified routes through HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from simatic_xml import hmi as sx
from simatic_xml import hmi_lists as hl
from tests.api.hmi_support import HMI, MTP700, write
from tests.conftest import Headers, add_device, assert_error, data

CODE = 'Sub ResetCounter()\r\n  SmartTags("Counter") = 0\r\nEnd Sub'


def states() -> sx.HmiDocument:
    return hl.new_text_list("States", "V19", [((0, 0), "Stopped"), ((1, 1), "Running"), (None, "Unknown")])


def test_a_new_panel_has_no_scripts_or_lists(client: TestClient[Any], h: Headers, viewer_headers: Headers) -> None:
    tree = data(client.get(f"{HMI}/scripts/tree", headers=viewer_headers))
    assert tree == {"deviceName": "HMI_1", "scriptCount": 0,
                    "root": {"name": "VB scripts", "path": "", "scripts": [], "folders": []}}
    assert data(client.get(f"{HMI}/text-lists", headers=viewer_headers)) == []
    assert data(client.get(f"{HMI}/graphic-lists", headers=viewer_headers)) == []


def test_text_lists_round_trip(client: TestClient[Any], h: Headers, viewer_headers: Headers, workspace: Path) -> None:
    path = write(workspace, "States.xml", states())
    made = data(client.post(f"{HMI}/text-lists/actions/import", json={"ImportFilePath": path}, headers=h))
    assert (made["name"], made["listRange"], made["entryCount"]) == ("States", "Decimal", 3)
    listed = data(client.get(f"{HMI}/text-lists", headers=viewer_headers))
    assert [(e["rangeFrom"], e["text"], e["default"]) for e in listed[0]["entries"]] == [
        ("0", "Stopped", False), ("1", "Running", False), (None, "Unknown", True)]
    xml = data(client.get(f"{HMI}/text-lists/states/xml", headers=viewer_headers))
    assert sx.canonical(xml.encode()) == sx.canonical(sx.to_bytes(states()))
    # what GET …/xml returns imports again (overwrite replaces, in place)
    again = write(workspace, "again.xml", xml.encode())
    assert_error(client.post(f"{HMI}/text-lists/actions/import", json={"importFilePath": again}, headers=h), 409,
                 "TEXT_LIST_EXISTS")
    data(client.post(f"{HMI}/text-lists/actions/import", json={"importFilePath": again, "overwrite": True}, headers=h))
    assert [x["name"] for x in data(client.get(f"{HMI}/text-lists", headers=h))] == ["States"]
    assert_error(client.get(f"{HMI}/text-lists/Nope/xml", headers=h), 404, "TEXT_LIST_NOT_FOUND")


def test_scripts_tree_and_content(client: TestClient[Any], h: Headers, viewer_headers: Headers,
                                  workspace: Path) -> None:
    path = write(workspace, "s.xml", hl.new_vb_script("ResetCounter", "V19", CODE))
    made = data(client.post(f"{HMI}/scripts/actions/import", json={"importFilePath": path}, headers=h))
    assert (made["name"], made["type"], made["language"], made["lineCount"]) == ("ResetCounter", "Sub", "VBScript", 3)
    tree = data(client.get(f"{HMI}/scripts/tree", headers=viewer_headers))
    assert tree["scriptCount"] == 1 and tree["root"]["scripts"][0]["name"] == "ResetCounter"
    content = data(client.get(f"{HMI}/scripts/resetcounter/content", headers=viewer_headers))
    assert (content["name"], content["content"], content["deviceName"]) == ("ResetCounter", CODE, "HMI_1")
    assert_error(client.get(f"{HMI}/scripts/Nope/content", headers=h), 404, "SCRIPT_NOT_FOUND")


def test_graphic_lists(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    doc = hl.new_graphic_list("Lamp", "V19", [((0, 0), "Lamp_off"), ((1, 1), "Lamp_on")], list_range="Bit")
    data(client.post(f"{HMI}/graphic-lists/actions/import", json={"importFilePath": write(workspace, "g.xml", doc)},
                     headers=h))
    listed = data(client.get(f"{HMI}/graphic-lists", headers=h))
    assert [(e["rangeFrom"], e["graphic"]) for e in listed[0]["entries"]] == [("0", "Lamp_off"), ("1", "Lamp_on")]
    assert listed[0]["listRange"] == "Bit"


def test_bad_imports_change_nothing(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    hostile = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><Document>&x;</Document>'
    for kind in ("scripts", "text-lists", "graphic-lists"):
        assert_error(client.post(f"{HMI}/{kind}/actions/import", json={"importFilePath": write(workspace, "h.xml",
                                                                                               hostile)}, headers=h),
                     422, "INVALID_SIMATICML")
    # a document of another kind: a text list is not a VB script
    assert_error(client.post(f"{HMI}/scripts/actions/import", json={"importFilePath": write(workspace, "t.xml",
                                                                                            states())}, headers=h),
                 422, "INVALID_SIMATICML")
    assert_error(client.post(f"{HMI}/text-lists/actions/import", json={"importFilePath": "in/missing.xml"}, headers=h),
                 404)
    assert data(client.get(f"{HMI}/scripts/tree", headers=h))["scriptCount"] == 0
    assert data(client.get(f"{HMI}/text-lists", headers=h)) == []


def test_dry_run_previews_and_changes_nothing(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    path = write(workspace, "States.xml", states())
    preview = data(client.post(f"{HMI}/text-lists/actions/import?dryRun=true", json={"importFilePath": path},
                               headers=h))
    assert preview["dryRun"] is True and preview["changes"][0]["action"] == "create"
    assert data(client.get(f"{HMI}/text-lists", headers=h)) == []
    data(client.post(f"{HMI}/text-lists/actions/import", json={"importFilePath": path}, headers=h))
    preview = data(client.post(f"{HMI}/text-lists/actions/import?dryRun=true",
                               json={"importFilePath": path, "overwrite": True}, headers=h))
    assert preview["changes"][0]["action"] == "overwrite"


def test_roles(client: TestClient[Any], h: Headers, viewer_headers: Headers, engineer_headers: Headers,
               workspace: Path) -> None:
    path = write(workspace, "States.xml", states())
    assert_error(client.post(f"{HMI}/text-lists/actions/import", json={"importFilePath": path},
                             headers=viewer_headers), 403)
    assert data(client.get(f"{HMI}/text-lists", headers=viewer_headers)) == []
    data(client.post(f"{HMI}/text-lists/actions/import", json={"importFilePath": path}, headers=engineer_headers))
    for route in ("scripts/tree", "text-lists", "text-lists/States/xml", "graphic-lists"):
        client.get(f"{HMI}/{route}", headers=viewer_headers).raise_for_status()


def test_saved_with_the_project(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    data(client.post(f"{HMI}/text-lists/actions/import", json={"importFilePath": write(workspace, "t.xml", states())},
                     headers=h))
    data(client.post(f"{HMI}/scripts/actions/import",
                     json={"importFilePath": write(workspace, "s.xml", hl.new_vb_script("ResetCounter", "V19", CODE))},
                     headers=h))
    data(client.post("/api/projects/actions/save-sync", headers=h))
    data(client.post("/api/projects/actions/close-sync", headers=h))
    assert (workspace / "Line1" / "Devices" / "HMI_1" / "HMI" / "TextLists" / "States.xml").is_file()
    data(client.post("/api/projects/actions/open-sync", json={"path": "Line1/Line1.ap19"}, headers=h))
    assert data(client.get(f"{HMI}/text-lists", headers=h))[0]["entryCount"] == 3
    assert data(client.get(f"{HMI}/scripts/ResetCounter/content", headers=h))["content"] == CODE


def test_project_graphics_and_library_types(client: TestClient[Any], h: Headers, viewer_headers: Headers) -> None:
    assert data(client.get(f"{HMI}/project-graphics", headers=viewer_headers)) == {"deviceName": "HMI_1",
                                                                                    "graphics": []}
    assert_error(client.get("/api/devices/PLC_1/hmi/project-graphics", headers=h), 422, "NOT_AN_HMI")
    types = data(client.get("/api/hmi/library-types/detailed", headers=viewer_headers))
    assert types["types"] == [] and "no HMI types" in types["note"]
    assert_error(client.get(f"{HMI}/library-types/Motor_FP", headers=viewer_headers), 404, "LIBRARY_TYPE_NOT_FOUND")
    assert_error(client.get("/api/devices/PLC_1/hmi/library-types/Motor_FP", headers=h), 422, "NOT_AN_HMI")


def test_summary_and_unified(client: TestClient[Any], h: Headers, viewer_headers: Headers, workspace: Path) -> None:
    data(client.post(f"{HMI}/text-lists/actions/import", json={"importFilePath": write(workspace, "t.xml", states())},
                     headers=h))
    add_device(client, h, MTP700, "HMI_U")
    summary = data(client.get("/api/hmi/unified/summary", headers=viewer_headers))
    assert summary["deviceCount"] == 2
    assert summary["devices"][:1] == [{"deviceName": "HMI_1", "kind": "classic", "screens": 1, "tagTables": 1,
                                       "tags": 0,
                                       "connections": 0, "scripts": 0, "textLists": 1, "graphicLists": 0}]
    assert summary["skipped"] == []
    assert summary["devices"][1] == {"deviceName": "HMI_U", "kind": "unified", "screens": 0, "tagTables": 1,
                                     "tags": 0, "connections": 0, "scripts": 0, "textLists": 0, "graphicLists": 0}
    tree = data(client.get("/api/devices/HMI_U/hmi/unified/tags/tree", headers=viewer_headers))
    assert (tree["tagTableCount"], tree["root"]["tagTables"][0]["name"]) == (1, "Default tag table")
    assert_error(client.get(f"{HMI}/unified/tags/tree", headers=viewer_headers), 422, "NOT_A_UNIFIED_PANEL")
    assert_error(client.get("/api/devices/PLC_1/hmi/unified/tags/tree", headers=h), 422, "NOT_AN_HMI")
    assert_error(client.get("/api/devices/Nope/hmi/text-lists", headers=h), 404, "DEVICE_NOT_FOUND")
    assert data(client.get("/api/devices/HMI_U/hmi/scripts/tree", headers=h))["root"]["name"] == "Global modules"
    assert data(client.get("/api/devices/HMI_U/hmi/text-lists", headers=h)) == []  # a new Unified panel has none
    assert data(client.get("/api/devices/HMI_U/hmi/graphic-lists", headers=h)) == []
