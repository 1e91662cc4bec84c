"""API node failover: a job whose node died is finished by another live node on the same database.

Each API node of a farm holds a lease in Redis (``node:<id>``, rewritten every :data:`BEAT_SECONDS`, gone after
the farm's lease) and names itself in the journal of every job it runs (:meth:`FarmBackendBase._note_job`). A
node looks at the jobs its database says are running, every :data:`BEAT_SECONDS`: one whose journal names a node
whose lease is gone is taken over (once, by one node: ``SET NX``) and re-attached to its call as a restarted node
re-attaches its own (:func:`engineering_api.farm.reattach.watch`): it ends by its whole operation, with what is
known, never ``Completed``. A client's retry with the same ``Idempotency-Key`` through that node (or any node on
the database) waits for the job like any retry of a running job, and gets that end within the lease, the look
and the call's own end, instead of waiting for the dead node to come back.

A job without a journal (no farm call yet, or an embedded operation) says nothing about its node and is left to
that node's restart (``INTERRUPTED``).

A node's lease also lists the jobs it runs (:meth:`JobManager.supervised`), so a node that starts on a database
other nodes use fails (``INTERRUPTED``) only the unfinished jobs no live node lists (:func:`jobs_of_no_live_node`),
never the jobs a live node still runs; a clean stop fails only its own.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.farm.proxy import FarmBackendBase
    from engineering_api.jobs.manager import JobManager

__all__ = ("BEAT_SECONDS", "NodeLease", "fail_jobs_of_no_live_node", "jobs_of_no_live_node",
           "take_over_orphaned_jobs")

logger = logging.getLogger(__name__)

BEAT_SECONDS = 2.0
"""How often a node rewrites its lease and looks for running jobs of nodes whose lease is gone (at most a third of
its lease: :meth:`NodeLease.interval`)."""
TAKEN_OVER_SECONDS = 24 * 3600
"""How long the mark that a node took a job over is kept (a day, as the journal)."""
RUNNING_JOBS_LOOKED_AT = 200
"""How many running jobs one look reads (newest first)."""


class NodeLease:
    """This node's lease, and the loop that takes over the jobs of nodes whose lease is gone (a daemon thread)."""

    def __init__(self, jobs: JobManager, farm: FarmBackendBase,
                 settle: Callable[[JobManager, FarmBackendBase, str, dict[str, Any]], None]) -> None:
        self.jobs, self.farm = jobs, farm
        self.settle = settle
        """Re-attaches a taken-over job to its call (:func:`engineering_api.farm.reattach.settle_orphaned`)."""
        self._redis = farm.config.redis()
        self._stop = threading.Event()
        self._beats = 0

    def _key(self, *parts: str) -> str:
        return ":".join((self.farm.config.prefix, *parts))

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, name="farm-node-lease", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()

    @property
    def interval(self) -> float:
        return min(BEAT_SECONDS, self.farm.config.lease_seconds / 3)

    def beat(self) -> None:
        """The lease, naming the jobs this node runs and counting its beats; the node in the set of nodes."""
        self._beats += 1
        lease = json.dumps({"beat": self._beats, "jobs": self.jobs.supervised()})
        # The node joins the set at every beat (one round trip with the lease): a reader that found its lease
        # lapsed and removes it from the set cannot leave a live node out for good.
        pipe = self._redis.pipeline(transaction=False)
        pipe.set(self._key("node", self.farm.node_id), lease, px=int(self.farm.config.lease_seconds * 1000))
        pipe.sadd(self._key("nodes"), self.farm.node_id)
        pipe.execute()

    def alive(self, node: str) -> bool:
        return bool(self._redis.exists(self._key("node", node)))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.beat()
                if self.farm.jobs_unswept:  # Redis was away at this node's start
                    fail_jobs_of_no_live_node(self.jobs, self.farm, self._redis)
                take_over_orphaned_jobs(self)
            except RedisError:  # Redis restarting: the next look tries again
                continue
            except Exception:  # the database away: never the end of the lease
                logger.warning("could not look for jobs of lost API nodes", exc_info=True)

    def take(self, job_id: str) -> bool:
        """Whether this node is the one that takes ``job_id`` over (only one does)."""
        return bool(self._redis.set(self._key("taken-over", job_id), self.farm.node_id, nx=True,
                                    ex=TAKEN_OVER_SECONDS))


