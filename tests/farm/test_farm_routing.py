"""Farm mode through HTTP: callers get agents of their own, a project stays on its agent, agents are visible."""

from __future__ import annotations

import concurrent.futures
import time
from typing import Any

import pytest

from tests.conftest import assert_error, data
from tools.bounds import HANG_GUARD_S

pytestmark = pytest.mark.xdist_group("farm-1")


def _create(client: Any, headers: dict[str, str], workspace: Any, name: str) -> dict[str, Any]:
    return data(client.post("/api/projects/actions/create-sync", json={"name": name, "path": str(workspace)},
                            headers=headers))


def _agents(client: Any, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    status = data(client.get("/api/farm/agents", headers=headers))
    assert status["mode"] == "farm"
    return {agent["name"]: agent for agent in status["agents"]}


def test_agents_are_listed_with_versions_and_heartbeat(client, viewer_headers, agents):
    import datetime as dt

    from engineering_api.farm.registry import AGENT_TTL_SECONDS, AgentRegistry
    from tools.farm_harness import redis_client

    registry = AgentRegistry(redis_client(agents.redis_url))
    listed = _agents(client, viewer_headers)
    assert len(listed) >= 2 and all(name.startswith("agent") for name in listed)
    for name, agent in listed.items():
        assert agent["tiaVersions"] == ["V19"] and agent["backend"] == "fake"
        assert agent["heartbeatAt"].endswith("Z") and not agent["held"] and agent["openProject"] is None
        assert len(agent["instanceId"]) == 32 and agent["projects"] == [] and agent["closing"] is False
        # the running process's instance, and a heartbeat of its current lease
        assert agent["instanceId"] == _instance_of(registry, name)
        beat = dt.datetime.fromisoformat(agent["heartbeatAt"].replace("Z", "+00:00"))
        age = (dt.datetime.now(dt.timezone.utc) - beat).total_seconds()
        assert -1 <= age <= AGENT_TTL_SECONDS + 1, agent["heartbeatAt"]


def _instance_of(registry: Any, name: str) -> str:
    record = registry.agent(name)
    assert record is not None, f"{name} is alive"
    return str(record.instance)


def test_two_callers_work_on_their_own_projects_on_different_agents(client, farm_key, workspace, services):
    first, second = farm_key("first"), farm_key("second")
    _create(client, first, workspace, "Line1")
    _create(client, second, workspace, "Line2")
    assert data(client.get("/api/projects", headers=first))[0]["name"] == "Line1"
    assert data(client.get("/api/projects", headers=second))[0]["name"] == "Line2"
    agents = _agents(client, first)
    held = {a["openProject"].rsplit("/", 1)[-1]: a for a in agents.values() if a["openProject"]}
    assert set(held) == {"Line1.ap19", "Line2.ap19"}
    assert held["Line1.ap19"]["heldByYou"] and not held["Line2.ap19"]["heldByYou"]
    tokens = {name: a["projects"][0]["fencingToken"] for name, a in held.items()}
    claims = {a["projects"][0]["fencingToken"]: a["name"] for a in held.values()}
    assert all(services.backend.registry.claim_record(agent)["token"] == token for token, agent in claims.items()), \
        "each listed token is the one the agent's claim carries"
    assert [a["projects"][0]["path"] for a in held.values()] == [a["openProject"] for a in held.values()]
    assert tokens["Line2.ap19"] > tokens["Line1.ap19"], "each ownership has its own, newer token"


def test_a_project_stays_on_its_agent_for_a_hundred_operations(client, farm_key, workspace):
    caller = farm_key("affinity")
    _create(client, caller, workspace, "Sticky")
    home = next(a for a in _agents(client, caller).values() if a["heldByYou"])
    before = {name: a["callsDone"] for name, a in _agents(client, caller).items()}
    for i in range(100):
        if i % 2:
            assert data(client.get("/api/projects/overview", headers=caller))["projectName"] == "Sticky"
        else:
            assert data(client.get("/api/projects/devices", headers=caller)) == []
    after = _agents(client, caller)
    assert after[home["name"]]["callsDone"] - before[home["name"]] >= 100
    assert all(after[name]["callsDone"] == before[name] for name in after if name != home["name"])


def test_closing_gives_the_agent_back(client, farm_key, workspace):
    caller = farm_key("closer")
    _create(client, caller, workspace, "Short")
    data(client.post("/api/projects/actions/close-sync", headers=caller))
    assert not any(a["held"] for a in _agents(client, caller).values())


def test_no_free_agent_is_503_and_names_the_next_step(client, farm_key, workspace):
    for i in range(len(_agents(client, farm_key("counter")))):
        _create(client, farm_key(f"busy{i}"), workspace, f"Busy{i}")
    body = assert_error(client.post("/api/projects/actions/create-sync", json={"name": "Late", "path": str(workspace)},
                                    headers=farm_key("late")), 503, "NO_FREE_AGENT")
    assert "engineering-api agent" in body["message"]
    assert not (workspace / "Late").exists()


def test_keys_without_a_session_share_the_default_portal_as_embedded(client, engineer_headers, viewer_headers,
                                                                   workspace):
    _create(client, engineer_headers, workspace, "Shared")
    assert [p["name"] for p in data(client.get("/api/projects", headers=viewer_headers))] == ["Shared"]
    assert [a["heldByYou"] for a in _agents(client, viewer_headers).values()].count(True) == 1


def test_a_session_header_gives_one_key_a_second_portal(client, farm_key, workspace):
    caller = farm_key("pipeline")
    _create(client, caller, workspace, "Main")
    _create(client, {**caller, "X-Engineering-Session": "build-2"}, workspace, "Other")
    assert data(client.get("/api/projects", headers=caller))[0]["name"] == "Main"
    assert data(client.get("/api/projects",
                           headers={**caller, "X-Engineering-Session": "build-2"}))[0]["name"] == "Other"


def test_two_callers_racing_to_open_one_project_never_share_it(client, farm_key, workspace):
    owner = farm_key("owner")
    created = _create(client, owner, workspace, "Contested")
    data(client.post("/api/projects/actions/save-sync", headers=owner))
    data(client.post("/api/projects/actions/close-sync", headers=owner))
    racers = [farm_key("r1"), farm_key("r2")]

    def open_it(headers: dict[str, str]) -> Any:
        return client.post("/api/projects/actions/open-sync", json={"path": created["path"]}, headers=headers)

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(open_it, racers))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200, 423], [a.text for a in answers]
    loser = next(a for a in answers if a.status_code == 423)
    assert loser.json()["code"] == "PROJECT_LOCKED"
    held = [a for a in _agents(client, owner).values() if a["held"]]
    assert len(held) == 1, "the loser's claim is given back"


