"""Shared plumbing for the benchmarks: servers as subprocesses, load generators, result files.

Only loopback (127.0.0.1) is ever targeted. Every measurement is bounded by ``duration`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from collections.abc import Callable, Iterator
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
HOST = "127.0.0.1"
SERVERS = ("granian", "uvicorn")


def add_load_options(parser: Any) -> None:
    """The options every load benchmark takes: duration, warm-up, connections, rounds, loop, noise."""
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measurement (keep it <= 10)")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up before each measurement")
    parser.add_argument("--connections", type=int, default=32, help="connections for the wrk/asyncio load")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--loop", choices=("asyncio", "uvloop"), default="asyncio",
                        help="event loop of the servers (uvloop must be importable; it is not a dependency)")
    parser.add_argument("--wait-quiet", type=float, default=0.0, metavar="SECONDS",
                        help="first wait up to this long for other processes to leave the CPU idle")
    parser.add_argument("--max-foreign", type=float, default=0.15, metavar="CORES",
                        help="rounds in which other processes used more CPU than this are left out of the "
                             "throughput medians (unless all are)")


# ----- servers -------------------------------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on loopback (the usual bind-to-0 trick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_command(server: str, target: str, port: int, *, factory: bool = False, loop: str = "asyncio") -> list[str]:
    """The command line that serves ``target`` with one worker on ``127.0.0.1:port``.

    ``loop`` is ``asyncio`` (the default: uvloop is not a project dependency) or ``uvloop``.
    """
    if server == "granian":
        cmd = [
            sys.executable, "-m", "granian", "--interface", "asgi", "--host", HOST, "--port", str(port),
            "--workers", "1", "--loop", loop, "--no-ws", "--log-level", "warning",
        ]
    elif server == "uvicorn":
        cmd = [
            sys.executable, "-m", "uvicorn", "--host", HOST, "--port", str(port), "--workers", "1",
            "--http", "httptools", "--loop", loop, "--ws", "none", "--log-level", "warning", "--no-access-log",
        ]
    else:
        raise ValueError(f"unknown server {server!r}; use one of {SERVERS}")
    if factory:
        cmd.append("--factory")
    cmd.append(target)
    return cmd


class Server:
    """One ASGI server subprocess in its own process group, stopped on exit."""

    def __init__(self, server: str, target: str, *, factory: bool = False, env: dict[str, str] | None = None,
                 log_path: Path | None = None, loop: str = "asyncio") -> None:
        self.server = server
        self.target = target
        self.port = free_port()
        self.cmd = server_command(server, target, self.port, factory=factory, loop=loop)
        self.env = {**os.environ, **(env or {})}
        self.env["PYTHONPATH"] = os.pathsep.join(p for p in (str(BENCH_DIR), self.env.get("PYTHONPATH", "")) if p)
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, probe_path: str = "/", timeout: float = 30.0) -> None:
        """Start the server and wait until it answers HTTP on its port: probed every 10 ms, so a start is timed
        to within that (probed every 100 ms, a start read on average 50 ms longer than it took)."""
        self._log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(self.cmd, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.server} exited with {self.proc.returncode}: {' '.join(self.cmd)}"
                                   + (f" (log: {self.log_path})" if self.log_path else ""))
            try:
                status, _ = asyncio.run(one_request(self.port, "GET", probe_path))
                if status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"{self.server} did not answer on port {self.port} within {timeout:g} s")

    def stop(self) -> None:
        """SIGTERM to the server's own process group, SIGKILL if it lingers."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
            except ProcessLookupError:
                pass
        self.proc = None
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()
        self._log = None

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"


# ----- a minimal HTTP/1.1 keep-alive client ----------------------------------------------------------


