"""A real farm for the tests: a Redis server and agent processes (``engineering-api agent``) on the fake backend.

Redis comes from Debian (``make test`` installs ``redis-server`` as it installs Mono). Without it these tests
skip with the reason; with ``CI=true`` they fail instead, as the bridge tests do. The farm tests form two xdist
groups (``make test`` runs ``--dist loadgroup``), ``farm-1`` and ``farm-2``, each run by one worker against its own
Redis and set of agents started once (a session fixture is one per worker); after each test the agents are given
back clean (projects closed without saving, claims released), so a test starts with idle agents. The farm's tests
mostly wait (leases, graces, restarts): in one group they took 13-14 minutes, the whole of ``make test``'s, so
they are split by module into two groups of about equal time (``--durations`` of ``pytest -n 1 tests/farm``); a
new module joins the group that is shorter then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sys

import pytest
from litestar.testing import TestClient

from engineering_api.app import create_app
from engineering_api.config import Settings
from engineering_api.farm.registry import AgentRegistry
from tools.farm_harness import REDIS, Agents, RedisServer, redis_client
from tests.conftest import data, skip_or_fail

ROOT = Path(__file__).resolve().parents[2]


def require_redis() -> None:
    """Skip (or, in CI, fail) without a redis-server binary."""
    if REDIS:
        return
    reason = "farm tests need redis-server (Debian: apt-get install redis-server; 'make test' installs it as root)"
    skip_or_fail(reason, "the farm tests")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    require_redis()
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start(persistent=True)  # a broker restart keeps accepted calls (appendonly, fsync always)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def agents(redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Agents]:
    """Three agents for every farm test; a test that kills one leaves the others (tests need at least two)."""
    farm = Agents(redis_server.url, tmp_path_factory.mktemp("agents"))
    farm.start(3)
    yield farm
    farm.stop_all()


def give_back(redis_url: str) -> None:
    """Close every project the agents hold, without saving, delete their PLCSim instances (the machine's, not the
    project's) and release every claim (between tests)."""
    from engineering_api.farm import FarmBackend, FarmConfig
    from engineering_api.farm.registry import Claim

    backend = FarmBackend(FarmConfig(redis_url))

    def attempt(target: Claim, method: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return backend._send(target, method, args, kwargs, None, fence={"override": True})
        except Exception:  # best effort: the next test sees what is left
            return None

    try:
        for record in backend.registry.agents():
            target = Claim(record.name, record.instance, record.fence)
            if record.open_project is not None:
                attempt(target, "close_project")
            for instance in attempt(target, "simulation.list_instances") or []:
                attempt(target, "simulation.power_off", instance.name, confirm=True)
                attempt(target, "simulation.delete_instance", instance.name)
            backend.registry.reset(record.name)
        connection = redis_client(redis_url)
        for key in connection.scan_iter(match="engineering-api:farm:caller:*"):
            connection.delete(key)
    finally:
        backend.close()


@pytest.fixture
def farm(agents: Agents) -> Iterator[Any]:
    """A farm backend of the session's farm, as the API node holds it (agents given back clean afterwards)."""
    from engineering_api.farm import FarmBackend, FarmConfig

    backend = FarmBackend(FarmConfig(agents.redis_url))
    yield backend
    backend.close()
    give_back(agents.redis_url)


@pytest.fixture
def settings(tmp_path: Path, agents: Agents) -> Iterator[Settings]:
    """The API node of the farm: the usual app, with ``farm_url`` set."""
    yield Settings.from_env(data_dir=tmp_path, farm_url=agents.redis_url)
    give_back(agents.redis_url)


@pytest.fixture
def farm_key(services: Any) -> Callable[[str], dict[str, str]]:
    """Headers of a new engineer key naming a session of its own: a new caller, so a new portal on a free agent."""

    def make(name: str) -> dict[str, str]:
        _, secret = services.keys.create(name, "engineer")
        return {"X-API-Key": secret, "X-Engineering-Session": name}

    return make


def start_running_instance(client: Any, caller: dict[str, str], workspace: Path, project: str, instance: str) -> None:
    """For ``caller``: a new project ``project`` in ``workspace`` and a SingleStep simulation instance ``instance``,
    powered on and in RUN (a call that can be kept running on the caller's agent)."""
    data(client.post("/api/projects/actions/create-sync", json={"name": project, "path": str(workspace)},
                     headers=caller))
    data(client.post("/api/simulation/instances/create", json={"name": instance, "operatingMode": "SingleStep"},
                     headers=caller))
    data(client.post(f"/api/simulation/instances/{instance}/power-on", headers=caller))
    data(client.post(f"/api/simulation/instances/{instance}/run", headers=caller))


@pytest.fixture
def timed_farm(tmp_path: Path) -> Iterator[Callable[..., tuple[Any, Agents]]]:
    """``timed_farm(spec, count=1)``: a farm of the test's own (a Redis that does not persist, ``count`` agents of
    bench/timed_agent.py with floor ``spec``, ``S`` or ``S:METHOD,…``, whose floor also ends once the file
    ``tmp_path / "gate"`` exists) and a farm backend for it: every floored call runs at least S seconds and ignores
    a cancel (TIA in a C call)."""
    import sys

    from engineering_api.farm import FarmBackend, FarmConfig

    require_redis()
    started: list[tuple[Any, Agents, RedisServer]] = []

    def make(spec: str, count: int = 1) -> tuple[Any, Agents]:
        (tmp_path / "redis").mkdir()
        (tmp_path / "agents").mkdir()
        server = RedisServer(tmp_path / "redis")
        server.start()
        agents = Agents(server.url, tmp_path / "agents", [sys.executable, str(ROOT / "bench" / "timed_agent.py"), spec],
                        env={"TIMED_AGENT_GATE": str(tmp_path / "gate")})
        backend = FarmBackend(FarmConfig(server.url, outage_grace_seconds=0.5))  # this Redis is new: no waiting
        started.append((backend, agents, server))
        agents.start(count)
        return backend, agents

    yield make
    for backend, agents, server in started:
        backend.close()
        agents.stop_all()
        server.stop()


@dataclass
class OwnFarm:
    redis: RedisServer
    agents: Agents
    root: Path

    @property
    def registry(self) -> AgentRegistry:
        return AgentRegistry(redis_client(self.redis.url))

    def node(self, **settings: Any) -> TestClient[Any]:
        """An API node of this farm (``serve --farm``'s app) with its own data directory."""
        data_dir = self.root / f"node{len(list(self.root.glob('node*')))}"
        return TestClient(create_app(Settings.from_env(data_dir=data_dir, farm_url=self.redis.url, **settings)))


@pytest.fixture
def own_farm(tmp_path: Path) -> Iterator[Callable[..., OwnFarm]]:
    """``own_farm(count, spec="0", persistent=False, env=None)``: a Redis and ``count`` agents of
    tests/farm/stepped_clock_agent.py (floor ``spec`` of bench/timed_agent.py; a wall clock the file
    ``root/clock`` steps)."""
    require_redis()
    made: list[OwnFarm] = []

    def make(count: int, spec: str = "0", *, persistent: bool = False, env: dict[str, str] | None = None) -> OwnFarm:
        root = tmp_path / f"farm{len(made)}"
        (root / "agents").mkdir(parents=True)
        server = RedisServer(root)
        server.start(persistent=persistent)
        agents = Agents(server.url, root / "agents",
                        [sys.executable, str(ROOT / "tests" / "farm" / "stepped_clock_agent.py"), spec],
                        env={"STEPPED_CLOCK_FILE": str(root / "clock"), "TIMED_AGENT_GATE": str(root / "gate"),
                             **(env or {})})
        farm = OwnFarm(server, agents, root)
        made.append(farm)
        agents.start(count)
        return farm

    yield make
    for farm in made:
        farm.agents.stop_all()
        farm.redis.stop()
