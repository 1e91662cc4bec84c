"""A job's end after an API node restart, a timeout or a lost lease is told by its whole operation (issue 48).

1. a re-attached job is never Completed with one call's result: the operation stopped where its node stopped
   (a read that completed: ``INTERRUPTED``; a change that completed: ``OUTCOME_UNKNOWN`` naming it), and a retry
   with the same Idempotency-Key while it is re-attached waits for it, like any retry of a running job;
2. a revoke (a cancel or timeout) does not let an idle agent mark a started call ``REVOKED``: the agent that runs
   it says how it ended;
3. a started change whose agent's lease lapsed is ``OUTCOME_UNKNOWN``, not ``AGENT_LOST``: the agent (a stalled
   host) may complete it; a call it had not started is fenced and is ``AGENT_LOST``.
"""

from __future__ import annotations

import signal
import threading
import time
import uuid
from pathlib import Path
from typing import Any, cast

import httpx
import pytest

from engineering_api.backend.errors import EngineeringError
from engineering_api.farm.celery_app import CALL_TASK
from engineering_api.farm.codec import encode
from engineering_api.farm.reattach import watch
from engineering_api.farm.registry import agent_queue
from tools.farm_harness import ApiNode
from tests.farm.farm_calls import InterruptedJobs, WAIT, as_caller, until

pytestmark = pytest.mark.xdist_group("farm-2")

IMPORT = "/api/devices/PLC_1/external-sources/import-and-generate"
SOURCE = 'FUNCTION "Gen1" : Int\nVAR_INPUT\n  a : Int;\nEND_VAR\nBEGIN\n  #Gen1 := #a;\nEND_FUNCTION\n'


def _send(farm: Any, target: Any, method: str, args: list[Any], kwargs: dict[str, Any]) -> str:
    """Send one port call to ``target`` as the API node does; returns its call id."""
    call_id = uuid.uuid4().hex
    farm.app.send_task(CALL_TASK, args=[method, {"args": encode(args), "kwargs": encode(kwargs)}, call_id, "",
                                        {"instance": target.instance, "token": target.token}],
                       queue=agent_queue(target.agent), task_id=call_id)
    return call_id


def _journal(target: Any, call_id: str, method: str, completed: list[str]) -> dict[str, Any]:
    return {"callId": call_id, "agent": target.agent, "instance": target.instance, "method": method,
            "sentAt": time.time(), "completedCalls": completed}


def _settled(jobs: InterruptedJobs) -> Any:
    assert jobs.settled.wait(WAIT), "the job was settled"
    return jobs.failure


def test_a_reattached_job_whose_node_stopped_after_a_read_is_interrupted_not_completed(farm):
    target = farm.registry.free_agent()
    call_id = _send(farm, target, "open_projects", [], {})
    until(lambda: farm.stored_outcome(call_id)[0] == "SUCCESS", "the read ran")
    jobs = InterruptedJobs()
    watch(cast(Any, jobs), farm, "job-read", _journal(target, call_id, "open_projects", []))  # a JobManager double
    failure = _settled(jobs)
    assert jobs.status == "Failed" and failure.code == "INTERRUPTED", (jobs.status, failure)
    assert failure.details["completedCalls"] == []


def test_a_reattached_job_after_a_change_of_its_operation_is_outcome_unknown_naming_it(farm):
    """The case of the issue: an import's journal, its blocks generated, stopped at a read: not Completed."""
    target = farm.registry.free_agent()
    call_id = _send(farm, target, "open_projects", [], {})
    until(lambda: farm.stored_outcome(call_id)[0] == "SUCCESS", "the read ran")
    jobs = InterruptedJobs()
    journal = _journal(target, call_id, "open_projects", ["blocks.generate_blocks_from_source"])
    watch(cast(Any, jobs), farm, "job-import", journal)  # a JobManager double
    failure = _settled(jobs)
    assert jobs.status == "Failed" and failure.code == "OUTCOME_UNKNOWN", (jobs.status, failure)
    assert failure.details["completedCalls"] == ["blocks.generate_blocks_from_source"]


def test_a_revoke_does_not_let_an_idle_agent_mark_a_started_call_revoked(timed_farm, workspace, tmp_path):
    farm, agents = timed_farm("600:create_project", 2)
    # A revoke is a broadcast (Redis pub/sub): an agent whose worker does not listen yet would never hear it.
    until(lambda: len(farm.app.control.ping(timeout=1.0)) == 2, "both agents' workers listen")
    target = farm.registry.free_agent()
    call_id = _send(farm, target, "create_project", [Path(workspace), "Kept"], {"author": "", "comment": ""})
    until(lambda: (farm.registry.agent(target.agent).current_call or "").startswith("create_project"), "it runs")
    jobs = InterruptedJobs()
    watch(cast(Any, jobs), farm, "job-revoked", _journal(target, call_id, "create_project", []))  # a JobManager double
    # What a timeout or cancel sends (to every worker); the running agent cannot answer while its call runs, so
    # the one reply is the idle agent's, given after it dealt with the revoke.
    replies = farm.app.control.revoke(call_id, reply=True, limit=1, timeout=WAIT)
    assert replies, "the idle agent handled the revoke"
    state, _ = farm.stored_outcome(call_id)
    assert state == "STARTED", f"the running call is {state} after another agent's revoke"
    assert not jobs.settled.wait(2 * 0.5 + 0.5), f"settled while its call runs: {jobs.failure}"  # two polls
    (tmp_path / "gate").touch()  # the call ends now (its floor)
    failure = _settled(jobs)
    assert (Path(workspace) / "Kept" / "Kept.ap19").exists(), "the call ran"
    assert failure.code == "OUTCOME_UNKNOWN" and failure.details["completedCalls"] == ["create_project"], failure