class Conn:
    """One keep-alive connection; requests are sent one at a time."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass

    @staticmethod
    def build(port: int, method: str, path: str, headers: dict[str, str] | None = None,
              body: bytes = b"") -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body or method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        assert self.reader is not None and self.writer is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        chunked = False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
        if not chunked:
            return status, await self.reader.readexactly(length)
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return status, b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)


async def one_request(port: int, method: str, path: str, headers: dict[str, str] | None = None,
                      body: Any = None) -> tuple[int, Any]:
    """One request on a fresh connection; a JSON body is encoded and a JSON answer decoded."""
    hdrs = dict(headers or {})
    raw_body = b""
    if body is not None:
        raw_body = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    conn = Conn(port)
    await conn.open()
    try:
        status, data = await asyncio.wait_for(conn.send(Conn.build(port, method, path, hdrs, raw_body)), 30)
    finally:
        await conn.close()
    try:
        return status, json.loads(data) if data else None
    except ValueError:
        return status, data


# ----- load generators --------------------------------------------------------------------------------


@dataclass
class Load:
    """The outcome of one throughput measurement."""

    label: str
    client: str
    rps: float
    requests: int
    errors: int
    seconds: float
    connections: int
    latency_ms: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def choose_client(requested: str) -> str:
    """``wrk`` when asked for (or ``auto`` and installed), else the Python client."""
    if requested == "wrk" and not have_wrk():
        raise SystemExit("wrk was requested but is not installed (apt-get install -y wrk)")
    if requested == "auto":
        return "wrk" if have_wrk() else "python"
    return requested


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")


def run_wrk(label: str, port: int, path: str, *, headers: dict[str, str] | None = None, connections: int = 32,
            threads: int = 1, duration: float = 5.0, warmup: float = 1.0) -> Load:
    """``wrk`` against ``127.0.0.1:port``; a short warm-up run first."""
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", "--latency"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    url = f"http://{HOST}:{port}{path}"
    if warmup > 0:
        subprocess.run([*cmd, f"-d{max(1, round(warmup))}s", url], check=True, capture_output=True)
    out = subprocess.run([*cmd, f"-d{max(1, round(duration))}s", url], check=True, capture_output=True,
                         text=True).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if found is None:
        raise RuntimeError(f"wrk printed no Requests/sec line: {out[-300:]!r}")
    rps = float(found.group(1))
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    assert total is not None, out
    seconds = float(total.group(2)) * _UNITS[total.group(3)] / 1e3
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        errors += int(non2xx.group(1))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sock:
        errors += sum(int(g) for g in sock.groups())
    latency = {}
    for pct in ("50", "90", "99"):
        found = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M)
        if found:
            latency[f"p{pct}"] = round(_ms(found.group(1)), 3)
    return Load(label, "wrk", rps, int(total.group(1)), errors, seconds, connections, latency,
                {"threads": threads})


async def _python_load(port: int, raw: bytes, connections: int, duration: float) -> tuple[int, int, list[float]]:
    deadline = time.perf_counter() + duration
    done = errors = 0
    samples: list[float] = []

    async def worker() -> None:
        nonlocal done, errors
        conn = Conn(port)
        await conn.open()
        try:
            while True:
                start = time.perf_counter()
                if start >= deadline:
                    return
                status, _ = await conn.send(raw)
                end = time.perf_counter()
                done += 1
                if not 200 <= status < 400:
                    errors += 1
                if done % 16 == 0:
                    samples.append((end - start) * 1e3)
        finally:
            await conn.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return done, errors, samples


def _percentiles(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {}
    ordered = sorted(samples)
    return {f"p{p}": round(ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))], 3) for p in (50, 90, 99)}


def run_python(label: str, port: int, path: str, *, headers: dict[str, str] | None = None, connections: int = 32,
               duration: float = 5.0, warmup: float = 1.0) -> Load:
    """The fallback: an asyncio raw-socket keep-alive client with ``connections`` connections."""
    raw = Conn.build(port, "GET", path, headers)
    if warmup > 0:
        asyncio.run(_python_load(port, raw, connections, warmup))
    start = time.perf_counter()
    done, errors, samples = asyncio.run(_python_load(port, raw, connections, duration))
    seconds = time.perf_counter() - start
    return Load(label, "python", done / seconds, done, errors, seconds, connections, _percentiles(samples))


def run_load(client: str, label: str, port: int, path: str, **kwargs: Any) -> Load:
    if client == "wrk":
        return run_wrk(label, port, path, **kwargs)
    kwargs.pop("threads", None)
    return run_python(label, port, path, **kwargs)


# ----- reporting ------------------------------------------------------------------------------------------


def environment() -> dict[str, Any]:
    """What the numbers were measured on."""
    versions: dict[str, str | None] = {}
    for name in ("litestar", "granian", "uvicorn", "httptools", "uvloop", "msgspec"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    wrk_version = None
    if have_wrk():
        first = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
        wrk_version = (first.stdout or first.stderr).split("\n")[0].strip() or None
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "wrk": wrk_version,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def _cpu_times() -> tuple[int, int]:
    """(total, idle) ticks of the machine; "busy" = total - idle counts only user, nice and system time.

    irq/softirq (mostly our own loopback traffic) and steal are counted as idle here, because the
    per-process times they are compared with do not include them either.
    """
    with open("/proc/stat", encoding="ascii") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal (guest is inside user)
    return total, total - (values[0] + values[1] + values[2])


def background_cpu(seconds: float = 1.0) -> float | None:
    """Fraction of the machine's CPU busy while this process sleeps (other work disturbing the run)."""
    try:
        total0, idle0 = _cpu_times()
        time.sleep(seconds)
        total1, idle1 = _cpu_times()
    except OSError:
        return None
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _ticks_by_group(pgids: set[int]) -> tuple[float, dict[int, float]]:
    """CPU ticks used so far by this process (and its reaped children), and by each server process group."""
    me = os.getpid()
    own = 0.0
    groups = dict.fromkeys(pgids, 0.0)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after the command: state, ppid, pgrp, ... utime and stime are the 12th and 13th
        ticks = int(fields[11]) + int(fields[12])
        if int(entry) == me:
            own += ticks
        elif int(fields[2]) in groups:
            groups[int(fields[2])] += ticks
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + (children.ru_utime + children.ru_stime) * _TICKS, groups


