"""Instructions per request of the served read and the bare route, counted by callgrind: a figure load cannot move.

``bench/overhead.py`` measures CPU time under wrk, which a busy machine moves by ±15%; a difference of a few
microseconds between two rows (a gzip client's read against a read with any other header) needs a count instead.
Each target (``bare``: ``bench_apps:bare_app``; ``app``: the service with the fake backend) is served by granian's
embedded server in a process run under ``valgrind --tool=callgrind`` with instrumentation off until it answers;
then for each header variant the count is zeroed, ``--requests`` requests are sent on one keep-alive connection
and the count is dumped: every instruction the server process ran (granian, the event loop, the app), per request.

* ``plain`` — no extra header (the read: only ``X-API-Key``)
* ``gzip``  — ``Accept-Encoding: gzip, deflate``, as browsers, httpx and the vendor's client send it
* ``pad``   — a header nothing reads, its name and value as long as ``gzip``'s (``overhead.SAME_SIZE``)

A single connection waits for each answer, so the counts include the loop's idle turns: compare rows, not totals
with overhead.py's. Needs ``valgrind`` (not a project dependency: ``apt-get install valgrind``); takes a minute.

    .venv/bin/python bench/instructions_read.py [--target app] [--requests 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import Conn, free_port, median, one_request
from overhead import GZIP_CLIENT, READ_PATH, SAME_SIZE, _wait_for_key, prepare

VARIANTS = {"plain": {}, "gzip": GZIP_CLIENT, "pad": SAME_SIZE}


def serve(target: str, port: int) -> None:
    """The embedded granian server of ``target`` (run in the process valgrind watches: no worker is forked)."""
    from granian.constants import Interfaces
    from granian.server.embed import Server as Embedded

    import bench_apps

    app = bench_apps.bare_app if target == "bare" else bench_apps.engineering_app()
    server = Embedded(app, address="127.0.0.1", port=port, interface=Interfaces.ASGI, websockets=False,
                      log_enabled=False)
    asyncio.run(server.serve())


async def _send(port: int, path: str, headers: dict[str, str], count: int) -> None:
    conn = Conn(port)
    await conn.open()
    try:
        request = Conn.build(port, "GET", path, headers)
        for _ in range(count):
            status, body = await conn.send(request)
            if status != 200:
                raise RuntimeError(f"GET {path} answered {status}: {body[:200]!r}")
    finally:
        await conn.close()


def _control(pid: int, *command: str) -> None:
    subprocess.run(["callgrind_control", *command, str(pid)], check=True, capture_output=True)


def _dumped_total(out: Path, pid: int, after: float) -> int:
    """The instruction total of the dump written after ``after`` (callgrind writes one file per dump)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for dump in out.glob(f"cg.{pid}.*"):
            if dump.stat().st_mtime >= after and dump.stat().st_size:
                for line in dump.read_text(encoding="utf-8", errors="replace").splitlines():
                    if line.startswith(("summary:", "totals:")):
                        return int(line.split()[1])
        time.sleep(0.2)
    raise RuntimeError(f"callgrind wrote no dump of process {pid} in {out}")


def measure(target: str, requests: int, rounds: int) -> dict[str, list[float]]:
    """Instructions per request of each variant, one figure per round."""
    work = Path(tempfile.mkdtemp(prefix="bench-instructions-"))
    port = free_port()
    env = {**os.environ, "ENGINEERING_API_RATE_LIMIT_PER_MINUTE": str(10**9), "BENCH_DATA_DIR": str(work / "data"),
           "PYTHONPATH": str(Path(__file__).resolve().parent)}
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={work}/cg.%p",
         sys.executable, __file__, "--serve", target, str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        probe = "/bare" if target == "bare" else "/api/health"
        deadline = time.monotonic() + 300
        while True:
            try:
                if asyncio.run(one_request(port, "GET", probe))[0] < 500:
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
            time.sleep(0.5)
        path, headers = "/bare", {}
        if target == "app":
            key = _wait_for_key(work / "data")
            prepare(port, key)
            path, headers = READ_PATH, {"X-API-Key": key}
        _control(proc.pid, "-i", "on")
        counts: dict[str, list[float]] = {name: [] for name in VARIANTS}
        for _ in range(rounds):
            for name, extra in VARIANTS.items():
                asyncio.run(_send(port, path, {**headers, **extra}, 50))  # warm
                _control(proc.pid, "-z")
                asyncio.run(_send(port, path, {**headers, **extra}, requests))
                before = time.time() - 1
                _control(proc.pid, "-d")
                counts[name].append(_dumped_total(work, proc.pid, before) / requests)
        return counts
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=("bare", "app", "both"), default="both")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", nargs=2, metavar=("TARGET", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return 0
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    for target in ("bare", "app") if args.target == "both" else (args.target,):
        counts = measure(target, args.requests, args.rounds)
        plain = median(counts["plain"])
        for name, values in counts.items():
            figure = median(values)
            print(f"{target:5s} {name:6s} {figure:10,.0f} instructions/request ({figure - plain:+7,.0f})"
                  f"  rounds: {' / '.join(f'{v:,.0f}' for v in values)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
