"""Bad input gets a clear 4xx and loses nothing: paths, archives, bodies, hosts, origins, rate limits."""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING

import pytest

from tests.service.conftest import make_client

if TYPE_CHECKING:
    from pathlib import Path

    from litestar.testing import TestClient


@pytest.mark.parametrize(
    "path",
    [
        "../outside.ap19",
        "Line1/../../outside.ap19",
        "..\\..\\outside.ap19",
        "/etc/passwd.ap19",
        "C:\\Windows\\win.ini.ap19",
        "D:..\\x.ap19",
        "\\\\attacker\\share\\x.ap19",
        "\\\\?\\C:\\x.ap19",
        "CON.ap19",
        "Line1/NUL.ap19",
        "proj.ap19:evil",
    ],
)
def test_project_paths_outside_the_roots_are_refused(client: TestClient, admin: dict[str, str], path: str) -> None:
    response = client.post("/api/projects/actions/open-sync", json={"path": path}, headers=admin)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "PATH_REJECTED"
    assert body["details"]["field"] == "path"


def test_wrong_extension_is_refused(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/projects/actions/open-sync", json={"path": "Line1/Line1.txt"}, headers=admin)
    assert response.status_code == 422
    assert ".ap19" in response.json()["message"]


def test_missing_project_is_404(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/projects/actions/open-sync", json={"path": "Nope/Nope.ap19"}, headers=admin)
    assert response.status_code == 404
    assert response.json()["code"] == "FILE_NOT_FOUND"


def test_async_route_refuses_bad_paths_before_starting_a_job(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/projects/actions/open", json={"path": "../x.ap19"}, headers=admin)
    assert response.status_code == 422
    jobs = client.get("/api/jobs", headers=admin).json()["data"]
    assert jobs["total"] == 0


def _zip_slip_archive(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Evil/Evil.ap19", '{"format": "engineering-api/fake-project"}')
        archive.writestr("../../escaped.txt", "owned")


def test_zip_slip_archive_is_refused_and_nothing_is_written(client: TestClient, admin: dict[str, str],
                                                            data_dir: Path) -> None:
    workspace = data_dir / "workspace"
    _zip_slip_archive(workspace / "evil.zap19")
    before = sorted(p.relative_to(data_dir.parent) for p in data_dir.parent.rglob("*"))
    response = client.post(
        "/api/projects/actions/create-from-archive-sync",
        json={"archivePath": "evil.zap19", "targetDirectory": "restored"},
        headers=admin,
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "ARCHIVE_REJECTED"
    assert not (data_dir.parent / "escaped.txt").exists()
    assert not (data_dir / "escaped.txt").exists()
    after = sorted(p.relative_to(data_dir.parent) for p in data_dir.parent.rglob("*") if "restored" not in str(p))
    assert [p for p in after if p not in before and "sqlite" not in str(p)] == []
    assert not any((workspace / "restored").glob("*")) if (workspace / "restored").exists() else True


def test_oversized_body_gets_413(tmp_path: Path) -> None:
    with make_client(tmp_path / "var", max_body_bytes=2048) as client:
        admin = {"X-API-Key": (tmp_path / "var" / "api.secret").read_text().strip()}
        response = client.post(
            "/api/projects/actions/create-sync", json={"name": "x", "comment": "y" * 10_000}, headers=admin
        )
        assert response.status_code == 413
        body = response.json()
        assert body["success"] is False and body["code"] == "BODY_TOO_LARGE"
        assert client.get("/api/projects", headers=admin).json()["data"] == []


def test_malformed_json_is_a_clear_4xx(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post(
        "/api/projects/actions/create-sync", content=b"{not json", headers={**admin, "Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert response.json()["success"] is False


def test_wrong_types_are_422_naming_the_field(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/instance/actions/attach", json={"pid": "not-a-number"}, headers=admin)
    assert response.status_code == 422
    assert "pid" in response.json()["message"]


def test_foreign_host_header_is_refused(client: TestClient, admin: dict[str, str]) -> None:
    response = client.get("/api/projects", headers={**admin, "Host": "attacker.example:9000"})
    assert response.status_code == 421
    assert response.json()["code"] == "HOST_NOT_ALLOWED"


def test_foreign_origin_is_refused(client: TestClient, admin: dict[str, str]) -> None:
    response = client.get("/api/projects", headers={**admin, "Origin": "http://attacker.example"})
    assert response.status_code == 403
    assert response.json()["code"] == "ORIGIN_NOT_ALLOWED"


def test_cors_is_off_until_configured(client: TestClient) -> None:
    response = client.options(
        "/api/projects", headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"}
    )
    assert "access-control-allow-origin" not in response.headers


def test_rate_limit_per_key(tmp_path: Path) -> None:
    with make_client(tmp_path / "var", rate_limit_per_minute=3) as client:
        admin = {"X-API-Key": (tmp_path / "var" / "api.secret").read_text().strip()}
        statuses = [client.get("/api/projects", headers=admin).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        throttled = client.get("/api/projects", headers=admin)
        assert int(throttled.headers["retry-after"]) >= 1
        assert int(throttled.headers["x-ratelimit-reset"]) > 0
        # Another key has its own budget.
        _, other = client.app.state.services.keys.create("other", "viewer")
        assert client.get("/api/projects", headers={"X-API-Key": other}).status_code == 200


def test_debug_is_off_and_errors_do_not_leak_tracebacks(client: TestClient, admin: dict[str, str]) -> None:
    assert client.app.debug is False
    response = client.get("/api/jobs/does-not-exist", headers=admin)
    assert response.status_code == 404
    assert "Traceback" not in response.text


def test_every_mutating_call_is_audited(client: TestClient, admin: dict[str, str]) -> None:
    client.post("/api/projects/actions/create-sync", json={"name": "Audited"}, headers=admin)
    started = client.post("/api/projects/actions/save", headers=admin).json()["data"]["jobId"]
    client.post("/api/projects/actions/save-sync", headers={"X-API-Key": "eapi_wrong"})
    client.get("/api/projects", headers=admin)  # reads are not audited
    records = client.get("/api/audit", headers=admin).json()["data"]["records"]
    paths = [(r["method"], r["path"], r["outcome"]) for r in records]
    assert ("POST", "/api/projects/actions/create-sync", "succeeded") in paths
    assert ("POST", "/api/projects/actions/save", "accepted") in paths
    assert ("POST", "/api/projects/actions/save-sync", "denied") in paths
    assert all(r["method"] != "GET" for r in records)
    save = next(r for r in records if r["path"] == "/api/projects/actions/save")
    assert save["jobId"] == started
    assert save["role"] == "admin" and save["keyId"] and save["client"]
    assert save["at"].endswith("Z")


def test_audit_pages(client: TestClient, admin: dict[str, str]) -> None:
    for _ in range(5):
        client.post("/api/projects/actions/index", headers=admin)
    first = client.get("/api/audit?limit=2", headers=admin).json()["data"]
    assert len(first["records"]) == 2 and first["total"] >= 5
    second = client.get(f"/api/audit?limit=2&before={first['nextBefore']}", headers=admin).json()["data"]
    assert {r["id"] for r in first["records"]}.isdisjoint(r["id"] for r in second["records"])
    assert max(r["id"] for r in second["records"]) < min(r["id"] for r in first["records"])