class CpuMonitor:
    """CPU accounting for one measurement.

    * ``foreign`` — cores used on average by *other* processes (not this one, its children or the
      servers): how disturbed the measurement was.
    * ``server_seconds[server]`` — CPU seconds each server used. Divided by the requests served, this
      cost per request hardly depends on what else the machine is doing, unlike req/s.
    """

    def __init__(self, servers: list[Server]) -> None:
        self.servers = {s.proc.pid: s for s in servers if s.proc is not None}
        self.foreign: float | None = None
        self.server_seconds: dict[Server, float] = {}
        self._start: tuple[int, int, float, dict[int, float]] | None = None

    def __enter__(self) -> CpuMonitor:
        try:
            total, idle = _cpu_times()
            own, groups = _ticks_by_group(set(self.servers))
            self._start = (total, total - idle, own, groups)
        except OSError:
            self._start = None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._start is None:
            return
        try:
            total, idle = _cpu_times()
            own, groups = _ticks_by_group(set(self.servers))
        except OSError:
            return
        total0, busy0, own0, groups0 = self._start
        ours = (own - own0) + sum(groups[g] - groups0.get(g, 0.0) for g in groups)
        seconds = (total - total0) / (os.cpu_count() or 1) / _TICKS
        self.foreign = max(0.0, ((total - idle) - busy0 - ours) / _TICKS / max(seconds, 1e-6))
        self.server_seconds = {server: (groups[g] - groups0.get(g, 0.0)) / _TICKS for g, server in self.servers.items()}


def measure_with_cpu(load_fn: Callable[..., Load], servers: list[Server], target: Server, *, duration: float,
                     warmup: float) -> Load:
    """Warm up, then measure with CPU accounting: adds ``foreign_cpu_cores`` and
    ``server_cpu_us_per_request`` (CPU of ``target`` per counted request) to ``extra``."""
    if warmup > 0:
        load_fn(duration=warmup, warmup=0)
    with CpuMonitor(servers) as cpu:
        load = load_fn(duration=duration, warmup=0)
    load.extra["foreign_cpu_cores"] = None if cpu.foreign is None else round(cpu.foreign, 3)
    server_seconds = cpu.server_seconds.get(target)
    load.extra["server_cpu_us_per_request"] = (
        round(server_seconds * 1e6 / load.requests, 2) if server_seconds is not None and load.requests else None
    )
    return load


def wait_for_quiet(max_wait: float, threshold: float = 0.10) -> float | None:
    """Sample the background CPU use each second until it is below ``threshold`` or ``max_wait`` passes."""
    busy = background_cpu()
    deadline = time.monotonic() + max_wait
    while busy is not None and busy > threshold and time.monotonic() < deadline:
        busy = background_cpu()
    return busy


def warn_if_busy(busy: float | None) -> None:
    if busy is None:
        return
    print(f"background CPU use before the run: {busy:.0%} of {os.cpu_count()} cores")
    if busy > 0.10:
        print("WARNING: other processes are using the CPU; absolute numbers will be low and noisy "
              "(the same-run ratios are less affected). Re-run on a quiet machine for the README.")


def quiet_start(max_wait: float) -> float | None:
    """A load benchmark's start: wait up to ``max_wait`` s for a quiet machine, say how busy it still is, then a blank
    line. The background CPU use, for the results file."""
    busy = wait_for_quiet(max_wait)
    warn_if_busy(busy)
    print()
    return busy


def rounds_to_use(runs: dict[str, list[dict[str, Any]]], rounds: int,
                  max_foreign: float) -> tuple[list[float], list[int], list[int]]:
    """Per round the most CPU other processes used during any of its measurements (cores); the clean rounds (at most
    ``max_foreign``); the rounds medians are taken over (the clean ones, or every round when none was clean)."""
    disturbance = [max(runs[label][i]["extra"]["foreign_cpu_cores"] or 0.0 for label in runs)
                   for i in range(rounds)]
    clean = [i for i, d in enumerate(disturbance) if d <= max_foreign]
    return disturbance, clean, clean or list(range(rounds))


