"""The registry's one-round-trip lookup of a caller's agent, against a Redis of its own (it is restarted)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engineering_api.farm.registry import AgentRecord, AgentRegistry
from tests.farm.conftest import require_redis
from tests.farm.farmlib import RedisServer, redis_client


@pytest.fixture
def redis(tmp_path) -> Iterator[RedisServer]:
    require_redis()
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def test_holding_names_the_callers_agent_and_whether_it_is_alive(redis: RedisServer) -> None:
    registry = AgentRegistry(redis_client(redis.url), "t")
    assert registry.holding("c1") == (None, False)
    registry.heartbeat(AgentRecord("a1", "fake", ["V19"]))
    registry.heartbeat(AgentRecord("a2", "fake", ["V19"]))
    assert registry.claim("c1") == "a1" and registry.claim("c2") == "a2"
    assert registry.holding("c1") == ("a1", True) and registry.holding("c2") == ("a2", True)
    registry.withdraw("a1")  # killed: its record is gone, the claim still names it
    assert registry.holding("c1") == ("a1", False)
    registry.reset("a2")  # restarted: the claim is void
    assert registry.holding("c2") == (None, False) and registry.holds("c2") is None


def test_holding_survives_a_redis_restart_that_forgot_the_script(redis: RedisServer) -> None:
    registry = AgentRegistry(redis_client(redis.url), "t")
    assert registry.holding("c1") == (None, False)
    redis.stop()
    redis.start()
    registry.heartbeat(AgentRecord("a1", "fake", ["V19"]))
    assert registry.claim("c1") == "a1"
    assert registry.holding("c1") == ("a1", True)
