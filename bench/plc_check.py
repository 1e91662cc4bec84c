"""``plc check`` speed on the whole shared corpus, in lines per second, against a plain parse in the same run.

    python bench/plc_check.py [--rounds 5] [--corpus ../shared/corpus]

One round is the command itself, ``engineering-api plc check <corpus>/scl <corpus>/simaticml --format json``
run in-process (``engineering_api.cli.main``, report written to /dev/null): walking the folders, reading every
file, parsing SCL sources and SimaticML exports, building the program views (one per PLC folder), compiling
every object in dependency order and writing the JSON report. The baseline is the plain parse of the same files
(``simatic_xml.scl.parse`` for SCL, ``simatic_xml.parse_bytes`` for XML, files read from disk the same way), so
the ratio check/parse says what the compile costs on top of reading. Best of N rounds each (a shared 2-core
machine); CPU seconds of the process are printed too. Target (issue 13): >= 50,000 lines/s.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

from benchlib import write_results  # this script's folder, first on sys.path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engineering_api.ci.paths import SCL_SUFFIXES, XML_SUFFIXES, collect  # noqa: E402
from engineering_api.cli import main as cli_main  # noqa: E402
from simatic_xml import parse_bytes  # noqa: E402
from simatic_xml.errors import SimaticMLError  # noqa: E402
from simatic_xml.scl import SclSyntaxError, parse  # noqa: E402

TARGET = 50_000


def _parse_only(files: list[str]) -> None:
    for path in files:
        data = open(path, "rb").read()
        try:
            if os.path.splitext(path)[1].lower() in SCL_SUFFIXES:
                parse(data.decode("utf-8-sig", errors="replace"), path)
            else:
                parse_bytes(data)
        except (SclSyntaxError, SimaticMLError):
            pass


def _plc_check(folders: list[str]) -> int:
    return cli_main(["plc", "check", *folders, "--format", "json", "--output", os.devnull])


def _best(fn, arg, rounds: int) -> tuple[float, float]:
    wall = cpu = float("inf")
    for _ in range(rounds):
        w0, c0 = time.perf_counter(), time.process_time()
        fn(arg)
        wall = min(wall, time.perf_counter() - w0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    folders = [str(args.corpus / "scl"), str(args.corpus / "simaticml")]
    if not all(Path(f).is_dir() for f in folders):
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 1
    files = collect(folders, SCL_SUFFIXES | XML_SUFFIXES)
    lines = sum(Path(f).read_bytes().count(b"\n") + 1 for f in files)
    exit_code = _plc_check(folders)  # warm-up: imports, the hardware/system catalogs, OS file cache
    parse_wall, parse_cpu = _best(_parse_only, files, args.rounds)
    check_wall, check_cpu = _best(_plc_check, folders, args.rounds)
    rate = lines / check_wall
    result = {
        "benchmark": "plc_check", "files": len(files), "lines": lines, "rounds": args.rounds,
        "parse_lines_per_s": round(lines / parse_wall), "plc_check_lines_per_s": round(rate),
        "plc_check_lines_per_cpu_s": round(lines / check_cpu), "ratio_to_parse": round(parse_wall / check_wall, 3),
        "exit_code": exit_code, "target": TARGET, "met": rate >= TARGET,
        "python": platform.python_version(), "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    write_results("plc_check.json", result)
    print(f"{len(files)} files, {lines} lines, best of {args.rounds}")
    print(f"  plain parse (baseline): {result['parse_lines_per_s']:>8} lines/s")
    print(f"  plc check             : {result['plc_check_lines_per_s']:>8} lines/s "
          f"({result['plc_check_lines_per_cpu_s']} per CPU s; {result['ratio_to_parse']} of the parse) "
          f"(target >= {TARGET}: {'met' if result['met'] else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
