"""The main operations at plant size: CPU time per operation at growing program sizes, and its growth.

Each size runs in a process of its own (a fresh app, fake backend, data in a temporary folder): the plant project of
``tools/plant_project.py`` at that many program objects is imported (25 modules per request), saved and committed,
then each operation of ``tools/plant_app.py`` runs once to warm up, the heap is collected (so no full
collection that earlier operations made due falls on it) and it runs ``--repeat`` times measured. The figure is the
median CPU time of the process (every thread: the request side and the TIA worker), never the wall clock, and the
process's peak memory. Between two sizes the exponent is ``log(t2/t1) / log(n2/n1)``: 1.0 is linear in the program,
0 is an operation that costs the same at any size, 2 is quadratic.

    .venv/bin/python bench/plant_scale.py [--sizes 1000,2000,5000,10000] [--repeat 3] [--ops "block list,open"]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.plant_app import OPERATIONS, plant_app  # the repository root, put on sys.path above


async def _measure(blocks: int, repeat: int, operations: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.process_time()
        async with plant_app(Path(tmp), blocks=blocks) as plant:
            fill = time.process_time() - started
            figures: dict[str, float] = {}
            for operation in operations:
                await plant.run(operation)  # warm: first-use imports and caches
                # A full collection the operations before made due (a plant's open or fill leaves ~400,000 objects
                # to the old generation) would fall on whichever operation allocates next, ~0.3 s at 10,000 blocks:
                # collected here, so each operation pays for its own collections only.
                gc.collect()
                times = []
                for _ in range(repeat):
                    before = time.process_time()
                    await plant.run(operation)
                    times.append(time.process_time() - before)
                figures[operation] = statistics.median(times)
            return {"blocks": plant.blocks, "fill_s": fill, "fill_per_block_ms": 1000 * fill / plant.blocks,
                    "import_per_block_ms": 1000 * plant.import_cpu_s / plant.blocks,
                    "cpu_s": figures, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _one(blocks: int, repeat: int, operations: list[str]) -> dict[str, Any]:
    """One size in a fresh process (its own peak memory)."""
    command = [sys.executable, __file__, "--one", str(blocks), "--repeat", str(repeat), "--ops", ",".join(operations)]
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if done.returncode != 0:
        raise SystemExit(f"size {blocks} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _exponent(n1: int, t1: float, n2: int, t2: float) -> float:
    if t1 <= 0 or t2 <= 0:
        return float("nan")
    return math.log(t2 / t1) / math.log(n2 / n1)


def _report(results: list[dict[str, Any]], operations: list[str]) -> str:
    sizes = [r["blocks"] for r in results]
    header = "| operation | " + " | ".join(f"{n:,} blocks" for n in sizes) + " | exponent (each step) |"
    lines = [header, "|" + "---|" * (len(sizes) + 2)]
    rows = [("import, per block (bulk: 25 modules a request)", [r["import_per_block_ms"] / 1000 for r in results]),
            ("fill, per block (the app's start, the bulk import, save and first commit)",
             [r["fill_per_block_ms"] / 1000 for r in results])]
    rows += [(op, [r["cpu_s"][op] for r in results]) for op in operations]
    for name, values in rows:
        cells = " | ".join(f"{1000 * v:.1f} ms" for v in values)
        steps = ", ".join(f"{_exponent(sizes[i], values[i], sizes[i + 1], values[i + 1]):.2f}"
                          for i in range(len(sizes) - 1))
        lines.append(f"| {name} | {cells} | {steps} |")
    lines.append("| peak memory | " + " | ".join(f"{r['peak_mib']:.0f} MiB" for r in results) + " | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,2000,5000,10000", help="program objects, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ops", default=",".join(OPERATIONS), help="operations of tools/plant_app.py")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    operations = [op.strip() for op in args.ops.split(",") if op.strip()]
    unknown = [op for op in operations if op not in OPERATIONS]
    if unknown:
        parser.error(f"unknown operations {unknown}; known: {list(OPERATIONS)}")
    if args.one is not None:
        print(json.dumps(asyncio.run(_measure(args.one, args.repeat, operations))))
        return 0
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        results.append(_one(size, args.repeat, operations))
        print(f"{size}: fill {results[-1]['fill_s']:.1f} s", file=sys.stderr, flush=True)
    print(f"load {os.getloadavg()[0]:.2f}, {time.strftime('%Y-%m-%d %H:%M')}")
    print(_report(results, operations))
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "plant_scale.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
