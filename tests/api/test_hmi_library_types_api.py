"""HMI library types through HTTP: a classic panel's VB script made a VBScript type of the project library (through
the library's create route), listed and read by the HMI type routes with its versions and instances, TIA's version
rules on it (released versions never change, one in-work version, deleting a type with instances refused naming
them), copied through a global library into another project, kept on save and reopen; a screen whose faceplate
instance names a type the project lacks refused; bad input changing nothing, and roles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from simatic_xml import hmi_lists as hl
from tests.api.hmi_support import MTP700, TP700, write
from tests.conftest import Headers, add_device, assert_error, data
from tests.contract.faceplate import faceplate_screen

T = "/api/project/library/types"
HMI_TYPES = "/api/hmi/library-types/detailed"
V1 = 'Sub Reset()\r\n  SmartTags("Counter") = 0\r\nEnd Sub'
V2 = 'Sub Reset()\r\n  SmartTags("Counter") = 0\r\n  SmartTags("Done") = 1\r\nEnd Sub'


def import_script(client: TestClient[Any], h: Headers, workspace: Path, code: str, device: str = "HMI_1",
                  overwrite: bool = False) -> Any:
    path = write(workspace, f"Reset_{len(code)}.xml", hl.new_vb_script("Reset", "V19", code))
    return client.post(f"/api/devices/{device}/hmi/scripts/actions/import",
                       json={"importFilePath": path, "overwrite": overwrite}, headers=h)


def code(client: TestClient[Any], h: Headers, device: str) -> str:
    return str(data(client.get(f"/api/devices/{device}/hmi/scripts/Reset/content", headers=h))["content"])


def make_type(client: TestClient[Any], h: Headers, **extra: Any) -> dict[str, Any]:
    return dict(data(client.post(f"{T}/versions", json={"action": "create", "deviceName": "HMI_1",
                                                        "objectName": "Reset", **extra}, headers=h)))


def hmi_types(client: TestClient[Any], h: Headers) -> list[dict[str, Any]]:
    return list(data(client.get(HMI_TYPES, headers=h))["types"])


@pytest.fixture
def h(admin_headers: Headers, cpu: dict[str, Any], client: TestClient[Any], workspace: Path) -> Headers:
    """Admin headers; PLC_1 and two TP700 Comfort panels, ``HMI_1`` with the VB script ``Reset``."""
    add_device(client, admin_headers, TP700, "HMI_1")
    add_device(client, admin_headers, TP700, "HMI_2")
    data(import_script(client, admin_headers, workspace, V1))
    return admin_headers


def test_a_script_becomes_a_type_the_hmi_routes_show(client: TestClient[Any], h: Headers,
                                                      viewer_headers: Headers) -> None:
    empty = data(client.get(HMI_TYPES, headers=viewer_headers))
    assert empty["types"] == [] and "objectName: <script>" in empty["note"]
    made = make_type(client, h, folder="Panels", comment="first")
    assert (made["name"], made["kind"], made["folder"], made["defaultVersion"]) == ("Reset", "VBScript", "Panels",
                                                                                   "0.0.1")
    listed = data(client.get(HMI_TYPES, headers=viewer_headers))
    assert listed["note"] == ""
    assert listed["types"] == [{
        "name": "Reset", "kind": "VBScript", "folder": "Panels", "versions": ["0.0.1"], "defaultVersion": "0.0.1",
        "inWorkVersion": None,
        "instances": [{"deviceName": "HMI_1", "name": "Reset", "versionNumber": "0.0.1", "writeProtected": True}]}]
    one = data(client.get("/api/devices/HMI_2/hmi/library-types/reset", headers=viewer_headers))
    assert one == listed["types"][0]
    # the library's own routes show it too, in its tree under Types/Panels
    tree = data(client.get("/api/project/library/tree", headers=viewer_headers))
    assert tree["children"][1]["children"][0]["children"][0]["name"] == "Reset"


def test_a_plc_type_is_no_hmi_type(client: TestClient[Any], h: Headers) -> None:
    data(client.post("/api/devices/PLC_1/external-sources/import-and-generate", json={
        "SclContent": 'TYPE "UDT_A"\nVERSION : 0.1\n   STRUCT\n      a : Int;\n   END_STRUCT;\n\nEND_TYPE\n',
        "SourceName": "a.scl"}, headers=h))
    data(client.post(f"{T}/versions", json={"action": "create", "deviceName": "PLC_1", "objectName": "UDT_A"},
                     headers=h))
    make_type(client, h)
    assert [t["name"] for t in hmi_types(client, h)] == ["Reset"]
    error = assert_error(client.get("/api/devices/HMI_1/hmi/library-types/UDT_A", headers=h), 404,
                         "LIBRARY_TYPE_NOT_FOUND")
    assert "Reset" in error["message"]


def test_bad_input_changes_nothing(client: TestClient[Any], h: Headers) -> None:
    add_device(client, h, MTP700, "HMI_U")
    cases = (({"deviceName": "HMI_1", "objectName": "Root screen"}, 422, "NOT_TYPEABLE"),
             ({"deviceName": "HMI_U", "objectName": "Reset"}, 422, "NOT_A_CLASSIC_PANEL"),
             ({"deviceName": "HMI_1", "objectName": "Nope"}, 404, "OBJECT_NOT_FOUND"),
             ({"deviceName": "Nope", "objectName": "Reset"}, 404, "DEVICE_NOT_FOUND"),
             ({"objectName": "Reset"}, 422, "MISSING_FIELD"),
             ({"deviceName": "HMI_1", "objectName": "Reset", "folder": "a//b"}, 422, "INVALID_FOLDER"))
    for body, status, error in cases:
        assert_error(client.post(f"{T}/versions", json={"action": "create", **body}, headers=h), status, error)
    assert hmi_types(client, h) == [] and data(client.get(T, headers=h)) == []
    make_type(client, h)
    assert_error(client.post(f"{T}/versions", json={"action": "create", "deviceName": "HMI_1", "objectName": "Reset"},
                             headers=h), 409, "TYPE_EXISTS")
    assert_error(client.post(f"{T}/versions", json={"typeName": "Reset", "action": "release"}, headers=h), 409,
                 "NO_IN_WORK_VERSION")
    for device, error in (("PLC_1", "NOT_AN_HMI"), ("HMI_U", "NOT_A_CLASSIC_PANEL")):
        assert_error(client.post(f"{T}/actions/instantiate", json={"typeName": "Reset", "deviceName": device},
                                 headers=h), 422, error)
    assert_error(client.post(f"{T}/versions", json={"typeName": "Reset", "action": "edit", "deviceName": "HMI_1",
                                                     "versionNumber": "x"}, headers=h), 422, "INVALID_VERSION")
    assert [(t["versions"], t["inWorkVersion"]) for t in hmi_types(client, h)] == [(["0.0.1"], None)]
    assert data(client.get("/api/devices/HMI_2/hmi/scripts/tree", headers=h))["scriptCount"] == 0


def test_version_rules(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    make_type(client, h)
    # an instance of a released version never changes
    assert_error(import_script(client, h, workspace, V2, overwrite=True), 409, "INSTANCE_WRITE_PROTECTED")
    assert code(client, h, "HMI_1") == V1
    made = data(client.post(f"{T}/actions/instantiate", json={"typeName": "Reset", "deviceName": "HMI_2"}, headers=h))
    assert (made["created"], code(client, h, "HMI_2")) == (["Reset"], V1)

    edit = {"typeName": "Reset", "action": "edit", "deviceName": "HMI_1"}
    assert data(client.post(f"{T}/versions", json=edit, headers=h))["inWorkVersion"] == "0.0.2"
    assert_error(client.post(f"{T}/versions", json={**edit, "deviceName": "HMI_2"}, headers=h), 409,
                 "IN_WORK_VERSION_EXISTS")
    data(import_script(client, h, workspace, V2, overwrite=True))  # the test instance can change
    compared = data(client.post(f"{T}/actions/compare", json={"typeName": "Reset", "leftVersion": "0.0.1",
                                                              "deviceName": "HMI_1"}, headers=h))
    assert (compared["identical"], compared["kind"]) == (False, "code")
    preview = data(client.post(f"{T}/versions", json={"typeName": "Reset", "action": "release", "dryRun": True},
                               headers=h))
    assert [(c["device"], c["action"]) for c in preview["changes"]] == [("HMI_2", "replace")]
    assert code(client, h, "HMI_2") == V1  # the dry run changed nothing
    released = data(client.post(f"{T}/versions", json={"typeName": "Reset", "action": "release",
                                                       "versionNumber": "1.0.0"}, headers=h))
    assert (released["defaultVersion"], released["inWorkVersion"]) == ("1.0.0", None)
    assert code(client, h, "HMI_2") == V2  # releasing updated the other panel's instance
    [listed] = hmi_types(client, h)
    assert listed["versions"] == ["0.0.1", "1.0.0"]
    data(client.post(f"{T}/Reset/actions/set-default", json={"versionNumber": "0.0.1"}, headers=h))
    assert hmi_types(client, h)[0]["defaultVersion"] == "0.0.1"

    # a type with instances is not deleted; the refusal names them
    error = assert_error(client.delete(f"{T}/Reset", headers=h), 409, "TYPE_HAS_INSTANCES")
    assert "HMI_1/Reset" in error["message"] and "HMI_2/Reset" in error["message"]
    assert_error(client.delete(f"{T}/Reset?dryRun=true", headers=h), 409, "TYPE_HAS_INSTANCES")
    for panel in ("HMI_1", "HMI_2"):
        data(client.delete(f"/api/devices/{panel}", headers=h))
    assert data(client.delete(f"{T}/Reset", headers=h))["name"] == "Reset"
    assert hmi_types(client, h) == []


def test_roles_and_reopen(client: TestClient[Any], h: Headers, viewer_headers: Headers, engineer_headers: Headers,
                          project: dict[str, Any]) -> None:
    assert_error(client.post(f"{T}/versions", json={"action": "create", "deviceName": "HMI_1", "objectName": "Reset"},
                             headers=viewer_headers), 403)
    assert hmi_types(client, viewer_headers) == []
    make_type(client, engineer_headers)
    data(client.post(f"{T}/versions", json={"typeName": "Reset", "action": "edit", "deviceName": "HMI_2"},
                     headers=engineer_headers))
    assert_error(client.delete(f"{T}/Reset", headers=viewer_headers), 403)
    data(client.post("/api/projects/actions/save-sync", headers=h))
    data(client.post("/api/projects/actions/close-sync", headers=h))
    data(client.post("/api/projects/actions/open-sync", json={"path": project["path"]}, headers=h))
    [listed] = hmi_types(client, viewer_headers)
    assert (listed["versions"], listed["inWorkVersion"]) == (["0.0.1", "0.0.2"], "0.0.2")
    assert {(i["deviceName"], i["writeProtected"]) for i in listed["instances"]} == {("HMI_1", True),
                                                                                     ("HMI_2", False)}


def test_through_a_global_library_into_another_project(client: TestClient[Any], h: Headers) -> None:
    make_type(client, h)
    data(client.post("/api/libraries/global", json={"name": "Panels", "directory": "libraries"}, headers=h))
    copied = data(client.post("/api/libraries/global/types/actions/update", json={"typeNames": ["Reset"]}, headers=h))
    assert copied == {"copied": ["Reset"]}
    assert [t["kind"] for t in data(client.get("/api/libraries/global/types", headers=h))] == ["VBScript"]
    data(client.post("/api/projects/actions/close-sync", headers=h))
    data(client.post("/api/projects/actions/create-sync", json={"name": "Line2"}, headers=h))
    add_device(client, h, TP700, "HMI_9")
    made = data(client.post("/api/libraries/global/types/actions/instantiate",
                            json={"typeName": "Reset", "deviceName": "HMI_9"}, headers=h))
    assert (made["created"], made["versionNumber"]) == (["Reset"], "0.0.1")
    assert code(client, h, "HMI_9") == V1
    assert [(t["name"], t["instances"][0]["deviceName"]) for t in hmi_types(client, h)] == [("Reset", "HMI_9")]


def test_a_screen_with_a_faceplate_instance_needs_the_type(client: TestClient[Any], h: Headers,
                                                           workspace: Path) -> None:
    path = write(workspace, "Valves.xml", faceplate_screen("Motors@$@Valve V 0.0.1"))
    body = {"importFilePath": path}
    for query in ("?dryRun=true", ""):
        error = assert_error(client.post(f"/api/devices/HMI_1/hmi/screens/actions/import{query}", json=body,
                                         headers=h), 422, "FACEPLATE_TYPE_NOT_FOUND")
        assert "'Motors/Valve' V 0.0.1" in error["message"] and error["details"]["objectName"] == "Valve_1"
    assert [s["name"] for s in data(client.get("/api/devices/HMI_1/hmi/screens", headers=h))] == ["Root screen"]
