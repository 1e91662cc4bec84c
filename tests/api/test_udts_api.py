"""Data Types (UDT) routes through HTTP: CRUD, tree, folders, export/import, async twins, consistency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.conftest import Headers, assert_error, data, job_error, run_job

BASE = "/api/devices/PLC_1/udts"


@pytest.fixture
def h(admin_headers: Headers, cpu: dict[str, Any]) -> Headers:
    """Admin headers with PLC_1 in an open project."""
    return admin_headers


def create(client: TestClient[Any], h: Headers, name: str, *members: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return data(client.post(BASE, json={"name": name, "members": list(members), **extra}, headers=h))


def member(name: str, data_type: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "dataType": data_type, **extra}


def import_db(client: TestClient[Any], h: Headers, name: str, data_type: str, number: int = 1) -> None:
    spec = {"blockType": "GlobalDB", "name": name, "number": number,
            "interface": {"Static": [{"name": "Data", "dataType": data_type}]}}
    data(client.post("/api/blockgeneration/generate-and-import", json={"spec": spec, "deviceName": "PLC_1"}, headers=h))


def test_create_and_get_with_members_start_values_and_comments(client: TestClient[Any], h: Headers) -> None:
    created = create(
        client, h, "UDT_Motor",
        member("Speed", "Real", startValue=1.5, comment="rpm"),
        member("Limits", "Struct", members=[member("Max", "Int", startValue=100)]),
        member("Flags", "Array[0..3] of Bool"),
        comment="Motor data",
    )
    assert created["name"] == "UDT_Motor" and created["isConsistent"] is True and created["number"] is None
    got = data(client.get(f"{BASE}/UDT_Motor", headers=h))
    assert got["comment"] == "Motor data"
    speed, limits, flags = got["members"]
    assert (speed["name"], speed["dataType"], speed["startValue"], speed["comment"]) == ("Speed", "Real", "1.5", "rpm")
    assert limits["dataType"] == "Struct" and limits["members"][0] == {
        "name": "Max", "dataType": "Int", "startValue": "100", "comment": None, "comments": {}, "members": []}
    assert flags["dataType"] == "Array[0..3] of Bool"
    assert got["usedBy"] == [] and got["memberCount"] == 3
    listed = data(client.get(BASE, headers=h))
    assert [(u["name"], u["isConsistent"], u["memberCount"]) for u in listed] == [("UDT_Motor", True, 3)]


def test_member_keys_are_accepted_in_tia_casing(client: TestClient[Any], h: Headers) -> None:
    create(client, h, "UDT_P", {"Name": "A", "DataType": "Int", "StartValue": 7, "Comment": "x"})
    assert data(client.get(f"{BASE}/UDT_P", headers=h))["members"][0]["startValue"] == "7"


def test_create_from_spec_and_from_xml(client: TestClient[Any], h: Headers) -> None:
    spec = {"blockType": "UDT", "name": "UDT_S", "interface": {"None": [member("A", "Int")]}}
    assert data(client.post(BASE, json={"spec": spec}, headers=h))["name"] == "UDT_S"
    exported = data(client.get(f"{BASE}/UDT_S", headers=h))
    assert exported["members"][0]["name"] == "A"
    xml = client.post(f"{BASE}/UDT_S/actions/export", json={"exportPath": "x/UDT_S.xml"}, headers=h)
    assert xml.status_code == 200
    text = Path(data(xml)["exportPath"]).read_text(encoding="utf-8-sig").replace("UDT_S", "UDT_X")
    assert data(client.post(BASE, json={"xml": text}, headers=h))["name"] == "UDT_X"


def test_create_errors(client: TestClient[Any], h: Headers) -> None:
    create(client, h, "UDT_A", member("A", "Int"))
    assert_error(client.post(BASE, json={"name": "UDT_A", "members": [member("B", "Int")]}, headers=h), 409)
    replaced = data(client.post(BASE, json={"name": "UDT_A", "members": [member("B", "Int")], "overwrite": True},
                                headers=h))
    assert replaced["members"][0]["name"] == "B"
    assert_error(client.post(BASE, json={"name": "UDT_E", "members": []}, headers=h), 422, "INVALID_SPEC")
    assert_error(client.post(BASE, json={"members": [member("A", "Int")]}, headers=h), 422, "VALIDATION_FAILED")
    assert_error(client.post(BASE, json={"name": "UDT_Z"}, headers=h), 422, "VALIDATION_FAILED")
    assert_error(client.post(BASE, json={"name": "U", "members": [member("A", "NoSuchType")]}, headers=h), 422)
    assert_error(client.post("/api/devices/PLC_9/udts", json={"name": "U", "members": [member("A", "Int")]},
                             headers=h), 404)


def test_recursion_is_refused(client: TestClient[Any], h: Headers) -> None:
    assert_error(client.post(BASE, json={"name": "UDT_R", "members": [member("Me", '"UDT_R"')]}, headers=h),
                 422, "RECURSIVE_TYPE")
    create(client, h, "UDT_B", member("A", "Int"))
    create(client, h, "UDT_A", member("B", '"UDT_B"'))
    create(client, h, "UDT_C", member("A", '"UDT_A"'))
    body = assert_error(client.put(f"{BASE}/UDT_B", json={"members": [member("C", '"UDT_C"')]}, headers=h),
                        422, "RECURSIVE_TYPE")
    assert "UDT_B -> UDT_C -> UDT_A -> UDT_B" in body["message"]
    assert data(client.get(f"{BASE}/UDT_B", headers=h))["members"][0]["name"] == "A"
    # a name in another case is the same type (TIA keeps names unique whatever their case)
    assert_error(client.post(BASE, json={"name": "UDT_S", "members": [member("Me", '"udt_s"')]}, headers=h),
                 422, "RECURSIVE_TYPE")
    assert_error(client.put(f"{BASE}/UDT_B", json={"members": [member("C", '"udt_c"')]}, headers=h),
                 422, "RECURSIVE_TYPE")


def test_nested_udts_and_users(client: TestClient[Any], h: Headers) -> None:
    create(client, h, "UDT_In", member("A", "Int"))
    create(client, h, "UDT_Out", member("In", '"UDT_In"'), member("Many", 'Array[1..2] of "UDT_In"'))
    import_db(client, h, "DB_Line", '"UDT_Out"')
    got = data(client.get(f"{BASE}/UDT_In", headers=h))
    assert [(u["name"], u["kind"]) for u in got["usedBy"]] == [("UDT_Out", "UDT")]
    assert data(client.get(f"{BASE}/UDT_Out", headers=h))["usedBy"] == [
        {"name": "DB_Line", "kind": "GlobalDB", "isConsistent": True}]
    assert data(client.get(f"{BASE}/UDT_Out", headers=h))["usesTypes"] == ["UDT_In"]


def test_update_replaces_members_and_marks_users_inconsistent(client: TestClient[Any], h: Headers) -> None:
    create(client, h, "UDT_In", member("A", "Int"))
    create(client, h, "UDT_Out", member("In", '"UDT_In"'))
    import_db(client, h, "DB_Direct", '"UDT_In"', number=1)
    import_db(client, h, "DB_Nested", '"UDT_Out"', number=2)
    result = data(client.put(f"{BASE}/UDT_In", json={"members": [member("A", "Int"), member("B", "Real")]}, headers=h))
    assert result["interfaceChanged"] is True
    assert result["udt"]["name"] == "UDT_In" and [m["name"] for m in result["udt"]["members"]] == ["A", "B"]
    assert {u["name"]: u["isConsistent"] for u in result["affectedUsers"]} == {
        "UDT_Out": False, "DB_Direct": False, "DB_Nested": False}
    assert data(client.get(f"{BASE}/UDT_Out", headers=h))["isConsistent"] is False
    assert data(client.get(f"{BASE}/UDT_In", headers=h))["isConsistent"] is True
    assert {u["name"]: u["isConsistent"] for u in data(client.get(f"{BASE}/UDT_In", headers=h))["usedBy"]} == {
        "UDT_Out": False, "DB_Direct": False}
    tree = data(client.get(f"{BASE}/tree", headers=h))
    assert {c["name"]: c["isConsistent"] for c in tree["children"]} == {"UDT_In": True, "UDT_Out": False}
    # The same members again: the interface does not change, nobody else is affected.
    same = data(client.put(f"{BASE}/UDT_In", json={"members": [member("A", "Int"), member("B", "Real")]}, headers=h))
    assert same["interfaceChanged"] is False and same["affectedUsers"] == []


def test_update_errors(client: TestClient[Any], h: Headers) -> None:
    assert_error(client.put(f"{BASE}/UDT_Nope", json={"members": [member("A", "Int")]}, headers=h), 404,
                 "UDT_NOT_FOUND")
    create(client, h, "UDT_A", member("A", "Int"))
    spec = {"blockType": "UDT", "name": "UDT_Other", "interface": {"None": [member("A", "Int")]}}
    assert_error(client.put(f"{BASE}/UDT_A", json={"spec": spec}, headers=h), 422, "NAME_MISMATCH")
    assert_error(client.put(f"{BASE}/UDT_A", json={}, headers=h), 422)


def test_async_create_update_and_import(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    record = run_job(client, "POST", f"{BASE}/async", h, json={"name": "UDT_J", "members": [member("A", "Int")]})
    assert record["status"] == "Completed" and record["result"]["name"] == "UDT_J"
    record = run_job(client, "PUT", f"{BASE}/UDT_J/async", h, json={"members": [member("Z", "Bool")]})
    assert record["status"] == "Completed" and record["result"]["udt"]["members"][0]["name"] == "Z"
    failed = run_job(client, "PUT", f"{BASE}/UDT_Missing/async", h, json={"members": [member("Z", "Bool")]})
    assert failed["status"] == "Failed" and job_error(failed)["status"] == 404
    data(client.post(f"{BASE}/UDT_J/actions/export", json={"exportPath": "exp/UDT_J.xml"}, headers=h))
    data(client.delete(f"{BASE}/UDT_J", headers=h))
    record = run_job(client, "POST", f"{BASE}/actions/import/async", h, json={"importFilePath": "exp/UDT_J.xml"})
    assert record["status"] == "Completed" and record["result"]["members"][0]["name"] == "Z"


def test_delete(client: TestClient[Any], h: Headers) -> None:
    create(client, h, "UDT_In", member("A", "Int"))
    create(client, h, "UDT_Out", member("In", '"UDT_In"'))
    body = assert_error(client.delete(f"{BASE}/UDT_In", headers=h), 409, "TYPE_IN_USE")
    assert "UDT_Out" in body["message"]
    result = data(client.delete(f"{BASE}/UDT_In", params={"force": "true"}, headers=h))
    assert result["deleted"] == ["UDT_In"] and result["orphanedUsers"][0]["name"] == "UDT_Out"
    out = data(client.get(f"{BASE}/UDT_Out", headers=h))
    assert out["isConsistent"] is False and out["missingTypes"] == ["UDT_In"]
    assert_error(client.delete(f"{BASE}/UDT_In", headers=h), 404)
    assert_error(client.get(f"{BASE}/UDT_In", headers=h), 404, "UDT_NOT_FOUND")


def test_export_both_routes_and_no_overwrite(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    create(client, h, "UDT_A", member("A", "Int"))
    one = data(client.post(f"{BASE}/UDT_A/actions/export", json={"exportPath": "out/UDT_A.xml"}, headers=h))
    path = workspace / "out" / "UDT_A.xml"
    assert Path(one["exportPath"]) == path and b"SW.Types.PlcStruct" in path.read_bytes()
    assert one["size"] == path.stat().st_size
    assert_error(client.post(f"{BASE}/UDT_A/actions/export", json={"exportPath": "out/UDT_A.xml"}, headers=h),
                 409, "FILE_EXISTS")
    data(client.post(f"{BASE}/UDT_A/actions/export", json={"exportPath": "out/UDT_A.xml", "overwrite": True},
                     headers=h))
    (workspace / "dir").mkdir()
    into_dir = data(client.post(f"{BASE}/actions/export", json={"udtName": "UDT_A", "exportPath": "dir"}, headers=h))
    assert Path(into_dir["exportPath"]) == workspace / "dir" / "UDT_A.xml"
    assert_error(client.post(f"{BASE}/actions/export", json={"udtName": "UDT_A", "exportPath": "/etc/x.xml"},
                             headers=h),
                 422, "PATH_REJECTED")
    assert_error(client.post(f"{BASE}/actions/export", json={"udtName": "UDT_B", "exportPath": "b.xml"}, headers=h),
                 404)


def test_import(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    create(client, h, "UDT_A", member("A", "Int"), member("B", "Real"))
    data(client.post(f"{BASE}/UDT_A/actions/export", json={"exportPath": "UDT_A.xml"}, headers=h))
    assert_error(client.post(f"{BASE}/actions/import", json={"importFilePath": "UDT_A.xml"}, headers=h), 409)
    data(client.delete(f"{BASE}/UDT_A", headers=h))
    imported = data(client.post(f"{BASE}/actions/import", json={"importFilePath": "UDT_A.xml", "folderPath": "Imp"},
                                headers=h))
    assert imported["folder"] == "Imp" and [m["name"] for m in imported["members"]] == ["A", "B"]
    again = client.post(f"{BASE}/actions/import", json={"importFilePath": "UDT_A.xml", "overwrite": True}, headers=h)
    assert data(again)["folder"] == "Imp"  # replacing keeps the folder
    assert_error(client.post(f"{BASE}/actions/import", json={"importFilePath": "missing.xml"}, headers=h), 404)
    (workspace / "bad.xml").write_text("<Document/>")
    assert_error(client.post(f"{BASE}/actions/import", json={"importFilePath": "bad.xml"}, headers=h), 422)


def test_tree_and_folders(client: TestClient[Any], h: Headers) -> None:
    assert data(client.post(f"{BASE}/folders", json={"folderPath": "Motors/Pumps"}, headers=h)) == {
        "folderPath": "Motors/Pumps"}
    data(client.post(f"{BASE}/folders", json={"folderPath": "Empty"}, headers=h))
    assert_error(client.post(f"{BASE}/folders", json={"folderPath": "Empty"}, headers=h), 409)
    assert_error(client.post(f"{BASE}/folders", json={"folderPath": "a/../b"}, headers=h), 422)
    create(client, h, "UDT_P", member("A", "Int"), folderPath="Motors/Pumps")
    create(client, h, "UDT_Root", member("A", "Int"))
    tree = data(client.get(f"{BASE}/tree", headers=h))
    assert tree["name"] == "PLC data types" and tree["isFolder"] is True
    by_name = {c["name"]: c for c in tree["children"]}
    assert set(by_name) == {"Motors", "Empty", "UDT_Root"}
    pumps = by_name["Motors"]["children"][0]
    assert pumps["path"] == "Motors/Pumps" and pumps["children"][0]["name"] == "UDT_P"
    assert pumps["children"][0]["nodeType"] == "UDT" and pumps["children"][0]["isFolder"] is False
    # Nested paths: one segment with its separators encoded (%2F, kept by lib/encoded_paths.py, or %5C), or parentPath.
    result = data(client.delete(f"{BASE}/folders/Motors%2FPumps", headers=h))
    assert result["deleted"] == ["UDT_P"]
    data(client.delete(f"{BASE}/folders/Empty", headers=h))
    assert_error(client.delete(f"{BASE}/folders/Empty", headers=h), 404, "FOLDER_NOT_FOUND")
    data(client.post(f"{BASE}/folders", json={"folderPath": "Motors/Fans"}, headers=h))
    data(client.delete(f"{BASE}/folders/Fans", params={"parentPath": "Motors"}, headers=h))
    assert [c["name"] for c in data(client.get(f"{BASE}/tree", headers=h))["children"]] == ["Motors", "UDT_Root"]


def test_folder_delete_refuses_used_udts_unless_forced(client: TestClient[Any], h: Headers) -> None:
    create(client, h, "UDT_P", member("A", "Int"), folderPath="Lib")
    create(client, h, "UDT_User", member("P", '"UDT_P"'))
    assert_error(client.delete(f"{BASE}/folders/Lib", headers=h), 409, "TYPE_IN_USE")
    assert data(client.delete(f"{BASE}/folders/Lib", params={"force": True}, headers=h))["deleted"] == ["UDT_P"]


def test_viewer_reads_but_cannot_change(client: TestClient[Any], h: Headers, viewer_headers: Headers) -> None:
    create(client, h, "UDT_A", member("A", "Int"))
    assert data(client.get(f"{BASE}/UDT_A", headers=viewer_headers))["name"] == "UDT_A"
    assert_error(client.put(f"{BASE}/UDT_A", json={"members": [member("B", "Int")]}, headers=viewer_headers), 403)


def test_no_project_open(client: TestClient[Any], admin_headers: Headers) -> None:
    assert_error(client.get(BASE, headers=admin_headers), 409)


def test_users_are_consistent_again_after_a_compile(client: TestClient[Any], h: Headers) -> None:
    create(client, h, "UDT_In", member("A", "Int"))
    create(client, h, "UDT_Out", member("In", '"UDT_In"'))
    import_db(client, h, "DB_Direct", '"UDT_In"')
    data(client.put(f"{BASE}/UDT_In", json={"members": [member("A", "Int"), member("B", "Real")]}, headers=h))
    assert data(client.get(f"{BASE}/UDT_Out", headers=h))["isConsistent"] is False
    result = data(client.post("/api/devices/PLC_1/actions/compile-software-sync", headers=h))
    assert result["state"] != "Error"
    assert data(client.get(f"{BASE}/UDT_Out", headers=h))["isConsistent"] is True
    assert all(u["isConsistent"] for u in data(client.get(f"{BASE}/UDT_In", headers=h))["usedBy"])
