"""Farm throughput with 1 to 32 fake agents (issues 18, 32, 52): a realistic job mix, one project per caller.

    python bench/farm_scaling.py [--agents 1,2,4,8] [--rounds 3] [--repeat 3] [--api-node process|in-process]
                                 [--tia-seconds-per-call S] [--warm-up 3]

A real redis-server and N ``engineering-api agent`` processes (fake backend) serve an API node: by default its
own ``engineering-api serve --farm`` process, as deployed, reached over HTTP by the callers in this process;
``--api-node in-process`` builds it here instead (Litestar's TestClient), where the callers share its
interpreter. N callers (each its own ``X-Engineering-Session``, so its own agent) run the same mix
at the same time, each on its own saved project with a CPU: open, generate 50 blocks from one SCL source,
compile the software, export 10 blocks as SimaticML, save, close. Throughput is mixes per second over the whole
measurement; the ratio is against 1 agent of the same repetition, and the 1, 2, 4, 8 sequence is repeated
(``--repeat``) so that the median ratio is reported, not one that the VM's drifting speed decided. Target: >= 1.8x
at 2 agents. On a 2-core machine 4 agents
cannot scale past the cores, and the API node, Redis and the agents share them: the figure says what limits it.

``--tia-seconds-per-call S`` runs the agents with a floor of S seconds per port call (bench/timed_agent.py), a
model of a farm where TIA's work happens on the agents' own hosts: it measures what the farm's machinery allows,
and is reported as that model, never as the plain figure. Targets in the model: >= 7x at 8 agents, >= 28x at 32
and >= 56x at 64 (``--agents 1,8,16,32,64,128 --repeat 1 --rounds 1 --warm-up 1 --tia-seconds-per-call 1``, the one
command of the scale figure: 128 agents show where one API node and one Redis stop), with the API node, Redis and
the agents all on this machine (the real-CPU figure is reported beside it, with no target); each run records the
machine's load average. The agents' start is never timed. Beside the ratio it prints
the port calls per mix (the agents' own counts), the CPU per port call of the API node, Redis and the agents (their
processes' CPU time), and the Redis commands per port call.

Writes ``bench/results/farm_scaling.json`` (``farm_scaling_timed.json`` with the model); exits 0 whether or not the
target is met (it is printed).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import json
import os
import platform
import shutil
import signal
import statistics
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from litestar.testing import TestClient  # noqa: E402

from engineering_api.app import create_app  # noqa: E402
from engineering_api.config import Settings  # noqa: E402
from tools.farm_harness import REDIS, Agents, RedisServer, redis_client  # noqa: E402

RESULTS = ROOT / "bench" / "results"
CPU = "6ES7 516-3AN02-0AB0"
BLOCKS = 50
EXPORTED = 10
TARGET = 1.8
MODEL_TARGETS = {8: 7.0, 32: 28.0, 64: 56.0}
"""Agents and the ratio against 1 agent the model of TIA hosts must reach (issues 32, 52 and 69)."""
WARM_UP = 3
AGENT_START_SECONDS = 1200.0
"""How long N agents may take to start and report (128 Python processes on 2 cores; never timed)."""
AGENT_MEMORY_BYTES = 150 * 2**20
"""What one agent process may need at most (86 MB resident idle on 2026-11-27, about 120 MB after mixes): N of them
must fit in memory (128 agents: 19 GB)."""


def _ok(response: Any) -> Any:
    if response.status_code >= 300:
        raise RuntimeError(f"{response.request.method} {response.request.url}: {response.status_code} "
                           f"{response.text[:300]}")
    return response.json().get("data")


def _source() -> str:
    return "\n".join(
        f'FUNCTION "Calc{i}" : Int\nVAR_INPUT\n  a : Int;\n  b : Int;\nEND_VAR\nBEGIN\n'
        f"  #Calc{i} := #a * {i + 1} + #b;\nEND_FUNCTION\n"
        for i in range(BLOCKS)
    )


def _prepare(client: TestClient[Any], headers: dict[str, str], workspace: Path, name: str) -> str:
    project = _ok(client.post("/api/projects/actions/create-sync", json={"name": name, "path": str(workspace)},
                              headers=headers))
    _ok(client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"},
                    headers=headers))
    _ok(client.post("/api/projects/actions/save-sync", headers=headers))
    _ok(client.post("/api/projects/actions/close-sync", headers=headers))
    return project["path"]


def _mix(client: TestClient[Any], headers: dict[str, str], path: str, source: str) -> None:
    _ok(client.post("/api/projects/actions/open-sync", json={"path": path}, headers=headers))
    _ok(client.post("/api/devices/PLC_1/external-sources/import-and-generate",
                    json={"sclContent": source, "sourceName": "Calc.scl"}, headers=headers))
    _ok(client.post("/api/devices/PLC_1/actions/compile-software-sync", headers=headers))
    for i in range(EXPORTED):
        _ok(client.get(f"/api/devices/PLC_1/blocks/Calc{i}/export-xml", headers=headers))
    _ok(client.post("/api/projects/actions/save-sync", headers=headers))
    _ok(client.post("/api/projects/actions/close-sync", headers=headers))


def measure(agent_count: int, rounds: int, workdir: Path, redis_url: str, redis_pid: int | None = None,
            api_node: str = "process", tia_seconds: float = 0.0, warm_up: int = WARM_UP) -> dict[str, Any]:
    """Mixes per second with ``agent_count`` agents and as many callers, ``rounds`` mixes each (after ``warm_up``
    mixes each, and the agents' start, neither timed)."""
    redis = redis_client(redis_url)
    redis.flushall()
    _check_memory(agent_count)
    command = [sys.executable, str(ROOT / "bench" / "timed_agent.py"), str(tia_seconds)] if tia_seconds else None
    agents = Agents(redis_url, workdir / f"agents{agent_count}", command, start_seconds=AGENT_START_SECONDS)
    agents.root.mkdir(parents=True)
    agents.start(agent_count)
    try:
        data_dir = workdir / f"api{agent_count}"
        node = _api_node_process if api_node == "process" else _api_node_in_process
        with node(data_dir, redis_url) as (client, key, api_pids), \
                concurrent.futures.ThreadPoolExecutor(agent_count) as pool:
            callers = [{"X-API-Key": key, "X-Engineering-Session": f"c{i}"} for i in range(agent_count)]
            workspace = data_dir / "workspace"
            paths = list(pool.map(lambda i: _prepare(client, callers[i], workspace, f"Line{i}"), range(agent_count)))
            source = _source()
            # Warm-up: every caller's agent runs its mixes first (its imports and caches), not only the first
            # one's, and the API node (a fresh process per run) as many whatever the agent count: with one mix
            # per caller the 1-agent run carried the node's first-time costs alone and the ratio swung by ~0.3.

            def run_mixes(caller: int, count: int) -> None:
                for _ in range(count):
                    _mix(client, callers[caller], paths[caller], source)

            list(pool.map(lambda i: run_mixes(i, warm_up), range(agent_count)))
            before = _reading(api_pids(), agents, redis_pid, redis)
            started = time.perf_counter()
            list(pool.map(lambda i: run_mixes(i, rounds), range(agent_count)))
            elapsed = time.perf_counter() - started
            after = _reading(api_pids(), agents, redis_pid, redis)
    finally:
        agents.stop_all()
    mixes = agent_count * rounds
    used = {group: after[group] - before[group] for group in ("apiNode", "agents", "redis", "callers", "calls",
                                                               "redisCommands")}
    calls = max(used["calls"], 1)
    waits = {group: _run_delay_since(before["waits"][group], value) for group, value in after["waits"].items()}
    return {"agents": agent_count, "apiNode": api_node, "tiaSecondsPerCall": tia_seconds, "mixes": mixes,
            # the machine's load average (1 min) at the end: a figure taken beside other work says so
            "loadAverage": round(os.getloadavg()[0], 2),
            "seconds": round(elapsed, 2), "mixesPerSecond": round(mixes / elapsed, 3),
            # port calls the agents ran (their records' counts), and Redis commands per port call
            "portCallsPerMix": round(used["calls"] / mixes, 2),
            "redisCommandsPerPortCall": round(used["redisCommands"] / calls, 1),
            "apiNodeCpuSecondsPerMix": round(used["apiNode"] / mixes, 3),
            "agentCpuSecondsPerMix": round(used["agents"] / mixes, 3),
            "redisCpuSecondsPerMix": round(used["redis"] / mixes, 3),
            "apiNodeCpuMsPerPortCall": round(1000 * used["apiNode"] / calls, 2),
            "agentCpuMsPerPortCall": round(1000 * used["agents"] / calls, 2),
            "redisCpuMsPerPortCall": round(1000 * used["redis"] / calls, 2),
            # the callers (HTTP client threads here): the API node's own when it runs in this process
            "callersCpuSecondsPerMix": round(used["callers"] / mixes, 3) if api_node == "process" else None,
            # Cores kept busy on average: with 1 agent this is what one caller's chain (API node -> Redis -> agent
            # and back) needs; 2 cores can hold at most 2 / that many such chains.
            "coresBusy": round((used["apiNode"] + used["agents"] + used["redis"]) / elapsed, 2),
            # Seconds per mix that threads of each process were runnable but waited for a CPU (schedstat run_delay)
            "runDelaySecondsPerMix": {group: round(value / mixes, 3) for group, value in waits.items()}}


def _reading(api_pids: list[int | None], agents: Agents, redis_pid: int | None, redis: Any) -> dict[str, Any]:
    """What the processes used so far: CPU seconds by group, the port calls the agents ran, Redis's commands."""
    from engineering_api.farm.registry import AgentRegistry

    return {"apiNode": _cpu_of_pids(api_pids), "agents": _cpu_of(agents), "redis": _cpu_of_pids([redis_pid]),
            "callers": time.process_time(), "calls": sum(r.calls_done for r in AgentRegistry(redis).agents()),
            "redisCommands": int(redis.info("stats")["total_commands_processed"]),
            "waits": _waits(api_pids, agents, redis_pid)}


def _check_memory(agent_count: int) -> None:
    """Refuse to start more agents than memory holds (Linux /proc/meminfo; no check elsewhere)."""
    with contextlib.suppress(OSError, StopIteration, ValueError):
        line = next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemAvailable:"))
        available = int(line.split()[1]) * 1024
        if available < agent_count * AGENT_MEMORY_BYTES:
            raise SystemExit(f"farm_scaling: {agent_count} agents need about "
                             f"{agent_count * AGENT_MEMORY_BYTES // 2**20} MB, {available // 2**20} MB available")


@contextlib.contextmanager
def _api_node_in_process(data_dir: Path, redis_url: str) -> Iterator[tuple[Any, str, Any]]:
    """The API node built here (client, key, its pids): its CPU is this process's (the callers' included)."""
    app = create_app(Settings.from_env(data_dir=data_dir, farm_url=redis_url))
    with TestClient(app, timeout=600, base_url="http://127.0.0.1") as client:
        _, key = app.state.services.keys.create("bench", "engineer")
        yield client, key, lambda: [os.getpid()]


@contextlib.contextmanager
def _api_node_process(data_dir: Path, redis_url: str) -> Iterator[tuple[Any, str, Any]]:
    """``engineering-api serve --farm`` as its own process on a free loopback port (client, admin key, its pids)."""
    port = _free_port()
    exe = shutil.which("engineering-api", path=str(Path(sys.executable).parent)) or "engineering-api"
    env = {**os.environ, "ENGINEERING_API_RATE_LIMIT_PER_MINUTE": str(10**9)}
    log = open(data_dir.parent / f"{data_dir.name}.log", "wb")  # closed below
    process = subprocess.Popen([exe, "serve", "--farm", redis_url, "--data-dir", str(data_dir), "--port", str(port)],
                               env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
            secret = data_dir / "api.secret"
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"the API node exited with {process.returncode}; see {log.name}")
                with contextlib.suppress(httpx.HTTPError):
                    if client.get("/api/health").status_code < 500 and secret.is_file():
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the API node did not answer within 60 s; see {log.name}")
                time.sleep(0.1)
            # granian serves from worker processes of its own: the node is its whole process group
            yield client, secret.read_text(encoding="utf-8").strip(), lambda: _group(process.pid)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _group(pgid: int) -> list[int | None]:
    """The processes of process group ``pgid`` (Linux /proc)."""
    pids: list[int | None] = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) == pgid:
                    pids.append(int(entry.name))
    return pids


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_of(agents: Agents) -> float:
    """CPU seconds the agent processes used so far (Linux /proc; 0 elsewhere)."""
    return _cpu_of_pids([process.pid for process in agents.processes.values()])


