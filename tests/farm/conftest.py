"""A real farm for the tests: a Redis server and agent processes (``engineering-api agent``) on the fake backend.

Redis comes from Debian (``make test`` installs ``redis-server`` as it installs Mono). Without it these tests
skip with the reason; with ``CI=true`` they fail instead, as the bridge tests do. The farm tests form one xdist
group (``make test`` runs ``--dist loadgroup``), so one worker runs them all against one Redis and one set of
agents started once; after each test the agents are given back clean (projects closed without saving, claims
released), so a test starts with idle agents.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from engineering_api.config import Settings

REDIS = shutil.which("redis-server")
AGENT_START_SECONDS = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_redis() -> None:
    """Skip (or, in CI, fail) without a redis-server binary."""
    if REDIS:
        return
    reason = "farm tests need redis-server (Debian: apt-get install redis-server; 'make test' installs it as root)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI must run the farm tests)")
    pytest.skip(reason)


class RedisServer:
    """A throwaway redis-server; ``restart()`` stops and starts it on the same port (the broker-restart test)."""

    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self, *, persistent: bool = False) -> None:
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if persistent else ["--appendonly", "no"]
        self.process = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--dir", str(self.workdir),
             *persistence],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    require_redis()
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


class Agents:
    """Agent processes of one farm; ``start(n)`` adds agents, ``kill(name)`` sends SIGKILL."""

    def __init__(self, redis_url: str, root: Path) -> None:
        self.redis_url = redis_url
        self.root = root
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self._started = 0

    def start(self, count: int, *, versions: str = "V19") -> list[str]:
        from engineering_api.farm.registry import AgentRegistry

        names = []
        for _ in range(count):
            self._started += 1
            name = f"agent{self._started}"
            log = (self.root / f"{name}.log").open("wb")
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "engineering_api.cli", "agent", "--farm", self.redis_url, "--data-dir",
                 str(self.root / name), "--name", name, "--tia-versions", versions],
                stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            names.append(name)
        registry = AgentRegistry(_redis(self.redis_url))
        deadline = time.monotonic() + AGENT_START_SECONDS
        while time.monotonic() < deadline:
            if all(registry.agent(n) is not None for n in names):
                return names
            for name in names:
                if self.processes[name].poll() is not None:
                    raise RuntimeError(f"agent {name} exited: {(self.root / f'{name}.log').read_text()[-2000:]}")
            time.sleep(0.1)
        raise RuntimeError(f"agents {names} did not report in {AGENT_START_SECONDS} s")

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        process.kill()
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()


def _redis(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url)


@pytest.fixture(scope="session")
def agents(redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Agents]:
    """Three agents for every farm test; a test that kills one leaves the others (tests need at least two)."""
    farm = Agents(redis_server.url, tmp_path_factory.mktemp("agents"))
    farm.start(3)
    yield farm
    farm.stop_all()


def give_back(redis_url: str) -> None:
    """Close every project the agents hold, without saving, and release every claim (between tests)."""
    from engineering_api.farm import FarmBackend, FarmConfig

    backend = FarmBackend(FarmConfig(redis_url))
    try:
        for record in backend.registry.agents():
            if record.open_project is not None:
                try:
                    backend._send(record.name, "close_project", (), {}, None)
                except Exception:  # noqa: BLE001 - best effort: the next test sees what is left
                    pass
            backend.registry.reset(record.name)
        connection = _redis(redis_url)
        for key in connection.scan_iter(match="engineering-api:farm:caller:*"):
            connection.delete(key)
    finally:
        backend.close()


@pytest.fixture
def settings(tmp_path: Path, agents: Agents) -> Iterator[Settings]:
    """The API node of the farm: the usual app, with ``farm_url`` set."""
    yield Settings.from_env(data_dir=tmp_path, farm_url=agents.redis_url)
    give_back(agents.redis_url)


@pytest.fixture
def farm_key(services: Any) -> Callable[[str], dict[str, str]]:
    """Headers of a new engineer key: a new caller, so a new portal on a free agent."""

    def make(name: str) -> dict[str, str]:
        _, secret = services.keys.create(name, "engineer")
        return {"X-API-Key": secret}

    return make
