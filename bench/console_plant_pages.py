"""The console's pages of a plant project over real HTTP, each against a health check's round trip in the same run
(issue 93: every console page of a 10,000-block project within 20 times ``GET /api/health``, median of 9).

    .venv/bin/python bench/console_plant_pages.py [--blocks 10000] [--rounds 9] [--pages "tag table,diff"]

The plant of ``tools/plant_project.py`` is filled in process (``tools/plant_app.py``: its tag tables fill to 2,000
tags by 5,000 objects), one block is changed and committed (the diff's two commits), then the same app is served by
uvicorn on a loopback port (keep-alive, no gzip: the server's work, not the compression's) and a blocking httpx
client in another thread asks for ``/api/health`` and a page by turns, ``--rounds`` times each, after two warm
requests. The figure is each median wall time and its ratio to the health check's; the page's size in bytes.
Writes bench/results/console_plant_pages.json.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from benchlib import free_port, write_results  # noqa: E402

from tools.plant_app import DEVICE, plant_app  # noqa: E402

PAGES = {
    "tag table": f"/console/devices/{DEVICE}/tag-tables/Plant_IO_0",
    "project": "/console/project",
    "SCL block": f"/console/devices/{DEVICE}/blocks/FB_M1",
    "LAD block": f"/console/devices/{DEVICE}/blocks/Interlock_M1",
    "cross-references": f"/console/devices/{DEVICE}/cross-references?name=FC_M1",
    "tag": f"/console/devices/{DEVICE}/tags/M1_Start",
    "diff": "/console/history/diff?from=HEAD~1&to=HEAD",
}


def _measure(port: int, cookie: str, pages: list[str], rounds: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"cookie": cookie, "accept-encoding": "identity"},
                      timeout=60) as client:
        for name in pages:
            health, page, size = [], [], 0
            for _ in range(2):
                client.get("/api/health").raise_for_status()
                client.get(PAGES[name]).raise_for_status()
            for _ in range(rounds):
                started = time.perf_counter()
                client.get("/api/health").raise_for_status()
                health.append(time.perf_counter() - started)
                started = time.perf_counter()
                answer = client.get(PAGES[name])
                page.append(time.perf_counter() - started)
                answer.raise_for_status()
                size = len(answer.content)
            figures[name] = {"health_ms": 1000 * statistics.median(health), "page_ms": 1000 * statistics.median(page),
                             "ratio": statistics.median(page) / statistics.median(health), "bytes": size}
    return figures


async def _run(blocks: int, pages: list[str], rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        async with plant_app(Path(tmp), blocks=blocks) as plant:
            await plant.run("commit one change")
            await plant.page("/console/project")  # signs in
            port = free_port()
            server = uvicorn.Server(uvicorn.Config(plant.driver.app, host="127.0.0.1", port=port, lifespan="off",
                                                   log_level="warning", access_log=False))
            serving = asyncio.create_task(server.serve())
            while not server.started:
                await asyncio.sleep(0.01)
            try:
                figures = await asyncio.to_thread(_measure, port, plant.console_cookie, pages, rounds)
            finally:
                server.should_exit = True
                await serving
            return {"blocks": plant.blocks, "load": os.getloadavg()[0], "at": time.strftime("%Y-%m-%d %H:%M"),
                    "pages": figures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--blocks", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated, of: " + ", ".join(PAGES))
    args = parser.parse_args(argv)
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = [p for p in pages if p not in PAGES]
    if unknown:
        parser.error(f"unknown pages {unknown}")
    result = asyncio.run(_run(args.blocks, pages, args.rounds))
    print(f"{result['blocks']:,} objects, load {result['load']:.2f}, {result['at']}")
    for name, f in result["pages"].items():
        print(f"{name:18} {f['page_ms']:8.1f} ms  health {f['health_ms']:5.2f} ms  {f['ratio']:6.1f}x  "
              f"{f['bytes']:>9,} bytes")
    write_results("console_plant_pages.json", result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