def test_an_admin_releases_an_agent_a_caller_left_holding(client, farm_key, workspace, admin_headers, engineer_headers):
    from tests.conftest import CPU

    caller = farm_key("gone-home")
    _create(client, caller, workspace, "Left")
    data(client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"},
                     headers=caller))
    held = next(a for a in _agents(client, caller).values() if a["heldByYou"])
    path = f"/api/farm/agents/{held['name']}/actions/release"
    assert_error(client.post(path, headers=engineer_headers), 403)
    preview = data(client.post(path, json={"dryRun": True}, headers=admin_headers))
    assert preview["dryRun"] and any("unsaved" in w for w in preview["warnings"])
    assert _agents(client, caller)[held["name"]]["held"], "a dry run changes nothing"
    released = data(client.post(path, headers=admin_headers))
    assert released["closedProject"].endswith("Left.ap19") and released["discardedUnsavedChanges"]
    assert not _agents(client, caller)[held["name"]]["held"]
    assert data(client.get("/api/projects", headers=caller)) == []
    assert_error(client.post("/api/farm/agents/nobody/actions/release", headers=admin_headers), 404, "AGENT_NOT_FOUND")


def test_a_held_area_of_the_port_is_served_by_the_callers_agent(client, farm_key, workspace):
    """The Openness reflection area is an object the backend holds (``backend.reflection``); through the farm its
    methods travel as ``reflection.<method>`` and run on the agent that holds the caller's project."""
    caller = farm_key("reflection")
    found = data(client.get("/api/diagnostic/types", params={"filter": "OnlineProvider"}, headers=caller))
    assert "Siemens.Engineering.Online.OnlineProvider" in [t["fullName"] for t in found["types"]]
    _create(client, caller, workspace, "Reflect")
    data(client.post("/api/projects/devices/actions/add-sync",
                     json={"orderNumber": "6ES7 516-3AN02-0AB0", "name": "PLC_1"}, headers=caller))
    services = data(client.get("/api/diagnostic/plc-services/PLC_1", headers=caller))
    assert services["targetName"] == "PLC_1" and services["available"]
    assert_error(client.get("/api/diagnostic/plc-services/NOPE", headers=caller), 404, "DEVICE_NOT_FOUND")


def test_a_revoked_keys_session_gives_its_agent_back_at_the_nodes_sweep(client, services, workspace):
    from engineering_api.app import _end_revoked_sessions

    info, secret = services.keys.create("leaver", "engineer")
    headers = {"X-API-Key": secret, "X-Engineering-Session": "work"}
    _create(client, headers, workspace, "Left")
    held = next(a for a in _agents(client, headers).values() if a["heldByYou"])
    services.keys.revoke(info.key_id)
    _end_revoked_sessions(services)  # what the node's scheduler runs every minute
    registry = services.backend.registry
    deadline = time.monotonic() + HANG_GUARD_S
    while registry.claim_record(held["name"]) is not None or registry.agent(held["name"]).open_project is not None:
        assert time.monotonic() < deadline, "the agent closed the revoked key's project"
        time.sleep(0.05)
