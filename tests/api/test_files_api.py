"""Files over HTTP: upload into the file roots, download from them; confined, atomic, never over a file
unasked, never into the open project's folder; roles and audit as everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from tests.conftest import Headers, assert_error, data


def _upload(client: TestClient[Any], headers: Headers, path: str, content: bytes, **form: str) -> Any:
    return client.post("/api/files", files={"file": ("upload.bin", content)}, data={"path": path, **form},
                       headers=headers)


def test_upload_then_download(client: TestClient[Any], engineer_headers: Headers, viewer_headers: Headers,
                              workspace: Path) -> None:
    payload = bytes(range(256)) * 100
    stored = data(_upload(client, engineer_headers, "incoming/tags.xlsx", payload), 201)
    assert stored["path"] == str(workspace / "incoming" / "tags.xlsx") and stored["size"] == len(payload)
    assert stored["relativePath"] == "incoming/tags.xlsx"
    assert (workspace / "incoming" / "tags.xlsx").read_bytes() == payload
    got = client.get("/api/files", params={"path": "incoming/tags.xlsx"}, headers=viewer_headers)
    assert got.status_code == 200 and got.content == payload
    assert "attachment" in got.headers["content-disposition"] and "tags.xlsx" in got.headers["content-disposition"]
    assert not [p for p in (workspace / "incoming").iterdir() if p.name.startswith(".upload-")]


def test_an_existing_file_is_replaced_only_when_asked(client: TestClient[Any], engineer_headers: Headers,
                                                     workspace: Path) -> None:
    data(_upload(client, engineer_headers, "a.scl", b"first"), 201)
    assert_error(_upload(client, engineer_headers, "a.scl", b"second"), 409, "FILE_EXISTS")
    assert (workspace / "a.scl").read_bytes() == b"first"
    data(_upload(client, engineer_headers, "a.scl", b"second", overwrite="true"), 201)
    assert (workspace / "a.scl").read_bytes() == b"second"


def test_paths_are_confined(client: TestClient[Any], engineer_headers: Headers, viewer_headers: Headers,
                            workspace: Path, settings: Any) -> None:
    for bad in ("../escape.txt", "/etc/passwd", "C:/Windows/x.txt", "", "sub/.hidden", "con.txt"):
        assert_error(_upload(client, engineer_headers, bad, b"x"), 422)
    assert not (workspace.parent / "escape.txt").exists()
    assert_error(client.get("/api/files", params={"path": "../api.secret"}, headers=viewer_headers), 422,
                 "PATH_REJECTED")
    assert_error(client.get("/api/files", params={"path": str(settings.data_dir / "api.secret")},
                            headers=viewer_headers), 422, "PATH_REJECTED")
    assert_error(client.get("/api/files", params={"path": "missing.txt"}, headers=viewer_headers), 404,
                 "FILE_NOT_FOUND")
    (workspace / "folder").mkdir()
    assert_error(client.get("/api/files", params={"path": "folder"}, headers=viewer_headers), 422, "PATH_REJECTED")


def test_not_into_the_open_project(client: TestClient[Any], engineer_headers: Headers,
                                   project: dict[str, Any]) -> None:
    inside = str(Path(project["path"]).parent / "evil.xml")
    body = assert_error(_upload(client, engineer_headers, inside, b"<x/>"), 422, "PATH_REJECTED")
    assert "open project" in body["message"]
    assert not Path(inside).exists()


def test_roles_limits_and_audit(client: TestClient[Any], engineer_headers: Headers, viewer_headers: Headers,
                                admin_headers: Headers, settings: Any) -> None:
    assert_error(_upload(client, viewer_headers, "v.txt", b"x"), 403)
    too_big = b"x" * (settings.max_body_bytes + 1)
    assert_error(_upload(client, engineer_headers, "big.bin", too_big), 413)
    assert_error(client.post("/api/files", data={"path": "no-file.txt"}, headers=engineer_headers), 400)
    data(_upload(client, engineer_headers, "audited.txt", b"x"), 201)
    records = data(client.get("/api/audit", params={"pathPrefix": "/api/files"}, headers=admin_headers))["records"]
    assert any(r["method"] == "POST" and r["status"] == 201 for r in records)
    assert any(r["status"] == 403 for r in records)
