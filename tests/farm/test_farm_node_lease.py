"""An API node's lease in the farm's Redis (issue 69): the node that looks for the jobs of lost nodes never takes
itself for one, and a beat puts the node back in the set of nodes whoever removed it."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from engineering_api.farm.failover import NodeLease, jobs_of_no_live_node
from tools.farm_harness import RedisServer, redis_client

pytestmark = pytest.mark.xdist_group("farm")


def _lease(redis_server: RedisServer, own: list[str], unfinished: list[str]) -> tuple[NodeLease, Any, Any]:
    config = SimpleNamespace(prefix=f"lease-{uuid.uuid4().hex}", lease_seconds=2.0,
                             redis=lambda: redis_client(redis_server.url))
    farm = SimpleNamespace(node_id="node-a", config=config, jobs_unswept=True)
    jobs = SimpleNamespace(supervised=lambda: list(own), unfinished=lambda: list(unfinished))
    return NodeLease(jobs, farm, lambda *_: None), jobs, farm  # type: ignore[arg-type]  # the lease reads these only


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
