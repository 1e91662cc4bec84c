"""API node failover: a job whose node died is finished by another live node on the same database.

Each API node of a farm holds a lease in Redis (``node:<id>``, rewritten every :data:`BEAT_SECONDS`, gone after
the farm's lease) and names itself in the journal of every job it runs (:meth:`FarmBackendBase._note_job`). A
node looks at the jobs its database says are running, every :data:`BEAT_SECONDS`: one whose journal names a node
whose lease is gone is taken over (once, by one node: ``SET NX``) and re-attached to its call as a restarted node
re-attaches its own (:func:`engineering_api.farm.reattach.watch`): it ends by its whole operation, with what is
known, never ``Completed``. A client's retry with the same ``Idempotency-Key`` through that node (or any node on
the database) waits for the job like any retry of a running job, and gets that end within the lease, the look
and the call's own end, instead of waiting for the dead node to come back.

A job without a journal (its node died before its first farm call) names no node, and no agent ran anything for
it: a live node fails it (``INTERRUPTED``, cause ``API_NODE_STOPPED``) once no live node's lease listed it in two
looks between which every live node has beaten (a job is written to the database just before its node lists it).

Only one node finishes a job: whoever takes its mark (``taken-over:<job>``, :func:`take_job`), which a node may
take from a holder whose lease is gone (a node that took a job over and died too), never from a live one. A lease
that lapsed does not prove its node dead (a stalled process; a Redis stopped for longer than a lease expires every
lease): within the outage grace none is taken for lost, and once a job's mark is taken no call of that job starts
on an agent (each carries its job and node; the agent reads the mark as it marks the call started), while the taker
reads the job's journal after taking the mark. Every call the node sent before is in that journal, every later one
never runs: the job's end is told by what ran (fault schedule seed 1002).

A node's lease also lists the jobs it runs (:meth:`JobManager.supervised`), so a node that starts on a database
other nodes use finishes only the unfinished jobs no live node lists (:func:`jobs_of_no_live_node`), never the
jobs a live node still runs, and only those whose mark it takes: never one a live node took over. It finishes each
in one write, by its journal, as a survivor does (:func:`finish_jobs_of_no_live_node`): a job whose call an agent
may still run stays Running, re-attached to it, and is never written ``INTERRUPTED`` on the way (a client waiting
on it through any node reads the first end it sees as the answer). A clean stop leaves its jobs the same way
(:func:`engineering_api.farm.reattach.hand_over_jobs`) and gives up its lease, so a live node takes them over at
its next look.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError

from engineering_api.lib.staging import LeaseAlive, hold_staging_lease

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.farm.proxy import FarmBackendBase
    from engineering_api.jobs.manager import JobManager

__all__ = ("BEAT_SECONDS", "HELD", "TAKEN", "NodeLease", "finish_jobs_of_no_live_node", "jobs_of_no_live_node",
           "staging_lease_alive", "take_job", "take_over_orphaned_jobs")

logger = logging.getLogger(__name__)

BEAT_SECONDS = 2.0
"""How often a node rewrites its lease and looks for running jobs of nodes whose lease is gone (at most a third of
its lease: :meth:`NodeLease.interval`)."""
TAKEN_OVER_SECONDS = 24 * 3600
"""How long the mark that a node took a job over is kept (a day, as the journal)."""
_TAKE = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then return 2 end
if holder and redis.call('EXISTS', ARGV[3] .. holder) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
"""
"""Take a job's mark unless a live node (its lease ``<prefix>:node:<id>`` exists) holds it: atomic, so of two
nodes that find its holder dead only one takes it. 1: newly taken; 2: this node held it already (it is settling
the job: a look must not settle it again); 0: a live node holds it."""
TAKEN, HELD = 1, 2


