"""Global libraries through HTTP: create, open read-only or read-write, save, close (unsaved changes need
discardChanges), archive (.zalNN), the library's tree, master copies and types, types copied between the project
library and a global one (instantiating brings the UDT an FB uses), roles, bad input changing nothing, and which
library a call means when it names none."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.app import registry
from tests.api.library_sources import FB, UDT, generate
from tests.conftest import CPU, Headers, add_device, assert_error, data

G = "/api/libraries/global"
MC, T = f"{G}/master-copies", f"{G}/types"
FILE = "libraries/Motors/Motors.al19"


@pytest.fixture
def h(admin_headers: Headers, cpu: dict[str, Any], client: TestClient[Any]) -> Headers:
    data(generate(client, admin_headers, UDT, "udt.scl"))
    data(generate(client, admin_headers, FB, "fb.scl"))
    return admin_headers


def create(client: TestClient[Any], h: Headers, name: str = "Motors") -> dict[str, Any]:
    return data(client.post(G, json={"name": name, "directory": "libraries", "author": "ci"}, headers=h))


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_create_change_save_close_and_reopen_read_only(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    assert data(client.get(G, headers=h)) == []
    assert_error(client.get(f"{G}/tree", headers=h), 404, "LIBRARY_NOT_OPEN")
    made = create(client, h)
    assert (made["name"], made["version"], made["isOpen"], made["readOnly"]) == ("Motors", "V19", True, False)
    assert Path(made["path"]) == workspace / FILE and (workspace / FILE).is_file()
    assert_error(client.post(G, json={"name": "Motors", "directory": "other"}, headers=h), 409, "LIBRARY_ALREADY_OPEN")
    assert_error(client.post(G, json={"name": "a/b"}, headers=h), 422, "INVALID_NAME")

    assert data(client.post(f"{MC}/folders", json={"folderPath": "Drives"}, headers=h)) == {"folderPath": "Drives"}
    mc = data(client.post(MC, json={"deviceName": "PLC_1", "objectName": "FB_Motor", "folder": "Drives"}, headers=h))
    assert (mc["path"], mc["contents"]) == ("Drives/FB_Motor", [{"kind": "FB", "name": "FB_Motor"}])
    assert_error(client.post(MC, json={"deviceName": "PLC_1", "objectName": "Nope"}, headers=h), 404,
                 "OBJECT_NOT_FOUND")
    tree = data(client.get(f"{G}/tree", headers=h))
    assert (tree["name"], tree["children"][0]["children"][0]["children"][0]["name"]) == ("Motors", "FB_Motor")
    # the project library is another library
    assert data(client.get("/api/project/library/master-copies", headers=h)) == []

    assert data(client.get(G, headers=h))[0]["hasUnsavedChanges"] is True
    assert_error(client.post(f"{G}/actions/close", json={}, headers=h), 409, "UNSAVED_CHANGES")
    assert data(client.get(G, headers=h))[0]["isOpen"] is True  # refused: nothing changed
    saved = data(client.post(f"{G}/actions/save", json={"libraryName": "Motors"}, headers=h))
    assert saved["hasUnsavedChanges"] is False and saved["masterCopyCount"] == 1
    index = json.loads((workspace / "libraries/Motors/Library/library.json").read_text(encoding="utf-8"))
    assert index["kind"] == "Global" and index["masterCopies"][0]["name"] == "FB_Motor"
    closed = data(client.post(f"{G}/actions/close", json={}, headers=h))
    assert closed["isOpen"] is False
    assert [(x["name"], x["isOpen"]) for x in data(client.get(G, headers=h))] == [("Motors", False)]

    opened = data(client.post(f"{G}/actions/open", json={"path": FILE}, headers=h))
    assert opened["readOnly"] is True and opened["masterCopyCount"] == 1
    assert data(client.get(MC, headers=h))[0]["path"] == "Drives/FB_Motor"
    before = files(workspace / "libraries")
    assert_error(client.post(f"{MC}/folders", json={"folderPath": "More"}, headers=h), 409, "LIBRARY_READ_ONLY")
    assert_error(client.delete(MC, params={"mcPath": "Drives/FB_Motor"}, headers=h), 409, "LIBRARY_READ_ONLY")
    assert_error(client.post(f"{G}/actions/save", json={}, headers=h), 409, "LIBRARY_READ_ONLY")
    assert_error(client.post(f"{G}/actions/open", json={"path": FILE, "readOnly": False}, headers=h), 409,
                 "LIBRARY_ALREADY_OPEN")
    assert data(client.get(MC, headers=h))[0]["path"] == "Drives/FB_Motor"
    assert files(workspace / "libraries") == before
    # a read-only library still pastes into the project
    add_device(client, h, CPU, "PLC_2")
    made = data(client.post(f"{MC}/actions/instantiate", json={"masterCopy": "FB_Motor", "deviceName": "PLC_2"},
                            headers=h))
    assert made["created"] == [{"kind": "FB", "name": "FB_Motor"}]


def test_open_refuses_bad_files_and_paths_outside_the_roots(client: TestClient[Any], h: Headers,
                                                              workspace: Path) -> None:
    create(client, h)
    data(client.post(f"{G}/actions/close", json={}, headers=h))
    assert_error(client.post(f"{G}/actions/open", json={"path": "libraries/Nope/Nope.al19"}, headers=h), 404)
    assert_error(client.post(f"{G}/actions/open", json={"path": "libraries/Motors/Library/library.json"}, headers=h),
                 422)
    assert_error(client.post(f"{G}/actions/open", json={"path": "/etc/passwd.al19"}, headers=h), 422,
                 "PATH_REJECTED")
    older = workspace / "libraries/Old/Old.al18"
    older.parent.mkdir(parents=True)
    older.write_text((workspace / FILE).read_text(encoding="utf-8"), encoding="utf-8")
    assert_error(client.post(f"{G}/actions/open", json={"path": "libraries/Old/Old.al18"}, headers=h), 422,
                 "LIBRARY_VERSION_MISMATCH")
    damaged = workspace / "libraries/Bad/Bad.al19"
    damaged.parent.mkdir(parents=True)
    damaged.write_text("not a library", encoding="utf-8")
    assert_error(client.post(f"{G}/actions/open", json={"path": "libraries/Bad/Bad.al19"}, headers=h), 422,
                 "NOT_A_LIBRARY")
    assert_error(client.post(G, json={"name": "Motors", "directory": "libraries"}, headers=h), 409, "LIBRARY_EXISTS")
    assert_error(client.post(G, json={"name": "Far", "directory": "/tmp"}, headers=h), 422, "PATH_REJECTED")
    assert_error(client.post(G, json={"name": "Inner", "directory": "Line1"}, headers=h), 422, "LIBRARY_TARGET")
    # with a project open, a name that cannot be part of a path (found by the Schemathesis gate: a 500)
    for bad in ("../Up", "Tab\tName"):
        assert_error(client.post(G, json={"name": bad, "directory": "libraries"}, headers=h), 422, "INVALID_NAME")
    # a character no text of a project can hold is refused before the name is read
    nul = assert_error(client.post(G, json={"name": "Nul\x00Name", "directory": "libraries"}, headers=h), 422,
                       "UNSTORABLE_CHARACTER")
    assert nul["details"]["field"] == "name"
    assert not (workspace / "Line1" / "Inner").exists()
    assert data(client.get(G, headers=h))[0]["isOpen"] is False


def test_library_name_is_needed_when_several_are_open(client: TestClient[Any], h: Headers) -> None:
    create(client, h, "Motors")
    create(client, h, "Valves")
    refused = assert_error(client.get(f"{G}/types", headers=h), 422, "LIBRARY_NAME_REQUIRED")
    assert "Motors" in refused["detail"] and "Valves" in refused["detail"]
    assert data(client.get(f"{G}/types", params={"libraryName": "Valves"}, headers=h)) == []
    assert_error(client.get(f"{G}/types", params={"libraryName": "Pumps"}, headers=h), 404, "LIBRARY_NOT_FOUND")
    data(client.post(f"{G}/actions/close", json={"libraryName": "Valves", "discardChanges": True}, headers=h))
    assert data(client.get(f"{G}/tree", headers=h))["name"] == "Motors"


def test_archive_holds_the_saved_library(client: TestClient[Any], h: Headers, workspace: Path) -> None:
    create(client, h)
    data(client.post(f"{MC}/folders", json={"folderPath": "Kit"}, headers=h))
    body = {"archivePath": "archives/Motors.zal19"}
    assert_error(client.post(f"{G}/actions/archive", json=body, headers=h), 409, "UNSAVED_CHANGES")
    assert_error(client.post(f"{G}/actions/archive", json={"archivePath": "archives/Motors.zap19"}, headers=h), 422)
    assert_error(client.post(f"{G}/actions/archive",
                             json={"archivePath": "libraries/Motors/in.zal19", "saveFirst": True},
                             headers=h), 422, "ARCHIVE_TARGET")
    assert not (workspace / "archives").exists()
    done = data(client.post(f"{G}/actions/archive", json={**body, "saveFirst": True}, headers=h))
    with zipfile.ZipFile(workspace / "archives/Motors.zal19") as archive:
        names = set(archive.namelist())
    assert done["fileCount"] == len(names) and done["libraryName"] == "Motors"
    assert {"Motors/Motors.al19", "Motors/Library/library.json"} <= names
    assert not any(".lock" in n for n in names)
    assert_error(client.post(f"{G}/actions/archive", json=body, headers=h), 409, "ARCHIVE_EXISTS")


def test_types_go_to_the_global_library_and_come_back_with_their_dependencies(
    client: TestClient[Any], h: Headers,
) -> None:
    data(client.post("/api/project/library/types/versions", json={
        "action": "create", "deviceName": "PLC_1", "objectName": "FB_Motor"}, headers=h))
    create(client, h)
    assert_error(client.post(f"{T}/actions/update", json={"typeNames": ["Nope"]}, headers=h), 404, "TYPE_NOT_FOUND")
    copied = data(client.post(f"{T}/actions/update", json={"typeNames": ["FB_Motor"]}, headers=h))
    assert copied == {"copied": ["UDT_Motor", "FB_Motor"]}
    listed = {t["name"]: t for t in data(client.get(T, headers=h))}
    assert listed["FB_Motor"]["versions"][0]["dependencies"] == ["UDT_Motor@0.0.1"]
    assert listed["FB_Motor"]["instances"] == []  # instances belong to the project library
    assert_error(client.delete(f"{T}/UDT_Motor", headers=h), 409, "TYPE_IS_DEPENDENCY")
    data(client.post(f"{G}/actions/save", json={}, headers=h))

    # a new project without the types: instantiating copies FB_Motor and UDT_Motor into its library and PLC
    data(client.post("/api/projects/actions/close-sync", headers=h))
    data(client.post("/api/projects/actions/create-sync", json={"name": "Line2"}, headers=h))
    add_device(client, h, CPU, "PLC_9")
    assert_error(client.post(f"{T}/actions/instantiate", json={"typeName": "FB_Motor", "deviceName": "Nope"},
                             headers=h), 404, "DEVICE_NOT_FOUND")
    assert data(client.get("/api/project/library/types", headers=h)) == []
    made = data(client.post(f"{T}/actions/instantiate", json={"typeName": "FB_Motor", "deviceName": "PLC_9"},
                            headers=h))
    assert (made["created"], made["versionNumber"]) == (["UDT_Motor", "FB_Motor"], "0.0.1")
    project_types = {t["name"]: t for t in data(client.get("/api/project/library/types", headers=h))}
    assert project_types["FB_Motor"]["instances"][0]["deviceName"] == "PLC_9"
    assert {b["name"] for b in data(client.get("/api/devices/PLC_9/blocks", headers=h))} >= {"FB_Motor"}
    assert data(client.get("/api/devices/PLC_9/udts/UDT_Motor", headers=h))["name"] == "UDT_Motor"
    # the global library's type has no instances, so it may go (the project's copy stays)
    assert data(client.delete(f"{T}/FB_Motor", headers=h))["name"] == "FB_Motor"
    assert [t["name"] for t in data(client.get(T, headers=h))] == ["UDT_Motor"]
    assert "FB_Motor" in {t["name"] for t in data(client.get("/api/project/library/types", headers=h))}


def test_viewers_read_engineers_change_and_changes_are_audited(
    client: TestClient[Any], h: Headers, viewer_headers: Headers, engineer_headers: Headers,
) -> None:
    assert data(client.post(G, json={"name": "Motors", "directory": "libraries"}, headers=engineer_headers))["isOpen"]
    for path in (G, f"{G}/tree", MC, T):
        assert client.get(path, headers=viewer_headers).status_code == 200
    data(client.post(f"{MC}/folders", json={"folderPath": "Kit"}, headers=engineer_headers))
    audit = data(client.get("/api/audit", headers=h))["records"]
    assert any("libraries" in json.dumps(r) and "master-copies/folders" in json.dumps(r) for r in audit)


GLOBAL_OPERATIONS = [op for op in registry() if op.route is not None and op.route.path.startswith(G)]


def test_every_global_library_route_is_registered_with_its_role() -> None:
    assert len(GLOBAL_OPERATIONS) == 16  # the 15 reference routes and types/actions/update
    for op in GLOBAL_OPERATIONS:
        assert op.required_role.value == ("engineer" if op.mutating else "viewer"), op.name
        assert op.route is not None and op.mutating == (op.route.method != "GET"), op.name


@pytest.mark.parametrize("op", [op for op in GLOBAL_OPERATIONS if op.mutating], ids=lambda op: op.name)
def test_a_viewer_cannot_change_a_global_library(op: Any, client: TestClient[Any], h: Headers,
                                                  viewer_headers: Headers, workspace: Path) -> None:
    create(client, h)
    before = files(workspace / "libraries")
    path = op.route.path.replace("{typeName}", "FB_Motor")
    assert_error(client.request(op.route.method, path, json={} if op.route.method == "POST" else None,
                                headers=viewer_headers), 403)
    assert files(workspace / "libraries") == before
    assert data(client.get(G, headers=h))[0]["hasUnsavedChanges"] is False
