"""Throughput of the SCL parser in source lines per second (the checker's: ``bench/scl_check.py``).

    python -m simatic_xml.scl.speed [DIR_OR_FILE...]   # default: ../shared/corpus/scl

``bench/`` can import :func:`measure`; the target is >= 20,000 lines/s.
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TypedDict

from .errors import SclError
from .parser import parse, read_source

SUFFIXES = (".scl", ".udt", ".db")
DEFAULT_CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "scl"


class SpeedReport(TypedDict):
    """What :func:`measure` found: files read, files that parse, source lines, the best run's time."""

    files: int
    clean: int
    lines: int
    seconds: float
    lines_per_second: float


def collect(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES))
        elif p.is_file():
            files.append(p)
    return files


def measure(paths: Iterable[str | os.PathLike[str]], repeat: int = 5) -> SpeedReport:
    """Parse every file *repeat* times (texts read once); report the best run."""
    texts = [(str(f), read_source(f)) for f in collect(paths)]
    lines = sum(t.count("\n") + 1 for _, t in texts)
    best = float("inf")
    ok = 0
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        ok = sum(1 for path, text in texts if _parses(text, path))
        best = min(best, time.perf_counter() - t0)
    return {
        "files": len(texts),
        "clean": ok,
        "lines": lines,
        "seconds": best,
        "lines_per_second": lines / best if best else float("inf"),
    }


def _parses(text: str, path: str) -> bool:
    try:
        parse(text, path)
    except SclError:
        return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    r = measure(args or [DEFAULT_CORPUS])
    print(
        f"{r['files']} files, {r['lines']} lines, {r['clean']} clean: "
        f"{r['seconds']:.3f} s, {r['lines_per_second']:,.0f} lines/s"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
