"""System API: settings, generated docs, docs search, audit paging, the headless browse dialogs."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from litestar.testing import TestClient

from engineering_api.app import create_app
from engineering_api.config import Settings
from tests.conftest import assert_error, data


# ----- settings --------------------------------------------------------------------------------
def test_get_settings(client, admin_headers, workspace):
    view = data(client.get("/api/settings", headers=admin_headers))
    assert view["backend"] == "fake"
    assert view["host"] == "127.0.0.1"
    assert view["fileRoots"] == [str(workspace)]
    assert view["debug"] is False
    assert view["security"]["apiKeyHeader"] == "X-API-Key"
    assert view["security"]["roles"] == ["viewer", "engineer", "admin"]
    assert view["security"]["corsEnabled"] is False
    assert "rateLimitPerMinute" in view["changeable"]


def test_settings_need_admin(client, engineer_headers):
    assert_error(client.get("/api/settings", headers=engineer_headers), 403, "FORBIDDEN")
    assert_error(client.post("/api/settings", json={"rateLimitPerMinute": 5}, headers=engineer_headers), 403)


def test_save_settings_takes_effect_and_persists(client, admin_headers, settings):
    saved = data(
        client.post(
            "/api/settings", json={"RateLimitPerMinute": 1234, "jobRetentionHours": 2.5, "host": "127.0.0.1"},
            headers=admin_headers,
        )
    )
    assert saved["rateLimitPerMinute"] == 1234
    assert saved["jobRetentionHours"] == 2.5
    assert saved["host"] == "127.0.0.1"  # not changeable at runtime: accepted with its current value only
    assert data(client.get("/api/settings", headers=admin_headers))["rateLimitPerMinute"] == 1234
    # kept across restarts: a new app on the same data directory reads it back
    with TestClient(create_app(Settings.from_env(data_dir=settings.data_dir))) as again:
        view = data(again.get("/api/settings", headers=admin_headers))
    assert view["rateLimitPerMinute"] == 1234
    assert view["jobRetentionHours"] == 2.5


def test_saved_cors_origins_enable_cors_in_the_view(client, admin_headers):
    view = data(client.post("/api/settings", json={"corsOrigins": ["https://hmi.plant.local"]}, headers=admin_headers))
    assert view["corsOrigins"] == ["https://hmi.plant.local"]
    assert view["security"]["corsEnabled"] is True


@pytest.mark.parametrize(
    "body",
    [
        {"rateLimitPerMinute": 0},
        {"rateLimitPerMinute": "fast"},
        {"callTimeoutSeconds": 0},
        {"jobTimeoutSeconds": -1},
        {"jobRetentionHours": 0},
        {"allowedHosts": []},
        {"allowedHosts": "localhost"},
    ],
)
def test_save_settings_validation(client, admin_headers, body):
    before = data(client.get("/api/settings", headers=admin_headers))
    assert_error(client.post("/api/settings", json=body, headers=admin_headers), 422)
    assert data(client.get("/api/settings", headers=admin_headers)) == before


# ----- docs ------------------------------------------------------------------------------------
def test_full_docs_are_text_from_the_handlers(client, viewer_headers):
    response = client.get("/api/docs", headers=viewer_headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    text = response.text
    for section in ("Health & Status", "TIA Portal Management", "Project Operations", "Devices", "Async Jobs",
                    "System API", "Discovery"):
        assert section in text
    assert "POST /api/projects/actions/archive-sync" in text
    assert "Archive the saved project" in text  # the operation's own summary


def test_full_docs_need_a_key(client):
    assert_error(client.get("/api/docs"), 401)


def test_doc_sections_are_public(client):
    sections = data(client.get("/api/docs/sections"))
    names = {s["name"] for s in sections}
    assert {"Health & Status", "TIA Portal Management", "Project Operations", "Devices", "Async Jobs", "System API",
            "Discovery"} <= names
    assert all(s["routeCount"] > 0 for s in sections)


def test_doc_section_by_name(client, viewer_headers):
    section = data(client.get(f"/api/docs/sections/{quote('Project Operations')}", headers=viewer_headers))
    assert section["name"] == "Project Operations"
    assert "POST /api/projects/actions/create-sync" in section["text"]
    same = data(client.get(f"/api/docs/sections/{quote('project operations')}", headers=viewer_headers))
    assert same["name"] == "Project Operations"  # case-insensitive


def test_doc_section_unknown_is_404(client, viewer_headers):
    assert_error(client.get("/api/docs/sections/Nonsense", headers=viewer_headers), 404, "SECTION_NOT_FOUND")


def test_doc_search(client, viewer_headers):
    hits = data(client.get("/api/docs/search", params={"q": "archive"}, headers=viewer_headers))
    assert hits
    # Projects and global libraries are both archived; each section's archive is among the best hits.
    assert {"Project Operations", "Libraries"} <= {h["section"] for h in hits[:4]}
    assert "archive" in hits[0]["snippet"].lower()
    assert all(set(h) >= {"section", "snippet", "relevance"} for h in hits)
    assert [h["relevance"] for h in hits] == sorted((h["relevance"] for h in hits), reverse=True)
    assert data(client.get("/api/docs/search", params={"q": "zzqqxx"}, headers=viewer_headers)) == []


def test_doc_search_needs_a_query(client, viewer_headers):
    assert client.get("/api/docs/search", headers=viewer_headers).status_code == 422
    assert client.get("/api/docs/search", params={"q": ""}, headers=viewer_headers).status_code == 422
    assert client.get("/api/docs/search", params={"q": "x" * 201}, headers=viewer_headers).status_code == 422


# ----- audit -----------------------------------------------------------------------------------
def test_audit_records_mutating_calls_and_pages(client, admin_headers, engineer_headers, viewer_headers):
    data(client.post("/api/projects/actions/create-sync", json={"name": "Audited"}, headers=engineer_headers))
    client.post("/api/projects/actions/create-sync", json={"name": "Again"}, headers=engineer_headers)  # 409
    client.post("/api/projects/actions/save-sync", headers=viewer_headers)  # 403
    client.get("/api/projects", headers=engineer_headers)  # a read: not audited
    page = data(client.get("/api/audit", headers=admin_headers))
    records = page["records"]
    assert page["total"] == 3
    assert [r["status"] for r in records] == [403, 409, 200]  # newest first
    assert [r["outcome"] for r in records] == ["denied", "failed", "succeeded"]
    first = records[-1]
    assert first["method"] == "POST"
    assert first["path"] == "/api/projects/actions/create-sync"
    assert first["role"] == "engineer"
    assert first["keyId"]
    assert first["client"]
    assert first["jobId"]  # the sync twin of a long operation ran as a job
    assert first["at"].endswith("Z")
    one = data(client.get("/api/audit", params={"limit": 1}, headers=admin_headers))
    assert [r["id"] for r in one["records"]] == [records[0]["id"]]
    older = data(client.get("/api/audit", params={"limit": 1, "before": one["nextBefore"]}, headers=admin_headers))
    assert [r["id"] for r in older["records"]] == [records[1]["id"]]
    failed = data(client.get("/api/audit", params={"outcome": "failed"}, headers=admin_headers))
    assert [r["status"] for r in failed["records"]] == [409]
    by_path = data(client.get("/api/audit", params={"pathPrefix": "/api/projects/actions/save"}, headers=admin_headers))
    assert [r["status"] for r in by_path["records"]] == [403]


def test_audit_records_an_async_job_id(client, admin_headers, engineer_headers):
    response = client.post("/api/projects/actions/create", json={"name": "A"}, headers=engineer_headers)
    job_id = data(response, 202)["jobId"]
    records = data(client.get("/api/audit", headers=admin_headers))["records"]
    assert records[0]["jobId"] == job_id
    assert records[0]["outcome"] == "accepted"


def test_audit_needs_admin_and_valid_paging(client, engineer_headers, admin_headers):
    assert_error(client.get("/api/audit", headers=engineer_headers), 403)
    assert client.get("/api/audit", params={"limit": 0}, headers=admin_headers).status_code == 422
    assert client.get("/api/audit", params={"limit": 1001}, headers=admin_headers).status_code == 422
    assert client.get("/api/audit", params={"before": "x"}, headers=admin_headers).status_code == 422


# ----- browse dialogs --------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["file", "project", "folder"])
def test_browse_dialogs_are_not_available_headless(client, viewer_headers, kind):
    body = assert_error(client.get(f"/api/system/browse-{kind}", headers=viewer_headers), 501, "HEADLESS")
    assert "headless" in body["message"]
    assert "fileRoots" in body["message"]  # says what to do instead
