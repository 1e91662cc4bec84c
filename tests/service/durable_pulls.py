"""Committing a durable pull and its data."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.api.source_control_support import SC
from tests.conftest import wait_job

__all__ = ("_commit", "_data")


def _data(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response.json()["data"]


def _commit(client: TestClient, admin: dict[str, str], message: str) -> None:
    job = _data(client.post(f"{SC}/commit", json={"Message": message}, headers=admin))["jobId"]
    assert wait_job(client, job, admin, timeout=60)["status"] == "Completed"
