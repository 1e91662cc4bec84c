"""The language server's speed as an editor sees it, through a real LSP client over stdio (pytest-lsp's, on pygls).

    python bench/lsp.py [--samples 21] [--sizes 2000,4000,8000,16000] [--files 100] [--corpus ../shared/corpus/scl]

* **Keystroke**: a source of ``--sizes`` lines made of a real one (tools.scl_plant: DoorLock.scl's 20 blocks
  repeated, names suffixed) is opened; then a statement mid-file is edited ``--samples`` times, an incremental
  change each time, in two kinds: a **comment** added at the end of its line and taken away again, and a
  **line** inserted after it (a copy of it) and deleted again. Each sample is the server process' CPU time (all
  its threads, ``/proc/PID/task/*/schedstat``, nanoseconds) from sending ``didChange`` to receiving the
  diagnostics of that version: pygls decoding the change and applying it, the check, the diagnostics sent. The
  median per size and kind, and the exponent per doubling of the file (log2 of the ratio of two sizes' medians:
  0 flat, 1 linear); the median time to fresh diagnostics beside it. Goal (issue 87): ≤ 50 ms at 16,000 lines,
  the exponent near 0.
* **Open**: the server's CPU from ``didOpen`` of that source to its diagnostics (the whole file read and
  checked), the lesser of the two opens per size, with its exponent per doubling (1: linear in the file).
* **Cold workspace**: ``--files`` corpus sources laid out as one PLC's ``Program blocks``; from starting the
  server process to the first diagnostics of one of them (process start, initialize, reading the workspace,
  checking). Goal: under 3 s.

Nothing here is asserted: the figures are printed and written to ``bench/results/lsp.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchlib import write_results  # this script's folder, first on sys.path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lsprotocol import types  # noqa: E402

from tools.lsp_client import Session, session  # noqa: E402 - needs the sys.path insert above
from tools.scl_plant import DOORLOCK, plant_source  # noqa: E402

SUFFIXES = (".scl", ".db", ".udt")
KINDS = ("comment", "line")
WARM_UP = 2
"""Keystrokes before the samples: pygls decodes its first change of a kind more slowly (cattrs builds its
structuring functions)."""


def sources(corpus: Path) -> list[Path]:
    """The corpus' TIA-style sources that parse on their own, largest first."""
    from simatic_xml.scl import parse
    from simatic_xml.scl.errors import SclError

    found = []
    for path in sorted(p for p in corpus.rglob("*") if p.suffix.lower() in SUFFIXES):
        text = path.read_bytes().decode("utf-8-sig", "replace")
        try:
            parse(text, str(path))
        except SclError:
            continue
        found.append((len(text.splitlines()), path))
    return [p for _, p in sorted(found, key=lambda item: (-item[0], str(item[1])))]


