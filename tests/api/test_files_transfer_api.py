"""Files over HTTP for every export and import: an export's direct route answers the written file itself when asked
(Accept or download=true), to a temporary target when the path is omitted; an import takes the file inline
(content / contentBase64) instead of a path. Same handlers, checks, roles and audit as the path forms."""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from litestar.testing import TestClient

from tests.api.tag_workbooks import plc_tags_workbook
from tools.bounds import until
from tests.conftest import Headers, assert_error, configure, data, run_job, wait_job
from tests.contract.stub_engine import SCL, make_instance, use_stub_engine

D = "/api/devices/PLC_1"
B = f"{D}/blocks"
DEFAULT = "Default tag table"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FC_SCALE = {
    "blockType": "FC", "name": "FC_Scale", "language": "SCL", "returnType": "Real",
    "interface": {"Input": [{"name": "Raw", "dataType": "Int"}]},
    "networks": [{"scl": "#FC_Scale := INT_TO_REAL(#Raw) / 27648.0 * 100.0;"}],
}
SCL_SOURCE = 'FUNCTION "FC_Inline" : Void\nBEGIN\n    ;\nEND_FUNCTION\n'


@pytest.fixture(name="block")
def fx_block(client: TestClient[Any], engineer_headers: Headers, cpu: Any) -> str:
    data(client.post(B, json=FC_SCALE, headers=engineer_headers))
    return "FC_Scale"


def _leftovers(workspace: Path) -> list[str]:
    """Temporary transfer folders still in the workspace."""
    return [p.name for p in workspace.iterdir() if p.name.startswith(".transfer-")] if workspace.exists() else []


def _no_leftovers_soon(workspace: Path) -> None:
    """No temporary transfer folder is left once the jobs using them have ended (the clean-up follows the job)."""
    # Bounded by the hang guard: 200 looks 20 ms apart (4 s) were a limit on speed that a busy runner can miss.
    until(lambda: not _leftovers(workspace), "no temporary transfer folder left")


def _blocks(client: TestClient[Any], headers: Headers) -> list[str]:
    return sorted(b["name"] for b in data(client.get(B, headers=headers)))


def _tags(client: TestClient[Any], headers: Headers) -> list[dict[str, Any]]:
    return data(client.get(f"{D}/tag-tables/{DEFAULT}/tags", headers=headers))


def _workbook(rows: list[list[Any]]) -> bytes:
    out = io.BytesIO()
    plc_tags_workbook(rows).save(out)
    return out.getvalue()


# ----- downloads --------------------------------------------------------------------------------------------------
def test_block_export_answers_the_file_with_accept_or_download(client: TestClient[Any], engineer_headers: Headers,
                                                                 block: str, workspace: Path) -> None:
    export = f"{B}/actions/export-sync"
    data(client.post(export, json={"blockName": block, "exportPath": "out/FC_Scale.xml"}, headers=engineer_headers))
    written = (workspace / "out" / "FC_Scale.xml").read_bytes()

    by_accept = client.post(export, json={"blockName": block},
                            headers={**engineer_headers, "Accept": "application/xml"})
    assert by_accept.status_code == 200, by_accept.text
    assert by_accept.content == written
    assert by_accept.headers["content-type"].startswith("application/xml")
    disposition = by_accept.headers["content-disposition"]
    assert disposition.startswith("attachment") and "FC_Scale.xml" in disposition
    assert by_accept.headers["x-job-id"]  # the export still ran as a recorded job

    by_flag = client.post(export, params={"download": "true"}, json={"blockName": block}, headers=engineer_headers)
    assert by_flag.status_code == 200 and by_flag.content == written
    assert _leftovers(workspace) == []

    # With a path the file stays where it was written, and is the answer too.
    kept = client.post(export, json={"BlockName": block, "ExportPath": "kept/FC_Scale.xml"},
                       headers={**engineer_headers, "Accept": "application/octet-stream"})
    assert kept.status_code == 200 and kept.content == written == (workspace / "kept" / "FC_Scale.xml").read_bytes()
    assert kept.headers["content-type"].startswith("application/octet-stream")

    # JSON stays the default (the vendor client sends Accept: application/json), and download=false wins.
    as_json = client.post(export, json={"blockName": block, "exportPath": "j.xml"},
                          headers={**engineer_headers, "Accept": "application/json"})
    assert data(as_json)["path"] == str(workspace / "j.xml")
    assert data(client.post(export, params={"download": "false"}, json={"blockName": block, "exportPath": "k.xml"},
                            headers={**engineer_headers, "Accept": "application/xml"}))["size"] == len(written)
    body = assert_error(client.post(export, json={"blockName": block}, headers=engineer_headers), 422)
    assert "exportPath" in body["message"] and "download=true" in body["message"]


