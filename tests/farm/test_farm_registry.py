"""The registry's one-round-trip lookup of a caller's agent, against a Redis of its own (it is restarted)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engineering_api.farm.registry import AgentRecord, AgentRegistry, Claim, Holding
from tests.farm.conftest import require_redis
from tests.farm.farmlib import RedisServer, redis_client


@pytest.fixture
def redis(tmp_path) -> Iterator[RedisServer]:
    require_redis()
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def _token(claim: Claim | None) -> int:
    """The fencing token of a claim the registry granted (it always carries one)."""
    assert claim is not None and claim.token is not None, claim
    return claim.token


def test_holding_names_the_agent_instance_its_token_and_whether_it_is_alive(redis: RedisServer) -> None:
    registry = AgentRegistry(redis_client(redis.url), "t")
    assert registry.holding("c1") == Holding(None, "none")
    a1, a2 = AgentRecord("a1", "fake", ["V19"]), AgentRecord("a2", "fake", ["V19"])
    registry.heartbeat(a1)
    registry.heartbeat(a2)
    first, second = registry.claim("c1"), registry.claim("c2")
    assert first is not None and second is not None
    assert (first.agent, first.instance, second.agent, second.instance) == ("a1", a1.instance, "a2", a2.instance)
    assert _token(second) > _token(first), "tokens only grow"
    assert registry.holding("c1") == Holding(first, "alive") and registry.holds("c2") == "a2"
    registry.withdraw(a1)  # stopped: its record is gone, the claim still names it
    assert registry.holding("c1").state == "gone"
    registry.heartbeat(AgentRecord("a2", "fake", ["V19"]))  # restarted at once: another instance, same name
    assert registry.holding("c2").state == "restarted" and registry.holds("c2") is None


def test_a_closing_claim_keeps_the_agent_until_the_agent_confirms(redis: RedisServer) -> None:
    registry = AgentRegistry(redis_client(redis.url), "t")
    registry.heartbeat(AgentRecord("a1", "fake", ["V19"]))
    claim = registry.claim("c1")
    assert claim is not None
    assert registry.mark_closing(claim)
    assert registry.holding("c1").state == "closing"
    assert registry.claim("c2") is None and registry.free_agent() is None, "nobody else gets the portal yet"
    registry.confirm_closed("a1", _token(claim) + 1)  # another ownership's confirmation changes nothing
    assert registry.claim("c2") is None
    registry.confirm_closed("a1", _token(claim))
    assert _token(registry.claim("c2")) > _token(claim)


def test_a_project_is_locked_by_one_live_instance(redis: RedisServer) -> None:
    registry = AgentRegistry(redis_client(redis.url), "t")
    a1, a2 = AgentRecord("a1", "fake", ["V19"]), AgentRecord("a2", "fake", ["V19"])
    registry.heartbeat(a1)
    registry.heartbeat(a2)
    assert registry.lock_project("/p/P.ap19", a1, 1) is None
    assert (registry.lock_project("/p/P.ap19", a2, 2) or {}).get("agent") == "a1"
    registry.withdraw(a1)  # its holder is gone: the lock is void
    assert registry.lock_project("/p/P.ap19", a2, 2) is None
    registry.unlock_project("/p/P.ap19", a1)  # not the holder any more: nothing happens
    assert (registry.lock_project("/p/P.ap19", a1, 3) or {}).get("agent") == "a2"
    registry.unlock_project("/p/P.ap19", a2)
    assert registry.lock_project("/p/P.ap19", a1, 3) is None
