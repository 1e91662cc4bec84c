"""POST /api/health/shutdown stops a real ``engineering-api serve`` gracefully: a job queued before it finishes,
the process exits 0, and no job is left Pending or Running. Needs no node (unlike test_vendor_client.py)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import httpx
import pytest

from engineering_api.config import Settings
from tests.realclient.conftest import serve
from tools.bounds import HANG_GUARD_S

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.realclient.conftest import Served

EXIT_TIMEOUT_S = 30


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    yield from serve(tmp_path / "data")


def test_a_served_process_stops_gracefully(served: Served) -> None:
    headers = {"X-API-Key": served.admin_key}
    with httpx.Client(base_url=served.base, headers=headers, timeout=HANG_GUARD_S) as http:
        preview = http.post("/api/health/shutdown", params={"dryRun": "true"})
        assert preview.status_code == 200, preview.text
        assert "engineering-api serve" in preview.json()["data"]["changes"][0]["detail"]
        create = http.post("/api/projects/actions/create", json={"name": "Stopping", "directory": "stop"})
        assert create.status_code == 202, create.text
        created_job = create.json()["data"]["jobId"]
        stop = http.post("/api/health/shutdown")
        assert stop.status_code == 202, stop.text
        assert stop.json()["success"] is True
        stop_job = stop.json()["data"]["jobId"]
    code = served.wait_exit(EXIT_TIMEOUT_S)
    assert code == 0, f"the server did not exit after POST /api/health/shutdown (exit {code}):\n{served.output()}"
    db = sqlite3.connect(Settings.from_env(data_dir=served.data_dir).database_path)
    status = dict(db.execute("SELECT job_id, status FROM jobs").fetchall())
    db.close()
    # the job queued first ran to its end on the worker before the stop; nothing is left looking alive
    assert status[created_job] == "Completed" and status[stop_job] == "Completed", status
    assert not [s for s in status.values() if s in ("Pending", "Running")], status
