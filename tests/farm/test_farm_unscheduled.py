"""The farm after faults its own schedule did not have (issue 69), each through the REST API of an API node
(the app ``serve --farm`` runs) against a Redis and agent processes of the test's own:

1. an agent's wall clock stepped back and forward, mid-session and mid-call, drops neither the agent nor its
   session's unsaved work (every duration and deadline is on the monotonic clock);
2. a Redis that comes back without its data gives the sessions their agents and unsaved work back (the agents'
   heartbeats rebuild the claims) and never refuses a brand-new session for a token it never had;
3. an agent cut off from Redis for longer than its lease, shorter than its grace, keeps its session's unsaved work;
4. Celery tells a running call ``STARTED`` while it runs (Flower, ``celery events``, the result backend) and a
   failed one ``FAILURE`` with its error code, as the API does;
5. a session whose claim Redis lost, and whose project its agent then closed, is told ``AGENT_LOST`` with the cause;
6. Celery's own event state holds an agent online while its lease lives, busy or not, and drops it paused.
"""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.farm.celery_app import FarmConfig, celery_app
from tests.conftest import CPU, data
from tests.farm.conftest import OwnFarm
from tools.farm_harness import redis_client
from tests.farm.farm_calls import WAIT, until
from tests.farm.unscheduled_session import ADD, device_names, session_headers, step_clock

pytestmark = pytest.mark.xdist_group("farm-1")

ROOT = Path(__file__).resolve().parents[2]


def _heartbeats(farm: OwnFarm, name: str, count: int) -> None:
    """Wait for ``count`` heartbeats of agent ``name`` (each a new record in Redis), its record there all along:
    more than its lease and the node's grace together, so an agent that stopped beating would be gone."""
    registry, seen, instance = farm.registry, set[float](), None
    while len(seen) < count:
        record = registry.agent(name)
        assert record is not None, f"agent {name} left the farm after {len(seen)} heartbeats"
        assert instance in (None, record.instance), "the agent was restarted"
        instance = record.instance
        seen.add(record.heartbeat_at)
        until(lambda: (now := registry.agent(name)) is None or now.heartbeat_at not in seen, "the next heartbeat")


def test_an_agents_wall_clock_stepped_both_ways_mid_call_keeps_the_agent_its_session_and_the_call(own_farm):
    farm = own_farm(1, "600:devices.add_device")
    name = next(iter(farm.agents.processes))
    with farm.node() as node:
        session = session_headers(node, "stepped")
        data(node.post("/api/projects/actions/create-sync", json={"name": "Stepped"}, headers=session))
        answers: list[Any] = []
        adding = threading.Thread(target=lambda: answers.append(
            node.post(ADD, json={"orderNumber": CPU, "name": "PLC_1"}, headers=session)))
        adding.start()
        until(lambda: ((farm.registry.agent(name) or None) and farm.registry.agent(name).current_call or "")
              .startswith("devices.add_device"), "the change runs on the agent")
        try:
            for offset in (-600.0, 600.0):  # back (time sync, a resumed VM), then forward past real time
                step_clock(farm, offset)
                _heartbeats(farm, name, 8)  # lease 5 s + grace 5 s would be over at 1 a second
        finally:
            (farm.root / "gate").touch()  # the change may end now
            adding.join(WAIT)
        assert not adding.is_alive() and answers, "the change was answered"
        assert data(answers[0])["name"] == "PLC_1", "the call that ran through both steps is answered as it ended"
        step_clock(farm, -600.0)  # mid-session, idle: the next calls find the agent and the unsaved device
        _heartbeats(farm, name, 8)
        assert device_names(node, session) == ["PLC_1"]
        agents = data(node.get("/api/farm/agents", headers=session))["agents"]
        assert [a["name"] for a in agents] == [name] and agents[0]["heldByYou"]


def test_redis_back_without_its_data_gives_sessions_their_agents_and_new_sessions_fresh_tokens(own_farm):
    farm = own_farm(2)
    with farm.node() as node:
        # An earlier ownership on the second agent: it has seen a token the emptied Redis's counter will not have.
        early = session_headers(node, "early")
        data(node.post("/api/projects/actions/create-sync", json={"name": "Early"}, headers=early))
        data(node.post("/api/projects/actions/close-sync", headers=early))
        kept = session_headers(node, "kept")
        data(node.post("/api/projects/actions/create-sync", json={"name": "Kept"}, headers=kept))
        data(node.post(ADD, json={"orderNumber": CPU, "name": "PLC_1"}, headers=kept))  # unsaved
        farm.redis.stop()
        farm.redis.start()  # no append-only file: everything Redis held is gone (claims, fence counter, leases)
        # The session's agent comes back with the claim and its unsaved work; no other session gets that agent.
        assert device_names(node, kept) == ["PLC_1"]
        # A brand-new session gets the other agent, with a token above any that agent has seen: never 409.
        fresh = session_headers(node, "fresh")
        created = node.post("/api/projects/actions/create-sync", json={"name": "Fresh"}, headers=fresh)
        assert created.status_code == 200, created.text
        holders = {a["holder"] for a in data(node.get("/api/farm/agents", headers=fresh))["agents"]}
        assert len(holders) == 2 and all(h.endswith(("/kept", "/fresh")) for h in holders), holders
        data(node.post("/api/projects/actions/close-sync", headers=fresh))
        assert device_names(node, kept) == ["PLC_1"]


