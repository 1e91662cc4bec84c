"""An API node's lease in the farm's Redis (issue 69): the node that looks for the jobs of lost nodes never takes
itself for one, and a beat puts the node back in the set of nodes whoever removed it; a job's mark goes to one
node, never away from a live one; a job without a journal is nobody's only once no live node listed it in two
looks with a beat of each between."""

from __future__ import annotations

import json
import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from engineering_api.farm.failover import (HELD, NodeLease, fail_jobs_of_no_live_node, jobs_of_no_live_node,
                                           take_job, take_over_orphaned_jobs)
from engineering_api.farm.reattach import reattach_interrupted
from tools.farm_harness import RedisServer, redis_client

pytestmark = pytest.mark.xdist_group("farm")


def _lease(redis_server: RedisServer, own: list[str], unfinished: list[str], node: str = "node-a",
           prefix: str | None = None, settled: list[tuple[str, dict[str, Any]]] | None = None
           ) -> tuple[NodeLease, Any, Any]:
    config = SimpleNamespace(prefix=prefix or f"lease-{uuid.uuid4().hex}", lease_seconds=2.0,
                             redis=lambda: redis_client(redis_server.url))
    farm = SimpleNamespace(node_id=node, config=config, jobs_unswept=True)
    failed: list[str] = []

    def fail_interrupted(only: list[str]) -> int:
        failed.extend(only)
        return len(only)

    jobs = SimpleNamespace(supervised=lambda: list(own), unfinished=lambda: [j for j in unfinished if j not in failed],
                           fail_interrupted=fail_interrupted, failed=failed)
    settle = (lambda _jobs, _farm, job, call: settled.append((job, call))) if settled is not None else (lambda *_: None)
    return NodeLease(jobs, farm, settle), jobs, farm  # type: ignore[arg-type]  # the lease reads these only


def test_a_node_looking_for_lost_jobs_keeps_its_own_and_its_lease(redis_server: RedisServer) -> None:
    lease, jobs, farm = _lease(redis_server, own=["mine"], unfinished=["mine", "orphan"])
    lease.beat()  # as the lease loop does before it looks (Redis was away at the node's start)
    assert jobs_of_no_live_node(jobs, farm, lease._redis) == ["orphan"]
    redis = lease._redis
    assert redis.exists(f"{farm.config.prefix}:node:node-a"), "it did not wait out its own lease"
    assert redis.sismember(f"{farm.config.prefix}:nodes", "node-a")


def test_a_beat_puts_the_node_back_in_the_set_of_nodes(redis_server: RedisServer) -> None:
    lease, _, farm = _lease(redis_server, own=[], unfinished=[])
    lease.beat()
    lease._redis.srem(f"{farm.config.prefix}:nodes", "node-a")  # a reader that found the lease lapsed a moment ago
    lease.beat()
    assert lease._redis.sismember(f"{farm.config.prefix}:nodes", "node-a")


def test_a_jobs_mark_goes_to_one_node_and_never_away_from_a_live_one(redis_server: RedisServer) -> None:
    live, _, farm = _lease(redis_server, own=[], unfinished=[])
    other, _, other_farm = _lease(redis_server, own=[], unfinished=[], node="node-b", prefix=farm.config.prefix)
    live.beat()
    assert take_job(live._redis, farm, "job") and take_job(live._redis, farm, "job"), "free, then its own"
    assert not take_job(other._redis, other_farm, "job"), "held by a live node"
    live._redis.delete(f"{farm.config.prefix}:node:node-a")  # node-a's lease lapsed: it died after taking the job
    other.beat()
    assert take_job(other._redis, other_farm, "job"), "a dead holder's job is taken"
    live.beat()  # node-a back (a node stalled past its lease): the job stays with node-b, which finishes it
    assert not take_job(live._redis, farm, "job")


def test_a_starting_node_never_fails_a_job_a_live_node_took_over(redis_server: RedisServer) -> None:
    finishing, _, farm = _lease(redis_server, own=[], unfinished=[], node="node-b")
    finishing.beat()
    finishing.start()  # node-b lives on: its loop beats while the starting node reads the leases twice
    assert take_job(finishing._redis, farm, "taken")  # node-b took it over and is finishing it
    starting, jobs, starting_farm = _lease(redis_server, own=[], unfinished=["taken", "orphan"],
                                           prefix=farm.config.prefix)
    try:
        assert fail_jobs_of_no_live_node(jobs, starting_farm, starting._redis) == 1
    finally:
        finishing.stop()
    assert jobs.failed == ["orphan"], "the job node-b finishes is never failed, even for a moment"


