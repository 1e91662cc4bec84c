"""Committing a durable pull and its data."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.api.source_control_support import SC
from tests.conftest import wait_job

__all__ = ("commit_via_api", "response_data")


def response_data(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response.json()["data"]


def commit_via_api(client: TestClient, admin: dict[str, str], message: str) -> None:
    job = response_data(client.post(f"{SC}/commit", json={"Message": message}, headers=admin))["jobId"]
    assert wait_job(client, job, admin, timeout=60)["status"] == "Completed"
