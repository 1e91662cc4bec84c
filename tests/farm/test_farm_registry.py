"""The registry's one-round-trip lookup of a caller's agent, against a Redis of its own (it is restarted)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engineering_api.farm.registry import NAME_HELD, AgentRecord, AgentRegistry, Claim, Holding
from tests.farm.conftest import require_redis
from tools.farm_harness import RedisServer, redis_client


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
    # another instance under a2's name while a2's lease lives (issue 91: a cloned host) takes nothing
    assert registry.heartbeat(AgentRecord("a2", "fake", ["V19"])) == NAME_HELD
    assert registry.holding("c2") == Holding(second, "alive")
    redis_client(redis.url).delete(registry.record_key("a2"))  # killed: its lease lapsed
    assert registry.heartbeat(AgentRecord("a2", "fake", ["V19"])) == 0  # restarted: another instance, same name
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


class _Counted:
    """Round trips the registry makes on one client (its commands and scripts; it uses no pipeline here)."""

    def __init__(self, connection) -> None:
        self.trips = 0
        send = connection.execute_command

        def counted(*args, **kwargs):
            self.trips += 1
            return send(*args, **kwargs)

        connection.execute_command = counted


def test_listing_agents_and_claims_costs_the_same_few_commands_whatever_else_redis_holds(redis: RedisServer) -> None:
    """Every call leaves keys for a day (its start mark, its stored outcome, the job's journal): listing the agents
    for a claim walked all of them (SCAN, 200 keys a round trip). Now a set of names and one script."""
    connection, observer = redis_client(redis.url), redis_client(redis.url)
    registry = AgentRegistry(connection, "t")
    for name in ("a1", "a2", "a3"):
        registry.heartbeat(AgentRecord(name, "fake", ["V19"]))
    held = registry.claim("c1")
    assert held is not None and held.agent == "a1"
    for start in range(0, 20_000, 2_000):  # what a busy farm's calls leave behind
        connection.mset({f"t:call:{i}": "started" for i in range(start, start + 2_000)})
    registry.agents()  # the script is loaded once per Redis (EVALSHA after)
    counter = _Counted(connection)
    trips, commands = {}, {}
    for name, step in (("agents", registry.agents), ("claims", registry.claims), ("free", registry.free_agent),
                       ("claim", lambda: registry.claim("c2"))):
        counter.trips, before = 0, int(observer.info("stats")["total_commands_processed"])
        assert step(), name
        trips[name] = counter.trips
        # on the server: the script's own reads count too (two per agent), the 20,000 other keys never
        commands[name] = int(observer.info("stats")["total_commands_processed"]) - before - 1
    assert [r.name for r in registry.agents()] == ["a1", "a2", "a3"]
    assert set(registry.claims()) == {"a1", "a2"}
    # agents and claims: the script; a free agent: the drained set and the script; a claim: the caller's holding,
    # the drained set, the script, the fencing token, the claim and the caller's key
    assert trips == {"agents": 1, "claims": 1, "free": 2, "claim": 6}, trips
    assert max(commands.values()) < 30, commands


def test_an_agent_gone_for_good_leaves_the_list_once_its_claim_has_ended(redis: RedisServer) -> None:
    connection = redis_client(redis.url)
    registry = AgentRegistry(connection, "t")
    a1, a2 = AgentRecord("a1", "fake", ["V19"]), AgentRecord("a2", "fake", ["V19"])
    registry.heartbeat(a1)
    registry.heartbeat(a2)
    assert registry.claim("c1") is not None
    registry.withdraw(a1)
    registry.withdraw(a2)
    assert registry.agents() == []
    assert set(registry.claims()) == {"a1"}, "a gone agent's claim is still listed (its session is ended from it)"
    assert connection.smembers("t:agents") == {b"a1"}
    registry.release("c1")
    assert registry.claims() == {} and connection.smembers("t:agents") == set()
    registry.heartbeat(a1)  # back: listed again
    assert [r.name for r in registry.agents()] == ["a1"]


def test_a_cancel_request_wakes_the_agent_waiting_on_that_call(redis: RedisServer) -> None:
    registry = AgentRegistry(redis_client(redis.url), "t")
    assert registry.wait_for_cancel("call-1", 0.05) is False  # nothing asked: the wait ends at its timeout
    registry.request_cancel("call-1")
    assert registry.wait_for_cancel("call-1", 600) is True  # the wake-up waits in the list: no 600 s wait
    assert registry.cancel_requested("call-1")
    # a node that only sets the flag (before the wake-up existed) is heard at the end of the wait
    redis_client(redis.url).set("t:cancel:call-2", "1")
    assert registry.wait_for_cancel("call-2", 0.05) is False, "the wake-up alone: one command"
    assert registry.wait_for_cancel("call-2", 0.05, flag=True) is True
