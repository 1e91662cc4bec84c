"""T-IA Connect's client calls some operations at paths of its own; the registry serves them with the same
operation (input, role, audit), so the client's exact requests work."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from engineering_api.app import registry
from tests.conftest import CPU, IM, Headers, assert_error, data, run_job, wait_job


def test_client_paths_come_from_the_registry() -> None:
    paths = {(spec.method, spec.path): op.name for op in registry()
             for spec in (*op.client_routes, *op.client_async_routes)}
    assert paths[("POST", "/api/projects/devices")] == "devices.add"
    assert paths[("POST", "/api/projects/actions/retrieve")] == "projects.retrieve"
    assert paths[("POST", "/api/devices/{deviceName}/online/connect")] == "devices.online.go-online"


def test_the_client_s_own_requests(client: TestClient[Any], engineer_headers: Headers, viewer_headers: Headers,
                                  project: dict[str, Any]) -> None:
    added = data(client.post("/api/projects/devices", json={"OrderNumber": CPU, "Name": "PLC_1"},
                             headers=engineer_headers))
    assert added["name"] == "PLC_1"
    assert_error(client.post("/api/projects/devices", json={"OrderNumber": CPU, "Name": "PLC_2"},
                             headers=viewer_headers), 403)
    assert_error(client.post("/api/projects/devices", json={"Name": "PLC_3"}, headers=engineer_headers), 422)
    names = [d["name"] for d in data(client.get("/api/projects/devices", headers=viewer_headers))]
    assert names == ["PLC_1"]  # the refused calls changed nothing
    found = data(client.post("/api/catalog/search", json={"Query": "1516-3"}, headers=viewer_headers))
    assert found and any("1516" in str(m["item"]) for m in found)
    compiled = data(client.post("/api/devices/PLC_1/actions/compile-sync", headers=engineer_headers))
    assert compiled["state"] == "Success" and len(compiled["messages"]) == 2  # hardware and software


def test_retrieve_answers_a_job(client: TestClient[Any], engineer_headers: Headers, project: dict[str, Any]) -> None:
    assert run_job(client, "POST", "/api/projects/actions/archive", engineer_headers,
                   json={"archivePath": "a.zap19"})["status"] == "Completed"
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    missing = client.post("/api/projects/actions/retrieve", headers=engineer_headers,
                          json={"ArchivePath": "none.zap19", "TargetDirectory": "restored"})
    assert_error(missing, 404, "FILE_NOT_FOUND")
    answer = client.post("/api/projects/actions/retrieve", headers=engineer_headers,
                         json={"ArchivePath": "a.zap19", "TargetDirectory": "restored"})
    assert answer.status_code == 202, answer.text
    job = wait_job(client, answer.json()["data"]["jobId"], engineer_headers)
    assert job["status"] == "Completed" and job["result"]["path"].endswith("restored/Line1/Line1.ap19"), job


def test_client_path_calls_are_audited(client: TestClient[Any], engineer_headers: Headers, admin_headers: Headers,
                                      project: dict[str, Any]) -> None:
    data(client.post("/api/projects/devices", json={"OrderNumber": CPU, "Name": "PLC_9"}, headers=engineer_headers))
    records = data(client.get("/api/audit", params={"pathPrefix": "/api/projects/devices"}, headers=admin_headers))
    assert any(r["path"] == "/api/projects/devices" and r["status"] == 200 for r in records["records"])


def test_project_files_lists_projects_and_archives(client: TestClient[Any], engineer_headers: Headers,
                                                 viewer_headers: Headers, project: dict[str, Any],
                                                 workspace: Any) -> None:
    assert run_job(client, "POST", "/api/projects/actions/archive", engineer_headers,
                   json={"archivePath": "backups/a.zap19"})["status"] == "Completed"
    (workspace / ".hidden").mkdir()
    (workspace / ".hidden" / "secret.ap19").write_bytes(b"x")
    (workspace / "notes.txt").write_text("not a project")
    files = data(client.get("/api/projects/files", headers=viewer_headers))
    by_name = {f["name"]: f for f in files}
    assert set(by_name) == {"Line1.ap19", "a.zap19"}, files
    archive = by_name["a.zap19"]
    assert archive["extension"] == ".zap19" and archive["size"] > 0 and archive["path"].endswith("backups/a.zap19")
    assert archive["lastModified"].endswith("Z")
    # What it lists, the client opens as is.
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    opened = data(client.post("/api/projects/actions/open-sync", json={"Path": by_name["Line1.ap19"]["path"]},
                              headers=engineer_headers))
    assert opened["name"] == "Line1"


def test_the_export_tool_gets_the_block_in_the_answer(client: TestClient[Any], engineer_headers: Headers,
                                                     viewer_headers: Headers, cpu: dict[str, Any]) -> None:
    scl = 'FUNCTION "FC_Twice" : Int\nVAR_INPUT x : Int; END_VAR\nBEGIN\n#FC_Twice := 2 * #x;\nEND_FUNCTION\n'
    data(client.post("/api/devices/PLC_1/external-sources/import-and-generate",
                     json={"SclContent": scl, "SourceName": "Twice"}, headers=engineer_headers))
    route = "/api/devices/PLC_1/blocks/FC_Twice/export"
    xml = data(client.post(route, json={"Format": "xml"}, headers=viewer_headers))
    assert xml["format"] == "xml" and xml["content"].lstrip("\ufeff").startswith("<?xml")
    assert xml["content"] == data(client.get("/api/devices/PLC_1/blocks/FC_Twice/export-xml", headers=viewer_headers))
    source = data(client.post(route, json={"Format": "scl"}, headers=viewer_headers))
    assert 'FUNCTION "FC_Twice" : Int' in source["content"]
    assert data(client.post(route, headers=viewer_headers))["format"] == "xml"  # the tool's default
    # the model fills the tool's free-text format: enumerated values match case-insensitively, as keys do
    assert data(client.post(route, json={"Format": "SCL"}, headers=viewer_headers)) == source
    assert data(client.post(route, json={"format": "Xml"}, headers=viewer_headers))["format"] == "xml"
    assert_error(client.post(route, json={"Format": "pdf"}, headers=viewer_headers), 422)
    assert_error(client.post("/api/devices/PLC_1/blocks/Nope/export", json={}, headers=viewer_headers), 404)


def test_a_device_without_a_name_gets_tia_s_default(client: TestClient[Any], engineer_headers: Headers,
                                                   project: dict[str, Any]) -> None:
    # The client's AddDevice tool may omit Name; TIA names a new device by kind with the first free number.
    first = data(client.post("/api/projects/devices", json={"OrderNumber": CPU}, headers=engineer_headers))
    second = data(client.post("/api/projects/devices", json={"OrderNumber": CPU}, headers=engineer_headers))
    io = data(client.post("/api/projects/devices", json={"OrderNumber": IM}, headers=engineer_headers))
    assert (first["name"], second["name"], io["name"]) == ("PLC_1", "PLC_2", "IO device_1")
    assert_error(client.post("/api/projects/devices", json={"OrderNumber": "6ES7 000-0XX00-0XX0"},
                             headers=engineer_headers), 404)


def test_hardware_export_and_import_at_the_client_s_paths(client: TestClient[Any], engineer_headers: Headers,
                                                         cpu: dict[str, Any]) -> None:
    exported = data(client.post("/api/devices/PLC_1/hardware/actions/export", json={"ExportPath": "plc.aml"},
                                headers=engineer_headers))
    assert exported["path"].endswith("plc.aml")
    data(client.delete("/api/devices/PLC_1", params={"confirm": "true"}, headers=engineer_headers))
    # The client names the device it was invoked on; the AML file names what it creates.
    imported = data(client.post("/api/devices/PLC_1/hardware/actions/import", json={"ImportFilePath": "plc.aml"},
                                headers=engineer_headers))
    assert imported["devices"] == ["PLC_1"]
    assert_error(client.post("/api/devices/PLC_1/hardware/actions/import", json={"ImportFilePath": "none.aml"},
                             headers=engineer_headers), 404)
