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
"""

from __future__ import annotations

import json
import logging
import threading
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.farm.proxy import FarmBackendBase
    from engineering_api.jobs.manager import JobManager

__all__ = ("BEAT_SECONDS", "NodeLease", "take_over_orphaned_jobs")

logger = logging.getLogger(__name__)

BEAT_SECONDS = 1.0
"""How often a node rewrites its lease and looks for running jobs of nodes whose lease is gone."""
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

    def _key(self, *parts: str) -> str:
        return ":".join((self.farm.config.prefix, *parts))

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, name="farm-node-lease", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()

    def beat(self) -> None:
        self._redis.set(self._key("node", self.farm.node_id), "1", px=int(self.farm.config.lease_seconds * 1000))

    def alive(self, node: str) -> bool:
        return bool(self._redis.exists(self._key("node", node)))

    def _run(self) -> None:
        while not self._stop.wait(BEAT_SECONDS):
            try:
                self.beat()
                take_over_orphaned_jobs(self)
            except RedisError:  # Redis restarting: the next look tries again
                continue
            except Exception:  # the database away: never the end of the lease
                logger.warning("could not look for jobs of lost API nodes", exc_info=True)

    def take(self, job_id: str) -> bool:
        """Whether this node is the one that takes ``job_id`` over (only one does)."""
        return bool(self._redis.set(self._key("taken-over", job_id), self.farm.node_id, nx=True,
                                    ex=TAKEN_OVER_SECONDS))


def take_over_orphaned_jobs(lease: NodeLease) -> list[str]:
    """Re-attach every running job whose journal names another node whose lease is gone; returns their ids."""
    records, _ = lease.jobs.list(status="Running", limit=RUNNING_JOBS_LOOKED_AT)
    taken = []
    for record in records:
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
