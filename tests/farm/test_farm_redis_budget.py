"""Redis commands per port call, counted (issue 69): one session's calls through the REST API of an API node
(the app ``serve --farm`` runs) on one agent process whose every call takes at least 1 s (bench/timed_agent.py:
TIA's work on its host), against a Redis of the test's own. Every command Redis counts (``INFO commandstats``,
those a Lua script runs included) over the calls, divided by the port calls the agent ran, is held against
``redis_budget.json``: a count, never a time. The budget is a model of two parts, the commands of each call itself
and the commands a second while calls run (heartbeats, leases, the waiting call's look), measured at floors of 1, 2
and 3 s: a busy machine, on which the calls take longer than their floor, is allowed the time-driven commands of
that longer time and nothing more. Run as a script it prints the count by command, to set or review the budget:
``python -m tests.farm.test_farm_redis_budget``."""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from litestar.testing import TestClient

from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.farm.registry import AgentRegistry
from tests.conftest import CPU, data
from tests.farm.conftest import require_redis
from tools.farm_harness import Agents, RedisServer, redis_client

pytestmark = pytest.mark.xdist_group("farm-2")

ROOT = Path(__file__).resolve().parents[2]
BUDGET = json.loads((Path(__file__).with_name("redis_budget.json")).read_text())
TOLERANCE = 1.10


def _commands(redis: Any) -> dict[str, int]:
    return {name.removeprefix("cmdstat_"): int(stats["calls"]) for name, stats in redis.info("commandstats").items()}


class Counted(NamedTuple):
    """One session's port calls: the Redis commands they cost, by command, and the seconds they took."""

    calls: int
    seconds: float
    by_command: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_command.values())

    def allowed(self) -> float:
        """What the budget allows for these calls: commands of each call itself, and commands a second while they
        run (heartbeats, leases, the waiting call's look), so a machine on which the calls take longer is allowed
        the time-driven commands of that longer time and no more."""
        return BUDGET["commandsPerPortCall"] * self.calls + BUDGET["commandsPerSecond"] * self.seconds


def count(root: Path) -> Counted:
    """The Redis commands of one session's work, by command, the port calls the agent ran and the seconds they
    took."""
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
            started = time.monotonic()
            for _ in range(3):
                data(node.get("/api/projects/devices", headers=session))
                data(node.post("/api/projects/actions/save-sync", headers=session))
            after = _commands(redis)
            seconds = time.monotonic() - started
            calls = sum(r.calls_done for r in registry.agents()) - calls_before
        # the one INFO of the ``before`` count is this function's own (Redis counts a command after it ran, so the
        # ``after`` count holds it and not itself); every other INFO is the farm's (the waiting calls' look at the
        # server's start, registry.uptime)
        after["info"] = after.get("info", 0) - 1
        used = {name: after[name] - before.get(name, 0) for name in after if after[name] > before.get(name, 0)}
        return Counted(calls, seconds, used)
    finally:
        agents.stop_all()
        server.stop()


def test_redis_commands_per_port_call_stay_within_the_budget(tmp_path):
    require_redis()
    counted = count(tmp_path)
    assert counted.total <= counted.allowed() * TOLERANCE, (
        f"{counted.total} Redis commands for {counted.calls} port calls in {counted.seconds:.1f} s, budget "
        f"{counted.allowed():.0f} (+10%): {BUDGET['commandsPerPortCall']} a call and "
        f"{BUDGET['commandsPerSecond']} a second; by command: "
        + ", ".join(f"{name} {n}" for name, n in sorted(counted.by_command.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as workdir:
        measured = count(Path(workdir))
    print(f"{measured.total / measured.calls:.1f} Redis commands per port call, {measured.calls} calls in "
          f"{measured.seconds:.2f} s; the budget allows {measured.allowed() / measured.calls:.1f} a call")
    for command, used in sorted(measured.by_command.items(), key=lambda kv: -kv[1]):
        print(f"  {command:24} {used / measured.calls:6.2f}")


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