def test_an_agent_cut_off_longer_than_its_lease_within_its_grace_keeps_the_sessions_unsaved_work(own_farm):
    # a lease of 2 s and a grace of 60 s: the reconnect comes well after the lease, well within the grace
    farm = own_farm(1, env={"ENGINEERING_API_FARM_LEASE_SECONDS": "2"})
    name = next(iter(farm.agents.processes))
    with farm.node(farm_lease_grace_seconds=60.0) as node:
        session = session_headers(node, "cut")
        data(node.post("/api/projects/actions/create-sync", json={"name": "Cut"}, headers=session))
        data(node.post(ADD, json={"orderNumber": CPU, "name": "PLC_1"}, headers=session))
        process = farm.agents.processes[name]
        process.send_signal(signal.SIGSTOP)  # no heartbeat reaches Redis: as a partition or a connection reset
        answers: list[Any] = []
        try:
            until(lambda: farm.registry.agent(name) is None, "the lease lapsed")
            asking = threading.Thread(target=lambda: answers.append(node.get("/api/projects/devices",
                                                                             headers=session)))
            asking.start()  # a call while the agent is away: it waits for it, within the grace
            backend = node.app.state.services.backend
            until(lambda: backend._lapsed_since or answers, "the call found the lease gone")
        finally:
            process.send_signal(signal.SIGCONT)
        asking.join(WAIT)
        assert answers, "the call was answered"
        assert [d["name"] for d in data(answers[0])] == ["PLC_1"], "the unsaved work was kept"
        assert device_names(node, session) == ["PLC_1"]


def test_celery_tells_a_running_call_started_at_once_and_a_failed_call_failure_with_its_code(own_farm):
    from tests.farm.operator_events import CeleryEvents

    farm = own_farm(1, "600:devices.add_device")
    name = next(iter(farm.agents.processes))
    app = celery_app(FarmConfig(farm.redis.url))
    events = CeleryEvents(farm.redis.url)  # what Flower and ``celery events`` receive
    try:
        events.listening()
        with farm.node() as node:
            session = session_headers(node, "watched")
            data(node.post("/api/projects/actions/create-sync", json={"name": "Watched"}, headers=session))
            answers: list[Any] = []
            adding = threading.Thread(target=lambda: answers.append(
                node.post(ADD, json={"orderNumber": CPU, "name": "PLC_1"}, headers=session)))
            adding.start()
            try:
                until(lambda: ((farm.registry.agent(name) or None) and farm.registry.agent(name).current_call or "")
                      .startswith("devices.add_device"), "the change runs on the agent")
                running = until(lambda: _task(farm, "STARTED"), "the running call is STARTED in the result backend")
                # the operator's view while it runs, not once it has ended (the call waits for the gate)
                until(lambda: "task-started" in events.of_task(running), "Flower hears that the call started")
                assert app.AsyncResult(running).state == "STARTED"
            finally:
                (farm.root / "gate").touch()
                adding.join(WAIT)
            assert data(answers[0])["name"] == "PLC_1"
            until(lambda: app.AsyncResult(running).state == "SUCCESS", "the call that ran is SUCCESS")
            refused = node.post(ADD, json={"orderNumber": "6ES7 999-9ZZ99-9ZZ9", "name": "PLC_X"}, headers=session)
            assert 400 <= refused.status_code < 500, refused.text
            code = refused.json()["code"]
            failed = until(lambda: _task(farm, "FAILURE"), "the failed call is FAILURE in the result backend")
            assert code in str(app.AsyncResult(failed).result), app.AsyncResult(failed).result
            until(lambda: "task-failed" in events.of_task(failed), "Flower hears that the call failed")
            assert code in str(next(e for e in events.seen if e.get("uuid") == failed
                                    and e["type"] == "task-failed")["exception"])
            assert device_names(node, session) == ["PLC_1"], "the failure changed nothing; the API told the truth"
    finally:
        events.stop()


def _task(farm: OwnFarm, state: str) -> str | None:
    """The id of a call in ``state`` in Celery's result backend (None: none)."""
    connection = redis_client(farm.redis.url)
    for key in connection.scan_iter(match="celery-task-meta-*"):
        raw = connection.get(key)
        if raw is not None and json.loads(raw).get("status") == state:
            return key.decode().removeprefix("celery-task-meta-")
    return None


