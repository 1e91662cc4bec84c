"""The language server's speed as an editor sees it, through a real LSP client over stdio (pytest-lsp's, on pygls).

    python bench/lsp.py [--edits 100] [--files 100] [--corpus ../shared/corpus/scl]

* **Edit**: a 2,000-line source made of the corpus' largest real SCL sources (TIA exports) is opened; then one line
  is edited ``--edits`` times (a comment is added to it and taken away again, an incremental change each time),
  and the time from sending ``didChange`` to receiving the diagnostics of that version is measured: median and
  95th percentile. Goal (issue 54): median under 100 ms.
* **Cold workspace**: ``--files`` corpus sources laid out as one PLC's ``Program blocks``; from starting the
  server process to the first diagnostics of one of them (process start, initialize, reading the workspace,
  checking). Goal: under 3 s.

Nothing here is asserted: the figures are printed and written to ``bench/results/lsp.json``.
"""

from __future__ import annotations

import argparse
import asyncio
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

SUFFIXES = (".scl", ".db", ".udt")


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


def big_source(paths: list[Path], lines: int) -> str:
    """Real sources one after the other (one source may hold several blocks) up to ``lines`` lines."""
    parts: list[str] = []
    count = 0
    for path in paths:  # largest first: each one that still fits
        text = path.read_bytes().decode("utf-8-sig", "replace").replace("\r\n", "\n").rstrip("\n") + "\n\n"
        size = text.count("\n")
        if path.suffix.lower() == ".scl" and count + size <= lines:
            parts.append(text)
            count += size
    return "".join(parts)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def edits(folder: Path, text: str, count: int) -> list[float]:
    path = folder / "Big.scl"
    path.write_text(text, encoding="utf-8")
    lines = text.split("\n")
    target = next(i for i in range(len(lines) // 2, len(lines)) if lines[i].strip().endswith(";"))
    end = len(lines[target])
    timings = []
    async with session(folder) as client:
        await client.open(path, text)
        for n in range(count):
            change: types.TextDocumentContentChangeEvent
            if n % 2 == 0:
                change = types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=target, character=end),
                                      end=types.Position(line=target, character=end)), text=" // edited")
            else:
                change = types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=target, character=end),
                                      end=types.Position(line=target, character=end + len(" // edited"))), text="")
            start = time.perf_counter()
            await client.edit(path, [change])
            timings.append(time.perf_counter() - start)
    return timings


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc), to tell the server's work from a busy machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
        cpu = cpu_seconds(server.pid) if server is not None else float("nan")
    return elapsed, len(found), cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "scl")
    args = parser.parse_args()
    paths = sources(args.corpus) if args.corpus.is_dir() else []
    if not paths:
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    text = big_source(paths, args.lines)
    with tempfile.TemporaryDirectory() as scratch:
        timings = asyncio.run(edits(Path(scratch), text, args.edits))
    with tempfile.TemporaryDirectory() as scratch:
        cold_s, cold_diagnostics, cold_cpu = asyncio.run(cold(Path(scratch), paths, args.files))
    lines_read = sum(p.read_bytes().count(b"\n") for p in paths[:args.files])
    median, p95 = statistics.median(timings), percentile(timings, 0.95)
    lines = text.count("\n")
    print(f"edit of one line in a {lines}-line source, x{len(timings)}: median {median * 1000:.1f} ms, "
          f"p95 {p95 * 1000:.1f} ms (goal: median < 100 ms)")
    print(f"cold start on a {min(args.files, len(paths))}-file workspace ({lines_read} lines, the corpus' largest "
          f"sources) to the first diagnostics: {cold_s:.2f} s, of which the server's CPU {cold_cpu:.2f} s "
          f"({cold_diagnostics} diagnostics; goal < 3 s)")
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    write_results("lsp.json", {"edit_lines": lines, "edits": len(timings), "edit_median_ms": round(median * 1000, 1),
                          "edit_p95_ms": round(p95 * 1000, 1), "cold_files": min(args.files, len(paths)),
                          "cold_s": round(cold_s, 2), "cold_server_cpu_s": round(cold_cpu, 2),
                          "cold_lines": lines_read, "load_average": os.getloadavg()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
