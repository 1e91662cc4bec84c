"""An API node's lease in the farm's Redis (issue 69): the node that looks for the jobs of lost nodes never takes
itself for one, and a beat puts the node back in the set of nodes whoever removed it; a job's mark goes to one
node, never away from a live one; a job without a journal is nobody's only once no live node listed it in two
looks with a beat of each between."""

from __future__ import annotations

import json
import threading
import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from engineering_api.farm.failover import (HELD, NodeLease, finish_jobs_of_no_live_node, jobs_of_no_live_node,
                                           take_job, take_over_orphaned_jobs)
from engineering_api.farm.registry import AgentRegistry
from tools.farm_harness import RedisServer, redis_client

pytestmark = pytest.mark.xdist_group("farm-2")


def _lease(redis_server: RedisServer, own: list[str], unfinished: list[str], node: str = "node-a",
           prefix: str | None = None, settled: list[tuple[str, dict[str, Any]]] | None = None,
           outage: threading.Event | None = None) -> tuple[NodeLease, Any, Any]:
    """A node's lease over a stand-in of its job manager: ``settled`` collects the jobs it finishes (then no longer
    unfinished), with their journals; ``outage`` set: Redis restarted less than the outage grace ago."""
    config = SimpleNamespace(prefix=prefix or f"lease-{uuid.uuid4().hex}", lease_seconds=2.0,
                             redis=lambda: redis_client(redis_server.url))
    farm = SimpleNamespace(node_id=node, config=config, jobs_unswept=True,
                           registry=AgentRegistry(redis_client(redis_server.url), config.prefix),
                           in_outage_grace=lambda: outage is not None and outage.is_set())
    finished = settled if settled is not None else []
    jobs = SimpleNamespace(supervised=lambda: list(own),
                           unfinished=lambda: [j for j in unfinished if j not in {job for job, _ in finished}])
    lease = NodeLease(jobs, farm, lambda _jobs, _farm, job, call: finished.append((job, call)))  # type: ignore[arg-type]
    return lease, jobs, farm  # the lease reads only these of them


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


def test_a_starting_node_never_finishes_a_job_a_live_node_took_over(redis_server: RedisServer) -> None:
    finishing, _, farm = _lease(redis_server, own=[], unfinished=[], node="node-b")
    finishing.beat()
    finishing.start()  # node-b lives on: its loop beats while the starting node reads the leases twice
    assert take_job(finishing._redis, farm, "taken")  # node-b took it over and is finishing it
    settled: list[tuple[str, dict[str, Any]]] = []
    starting, jobs, starting_farm = _lease(redis_server, own=[], unfinished=["taken", "orphan"],
                                           prefix=farm.config.prefix, settled=settled)
    try:
        assert finish_jobs_of_no_live_node(starting) == 1
    finally:
        finishing.stop()
    assert settled == [("orphan", {})], "the job node-b finishes is never touched, even for a moment"


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


def test_a_job_a_starting_node_finished_is_not_settled_again_by_its_looks(redis_server: RedisServer) -> None:
    """The restart path: the starting node takes the mark of each job it finishes and re-attaches it in one write
    (Running, watched); its lease loop then finds the job (not supervised, its journal naming the node's previous
    run) and must leave it be."""
    settled: list[tuple[str, dict[str, Any]]] = []
    starting, jobs, farm = _lease(redis_server, own=[], unfinished=["lost"], settled=settled)
    journal = {"node": "previous-run", "callId": "c1"}
    starting._redis.set(f"{farm.config.prefix}:job:lost", json.dumps(journal))
    assert finish_jobs_of_no_live_node(starting) == 1
    assert settled == [("lost", journal)], "re-attached by its journal"
    assert take_job(starting._redis, farm, "lost") == HELD, "a taken mark stays this node's"
    settled.clear()  # re-attached: Running again
    starting.beat()
    assert [take_over_orphaned_jobs(starting) for _ in range(3)] == [[], [], []]
    assert settled == []


