"""What a waiting call costs the API node and Redis (issue 52: the farm at 32 agents): the node wakes every
``POLL_SECONDS`` to look at the call's cancel token, and reads the agent's record (its lease, one round trip)
only as often as the agent writes it. Counted on a clock the test moves, never timed."""

from __future__ import annotations

import types
from typing import Any

import pytest

from engineering_api.farm import proxy
from engineering_api.farm.registry import HEARTBEAT_SECONDS

pytestmark = pytest.mark.xdist_group("farm-2")

WAKE_UPS = 12


def test_a_waiting_call_reads_its_agents_lease_once_a_heartbeat_not_at_every_wake_up(timed_farm, tmp_path, monkeypatch):
    farm, _ = timed_farm("600:open_projects")  # held until the gate file exists
    clock = {"now": 1000.0}
    monkeypatch.setattr(proxy, "time", types.SimpleNamespace(
        monotonic=lambda: clock["now"], time=proxy.time.time, sleep=proxy.time.sleep))
    counts = {"wake-ups": 0, "lease reads": 0}
    next_message, agent = farm.registry.next_message, farm.registry.agent

    def waited(call_id: str, timeout: float) -> Any:
        message = next_message(call_id, timeout)
        if message is None:  # a wake-up without news: the poll's time has passed
            counts["wake-ups"] += 1
            clock["now"] += proxy.POLL_SECONDS
            if counts["wake-ups"] == WAKE_UPS:
                (tmp_path / "gate").touch()  # the agent's call ends
        return message

    def read(name: str) -> Any:
        counts["lease reads"] += 1
        return agent(name)

    monkeypatch.setattr(farm.registry, "next_message", waited)
    monkeypatch.setattr(farm.registry, "agent", read)
    assert farm.open_projects() == []
    assert counts["wake-ups"] >= WAKE_UPS
    # one read per heartbeat of the waited time (3 s here), not one per wake-up (12)
    assert counts["lease reads"] <= counts["wake-ups"] * proxy.POLL_SECONDS / HEARTBEAT_SECONDS + 1, counts