def test_a_started_change_whose_agents_lease_lapsed_is_outcome_unknown_and_may_complete(timed_farm, workspace,
                                                                                        tmp_path):
    farm, agents = timed_farm("600:create_project")
    answers: list[Any] = []

    def create() -> None:
        try:
            answers.append(as_caller("stalls", lambda: farm.create_project(Path(workspace), "Stalled", author="",
                                                                           comment="")))
        except EngineeringError as exc:
            answers.append(exc)

    creating = threading.Thread(target=create)
    creating.start()
    name = until(lambda: next((a.name for a in farm.registry.agents()
                               if (a.current_call or "").startswith("create_project")), None), "it runs")
    process = agents.processes[name]
    process.send_signal(signal.SIGSTOP)  # a stalled host: its lease lapses, its call is not over
    try:
        creating.join(WAIT)
        assert not creating.is_alive(), "the caller was told once the lease lapsed"
    finally:
        (tmp_path / "gate").touch()
        process.send_signal(signal.SIGCONT)
    answer = answers[0]
    assert isinstance(answer, EngineeringError) and answer.code == "OUTCOME_UNKNOWN", answer
    assert answer.details["cause"] == "AGENT_LOST"
    until(lambda: farm.stored_outcome(answer.details["callId"])[0] not in ("PENDING", "STARTED"), "the agent reported")
    state, outcome = farm.stored_outcome(answer.details["callId"])
    assert state == "SUCCESS" and "result" in outcome, "the call the caller was not told 'lost' for completed"
    assert (Path(workspace) / "Stalled" / "Stalled.ap19").exists()


def test_a_retry_of_a_reattached_import_waits_for_it_and_is_never_a_false_success(timed_farm, tmp_path):
    farm, _ = timed_farm("600:blocks.generate_blocks_from_source")
    node = ApiNode(tmp_path / "node", farm.config.broker_url)
    node.start()
    try:
        headers = {"X-API-Key": node.admin_key}
        for path, body in (("/api/projects/actions/create-sync", {"name": "Gen", "path": "."}),
                           ("/api/projects/devices/actions/add-sync", {"orderNumber": "6ES7 516-3AN02-0AB0",
                                                                       "name": "PLC_1"})):
            assert httpx.post(f"{node.url}{path}", json=body, headers=headers, timeout=WAIT).status_code == 200
        retry = {**headers, "Idempotency-Key": "import-gen1"}
        request = {"SclContent": SOURCE, "SourceName": "Gen1"}
        threading.Thread(target=lambda: _post_quietly(f"{node.url}{IMPORT}", request, retry), daemon=True).start()
        until(lambda: any((a.current_call or "").startswith("blocks.generate") for a in farm.registry.agents()),
              "the import generates its blocks")
        node.crash()
        node.start()
        job = until(lambda: _running_job(node, headers), "the import's job re-attached")
        answers: list[httpx.Response] = []
        retrying = threading.Thread(target=lambda: answers.append(
            httpx.post(f"{node.url}{IMPORT}", json=request, headers=retry, timeout=WAIT)))
        retrying.start()
        time.sleep(1.0)  # a schedule parameter: the retry is in before the call ends; the answer is checked below
        (tmp_path / "gate").touch()  # the generation ends now
        retrying.join(WAIT)
        assert answers, "the retry was answered"
        answer = answers[0]
        assert answer.status_code == 503, answer.text
        body = answer.json()
        assert body["code"] == "OUTCOME_UNKNOWN", body
        assert body["details"]["completedCalls"] == ["blocks.generate_blocks_from_source"], body
        assert answer.headers.get("X-Job-Id") == job
    finally:
        node.crash()


def _post_quietly(url: str, body: Any, headers: dict[str, str]) -> None:
    try:
        httpx.post(url, json=body, headers=headers, timeout=WAIT)
    except httpx.HTTPError:  # the node is crashed under it: the request's answer is lost, as the issue describes
        pass


def _running_job(node: ApiNode, headers: dict[str, str]) -> str | None:
    try:
        jobs = httpx.get(f"{node.url}/api/jobs", params={"status": "Running"}, headers=headers, timeout=10).json()
    except httpx.HTTPError:
        return None
    found = [j["jobId"] for j in jobs["data"]["jobs"] if j["operation"] == "external-sources.import-and-generate"]
    return found[0] if found else None
