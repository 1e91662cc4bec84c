"""Farm throughput with 1, 2 and 4 fake agents (issue 18): a realistic job mix, one project per caller.

    python bench/farm_scaling.py [--agents 1,2,4] [--rounds 3]

A real redis-server and N ``engineering-api agent`` processes (fake backend) serve an API node built in-process
(Litestar's TestClient). N callers (each its own ``X-Engineering-Session``, so its own agent) run the same mix
at the same time, each on its own saved project with a CPU: open, generate 50 blocks from one SCL source,
compile the software, export 10 blocks as SimaticML, save, close. Throughput is mixes per second over the whole
run; the ratio is against 1 agent in the same run. Target: >= 1.8x at 2 agents. On a 2-core machine 4 agents
cannot scale past the cores, and the API node, Redis and the agents share them: the figure says what limits it.

Writes ``bench/results/farm_scaling.json``; exits 0 whether or not the target is met (it is printed).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from litestar.testing import TestClient  # noqa: E402

from engineering_api.app import create_app  # noqa: E402
from engineering_api.config import Settings  # noqa: E402
from tests.farm.farmlib import REDIS, Agents, RedisServer, redis_client  # noqa: E402

RESULTS = ROOT / "bench" / "results"
CPU = "6ES7 516-3AN02-0AB0"
BLOCKS = 50
EXPORTED = 10
TARGET = 1.8


def _ok(response: Any) -> Any:
    if response.status_code >= 300:
        raise RuntimeError(f"{response.request.method} {response.request.url}: {response.status_code} {response.text[:300]}")
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


def measure(agent_count: int, rounds: int, workdir: Path, redis_url: str) -> dict[str, Any]:
    """Mixes per second with ``agent_count`` agents and as many callers, ``rounds`` mixes each."""
    redis_client(redis_url).flushall()
    agents = Agents(redis_url, workdir / f"agents{agent_count}")
    agents.root.mkdir(parents=True)
    agents.start(agent_count)
    try:
        data_dir = workdir / f"api{agent_count}"
        app = create_app(Settings.from_env(data_dir=data_dir, farm_url=redis_url))
        with TestClient(app, timeout=600) as client:
            _, key = app.state.services.keys.create("bench", "engineer")
            callers = [{"X-API-Key": key, "X-Engineering-Session": f"c{i}"} for i in range(agent_count)]
            workspace = data_dir / "workspace"
            paths = [_prepare(client, h, workspace, f"Line{i}") for i, h in enumerate(callers)]
            source = _source()
            # Warm-up: every caller's agent runs one mix first (its imports and caches), not only the first one's,
            # so an agent's first-time costs do not count against the runs with more agents.
            with concurrent.futures.ThreadPoolExecutor(agent_count) as pool:
                list(pool.map(lambda i: _mix(client, callers[i], paths[i], source), range(agent_count)))
            cpu_before, agents_before = time.process_time(), _cpu_of(agents)
            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(agent_count) as pool:
                list(pool.map(lambda i: [_mix(client, callers[i], paths[i], source) for _ in range(rounds)],
                              range(agent_count)))
            elapsed = time.perf_counter() - started
            api_cpu, agents_cpu = time.process_time() - cpu_before, _cpu_of(agents) - agents_before
    finally:
        agents.stop_all()
    mixes = agent_count * rounds
    return {"agents": agent_count, "mixes": mixes, "seconds": round(elapsed, 2),
            "mixesPerSecond": round(mixes / elapsed, 3), "apiNodeCpuSecondsPerMix": round(api_cpu / mixes, 3),
            "agentCpuSecondsPerMix": round(agents_cpu / mixes, 3)}


def _cpu_of(agents: Agents) -> float:
    """CPU seconds the agent processes used so far (Linux /proc; 0 elsewhere)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for process in agents.processes.values():
        try:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", default="1,2,4")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not REDIS:
        print("farm_scaling: skipped, no redis-server (apt-get install redis-server)")
        return 0
    counts = [int(c) for c in args.agents.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        server = RedisServer(workdir)
        server.start()
        try:
            runs = [measure(n, args.rounds, workdir, server.url) for n in counts]
        finally:
            server.stop()
    base = next((r["mixesPerSecond"] for r in runs if r["agents"] == 1), runs[0]["mixesPerSecond"])
    for run in runs:
        run["ratio"] = round(run["mixesPerSecond"] / base, 2)
        print(f"{run['agents']} agent(s): {run['mixes']} mixes in {run['seconds']} s = {run['mixesPerSecond']}/s, "
              f"ratio {run['ratio']}; CPU per mix: API node {run['apiNodeCpuSecondsPerMix']} s, agents "
              f"{run['agentCpuSecondsPerMix']} s")
    two = next((r["ratio"] for r in runs if r["agents"] == 2), None)
    if two is not None:
        print(f"2 agents: {two}x against 1 (target >= {TARGET}x) on {os.cpu_count()} cores: "
              + ("met" if two >= TARGET else "NOT met"))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "farm_scaling.json").write_text(json.dumps(
        {"runs": runs, "cores": os.cpu_count(), "python": platform.python_version(), "target": TARGET}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
