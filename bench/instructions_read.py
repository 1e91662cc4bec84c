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

``--target export`` counts ``bench/pipeline.py``'s export step instead: ``POST .../blocks/actions/export-sync`` of one
of 10 blocks to a new file each time, with httpx's headers (a job the call waits for: the worker thread's share is
counted too). ``--tree DIR`` serves another checkout (``git archive main | tar -x -C DIR``), as ``overhead.py
--compare-tree`` does: run it once per tree, one after the other. The first round may count the MCP warm-up the
start leaves running (some 30,000 instructions per read more): read the later rounds.

A single connection waits for each answer, so the counts include the loop's idle turns: compare rows, not totals
with overhead.py's. Needs ``valgrind`` (not a project dependency: ``apt-get install valgrind``); takes a minute.

    .venv/bin/python bench/instructions_read.py [--target app|bare|export|both] [--requests 1000] [--rounds 3]
                                                [--tree DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import Conn, free_port, median, one_request
from overhead import GZIP_CLIENT, READ_PATH, SAME_SIZE, _call, _wait_for_key, prepare

VARIANTS = {"plain": {}, "gzip": GZIP_CLIENT, "pad": SAME_SIZE}
EXPORT_PATH = "/api/devices/PLC_1/blocks/actions/export-sync"
HTTPX = {"Accept": "*/*", "Accept-Encoding": "gzip, deflate", "Connection": "keep-alive",
         "User-Agent": "python-httpx/0.28.1", "Content-Type": "application/json"}
"""The headers httpx (pipeline.py's client) sends with a JSON body."""
EXPORTED_BLOCKS = 10


def serve(target: str, port: int) -> None:
    """The embedded granian server of ``target`` (run in the process valgrind watches: no worker is forked)."""
    from granian.constants import Interfaces
    from granian.server.embed import Server as Embedded

    import bench_apps

    app = bench_apps.bare_app if target == "bare" else bench_apps.engineering_app()  # export too
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


_exported = itertools.count()


async def _export(port: int, headers: dict[str, str], count: int) -> None:
    """``count`` export-sync calls on one keep-alive connection, each to a new file."""
    conn = Conn(port)
    await conn.open()
    try:
        for _ in range(count):
            number = next(_exported)
            body = json.dumps({"blockName": f"FB_{number % EXPORTED_BLOCKS}",
                               "exportPath": f"export/{number:06d}.xml"}).encode()
            status, answer = await conn.send(Conn.build(port, "POST", EXPORT_PATH, {**headers, **HTTPX}, body))
            if status != 200:
                raise RuntimeError(f"POST {EXPORT_PATH} answered {status}: {answer[:200]!r}")
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


def _requests(target: str, port: int, path: str, headers: dict[str, str], count: int) -> Any:
    """The coroutine sending ``count`` requests of ``target`` (the read's ``path``, or export-sync)."""
    return _export(port, headers, count) if target == "export" else _send(port, path, headers, count)


def measure(target: str, requests: int, rounds: int, tree: str = "") -> dict[str, list[float]]:
    """Instructions per request of each variant, one figure per round (``tree``: the checkout served)."""
    work = Path(tempfile.mkdtemp(prefix="bench-instructions-"))
    port = free_port()
    env = {**os.environ, "ENGINEERING_API_RATE_LIMIT_PER_MINUTE": str(10**9), "BENCH_DATA_DIR": str(work / "data"),
           "PYTHONPATH": str(Path(__file__).resolve().parent), "BENCH_TREE": tree}
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={work}/cg.%p",
         sys.executable, __file__, "--serve", "bare" if target == "bare" else "app", str(port)],
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
        if target != "bare":
            key = _wait_for_key(work / "data")
            prepare(port, key)
            path, headers = READ_PATH, {"X-API-Key": key}
        variants = VARIANTS
        if target == "export":
            for number in range(EXPORTED_BLOCKS):
                _call(port, "POST", "/api/devices/PLC_1/blocks/generate-and-import", key,
                      {"BlockType": "FB", "Name": f"FB_{number}", "Language": "SCL"})
            variants = {"httpx": {}}
        _control(proc.pid, "-i", "on")
        counts: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(rounds):
            for name, extra in variants.items():
                asyncio.run(_requests(target, port, path, {**headers, **extra}, 50))  # warm
                _control(proc.pid, "-z")
                asyncio.run(_requests(target, port, path, {**headers, **extra}, requests))
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
    parser.add_argument("--target", choices=("bare", "app", "export", "both"), default="both",
                        help="both: bare and app (the read); export: export-sync as pipeline.py sends it")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tree", default="", metavar="DIR", help="serve this checkout instead of this one")
    parser.add_argument("--serve", nargs=2, metavar=("TARGET", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return 0
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    for target in ("bare", "app") if args.target == "both" else (args.target,):
        counts = measure(target, args.requests, args.rounds, str(Path(args.tree).resolve()) if args.tree else "")
        plain = median(next(iter(counts.values())))
        for name, values in counts.items():
            figure = median(values)
            print(f"{target:5s} {name:6s} {figure:10,.0f} instructions/request ({figure - plain:+7,.0f})"
                  f"  rounds: {' / '.join(f'{v:,.0f}' for v in values)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
