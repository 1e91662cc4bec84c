"""What real TIA demands when a project is opened, through HTTP: the ``upgrade`` and ``credentials`` request fields are
documented in the OpenAPI schema, and the credentials' password is never returned, logged, audited or kept in the
job's recorded input. (The bridge's answers are in tests/bridge/test_project_opening.py.)"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import data, run_job

SECRET = "Umac-Pa55word!"


def _create(client: Any, headers: Any, name: str) -> dict[str, Any]:
    created: dict[str,
                  Any] = data(client.post("/api/projects/actions/create-sync", json={"name": name}, headers=headers))
    return created


def test_the_open_and_retrieve_inputs_document_upgrade_and_credentials(client: Any) -> None:
    schemas = client.get("/schema/openapi.json").json()["components"]["schemas"]
    for name in ("ProjectsOpenRequest", "ProjectsRetrieveRequest"):
        properties = schemas[name]["properties"]
        assert (
            "irreversible" in properties["upgrade"]["description"]
            or "cannot be undone" in properties["upgrade"]["description"]
        )
        # a request-only default is said in the description (openapi-typescript makes a field with a default required)
        assert "default" not in properties["upgrade"] and "Default: false" in properties["upgrade"]["description"]
        assert "PROJECT_UPGRADE_REQUIRED" in properties["upgrade"]["description"]
        assert "never stored" in properties["credentials"]["description"]
        assert "stored ones" in properties["credentials"]["description"]
    credentials = schemas["ProjectCredentials"]
    assert set(credentials["properties"]) == {"user", "password", "userType"}
    assert credentials["properties"]["userType"]["enum"] == ["Project", "Global"]


def test_the_credentials_password_is_never_returned_logged_or_kept(
    client: Any, engineer_headers: Any, services: Any, caplog: pytest.LogCaptureFixture,
) -> None:
    path = _create(client, engineer_headers, "Safe")["path"]
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    body = {"path": "Safe/Safe.ap19", "credentials": {"user": "alice", "password": SECRET, "userType": "Project"}}
    job = run_job(client, "POST", "/api/projects/actions/open", engineer_headers, json=body)
    assert job["status"] == "Completed", job
    assert job["result"]["path"] == path  # an unprotected project: TIA never asks, the credentials go unused
    rows = services.db.all("SELECT * FROM audit") + services.db.all("SELECT * FROM jobs")
    stored = repr([dict(r) for r in rows])
    assert SECRET not in stored and SECRET not in caplog.text and SECRET not in repr(job)
    assert '"password":"***"' in stored and '"user":"alice"' in stored  # the recorded input shows that one was sent
