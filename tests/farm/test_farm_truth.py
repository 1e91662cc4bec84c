"""The farm tells the truth after a fault (issue 32): one test per case that was reproduced against it.

1. a call sent to an agent just killed is reported lost and never runs when the agent comes back;
2. an agent restarted at once under its name is a new instance: its caller hears AGENT_LOST at once;
3. Redis away for longer than an agent's lease: running calls deliver, new calls wait, nobody loses an agent,
   and the agents route answers 503, never 500;
4. an API node crashed mid-job: the restarted node re-attaches the job, which ends with its real state;
5. a slow agent that ignores a cancel: the caller hears OUTCOME_UNKNOWN with the call id, nobody else gets the
   project until the agent has closed it, and the job's final state is filled in when the agent reports.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend.errors import EngineeringError, OperationTimeoutError
from engineering_api.farm import FarmBackend, FarmConfig
from engineering_api.farm.celery_app import UNSETTLED_STATES
from engineering_api.farm.proxy import FarmBackendBase
from engineering_api.farm.registry import NAME_HELD, AgentRecord, Claim
from simatic_xml.cancel import CancelToken, installed
from tests.conftest import assert_error, data
from tests.lib.outcomes import raises_code
from tests.farm.conftest import start_running_instance
from tools.bounds import HANG_GUARD_S
from tools.farm_harness import Agents, ApiNode
from tests.farm.farm_calls import InterruptedJobs, WAIT, as_caller, until

pytestmark = pytest.mark.xdist_group("farm-1")


def test_a_call_sent_to_a_killed_agent_is_lost_and_never_runs_when_it_returns(farm, agents, workspace):
    claim = farm.registry.claim("case1")
    agents.kill(claim.agent)
    lost = raises_code(EngineeringError, "AGENT_LOST", farm._send, claim, "create_project", (Path(workspace), "Orphan"),
                       {"author": "", "comment": ""}, None)
    call_id = lost.details["callId"]
    farm.registry.release("case1")
    agents.start(1, names=[claim.agent])  # the service wrapper brings it back
    state, outcome = until(lambda: (s := farm.stored_outcome(call_id))[0] not in UNSETTLED_STATES and s,
                           "the returned agent reached the queued call")
    # Celery dropped it (revoked), or the new instance refused it: either way it never ran.
    assert state == "REVOKED" or (state == "SUCCESS" and outcome["error"]["code"] == "STALE_AGENT_INSTANCE"), outcome
    assert not (Path(workspace) / "Orphan").exists(), "the call reported lost did not run"
    created = as_caller("case1-next", lambda: farm.create_project(Path(workspace), "Next", author="", comment=""))
    assert created.name == "Next", "the next session gets an agent, no 409"


def test_an_agent_restarted_at_once_is_a_new_instance_and_its_caller_hears_it_at_once(farm, agents, workspace):
    as_caller("case2", lambda: farm.create_project(Path(workspace), "Quick", author="", comment=""))
    held = farm.registry.holding("case2").claim
    assert held is not None
    for queued in (("simulation.create_instance", ("S2",), {"operating_mode": "SingleStep"}),
                   ("simulation.power_on", ("S2",), {}),
                 ("simulation.run", ("S2",), {})):
        farm._send(held, queued[0], queued[1], queued[2], None)
    answers: list[BaseException | Any] = []

    def step() -> None:
        try:
            answers.append(as_caller("case2", lambda: farm.simulation.step("S2", cycles=1_000_000)))
        except BaseException as exc:  # recorded for the assertions
            answers.append(exc)

    stepping = threading.Thread(target=step)
    stepping.start()
    until(lambda: answers or (farm.registry.agent(held.agent).current_call or "").startswith("simulation.step"),
          "the step started")
    assert not answers, f"the step ended before the agent was killed: {answers}"
    agents.kill(held.agent)
    # What a wrapper's restart writes first: a record of a new instance, as soon as the killed one's lease lapsed
    # (its name is taken then, never while another instance's lease lives: issue 91).
    until(lambda: farm.registry.heartbeat(AgentRecord(held.agent, "fake", ["V19"])) != NAME_HELD,
          "the killed instance's lease lapsed and the new one took the name")
    stepping.join(WAIT)
    assert not stepping.is_alive(), "told at once, not at the call's timeout"
    # The step had started: it may have ended before the kill, so "did not complete" is not known (issue 48).
    assert isinstance(answers[0], EngineeringError) and answers[0].code == "OUTCOME_UNKNOWN", answers
    assert answers[0].details["cause"] == "AGENT_LOST" and "restarted" in answers[0].message
    raises_code(EngineeringError, "AGENT_LOST", as_caller, "case2", lambda: farm.session_status())
    agents.start(1, names=[held.agent])


def test_redis_away_longer_than_a_lease_loses_no_call_and_no_agent(client, farm_key, workspace, redis_server,
                                                                    agents):
    caller = farm_key("outage")
    start_running_instance(client, caller, workspace, "Through", "S3")
    held = next(a for a in data(client.get("/api/farm/agents", headers=caller))["agents"] if a["heldByYou"])
    answers: list[Any] = []
    stepping = threading.Thread(target=lambda: answers.append(
        client.post("/api/simulation/instances/S3/actions/step", json={"cycles": 1_000_000}, headers=caller)))
    stepping.start()
    until(lambda: answers or any((a["currentCall"] or "").startswith("simulation.step")
                                 for a in data(client.get("/api/farm/agents", headers=caller))["agents"]),
          "the step started")
    assert not answers, answers[0].text
    redis_server.stop()
    assert_error(client.get("/api/farm/agents", headers=caller), 503, "FARM_BROKER_UNREACHABLE")
    sent_while_down: list[Any] = []
    listing = threading.Thread(target=lambda: sent_while_down.append(client.get("/api/projects", headers=caller)))
    listing.start()
    # The outage outlasts every agent's lease (AGENT_TTL_SECONDS): a schedule parameter, not an assertion.
    time.sleep(7)
    redis_server.start(persistent=True)
    stepping.join(WAIT)
    listing.join(WAIT)
    assert data(answers[0])["cycles"] == 1_000_000, "the running call finished and was delivered"
    assert data(sent_while_down[0])[0]["name"] == "Through", "the call sent during the outage waited and ran"
    again = next(a for a in data(client.get("/api/farm/agents", headers=caller))["agents"] if a["heldByYou"])
    assert (again["name"], again["instanceId"]) == (held["name"], held["instanceId"]), "the session kept its agent"
    assert again["projects"] and again["projects"][0]["fencingToken"] == held["projects"][0]["fencingToken"]


@pytest.fixture
def slow_farm(timed_farm) -> tuple[FarmBackendBase, Agents]:
    """A farm of its own with one agent whose every call takes 6 s and ignores a cancel (TIA in a C call)."""
    return timed_farm("6")


def test_a_slow_agent_that_ignores_a_cancel_gives_outcome_unknown_and_nobody_else_gets_the_project(
        slow_farm, workspace):
    farm, _ = slow_farm
    token = CancelToken()

    def time_out_once_running() -> None:  # the API node's timeout, while the agent runs the call
        until(lambda: (farm.registry.agents()[0].current_call or "").startswith("create_project"), "it started")
        token.cancel(OperationTimeoutError("timed out"))

    threading.Thread(target=time_out_once_running, daemon=True).start()
    with installed(token), pytest.raises(EngineeringError) as unknown:
        as_caller("owner", lambda: farm.create_project(Path(workspace), "Slow", author="", comment=""))
    assert unknown.value.code == "OUTCOME_UNKNOWN" and unknown.value.details["callId"], unknown.value
    path = Path(workspace) / "Slow" / "Slow.ap19"
    with pytest.raises(EngineeringError) as closing:
        as_caller("owner", lambda: farm.session_status())
    assert closing.value.code == "PROJECT_CLOSING"
    with pytest.raises(EngineeringError) as other:
        as_caller("intruder", lambda: farm.open_project(path))
    assert other.value.code == "NO_FREE_AGENT", "the agent is not handed out while it closes the project"
    with pytest.raises(EngineeringError):
        as_caller("intruder", lambda: farm.blocks.list_blocks("PLC_1"))
    agent = farm.registry.agents()[0]
    until(lambda: farm.registry.claim_record(agent.name) is None, "the agent confirmed it closed the project")
    # the agent's record (what the agent list shows) follows at its next heartbeat, not with the confirmation
    until(lambda: farm.registry.agent(agent.name).open_project is None, "the agent's record shows no project")
    state, outcome = farm.stored_outcome(unknown.value.details["callId"])
    assert state == "SUCCESS" and outcome is not None and "result" in outcome, "the call's real end is on record"
    reopened = as_caller("intruder", lambda: farm.open_project(path))
    assert reopened.name == "Slow", "once closed, the project is anyone's again"
    # The stale owner's token is refused by the agent itself, whatever route it takes.
    raises_code(EngineeringError, "STALE_FENCING_TOKEN", farm._send, Claim(agent.name, agent.instance, 1),
                "save_project", (), {}, None)


def test_an_api_node_restarted_mid_job_reattaches_it_and_it_ends_with_what_is_known(slow_farm, tmp_path):
    """The call completes after the restart, but the operation's steps after it never ran: not Completed, but
    OUTCOME_UNKNOWN naming the change that completed (issue 48)."""
    import httpx

    farm, _ = slow_farm
    node = ApiNode(tmp_path / "node", farm.config.broker_url)
    node.start()
    try:
        headers = {"X-API-Key": node.admin_key}
        job = httpx.post(f"{node.url}/api/projects/actions/create", json={"name": "Across", "path": "."},
                         headers=headers, timeout=HANG_GUARD_S).json()
        job_id = job["data"]["jobId"]
        until(lambda: (farm.registry.agents()[0].current_call or "").startswith("create_project"), "it runs")
        node.crash()  # the API node dies; the agent goes on
        node.start()

        def ended() -> dict[str, Any] | None:
            try:
                body = httpx.get(f"{node.url}/api/jobs/{job_id}", headers=headers, timeout=HANG_GUARD_S).json()
            except httpx.HTTPError:
                return None
            record = body["data"]
            return record if record["status"] in ("Completed", "Failed", "Canceled") else None

        record = until(ended, "the re-attached job ended")
        assert record["status"] == "Failed" and record["errorCode"] == "OUTCOME_UNKNOWN", record
        assert record["errorDetails"]["completedCalls"] == ["create_project"], record
        assert (node.data_dir / "workspace" / "Across" / "Across.ap19").exists()
    finally:
        node.crash()


def _ended_outcome_unknown(farm: FarmBackendBase, data_dir: Path) -> Iterator[tuple[Any, Callable[[], dict[str, Any]]]]:
    """An API node on ``farm`` whose jobs time out after 1 s; yields its settings and the job status of a project
    create that ended ``OUTCOME_UNKNOWN`` (its call still runs on the agent)."""
    from litestar.testing import TestClient

    from engineering_api.app import create_app
    from engineering_api.config import Settings

    # A node waits until a Redis's data is a lease old before it chooses an agent (claims Redis lost come back with
    # their agents' heartbeats): the job's 1 s must run from its call, not from that wait, or it ends before the
    # call is sent (TIMEOUT: nothing ran).
    until(lambda: farm.registry.holding("test").data_age >= farm.config.lease_seconds, "the farm's data a lease old")
    settings = Settings.from_env(data_dir=data_dir, farm_url=farm.config.broker_url, job_timeout_seconds=1)
    with TestClient(create_app(settings)) as client:
        headers = {"X-API-Key": settings.secret_path.read_text().strip()}
        job_id = data(client.post("/api/projects/actions/create", json={"name": "Late", "path": "."},
                                  headers=headers), 202)["jobId"]

        def status() -> dict[str, Any]:
            return data(client.get(f"/api/jobs/{job_id}", headers=headers))

        first = until(lambda: (s := status())["status"] in ("Completed", "Failed", "Canceled") and s, "it ended")
        assert first["status"] == "Failed" and first["errorCode"] == "OUTCOME_UNKNOWN", first
        yield settings, status


def _settled_as_ran(status: Callable[[], dict[str, Any]]) -> None:
    final = until(lambda: "callOutcome" in ((s := status())["errorDetails"] or {}) and s, "the agent's report")
    # the call completed; the operation stopped at it (its node gave up), so it stays unknown, naming the change
    assert final["status"] == "Failed" and final["errorCode"] == "OUTCOME_UNKNOWN", final
    assert final["errorDetails"]["callOutcome"] == "ran", final
    assert final["errorDetails"]["completedCalls"] == ["create_project"], final


def test_a_job_that_ended_outcome_unknown_gets_its_real_state_when_the_agent_reports(slow_farm, tmp_path):
    farm, _ = slow_farm
    with contextlib.contextmanager(_ended_outcome_unknown)(farm, tmp_path / "node") as (settings, status):
        _settled_as_ran(status)
        assert (settings.roots[0] / "Late" / "Late.ap19").exists()


def test_a_job_whose_call_replies_before_its_thread_gives_up_on_the_agent_gets_its_real_state(
        timed_farm, tmp_path, monkeypatch):
    """The job's worker gives up on its thread (timeout and unwind grace: 2 s here) before the thread gives up on
    the agent (CANCEL_GRACE_SECONDS after the cancel). The call's reply can reach the thread in between (seen on a
    loaded CI machine): the thread then hears an end and never gives up, so the worker must have the job's end
    filled in. Here the thread never gives up; the call ends (its gate) once the job has ended."""
    from engineering_api.farm import proxy

    monkeypatch.setattr(proxy, "CANCEL_GRACE_SECONDS", 3600.0)
    farm, _ = timed_farm("3600:create_project")
    with contextlib.contextmanager(_ended_outcome_unknown)(farm, tmp_path / "node") as (settings, status):
        (tmp_path / "gate").touch()
        _settled_as_ran(status)
        assert (settings.roots[0] / "Late" / "Late.ap19").exists()


def test_a_call_delivered_twice_runs_once(farm):
    from engineering_api.farm.celery_app import CALL_TASK
    from engineering_api.farm.codec import encode
    from engineering_api.farm.registry import agent_queue

    target = farm.registry.free_agent()
    call_id = "twice-" + target.instance[:8]
    payload = {"args": encode(["Once"]), "kwargs": {}}
    fence = {"instance": target.instance, "token": None}
    for _ in range(2):  # what a broker's redelivery after a lost ack looks like to the agent
        farm.app.send_task(CALL_TASK, args=["simulation.create_instance", payload, call_id, "", fence],
                           queue=agent_queue(target.agent), task_id=call_id)
    first = farm.registry.next_message(call_id, WAIT)
    assert first is not None and "result" in first, first
    # Calls of one agent run in order: once this one answers, the second delivery has been dealt with.
    names = [i.name for i in farm._send(target, "simulation.list_instances", (), {}, None)]
    assert names.count("Once") == 1
    assert farm.registry.next_message(call_id, 0.5) is None, "no second outcome: it did not run again"
    assert farm.stored_outcome(call_id)[1] == first, "the stored outcome is the first run's"


def test_a_call_delivered_again_by_an_older_copy_of_redis_without_its_start_mark_runs_once(farm):
    """Redis back from an older copy of its data (issue 91) holds a call's message again, which the agent had taken
    and run, and misses the call's start mark: the agent's own word (the calls it started) keeps it from running
    twice."""
    from engineering_api.farm.celery_app import CALL_TASK
    from engineering_api.farm.codec import encode
    from engineering_api.farm.registry import agent_queue

    target = farm.registry.free_agent()
    call_id = "again-" + target.instance[:8]

    def send() -> None:
        farm.app.send_task(CALL_TASK, args=["simulation.create_instance", {"args": encode(["Once"]), "kwargs": {}},
                                            call_id, "", {"instance": target.instance, "token": None}],
                           queue=agent_queue(target.agent), task_id=call_id)

    send()
    first = farm.registry.next_message(call_id, WAIT)
    assert first is not None and "result" in first, first
    farm.config.redis().delete(f"{farm.config.prefix}:call:{call_id}")  # its start mark: what the copy misses
    send()
    # Calls of one agent run in order: once this one answers, the second delivery has been dealt with.
    names = [i.name for i in farm._send(target, "simulation.list_instances", (), {}, None)]
    assert names.count("Once") == 1
    assert farm.registry.next_message(call_id, 0.5) is None, "no second outcome: it did not run again"


def test_a_reattached_call_that_was_noted_but_never_sent_ends_within_seconds(farm):
    """A node that died between noting a job's call and sending it: the call is in no queue and never started.
    The restarted node must not wait for its hour-long expiry: the job fails INTERRUPTED, and the call never
    runs should its message turn up."""
    import uuid

    from engineering_api.farm.reattach import watch

    record = farm.registry.agents()[0]
    call = {"callId": uuid.uuid4().hex, "agent": record.name, "instance": record.instance,
            "method": "create_project", "sentAt": time.time()}
    jobs = InterruptedJobs()
    watch(jobs, farm, "job-never-sent", call)  # type: ignore[arg-type]  # a double with only what watch() uses
    assert jobs.settled.wait(HANG_GUARD_S), "settled within seconds, not at the call's expiry"
    assert jobs.status == "Failed" and jobs.failure is not None and jobs.failure.code == "INTERRUPTED", jobs.failure
    assert farm.registry.cancel_requested(call["callId"]), "made never to run"


def test_an_agent_whose_lease_lapsed_closes_the_project_its_session_lost_when_it_comes_back(agents, workspace):
    """A stalled host (its lease ended, the process not dead): its caller hears AGENT_LOST and gives the agent
    up. When the host comes back with the project still open, it is told to close it, so no project stays open
    (and locked) on an agent that no session holds."""
    import signal

    from tests.farm.conftest import give_back

    farm = FarmBackend(FarmConfig(agents.redis_url, outage_grace_seconds=0.5))
    try:
        as_caller("stalled", lambda: farm.create_project(Path(workspace), "Stalled", author="", comment=""))
        claim = farm.registry.holding("stalled").claim
        assert claim is not None
        process = agents.processes[claim.agent]
        process.send_signal(signal.SIGSTOP)
        try:
            until(lambda: farm.registry.agent(claim.agent) is None, "the stalled agent's lease lapsed")
            with pytest.raises(EngineeringError) as lost:
                as_caller("stalled", lambda: farm.session_status())
            assert lost.value.code == "AGENT_LOST"
        finally:
            process.send_signal(signal.SIGCONT)
        until(lambda: (r := farm.registry.agent(claim.agent)) is not None and r.open_project is None,
              "the returned agent closed the project no session holds")
        until(lambda: farm.registry.claim_record(claim.agent) is None, "and is free again")
        assert farm.registry.holding("stalled").claim is None
    finally:
        farm.close()
        give_back(agents.redis_url)


def test_the_sessions_of_a_revoked_key_give_their_agents_back(farm, workspace):
    as_caller("revoked/s1", lambda: farm.create_project(Path(workspace), "Revoked", author="", comment=""))
    as_caller("active/s2", lambda: farm.create_project(Path(workspace), "Active", author="", comment=""))
    gone = farm.registry.holding("revoked/s1").claim
    kept = farm.registry.holding("active/s2").claim
    assert farm.sweep_sessions({"revoked"}) == ["revoked/s1"]
    until(lambda: farm.registry.claim_record(gone.agent) is None, "the revoked key's agent closed its project")
    assert farm.registry.agent(gone.agent).open_project is None
    assert farm.registry.holding("active/s2").claim == kept, "an active key's session keeps its agent"
    assert farm.registry.agent(kept.agent).open_project is not None


def test_a_publish_that_failed_after_reaching_the_broker_is_answered_not_run_and_never_runs(farm, agents):
    """Fault schedule seed 2793057001 answered an import 500: a broker failure the publish did not expect. A
    failed publish may still have reached the broker; the call is stopped before it is answered as not sent."""
    from redis.exceptions import ResponseError

    target = farm.registry.free_agent()
    real_send = farm.app.send_task
    sent: list[str] = []

    def send_task(name: str, args: list[Any], **options: Any) -> Any:
        real_send(name, args, **options)  # it reached the broker, and then its answer was an error
        sent.append(options["task_id"])
        raise ResponseError("the broker failed while answering")

    import signal

    farm.app.send_task = send_task
    process = agents.processes[target.agent]
    process.send_signal(signal.SIGSTOP)  # the agent does not take the message before the answer (deterministic)
    try:
        with pytest.raises(EngineeringError) as answer:
            farm._send(target, "simulation.create_instance", ("Unsent",), {}, None)
    finally:
        process.send_signal(signal.SIGCONT)
        farm.app.send_task = real_send
    assert answer.value.code == "FARM_BROKER_UNREACHABLE", answer.value
    state, outcome = until(lambda: (s := farm.stored_outcome(sent[0]))[0] not in UNSETTLED_STATES and s,
                           "the agent reached the message")
    assert state == "REVOKED" or "error" in outcome, outcome
    names = [i.name for i in farm._send(target, "simulation.list_instances", (), {}, None)]
    assert "Unsent" not in names, "answered not sent, and it did not run"


def test_a_publish_that_failed_inside_kombu_is_answered_not_run_and_the_next_call_is_sent(farm):
    """Fault schedule seed 1113078639: after a Redis restart a pooled producer's channel had been closed under
    it, and kombu's AttributeError reached the client as a 500."""
    target = farm.registry.free_agent()
    real_send = farm.app.send_task

    def send_task(name: str, args: list[Any], **options: Any) -> Any:
        raise AttributeError("'NoneType' object has no attribute 'client'")  # kombu's, from a closed channel

    farm.app.send_task = send_task
    try:
        with pytest.raises(EngineeringError) as answer:
            farm._send(target, "simulation.create_instance", ("Broken",), {}, None)
    finally:
        farm.app.send_task = real_send
    assert answer.value.code == "FARM_BROKER_UNREACHABLE", answer.value
    assert "Broken" not in [i.name for i in farm._send(target, "simulation.list_instances", (), {}, None)]