def test_a_job_without_a_journal_is_failed_only_once_no_live_node_listed_it_across_a_beat(
        redis_server: RedisServer) -> None:
    settled: list[tuple[str, dict[str, Any]]] = []
    looking, _, farm = _lease(redis_server, own=[], unfinished=["listed", "unlisted"], settled=settled)
    listing, _, _ = _lease(redis_server, own=["listed"], unfinished=[], node="node-b", prefix=farm.config.prefix)
    listing.beat()
    assert take_over_orphaned_jobs(looking) == [], "a first look only suspects: its node may list it at its next beat"
    assert take_over_orphaned_jobs(looking) == [], "node-b has not beaten since"
    listing.beat()
    assert take_over_orphaned_jobs(looking) == ["unlisted"]
    assert settled == [("unlisted", {})], "settled as a job that made no farm call"


def test_a_job_taken_over_is_settled_once_across_looks(redis_server: RedisServer) -> None:
    """A taken-over job is not this node's supervised job and its journal names the lost node until its watch
    ends: each later look finds it again, and must not settle it again (a second watch, or a look between the
    watch's end and its clearing of the journal writing the job back to Running)."""
    settled: list[tuple[str, dict[str, Any]]] = []
    looking, _, farm = _lease(redis_server, own=[], unfinished=["orphan"], settled=settled)
    journal = {"node": "node-b", "callId": "c1", "method": "m", "agent": "a", "instance": "i"}
    looking._redis.set(f"{farm.config.prefix}:job:orphan", json.dumps(journal))  # node-b: no lease, dead
    looking.beat()
    assert [take_over_orphaned_jobs(looking) for _ in range(4)] == [["orphan"], [], [], []]
    assert settled == [("orphan", journal)]


def test_a_job_a_starting_node_failed_is_not_settled_again_by_its_looks(redis_server: RedisServer) -> None:
    """The restart path: the starting node takes the mark of each job it fails, re-attaches it; its lease loop
    then finds the job (not supervised, its journal naming the node's previous run) and must leave it be."""
    settled: list[tuple[str, dict[str, Any]]] = []
    starting, jobs, farm = _lease(redis_server, own=[], unfinished=["lost"], settled=settled)
    starting._redis.set(f"{farm.config.prefix}:job:lost", json.dumps({"node": "previous-run", "callId": "c1"}))
    assert fail_jobs_of_no_live_node(jobs, farm, starting._redis) == 1
    assert take_job(starting._redis, farm, "lost") == HELD, "a taken mark stays this node's"
    jobs.failed.clear()  # re-attached: Running again, as reattach_jobs leaves it
    starting.beat()
    assert [take_over_orphaned_jobs(starting) for _ in range(3)] == [[], [], []]
    assert settled == []


def _interrupted(redis_server: RedisServer, node: str, prefix: str, journals: dict[str, dict[str, Any]]
                 ) -> tuple[NodeLease, list[str]]:
    """A starting node whose database holds ``journals``' jobs failed as interrupted; the jobs it settles."""
    lease, jobs, farm = _lease(redis_server, own=[], unfinished=[], node=node, prefix=prefix)
    settled: list[str] = []
    jobs.interrupted = lambda: list(journals)
    jobs.settle_detached = lambda job_id, *_args, **_kwargs: settled.append(job_id)
    farm.registry = SimpleNamespace(job_call=journals.get)
    return lease, settled


def test_of_two_nodes_starting_together_one_finishes_each_interrupted_job(redis_server: RedisServer) -> None:
    # stopped between two calls after a change: settled by the journal at once, no watch thread
    journal = {"node": "previous-run", "completedCalls": ["import_source"]}
    journals = {f"job-{n}": dict(journal) for n in range(4)}
    prefix = f"lease-{uuid.uuid4().hex}"
    node_a, settled_a = _interrupted(redis_server, "node-a", prefix, journals)
    node_b, settled_b = _interrupted(redis_server, "node-b", prefix, journals)
    node_a.beat()
    node_b.beat()  # both started: each beats before it takes marks (reattach_jobs)
    assert take_job(node_b._redis, node_b.farm, "job-3")  # node-b failed it at its start: its mark
    reattach_interrupted(node_a.jobs, node_a.farm)
    reattach_interrupted(node_b.jobs, node_b.farm)
    assert sorted(settled_a + settled_b) == sorted(journals), "each job finished by one node only"
    assert settled_b == ["job-3"], "node-a never takes a live node's job"