def test_a_dead_hosts_project_opens_on_another_host_and_the_admin_releases_a_gone_agent(own_farm):
    # three agents, each a host of its own; a short lease and grace, so the dead hosts are known soon
    farm = own_farm(3, env={"HOST_PER_AGENT": "1", "ENGINEERING_API_FARM_LEASE_SECONDS": "2"})
    with farm.node(farm_lease_grace_seconds=1.0) as node:
        admin = {"X-API-Key": node.app.state.services.settings.secret_path.read_text().strip()}
        # 1. the session that held the project on the dead host opens it again elsewhere, from its last save
        first = session_headers(node, "first")
        created = data(node.post("/api/projects/actions/create-sync", json={"name": "OnDeadHost"}, headers=first))
        data(node.post("/api/projects/actions/save-sync", headers=first))
        dead = _holder(node, first)
        farm.agents.kill(dead)
        until(lambda: node.get("/api/projects", headers=first).json().get("code") == "AGENT_LOST",
              "the session hears its agent was lost")
        # the next call hears it once more (the documented "AGENT_LOST once, then open the project again")
        reopened = until(lambda: (r := node.post("/api/projects/actions/open-sync", json={"path": created["path"]},
                                                 headers=first)).json().get("code") != "AGENT_LOST" and r,
                         "an answer other than AGENT_LOST")
        assert reopened.status_code == 200, reopened.text
        assert _holder(node, first) != dead
        data(node.post("/api/projects/actions/close-sync", headers=first))
        # 2. a session that went quiet holding a project on a host that died: the admin releases the gone agent,
        # and another session opens the project on the last host
        quiet = session_headers(node, "quiet")
        held = data(node.post("/api/projects/actions/create-sync", json={"name": "Quiet"}, headers=quiet))
        data(node.post("/api/projects/actions/save-sync", headers=quiet))
        gone = _holder(node, quiet)
        farm.agents.kill(gone)
        until(lambda: farm.registry.agent(gone) is None, "the lease lapsed")
        other = session_headers(node, "other")
        locked = node.post("/api/projects/actions/open-sync", json={"path": held["path"]}, headers=other)
        assert locked.status_code in (409, 423), "a project its session may still come back to is not taken"
        release = node.post(f"/api/farm/agents/{gone}/actions/release", headers=admin)
        assert release.status_code == 200, release.text
        assert data(release)["closedProject"] is None
        opened = node.post("/api/projects/actions/open-sync", json={"path": held["path"]}, headers=other)
        assert opened.status_code == 200, opened.text


def _holder(node: TestClient[Any], session: dict[str, str]) -> str:
    agents = data(node.get("/api/farm/agents", headers=session))["agents"]
    return str(next(a["name"] for a in agents if a["heldByYou"]))


def test_a_project_redis_forgot_whose_session_moved_on_is_closed_and_its_agent_freed(own_farm):
    farm = own_farm(2)
    with farm.node() as node:
        moved = session_headers(node, "moved")
        data(node.post("/api/projects/actions/create-sync", json={"name": "Forgotten"}, headers=moved))
        held = _holder(node, moved)
        process = farm.agents.processes[held]
        process.send_signal(signal.SIGSTOP)  # its heartbeat cannot bring the claim back before the session moves on
        try:
            farm.redis.stop()
            farm.redis.start()  # without its data
            # the session starts afresh on the other agent (after the node's wait for the agents' heartbeats)
            data(node.post("/api/projects/actions/create-sync", json={"name": "Elsewhere"}, headers=moved))
            assert _holder(node, moved) != held
        finally:
            process.send_signal(signal.SIGCONT)
        # the first agent comes back holding a project no session holds: it closes it and is free again
        until(lambda: (record := farm.registry.agent(held)) is not None and record.open_project is None,
              "the orphaned project was closed")
        fresh = session_headers(node, "fresh")
        data(node.post("/api/projects/actions/create-sync", json={"name": "Fresh"}, headers=fresh))
        assert _holder(node, fresh) == held