class NodeLease:
    """This node's lease, and the loop that takes over the jobs of nodes whose lease is gone (a daemon thread)."""

    def __init__(self, jobs: JobManager, farm: FarmBackendBase,
                 settle: Callable[[JobManager, FarmBackendBase, str, dict[str, Any]], None]) -> None:
        self.jobs, self.farm = jobs, farm
        self.settle = settle
        """Re-attaches a taken-over job to its call (:func:`engineering_api.farm.reattach.settle_orphaned`)."""
        self._redis = farm.config.redis()
        hold_staging_lease(self._key("node", farm.node_id))  # its staging folders live while this lease does
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._beats = 0
        self._suspects: dict[str, dict[str, int]] = {}
        """Unfinished jobs without a journal that no live node listed at the last look, with the beat of every
        live node then: one still unlisted once each of those nodes has beaten again is nobody's."""

    def _key(self, *parts: str) -> str:
        return ":".join((self.farm.config.prefix, *parts))

    def start(self) -> threading.Thread:
        self._thread = threading.Thread(target=self._run, name="farm-node-lease", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self) -> None:
        """Stop beating and give the lease up (a clean stop): the other nodes take over the jobs this node left at
        their next look, not a lease later. Redis away: the lease lapses by itself."""
        self._stop.set()
        if self._thread is not None:  # a look under way ends first: no beat of it writes the lease again
            self._thread.join(self.farm.config.lease_seconds + BEAT_SECONDS)
        try:
            pipe = self._redis.pipeline(transaction=False)
            pipe.delete(self._key("node", self.farm.node_id))
            pipe.srem(self._key("nodes"), self.farm.node_id)
            pipe.execute()
        except RedisError:
            logger.warning("could not give up this API node's lease: the other nodes wait for it to lapse")

    @property
    def interval(self) -> float:
        return min(BEAT_SECONDS, self.farm.config.lease_seconds / 3)

    def beat(self) -> None:
        """The lease, naming the jobs this node runs and counting its beats; the node in the set of nodes (none
        once the lease is given up: :meth:`stop`)."""
        if self._stop.is_set():
            return
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
                    finish_jobs_of_no_live_node(self)
                take_over_orphaned_jobs(self)
            except RedisError:  # Redis restarting: the next look tries again
                continue
            except Exception:  # the database away: never the end of the lease
                logger.warning("could not look for jobs of lost API nodes", exc_info=True)

    def take(self, job_id: str) -> bool:
        """Whether this node takes ``job_id`` over now (only one does, once: a job it took at an earlier look is
        being settled, its journal still naming the lost node until its watch ends)."""
        return take_job(self._redis, self.farm, job_id) == TAKEN

    def unlisted(self, jobs: list[str]) -> list[str]:
        """Of ``jobs`` (unfinished, without a journal, not this node's), those no live node has listed in its lease
        at this look nor at the previous one, every node live then having beaten since."""
        if not jobs:
            self._suspects = {}
            return []
        leases = _node_leases(self._redis, self.farm.config.prefix, self.farm.node_id)
        listed = set().union(*(held for _, held in leases.values()))
        beats = {node: beat for node, (beat, _) in leases.items()}
        orphaned, suspects = [], {}
        for job in jobs:
            if job in listed:
                continue
            before = self._suspects.get(job)
            if before is not None and all(node not in beats or beats[node] > beat for node, beat in before.items()):
                orphaned.append(job)
            else:
                suspects[job] = before if before is not None else beats
        self._suspects = suspects
        return orphaned


def take_job(redis: Any, farm: FarmBackendBase, job_id: str) -> int:
    """Whether this node now holds ``job_id``'s mark, the right to finish it: :data:`TAKEN` (it was free or held by
    a node whose lease is gone), :data:`HELD` (this node held it already), 0 (a live node holds it)."""
    # the key agents read before they start a call of the job (AgentRegistry.start_call): a node taken for lost
    # sends no more of its calls that run
    return int(redis.eval(_TAKE, 1, farm.registry.taken_over_key(job_id), farm.node_id, TAKEN_OVER_SECONDS,
                          f"{farm.config.prefix}:node:"))


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


