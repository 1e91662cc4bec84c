"""What does the service cost on top of bare Litestar? Three measurements in one run, one server.

(a) ``bare``  — ``GET /bare`` of ``bench_apps:bare_app`` (one route, small JSON): the baseline.
(b) ``read``  — ``GET /api/projects/devices`` of the real app (fake backend, valid ``X-API-Key``):
    guard middleware, key check, rate limiter, the read (on the event loop while the TIA worker is idle,
    ``TiaWorker.run_if_idle``), the envelope. Sent as wrk and curl send it, without ``Accept-Encoding``;
    ``read_gzip`` is the same read as browsers, httpx and the vendor's client send it
    (``Accept-Encoding: gzip, deflate``: the gzip layer chooses the answer's send, and a small answer goes out
    plain on the client's own). The read target holds for both.
(b') the controls, which tell what a gzip client's one more header costs from what the gzip layer costs:
    ``bare_gzip`` (the bare route sent ``Accept-Encoding: gzip, deflate`` too), ``read_pad`` and ``bare_pad`` (the
    read and the bare route sent a header nothing reads, its name and value as long as the gzip client's). Counted
    by ``bench/instructions_read.py`` (instructions per request under callgrind, load-independent; 2026-11-27
    15:00-15:02, three rounds of 1,000 requests), one more header of that size costs the bare route 1,700-1,900 of
    286,000 instructions whatever the header; the read 2,900 (the unread header) and 5,400 (``Accept-Encoding``) of
    298,000: a gzip client's read does 1.8% more work than the plain read, not the 10% its CPU time under wrk
    showed (83 against 75 µs, 14:45). A gzip client sends its header to any server, so its read is compared with
    the bare route sent the same request:
    ``read_gzip/bare_gzip`` is the ratio the target holds for (``read_gzip/bare`` is printed beside it).
(c) ``job``   — a job round trip: ``POST /api/projects/actions/save`` (202 + ``jobId``), then
    ``GET /api/jobs/{jobId}?wait=30`` (a long poll: one request until the job ends; ``--job-wait 0``
    polls as T-IA Connect's client does) until it is Completed; counted in round trips per second by an
    asyncio keep-alive client with ``--job-concurrency`` parallel clients.

(a) and (b) use the same load generator (``wrk`` when installed, else the asyncio client). Because
(c) can only be driven by a Python client, the bare route is also measured with that client at the
same concurrency (``bare_py``), so ``job/bare_py`` compares like with like. The job round trips have a
server of the app of their own, so the read's server has served reads only. The servers run side by
side; with ``--rounds N`` the measurements are interleaved N times and medians are reported, which
keeps the ratios fair on a noisy machine.

    .venv/bin/python bench/overhead.py [--server granian] [--duration 5] [--rounds 3] [--compare-tree DIR]

``--compare-tree DIR`` serves the read of another checkout too (``git archive main | tar -x -C DIR``), measured
in the same interleaved rounds: a before/after pair whose ratios share one machine state (``read@DIR/bare``).

Writes ``bench/results/overhead.json``. Exits 1 on errors (failed requests, a server that does not
start), never because a target is missed: the read target (read/bare and read_gzip/bare_gzip >= 0.8 by req/s and
by server CPU, issue 71) is printed. Each round starts one row later than the round before, so no row is always
measured right after the same other one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchlib import (
    SERVERS, add_load_options, Conn, Load, Server, choose_client, environment, measure_with_cpu, median, one_request,
    run_load, run_python, table, print_ratios, print_rounds_used, quiet_start, ratio_results, rounds_to_use,
    write_results
)

READ_TARGET = 0.8
"""read/bare, by req/s and by server CPU per request (issue 71; it was 0.6)."""
TERMINAL = {"Completed", "Failed", "Canceled"}
READ_PATH = "/api/projects/devices"
GZIP_CLIENT = {"Accept-Encoding": "gzip, deflate"}
"""What httpx (the vendor's Python client's library) sends by default; browsers send gzip too."""
SAME_SIZE = {"X-Padding-Field": "abcd, efghijk"}
"""A header nothing of ours reads, its name and value as long as :data:`GZIP_CLIENT`'s: ``read_pad`` and
``bare_pad`` tell the cost of a request's size (the server's) from the cost of the gzip layer (ours)."""


def _wait_for_key(data_dir: Path, timeout: float = 30.0) -> str:
    secret = data_dir / "api.secret"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if secret.exists() and secret.read_text(encoding="utf-8").strip():
            return secret.read_text(encoding="utf-8").strip()
        time.sleep(0.1)
    raise RuntimeError(f"no admin key appeared at {secret}")


def _call(port: int, method: str, path: str, key: str, body: Any = None, expect: int = 200) -> Any:
    status, answer = asyncio.run(one_request(port, method, path, {"X-API-Key": key}, body))
    if status != expect:
        raise RuntimeError(f"{method} {path} answered {status}, expected {expect}: {answer!r}")
    return answer


def prepare(port: int, key: str) -> dict[str, Any]:
    """A project with one device, as the read and the job need."""
    _call(port, "POST", "/api/projects/actions/create-sync", key, {"name": "Bench"})
    _call(port, "POST", "/api/projects/devices/actions/add-sync", key,
          {"orderNumber": "6ES7 516-3AN02-0AB0", "name": "PLC_1"})
    devices = _call(port, "GET", READ_PATH, key)
    if not devices.get("data"):
        raise RuntimeError(f"{READ_PATH} lists no device after set-up: {devices!r}")
    return devices


async def _job_trips(port: int, key: str, concurrency: int, duration: float, poll_interval: float,
                     wait: float) -> dict[str, Any]:
    headers = {"X-API-Key": key}
    post = Conn.build(port, "POST", "/api/projects/actions/save", headers)
    deadline = time.perf_counter() + duration
    stats: dict[str, Any] = {"trips": 0, "polls": 0, "errors": 0}
    trip_ms: list[float] = []
    failures: list[str] = []

    async def client() -> None:
        conn = Conn(port)
        await conn.open()
        try:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                status, body = await conn.send(post)
                if status != 202:
                    stats["errors"] += 1
                    failures.append(f"POST save -> {status}: {body[:200]!r}")
                    continue
                job_id = json.loads(body)["data"]["jobId"]
                poll = Conn.build(port, "GET", f"/api/jobs/{job_id}" + (f"?wait={wait:g}" if wait else ""), headers)
                while True:
                    if poll_interval:
                        await asyncio.sleep(poll_interval)
                    status, body = await conn.send(poll)
                    stats["polls"] += 1
                    if status != 200:
                        stats["errors"] += 1
                        failures.append(f"GET job -> {status}: {body[:200]!r}")
                        break
                    state = json.loads(body)["data"]["status"]
                    if state in TERMINAL:
                        if state == "Completed":
                            stats["trips"] += 1
                            trip_ms.append((time.perf_counter() - start) * 1e3)
                        else:
                            stats["errors"] += 1
                            failures.append(f"job {job_id} ended {state}: {body[:200]!r}")
                        break
        finally:
            await conn.close()

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    stats["seconds"] = time.perf_counter() - start
    stats["trip_ms"] = trip_ms
    stats["failures"] = failures[:5]
    return stats


def run_jobs(port: int, key: str, *, concurrency: int, duration: float, warmup: float, poll_interval: float,
             wait: float) -> Load:
    if warmup > 0:
        asyncio.run(_job_trips(port, key, concurrency, warmup, poll_interval, wait))
    stats = asyncio.run(_job_trips(port, key, concurrency, duration, poll_interval, wait))
    ordered = sorted(stats["trip_ms"])
    latency = {f"p{p}": round(ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))], 3)
               for p in (50, 90, 99)} if ordered else {}
    seconds = stats["seconds"]
    trips = stats["trips"]
    return Load("job", "python", trips / seconds, trips, stats["errors"], seconds, concurrency, latency, {
        "polls_per_trip": round(stats["polls"] / trips, 2) if trips else None,
        "http_requests_per_s": round((trips + stats["polls"]) / seconds, 1),
        "poll_interval_s": poll_interval,
        "wait_s": wait,
        "failures": stats["failures"],
    })


def _summarise(values: list[float | None]) -> float:
    present = [v for v in values if v is not None]
    return median(present) if present else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", choices=SERVERS, default="granian")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator for bare and read")
    add_load_options(parser)
    parser.add_argument("--job-concurrency", type=int, default=8)
    parser.add_argument("--poll-interval", type=float, default=0.0, help="seconds between job polls (0: at once)")
    parser.add_argument("--job-wait", type=float, default=30.0,
                        help="GET /api/jobs/{id}?wait= seconds (a long poll); 0 polls without waiting")
    parser.add_argument("--what-if", action="append", default=[], metavar="PATCHES",
                        help="also measure the read route of an app with these parts patched away, e.g. "
                             "no-hop or no-guard,no-hop (see bench_apps.what_if_patches); repeatable")
    parser.add_argument("--compare-tree", action="append", default=[], metavar="DIR",
                        help="also measure the read route of the checkout in DIR (e.g. `git archive main | tar -x -C "
                             "DIR`), in the same rounds: a before/after pair on one machine state; repeatable")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory and server logs")
    args = parser.parse_args(argv)
    client = choose_client(args.client)
    print(f"server: {args.server} (1 worker, {args.loop} loop); load generator for bare/read: {client}"
          + ("" if client == "wrk" else " (wrk not installed)") + "; job round trips: asyncio client")
    print(f"{args.connections} connections (job: {args.job_concurrency} clients), {args.duration:g} s per "
          f"measurement, {args.rounds} round(s)")
    busy = quiet_start(args.wait_quiet)

    work = Path(tempfile.mkdtemp(prefix="bench-overhead-"))
    env = {"ENGINEERING_API_RATE_LIMIT_PER_MINUTE": str(10**9)}

    def app_server(name: str, what_if: str = "", tree: str = "") -> tuple[Server, Path]:
        data_dir = work / f"data-{name}"
        return Server(args.server, "bench_apps:engineering_app", factory=True, log_path=work / f"{name}.log",
                      loop=args.loop, env={**env, "BENCH_DATA_DIR": str(data_dir), "BENCH_WHAT_IF": what_if,
                                           "BENCH_TREE": tree}), data_dir

    bare = Server(args.server, "bench_apps:bare_app", log_path=work / "bare.log", loop=args.loop)
    app, data_dir = app_server("app")
    # the job round trips on a server of their own: every read server then serves reads only (thousands of jobs
    # kept by the server under test, and by no server of a --compare-tree checkout, made the pair unequal)
    jobs_app, jobs_dir = app_server("jobs")
    what_ifs = [(f"read[{patches}]", *app_server(f"what-if-{i}", patches)) for i, patches in enumerate(args.what_if)]
    what_ifs += [(f"read@{Path(tree).name}", *app_server(f"tree-{i}", tree=str(Path(tree).resolve())))
                 for i, tree in enumerate(args.compare_tree)]
    servers = [bare, app, jobs_app, *(server for _, server, _ in what_ifs)]
    runs: dict[str, list[dict[str, Any]]] = {"bare": [], "read": [], "read_gzip": [], "bare_gzip": [],
                                             "read_pad": [], "bare_pad": [], "bare_py": [], "job": []}
    runs.update({label: [] for label, _, _ in what_ifs})
    tree_gzip = [f"read_gzip{label[4:]}" for label, _, _ in what_ifs if label.startswith("read@")]
    runs.update({label: [] for label in tree_gzip})
    failed = False
    try:
        bare.start("/bare")
        app.start("/api/health")
        key = _wait_for_key(data_dir)
        prepare(app.port, key)
        jobs_app.start("/api/health")
        jobs_key = _wait_for_key(jobs_dir)
        prepare(jobs_app.port, jobs_key)
        reads = [("read", app, key)]
        for label, server, wi_dir in what_ifs:
            server.start("/api/health")
            wi_key = _wait_for_key(wi_dir)
            prepare(server.port, wi_key)
            reads.append((label, server, wi_key))

        def wrk_like(label: str, server: Server, path: str, headers: dict[str, str]) -> Callable[..., Load]:
            return lambda **kw: run_load(client, label, server.port, path, headers=headers,
                                         connections=args.connections, threads=args.threads, **kw)

        plan: list[tuple[Server, Callable[..., Load]]] = [
            (bare, wrk_like("bare", bare, "/bare", {})),
            *((server, wrk_like(label, server, READ_PATH, {"X-API-Key": k})) for label, server, k in reads[:1]),
            (app, wrk_like("read_gzip", app, READ_PATH, {"X-API-Key": key, **GZIP_CLIENT})),
            # the controls: the bare route sent what a gzip client sends, and both sent an unread header of that size
            (bare, wrk_like("bare_gzip", bare, "/bare", GZIP_CLIENT)),
            (app, wrk_like("read_pad", app, READ_PATH, {"X-API-Key": key, **SAME_SIZE})),
            (bare, wrk_like("bare_pad", bare, "/bare", SAME_SIZE)),
            (bare, lambda **kw: run_python("bare_py", bare.port, "/bare", connections=args.job_concurrency, **kw)),
            (jobs_app, lambda **kw: run_jobs(jobs_app.port, jobs_key, concurrency=args.job_concurrency,
                                             poll_interval=args.poll_interval, wait=args.job_wait, **kw)),
            *((server, wrk_like(label, server, READ_PATH, {"X-API-Key": k})) for label, server, k in reads[1:]),
            # another checkout's read as a gzip client sends it too: a before/after pair for both kinds of client
            *((server, wrk_like(f"read_gzip{label[4:]}", server, READ_PATH, {"X-API-Key": k, **GZIP_CLIENT}))
              for label, server, k in reads[1:] if label.startswith("read@")),
        ]
        for round_no in range(args.rounds):
            loads = []
            # each round starts one measurement later: no row is always measured right after the same one
            for target, load_fn in plan[round_no % len(plan):] + plan[:round_no % len(plan)]:
                load = measure_with_cpu(load_fn, servers, target, duration=args.duration, warmup=args.warmup)
                runs[load.label].append(load.as_dict())
                loads.append(load)
            worst = max((x.extra["foreign_cpu_cores"] or 0.0) for x in loads)
            print(f"  round {round_no + 1}: " + "  ".join(f"{x.label}={x.rps:.0f}/s" for x in loads)
                  + f"  errors={sum(x.errors for x in loads)}  foreign CPU<={worst:.2f} cores")
    except Exception as exc:
        print(f"ERROR: {type(exc).__name__}: {exc}", file=sys.stderr)
        failed = True
        args.keep = True
    finally:
        for server in servers:
            server.stop()
        if args.keep:
            print(f"data and server logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if failed or len(runs["job"]) < args.rounds:
        return 1

    labels = list(runs)
    names = ["read/bare", "read_gzip/bare", "read_gzip/bare_gzip", "read_pad/bare", "read_pad/bare_pad",
             "bare_gzip/bare", "bare_pad/bare", "job/bare", "job/bare_py",
             *(f"{label}/bare" for label, _, _ in what_ifs), *(f"{label}/bare" for label in tree_gzip)]
    per_round = [
        {name: runs[num][i]["rps"] / runs[den][i]["rps"] for name in names for num, den in [name.rsplit("/", 1)]}
        for i in range(args.rounds)
    ]
    disturbance, clean, used = rounds_to_use(runs, args.rounds, args.max_foreign)
    rps = {label: median([runs[label][i]["rps"] for i in used]) for label in labels}
    cpu = {label: _summarise([run["extra"]["server_cpu_us_per_request"] for run in runs[label]]) for label in labels}
    errors = {label: sum(run["errors"] for run in runs[label]) for label in labels}
    ratios = {name: median([per_round[i][name] for i in used]) for name in names}
    cpu_ratios = {name: cpu[den] / cpu[num] for name in names for num, den in [name.rsplit("/", 1)]}

    descriptions = {
        "bare": f"GET /bare, bare Litestar ({client}, {args.connections} conns)",
        "read": f"GET {READ_PATH}, fake backend ({client}, {args.connections} conns)",
        "read_gzip": f"the same read with Accept-Encoding: gzip, deflate ({client})",
        "bare_gzip": f"GET /bare with Accept-Encoding: gzip, deflate ({client})",
        "read_pad": f"the read with an unread header of that size, {next(iter(SAME_SIZE))} ({client})",
        "bare_pad": f"GET /bare with that header ({client})",
        "bare_py": f"GET /bare (asyncio client, {args.job_concurrency} conns)",
        "job": "POST save + GET /api/jobs/{id}" + (f"?wait={args.job_wait:g}" if args.job_wait else " polls")
               + f" (asyncio, {args.job_concurrency} clients)",
    }
    descriptions.update({label: f"GET {READ_PATH} with {label[5:-1]} patched away ({client})"
                         if label.startswith("read[") else f"GET {READ_PATH} of the checkout {label[5:]} ({client})"
                         for label, _, _ in what_ifs})
    descriptions.update({label: f"GET {READ_PATH} of the checkout {label[10:]}, Accept-Encoding: gzip ({client})"
                         for label in tree_gzip})
    rows = [
        [label, descriptions[label], f"{rps[label]:.0f}", " / ".join(f"{run['rps']:.0f}" for run in runs[label]),
         f"{cpu[label]:.0f}", f"{_summarise([runs[label][i]['latency_ms'].get('p50') for i in used]):.2f}",
         str(errors[label])]
        for label in labels
    ]
    print()
    print_rounds_used(clean, args.max_foreign)
    print(table(rows, ["what", "measured", "per s (median)", "all rounds", "server CPU us/req", "p50 ms",
                       "errors"], left=2))
    job_polls = _summarise([run["extra"]["polls_per_trip"] for run in runs["job"]])
    print(f"\njob: {job_polls:.2f} polls per round trip (median), so ~{job_polls + 1:.1f} HTTP requests per trip")
    print_ratios(names, ratios, cpu_ratios, per_round, disturbance, width=max(len(name) for name in names),
                 unit="req/s", rounds_heading="req/s per round")
    print("(server-CPU ratio = server CPU per bare request / per measured request or round trip)")
    held = ("read/bare", "read_gzip/bare_gzip")  # each read against the bare route sent the same request
    met = all(ratios[name] >= READ_TARGET and cpu_ratios[name] >= READ_TARGET for name in held)
    print(f"\nread target ({' and '.join(held)} >= {READ_TARGET} by req/s and by server CPU): "
          f"{'met' if met else 'NOT met'} (req/s ratios {ratios[held[0]]:.3f} and {ratios[held[1]]:.3f}, "
          f"server-CPU ratios {cpu_ratios[held[0]]:.3f} and {cpu_ratios[held[1]]:.3f})")

    path = write_results("overhead.json", {
        "benchmark": "overhead", "server": args.server, "loop": args.loop, "client": client,
        "connections": args.connections, "job_concurrency": args.job_concurrency,
        "poll_interval_s": args.poll_interval, "job_wait_s": args.job_wait, "duration_s": args.duration,
        "rounds": args.rounds,
        "what_if": args.what_if, "compare_tree": args.compare_tree, "environment": environment(),
        "background_cpu_before": busy,
        "rps_median": {k: round(v, 1) for k, v in rps.items()},
        "server_cpu_us_per_request": {k: round(v, 1) for k, v in cpu.items()},
        **ratio_results(ratios, cpu_ratios, per_round, disturbance, args.max_foreign, used),
        "read_target": READ_TARGET, "read_target_met": met, "errors": errors, "runs": runs,
    })
    print(f"results written to {path}")
    total_errors = sum(errors.values())
    if total_errors:
        failures = [f for run in runs["job"] for f in run["extra"].get("failures", [])][:5]
        print(f"ERROR: {total_errors} failed requests {failures}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