def _data_age(farm: OwnFarm) -> float:
    """Seconds since this Redis's data began (its epoch note; 0 before one is written), by Redis' clock."""
    connection = redis_client(farm.redis.url)
    epoch = connection.get("engineering-api:farm:epoch")
    seconds, micros = connection.time()
    return 0.0 if epoch is None else (seconds * 1000 + micros // 1000 - int(epoch)) / 1000


def test_a_session_whose_project_redis_forgot_while_its_agent_was_out_of_reach_gets_it_back_when_it_returns(
        own_farm):
    """The agent is out of reach for longer than three leases after Redis lost its data (issue 91: the recovery is
    keyed on Redis being behind the agent, not on Redis being young). It used to find its claim not rebuilt, close
    the project without saving and have its session told ``AGENT_LOST``; its truth is written back now, and the
    session that never moved on keeps its project and unsaved work."""
    # a lease of 2 s: the agent comes back later than three leases after Redis lost its data
    farm = own_farm(2, env={"ENGINEERING_API_FARM_LEASE_SECONDS": "2"})
    with farm.node() as node:
        forgotten = session_headers(node, "forgotten")
        data(node.post("/api/projects/actions/create-sync", json={"name": "Forgotten"}, headers=forgotten))
        data(node.post("/api/projects/actions/save-sync", headers=forgotten))
        data(node.post(ADD, json={"orderNumber": CPU, "name": "PLC_1"}, headers=forgotten))  # unsaved
        kept = session_headers(node, "kept")  # the other agent's session: its heartbeat rebuilds its claim at once
        data(node.post("/api/projects/actions/create-sync", json={"name": "Kept"}, headers=kept))
        held = _holder(node, forgotten)
        process = farm.agents.processes[held]
        process.send_signal(signal.SIGSTOP)  # out of reach while Redis comes back without its data
        try:
            farm.redis.stop()
            farm.redis.start()
            until(lambda: _data_age(farm) > 3 * 2 + 0.5, "the time to rebuild a claim is over")
        finally:
            process.send_signal(signal.SIGCONT)
        until(lambda: str((farm.registry.claim_record(held) or {}).get("caller", "")).endswith("/forgotten"),
              "the agent wrote its session's claim back")
        assert device_names(node, forgotten) == ["PLC_1"], "its project and unsaved work, never a free agent's"
        assert device_names(node, kept) == [], "the other session kept its project"


class _CeleryState:
    """Celery's own event receiver feeding Celery's own ``State`` (what Flower and ``celery events`` keep)."""

    def __init__(self, url: str) -> None:
        self.app = celery_app(FarmConfig(url))
        self.state = self.app.events.State()
        self._receiver: Any = None
        self._thread = threading.Thread(target=self._listen, name="celery-state", daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        with self.app.connection_for_read() as connection:
            self._receiver = self.app.events.Receiver(connection, handlers={"*": self.state.event})
            self._receiver.capture(limit=None, timeout=None, wakeup=False)

    def alive(self, agent: str) -> bool:
        return any(w.alive for name, w in list(self.state.workers.items()) if name.startswith(f"{agent}@"))

    def last_beat(self, agent: str) -> float:
        """When the newest heartbeat event of ``agent`` was received (0: none)."""
        return max((w.heartbeats[-1] for name, w in list(self.state.workers.items())
                    if name.startswith(f"{agent}@") and w.heartbeats), default=0.0)

    def stop(self) -> None:
        if self._receiver is not None:
            self._receiver.should_stop = True
        self._thread.join(WAIT)


def test_celerys_monitors_hold_an_agent_online_while_its_lease_lives_busy_or_not_and_drop_it_paused(own_farm):
    farm = own_farm(1, "600:devices.add_device", env={"ENGINEERING_API_FARM_LEASE_SECONDS": "2"})
    name = next(iter(farm.agents.processes))
    monitor = _CeleryState(farm.redis.url)
    try:
        until(lambda: monitor.alive(name), "Celery's State lists the agent online")
        with farm.node() as node:
            session = session_headers(node, "monitored")
            data(node.post("/api/projects/actions/create-sync", json={"name": "Monitored"}, headers=session))
            answers: list[Any] = []
            adding = threading.Thread(target=lambda: answers.append(
                node.post(ADD, json={"orderNumber": CPU, "name": "PLC_1"}, headers=session)))
            adding.start()
            try:
                until(lambda: ((farm.registry.agent(name) or None) and farm.registry.agent(name).current_call or "")
                      .startswith("devices.add_device"), "the change runs on the agent")
                # busy in a long call (the solo pool's loop blocked): online all along, over several expiries
                for _ in range(3):
                    last = monitor.last_beat(name)

                    def later(after: float = last) -> bool:
                        return monitor.last_beat(name) > after

                    until(later, "a heartbeat event during the call")
                    assert monitor.alive(name), "a busy agent is online"
                process = farm.agents.processes[name]
                process.send_signal(signal.SIGSTOP)
                try:
                    until(lambda: not monitor.alive(name), "Celery's State drops the paused agent")
                    until(lambda: farm.registry.agent(name) is None, "the farm's lease lapsed too")
                finally:
                    process.send_signal(signal.SIGCONT)
                until(lambda: monitor.alive(name), "the agent back online in Celery's State")
            finally:
                (farm.root / "gate").touch()
                adding.join(WAIT)
            assert data(answers[0])["name"] == "PLC_1"
        farm.agents.stop_all()  # a clean stop: worker-offline
        until(lambda: not monitor.alive(name), "a stopped agent is offline at once")
    finally:
        monitor.stop()
