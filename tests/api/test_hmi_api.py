"""HMI screens, tags and connections through HTTP: T-IA Connect's nine calls, TIA's import rules, roles, dry runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from simatic_xml import hmi as sx
from tests.conftest import Headers, add_device, assert_error, data
from tests.api.hmi_support import HMI, MTP700, connection_file, write


def test_a_new_panel_has_its_root_screen_and_default_tag_table(client: TestClient[Any], h: Headers,
                                                               viewer_headers: Headers) -> None:
    screens = data(client.get(f"{HMI}/screens", headers=viewer_headers))
    assert screens == [{"name": "Root screen", "number": 1, "width": 800, "height": 480, "itemCount": 0, "folder": ""}]
    assert data(client.get(f"{HMI}/tags", headers=viewer_headers)) == []
    assert data(client.get(f"{HMI}/connections", headers=viewer_headers)) == []


def test_connections_tags_and_screens_round_trip(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    made = data(client.post(f"{HMI}/connections/actions/import", json={"importFilePath": connection_file(workspace)},
                            headers=h))
    assert made == {"name": "HMI_Connection_1", "partner": "PLC_1", "type": "SIMATIC S7 1500"}
    assert data(client.get(f"{HMI}/connections", headers=h)) == [made]
    tags = sx.new_tag_table("Motor", "V19", [
        sx.new_tag("Speed", "Int", connection="HMI_Connection_1", plc_tag="Motor_DB.Speed"), sx.new_tag("Page", "Int")])
    table = data(client.post(f"{HMI}/tags/actions/import", json={"importFilePath": write(workspace, "t.xml", tags)},
                             headers=h))
    assert [t["name"] for t in table["tags"]] == ["Speed", "Page"]
    listed = {t["name"]: t for t in data(client.get(f"{HMI}/tags", headers=h))}
    assert (listed["Speed"]["dataType"], listed["Speed"]["connection"], listed["Speed"]["plcTag"],
            listed["Speed"]["tagTable"]) == ("Int", "HMI_Connection_1", "Motor_DB.Speed", "Motor")
    assert (listed["Page"]["connection"], listed["Page"]["plcTag"]) == ("", "")
    screen = sx.new_screen("Main", 2, 800, 480, "V19",
                           [sx.new_item("IOField", "Speed_IO", 10, 10, 120, 30, tag="Speed")])
    info = data(client.post(f"{HMI}/screens/actions/import", json={"ImportFilePath": write(workspace, "s.xml", screen)},
                            headers=h))
    assert info == {"name": "Main", "number": 2, "width": 800, "height": 480, "itemCount": 1, "folder": ""}
    # export writes the stored document: same content as imported
    out = data(client.post(f"{HMI}/screens/Main/actions/export", json={"exportPath": "out/main.xml"}, headers=h))
    assert out["name"] == "Main" and Path(out["exportPath"]).name == "main.xml"
    assert sx.canonical((workspace / "out" / "main.xml").read_bytes()) == sx.canonical(sx.to_bytes(screen))
    data(client.post(f"{HMI}/tags/actions/export", json={"exportPath": "out", "tagTableName": "Motor"}, headers=h))
    assert sx.canonical((workspace / "out" / "Motor.xml").read_bytes()) == sx.canonical(sx.to_bytes(tags))
    data(client.post(f"{HMI}/connections/actions/export", json={"exportPath": "out/c.xml"}, headers=h))
    assert sx.read_hmi((workspace / "out" / "c.xml").read_bytes()).root.name == "HMI_Connection_1"
    # an existing file is kept unless overwrite
    assert_error(client.post(f"{HMI}/screens/Main/actions/export", json={"exportPath": "out/main.xml"}, headers=h),
                 409, "FILE_EXISTS")


def test_the_default_tag_table_is_exported_without_a_name(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    out = data(client.post(f"{HMI}/tags/actions/export", json={"exportPath": "t.xml"}, headers=h))
    assert out["name"] == "Default tag table"
    assert sx.read_hmi((workspace / "t.xml").read_bytes(), expect=sx.TAG_TABLE).root.objects() == []


def test_the_vendor_clients_export_all_writes_every_tag_table_and_connection(client: TestClient[Any], h: Headers,
                                                                              workspace: Path) -> None:
    """hmiCommands.ts doExportHmiAll: ``hmi_tags.xml`` and ``hmi_connections.xml``, with no table or connection name."""
    for name in ("HMI_Connection_1", "HMI_Connection_2"):
        data(client.post(f"{HMI}/connections/actions/import", json={"importFilePath": connection_file(workspace, name)},
                         headers=h))
    motor = sx.new_tag_table("Motor", "V19", [sx.new_tag("Speed", "Int", connection="HMI_Connection_2", plc_tag="S")])
    data(client.post(f"{HMI}/tags/actions/import", json={"importFilePath": write(workspace, "m.xml", motor)},
                     headers=h))
    (workspace / "all").mkdir()
    out = data(client.post(f"{HMI}/connections/actions/export", json={"exportPath": "all/hmi_connections.xml"},
                           headers=h))
    assert [f["name"] for f in out["files"]] == ["HMI_Connection_1", "HMI_Connection_2"]
    for f in out["files"]:
        assert sx.read_hmi(Path(f["exportPath"]).read_bytes(), expect=sx.CONNECTION).root.name == f["name"]
    assert Path(out["exportPath"]) == workspace / "all" / "hmi_connections"
    out = data(client.post(f"{HMI}/tags/actions/export", json={"exportPath": "all/hmi_tags.xml"}, headers=h))
    written = {f["name"]: Path(f["exportPath"]) for f in out["files"]}
    assert set(written) == {"Default tag table", "Motor"}
    assert sx.canonical(written["Motor"].read_bytes()) == sx.canonical(sx.to_bytes(motor))
    # an existing file stops the export before anything is written
    written["Motor"].unlink()
    (workspace / "all" / "hmi_connections" / "HMI_Connection_2.xml").write_text("mine")
    (workspace / "all" / "hmi_connections" / "HMI_Connection_1.xml").unlink()
    assert_error(client.post(f"{HMI}/connections/actions/export", json={"exportPath": "all/hmi_connections.xml"},
                             headers=h), 409, "FILE_EXISTS")
    assert not (workspace / "all" / "hmi_connections" / "HMI_Connection_1.xml").exists()
    # one named object is one file, as before
    one = data(client.post(f"{HMI}/tags/actions/export", json={"exportPath": "one.xml", "tagTableName": "Motor"},
                           headers=h))
    assert one["name"] == "Motor" and Path(one["exportPath"]) == workspace / "one.xml"


def test_imports_keep_tia_rules_and_change_nothing(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    def refused(kind: str, path: str, status: int, code: str | None) -> None:
        assert_error(client.post(f"{HMI}/{kind}/actions/import", json={"importFilePath": path}, headers=h), status,
                     code)

    # a tag whose connection the device lacks (TIA: "Connection X of the Y tag was not found.")
    tags = sx.new_tag_table("T", "V19", [sx.new_tag("A", "Bool", connection="Nope", plc_tag="x")])
    body = assert_error(client.post(f"{HMI}/tags/actions/import",
                                    json={"importFilePath": write(workspace, "t.xml", tags)},
                                    headers=h), 422, "CONNECTION_NOT_FOUND")
    assert "Connection Nope of the A tag was not found" in body["message"]
    # a screen of another size, a screen number in use, a document of another kind, malformed and hostile XML
    refused("screens", write(workspace, "big.xml", sx.new_screen("Big", 5, 1280, 800, "V19")), 422,
            "SCREEN_SIZE_MISMATCH")
    refused("screens", write(workspace, "one.xml", sx.new_screen("Other", 1, 800, 480, "V19")), 422,
            "SCREEN_NUMBER_NOT_UNIQUE")
    refused("screens", write(workspace, "tags.xml", tags), 422, "INVALID_SIMATICML")
    (workspace / "in" / "bad.xml").write_text("<Document><Engineering version='V19'/><Hmi.Screen.Screen>")
    refused("screens", "in/bad.xml", 422, "INVALID_SIMATICML")
    (workspace / "in" / "xxe.xml").write_text('<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>')
    refused("connections", "in/xxe.xml", 422, "INVALID_SIMATICML")
    refused("screens", "in/missing.xml", 404, None)
    # an existing name without overwrite
    root = sx.new_screen("Root screen", 1, 800, 480, "V19", [sx.new_item("Rectangle", "R", 0, 0, 10, 10)])
    refused("screens", write(workspace, "root.xml", root), 409, "SCREEN_EXISTS")
    # nothing changed
    assert data(client.get(f"{HMI}/screens", headers=h))[0]["itemCount"] == 0
    assert [t["name"] for t in data(client.get(f"{HMI}/tags", headers=h))] == []
    # overwrite replaces, after a dry run that changes nothing
    path = write(workspace, "root.xml", root)
    preview = data(client.post(f"{HMI}/screens/actions/import?dryRun=true", json={"importFilePath": path,
                                                                                 "overwrite": True}, headers=h))
    assert preview["dryRun"] is True and preview["changes"][0]["action"] == "overwrite"
    assert data(client.get(f"{HMI}/screens", headers=h))[0]["itemCount"] == 0
    data(client.post(f"{HMI}/screens/actions/import", json={"importFilePath": path, "overwrite": True}, headers=h))
    assert data(client.get(f"{HMI}/screens", headers=h))[0]["itemCount"] == 1


def test_tag_names_are_unique_in_the_device(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    first = sx.new_tag_table("A", "V19", [sx.new_tag("Level", "Real")])
    data(client.post(f"{HMI}/tags/actions/import", json={"importFilePath": write(workspace, "a.xml", first)},
                     headers=h))
    second = sx.new_tag_table("B", "V19", [sx.new_tag("level", "Int")])
    assert_error(client.post(f"{HMI}/tags/actions/import", json={"importFilePath": write(workspace, "b.xml", second)},
                             headers=h), 409, "TAG_EXISTS")


def test_not_an_hmi_and_unified_and_unknown(client: TestClient[Any], h: Headers) -> None:
    assert_error(client.get("/api/devices/PLC_1/hmi/screens", headers=h), 422, "NOT_AN_HMI")
    assert_error(client.get("/api/devices/Nope/hmi/tags", headers=h), 404, "DEVICE_NOT_FOUND")
    add_device(client, h, MTP700, "HMI_U")
    assert data(client.get("/api/devices/HMI_U/hmi/connections", headers=h)) == []  # a Unified panel answers
    assert_error(client.post(f"{HMI}/screens/Nope/actions/export", json={"exportPath": "x.xml"}, headers=h), 404,
                 "SCREEN_NOT_FOUND")
    assert_error(client.post(f"{HMI}/connections/actions/export", json={"exportPath": "x.xml"}, headers=h), 404,
                 "CONNECTION_NOT_FOUND")


def test_export_paths_are_confined(client: TestClient[Any], h: Headers) -> None:
    for bad in ("../outside.xml", "/etc/hmi.xml"):
        response = client.post(f"{HMI}/screens/Root screen/actions/export", json={"exportPath": bad}, headers=h)
        assert response.status_code in (400, 403, 422), response.text
    assert_error(client.post(f"{HMI}/screens/Root screen/actions/export", json={"exportPath": "x.txt"}, headers=h),
                 422, "PATH_REJECTED")


def test_roles(client: TestClient[Any], h: Headers, viewer_headers: Headers, engineer_headers: Headers,
               workspace: Path) -> None:
    data(client.get(f"{HMI}/screens", headers=viewer_headers))
    assert_error(client.post(f"{HMI}/connections/actions/import",
                             json={"importFilePath": connection_file(workspace)}, headers=viewer_headers), 403)
    assert data(client.get(f"{HMI}/connections", headers=h)) == []
    data(client.post(f"{HMI}/connections/actions/import", json={"importFilePath": connection_file(workspace)},
                     headers=engineer_headers))
    data(client.post(f"{HMI}/tags/actions/export", json={"exportPath": "t.xml"}, headers=engineer_headers))


def test_hmi_objects_are_saved_with_the_project(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    data(client.post(f"{HMI}/connections/actions/import", json={"importFilePath": connection_file(workspace)},
                     headers=h))
    screen = sx.new_screen("Main", 2, 800, 480, "V19", [sx.new_item("Button", "B", 1, 2, 3, 4, text="Go")])
    data(client.post(f"{HMI}/screens/actions/import", json={"importFilePath": write(workspace, "s.xml", screen)},
                     headers=h))
    data(client.post("/api/projects/actions/save-sync", headers=h))
    data(client.post("/api/projects/actions/close-sync", headers=h))
    assert sorted(p.name for p in (workspace / "Line1" / "Devices" / "HMI_1" / "HMI" / "Screens").iterdir()) == [
        "Main.xml", "Root screen.xml", "order.txt"]
    data(client.post("/api/projects/actions/open-sync", json={"path": "Line1/Line1.ap19"}, headers=h))
    assert [s["name"] for s in data(client.get(f"{HMI}/screens", headers=h))] == ["Root screen", "Main"]
    assert data(client.get(f"{HMI}/connections", headers=h))[0]["partner"] == "PLC_1"


def test_reference_trees_and_details(client: TestClient[Any], h: Headers, viewer_headers: Headers,
                                     workspace: Path) -> None:
    data(client.post(f"{HMI}/connections/actions/import", json={"importFilePath": connection_file(workspace)},
                     headers=h))
    tags = sx.new_tag_table("Motor", "V19", [sx.new_tag("Speed", "Int", connection="HMI_Connection_1",
                                                        plc_tag="Motor_DB.Speed")])
    data(client.post(f"{HMI}/tags/actions/import", json={"importFilePath": write(workspace, "t.xml", tags)}, headers=h))
    screen = sx.new_screen("Main", 2, 800, 480, "V19", [
        sx.new_item("IOField", "Speed_IO", 10, 20, 120, 30, tag="Speed"),
        sx.new_item("Button", "Go", 5, 6, 7, 8, text="Go")])
    data(client.post(f"{HMI}/screens/actions/import", json={"importFilePath": write(workspace, "s.xml", screen)},
                     headers=h))

    tree = data(client.get(f"{HMI}/screens/tree", headers=viewer_headers))
    assert (tree["deviceName"], tree["screenCount"], tree["root"]["name"]) == ("HMI_1", 2, "Screens")
    assert [s["name"] for s in tree["root"]["screens"]] == ["Root screen", "Main"] and tree["root"]["folders"] == []
    details = data(client.get(f"{HMI}/screens/Main/details", headers=viewer_headers))
    assert (details["number"], details["itemCount"], details["tags"]) == (2, 2, ["Speed"])
    assert details["items"][0] == {"name": "Speed_IO", "type": "IOField", "left": 10, "top": 20, "width": 120,
                                   "height": 30, "tag": "Speed", "text": None, "layer": 0, "events": []}
    assert (details["items"][1]["type"], details["items"][1]["text"]) == ("Button", "Go")
    assert_error(client.get(f"{HMI}/screens/Nope/details", headers=viewer_headers), 404, "SCREEN_NOT_FOUND")

    tag_tree = data(client.get(f"{HMI}/tags/tree", headers=viewer_headers))
    assert (tag_tree["tagTableCount"], tag_tree["tagCount"]) == (2, 1)
    assert [t["name"] for t in tag_tree["root"]["tagTables"]] == ["Default tag table", "Motor"]
    assert tag_tree["root"]["tagTables"][1]["tags"][0]["plcTag"] == "Motor_DB.Speed"

    add_device(client, h, MTP700, "HMI_U")
    forest = data(client.get("/api/hmi/tags/tree", headers=viewer_headers))
    assert [d["deviceName"] for d in forest["devices"]] == ["HMI_1", "HMI_U"] and forest["skipped"] == []
    assert [t["name"] for t in forest["devices"][1]["root"]["tagTables"]] == ["Default tag table"]
    assert_error(client.get("/api/devices/PLC_1/hmi/screens/tree", headers=viewer_headers), 422, "NOT_AN_HMI")
    assert_error(client.get("/api/devices/PLC_1/hmi/tags/tree", headers=viewer_headers), 422, "NOT_AN_HMI")


def test_imports_take_the_file_inline_and_are_audited(client: TestClient[Any], h: Headers, services: Any) -> None:
    text = sx.to_bytes(sx.new_connection("Inline", "PLC_1", "SIMATIC S7 1500", "V19")).decode()
    made = data(client.post(f"{HMI}/connections/actions/import", json={"content": text, "contentFileName": "c.xml"},
                            headers=h))
    assert made["name"] == "Inline"
    hostile = '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>'
    assert_error(client.post(f"{HMI}/tags/actions/import", json={"content": hostile, "contentFileName": "t.xml"},
                             headers=h), 422, "INVALID_SIMATICML")
    assert [c["name"] for c in data(client.get(f"{HMI}/connections", headers=h))] == ["Inline"]
    paths = [row["path"] for row in services.db.all("SELECT * FROM audit")]
    assert "/api/devices/HMI_1/hmi/connections/actions/import" in paths
