"""API node failover (issue 69): two API nodes (``serve --farm``, processes of their own) on one PostgreSQL and
one farm; the node running an import is killed mid-call, and the client's retry with the same Idempotency-Key
through the other node gets the job's true end within a bounded time (the survivor takes the job over once the
dead node's lease is gone), instead of waiting for the dead node to come back."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import CPU
from tests.farm.conftest import require_redis
from tools.farm_harness import Agents, ApiNode, RedisServer
from tests.farm.farm_calls import WAIT, until

pytestmark = pytest.mark.xdist_group("farm-2")

ROOT = Path(__file__).resolve().parents[2]
IMPORT = "/api/devices/PLC_1/external-sources/import-and-generate"
SOURCE = 'FUNCTION "Fail1" : Int\nVAR_INPUT\n  a : Int;\nEND_VAR\nBEGIN\n  #Fail1 := #a;\nEND_FUNCTION\n'


@contextlib.contextmanager
def two_nodes(tmp_path: Path, database: str, gated: str) -> Iterator[tuple[RedisServer, Agents, list[ApiNode]]]:
    """Redis, one agent whose ``gated`` calls run until the file ``tmp_path / "gate"`` exists, and two API nodes on
    ``database`` (both up before a job: a node's start looks at the jobs it finds)."""
    require_redis()
    redis = RedisServer(tmp_path)
    redis.start()
    (tmp_path / "agents").mkdir()
    agents = Agents(redis.url, tmp_path / "agents",
                    [sys.executable, str(ROOT / "tests" / "farm" / "stepped_clock_agent.py"), f"600:{gated}"],
                    env={"TIMED_AGENT_GATE": str(tmp_path / "gate")})
    nodes = [ApiNode(tmp_path / name, redis.url, ("--db", database)) for name in ("a", "b")]
    try:
        agents.start(1)
        for node in nodes:
            node.start()
        yield redis, agents, nodes
    finally:
        for node in nodes:
            node.crash()
        agents.stop_all()
        redis.stop()


def _project_with_a_cpu(http: httpx.Client, node: ApiNode, headers: dict[str, str]) -> None:
    for path, body in (("/api/projects/actions/create-sync", {"name": "Failover"}),
                       ("/api/projects/devices/actions/add-sync", {"orderNumber": CPU, "name": "PLC_1"})):
        answer = http.post(f"{node.url}{path}", json=body, headers=headers)
        assert answer.status_code == 200, answer.text


def _source(name: str) -> dict[str, str]:
    return {"SclContent": SOURCE.replace("Fail1", name), "SourceName": name}


def test_a_retry_through_another_node_gets_the_true_end_of_a_job_whose_node_died(fresh_db, tmp_path):
    # the agent's generate call runs until the test opens the gate: the node dies while it runs
    with two_nodes(tmp_path, fresh_db, "blocks.generate_blocks_from_source") as (redis, _, nodes), \
            httpx.Client(timeout=WAIT) as http:
        first, survivor = nodes
        headers = {"X-API-Key": first.admin_key, "X-Engineering-Session": "failover"}
        _project_with_a_cpu(http, first, headers)
        keyed = {**headers, "Idempotency-Key": "import-fail1"}
        lost: list[Any] = []
        importing = threading.Thread(target=lambda: lost.append(_post(http, f"{first.url}{IMPORT}", _source("Fail1"),
                                                                      keyed)))
        importing.start()
        until(lambda: (agents_running(redis.url) or "").startswith("blocks.generate_blocks_from_source"),
              "the import runs on the agent")
        first.crash()  # mid-call: its client loses the connection
        importing.join(WAIT)
        (tmp_path / "gate").touch()  # the call the dead node sent completes on the agent
        retried = _post(http, f"{survivor.url}{IMPORT}", _source("Fail1"), keyed)
        assert retried is not None, "the retry through the surviving node was answered within the bound"
        answer = retried.json()
        # the generation ran; the rest of the operation (keeping its source) never did: never a success
        assert retried.status_code == 503 and answer["code"] == "OUTCOME_UNKNOWN", retried.text
        assert answer["details"]["callOutcome"] == "ran", answer


def test_a_retry_through_another_node_of_a_job_its_dead_node_never_sent_is_answered_interrupted(fresh_db, tmp_path):
    """A job that waited behind its session's running call when its node died made no farm call and has no
    journal: the survivor fails it ``INTERRUPTED`` once no live node lists it (it waited for the dead node's
    return before, which the schedule found), and its change never runs."""
    with two_nodes(tmp_path, fresh_db, "blocks.generate_blocks_from_source") as (redis, _, nodes), \
            httpx.Client(timeout=WAIT) as http:
        first, survivor = nodes
        headers = {"X-API-Key": first.admin_key, "X-Engineering-Session": "failover"}
        _project_with_a_cpu(http, first, headers)
        running = threading.Thread(target=_post, args=(http, f"{first.url}{IMPORT}", _source("Ran"),
                                                       {**headers, "Idempotency-Key": "import-ran"}))
        running.start()
        until(lambda: (agents_running(redis.url) or "").startswith("blocks.generate_blocks_from_source"),
              "the first import runs on the agent")
        waiting_key = {**headers, "Idempotency-Key": "import-waiting"}
        waiting = threading.Thread(target=_post, args=(http, f"{first.url}{IMPORT}", _source("Waiting"), waiting_key))
        waiting.start()
        until(lambda: _jobs(http, survivor, headers, "Pending"), "the second import waits behind the first")
        first.crash()
        for thread in (running, waiting):
            thread.join(WAIT)
        retried = _post(http, f"{survivor.url}{IMPORT}", _source("Waiting"), waiting_key)
        assert retried is not None, "the retry through the surviving node was answered within the bound"
        answer = retried.json()
        assert retried.status_code == 503 and answer["code"] == "INTERRUPTED", retried.text
        assert answer["details"]["cause"] == "API_NODE_STOPPED", answer
        (tmp_path / "gate").touch()
        blocks = http.get(f"{survivor.url}/api/devices/PLC_1/blocks", headers=headers)
        assert blocks.status_code == 200, blocks.text
        assert "Waiting" not in {b["name"] for b in blocks.json()["data"]}, "answered not run, and it never ran"


def _jobs(http: httpx.Client, node: ApiNode, headers: dict[str, str], status: str) -> list[Any]:
    return list(http.get(f"{node.url}/api/jobs", params={"status": status}, headers=headers).json()["data"]["jobs"])


def agents_running(url: str) -> str | None:
    from engineering_api.farm.registry import AgentRegistry
    from tools.farm_harness import redis_client

    return next((a.current_call for a in AgentRegistry(redis_client(url)).agents() if a.current_call), None)


def _post(http: httpx.Client, url: str, body: Any, headers: dict[str, str]) -> httpx.Response | None:
    try:
        return http.post(url, json=body, headers=headers)
    except httpx.HTTPError:  # the node died under the request, or the bound passed
        return None


def test_a_node_starting_on_a_shared_database_leaves_the_jobs_a_live_node_runs(fresh_db, tmp_path):
    with two_nodes(tmp_path, fresh_db, "devices.add_device") as (redis, _, (restarted, running)), \
            httpx.Client(timeout=WAIT) as http:
        headers = {"X-API-Key": restarted.admin_key, "X-Engineering-Session": "live"}  # one key table
        answer = http.post(f"{running.url}/api/projects/actions/create-sync", json={"name": "Live"}, headers=headers)
        assert answer.status_code == 200, answer.text
        accepted = http.post(f"{running.url}/api/projects/devices/actions/add", json={"orderNumber": CPU,
                                                                                     "name": "PLC_1"}, headers=headers)
        assert accepted.status_code == 202, accepted.text
        job = accepted.json()["data"]["jobId"]
        until(lambda: (agents_running(redis.url) or "").startswith("devices.add_device"), "the job runs on the agent")
        restarted.crash()
        restarted.start()  # on the database the running node shares: its start must not end that node's job
        seen = http.get(f"{restarted.url}/api/jobs/{job}", headers=headers).json()["data"]
        # neither failed nor taken over (re-attached as a restarted node's own): the live node answers it
        assert seen["status"] == "Running" and "re-attached" not in seen["message"] and not seen.get("error"), seen
        (tmp_path / "gate").touch()
        ended = until(lambda: (j := http.get(f"{restarted.url}/api/jobs/{job}", headers=headers).json()["data"])
                      ["status"] not in ("Pending", "Running") and j, "the job ended")
        assert ended["status"] == "Completed", ended


TERMINAL = ("Completed", "Failed", "Canceled")


def _record_job_states(database: str) -> None:
    """Every state a job's row is written with, in order, into ``job_states`` (a trigger of the database itself:
    a state that lasts a millisecond is seen as surely as one that lasts a minute)."""
    import psycopg

    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("CREATE TABLE job_states (seq serial PRIMARY KEY, job_id text, status text, error text)")
        conn.execute("CREATE FUNCTION note_job_state() RETURNS trigger AS $$ BEGIN INSERT INTO job_states "
                     "(job_id, status, error) VALUES (NEW.job_id, NEW.status, NEW.error); RETURN NEW; END $$ "
                     "LANGUAGE plpgsql")
        conn.execute("CREATE TRIGGER job_states AFTER INSERT OR UPDATE ON jobs FOR EACH ROW "
                     "EXECUTE FUNCTION note_job_state()")


def _job_states(database: str) -> dict[str, list[tuple[str, str | None]]]:
    import psycopg

    states: dict[str, list[tuple[str, str | None]]] = {}
    with psycopg.connect(database) as conn:
        for job_id, status, error in conn.execute("SELECT job_id, status, error FROM job_states ORDER BY seq"):
            states.setdefault(job_id, []).append((status, error))
    return states


def _never_ended_before_it_was_known(states: list[tuple[str, str | None]]) -> None:
    """A job's row never says it ended and then runs on, nor that its call did not run (a client waiting on the job
    through any node reads its first end as the answer)."""
    statuses = [status for status, _ in states]
    assert not any(a in TERMINAL and b not in TERMINAL for a, b in zip(statuses, statuses[1:])), states
    assert not any(error and '"INTERRUPTED"' in error for _, error in states), states


def _running_import(http: httpx.Client, redis: RedisServer, node: ApiNode, headers: dict[str, str], name: str
                    ) -> threading.Thread:
    importing = threading.Thread(target=_post, args=(http, f"{node.url}{IMPORT}", _source(name),
                                                     {**headers, "Idempotency-Key": f"import-{name}"}))
    importing.start()
    until(lambda: (agents_running(redis.url) or "").startswith("blocks.generate_blocks_from_source"),
          "the import runs on the agent")
    return importing


@pytest.mark.parametrize("survivor", [False, True], ids=["alone", "beside-a-survivor"])
def test_a_node_restarted_mid_call_never_ends_the_job_before_it_knows_how_the_call_ended(fresh_db, tmp_path,
                                                                                          survivor):
    """The restarted node re-attaches its previous run's job to the call still running on the agent (alone, or
    racing the other node, which takes it over once the old run's lease is gone): its row goes from Running to its
    one end, never through an ``INTERRUPTED`` a retry waiting elsewhere would answer."""
    with two_nodes(tmp_path, fresh_db, "blocks.generate_blocks_from_source") as (redis, _, nodes), \
            httpx.Client(timeout=WAIT) as http:
        restarted, other = nodes
        if not survivor:
            other.crash()
        headers = {"X-API-Key": restarted.admin_key, "X-Engineering-Session": "restart"}
        _project_with_a_cpu(http, restarted, headers)
        _record_job_states(fresh_db)
        importing = _running_import(http, redis, restarted, headers, "Restarted")
        restarted.crash()
        importing.join(WAIT)
        restarted.start()
        (tmp_path / "gate").touch()
        retried = _post(http, f"{restarted.url}{IMPORT}", _source("Restarted"),
                        {**headers, "Idempotency-Key": "import-Restarted"})
        assert retried is not None and retried.status_code == 503, retried and retried.text
        assert retried.json()["code"] == "OUTCOME_UNKNOWN" and retried.json()["details"]["callOutcome"] == "ran"
        for states in _job_states(fresh_db).values():
            _never_ended_before_it_was_known(states)


def test_a_node_stopped_mid_call_leaves_the_job_to_a_live_node_which_answers_its_true_end(fresh_db, tmp_path):
    """A clean stop (SIGTERM) cannot wait for a call an agent runs: the job stays with the call, and the survivor
    takes it over once the stopped node's lease is gone, as it would a crashed node's, never ``INTERRUPTED``."""
    with two_nodes(tmp_path, fresh_db, "devices.add_device") as (redis, _, nodes), \
            httpx.Client(timeout=WAIT) as http:
        stopped, survivor = nodes
        headers = {"X-API-Key": stopped.admin_key, "X-Engineering-Session": "stop"}
        answer = http.post(f"{stopped.url}/api/projects/actions/create-sync", json={"name": "Stop"}, headers=headers)
        assert answer.status_code == 200, answer.text
        _record_job_states(fresh_db)
        accepted = http.post(f"{stopped.url}/api/projects/devices/actions/add", json={"orderNumber": CPU,
                                                                                     "name": "PLC_1"}, headers=headers)
        assert accepted.status_code == 202, accepted.text
        job = accepted.json()["data"]["jobId"]
        until(lambda: (agents_running(redis.url) or "").startswith("devices.add_device"), "the job runs on the agent")
        stopped.stop()  # no request in flight: the node runs its whole stop
        (tmp_path / "gate").touch()
        ended = until(lambda: (j := http.get(f"{survivor.url}/api/jobs/{job}", headers=headers).json()["data"])
                      ["status"] not in ("Pending", "Running") and j, "the job ended")
        assert ended["errorCode"] == "OUTCOME_UNKNOWN" and ended["errorDetails"]["callOutcome"] == "ran", ended
        for states in _job_states(fresh_db).values():
            _never_ended_before_it_was_known(states)
