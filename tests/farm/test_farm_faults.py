"""Farm faults: an agent killed mid-call (kill -9) ends that call with AGENT_LOST, never a wait without end, and
the project is as TIA would leave it: its last save intact, reopened by another agent."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from tests.conftest import assert_error, data
from tests.farm.conftest import start_running_instance
from tools.bounds import HANG_GUARD_S

pytestmark = pytest.mark.xdist_group("farm-1")

STEP = {"cycles": 1_000_000}
"""A million virtual PLC cycles: about two seconds of work for an agent, long enough to be killed in."""


def _held_agent(client: Any, headers: dict[str, str]) -> dict[str, Any]:
    status = data(client.get("/api/farm/agents", headers=headers))
    return next(a for a in status["agents"] if a["heldByYou"])


def _agent_with(client: Any, watcher: dict[str, str], project: str) -> dict[str, Any]:
    # The agent list needs no TIA: it answers at once, also to the caller whose long call is running.
    status = data(client.get("/api/farm/agents", headers=watcher))
    return next(a for a in status["agents"] if (a["openProject"] or "").endswith(f"/{project}"))


def _running_step(client: Any, caller: dict[str, str], project: str, answers: list[Any]) -> dict[str, Any]:
    """The record of the agent holding ``project`` once the caller's step runs on it (asked by the caller itself)."""
    deadline = time.monotonic() + HANG_GUARD_S
    while time.monotonic() < deadline:
        record = _agent_with(client, caller, project)
        if (record["currentCall"] or "").startswith("simulation.step"):
            return record
        time.sleep(0.02)
    raise AssertionError(f"the step never started on the agent: {[a.text[:200] for a in answers]}")


def test_an_agent_killed_mid_call_fails_the_call_and_its_project_reopens_elsewhere(client, farm_key, workspace, agents):
    caller = farm_key("victim")
    created = data(client.post("/api/projects/actions/create-sync", json={"name": "Saved", "path": str(workspace)},
                               headers=caller))
    data(client.post("/api/projects/actions/save-sync", headers=caller))
    data(client.post("/api/simulation/instances/create", json={"name": "Sim", "operatingMode": "SingleStep"},
                     headers=caller))
    data(client.post("/api/simulation/instances/Sim/power-on", headers=caller))
    data(client.post("/api/simulation/instances/Sim/run", headers=caller))
    home = _held_agent(client, caller)["name"]
    answers: list[Any] = []
    stepping = threading.Thread(target=lambda: answers.append(
        client.post("/api/simulation/instances/Sim/actions/step", json=STEP, headers=caller)))
    stepping.start()
    record = _running_step(client, caller, "Saved.ap19", answers)
    assert record["heldByYou"] and not answers, "the list answered while the caller's call was running"
    agents.kill(home)
    stepping.join(HANG_GUARD_S)
    assert not stepping.is_alive(), "the caller was told, not left waiting"
    # The step had started: whether it completed is not known (a stalled host would go on with it; issue 48).
    body = assert_error(answers[0], 503, "OUTCOME_UNKNOWN")
    assert body["details"]["cause"] == "AGENT_LOST" and "last save" in body["message"]
    # The caller's agent is gone: the next call says so once, then the caller starts afresh on another agent.
    assert_error(client.get("/api/projects", headers=caller), 503, "AGENT_LOST")
    reopened = data(client.post("/api/projects/actions/open-sync", json={"path": created["path"]}, headers=caller))
    assert reopened["name"] == "Saved"
    assert _held_agent(client, caller)["name"] != home


def test_the_broker_restarting_loses_no_accepted_call(client, farm_key, workspace, redis_server):
    caller = farm_key("patient")
    start_running_instance(client, caller, workspace, "Steady", "Sim2")
    answers: list[Any] = []
    stepping = threading.Thread(target=lambda: answers.append(
        client.post("/api/simulation/instances/Sim2/actions/step", json=STEP, headers=caller)))
    stepping.start()
    _running_step(client, caller, "Steady.ap19", answers)  # accepted: the agent runs it
    redis_server.restart()
    sent_while_down: list[Any] = []
    listing = threading.Thread(target=lambda: sent_while_down.append(client.get("/api/projects", headers=caller)))
    listing.start()
    stepping.join(90)
    listing.join(90)
    assert data(answers[0])["cycles"] == STEP["cycles"], "the call accepted before the restart completed once"
    assert data(sent_while_down[0])[0]["name"] == "Steady"
    state = data(client.get("/api/simulation/instances/Sim2/state", headers=caller))
    assert state["scanTime"]["cycles"] == STEP["cycles"], "it ran exactly once"
