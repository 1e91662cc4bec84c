"""User folders of classic HMI panels through HTTP: create, list in the trees, objects imported into them, saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from simatic_xml import hmi as sx
from tests.api.hmi_support import HMI, MTP700, write
from tests.conftest import Headers, add_device, assert_error, data


def test_folders_in_the_trees(client: TestClient[Any], h: Headers, viewer_headers: Headers, workspace: Path) -> None:
    made = data(client.post(f"{HMI}/screens/folders", json={"folderPath": "Process/Line 1"}, headers=h))
    assert made == {"deviceName": "HMI_1", "folderPath": "Process/Line 1"}
    data(client.post(f"{HMI}/tags/folders", json={"folderPath": "Motors"}, headers=h))
    screen = write(workspace, "s.xml", sx.new_screen("Main", 2, 800, 480, "V19"))
    done = data(client.post(f"{HMI}/screens/actions/import", json={"importFilePath": screen,
                                                                   "folderPath": "process/line 1"}, headers=h))
    assert done["folder"] == "Process/Line 1"  # the stored spelling
    table = write(workspace, "t.xml", sx.new_tag_table("Motor", "V19", [sx.new_tag("Speed", "Int")]))
    data(client.post(f"{HMI}/tags/actions/import", json={"importFilePath": table, "folderPath": "Motors"}, headers=h))
    tree = data(client.get(f"{HMI}/screens/tree", headers=viewer_headers))["root"]
    assert [s["name"] for s in tree["screens"]] == ["Root screen"]
    process = tree["folders"][0]
    assert (process["name"], process["screens"]) == ("Process", [])  # an empty folder shows too
    assert [s["name"] for s in process["folders"][0]["screens"]] == ["Main"]
    tags = data(client.get(f"{HMI}/tags/tree", headers=viewer_headers))["root"]
    assert [t["name"] for t in tags["folders"][0]["tagTables"]] == ["Motor"]
    assert [(s["name"], s["folder"]) for s in data(client.get(f"{HMI}/screens", headers=h))] == [
        ("Root screen", ""), ("Main", "Process/Line 1")]
    # overwriting moves the screen to the folder named now (here: the top)
    data(client.post(f"{HMI}/screens/actions/import", json={"importFilePath": screen, "overwrite": True}, headers=h))
    assert [s["folder"] for s in data(client.get(f"{HMI}/screens", headers=h))] == ["", ""]


def test_refusals_change_nothing(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    data(client.post(f"{HMI}/screens/folders", json={"folderPath": "A"}, headers=h))
    assert_error(client.post(f"{HMI}/screens/folders", json={"folderPath": "a"}, headers=h), 409, "FOLDER_EXISTS")
    for bad in ("", "A//B", "../x", "CON"):
        assert_error(client.post(f"{HMI}/screens/folders", json={"folderPath": bad}, headers=h), 422, "INVALID_FOLDER")
    screen = write(workspace, "s.xml", sx.new_screen("Main", 2, 800, 480, "V19"))
    assert_error(client.post(f"{HMI}/screens/actions/import", json={"importFilePath": screen, "folderPath": "Nope"},
                             headers=h), 404, "FOLDER_NOT_FOUND")
    assert_error(client.post(f"{HMI}/screens/actions/import?dryRun=true",
                             json={"importFilePath": screen, "folderPath": "Nope"}, headers=h), 404, "FOLDER_NOT_FOUND")
    connection = write(workspace, "c.xml", sx.new_connection("C", "PLC_1", "SIMATIC S7 1500", "V19"))
    assert_error(client.post(f"{HMI}/connections/actions/import", json={"importFilePath": connection,
                                                                        "folderPath": "A"}, headers=h),
                 422, "INVALID_FOLDER")
    assert [s["name"] for s in data(client.get(f"{HMI}/screens", headers=h))] == ["Root screen"]
    assert data(client.get(f"{HMI}/connections", headers=h)) == []
    tree = data(client.get(f"{HMI}/screens/tree", headers=h))["root"]
    assert [f["name"] for f in tree["folders"]] == ["A"]


def test_roles_devices_and_saved(client: TestClient[Any], h: Headers, viewer_headers: Headers,
                                 engineer_headers: Headers, workspace: Path) -> None:
    assert_error(client.post(f"{HMI}/tags/folders", json={"folderPath": "X"}, headers=viewer_headers), 403)
    data(client.post(f"{HMI}/tags/folders", json={"folderPath": "X/Y"}, headers=engineer_headers))
    assert_error(client.post("/api/devices/PLC_1/hmi/tags/folders", json={"folderPath": "X"}, headers=h), 422,
                 "NOT_AN_HMI")
    add_device(client, h, MTP700, "HMI_U")
    assert_error(client.post("/api/devices/HMI_U/hmi/tags/folders", json={"folderPath": "X"}, headers=h), 501,
                 "UNIFIED_NOT_SUPPORTED")
    table = write(workspace, "t.xml", sx.new_tag_table("Motor", "V19"))
    data(client.post(f"{HMI}/tags/actions/import", json={"importFilePath": table, "folderPath": "X/Y"}, headers=h))
    data(client.post("/api/projects/actions/save-sync", headers=h))
    data(client.post("/api/projects/actions/close-sync", headers=h))
    data(client.post("/api/projects/actions/open-sync", json={"path": "Line1/Line1.ap19"}, headers=h))
    tables = data(client.get(f"{HMI}/tags/tree", headers=h))["root"]
    assert tables["folders"][0]["folders"][0]["tagTables"][0]["name"] == "Motor"
    assert [(t["name"], t["folder"]) for t in data(client.get(f"{HMI}/tags", headers=h))] == []  # no tags yet
