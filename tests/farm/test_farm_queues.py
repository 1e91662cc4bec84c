"""Loose ends of the farm (issue 48): agents consume only the queue calls are published to, and the quick start
runs Redis with the append-only file the failure model relies on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engineering_api.farm.registry import agent_queue
from tests.farm.farm_calls import until

pytestmark = pytest.mark.xdist_group("farm-2")

DOCS = Path(__file__).resolve().parents[2] / "docs" / "farm.md"


def test_every_agent_consumes_only_its_own_queue(farm, agents):
    """The API node publishes every call to one agent's queue (its fence names that instance): a queue no one
    publishes to (one per TIA version) would be consumed for nothing."""
    names = set(agents.processes)
    until(lambda: {w.partition("@")[0] for w in farm.app.control.inspect(timeout=1.0).ping() or {}} >= names,
          "every agent's worker listens")

    def every_agents_queues() -> dict[str, list[str]] | None:
        # A broadcast collects the replies that come within its window: on a busy machine an agent answers after
        # it, so the question is asked again until every agent has answered (one window was 5 s, and missed).
        active = farm.app.control.inspect(timeout=1.0).active_queues() or {}
        consumed = {worker.partition("@")[0]: sorted(q["name"] for q in queues) for worker, queues in active.items()}
        return consumed if names <= consumed.keys() else None

    consumed = until(every_agents_queues, "every agent's queues")
    assert {name: consumed.get(name) for name in names} == {name: [agent_queue(name)] for name in names}


def test_the_quick_starts_redis_keeps_accepted_calls_across_its_restart():
    """The failure model's 'Redis restarting' row holds only with the append-only file (docs/farm.md)."""
    text = DOCS.read_text(encoding="utf-8")
    commands = [line for line in re.findall(r"^redis-server[^\n]*", text, flags=re.MULTILINE)]
    assert commands, "the quick start starts Redis"
    assert all("--appendonly yes" in line for line in commands), commands
