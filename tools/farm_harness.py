"""A real farm on this machine, for the farm tests and the farm benchmark: a throwaway redis-server and agent
processes (``engineering-api agent`` on the fake backend)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tools.ports import free_port
from tools.bounds import HANG_GUARD_S

__all__ = ("AGENT_START_SECONDS", "REDIS", "Agents", "ApiNode", "RedisServer", "persistent_farm", "redis_client")

REDIS = shutil.which("redis-server")
AGENT_START_SECONDS = HANG_GUARD_S


class RedisServer:
    """A throwaway redis-server; ``restart()`` stops and starts it on the same port (the broker-restart test)."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self, *, persistent: bool = False) -> None:
        assert REDIS is not None, "redis-server is not installed"
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if persistent else ["--appendonly", "no"]
        self.process = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--dir", str(self.workdir),
             *persistence],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + HANG_GUARD_S
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    pass
                # Listening is not serving: while it loads its append-only file Redis answers LOADING.
                redis.Redis.from_url(self.url, socket_timeout=5).ping()
                return
            except (OSError, redis.exceptions.RedisError):
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def restart(self) -> None:
        """Stop and start again on the same port, keeping what the append-only file holds."""
        self.stop()
        self.start(persistent=True)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(HANG_GUARD_S)
            self.process = None


class Agents:
    """Agent processes of one farm; ``start(n)`` adds agents, ``kill(name)`` sends SIGKILL."""

    def __init__(self, redis_url: str, root: Path, command: list[str] | None = None,
                 env: dict[str, str] | None = None, *, start_seconds: float = AGENT_START_SECONDS) -> None:
        self.redis_url = redis_url
        self.start_seconds = start_seconds
        """How long the agents of one ``start`` may take to report (the benchmark starts 32 at once)."""
        self.root = root
        self.command = command or [sys.executable, "-m", "engineering_api.cli"]
        """What runs ``agent …``: the CLI, or a wrapper that takes the same arguments (bench/timed_agent.py)."""
        self.env = env or {}
        """Added to the agents' environment (``TIMED_AGENT_GATE`` for bench/timed_agent.py)."""
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self._started = 0

    def start(self, count: int, *, versions: str = "V19", names: list[str] | None = None) -> list[str]:
        """Start ``count`` new agents (or the agents ``names``, as a service wrapper restarts one) and wait until
        each has reported; an agent restarted under its name is waited for as its new instance."""
        from engineering_api.farm.registry import AgentRegistry

        registry = AgentRegistry(redis_client(self.redis_url))
        before = {}
        if names is None:
            names = []
            for _ in range(count):
                self._started += 1
                names.append(f"agent{self._started}")
        for name in names:
            old = registry.agent(name)
            before[name] = old.instance if old is not None else None
            self.processes[name] = self.spawn(name, self.root / name, self.root / f"{name}.log", versions)
        deadline = time.monotonic() + self.start_seconds
        while time.monotonic() < deadline:
            records = {n: registry.agent(n) for n in names}
            if all(r is not None and r.instance != before[n] for n, r in records.items()):
                return names
            for name in names:
                if self.processes[name].poll() is not None:
                    raise RuntimeError(f"agent {name} exited: {(self.root / f'{name}.log').read_text()[-2000:]}")
            time.sleep(0.1)
        raise RuntimeError(f"agents {names} did not report in {self.start_seconds} s")

    def spawn(self, name: str, data_dir: Path, log: Path, versions: str = "V19") -> subprocess.Popen[bytes]:
        """An agent process named ``name`` (not waited for, not kept in :attr:`processes`), its output in ``log``."""
        with log.open("ab") as out:
            return subprocess.Popen(
                [*self.command, "agent", "--farm", self.redis_url, "--data-dir", str(data_dir), "--name", name,
                 "--tia-versions", versions],
                stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1", **self.env},
            )

    def twin(self, name: str) -> tuple[int, str]:
        """A second agent under the name of the live agent ``name`` (a host cloned from its template, issue 91),
        waited for until it ends: its exit code and output. It must refuse after a lease; one still running after
        :attr:`start_seconds` is killed (-9)."""
        log = self.root / f"{name}-twin.log"
        process = self.spawn(name, self.root / f"{name}-twin", log)
        try:
            code = process.wait(self.start_seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait(HANG_GUARD_S)
        return code, log.read_text()

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        process.kill()
        process.wait(HANG_GUARD_S)

    def restart(self, name: str) -> None:
        """SIGKILL and start again under the same name at once (a service wrapper's restart)."""
        self.kill(name)
        self.start(1, names=[name])

    def stop_all(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(HANG_GUARD_S)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()


class ApiNode:
    """``engineering-api serve --farm`` as a process of its own, so a test can crash it (SIGKILL to its process
    group: the server and its worker at once) and start it again on the same data directory."""

    def __init__(self, data_dir: Path, redis_url: str, args: tuple[str, ...] = (),
                 env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.redis_url = redis_url
        self.args = args
        """More options of ``serve`` (``--db postgresql://…`` for nodes that share a database)."""
        self.env = env or {}
        """Added to the node's environment (``ENGINEERING_API_FILE_ROOTS``: a workspace the nodes share)."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        (data_dir / "workspace").mkdir(parents=True, exist_ok=True)

    def start(self) -> None:
        import httpx

        self.process = subprocess.Popen(
            [sys.executable, "-m", "engineering_api.cli", "serve", "--farm", self.redis_url, "--data-dir",
             str(self.data_dir), "--port", str(self.port), *self.args], stdout=subprocess.DEVNULL,
            stderr=(self.data_dir / "serve.log").open("ab"),
            env={**os.environ, "PYTHONUNBUFFERED": "1", **self.env},
            start_new_session=True)
        deadline = time.monotonic() + AGENT_START_SECONDS
        with httpx.Client(timeout=5) as http:  # one client: building one per poll cost more CPU than the poll
            while time.monotonic() < deadline:
                try:
                    if http.get(f"{self.url}/api/health").status_code < 500:
                        return
                except httpx.HTTPError:
                    pass
                assert self.process.poll() is None, (self.data_dir / "serve.log").read_text()[-2000:]
                time.sleep(0.1)
        raise RuntimeError(f"the API node did not listen within {AGENT_START_SECONDS} s")

    @property
    def admin_key(self) -> str:
        return (self.data_dir / "api.secret").read_text().strip()

    def crash(self) -> None:
        """SIGKILL to its process group: nothing of it runs its stop."""
        self._signal_group("SIGKILL")

    def stop(self) -> None:
        """A clean stop: SIGTERM to its process group, as a service manager (or Ctrl+C) stops it, and wait."""
        self._signal_group("SIGTERM")

    def _signal_group(self, name: str) -> None:
        import signal

        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, getattr(signal, name))
        except ProcessLookupError:
            pass
        self.process.wait(HANG_GUARD_S)
        self.process = None


def persistent_farm(workdir: Path) -> tuple[RedisServer, Agents]:
    """A farm of a test's own that it may restart: a persistent redis-server running in ``workdir/redis`` and the
    agents for it in ``workdir/agents`` (none started yet)."""
    (workdir / "redis").mkdir()
    (workdir / "agents").mkdir()
    server = RedisServer(workdir / "redis")
    server.start(persistent=True)
    return server, Agents(server.url, workdir / "agents")


def redis_client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url)
