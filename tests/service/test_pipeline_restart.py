"""A pipeline execution whose server died mid-run is settled at the next start, with what ran and what did not
(issue 48 item 3: after a kill and a restart the job was Failed but its execution stayed Running forever)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from engineering_api.domain.pipelines.store import PipelineStore
from tests.conftest import CPU
from tests.service.conftest import make_client
from tests.service.blocking_job import block_backend_method

LIST = {"name": "List", "action": "blocks.list", "params": {"deviceName": "PLC_1"}}
PIPELINE = {"name": "Nightly", "description": "", "trigger": "manual", "variables": {}, "onFailure": "stop",
            "steps": [LIST, {"name": "Save", "action": "projects.save"}, {**LIST, "name": "Again"}]}


def _data(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response.json()["data"]


def _executions(client: TestClient, admin: dict[str, str]) -> list[dict[str, Any]]:
    return _data(client.get("/api/pipelines/executions", headers=admin))


def test_an_execution_left_running_by_a_dead_server_is_settled_at_start(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    with make_client(data_dir) as first:
        admin = {"X-API-Key": (data_dir / "api.secret").read_text().strip()}
        _data(first.post("/api/projects/actions/create-sync", json={"name": "Line"}, headers=admin))
        _data(first.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"},
                         headers=admin))
        _data(first.post("/api/pipelines", json=PIPELINE, headers=admin))
        gate = block_backend_method(first, "save_project")
        _data(first.post("/api/pipelines/Nightly/run", headers=admin))
        deadline = time.monotonic() + 30
        store = PipelineStore(first.app.state.services.jobs.state)  # REST reads wait behind the blocked worker
        while True:  # the server "dies" while the second step runs
            runs = store.executions(None, 1)
            if runs and [s.status for s in runs[0].step_results] == ["Completed", "Running"]:
                break
            assert time.monotonic() < deadline, runs
            time.sleep(0.02)
    # The first server's worker is still blocked in this process (a dead process writes nothing more): it is let go
    # only after the reads, or its late step result could land before them.
    try:
        with make_client(data_dir) as second:
            execution = _executions(second, admin)[0]
            job = _data(second.get(f"/api/jobs/{execution['jobId']}", headers=admin))
    finally:
        gate.set()
    assert job["status"] == "Failed"
    assert execution["status"] == "Failed" and execution["completedAt"]
    steps = {s["stepName"]: s for s in execution["stepResults"]}
    assert steps["List"]["status"] == "Completed"
    assert steps["Save"]["status"] == "Failed" and steps["Save"]["errorCode"] == "OUTCOME_UNKNOWN"
    assert steps["Again"]["status"] == "Skipped" and "not run" in steps["Again"]["resultMessage"]
    assert "'Save' was running" in execution["error"] and "1 step(s) never ran" in execution["error"]