def _waits(api_pids: list[int | None], agents: Agents, redis_pid: int | None) -> dict[str, dict[str, int]]:
    return {"apiNode": _run_delay_of_pids(api_pids),
            "agents": _run_delay_of_pids([process.pid for process in agents.processes.values()]),
            "redis": _run_delay_of_pids([redis_pid])}


def _run_delay_of_pids(pids: list[int | None]) -> dict[str, int]:
    """Nanoseconds each thread of ``pids`` spent runnable, waiting for a CPU, by thread (Linux schedstat; empty
    elsewhere). By thread, so that a thread that ends between two readings (an idle pool thread) takes its own
    delay away with it instead of making the difference negative."""
    delays: dict[str, int] = {}
    for pid in pids:
        if pid is None:
            continue
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    delays[f"{pid}/{task.name}"] = int((task / "schedstat").read_text().split()[1])
    return delays


def _run_delay_since(before: dict[str, int], after: dict[str, int]) -> float:
    """Seconds of run delay the threads alive at ``after`` added since ``before`` (new threads from 0)."""
    return sum(value - before.get(thread, 0) for thread, value in after.items()) / 1e9


def _cpu_of_pids(pids: list[int | None]) -> float:
    """CPU seconds the processes ``pids`` used so far (Linux /proc; 0 elsewhere)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for pid in pids:
        if pid is None:
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", default="1,2,4,8")
    parser.add_argument("--rounds", type=int, default=3, help="mixes per caller in each measurement")
    parser.add_argument("--repeat", type=int, default=3,
                        help="repetitions of the whole 1, 2, 4, 8 sequence; ratios are per repetition, then the median "
                             "(the machine's speed drifts by tens of per cent between minutes)")
    parser.add_argument("--api-node", choices=("process", "in-process"), default="process")
    parser.add_argument("--tia-seconds-per-call", type=float, default=0.0,
                        help="model TIA's own time on the agents' hosts: a floor per port call (default 0: none)")
    parser.add_argument("--warm-up", type=int, default=WARM_UP, help="untimed mixes per caller before each measurement")
    parser.add_argument("--work-dir", help="where Redis, the API node and the agents keep their files and logs (kept; "
                                           "default: a temporary directory, removed)")
    args = parser.parse_args()
    if not REDIS:
        print("farm_scaling: skipped, no redis-server (apt-get install redis-server)")
        return 0
    counts = [int(c) for c in args.agents.split(",")]
    if 1 not in counts:
        counts.insert(0, 1)  # every ratio is against 1 agent of the same repetition
    repetitions: list[list[dict[str, Any]]] = []
    with contextlib.ExitStack() as stack:
        # the logs of Redis, the API node and every agent stay in --work-dir when one is given
        workdir = Path(args.work_dir) if args.work_dir else Path(stack.enter_context(tempfile.TemporaryDirectory()))
        workdir.mkdir(parents=True, exist_ok=True)
        server = RedisServer(workdir)
        server.start()
        try:
            pid = server.process.pid if server.process is not None else None
            for rep in range(args.repeat):
                runs = []
                for n in counts:
                    try:
                        runs.append(measure(n, args.rounds, workdir / f"r{rep}", server.url, pid, args.api_node,
                                            args.tia_seconds_per_call, args.warm_up))
                    except RuntimeError as exc:  # a call the farm failed: recorded, and the next count measured
                        runs.append({"agents": n, "failed": str(exc)[:600]})
                    print(f"[{rep + 1}] {n} agent(s): {runs[-1]}", flush=True)
                repetitions.append(runs)
        finally:
            server.stop()
    failed = [r for runs in repetitions for r in runs if "failed" in r]
    repetitions = [[r for r in runs if "failed" not in r] for runs in repetitions]
    repetitions = [runs for runs in repetitions if any(r["agents"] == 1 for r in runs)]
    for run in failed:
        print(f"{run['agents']} agent(s): FAILED: {run['failed']}")
    if not repetitions:
        print("farm_scaling: no repetition measured 1 agent; no ratio")
        return 1
    for rep, runs in enumerate(repetitions, 1):
        base = next(r["mixesPerSecond"] for r in runs if r["agents"] == 1)
        for run in runs:
            run["repetition"] = rep
            run["ratio"] = round(run["mixesPerSecond"] / base, 2)
            print(f"[{rep}] {run['agents']} agent(s): {run['mixes']} mixes in {run['seconds']} s = "
                  f"{run['mixesPerSecond']}/s, ratio {run['ratio']}; CPU per mix: API node "
                  f"{run['apiNodeCpuSecondsPerMix']} s, agents {run['agentCpuSecondsPerMix']} s, Redis "
                  f"{run['redisCpuSecondsPerMix']} s, callers {run['callersCpuSecondsPerMix']} s; "
                  f"{run['coresBusy']} cores busy; waiting for a CPU per mix: "
                  + ", ".join(f"{group} {value} s" for group, value in run["runDelaySecondsPerMix"].items()))
            print(f"    {run['portCallsPerMix']} port calls per mix; CPU per port call: API node "
                  f"{run['apiNodeCpuMsPerPortCall']} ms, Redis {run['redisCpuMsPerPortCall']} ms, agents "
                  f"{run['agentCpuMsPerPortCall']} ms; {run['redisCommandsPerPortCall']} Redis commands per port call")
    counts = [n for n in counts if any(r["agents"] == n for runs in repetitions for r in runs)]
    summary = {n: statistics.median(r["ratio"] for runs in repetitions for r in runs if r["agents"] == n)
               for n in counts}
    spread = {n: sorted(r["ratio"] for runs in repetitions for r in runs if r["agents"] == n) for n in counts}
    busy_one = statistics.median(r["coresBusy"] for runs in repetitions for r in runs if r["agents"] == 1)
    for n in counts[1:]:
        print(f"{n} agents: median ratio {summary[n]} over {len(repetitions)} repetition(s) {spread[n]}")
    if busy_one:
        print(f"1 agent keeps {busy_one} cores busy: {os.cpu_count()} cores cap 2 agents near "
              f"{round(min(2, (os.cpu_count() or 1) / busy_one), 2)}x before any contention")
    if 2 in summary:
        print(f"2 agents: {summary[2]}x against 1 (median; target >= {TARGET}x) on {os.cpu_count()} cores: "
              + ("met" if summary[2] >= TARGET else "NOT met"))
    for agents, ratio in MODEL_TARGETS.items():
        if args.tia_seconds_per_call and agents in summary:
            print(f"{agents} agents: {summary[agents]}x against 1 in the model (median; target >= {ratio}x): "
                  + ("met" if summary[agents] >= ratio else "NOT met"))
    if args.tia_seconds_per_call:
        print(f"(model: each port call on an agent takes at least {args.tia_seconds_per_call:g} s, as TIA's own work "
              "on the agent's host; not the plain figure)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "farm_scaling_timed.json" if args.tia_seconds_per_call else "farm_scaling.json"
    (RESULTS / name).write_text(json.dumps(
        {"runs": [r for runs in repetitions for r in runs], "failedRuns": failed,
         "medianRatio": {str(n): v for n, v in summary.items()},
         "cores": os.cpu_count(), "python": platform.python_version(), "target": TARGET,
         "modelTargets": {str(n): ratio for n, ratio in MODEL_TARGETS.items()}}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
