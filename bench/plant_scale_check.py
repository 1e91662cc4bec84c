"""The offline checkers on a generated plant at growing sizes: CPU seconds, the exponent per doubling, peak memory.

    python bench/plant_scale_check.py [--sizes 1000,2000,5000,10000] [--work /tmp/plant_scale_check]

The program is :func:`tools.plant_project.plant_sources` (seed 1) at each size: ``plc check`` of its SCL sources and
of the SimaticML documents ``engineering-api scl build`` makes of them (built once into ``--work``, deterministic),
``scl check`` of the sources, and ``scl build`` of them into a fresh folder.
Each check runs in a child process (``engineering-api plc check DIR --format json``) whose CPU time (user + system,
``resource.getrusage(RUSAGE_CHILDREN)``, never wall time) and peak memory (its ``ru_maxrss``) are read; the start-up
of an empty check is subtracted from the CPU time. The exponent per doubling is log2 of the CPU ratio of two sizes
over log2 of their size ratio (1.0: linear). Targets (issue 87): exponent <= 1.15; 10,000 blocks <= 15 s of CPU.
"""

from __future__ import annotations

import argparse
import math
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchlib import write_results  # this script's folder, first on sys.path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.plant_project import plant_sources  # noqa: E402

CLI = [sys.executable, "-m", "engineering_api.cli"]


def _child(argv: list[str]) -> tuple[float, int]:
    """CPU seconds and peak resident KiB of one child process running ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, after.ru_maxrss  # the largest of the children so far: sizes run in increasing order


def _program(blocks: int, work: Path) -> tuple[Path, Path]:
    """The plant's sources and its built exports (built once)."""
    sources, exports = work / f"{blocks}" / "scl", work / f"{blocks}" / "xml"
    if not exports.is_dir():
        sources.mkdir(parents=True, exist_ok=True)
        for source in plant_sources(blocks, seed=1):
            (sources / source.name).write_text(source.text, encoding="utf-8")
        subprocess.run([*CLI, "scl", "build", str(sources), "--out", str(exports)], check=True,
                       stdout=subprocess.DEVNULL, cwd=ROOT)
    return sources, exports


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,2000,5000,10000")
    parser.add_argument("--work", type=Path, default=Path("/tmp/plant_scale_check"))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    empty = args.work / "empty"
    empty.mkdir(parents=True, exist_ok=True)
    start_up, _ = _child([*CLI, "plc", "check", str(empty), "--format", "json"])
    rows: dict[str, list[dict[str, float]]] = {"sources": [], "exports": [], "scl check": [], "scl build": []}
    for blocks in sizes:
        sources, exports = _program(blocks, args.work)
        built = args.work / f"{blocks}" / "built"
        shutil.rmtree(built, ignore_errors=True)
        commands = {"sources": ["plc", "check", str(sources), "--format", "json"],
                    "exports": ["plc", "check", str(exports), "--format", "json"],
                    "scl check": ["scl", "check", str(sources), "--format", "json"],
                    "scl build": ["scl", "build", str(sources), "--out", str(built), "--format", "json"]}
        for form, command in commands.items():
            cpu, peak = _child([*CLI, *command])
            row = {"blocks": blocks, "cpu_s": round(cpu - start_up, 2), "peak_rss_mib": round(peak / 1024)}
            previous = rows[form][-1] if rows[form] else None
            if previous is not None:
                row["exponent"] = round(math.log2(row["cpu_s"] / previous["cpu_s"])
                                        / math.log2(blocks / previous["blocks"]), 2)
            rows[form].append(row)
            print(f"{form:9} {blocks:6d} blocks: {row['cpu_s']:7.2f} s CPU, exponent {row.get('exponent', '-')}, "
                  f"peak {row['peak_rss_mib']} MiB (children so far)", flush=True)
    write_results("plant_scale_check.json", {"benchmark": "plant_scale_check", "start_up_cpu_s": round(start_up, 2),
                                             **rows, "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    return 0


if __name__ == "__main__":
    sys.exit(main())