def _start(lease: NodeLease) -> None:
    """What a node's start does with its lease (:func:`engineering_api.farm.reattach.reattach_jobs`)."""
    finish_jobs_of_no_live_node(lease)
    lease.start()


def test_of_two_nodes_starting_together_one_finishes_each_job(redis_server: RedisServer) -> None:
    """Each waits for the other's beat before it takes marks, and beats while it waits: neither takes the other for
    dead, and each job is finished by one of them."""
    journals = {f"job-{n}": {"node": "previous-run", "completedCalls": ["import_source"]} for n in range(4)}
    prefix = f"lease-{uuid.uuid4().hex}"
    settled_a: list[tuple[str, dict[str, Any]]] = []
    settled_b: list[tuple[str, dict[str, Any]]] = []
    node_a, _, _ = _lease(redis_server, own=[], unfinished=list(journals), prefix=prefix, settled=settled_a)
    node_b, _, farm_b = _lease(redis_server, own=[], unfinished=list(journals), node="node-b", prefix=prefix,
                               settled=settled_b)
    for job, journal in journals.items():
        node_a._redis.set(f"{prefix}:job:{job}", json.dumps(journal))
    node_a.beat()
    node_b.beat()  # both started: each beats before it takes marks (reattach_jobs)
    assert take_job(node_b._redis, farm_b, "job-3")  # node-b finished it at its start: its mark
    starts = [threading.Thread(target=_start, args=(node,)) for node in (node_a, node_b)]
    for start in starts:
        start.start()
    try:
        for start in starts:
            start.join()
    finally:
        for node in (node_a, node_b):
            node.stop()
    assert sorted(job for job, _ in settled_a + settled_b) == sorted(journals), "each job finished by one node only"
    assert "job-3" not in {job for job, _ in settled_a}, "node-a never takes a live node's job"


def test_a_stopped_node_gives_its_lease_up_and_beats_no_more(redis_server: RedisServer) -> None:
    lease, _, farm = _lease(redis_server, own=[], unfinished=[])
    lease.beat()
    lease.start()
    lease.stop()
    assert not lease._redis.exists(f"{farm.config.prefix}:node:node-a"), "other nodes take its jobs over at once"
    assert not lease._redis.sismember(f"{farm.config.prefix}:nodes", "node-a")
    lease.beat()
    assert not lease._redis.exists(f"{farm.config.prefix}:node:node-a")


def test_a_node_whose_lease_a_redis_restart_expired_is_not_taken_for_lost_within_the_outage_grace(
        redis_server: RedisServer) -> None:
    """A Redis stopped longer than a lease comes back without the leases its live nodes could not renew meanwhile
    (fault schedule seed 1002: the survivor took a live node's job over at once): a missing lease says a node is
    lost only once the grace has passed, as for an agent."""
    settled: list[tuple[str, dict[str, Any]]] = []
    outage = threading.Event()
    outage.set()
    looking, _, farm = _lease(redis_server, own=[], unfinished=["journaled", "unjournaled"], settled=settled,
                              outage=outage)
    journal = {"node": "node-b", "callId": "c1", "method": "m", "agent": "a", "instance": "i"}
    looking._redis.set(f"{farm.config.prefix}:job:journaled", json.dumps(journal))  # node-b's lease: gone
    looking.beat()
    assert [take_over_orphaned_jobs(looking) for _ in range(3)] == [[], [], []], "within the grace: none taken"
    assert settled == [] and not looking._redis.exists(farm.registry.taken_over_key("journaled"))
    outage.clear()  # the grace is over and node-b never beat again: it is lost
    # the unjournaled one was listed by no live node at this look either (a node back would list it now)
    assert take_over_orphaned_jobs(looking) == ["journaled", "unjournaled"]
    assert settled == [("journaled", journal), ("unjournaled", {})]
