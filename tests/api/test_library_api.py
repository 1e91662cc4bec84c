"""The project library through HTTP: master copies (folders, from blocks and devices, instantiate, delete by name and
by path) and types with TIA's version rules (released versions never change, write-protected instances, one in-work
version, set-default, dependencies brought along, delete refused while instances exist, compare), roles, bad input
changing nothing, and the library surviving save and reopen."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from litestar.testing import TestClient

from tests.conftest import CPU, Headers, add_device, assert_error, configure, data
from tests.api.library_sources import FB, UDT, generate

L = "/api/project/library"
MC, T = f"{L}/master-copies", f"{L}/types"

FB_V2 = FB.replace("\t#data.on := #start;", "\t#data.on := #start;\n\t#data.speed := 100;")


@pytest.fixture
def h(admin_headers: Headers, cpu: dict[str, Any], client: TestClient[Any]) -> Headers:
    data(generate(client, admin_headers, UDT, "udt.scl"))
    data(generate(client, admin_headers, FB, "fb.scl"))
    add_device(client, admin_headers, CPU, "PLC_2")
    return admin_headers


def types(client: TestClient[Any], h: Headers) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in data(client.get(T, headers=h))}


def fb_source(client: TestClient[Any], h: Headers, device: str = "PLC_1") -> str:
    return data(client.get(f"/api/devices/{device}/blocks/FB_Motor/source", headers=h))["sourceText"]


def make_type(client: TestClient[Any], h: Headers) -> dict[str, Any]:
    return data(client.post(f"{T}/versions", json={"action": "create", "deviceName": "PLC_1", "objectName": "FB_Motor",
                                                   "comment": "first"}, headers=h))


# ----- master copies ----------------------------------------------------------------------------------
def test_master_copies_folders_create_instantiate_delete(client: TestClient[Any], h: Headers) -> None:
    assert data(client.get(L, headers=h))["masterCopyCount"] == 0
    assert data(client.post(f"{MC}/folders", json={"folderPath": "Drives/Motors"}, headers=h)) == {
        "folderPath": "Drives/Motors"}
    assert_error(client.post(f"{MC}/folders", json={"folderPath": "Drives/Motors"}, headers=h), 409, "FOLDER_EXISTS")
    assert_error(client.post(f"{MC}/folders", json={"folderPath": "a//b"}, headers=h), 422, "INVALID_FOLDER")
    # bad input changes nothing
    assert_error(client.post(MC, json={"deviceName": "PLC_1", "objectName": "FB_Motor", "folder": "Nope"}, headers=h),
                 404, "FOLDER_NOT_FOUND")
    assert_error(client.post(MC, json={"deviceName": "PLC_1", "objectName": "Nope"}, headers=h), 404,
                 "OBJECT_NOT_FOUND")
    assert_error(client.post(MC, json={"deviceName": "PLC_1", "objectName": "FB_Motor", "name": "a/b"}, headers=h),
                 422, "INVALID_NAME")
    assert data(client.get(MC, headers=h)) == []

    mc = data(client.post(MC, json={"DeviceName": "PLC_1", "ObjectName": "FB_Motor", "Folder": "Drives/Motors"},
                          headers=h))
    assert (mc["path"], mc["sourceKind"], mc["contents"]) == ("Drives/Motors/FB_Motor", "Block",
                                                              [{"kind": "FB", "name": "FB_Motor"}])
    data(client.post(MC, json={"deviceName": "PLC_1", "objectName": "UDT_Motor"}, headers=h))
    assert_error(client.post(MC, json={"deviceName": "PLC_1", "objectName": "UDT_Motor"}, headers=h), 409,
                 "MASTER_COPY_EXISTS")
    tree = data(client.get(f"{L}/tree", headers=h))
    masters, _ = tree["children"]
    assert [c["name"] for c in masters["children"]] == ["Drives", "UDT_Motor"]
    assert masters["children"][0]["children"][0]["children"][0]["nodeType"] == "MasterCopy"

    # pasting: the UDT first (the FB needs it), into another PLC; the same again is refused (ThrowIfExists)
    made = data(client.post(f"{MC}/actions/instantiate", json={"masterCopy": "UDT_Motor", "deviceName": "PLC_2"},
                            headers=h))
    assert made["created"] == [{"kind": "UDT", "name": "UDT_Motor"}]
    data(client.post(f"{MC}/actions/instantiate", json={"masterCopy": "Drives/Motors/FB_Motor", "deviceName": "PLC_2"},
                     headers=h))
    assert "#data.on := #start;" in fb_source(client, h, "PLC_2")
    assert_error(client.post(f"{MC}/actions/instantiate", json={"masterCopy": "UDT_Motor", "deviceName": "PLC_2"},
                             headers=h), 409)
    assert_error(client.post(f"{MC}/actions/instantiate", json={"masterCopy": "UDT_Motor"}, headers=h), 422,
                 "DEVICE_REQUIRED")

    # a device master copy becomes a new device with its program
    data(client.post(MC, json={"deviceName": "PLC_2", "name": "Station"}, headers=h))
    made = data(client.post(f"{MC}/actions/instantiate", json={"masterCopy": "Station", "newName": "PLC_3"}, headers=h))
    assert made["deviceName"] == "PLC_3"
    assert "#count := #count + 1;" in fb_source(client, h, "PLC_3")
    assert_error(client.post(f"{MC}/actions/instantiate", json={"masterCopy": "Station", "newName": "PLC_3"},
                             headers=h), 409, "DEVICE_EXISTS")

    # delete by name, by path (\ as %5C), ambiguous names
    data(client.post(MC, json={"deviceName": "PLC_1", "objectName": "UDT_Motor", "folder": "Drives"}, headers=h))
    assert_error(client.delete(f"{MC}/UDT_Motor", headers=h), 409, "AMBIGUOUS_MASTER_COPY")
    preview = data(client.delete(f"{MC}/Drives%5CUDT_Motor?dryRun=true", headers=h))
    assert preview["changes"][0]["name"] == "Drives/UDT_Motor"
    assert data(client.delete(f"{MC}/Drives%5CUDT_Motor", headers=h))["path"] == "Drives/UDT_Motor"
    assert data(client.delete(f"{MC}/UDT_Motor", headers=h))["path"] == "UDT_Motor"
    assert data(client.delete(f"{MC}/Drives%5CMotors%5CFB_Motor", headers=h))["name"] == "FB_Motor"
    assert_error(client.delete(f"{MC}/FB_Motor", headers=h), 404, "MASTER_COPY_NOT_FOUND")
    assert [m["name"] for m in data(client.get(MC, headers=h))] == ["Station"]


# ----- types and versions -------------------------------------------------------------------------------
def test_type_from_a_block_brings_its_udt_and_instances_are_write_protected(client: TestClient[Any],
                                                                            h: Headers) -> None:
    assert_error(client.post(f"{T}/versions", json={"action": "create", "deviceName": "PLC_1", "objectName": "Nope"},
                             headers=h), 404, "OBJECT_NOT_FOUND")
    assert_error(client.post(f"{T}/versions", json={"action": "bump", "typeName": "FB_Motor"}, headers=h), 422,
                 "INVALID_ACTION")
    assert types(client, h) == {}
    created = make_type(client, h)
    assert created["createdDependencies"] == ["UDT_Motor"]
    assert (created["defaultVersion"], created["inWorkVersion"]) == ("0.0.1", None)
    assert created["versions"][0] | {"createdAt": None} == {
        "versionNumber": "0.0.1", "state": "Released", "isDefault": True, "author": "", "comment": "first",
        "createdAt": None, "dependencies": ["UDT_Motor@0.0.1"]}
    assert created["instances"] == [{"deviceName": "PLC_1", "name": "FB_Motor", "versionNumber": "0.0.1",
                                     "writeProtected": True}]
    assert_error(client.post(f"{T}/versions",
                             json={"action": "create", "deviceName": "PLC_1", "objectName": "FB_Motor"},
                             headers=h), 409, "TYPE_EXISTS")
    assert set(types(client, h)) == {"FB_Motor", "UDT_Motor"}

    # a released version's instance is write-protected: regenerating it, or renaming it, is refused and changes nothing
    before = fb_source(client, h)
    assert_error(generate(client, h, FB_V2, "fb2.scl"), 409, "INSTANCE_WRITE_PROTECTED")
    assert fb_source(client, h) == before
    assert_error(client.post("/api/devices/PLC_1/blocks/actions/rename",
                             json={"blockName": "FB_Motor", "newName": "FB_X"},
                             headers=h),
                 409, "INSTANCE_WRITE_PROTECTED")
    # the UDT became a type along with the FB: its instance is protected as well
    assert_error(generate(client, h, UDT.replace("on : Bool;", "on : Bool;\n      x : Int;"), "u.scl"), 409,
                 "INSTANCE_WRITE_PROTECTED")


def test_edit_release_compare_set_default(client: TestClient[Any], h: Headers) -> None:
    make_type(client, h)
    # editing makes the one in-work version; its test instance is the one that can change
    edited = data(client.post(f"{T}/versions", json={"typeName": "FB_Motor", "action": "edit", "deviceName": "PLC_1"},
                              headers=h))
    assert edited["inWorkVersion"] == "0.0.2" and edited["defaultVersion"] == "0.0.1"
    assert edited["instances"][0]["writeProtected"] is False
    assert_error(client.post(f"{T}/versions", json={"typeName": "FB_Motor", "action": "edit", "deviceName": "PLC_2"},
                             headers=h), 409, "IN_WORK_VERSION_EXISTS")
    assert_error(client.post(f"{T}/FB_Motor/actions/set-default", json={"versionNumber": "0.0.2"}, headers=h), 422,
                 "VERSION_IN_WORK")
    assert_error(client.post(f"{T}/actions/instantiate", json={"typeName": "FB_Motor", "deviceName": "PLC_2",
                                                                "versionNumber": "0.0.2"}, headers=h), 422,
                 "VERSION_IN_WORK")
    data(generate(client, h, FB_V2, "fb2.scl"))  # the test instance changes
    assert "#data.speed := 100;" in fb_source(client, h)
    diff = data(client.post(f"{T}/actions/compare", json={"typeName": "FB_Motor", "leftVersion": "0.0.1",
                                                          "deviceName": "PLC_1"}, headers=h))
    assert diff["identical"] is False and "code" in diff["kind"] and diff["networksChanged"]
    # the released version did not change
    assert data(client.post(f"{T}/actions/compare", json={"typeName": "FB_Motor", "leftVersion": "0.0.1",
                                                          "rightVersion": "0.0.2"}, headers=h))["identical"] is True

    assert_error(client.post(f"{T}/versions", json={"typeName": "FB_Motor", "action": "release",
                                                    "versionNumber": "0.0.1"}, headers=h), 422, "INVALID_VERSION")
    released = data(client.post(f"{T}/versions", json={"typeName": "FB_Motor", "action": "release",
                                                       "versionNumber": "1.0.0", "comment": "speed"}, headers=h))
    assert (released["defaultVersion"], released["inWorkVersion"]) == ("1.0.0", None)
    assert [(v["versionNumber"], v["state"]) for v in released["versions"]] == [("0.0.1", "Released"),
                                                                               ("1.0.0", "Released")]
    assert released["instances"][0]["writeProtected"] is True
    diff = data(client.post(f"{T}/actions/compare", json={"typeName": "FB_Motor", "leftVersion": "0.0.1",
                                                          "rightVersion": "1.0.0"}, headers=h))
    assert diff["identical"] is False and diff["networksChanged"]
    assert data(client.post(f"{T}/actions/compare", json={"typeName": "FB_Motor", "deviceName": "PLC_1"},
                            headers=h))["identical"] is True  # the default version against the instance
    assert_error(client.post(f"{T}/versions", json={"typeName": "FB_Motor", "action": "release"}, headers=h), 409,
                 "NO_IN_WORK_VERSION")

    # set-default picks what new instances get; instantiation brings the UDT along
    data(client.post(f"{T}/FB_Motor/actions/set-default", json={"versionNumber": "0.0.1"}, headers=h))
    made = data(client.post(f"{T}/actions/instantiate", json={"typeName": "FB_Motor", "deviceName": "PLC_2"},
                            headers=h))
    assert (made["versionNumber"], made["created"]) == ("0.0.1", ["UDT_Motor", "FB_Motor"])
    assert "#data.speed" not in fb_source(client, h, "PLC_2")
    assert_error(client.post(f"{T}/FB_Motor/actions/set-default", json={"versionNumber": "9.9.9"}, headers=h), 404,
                 "VERSION_NOT_FOUND")
    # an instance compiles like any block
    result = data(client.post("/api/devices/PLC_2/actions/compile-sync", headers=h))
    assert (result.get("result") or result)["errorCount"] == 0


def test_discard_and_delete_rules(client: TestClient[Any], h: Headers) -> None:
    make_type(client, h)
    data(client.post(f"{T}/versions", json={"typeName": "FB_Motor", "action": "edit", "deviceName": "PLC_1"},
                     headers=h))
    data(generate(client, h, FB_V2, "fb2.scl"))
    preview = data(client.post(f"{T}/versions", json={"typeName": "FB_Motor", "action": "discard", "dryRun": True},
                               headers=h))
    assert preview["changes"][0]["action"] == "discard"
    discarded = data(client.post(f"{T}/versions", json={"typeName": "FB_Motor", "action": "discard"}, headers=h))
    assert [v["versionNumber"] for v in discarded["versions"]] == ["0.0.1"]
    assert "#data.speed" not in fb_source(client, h)  # the test instance went back to the released version

    # a type with instances is not deleted, and the refusal names them
    error = assert_error(client.delete(f"{T}/FB_Motor", headers=h), 409, "TYPE_HAS_INSTANCES")
    assert "PLC_1/FB_Motor" in error["message"]
    data(client.delete("/api/devices/PLC_1/blocks/FB_Motor", headers=h))  # deleting an instance is allowed
    error = assert_error(client.delete(f"{T}/UDT_Motor", headers=h), 409)
    assert error["code"] in ("TYPE_HAS_INSTANCES", "TYPE_IS_DEPENDENCY")
    assert data(client.delete(f"{T}/FB_Motor?dryRun=true", headers=h))["changes"][0]["name"] == "FB_Motor"
    assert data(client.delete(f"{T}/FB_Motor", headers=h))["name"] == "FB_Motor"
    assert_error(client.delete(f"{T}/FB_Motor", headers=h), 404, "TYPE_NOT_FOUND")
    assert set(types(client, h)) == {"UDT_Motor"}


def test_roles_and_library_survives_reopen(client: TestClient[Any], h: Headers, viewer_headers: Headers,
                                           engineer_headers: Headers, project: dict[str, Any]) -> None:
    make_type(client, h)
    data(client.post(f"{MC}/folders", json={"folderPath": "Kit"}, headers=engineer_headers))
    data(client.post(MC, json={"deviceName": "PLC_1", "objectName": "UDT_Motor", "folder": "Kit"},
                     headers=engineer_headers))
    assert data(client.get(L, headers=viewer_headers))["typeCount"] == 2
    assert_error(client.post(f"{MC}/folders", json={"folderPath": "X"}, headers=viewer_headers), 403)
    assert_error(client.delete(f"{T}/FB_Motor", headers=viewer_headers), 403)
    data(client.post("/api/projects/actions/save-sync", headers=h))
    data(client.post("/api/projects/actions/close-sync", headers=h))
    data(client.post("/api/projects/actions/open-sync", json={"path": project["path"]}, headers=h))
    info = data(client.get(L, headers=h))
    assert (info["typeCount"], info["masterCopyCount"], info["masterCopyFolders"]) == (2, 1, ["Kit"])
    fb = types(client, h)["FB_Motor"]
    assert fb["instances"][0]["name"] == "FB_Motor" and fb["versions"][0]["dependencies"] == ["UDT_Motor@0.0.1"]
    assert_error(generate(client, h, FB_V2, "fb2.scl"), 409, "INSTANCE_WRITE_PROTECTED")


def test_an_instance_of_a_library_type_compiles_downloads_and_runs(client: TestClient[Any], h: Headers) -> None:
    """PLC_2 gets FB_Motor (with UDT_Motor) from the library, an OB calls it, and the simulated CPU runs it."""
    pytest.importorskip("fakes.runtime.image", reason="the simulated PLC engine is not present")
    make_type(client, h)
    made = data(client.post(f"{T}/actions/instantiate", json={"typeName": "FB_Motor", "deviceName": "PLC_2"},
                            headers=h))
    assert made["created"] == ["UDT_Motor", "FB_Motor"]
    assert configure(client, h, "PLC_2", "192.168.0.20").status_code == 200
    data(client.post("/api/devices/PLC_2/tags", json={"name": "Go", "dataType": "Bool", "logicalAddress": "%I0.0"},
                     headers=h))
    data(client.post("/api/projects/actions/simulation-support", json={"enabled": True}, headers=h))
    data(generate(client, h, 'DATA_BLOCK "Motor1_DB"\n"FB_Motor"\nBEGIN\nEND_DATA_BLOCK\n\nORGANIZATION_BLOCK "Main"\n'
                  'BEGIN\n   "Motor1_DB"(start := "Go");\nEND_ORGANIZATION_BLOCK\n', "main.scl", "PLC_2"))
    compiled = data(client.post("/api/devices/PLC_2/actions/compile-software-sync", headers=h))
    assert compiled["state"] == "Success" and compiled["errorCount"] == 0, compiled
    inst = "/api/simulation/instances/Lib_PLC"
    data(client.post("/api/simulation/instances/create", json={"name": "Lib_PLC", "cpuType": "CPU1516"}, headers=h))
    data(client.put(f"{inst}/network", json={"ipAddress": "192.168.0.20"}, headers=h))
    data(client.put(f"{inst}/config", json={"operatingMode": "SingleStep", "cycleTimeMs": 10}, headers=h))
    data(client.post(f"{inst}/power-on", headers=h))
    assert data(client.post("/api/devices/PLC_2/actions/download-sync", json={}, headers=h))["state"] == "Success"
    data(client.post("/api/simulation/connect", json={"instanceName": "Lib_PLC"}, headers=h))
    data(client.post("/api/devices/PLC_2/cpu/actions/start", json={}, headers=h))
    data(client.put("/api/simulation/tags/Go", json={"value": True}, headers=h))
    data(client.post(f"{inst}/actions/step", json={"cycles": 3}, headers=h))
    read = lambda tag: data(client.get(f"/api/simulation/tags/{quote(tag)}", headers=h))["value"]  # noqa: E731
    assert read('"Motor1_DB".data.on') is True and read('"Motor1_DB".count') == 3
