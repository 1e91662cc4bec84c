"""Redis commands per port call, counted (issue 69): one session's calls through the REST API of an API node
(the app ``serve --farm`` runs) on one agent process whose every call takes at least 1 s (bench/timed_agent.py:
TIA's work on its host), against a Redis of the test's own. Every command Redis counts (``INFO commandstats``,
those a Lua script runs included) over the calls, divided by the port calls the agent ran, is held against
``redis_budget.json``: a count, never a time, so a busy machine changes it little (a call that takes longer than
its floor polls a little more). Run as a script it prints the count by command, to set or review the budget:
``python -m tests.farm.test_farm_redis_budget``."""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.farm.registry import AgentRegistry
from tests.conftest import CPU, data
from tests.farm.conftest import require_redis
from tools.farm_harness import Agents, RedisServer, redis_client

pytestmark = pytest.mark.xdist_group("farm")

ROOT = Path(__file__).resolve().parents[2]
BUDGET = json.loads((Path(__file__).with_name("redis_budget.json")).read_text())
TOLERANCE = 1.10


def _commands(redis: Any) -> dict[str, int]:
    return {name.removeprefix("cmdstat_"): int(stats["calls"]) for name, stats in redis.info("commandstats").items()}


def count(root: Path) -> tuple[float, dict[str, float]]:
    """Redis commands per port call over one session's work, and by command."""
    server = RedisServer(root)
    server.start()
    (root / "agents").mkdir()
    agents = Agents(server.url, root / "agents", [sys.executable, str(ROOT / "bench" / "timed_agent.py"), "1"])
    try:
        agents.start(1)
        redis = redis_client(server.url)
        registry = AgentRegistry(redis)
        with TestClient(create_app(Settings.from_env(data_dir=root / "node", farm_url=server.url))) as node:
            secret = node.app.state.services.settings.secret_path.read_text().strip()
            session = {"X-API-Key": secret, "X-Engineering-Session": "counted"}
            data(node.post("/api/projects/actions/create-sync", json={"name": "Counted"}, headers=session))
            data(node.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"},
                           headers=session))
            calls_before = sum(r.calls_done for r in registry.agents())
            before = _commands(redis)
            for _ in range(3):
                data(node.get("/api/projects/devices", headers=session))
                data(node.post("/api/projects/actions/save-sync", headers=session))
            after = _commands(redis)
            calls = sum(r.calls_done for r in registry.agents()) - calls_before
        # the one INFO of the ``before`` count is this function's own (Redis counts a command after it ran, so the
        # ``after`` count holds it and not itself); every other INFO is the farm's (the waiting calls' look at the
        # server's start, registry.uptime)
        after["info"] = after.get("info", 0) - 1
        used = {name: (after[name] - before.get(name, 0)) / calls for name in after
                if after[name] > before.get(name, 0)}
        return sum(used.values()), used
    finally:
        agents.stop_all()
        server.stop()


def test_redis_commands_per_port_call_stay_within_the_budget(tmp_path):
    require_redis()
    total, by_command = count(tmp_path)
    budget = BUDGET["commandsPerPortCall"]
    assert total <= budget * TOLERANCE, (
        f"{total:.1f} Redis commands per port call, budget {budget} (+10%): "
        + ", ".join(f"{name} {n:.2f}" for name, n in sorted(by_command.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as workdir:
        measured, commands = count(Path(workdir))
    print(f"{measured:.1f} Redis commands per port call")
    for command, per_call in sorted(commands.items(), key=lambda kv: -kv[1]):
        print(f"  {command:24} {per_call:6.2f}")


def test_waiting_calls_share_one_read_of_the_servers_start_per_interval(redis_server: RedisServer) -> None:
    """A waiting call asks whether Redis restarted since it published (``INFO``) every lease check: the node's
    calls share one read per :data:`LEASE_CHECK_SECONDS`, read again at once after Redis was unreachable."""
    from engineering_api.farm.celery_app import FarmConfig
    from engineering_api.farm.proxy import FarmBackend

    backend = FarmBackend(FarmConfig(redis_server.url))
    reads: list[float] = []
    uptime = backend.registry.uptime

    def counted_uptime() -> float:
        reads.append(uptime())
        return reads[-1]

    backend.registry.uptime = counted_uptime  # type: ignore[method-assign]
    # INFO's uptime is whole seconds: a moment a few seconds on is after the server's start however it rounds
    before, after = time.monotonic() - 3600.0, time.monotonic() + 5.0
    answers: list[bool] = []
    waiting = [threading.Thread(target=lambda: answers.extend(backend._restarted_since(m) for m in (before, after)))
               for _ in range(8)]
    for thread in waiting:
        thread.start()
    for thread in waiting:
        thread.join()
    assert sorted(answers) == [False] * 8 + [True] * 8, "started since an hour ago, not since later"
    assert len(reads) == 1, f"{len(reads)} INFO reads for 16 looks of 8 waiting calls within one interval"
    backend._note_unreachable()  # Redis may come back restarted: its start is read again
    assert backend._restarted_since(before) and len(reads) == 2
