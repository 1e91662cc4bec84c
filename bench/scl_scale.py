"""Does the SCL front end stay linear? Time per statement of a big FC body against a small one, same run.

    python bench/scl_scale.py [--small 3000] [--large 300000] [--rounds 2] [--gc both|on|off]

Issue 12 (failure 6): a block of 300,000 statements kept the TIA worker busy for minutes. The body is
``#x := #x + 1;`` repeated; each stage is timed on the small and the large body, and the figure judged is
the **ratio of the time per statement** (large / small): about 1 for linear work, growing with the size
for anything quadratic. Absolute times move with the load of the machine; the ratio moves much less.

Stages:

* ``parse``: ``simatic_xml.scl.parse`` of the FUNCTION source (lexer + parser);
* ``check``: ``engineering_api.rules.compiler.check_source``, the compiler's offline check (parse + semantic rules);
* ``tokens``: ``simatic_xml.scl_text.text_to_tokens``, the generator's SCL -> StructuredText step;
* ``generate``: ``simatic_xml.generate.generate_xml`` of a block spec (spec checks, tokens, SimaticML).

``tokens`` and ``generate`` build the block's XML tree (about 17 nodes per statement), so they run at most
at the largest block the service accepts, ``simatic_xml.scl.limits.MAX_STATEMENTS`` (TIA's 512 KB code
block limit); the service answers 422 ``BLOCK_TOO_LARGE`` above it before any of this work. The small
size is timed best of ``--rounds``, the large one once per round as well.

Each stage is timed twice: as served (``gc on``), and with CPython's cyclic garbage collector paused
(``gc off``). The collector's full collections walk every live object, and a big body is millions of them,
so the time per statement grows somewhat with the size even for linear code (about 1.4x from 3k to 300k
here); with the collector paused the ratio shows the algorithm alone (about 1.05). A quadratic step would
give a ratio near 100 at these sizes. Exit status 0 unless a stage fails; a ratio above ``--max-ratio``
(default 2) is printed as NOT linear. Results go to ``bench/results/scl_scale.json``.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engineering_api.rules.compiler.check import check_source  # noqa: E402
from simatic_xml.generate import generate_xml  # noqa: E402
from simatic_xml.generate.builder import scl_context  # noqa: E402
from simatic_xml.generate.spec import parse_spec  # noqa: E402
from simatic_xml.scl import parse  # noqa: E402
from simatic_xml.scl.limits import MAX_STATEMENTS  # noqa: E402
from simatic_xml.scl_text import text_to_tokens  # noqa: E402

RESULTS = ROOT / "bench" / "results"
STATEMENT = "#x := #x + 1;"


def _body(statements: int) -> str:
    return "\n".join([STATEMENT] * statements)


def _source(statements: int) -> str:
    return (f'FUNCTION "FC_X" : Int\nVAR_TEMP\n  x : Int;\nEND_VAR\nBEGIN\n{_body(statements)}\n#FC_X := '
            '#x;\nEND_FUNCTION\n')


def _spec(statements: int) -> dict[str, Any]:
    return {
        "blockType": "FC", "name": "FC_X", "language": "SCL", "returnType": "Int",
        "interface": {"Temp": [{"name": "x", "dataType": "Int"}]}, "networks": [{"scl": _body(statements)}],
    }


def _tokens(statements: int) -> Callable[[], object]:
    spec = parse_spec(_spec(3))
    context = scl_context(spec, spec.networks[0])
    body = _body(statements)
    return lambda: text_to_tokens(body, version="v4", context=context)


STAGES: dict[str, tuple[Callable[[int], Callable[[], object]], int | None]] = {
    # stage -> (work for n statements, largest n it runs at)
    "parse": (lambda n: functools.partial(parse, _source(n)), None),
    "check": (lambda n: functools.partial(check_source, _source(n)), None),
    "tokens": (_tokens, MAX_STATEMENTS),
    "generate": (lambda n: functools.partial(generate_xml, _spec(n), "V19"), MAX_STATEMENTS),
}


def _seconds(work: Callable[[], object], *, collector: bool) -> float:
    gc.collect()  # each run starts from the same heap, not with the previous run's garbage
    if not collector:
        gc.disable()
    try:
        start = time.perf_counter()
        work()
        return time.perf_counter() - start
    finally:
        gc.enable()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=3_000, help="statements of the baseline body")
    parser.add_argument("--large", type=int, default=300_000, help="statements of the big body")
    parser.add_argument("--rounds", type=int, default=2, help="rounds; the best time of each size counts")
    parser.add_argument("--gc", choices=("both", "on", "off"), default="both",
                        help="time with CPython's cyclic collector running (on), paused (off) or both")
    parser.add_argument("--max-ratio", type=float, default=2.0, help="time-per-statement ratio still called linear")
    parser.add_argument("--stages", default=",".join(STAGES), help=f"comma-separated subset of {', '.join(STAGES)}")
    args = parser.parse_args()
    rows = []
    modes = {"both": (True, False), "on": (True,), "off": (False,)}[args.gc]
    for stage in args.stages.split(","):
        make, cap = STAGES[stage]
        large = min(args.large, cap) if cap else args.large
        small_work, large_work = make(args.small), make(large)
        for collector in modes:
            small_s = large_s = float("inf")
            for _ in range(args.rounds):  # interleaved, so a burst of foreign load hits both sizes alike
                small_s = min(small_s, _seconds(small_work, collector=collector))
                large_s = min(large_s, _seconds(large_work, collector=collector))
            small_us, large_us = 1e6 * small_s / args.small, 1e6 * large_s / large
            ratio = large_us / small_us
            rows.append({"stage": stage, "gc": collector, "small": args.small, "large": large,
                         "small_us_per_statement": round(small_us, 2), "large_us_per_statement": round(large_us, 2),
                         "large_seconds": round(large_s, 3), "ratio": round(ratio, 3),
                         "linear": ratio <= args.max_ratio})
            print(f"{stage:>9} gc {'on ' if collector else 'off'}: {small_us:8.2f} us/statement at {args.small:>7,}  "
                  f"{large_us:8.2f} at {large:>7,} ({large_s:6.2f} s)  ratio {ratio:5.2f}  "
                  f"{'linear' if ratio <= args.max_ratio else 'NOT linear'}", flush=True)
    result = {"benchmark": "scl_scale", "rounds": args.rounds, "max_ratio": args.max_ratio, "stages": rows,
              "python": platform.python_version(), "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scl_scale.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
