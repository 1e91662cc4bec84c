"""Where does the read route's time go? An in-process breakdown, no server, no sockets.

Both apps are called straight through ASGI on one event loop (``--concurrency`` requests in flight,
like the load generator's connections), so the numbers are the application's own cost per request:

* ``bare``             — ``GET /bare`` of the bare Litestar app (the baseline)
* ``read``             — ``GET /api/projects/devices`` of the real app, as shipped
* ``read_gzip``        — the same read from a client that accepts gzip (``Accept-Encoding: gzip, deflate``)
* ``read -guard``      — the same with ``GuardMiddleware`` passed through (no host/key/rate checks, and the
  route served by Litestar: not the listing's handler called directly, engineering_api/web/_litestar/direct_route.py)
* ``read -hop``        — the operation runs on the event loop instead of the TIA worker thread
* ``read -wait_for``   — ``TiaWorker.wait`` awaits the future directly (no ``wait_for``/``shield``)
* ``read -guard -hop``  — both removed: what is left is routing, signature, envelope, encoding
* ``read switch 1ms``  — as shipped, but ``sys.setswitchinterval(0.001)`` (default 5 ms): how much
  of the hop is the worker thread waiting for the GIL

Each is measured by the wall clock and in CPU time of the process (``CPU us/req``; every thread, so a hop's
worker time counts): on a busy machine decide by the CPU columns. The variants are monkeypatched in this process
only: they show what each part costs, not a proposal to drop it. ``--cprofile N`` also prints the N most expensive
functions of ``read``.

    .venv/bin/python bench/profile_read.py [--requests 20000] [--concurrency 32] [--cprofile 25]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import logging
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.work_count import AsgiDriver  # the repository root, put on sys.path above

READ_PATH = "/api/projects/devices"
GZIP_CLIENT = {"accept-encoding": "gzip, deflate"}
"""What browsers, httpx and the vendor's client send (a small answer is sent plain): ``read_gzip``."""


async def measure(app: Any, path: str, headers: dict[str, str], requests: int, concurrency: int) -> tuple[float, float]:
    """Microseconds per request with ``concurrency`` requests in flight: by the wall clock, and in CPU time of this
    process (every thread: the worker's hop included). CPU time hardly depends on what else the machine runs, so it
    is the column to decide by on a busy machine."""
    per_worker = requests // concurrency
    driver = AsgiDriver(app)

    async def worker() -> None:
        for _ in range(per_worker):
            status, body = await driver.call_raw("GET", path, headers)
            if status != 200:
                raise RuntimeError(f"GET {path} -> {status}: {body[:200]!r}")

    await asyncio.gather(*(worker() for _ in range(concurrency)))  # warm-up
    start, cpu_start = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    count = per_worker * concurrency
    return (time.perf_counter() - start) / count * 1e6, (time.process_time() - cpu_start) / count * 1e6


async def _measure_all(args: argparse.Namespace, app: Any, bare_app: Any, data_dir: Path,
                       patches: dict[str, Any]) -> tuple[dict[str, float], dict[str, float], str]:
    driver = AsgiDriver(app)
    async with AsgiDriver(bare_app).running(), driver.running():
        key = (data_dir / "api.secret").read_text(encoding="utf-8").strip()
        auth = {"x-api-key": key}
        for method, path, body in (
            ("POST", "/api/projects/actions/create-sync", {"name": "Bench"}),
            ("POST", "/api/projects/devices/actions/add-sync", {"orderNumber": "6ES7 516-3AN02-0AB0", "name": "PLC_1"}),
        ):
            status, answer = await driver.call_raw(method, path, auth, body)
            if status != 200:
                raise RuntimeError(f"{method} {path} -> {status}: {answer[:300]!r}")
        n, c = args.requests, args.concurrency
        variants: dict[str, tuple[Any, str, dict[str, str], tuple[str, ...]]] = {
            "bare": (bare_app, "/bare", {}, ()),
            "read": (app, READ_PATH, auth, ()),
            "read_gzip": (app, READ_PATH, {**auth, **GZIP_CLIENT}, ()),
            "read -guard": (app, READ_PATH, auth, ("no-guard",)),
            "read -hop": (app, READ_PATH, auth, ("no-hop",)),
            "read -wait_for": (app, READ_PATH, auth, ("no-wait-for",)),
            "read -guard -hop": (app, READ_PATH, auth, ("no-guard", "no-hop")),
            "read switch 1ms": (app, READ_PATH, auth, ("switch-1ms",)),
        }
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
        for _ in range(args.rounds):  # interleaved; the minimum is the least disturbed
            for name, (target, path, headers, patch_names) in variants.items():
                with contextlib.ExitStack() as stack:
                    for name_ in patch_names:
                        stack.callback(patches[name_]())
                    samples[name].append(await measure(target, path, headers, n, c))
        results = {name: min(wall for wall, _ in values) for name, values in samples.items()}
        cpu = {name: min(used for _, used in values) for name, values in samples.items()}
        profile_text = ""
        if args.cprofile:
            profiler = cProfile.Profile()
            profiler.enable()
            await measure(app, READ_PATH, auth, n // 4, c)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.cprofile)
            profile_text = out.getvalue()
    return results, cpu, profile_text


async def run(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_apps import bare_app, what_if_patches
    from benchlib import environment, write_results

    from engineering_api.app import create_app
    from engineering_api.config import Settings

    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    data_dir = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    os.environ["ENGINEERING_API_RATE_LIMIT_PER_MINUTE"] = str(10**9)
    app = create_app(Settings.from_env(data_dir=data_dir))
    patches = what_if_patches()
    try:
        results, cpu, profile_text = await _measure_all(args, app, bare_app, data_dir, patches)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)

    print(f"in-process ASGI, {args.requests} requests x {args.rounds} rounds (best kept), "
          f"{args.concurrency} in flight (no server, no sockets)\n")
    print(f"{'variant':18s} {'us/request':>10s} {'req/s':>8s} {'vs bare':>8s} {'saves vs read':>14s}"
          f" {'CPU us/req':>11s} {'CPU vs bare':>12s}")
    for name, us in results.items():
        saved = "" if name in ("bare", "read", "read_gzip") else f"{results['read'] - us:+.1f} us"
        print(f"{name:18s} {us:10.1f} {1e6 / us:8.0f} {results['bare'] / us:8.3f} {saved:>14s}"
              f" {cpu[name]:11.1f} {cpu['bare'] / cpu[name]:12.3f}")
    if profile_text:
        print("\ncProfile of read (sorted by own time):")
        print("\n".join(profile_text.splitlines()[:args.cprofile + 12]))
    path = write_results("profile_read.json", {
        "benchmark": "profile_read", "requests": args.requests, "concurrency": args.concurrency,
        "rounds": args.rounds, "environment": environment(),
        "us_per_request": {name: round(us, 2) for name, us in results.items()},
        "ratio_vs_bare": {name: round(results["bare"] / us, 4) for name, us in results.items()},
        "cpu_us_per_request": {name: round(us, 2) for name, us in cpu.items()},
        "cpu_ratio_vs_bare": {name: round(cpu["bare"] / us, 4) for name, us in cpu.items()},
    })
    print(f"\nresults written to {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the fastest of each is kept")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N", help="print the N top functions of read")
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
