"""API node failover (issue 69): two API nodes (``serve --farm``, processes of their own) on one PostgreSQL and
one farm; the node running an import is killed mid-call, and the client's retry with the same Idempotency-Key
through the other node gets the job's true end within a bounded time (the survivor takes the job over once the
dead node's lease is gone), instead of waiting for the dead node to come back."""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import CPU, skip_or_fail
from tests.farm.conftest import require_redis
from tools.farm_harness import Agents, ApiNode, RedisServer
from tests.farm.test_farm_truth import WAIT, until
from tests.pgserver import PostgresServer, postgres_binaries

pytestmark = pytest.mark.xdist_group("farm")

ROOT = Path(__file__).resolve().parents[2]
IMPORT = "/api/devices/PLC_1/external-sources/import-and-generate"
SOURCE = 'FUNCTION "Fail1" : Int\nVAR_INPUT\n  a : Int;\nEND_VAR\nBEGIN\n  #Fail1 := #a;\nEND_FUNCTION\n'


@pytest.fixture
def shared_database() -> Iterator[str]:
    if postgres_binaries() is None:
        skip_or_fail("API node failover needs Debian's postgresql package (initdb, postgres)", "the failover test")
    workdir = Path(tempfile.mkdtemp(prefix="engineering-api-pg-"))  # the postgres user cannot enter pytest's dirs
    server = PostgresServer(workdir)
    try:
        server.start()
        yield server.url
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def test_a_retry_through_another_node_gets_the_true_end_of_a_job_whose_node_died(shared_database, tmp_path):
    require_redis()
    redis = RedisServer(tmp_path)
    redis.start()
    (tmp_path / "agents").mkdir()
    # the agent's generate call runs until the test opens the gate: the node dies while it runs
    agents = Agents(redis.url, tmp_path / "agents",
                    [sys.executable, str(ROOT / "tests" / "farm" / "stepped_clock_agent.py"),
                     "600:blocks.generate_blocks_from_source"], env={"TIMED_AGENT_GATE": str(tmp_path / "gate")})
    nodes = [ApiNode(tmp_path / name, redis.url, ("--db", shared_database)) for name in ("a", "b")]
    http = httpx.Client(timeout=WAIT)
    try:
        agents.start(1)
        for node in nodes:  # both up before the job: a node's start fails the running jobs it finds
            node.start()
        first, survivor = nodes
        headers = {"X-API-Key": first.admin_key, "X-Engineering-Session": "failover"}
        for path, body in (("/api/projects/actions/create-sync", {"name": "Failover"}),
                           ("/api/projects/devices/actions/add-sync", {"orderNumber": CPU, "name": "PLC_1"})):
            answer = http.post(f"{first.url}{path}", json=body, headers=headers)
            assert answer.status_code == 200, answer.text
        keyed = {**headers, "Idempotency-Key": "import-fail1"}
        body = {"SclContent": SOURCE, "SourceName": "Fail1"}
        lost: list[Any] = []
        importing = threading.Thread(target=lambda: lost.append(_post(http, f"{first.url}{IMPORT}", body, keyed)))
        importing.start()
        until(lambda: (agents_running(redis.url) or "").startswith("blocks.generate_blocks_from_source"),
              "the import runs on the agent")
        first.crash()  # mid-call: its client loses the connection
        importing.join(WAIT)
        (tmp_path / "gate").touch()  # the call the dead node sent completes on the agent
        retried = _post(http, f"{survivor.url}{IMPORT}", body, keyed)
        assert retried is not None, "the retry through the surviving node was answered within the bound"
        answer = retried.json()
        # the generation ran; the rest of the operation (keeping its source) never did: never a success
        assert retried.status_code == 503 and answer["code"] == "OUTCOME_UNKNOWN", retried.text
        assert answer["details"]["callOutcome"] == "ran", answer
    finally:
        http.close()
        for node in nodes:
            node.crash()
        agents.stop_all()
        redis.stop()


def agents_running(url: str) -> str | None:
    from engineering_api.farm.registry import AgentRegistry
    from tools.farm_harness import redis_client

    return next((a.current_call for a in AgentRegistry(redis_client(url)).agents() if a.current_call), None)


def _post(http: httpx.Client, url: str, body: Any, headers: dict[str, str]) -> httpx.Response | None:
    try:
        return http.post(url, json=body, headers=headers)
    except httpx.HTTPError:  # the node died under the request, or the bound passed
        return None


def test_a_node_starting_on_a_shared_database_leaves_the_jobs_a_live_node_runs(shared_database, tmp_path):
    require_redis()
    redis = RedisServer(tmp_path)
    redis.start()
    (tmp_path / "agents").mkdir()
    agents = Agents(redis.url, tmp_path / "agents",
                    [sys.executable, str(ROOT / "tests" / "farm" / "stepped_clock_agent.py"), "600:devices.add_device"],
                    env={"TIMED_AGENT_GATE": str(tmp_path / "gate")})
    restarted, running = (ApiNode(tmp_path / name, redis.url, ("--db", shared_database)) for name in ("a", "b"))
    http = httpx.Client(timeout=WAIT)
    try:
        agents.start(1)
        restarted.start()
        running.start()
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
    finally:
        http.close()
        for node in (restarted, running):
            node.crash()
        agents.stop_all()
        redis.stop()
