"""Health & Status: every route, with and without a key."""

from __future__ import annotations

from tests.conftest import assert_error, data


def test_health_needs_no_key_and_reports_the_portal(client):
    body = data(client.get("/api/health"))
    assert body["status"] == "Healthy"
    assert body["backend"] == "fake"
    assert body["portalConnected"] is True  # the fake auto-launches a portal
    assert body["projectOpen"] is False
    assert body["workerResponsive"] is True
    assert body["apiVersion"]


def test_health_reports_an_open_project(client, project):
    assert data(client.get("/api/health"))["projectOpen"] is True


def test_ping_needs_no_key(client):
    body = data(client.get("/api/health/ping"))
    assert body["pong"] is True
    assert body["time"].endswith("Z")


def test_diagnostics(client, admin_headers):
    body = data(client.get("/api/health/diagnostics", headers=admin_headers))
    assert body["backend"] == "fake"
    assert body["openness"]["available"] is True
    assert body["portals"] == 1
    assert isinstance(body["attachedPid"], int)


def test_diagnostics_needs_a_key(client):
    assert_error(client.get("/api/health/diagnostics"), 401, "UNAUTHORIZED")


def test_installed_versions(client, viewer_headers):
    versions = data(client.get("/api/health/versions", headers=viewer_headers))
    assert [v["version"] for v in versions] == ["V16", "V17", "V18", "V19", "V20", "V21"]
    assert all(v["opennessAvailable"] for v in versions)


def test_versions_refuse_a_wrong_key(client):
    assert_error(client.get("/api/health/versions", headers={"X-API-Key": "eapi_nope"}), 401, "UNAUTHORIZED")


def test_instance_status_without_and_with_project(client, viewer_headers, admin_headers):
    status = data(client.get("/api/instance/status", headers=viewer_headers))
    assert status["connected"] is True
    assert status["version"] == "V19"
    assert status["mode"] == "WithoutUserInterface"
    assert status["projectOpen"] is False
    data(client.post("/api/projects/actions/create-sync", json={"name": "Status"}, headers=admin_headers))
    status = data(client.get("/api/instance/status", headers=viewer_headers))
    assert status["projectOpen"] is True
    assert status["projectName"] == "Status"
    assert status["projectPath"].endswith("Status/Status.ap19")


def test_instance_status_when_detached(client, admin_headers):
    data(client.post("/api/instance/actions/detach", headers=admin_headers))
    status = data(client.get("/api/instance/status", headers=admin_headers))
    assert status == {**status, "connected": False, "backend": "fake", "projectOpen": False}


def test_instance_version(client, viewer_headers):
    body = data(client.get("/api/instance/version", headers=viewer_headers))
    assert body["product"] == "engineering-api"
    assert body["backend"] == "fake"
    assert body["apiVersion"]


def test_instance_version_needs_a_key(client):
    assert_error(client.get("/api/instance/version"), 401)


def test_instance_status_needs_a_key(client):
    assert_error(client.get("/api/instance/status"), 401, "UNAUTHORIZED")
