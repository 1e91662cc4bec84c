"""An empty (or blank) ``Idempotency-Key`` is refused with 400 on every route that reads it, never stored.

Issue 48 item 4: ``Idempotency-Key:`` twice on ``POST /api/projects/actions/save`` answered 202, then 500 (the
empty key was stored and the second insert broke the unique index)."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient


def _create_project(client: TestClient, admin: dict[str, str]) -> None:
    assert client.post("/api/projects/actions/create-sync", json={"name": "Keyed"}, headers=admin).status_code == 200


@pytest.mark.parametrize("key", ["", "   "])
@pytest.mark.parametrize("path", ["/api/projects/actions/save", "/api/projects/actions/save-sync"])
def test_a_blank_key_is_refused_with_400_every_time(client: TestClient, admin: dict[str, str], key: str,
                                                    path: str) -> None:
    _create_project(client, admin)
    for _ in range(2):
        response = client.post(path, headers={**admin, "Idempotency-Key": key})
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "INVALID_IDEMPOTENCY_KEY"
        assert "Idempotency-Key" in response.json()["detail"]
    assert client.get("/api/jobs?operation=projects.save", headers=admin).json()["data"]["total"] == 0


def test_execute_sync_refuses_a_blank_key(client: TestClient, admin: dict[str, str]) -> None:
    _create_project(client, admin)
    response = client.post("/api/jobs/execute-sync", json={"operation": "projects.save"},
                           headers={**admin, "Idempotency-Key": ""})
    assert response.status_code == 400, response.text


def test_a_real_key_still_returns_the_same_job(client: TestClient, admin: dict[str, str]) -> None:
    _create_project(client, admin)
    headers = {**admin, "Idempotency-Key": "save-once"}
    first = client.post("/api/projects/actions/save", headers=headers)
    second = client.post("/api/projects/actions/save", headers=headers)
    assert first.status_code == second.status_code == 202
    assert first.json()["data"]["jobId"] == second.json()["data"]["jobId"]
