"""Which ASGI server? Throughput of a bare Litestar route under granian and under uvicorn.

Both serve ``bench_apps:bare_app`` (one GET route, small JSON) with one worker on a free loopback
port; the load generator is ``wrk`` when installed, else an asyncio keep-alive client. Unless
``--bare-only``, each server also serves the real app (fake backend) and its read route
``GET /api/projects/devices`` is measured too, since that is what the choice is for. With
``--rounds N`` the targets are measured alternately N times and medians are reported; the server
CPU per request is reported as well, because it hardly depends on what else runs on the machine.

    .venv/bin/python bench/servers.py [--duration 5] [--connections 32] [--rounds 3] [--client auto|wrk|python]

Prints a table and writes ``bench/results/servers.json``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchlib import (
    SERVERS, add_load_options, Server, choose_client, environment, measure_with_cpu, median, run_load, table,
    print_rounds_used, quiet_start, rounds_to_use, write_results
)
from overhead import READ_PATH, _wait_for_key, prepare


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    add_load_options(parser)
    parser.add_argument("--servers", nargs="+", choices=SERVERS, default=list(SERVERS))
    parser.add_argument("--bare-only", action="store_true", help="skip the real app's read route")
    args = parser.parse_args(argv)
    client = choose_client(args.client)
    print(f"load generator: {client}" + ("" if client == "wrk" else " (wrk not installed; asyncio keep-alive client)"))
    print(f"{args.connections} connections, {args.duration:g} s per measurement, {args.rounds} round(s), "
          f"event loop {args.loop}, 1 worker each")
    busy = quiet_start(args.wait_quiet)

    work = Path(tempfile.mkdtemp(prefix="bench-servers-"))
    env = {"ENGINEERING_API_RATE_LIMIT_PER_MINUTE": str(10**9)}
    # (label, server, path, data dir of the real app or None)
    targets: list[tuple[str, Server, str, Path | None]] = []
    for name in args.servers:
        targets.append((f"{name} bare", Server(name, "bench_apps:bare_app", log_path=work / f"{name}-bare.log",
                                               loop=args.loop), "/bare", None))
    if not args.bare_only:
        for name in args.servers:
            data_dir = work / f"data-{name}"
            targets.append((f"{name} read", Server(
                name, "bench_apps:engineering_app", factory=True, log_path=work / f"{name}-app.log", loop=args.loop,
                env={**env, "BENCH_DATA_DIR": str(data_dir)}), READ_PATH, data_dir))
    servers = [server for _, server, _, _ in targets]
    runs: dict[str, list[dict[str, Any]]] = {label: [] for label, _, _, _ in targets}
    failed = False
    try:
        headers: dict[str, dict[str, str]] = {}
        for label, server, _, served_dir in targets:
            server.start("/bare" if served_dir is None else "/api/health")
            headers[label] = {}
            if served_dir is not None:
                key = _wait_for_key(served_dir)
                prepare(server.port, key)
                headers[label] = {"X-API-Key": key}
        for round_no in range(args.rounds):
            for label, server, path, _ in targets:
                load = measure_with_cpu(
                    lambda label=label, server=server, path=path, **kw: run_load(
                        client, label, server.port, path, headers=headers[label], connections=args.connections,
                        threads=args.threads, **kw),
                    servers, server, duration=args.duration, warmup=args.warmup)
                runs[label].append(load.as_dict())
                print(f"  round {round_no + 1}: {label:13s} {load.rps:8.0f} req/s  "
                      f"server CPU {load.extra['server_cpu_us_per_request']} us/req  errors={load.errors}  "
                      f"foreign CPU {load.extra['foreign_cpu_cores'] or 0:.2f} cores")
    except Exception as exc:
        print(f"ERROR: {type(exc).__name__}: {exc} (server logs kept in {work})", file=sys.stderr)
        failed = True
    finally:
        for server in servers:
            server.stop()
        if not failed:
            shutil.rmtree(work, ignore_errors=True)
    if failed:
        return 1

    disturbance, clean, used = rounds_to_use(runs, args.rounds, args.max_foreign)
    summary = {}
    for label, loads in runs.items():
        summary[label] = {
            "rps_median": round(median([loads[i]["rps"] for i in used]), 1),
            "rps_runs": [round(run["rps"], 1) for run in loads],
            "errors": sum(run["errors"] for run in loads),
            "p50_ms": median([loads[i]["latency_ms"].get("p50", float("nan")) for i in used]),
            "p99_ms": median([loads[i]["latency_ms"].get("p99", float("nan")) for i in used]),
            "server_cpu_us_per_request": median([run["extra"]["server_cpu_us_per_request"] or float("nan")
                                                 for run in loads]),
        }
    kinds = ["bare"] + ([] if args.bare_only else ["read"])
    fastest = {kind: max((label for label in summary if label.endswith(kind)),
                         key=lambda label: summary[label]["rps_median"]) for kind in kinds}
    rows = []
    for label, s in summary.items():
        best = summary[fastest[label.rsplit(" ", 1)[1]]]["rps_median"]
        rows.append([label, f"{s['rps_median']:.0f}", " / ".join(f"{r:.0f}" for r in s["rps_runs"]),
                     f"{s['p50_ms']:.2f}", f"{s['p99_ms']:.2f}", f"{s['server_cpu_us_per_request']:.0f}",
                     f"{s['rps_median'] / best:.2f}", str(s["errors"])])
    print()
    print_rounds_used(clean, args.max_foreign, reliable="the server-CPU column is the more reliable one")
    print(table(rows, ["target", "req/s (median)", "all rounds", "p50 ms", "p99 ms", "server CPU us/req",
                       "vs fastest", "errors"]))
    errors = sum(s["errors"] for s in summary.values())
    results = write_results("servers.json", {
        "benchmark": "servers", "loop": args.loop, "client": client, "connections": args.connections,
        "duration_s": args.duration, "rounds": args.rounds, "routes": {"bare": "GET /bare (bare Litestar, small JSON)",
                                                                        "read": f"GET {READ_PATH} (fake backend)"},
        "environment": environment(), "background_cpu_before": busy,
        "foreign_cpu_cores_per_round": disturbance, "max_foreign_cores": args.max_foreign,
        "rounds_used": [i + 1 for i in used], "summary": summary, "fastest": fastest, "runs": runs,
    })
    print("\nfastest: " + ", ".join(f"{kind}: {label.split()[0]}" for kind, label in fastest.items())
          + f"; results written to {results}")
    if errors:
        print(f"ERROR: {errors} failed requests", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
