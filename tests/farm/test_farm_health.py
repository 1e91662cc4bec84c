"""``GET /api/health`` on a farm (issue 48): every agent busy is healthy; no agent reachable is not."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from engineering_api.farm.celery_app import CALL_TASK
from engineering_api.farm.codec import encode
from engineering_api.farm.registry import agent_queue
from tests.conftest import data
from tests.farm.farm_calls import until

pytestmark = pytest.mark.xdist_group("farm-1")


def test_health_is_healthy_while_every_agent_is_busy_and_degraded_without_agents(timed_farm, tmp_path):
    from litestar.testing import TestClient

    from engineering_api.app import create_app
    from engineering_api.config import Settings

    farm, agents = timed_farm("600:create_project")
    target = farm.registry.free_agent()
    call_id = uuid.uuid4().hex
    farm.app.send_task(CALL_TASK, args=["create_project", {"args": encode([tmp_path, "Busy"]),
                                                           "kwargs": encode({"author": "", "comment": ""})},
                                        call_id, "", {"instance": target.instance, "token": None}],
                       queue=agent_queue(target.agent), task_id=call_id)
    until(lambda: (farm.registry.agent(target.agent).current_call or "").startswith("create_project"), "it runs")
    settings = Settings.from_env(data_dir=tmp_path / "node", farm_url=farm.config.broker_url)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        busy: dict[str, Any] = data(client.get("/api/health"))
        assert busy["status"] == "Healthy" and busy["workerResponsive"] and busy["portalConnected"], busy
        assert busy["backend"] == "farm"
        (tmp_path / "gate").touch()  # the busy call ends
        agents.stop_all()
        until(lambda: not farm.registry.agents(), "the agent withdrew")
        gone = data(client.get("/api/health"))
        assert gone["status"] == "Degraded" and not gone["portalConnected"], gone
    assert (Path(tmp_path) / "Busy" / "Busy.ap19").exists()
