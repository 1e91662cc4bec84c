"""Where does the pipeline's server time go? ``bench/pipeline.py``'s steps in process, each profiled.

The app is called straight through ASGI on an event loop in this thread (no server, no sockets) and the TIA
worker thread gets a profiler of its own, switched on and off on that thread around each step, so each step's
cost is split into the request side (routing, guard, envelope: this thread) and the work (the worker thread).
Server start is measured as the app's import, ``create_app`` and lifespan start-up, in this process, with the
garbage collector held as ``engineering-api serve``'s start holds it (``engineering_api.asgi``).

    .venv/bin/python bench/profile_pipeline.py [--blocks 200] [--top 25] [--step import]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tools.work_count import AsgiDriver  # the repository root, put on sys.path above


class _Answer:
    """The slice of an ``httpx.Response`` that ``pipeline.run`` reads."""

    def __init__(self, status: int, body: bytes) -> None:
        self.status_code, self.content = status, body

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content) if self.content else None


class _InProcessHttp:
    """``pipeline.Api.http`` over ASGI calls on this thread's event loop."""

    def __init__(self, app: Any, loop: asyncio.AbstractEventLoop, key: str) -> None:
        self.driver, self.loop, self.headers = AsgiDriver(app), loop, {"x-api-key": key}

    def request(self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None) -> _Answer:
        query = "&".join(f"{k}={v}" for k, v in (params or {}).items())
        status, body = self.loop.run_until_complete(self.driver.call_raw(method, path, self.headers, json, query))
        return _Answer(status, body)

    def post(self, path: str, json: Any = None) -> _Answer:
        return self.request("POST", path, json=json)


class _StepProfiles:
    """One profiler pair (this thread, worker thread) per step; ``pipeline.Api.step`` switches them."""

    def __init__(self, worker: Any, loop: asyncio.AbstractEventLoop, *, enabled: bool = True,
                 timer: Any = None) -> None:
        self.worker, self.loop, self.enabled = worker, loop, enabled
        self.timer = timer  # time.thread_time: each thread's own CPU, not the wall clock (which counts GIL waits)
        self.main: dict[str, cProfile.Profile] = {}
        self.work: dict[str, cProfile.Profile] = {}

    def _on_worker(self, fn: Any) -> None:
        async def run() -> None:
            await self.worker.call(fn, timeout=None, description="profiler")
        self.loop.run_until_complete(run())

    def start(self, name: str) -> None:
        if not self.enabled:
            return
        make = (lambda: cProfile.Profile(self.timer)) if self.timer else cProfile.Profile
        main, work = self.main.setdefault(name, make()), self.work.setdefault(name, make())
        self._on_worker(work.enable)
        main.enable()

    def stop(self, name: str) -> None:
        if not self.enabled:
            return
        self.main[name].disable()
        self._on_worker(self.work[name].disable)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--blocks", type=int, default=200)
    parser.add_argument("--top", type=int, default=25, help="functions shown per profiled step")
    parser.add_argument("--step", action="append", default=[], help="steps whose profile is printed (default: all)")
    parser.add_argument("--no-profile", action="store_true", help="time the steps only (no profiler overhead)")
    parser.add_argument("--cpu", action="store_true", help="profile each thread's CPU time instead of the wall clock")
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    args = parser.parse_args(argv)
    logging.disable(logging.INFO)
    os.environ["ENGINEERING_API_RATE_LIMIT_PER_MINUTE"] = str(10**9)
    data_dir = Path(tempfile.mkdtemp(prefix="bench-profile-pipeline-"))
    start_profile = cProfile.Profile()
    cpu0, started = time.process_time(), time.perf_counter()
    if not args.no_profile:
        start_profile.enable()
    from engineering_api.asgi import hold_collections  # the garbage collector as serve's start

    start_ended = hold_collections()
    from engineering_api.app import create_app
    from engineering_api.config import Settings
    imported = time.perf_counter()
    app = create_app(Settings.from_env(data_dir=data_dir))
    created = time.perf_counter()
    start_profile.disable()
    import pipeline

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    span = AsgiDriver(app).running()
    loop.run_until_complete(span.__aenter__())
    start_ended()
    ready = time.perf_counter()
    start_cpu = time.process_time() - cpu0
    try:
        key = (data_dir / "api.secret").read_text(encoding="utf-8").strip()
        api = pipeline.Api("http://127.0.0.1", key, http=_InProcessHttp(app, loop, key))
        api.steps["start"] = ready - started
        profiles = _StepProfiles(app.state.services.worker, loop, enabled=not args.no_profile,
                                 timer=time.thread_time if args.cpu else None)
        original = pipeline._Step.__enter__, pipeline._Step.__exit__

        def enter(step: Any) -> None:
            profiles.start(step.name)
            step.own_cpu = time.process_time()
            original[0](step)

        def leave(step: Any, *exc: object) -> None:
            original[1](step, *exc)
            cpu.setdefault(step.name, 0.0)
            cpu[step.name] += time.process_time() - step.own_cpu
            profiles.stop(step.name)

        cpu: dict[str, float] = {}
        # measuring: each step's enter and exit also switch the profilers (pipeline.run knows nothing of them)
        setattr(pipeline._Step, "__enter__", enter)
        setattr(pipeline._Step, "__exit__", leave)
        with open(os.devnull, "w") as quiet:
            stdout, sys.stdout = sys.stdout, quiet
            try:
                pipeline.run(api, args.blocks)
            finally:
                sys.stdout = stdout
    finally:
        loop.run_until_complete(span.__aexit__(None, None, None))
        loop.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"start: import {imported - started:.3f} s, create_app {created - imported:.3f} s, "
          f"lifespan {ready - created:.3f} s; CPU {start_cpu:.3f} s")
    print(f"{'step':10s} {'wall s':>8s} {'CPU s':>8s}")
    cpu["start"] = start_cpu
    for name, seconds in api.steps.items():
        print(f"{name:10s} {seconds:8.3f} {cpu.get(name, 0.0):8.3f}")
    shown = [] if args.no_profile else args.step or ["start", *api.steps]
    for name in shown:
        for side, table in (("request side", profiles.main), ("worker thread", profiles.work)):
            if name == "start":
                if side != "request side":
                    continue
                profile = start_profile
            elif name in table:
                profile = table[name]
            else:
                continue
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out)
            stats.sort_stats(args.sort).print_stats(args.top)
            text = out.getvalue().strip().splitlines()
            print(f"\n===== {name}: {side} =====")
            print("\n".join(line for line in text if line.strip())[:12000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