def print_rounds_used(clean: list[int], max_foreign: float, *, medians: str = "throughput medians",
                      reliable: str = "the server-CPU columns are the more reliable ones") -> None:
    """Which rounds the medians are over, or a warning that every round was disturbed."""
    if clean:
        print(f"{medians} over the {len(clean)} round(s) where other processes used <= {max_foreign:g} cores: "
              + ", ".join(str(i + 1) for i in clean))
    else:
        print(f"WARNING: every round was disturbed by other processes (> {max_foreign:g} cores); {medians} over "
              f"all rounds; {reliable}")


def print_ratios(names: list[str], ratios: dict[str, float], cpu_ratios: dict[str, float],
                 per_round: list[dict[str, float]], disturbance: list[float], *, width: int, unit: str,
                 rounds_heading: str) -> None:
    """The same-run ratios: the median, the server-CPU ratio, and each round's (with its foreign CPU)."""
    print(f"\n{'ratio':{width}s}  {unit}  server-CPU  {rounds_heading} (foreign CPU: "
          + " / ".join(f"{d:.2f}" for d in disturbance) + " cores)")
    for name in names:
        print(f"{name:{width}s}  {ratios[name]:5.3f}  {cpu_ratios[name]:10.3f}  "
              + " / ".join(f"{r[name]:.3f}" for r in per_round))


def ratio_results(ratios: dict[str, float], cpu_ratios: dict[str, float], per_round: list[dict[str, float]],
                  disturbance: list[float], max_foreign: float, used: list[int]) -> dict[str, Any]:
    """The same-run ratios and the rounds they are over, as a results file records them."""
    return {
        "ratios": {k: round(v, 4) for k, v in ratios.items()},
        "server_cpu_ratios": {k: round(v, 4) for k, v in cpu_ratios.items()},
        "ratios_per_round": [{k: round(v, 4) for k, v in r.items()} for r in per_round],
        "foreign_cpu_cores_per_round": disturbance, "max_foreign_cores": max_foreign,
        "rounds_used": [i + 1 for i in used],
    }


def write_results(name: str, payload: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / name
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return path


@contextlib.contextmanager
def plc_project_client(prefix: str, **settings: Any) -> Iterator[tuple[Any, dict[str, str], str]]:
    """An app (fake backend, data in a new temporary folder named ``prefix``...) in Litestar's test client, with a
    project holding a CPU 1516-3 named ``PLC_1``: the client, the REST headers of an admin key, and the key."""
    import tempfile

    from litestar.testing import TestClient

    from engineering_api.app import create_app
    from engineering_api.config import Settings

    app = create_app(Settings.from_env(data_dir=Path(tempfile.mkdtemp(prefix=prefix)), **settings))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        _, key = app.state.services.keys.create("bench", "admin")
        rest = {"X-API-Key": key}
        client.post("/api/projects/actions/create-sync", json={"name": "Bench"}, headers=rest).raise_for_status()
        client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": "6ES7 516-3AN02-0AB0",
                                                                    "name": "PLC_1"}, headers=rest).raise_for_status()
        yield client, rest, key


def best_get_ms(client: Any, path: str, headers: dict[str, str], rounds: int, **params: str) -> float:
    """The fastest of ``rounds`` GETs of ``path`` (with ``params`` as its query) through an in-process test client,
    in milliseconds; each must answer 200."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        answer = client.get(path, headers=headers, params=params or None)
        elapsed = time.perf_counter() - started
        assert answer.status_code == 200, answer.text[:300]
        best = min(best, elapsed)
    return best * 1000


def print_named(results: dict[str, Any], width: int) -> None:
    """``results`` one a line: the name in ``width`` columns, then a number in nine (two decimals for a float)."""
    for name, value in results.items():
        shown = f"{value:9.2f}" if isinstance(value, float) else (f"{value:9d}" if isinstance(value, int) else value)
        print(f"{name:{width}} {shown}")


def table(rows: list[list[str]], header: list[str], left: int = 1) -> str:
    """A plain-text table; the first ``left`` columns are left-aligned, the rest right-aligned."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = " | ".join(f"{{:{'<' if i < left else '>'}{w}}}" for i, w in enumerate(widths))
    lines = [fmt.format(*header), "-+-".join("-" * w for w in widths)]
    lines += [fmt.format(*r) for r in rows]
    return "\n".join(lines)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
