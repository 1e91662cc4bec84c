"""Where does an MCP tool call's server time go? An in-process breakdown, no server, no sockets, no client.

The app is called straight through ASGI on one event loop (``tools/work_count.py``'s driver), one request at
a time, after a project ``B`` with a CPU ``PLC_1`` and ``--blocks`` FCs was created through REST:

* ``rest``       — ``GET /api/devices/PLC_1/blocks`` (the route the tool maps to)
* ``mcp``        — ``tools/call blocks_list`` in a streamable-HTTP session (protocol 2025-11-25), answered with
  one JSON body, as a quick call without a progress token is
* ``mcp_modern`` — the same call session-less (protocol 2026-07-28), the SDK ``Client``'s default
* ``mcp_sse``    — the session call answered with an event stream (the SDK's default framing; patched here only)

For each: process CPU per call (the minimum of ``--rounds`` runs of ``--calls`` calls: this process is alone on
its thread, but a busy machine still inflates CPU time, so compare variants of one run), the time spent in the
garbage collector, and the Python calls of one request (deterministic: the figure ``tests/perf`` budgets).
``--cprofile LABEL`` prints the most expensive functions of that variant. Unlike ``bench/mcp_overhead.py`` this
leaves out the HTTP server and the client, which on a 2-core machine share the CPU with the server.

    .venv/bin/python bench/profile_mcp.py [--calls 400] [--rounds 3] [--cprofile mcp] [--top 40]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import logging
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mcp_overhead import _fc  # bench/ is first on sys.path: this script's folder
from tools.work_count import AsgiDriver, WorkCount, counting, counting_on

__all__ = ()

DEVICE = "PLC_1"
ACCEPT = {"accept": "application/json, text/event-stream"}
MODERN_META = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
               "io.modelcontextprotocol/clientInfo": {"name": "profile", "version": "1"},
               "io.modelcontextprotocol/clientCapabilities": {}}
CALL: dict[str, Any] = {"name": "blocks_list", "arguments": {"deviceName": DEVICE}}


async def _expect(answer: Awaitable[tuple[int, Any]], what: str) -> Any:
    status, body = await answer
    if status not in (200, 202):
        raise RuntimeError(f"{what} -> {status}: {str(body)[:300]}")
    return body


async def _session(driver: AsgiDriver, key: dict[str, str]) -> str:
    """Open a streamable-HTTP session (initialize, initialized) and return its id."""
    found: list[str] = []
    app = driver.app

    async def watching(scope: Any, receive: Any, send: Any) -> None:
        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                found.extend(v.decode() for k, v in message.get("headers", ()) if k.lower() == b"mcp-session-id")
            await send(message)
        await app(scope, receive, sending)

    driver.app = watching
    try:
        await _expect(driver.call("POST", "/mcp", {**key, **ACCEPT}, {
            "jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                "protocolVersion": "2025-11-25", "capabilities": {},
                "clientInfo": {"name": "profile", "version": "1"}}}),
            "initialize")
    finally:
        driver.app = app
    headers = {**key, **ACCEPT, "mcp-session-id": found[0], "mcp-protocol-version": "2025-11-25"}
    await _expect(driver.call("POST", "/mcp", headers, {"jsonrpc": "2.0", "method": "notifications/initialized"}),
                  "initialized")
    return found[0]


def _variants(driver: AsgiDriver, key: dict[str, str], session: str) -> dict[str, Callable[[], Awaitable[Any]]]:
    from engineering_api.mcp import framing

    in_session = {**key, **ACCEPT, "mcp-session-id": session, "mcp-protocol-version": "2025-11-25"}
    modern = {**key, **ACCEPT, "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call",
              "mcp-name": CALL["name"]}
    streams = framing.wants_json

    async def rest() -> Any:
        return await _expect(driver.call("GET", f"/api/devices/{DEVICE}/blocks", key), "REST")

    async def mcp() -> Any:
        return await _expect(driver.call("POST", "/mcp", in_session, {
            "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": CALL}), "tools/call")

    async def mcp_modern() -> Any:
        return await _expect(driver.call("POST", "/mcp", modern, {
            "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {**CALL, "_meta": MODERN_META}}),
            "tools/call (2026-07-28)")

    async def mcp_sse() -> Any:
        setattr(framing, "wants_json", lambda message, streams_: False)  # this variant only: an event stream each
        try:
            return await mcp()
        finally:
            setattr(framing, "wants_json", streams)  # restored

    return {"rest": rest, "mcp": mcp, "mcp_modern": mcp_modern, "mcp_sse": mcp_sse}


async def _measure(args: argparse.Namespace, data_dir: Path) -> None:
    from engineering_api.app import create_app
    from engineering_api.config import Settings

    app = create_app(Settings.from_env(data_dir=data_dir))
    services = app.state.services
    driver = AsgiDriver(app)
    async with driver.running():
        key = {"x-api-key": (data_dir / "api.secret").read_text(encoding="utf-8").strip()}
        await _expect(driver.call("POST", "/api/projects/actions/create-sync", key, {"name": "B"}), "create")
        await _expect(driver.call("POST", "/api/projects/devices/actions/add-sync", key,
                                  {"orderNumber": "6ES7 516-3AN02-0AB0", "name": DEVICE}), "add CPU")
        for number in range(1, args.blocks + 1):
            await _expect(driver.call("POST", f"/api/devices/{DEVICE}/blocks", key, _fc(number)), "create FC")
        variants = _variants(driver, key, await _session(driver, key))
        print(f"in-process ASGI, {args.calls} calls x {args.rounds} rounds (minimum kept), one at a time; "
              f"blocks_list over {args.blocks} blocks\n")
        print(f"{'variant':11s} {'CPU us/call':>11s} {'vs rest':>8s} {'GC us/call':>10s} {'Python calls':>12s}")
        rest_us = None
        for name, call in variants.items():
            for _ in range(50):  # caches, lazy compiles, the first writes
                await call()
            collected = [0.0]
            started = [0.0]

            def timing(phase: str, info: dict[str, Any]) -> None:
                if phase == "start":
                    started[0] = time.process_time()
                else:
                    collected[0] += time.process_time() - started[0]

            gc.callbacks.append(timing)
            runs = []
            for _ in range(args.rounds):
                begin = time.process_time()
                for _ in range(args.calls):
                    await call()
                runs.append((time.process_time() - begin) / args.calls * 1e6)
            gc.callbacks.remove(timing)
            count = WorkCount()
            async with counting_on(count, lambda fn: services.worker.call(fn, timeout=10)):
                with counting(count):
                    await call()
            count.merge()
            us = min(runs)
            rest_us = rest_us or us
            print(f"{name:11s} {us:11.0f} {rest_us / us:8.3f} {collected[0] / (args.rounds * args.calls) * 1e6:10.0f}"
                  f" {count.total:12d}")
            if args.cprofile == name:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(args.calls):
                    await call()
                profiler.disable()
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
                print(out.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--blocks", type=int, default=20, help="FCs in the listed program")
    parser.add_argument("--cprofile", choices=("rest", "mcp", "mcp_modern", "mcp_sse"), help="profile this variant")
    parser.add_argument("--sort", default="tottime", help="pstats order (tottime, cumtime)")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)
    logging.disable(logging.INFO)
    os.environ["ENGINEERING_API_RATE_LIMIT_PER_MINUTE"] = str(10**9)
    data_dir = Path(tempfile.mkdtemp(prefix="bench-profile-mcp-"))
    try:
        asyncio.run(_measure(args, data_dir))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
