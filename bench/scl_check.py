"""SCL check speed on the corpus: parse + semantic check (engineering_api.rules.compiler), in lines per second.

    python bench/scl_check.py [--rounds 5] [--corpus ../shared/corpus/scl]

Every TIA-style and classic file of the corpus (``*.scl``, ``*.db``, ``*.udt``) is read into memory
once; each round parses and checks all of them offline (``engineering_api.rules.compiler.check_source``), and the
best round counts, which keeps the figure steady on a busy 2-core machine. The parser alone is
measured the same way for comparison. The issue's target is at least 20,000 lines/s.
Also reported: how many files check clean (no error, no warning) and how many give diagnostics.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

from benchlib import write_results  # this script's folder, first on sys.path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engineering_api.rules.compiler.check import check_source  # noqa: E402 - needs the sys.path insert above
from simatic_xml.scl import SclSyntaxError, parse, read_source  # noqa: E402 - needs the sys.path insert above

TARGET = 20_000


def _parse_only(texts: list) -> None:
    for path, text in texts:
        try:
            parse(text, path)
        except SclSyntaxError:
            pass


def _check(texts: list) -> None:
    for path, text in texts:
        check_source(text, path)


def _best(fn, texts: list, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "scl")
    args = parser.parse_args()
    files = sorted(p for p in args.corpus.rglob("*") if p.is_file() and p.suffix.lower() in (".scl", ".db", ".udt"))
    if not files:
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 1
    texts = [(str(f), read_source(f)) for f in files]
    lines = sum(text.count("\n") + 1 for _, text in texts)
    clean = with_errors = with_warnings = 0
    for path, text in texts:
        diags = check_source(text, path)
        if any(d.severity == "Error" for d in diags):
            with_errors += 1
        elif any(d.severity == "Warning" for d in diags):
            with_warnings += 1
        else:
            clean += 1
    parse_s = _best(_parse_only, texts, args.rounds)
    check_s = _best(_check, texts, args.rounds)
    rate = lines / check_s
    result = {
        "benchmark": "scl_check", "files": len(files), "lines": lines, "rounds": args.rounds,
        "parse_lines_per_s": round(lines / parse_s), "parse_check_lines_per_s": round(rate),
        "target": TARGET, "met": rate >= TARGET,
        "files_clean": clean, "files_with_warnings_only": with_warnings, "files_with_errors": with_errors,
        "python": platform.python_version(), "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    write_results("scl_check.json", result)
    print(f"{len(files)} files, {lines} lines, best of {args.rounds}")
    print(f"  parse only          : {result['parse_lines_per_s']:>8} lines/s")
    print(f"  parse + check       : {result['parse_check_lines_per_s']:>8} lines/s "
          f"(target >= {TARGET}: {'met' if result['met'] else 'NOT met'})")
    print(f"  files clean {clean}, warnings only {with_warnings}, with errors {with_errors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
