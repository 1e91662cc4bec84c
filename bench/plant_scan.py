"""The simulated S7-1500 running a generated plant: the program image's build (the download) and one OB1 scan, CPU
time at growing sizes, and the exponent per doubling.

    python bench/plant_scan.py [--sizes 1000,2000,5000,10000] [--scans 20]

The program is :func:`tools.plant_project.plant_sources` (seed 1) with an OB1 that calls every module's FB through
its instance DB, as a line's main cycle calls each machine: each FB also calls its multi-instance (an earlier
module's FB, whose own child it calls in turn) and an earlier module's function, so one scan runs every block of
the program at least once. Sources become SimaticML blocks (``tools.plc_software.software_from_scl``), compiled and
built into a program image (``fakes.runtime.image.build_image``: the download) at a served app's collector
threshold; the figures are ``time.process_time`` of making the program (the tool's whole-text conversion, printed
apart: a served PLC gets its blocks by imports, measured per object by bench/plant_scale.py), of the build, and the
median of ``--scans`` OB1 calls with advancing virtual time.
A scan runs each FB once per instance in its call tree, and the instances nest: with random earlier children the
tree grows as n log n (printed as block calls a scan), so the scan's exponent exceeds 1 by that much.
"""

from __future__ import annotations

import argparse
import gc
import math
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchlib import write_results  # noqa: E402 - this script's folder, first on sys.path

from engineering_api.lib.collector import YOUNG_COLLECTION_EVERY  # noqa: E402 - needs the sys.path insert above
from fakes.runtime.image import build_image  # noqa: E402
from tools.plant_project import PlantSource, plant_sources  # noqa: E402
from tools.plc_software import Rt, software_from_scl  # noqa: E402


def plant_program(sources: list[PlantSource]) -> str:
    """The plant's SCL with an OB1 calling every module's FB instance."""
    calls = [f'"FB_M{m}_DB"(start := TRUE, setpoint := {m % 7}.5);' for m in range(len(sources))]
    ob1 = 'ORGANIZATION_BLOCK "Main"\nBEGIN\n' + "\n".join(calls) + "\nEND_ORGANIZATION_BLOCK\n"
    return "\n".join(s.text for s in sources) + "\n" + ob1


def block_calls_per_scan(sources: list[PlantSource]) -> int:
    """Block calls one scan makes: OB1 calls each module's FB, which calls its child FB (whose own child is called
    in turn) and each of those FBs calls at most one FC, as the plant's text says."""
    children: dict[int, int] = {}
    helpers: set[int] = set()
    for m, source in enumerate(sources):
        child = re.search(r'child : "FB_M(\d+)"', source.text)
        if child:
            children[m] = int(child.group(1))
        if re.search(r':= "FC_M\d+"\(', source.text):
            helpers.add(m)
    calls = 0
    for m in range(len(sources)):
        fb: int | None = m
        while fb is not None:
            calls += 1 + (fb in helpers)
            fb = children.get(fb)
    return calls


def measure(blocks: int, scans: int) -> dict[str, float]:
    sources = plant_sources(blocks, seed=1)
    text = plant_program(sources)
    started = time.process_time()
    software = software_from_scl(text, [])
    made = time.process_time() - started
    gc.collect()  # the program made by the tool is the project's; the download starts from a collected heap
    started = time.process_time()
    image = build_image(software, "PLC_1")
    build = time.process_time() - started
    ob1 = next(ob for ob in image.obs if ob.kind == "ProgramCycle")
    mem = image.new_memory()
    rt = Rt(mem)
    times = []
    for _ in range(scans + 1):
        before = time.process_time()
        rt.now_ns += 1_000_000
        image.run_ob(ob1, mem, rt)
        rt.first_scan = False
        times.append(time.process_time() - before)
    scan = statistics.median(times[1:])
    calls = block_calls_per_scan(sources)
    return {"blocks": blocks, "modules": len(sources), "made_s": made, "build_s": build, "scan_s": scan,
            "block_calls": calls, "scan_per_call_us": 1e6 * scan / calls}


def main() -> int:
    # As in a served app, whose download builds the image: the young generation collected every
    # YOUNG_COLLECTION_EVERY allocations, not Python's 700 (which made the build's exponent 1.16 against 1.07).
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,2000,5000,10000")
    parser.add_argument("--scans", type=int, default=20)
    args = parser.parse_args()
    rows: list[dict[str, float]] = []
    for blocks in (int(s) for s in args.sizes.split(",")):
        row = measure(blocks, args.scans)
        if rows:
            previous = rows[-1]
            for key in ("made_s", "build_s", "scan_s"):
                row[f"{key[:-2]}_exponent"] = round(math.log(row[key] / previous[key])
                                                    / math.log(blocks / previous["blocks"]), 2)
        rows.append(row)
        print(f"{blocks:6d} blocks ({row['modules']} modules): program made {row['made_s']:.2f} s "
              f"(exponent {row.get('made_exponent', '-')}), build {row['build_s']:.2f} s "
              f"(exponent {row.get('build_exponent', '-')}), scan {1000 * row['scan_s']:.2f} ms "
              f"(exponent {row.get('scan_exponent', '-')}), {row['block_calls']} block calls a scan, "
              f"{row['scan_per_call_us']:.2f} µs each", flush=True)
    write_results("plant_scan.json", {"benchmark": "plant_scan", "rows": rows,
                                      "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    return 0


if __name__ == "__main__":
    sys.exit(main())