def test_scl_source_export_as_text(client: TestClient[Any], engineer_headers: Headers, block: str,
                                   workspace: Path) -> None:
    route = f"{B}/{block}/actions/export-source"
    data(client.post(route, json={"exportPath": "src/FC_Scale.scl"}, headers=engineer_headers))
    written = (workspace / "src" / "FC_Scale.scl").read_bytes()
    answer = client.post(route, json={}, headers={**engineer_headers, "Accept": "text/plain"})
    assert answer.status_code == 200, answer.text
    assert answer.content == written and b"FUNCTION" in answer.content
    assert answer.headers["content-type"].startswith("text/plain") and "FC_Scale.scl" in answer.headers[
        "content-disposition"]
    assert _leftovers(workspace) == []


def test_tag_table_exports(client: TestClient[Any], engineer_headers: Headers, cpu: Any, workspace: Path) -> None:
    data(client.post(f"{D}/tag-tables/{DEFAULT}/tags", json={"name": "Run", "dataType": "Bool",
                                                              "logicalAddress": "%Q0.0"}, headers=engineer_headers))
    base = f"{D}/tag-tables/{DEFAULT}/actions"
    data(client.post(f"{base}/export-csv-sync", json={"exportPath": "tags.csv"}, headers=engineer_headers))
    csv_answer = client.post(f"{base}/export-csv-sync", params={"download": "true"}, json={},
                             headers=engineer_headers)
    assert csv_answer.status_code == 200, csv_answer.text
    assert csv_answer.content == (workspace / "tags.csv").read_bytes()
    assert csv_answer.headers["content-type"].startswith("text/csv")

    xlsx = client.post(f"{base}/export-excel-sync", json={}, headers={**engineer_headers, "Accept": XLSX})
    assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith(XLSX)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["PLC Tags"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Run"]
    # The async route still answers a job, whose result names the path GET /api/files returns.
    job = run_job(client, "POST", f"{base}/export-csv", engineer_headers, json={"exportPath": "async.csv"})
    fetched = client.get("/api/files", params={"path": job["result"]["path"]}, headers=engineer_headers)
    assert fetched.content == (workspace / "async.csv").read_bytes()
    assert_error(client.post(f"{base}/export-csv", json={}, headers=engineer_headers), 422, "VALIDATION_FAILED")
    assert _leftovers(workspace) == []


def test_hardware_export_at_the_client_path(client: TestClient[Any], engineer_headers: Headers, cpu: Any,
                                            workspace: Path) -> None:
    route = f"{D}/hardware/actions/export"
    answer = client.post(route, params={"download": "true"}, json={}, headers=engineer_headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/xml") and b"CAEXFile" in answer.content
    assert ".aml" in answer.headers["content-disposition"]
    data(client.post(route, json={"exportPath": "plc.aml"}, headers=engineer_headers))
    assert (workspace / "plc.aml").read_bytes().count(b"<InternalElement") == answer.content.count(b"<InternalElement")
    assert _leftovers(workspace) == []


def test_a_failed_export_answers_problem_json(client: TestClient[Any], engineer_headers: Headers, block: str,
                                              workspace: Path) -> None:
    export = f"{B}/actions/export-sync"
    missing = client.post(export, json={"blockName": "Nope"}, headers={**engineer_headers, "Accept": "application/xml"})
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert_error(missing, 404)
    data(client.post(export, json={"blockName": block, "exportPath": "x.xml"}, headers=engineer_headers))
    exists = client.post(export, params={"download": "true"}, json={"blockName": block, "exportPath": "x.xml"},
                         headers=engineer_headers)
    assert_error(exists, 409, "FILE_EXISTS")
    assert _leftovers(workspace) == []


@pytest.fixture(name="loaded_plc")
def fx_loaded_plc(client: TestClient[Any], admin_headers: Headers, cpu: Any, services: Any,
                  monkeypatch: pytest.MonkeyPatch) -> Any:
    """PLC_1 with a program downloaded to its powered-on simulated CPU (as in test_download_api)."""
    simulation = services.backend.plcsim
    use_stub_engine(simulation, monkeypatch)
    assert configure(client, admin_headers, "PLC_1", "192.168.0.10").status_code == 200
    data(client.post(f"{D}/external-sources/import-and-generate", json={"SourceName": "p.scl", "SclContent": SCL},
                     headers=admin_headers))
    data(client.post("/api/projects/actions/simulation-support", json={"enabled": True}, headers=admin_headers))
    instance = make_instance(simulation, "Sim_PLC_1", "192.168.0.10")
    data(client.post(f"{D}/actions/download-sync", headers=admin_headers))
    return instance


def test_a_folder_export_comes_as_a_zip_or_406(client: TestClient[Any], engineer_headers: Headers, loaded_plc: Any,
                                               workspace: Path) -> None:
    route = f"{D}/actions/upload-sync"
    answer = client.post(route, params={"download": "true"}, json={}, headers=engineer_headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/zip")
    names = sorted(zipfile.ZipFile(io.BytesIO(answer.content)).namelist())
    assert names == ["Data.xml", "Main.xml"]
    refused = client.post(route, json={"exportPath": "up"}, headers={**engineer_headers, "Accept": "application/xml"})
    body = assert_error(refused, 406, "NOT_ACCEPTABLE")
    assert "application/zip" in body["message"]
    assert sorted(p.name for p in (workspace / "up").iterdir()) == ["Data.xml", "Main.xml"]  # written as asked
    assert _leftovers(workspace) == []


# ----- inline imports ---------------------------------------------------------------------------------------------
def test_xlsx_tag_import_via_content_base64(client: TestClient[Any], engineer_headers: Headers, cpu: Any,
                                            workspace: Path) -> None:
    book = _workbook([["Start_PB", DEFAULT, "Bool", "%I0.0", "Start", "True", "True", "True", None, None]])
    result = data(client.post(f"{D}/tag-tables/{DEFAULT}/actions/import-xlsx-sync",
                              json={"ContentBase64": base64.b64encode(book).decode()}, headers=engineer_headers))
    assert result
    assert [t["name"] for t in _tags(client, engineer_headers)] == ["Start_PB"]
    # The async route takes it too; the temporary file goes when the job ends.
    book2 = _workbook([["Stop_PB", DEFAULT, "Bool", "%I0.1", "Stop", "True", "True", "True", None, None]])
    job = run_job(client, "POST", f"{D}/tag-tables/{DEFAULT}/actions/import-xlsx", engineer_headers,
                  json={"contentBase64": base64.b64encode(book2).decode()})
    assert job["status"] == "Completed", job
    assert {t["name"] for t in _tags(client, engineer_headers)} == {"Start_PB", "Stop_PB"}
    _no_leftovers_soon(workspace)


def test_scl_and_xml_imports_via_content(client: TestClient[Any], engineer_headers: Headers, block: str,
                                         workspace: Path) -> None:
    source = data(client.post(f"{D}/external-sources/from-file",
                              json={"content": SCL_SOURCE, "contentFileName": "Inline.scl"}, headers=engineer_headers))
    assert source["name"] == "Inline.scl"
    xml = client.post(f"{B}/actions/export-sync", json={"blockName": block},
                      headers={**engineer_headers, "Accept": "application/xml"}).text
    data(client.delete(f"{B}/{block}", headers=engineer_headers))
    assert block not in _blocks(client, engineer_headers)
    data(client.post(f"{B}/actions/import-sync", json={"content": xml}, headers=engineer_headers))
    assert block in _blocks(client, engineer_headers)
    # The same checks as for a file: malformed XML is refused and changes nothing.
    before = _blocks(client, engineer_headers)
    bad = client.post(f"{B}/actions/import-sync", json={"content": "<Document><SW.Blocks.FC"},
                      headers=engineer_headers)
    assert 400 <= bad.status_code < 500 and bad.json()["success"] is False
    hostile = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
               '<Document>&e;</Document>')
    assert 400 <= client.post(f"{B}/actions/import-sync", json={"content": hostile},
                              headers=engineer_headers).status_code < 500
    assert _blocks(client, engineer_headers) == before
    assert _leftovers(workspace) == []


def test_path_and_content_exactly_one(client: TestClient[Any], engineer_headers: Headers, block: str,
                                      workspace: Path) -> None:
    route = f"{B}/actions/import-sync"
    before = _blocks(client, engineer_headers)
    both = assert_error(client.post(route, json={"importFilePath": "a.xml", "content": "<x/>"},
                                    headers=engineer_headers), 400, "CONTENT_AND_PATH")
    assert "importFilePath" in both["message"] and "content" in both["message"]
    assert_error(client.post(route, json={"content": "<x/>", "contentBase64": "PHgvPg=="}, headers=engineer_headers),
                 400, "CONTENT_AND_PATH")
    neither = assert_error(client.post(route, json={"overwrite": True}, headers=engineer_headers), 400,
                           "PATH_OR_CONTENT_REQUIRED")
    assert "contentBase64" in neither["message"]
    assert_error(client.post(route, json={"contentBase64": "not base64!"}, headers=engineer_headers), 400,
                 "INVALID_BASE64")
    assert _blocks(client, engineer_headers) == before
    assert _leftovers(workspace) == []


def test_oversized_inline_content_is_413(client: TestClient[Any], engineer_headers: Headers, cpu: Any,
                                         settings: Any, workspace: Path) -> None:
    huge = "x" * (settings.max_body_bytes + 1)
    assert_error(client.post(f"{D}/tag-tables/{DEFAULT}/actions/import-csv-sync", json={"content": huge},
                             headers=engineer_headers), 413)
    assert _tags(client, engineer_headers) == [] and _leftovers(workspace) == []


def test_a_download_confines_its_file_fields_once(client: TestClient[Any], engineer_headers: Headers, block: str,
                                                  workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The targets are looked at and the export runs with the one confined input (resolving the paths again gave the
    same paths, at a second walk of the roots)."""
    from engineering_api.web import routes

    confined: list[str] = []

    def counted(operation: Any, *args: Any, **kwargs: Any) -> Any:
        confined.append(operation.name)
        return confine_files(operation, *args, **kwargs)

    confine_files = routes.confine_files
    monkeypatch.setattr(routes, "confine_files", counted)
    answer = client.post(f"{B}/actions/export-sync", params={"download": "true"},
                         json={"blockName": block, "exportPath": "once/FC_Scale.xml"}, headers=engineer_headers)
    assert answer.status_code == 200 and answer.content == (workspace / "once" / "FC_Scale.xml").read_bytes()
    assert confined == ["blocks.export"]


def test_path_tricks_are_still_refused(client: TestClient[Any], engineer_headers: Headers, block: str,
                                       workspace: Path) -> None:
    export = f"{B}/actions/export-sync"
    for bad in ("../evil.xml", "/etc/evil.xml", ".transfer-x/a.xml", "C:/evil.xml"):
        assert_error(client.post(export, params={"download": "true"}, json={"blockName": block, "exportPath": bad},
                                 headers=engineer_headers), 422, "PATH_REJECTED")
    for name in ("../a.xml", ".hidden.xml", "a.txt", "sub/a.xml", "con.xml"):
        assert_error(client.post(f"{B}/actions/import-sync", json={"content": "<x/>", "contentFileName": name},
                                 headers=engineer_headers), 422, "PATH_REJECTED")
    assert_error(client.post(f"{B}/actions/import-sync", json={"importFilePath": "../x.xml"},
                             headers=engineer_headers), 422, "PATH_REJECTED")
    assert not (workspace.parent / "evil.xml").exists() and _leftovers(workspace) == []


def test_roles_and_audit(client: TestClient[Any], engineer_headers: Headers, viewer_headers: Headers,
                         admin_headers: Headers, block: str, workspace: Path) -> None:
    export = f"{B}/actions/export-sync"
    assert_error(client.post(export, params={"download": "true"}, json={"blockName": block},
                             headers=viewer_headers), 403)
    assert_error(client.post(f"{B}/actions/import-sync", json={"content": "<x/>"}, headers=viewer_headers), 403)
    answer = client.post(export, params={"download": "true"}, json={"blockName": block}, headers=engineer_headers)
    assert answer.status_code == 200
    data(client.post(f"{D}/external-sources/from-file", json={"content": SCL_SOURCE, "contentFileName": "A.scl"},
                     headers=engineer_headers))
    records = data(client.get("/api/audit", params={"pathPrefix": D}, headers=admin_headers))["records"]
    seen = {(r["method"], r["path"], r["status"]) for r in records}
    assert ("POST", export, 200) in seen and ("POST", export, 403) in seen
    assert ("POST", f"{D}/external-sources/from-file", 200) in seen
    assert _leftovers(workspace) == []


def test_openapi_shows_download_and_inline_content(client: TestClient[Any]) -> None:
    schema = client.get("/schema/openapi.json").json()
    export = schema["paths"]["/api/devices/{deviceName}/blocks/actions/export-sync"]["post"]
    assert "download" in {p["name"] for p in export["parameters"]}
    assert {"application/json", "application/xml", "text/plain", "application/octet-stream",
            "application/zip"} <= set(export["responses"]["200"]["content"])
    assert "406" in export["responses"]
    async_export = schema["paths"]["/api/devices/{deviceName}/blocks/actions/export"]["post"]
    assert "download" not in {p["name"] for p in async_export.get("parameters", [])}
    body = schema["components"]["schemas"]["BlocksImportRequest"]["properties"]
    assert {"importFilePath", "content", "contentBase64", "contentFileName"} <= set(body)
    # No inline content where the path itself counts, and none for a list of files.
    assert "content" not in schema["components"]["schemas"]["ProjectsOpenRequest"]["properties"]
    assert "content" not in schema["components"]["schemas"]["BlockgenerationBulkImportRequest"]["properties"]


def test_every_kind_of_file_round_trips_over_http(client: TestClient[Any], engineer_headers: Headers, block: str,
                                                  workspace: Path) -> None:
    """Each export downloaded without a path, then imported again inline: no shared disk anywhere."""
    h = engineer_headers
    data(client.post(f"{D}/udts", json={"name": "UDT_M", "members": [{"name": "Speed", "dataType": "Real"}]},
                     headers=h))
    data(client.post(f"{D}/watch-tables", json={"name": "Motors", "tags": ["%M0.0"]}, headers=h))
    data(client.post(f"{D}/tag-tables/{DEFAULT}/tags", json={"name": "Run", "dataType": "Bool",
                                                              "logicalAddress": "%Q0.0"}, headers=h))

    def download(route: str, body: dict[str, Any]) -> bytes:
        answer = client.post(route, params={"download": "true"}, json=body, headers=h)
        assert answer.status_code == 200, (route, answer.text)
        assert answer.content and "attachment" in answer.headers["content-disposition"]
        return answer.content

    udt = download(f"{D}/udts/UDT_M/actions/export", {})
    watch = download(f"{D}/watch-tables/Motors/actions/export", {})
    generated = download("/api/blockgeneration/generate-only", {"spec": {**FC_SCALE, "name": "FC_Gen", "networks": [
        {"scl": "#FC_Gen := INT_TO_REAL(#Raw);"}]}})
    assert b"<Document" in udt and b"<Document" in watch and b"<Document" in generated
    hardware = download(f"{D}/hardware/actions/export", {})
    tags_json = download(f"{D}/tag-tables/{DEFAULT}/actions/export-json-sync", {})

    data(client.delete(f"{D}/udts/UDT_M", headers=h))
    data(client.post(f"{D}/udts/actions/import", json={"content": udt.decode("utf-8-sig")}, headers=h))
    assert "UDT_M" in {u["name"] for u in data(client.get(f"{D}/udts", headers=h))}
    data(client.post(f"{D}/watch-force-tables/actions/import", json={"contentBase64": base64.b64encode(watch).decode(),
                                                                    "overwrite": True}, headers=h))
    data(client.delete(f"{D}/tag-tables/{DEFAULT}/tags/Run", headers=h))
    data(client.post(f"{D}/tags/actions/import-sync", json={"content": tags_json.decode()}, headers=h))
    assert [t["name"] for t in _tags(client, h)] == ["Run"]
    data(client.delete(f"{D}", headers=h))
    imported = data(client.post("/api/projects/devices/actions/import-hardware-sync",
                                json={"contentBase64": base64.b64encode(hardware).decode()}, headers=h))
    assert imported["devices"] == ["PLC_1"]
    assert _leftovers(workspace) == []


def test_an_archive_is_retrieved_from_inline_bytes(client: TestClient[Any], engineer_headers: Headers, cpu: Any,
                                                   workspace: Path) -> None:
    h = engineer_headers
    data(client.post("/api/projects/actions/archive-sync",
                     json={"archivePath": "backup/Line1.zap19", "saveFirst": True}, headers=h))
    archive = (workspace / "backup" / "Line1.zap19").read_bytes()
    data(client.post("/api/projects/actions/close-sync", headers=h))
    # T-IA Connect's client path (async): the temporary archive stays until the job ends.
    job = run_job(client, "POST", "/api/projects/actions/retrieve", h,
                  json={"ContentBase64": base64.b64encode(archive).decode(), "ContentFileName": "Line1.zap19",
                        "TargetDirectory": "restored"})
    assert job["status"] == "Completed", job
    assert job["result"]["path"] == str(workspace / "restored" / "Line1" / "Line1.ap19")
    assert [d["name"] for d in data(client.get("/api/projects/devices", headers=h))] == ["PLC_1"]
    data(client.post("/api/projects/actions/close-sync", headers=h))
    # A hostile archive sent inline is refused as a hostile file is, and writes nothing.
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("Evil/Evil.ap19", "{}")
        z.writestr("../../escaped.txt", "gotcha")
    body = assert_error(client.post("/api/projects/actions/create-from-archive-sync",
                                    json={"contentBase64": base64.b64encode(evil.getvalue()).decode(),
                                          "contentFileName": "Evil.zap19", "targetDirectory": "out"}, headers=h),
                        422, "ARCHIVE_REJECTED")
    assert "outside the archive" in body["message"]
    assert not (workspace / "out").exists() and not (workspace.parent / "escaped.txt").exists()
    _no_leftovers_soon(workspace)


def test_a_retry_with_the_same_idempotency_key_is_the_same_job(client: TestClient[Any], engineer_headers: Headers,
                                                               cpu: Any, workspace: Path) -> None:
    book = base64.b64encode(_workbook([["A", DEFAULT, "Bool", "%I0.0", "", "True", "True", "True", None, None]]))
    headers = {**engineer_headers, "Idempotency-Key": "ci-run-42"}
    route = f"{D}/tag-tables/{DEFAULT}/actions/import-xlsx"
    first = client.post(route, json={"contentBase64": book.decode()}, headers=headers)
    second = client.post(route, json={"contentBase64": book.decode()}, headers=headers)
    assert first.status_code == second.status_code == 202, second.text
    assert first.json()["data"]["jobId"] == second.json()["data"]["jobId"]
    other = _workbook([["B", DEFAULT, "Bool", "%I0.1", "", "True", "True", "True", None, None]])
    assert_error(client.post(route, json={"contentBase64": base64.b64encode(other).decode()}, headers=headers), 422,
                 "IDEMPOTENCY_KEY_REUSED")
    wait_job(client, first.json()["data"]["jobId"], engineer_headers)
    _no_leftovers_soon(workspace)
