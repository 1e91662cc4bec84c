"""SimaticML parse+write throughput on the corpus against plain lxml parse+serialise, in one run.

    python bench/simaticml.py [--rounds 5] [--corpus ../shared/corpus/simaticml]

Both sides get the same bytes from memory. The baseline is lxml's own parse and serialise of each
file (no model); ours is ``simatic_xml.parse_bytes`` (safe, validating, typed) then ``to_bytes``. The
ratio is ours/baseline in files per second; the issue's target is at least 0.3. Each side runs
``rounds`` times and the best round counts, which keeps the ratio steady on a busy 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from lxml import etree

from simatic_xml import parse_bytes, to_bytes

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def _best(fn, documents: list[bytes], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for data in documents:
            fn(data)
        best = min(best, time.perf_counter() - start)
    return best


def _lxml(data: bytes) -> bytes:
    return etree.tostring(etree.fromstring(data), xml_declaration=True, encoding="utf-8")


def _ours(data: bytes) -> bytes:
    return to_bytes(parse_bytes(data))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "simaticml")
    args = parser.parse_args()
    files = sorted(args.corpus.rglob("*.xml"))
    if not files:
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 1
    documents = [f.read_bytes() for f in files]
    megabytes = sum(map(len, documents)) / 1e6
    baseline = _best(_lxml, documents, args.rounds)
    ours = _best(_ours, documents, args.rounds)
    ratio = baseline / ours
    result = {
        "benchmark": "simaticml", "files": len(files), "megabytes": round(megabytes, 2), "rounds": args.rounds,
        "lxml_files_per_s": round(len(files) / baseline, 1), "ours_files_per_s": round(len(files) / ours, 1),
        "ours_mb_per_s": round(megabytes / ours, 2), "ratio": round(ratio, 3), "target": 0.3,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "simaticml.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"{len(files)} files, {megabytes:.1f} MB, best of {args.rounds}")
    print(f"  lxml parse+serialise : {result['lxml_files_per_s']:8.1f} files/s")
    print(f"  simatic_xml read+write: {result['ours_files_per_s']:8.1f} files/s ({result['ours_mb_per_s']} MB/s)")
    print(f"  ratio {ratio:.3f} (target >= 0.3: {'met' if ratio >= 0.3 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