def jobs_of_no_live_node(jobs: JobManager, farm: FarmBackendBase, redis: Any | None = None,
                         own_beat: Callable[[], None] | None = None) -> list[str]:
    """The unfinished jobs of the database that no live API node runs (at a node's start: its own previous run's,
    and those of nodes that died), to be finished by their journals (:func:`finish_jobs_of_no_live_node`).

    The jobs this node runs are never lost; ``redis`` is a client of the farm's Redis to reuse (a new one otherwise).
    A job is written to the database just before its node lists it, so the leases are read twice: once, then
    again after every live node has beaten since (or lost its lease; at most a lease later). A job that no node
    still live at the second read listed in either read was run by no live node when the database was read.
    ``own_beat``: this node's beat, kept up while it waits (a node starting beside it waits for that beat as this one
    waits for its: without it both would wait out each other's lease and take each other for dead).

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
        if own_beat is not None:
            own_beat()
        second = _node_leases(redis, prefix, farm.node_id)
        if all(node not in second or second[node][0] > beat for node, (beat, _) in first.items()):
            break
        time.sleep(0.25)
    # a node that lost its lease between the two reads is dead (a node restarted at once leaves its old lease
    # until it expires): what it listed is nobody's
    held = set().union(*(listed | first.get(node, (0, set()))[1] for node, (_, listed) in second.items()))
    return [job for job in unfinished if job not in held]


def finish_jobs_of_no_live_node(lease: NodeLease) -> int:
    """At a node's start (after its first beat): finish every unfinished job no live node runs
    (:func:`jobs_of_no_live_node`, beating meanwhile) and whose mark this node takes (:func:`take_job`: none a live
    node took over and is finishing), each with the lease's ``settle`` and its journal
    (:func:`engineering_api.farm.reattach.settle_orphaned`: in one write, re-attached to a call an agent may still
    run, else ended by what completed; no journal: it made no farm call, ``INTERRUPTED``). Returns how many. Redis
    unreachable: none now; the node's lease loop does it once Redis answers (a job whose journal cannot be read is
    left as it is, never ended on a guess)."""
    jobs, farm, redis = lease.jobs, lease.farm, lease._redis
    try:
        lost = [job for job in jobs_of_no_live_node(jobs, farm, redis, lease.beat) if take_job(redis, farm, job)]
        journals = farm.registry.job_calls(lost)
    except RedisError:
        logger.warning("the farm's Redis is unreachable: the jobs of lost API nodes are finished once it answers")
        farm.jobs_unswept = True
        return 0
    farm.jobs_unswept = False
    for job_id, call in zip(lost, journals):
        lease.settle(jobs, farm, job_id, call or {})
    return len(lost)


def take_over_orphaned_jobs(lease: NodeLease) -> list[str]:
    """Finish every unfinished job of a lost node: re-attach one whose journal names another node whose lease is
    gone; fail one without a journal that no live node lists (:meth:`NodeLease.unlisted`). Returns their ids.

    A lease that is gone says a node is lost only outside the outage grace (Redis restarted: leases expired while
    their live nodes could not beat, :meth:`FarmBackendBase.in_outage_grace`). A node taken for lost may yet be
    alive (a stalled process): once its job's mark is taken, no call of that job starts on an agent
    (:meth:`AgentRegistry.start_call`), and the journal is read again after the mark is taken, so the job is
    settled by every call its node sent, never by a journal read before the node's last one."""
    own = set(lease.jobs.supervised())
    others = [job for job in lease.jobs.unfinished() if job not in own]  # this node's: no Redis command for them
    if not others:
        lease._suspects = {}
        return []
    grace: list[bool] = []  # asked once a look, and only when a job would be taken (one INFO)

    def lost_for_sure() -> bool:
        if not grace:
            grace.append(lease.farm.in_outage_grace())
        return not grace[0]

    taken, unjournaled = [], []
    for job_id, call in zip(others, lease.farm.registry.job_calls(others)):
        if call is None:
            unjournaled.append(job_id)
            continue
        node = call.get("node")
        if not isinstance(node, str) or node == lease.farm.node_id or lease.alive(node):
            continue
        if lost_for_sure() and lease.take(job_id):
            logger.warning("API node %s is gone: job %s is finished here", node, job_id)
            lease.settle(lease.jobs, lease.farm, job_id, lease.farm.registry.job_call(job_id) or call)
            taken.append(job_id)
    for job_id in lease.unlisted(unjournaled):
        if lost_for_sure() and lease.take(job_id):
            # its node may have sent its first call since the look (a node taken for lost that was not)
            call = lease.farm.registry.job_call(job_id) or {}
            logger.warning("job %s runs on no live API node (its journal: %s): it is finished here", job_id,
                           call.get("method") or "no farm call")
            lease.settle(lease.jobs, lease.farm, job_id, call)
            taken.append(job_id)
    return taken


def staging_lease_alive(farm: FarmBackendBase) -> LeaseAlive:
    """Whether the farm lease a staging folder's owner mark names is live (``lib.staging``): an API node's lease
    or an agent's record, held by the mark's instance (an agent restarted as another instance left its old
    folders). Redis away or a record it cannot read: live, so the folder is kept. A missing lease while Redis is
    in its outage grace (:meth:`FarmBackendBase.in_outage_grace`: just restarted, its leases not yet rewritten by
    their next beat) says nothing either: the folder is kept. The grace is asked once per cleanup, on the first
    missing lease."""
    redis = farm.config.redis()
    grace: list[bool] = []

    def in_grace() -> bool:
        if not grace:
            grace.append(farm.in_outage_grace())
        return grace[0]

    def alive(key: str, instance: str | None) -> bool:
        try:
            raw = redis.get(key)
        except RedisError:
            return True
        if raw is None:
            return in_grace()
        if instance is None:
            return True
        try:
            record = json.loads(raw)
        except ValueError:
            return True
        return not isinstance(record, dict) or record.get("instance") == instance

    return alive