def server_cpu(pid: int) -> float:
    """The CPU seconds all threads of process ``pid`` ran so far (the scheduler's count in nanoseconds: a
    keystroke takes a few clock ticks, too few for ``/proc/PID/stat``)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, IndexError, ValueError):  # a thread that just ended
            continue
    return total / 1e9


def _change(start: tuple[int, int], end: tuple[int, int], text: str) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(text=text, range=types.Range(
        start=types.Position(line=start[0], character=start[1]), end=types.Position(line=end[0], character=end[1])))


def keystroke_changes(text: str, kind: str) -> list[types.TextDocumentContentChangePartial]:
    """The change and the one undoing it, of a statement line mid-file: a comment at its end, or a copy of it as
    a new line after it."""
    at = text.index("#actual_state := #new_state;", len(text) // 2)
    line = text.count("\n", 0, at)
    statement = text.split("\n")[line]
    end = len(statement)  # ASCII: characters are UTF-16 units
    if kind == "comment":
        return [_change((line, end), (line, end), " // edited"), _change((line, end), (line, end + 10), "")]
    return [_change((line, end), (line, end), "\n" + statement), _change((line, end), (line + 1, end), "")]


async def keystrokes(folder: Path, text: str, kind: str, count: int) -> tuple[float, list[tuple[float, float]]]:
    """The server's CPU from opening the source to its diagnostics, and (server CPU, time to the diagnostics) of
    ``count`` keystrokes of ``kind``, after :data:`WARM_UP`."""
    path = folder / "Plant.scl"
    path.write_text(text, encoding="utf-8")
    changes = keystroke_changes(text, kind)
    samples = []
    async with session(folder) as client:
        server = client.client._server
        assert server is not None
        cpu = server_cpu(server.pid)
        await client.open(path, text)
        opened = server_cpu(server.pid) - cpu
        for n in range(WARM_UP + count):
            cpu, start = server_cpu(server.pid), time.perf_counter()
            await client.edit(path, [changes[n % 2]])
            if n >= WARM_UP:
                samples.append((server_cpu(server.pid) - cpu, time.perf_counter() - start))
    return opened, samples


async def cold(folder: Path, paths: list[Path], count: int) -> tuple[float, int, float]:
    blocks = folder / "PLC_1" / "Program blocks"
    blocks.mkdir(parents=True)
    chosen = paths[:count]
    for i, path in enumerate(chosen):
        shutil.copy(path, blocks / f"{i:03d}_{path.name}")
    first = sorted(blocks.iterdir())[0]
    start = time.perf_counter()
    driver: Session
    async with session(folder) as driver:
        found = await driver.open(first)
        elapsed = time.perf_counter() - start
        server = driver.client._server
        cpu = server_cpu(server.pid) if server is not None else float("nan")
    return elapsed, len(found), cpu


def exponents(medians: list[float]) -> list[float]:
    """log2 of each size's median over the size before (the sizes doubling): 0 flat, 1 linear in the file."""
    return [math.log2(b / a) for a, b in zip(medians, medians[1:])]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=21, help="keystrokes measured per size and kind (>= 9)")
    parser.add_argument("--sizes", default="2000,4000,8000,16000", help="lines of the source, each double the last")
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "scl")
    args = parser.parse_args()
    paths = sources(args.corpus) if args.corpus.is_dir() else []
    if not paths or not (args.corpus / DOORLOCK).is_file():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    original = (args.corpus / DOORLOCK).read_bytes().decode("utf-8-sig")
    sizes = [int(size) for size in args.sizes.split(",")]
    results: dict[str, object] = {"samples": args.samples, "sizes": sizes}
    opens: dict[int, list[float]] = {size: [] for size in sizes}
    for kind in KINDS:
        cpu_ms, wall_ms = [], []
        for size in sizes:
            with tempfile.TemporaryDirectory() as scratch:
                opened, samples = asyncio.run(keystrokes(Path(scratch), plant_source(original, size), kind,
                                                         args.samples))
            opens[size].append(opened * 1000)
            cpu_ms.append(statistics.median(cpu for cpu, _ in samples) * 1000)
            wall_ms.append(statistics.median(wall for _, wall in samples) * 1000)
        steps = exponents(cpu_ms)
        print(f"keystroke ({kind}), server CPU, median of {args.samples}: "
              + ", ".join(f"{size:,} lines {ms:.1f} ms" for size, ms in zip(sizes, cpu_ms))
              + "; exponent per doubling " + ", ".join(f"{e:+.2f}" for e in steps)
              + "; to fresh diagnostics " + ", ".join(f"{ms:.1f}" for ms in wall_ms) + " ms (goal: <= 50 ms CPU)")
        results[kind] = {"cpu_ms": [round(ms, 2) for ms in cpu_ms], "exponents": [round(e, 2) for e in steps],
                         "diagnostics_ms": [round(ms, 2) for ms in wall_ms]}
    open_ms = [min(opens[size]) for size in sizes]  # the least of the two opens of each size (one per kind)
    print("open (didOpen to its diagnostics), server CPU: "
          + ", ".join(f"{size:,} lines {ms:.0f} ms" for size, ms in zip(sizes, open_ms))
          + "; exponent per doubling " + ", ".join(f"{e:+.2f}" for e in exponents(open_ms)))
    results["open"] = {"cpu_ms": [round(ms, 1) for ms in open_ms],
                       "exponents": [round(e, 2) for e in exponents(open_ms)]}
    with tempfile.TemporaryDirectory() as scratch:
        cold_s, cold_diagnostics, cold_cpu = asyncio.run(cold(Path(scratch), paths, args.files))
    lines_read = sum(p.read_bytes().count(b"\n") for p in paths[:args.files])
    print(f"cold start on a {min(args.files, len(paths))}-file workspace ({lines_read} lines, the corpus' largest "
          f"sources) to the first diagnostics: {cold_s:.2f} s, of which the server's CPU {cold_cpu:.2f} s "
          f"({cold_diagnostics} diagnostics; goal < 3 s)")
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    results.update({"cold_files": min(args.files, len(paths)), "cold_s": round(cold_s, 2),
                    "cold_server_cpu_s": round(cold_cpu, 2), "cold_lines": lines_read,
                    "load_average": os.getloadavg()})
    write_results("lsp.json", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