def _node_leases(redis: Any, prefix: str, asking: str) -> dict[str, tuple[int, set[str]]]:
    """Every other live API node's beat count and the jobs it runs, by node id (a node whose lease is gone leaves
    the set of nodes; ``asking``, the node that reads, is left out: it knows its own jobs and cannot wait for its
    own beat)."""
    nodes = sorted(name for name in (raw.decode() if isinstance(raw, bytes) else raw
                                     for raw in redis.smembers(f"{prefix}:nodes")) if name != asking)
    if not nodes:
        return {}
    leases: dict[str, tuple[int, set[str]]] = {}
    for node, raw in zip(nodes, redis.mget([f"{prefix}:node:{node}" for node in nodes])):
        if raw is None:
            redis.srem(f"{prefix}:nodes", node)
            continue
        try:
            lease = json.loads(raw)
        except ValueError:  # a node of before the lease named its jobs: it says nothing of them
            lease = {}
        if isinstance(lease, dict):
            leases[node] = (int(lease.get("beat", 0)), set(lease.get("jobs", ())))
        else:
            leases[node] = (0, set())
    return leases


def jobs_of_no_live_node(jobs: JobManager, farm: FarmBackendBase, redis: Any | None = None) -> list[str]:
    """The unfinished jobs of the database that no live API node runs (at a node's start: its own previous run's,
    and those of nodes that died), to be failed ``INTERRUPTED`` (:meth:`JobManager.fail_interrupted`).

    The jobs this node runs are never lost; ``redis`` is a client of the farm's Redis to reuse (a new one otherwise).
    A job is written to the database just before its node lists it, so the leases are read twice: once, then
    again after every live node has beaten since (or lost its lease; at most a lease later). A job that no node
    still live at the second read listed in either read was run by no live node when the database was read.

    Raises:
        RedisError: Redis is unreachable (nothing is known of the other nodes).
    """
    own = set(jobs.supervised())  # this node runs them (none at its start)
    unfinished = [job for job in jobs.unfinished() if job not in own]
    if not unfinished:
        return []
    redis, prefix = redis if redis is not None else farm.config.redis(), farm.config.prefix
    first = _node_leases(redis, prefix, farm.node_id)
    second = first
    deadline = time.monotonic() + farm.config.lease_seconds + BEAT_SECONDS
    while first and time.monotonic() < deadline:
        second = _node_leases(redis, prefix, farm.node_id)
        if all(node not in second or second[node][0] > beat for node, (beat, _) in first.items()):
            break
        time.sleep(0.25)
    # a node that lost its lease between the two reads is dead (a node restarted at once leaves its old lease
    # until it expires): what it listed is nobody's
    held = set().union(*(listed | first.get(node, (0, set()))[1] for node, (_, listed) in second.items()))
    return [job for job in unfinished if job not in held]


def fail_jobs_of_no_live_node(jobs: JobManager, farm: FarmBackendBase, redis: Any | None = None) -> int:
    """At a node's start: fail (``INTERRUPTED``) the unfinished jobs no live node runs (:func:`jobs_of_no_live_node`);
    returns how many. Redis unreachable: none now; the node's lease loop does it once Redis answers."""
    try:
        lost = jobs_of_no_live_node(jobs, farm, redis)
    except RedisError:
        logger.warning("the farm's Redis is unreachable: the jobs of lost API nodes are failed once it answers")
        farm.jobs_unswept = True
        return 0
    farm.jobs_unswept = False
    return jobs.fail_interrupted(lost)


def take_over_orphaned_jobs(lease: NodeLease) -> list[str]:
    """Re-attach every running job whose journal names another node whose lease is gone; returns their ids."""
    records, _ = lease.jobs.list(status="Running", limit=RUNNING_JOBS_LOOKED_AT)
    taken = []
    own = set(lease.jobs.supervised())
    for record in records:
        if record.job_id in own:  # this node runs it: no Redis command for it
            continue
        raw = lease._redis.get(lease._key("job", record.job_id))
        call: dict[str, Any] | None = json.loads(raw) if raw is not None else None
        node = call.get("node") if call is not None else None
        if call is None or not isinstance(node, str) or node == lease.farm.node_id or lease.alive(node):
            continue
        if not lease.take(record.job_id):
            continue
        logger.warning("API node %s is gone: job %s is finished here", node, record.job_id)
        lease.settle(lease.jobs, lease.farm, record.job_id, call)
        taken.append(record.job_id)
    return taken
