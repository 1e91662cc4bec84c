"""``test run FOLDER --coverage FILE``: which statements, branches and networks of the program the tests ran, as
Cobertura XML (what GitLab's ``artifacts:reports:coverage_report`` and GitHub's coverage actions read) and as one
text line per block.

The record is :mod:`engineering_api.rules.coverage`'s. A point's line is its file's: an SCL source's statements
carry the file's lines; a statement of an SCL network in a SimaticML export counts in the network's text and goes
on the file line of its token (:func:`.xml_lines.file_line`), as the checkers' findings do. Cobertura's shape
follows its DTD (``coverage-04.dtd``): ``coverage`` > ``sources`` and ``packages`` > ``package`` (the PLC) >
``classes`` > ``class`` (a block, ``filename`` relative to the source root) > ``lines`` > ``line`` with ``hits``
and, on an IF or CASE, ``branch="true"`` and ``condition-coverage="50% (1/2)"``.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence
from xml.sax.saxutils import escape, quoteattr

from engineering_api.lib.printable import printable
from engineering_api.rules.compiler.check import source_text
from engineering_api.rules.coverage import NETWORK, Point, Recorder

from .xml_lines import file_line, textless_network

__all__ = ("BlockCoverage", "by_block", "cobertura", "text_lines")

_HEADER = re.compile(r'^\s*(?:FUNCTION_BLOCK|FUNCTION|ORGANIZATION_BLOCK|DATA_BLOCK)\s+"?([^"\s:]+)"?',
                     re.IGNORECASE | re.MULTILINE)
_BEGIN = re.compile(r"^[ \t]*BEGIN\b", re.IGNORECASE | re.MULTILINE)


@dataclass
class BlockCoverage:
    """One block's points: per file line, the statements' hits and the branches' (label, hits)."""

    block: str
    file: str | None
    statements: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    branches: dict[int, list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))
    networks: dict[int, bool] = field(default_factory=dict)

    def counts(self) -> tuple[int, int, int, int]:
        """Statements run and in all, branches taken and in all."""
        runs = [h for hits in self.statements.values() for h in hits]
        taken = [h for branches in self.branches.values() for _, h in branches]
        return sum(h > 0 for h in runs), len(runs), sum(h > 0 for h in taken), len(taken)


def _declared_in(sources: Sequence[str]) -> dict[str, tuple[str, int]]:
    """Block name (lower case) -> the source file that declares it, and the file line its code's line 1 follows
    (an SCL source: the block's ``BEGIN``, as "generate blocks from source" takes the text after it; an export,
    named after its object as TIA names it: 0, its networks' lines are mapped through the file)."""
    found: dict[str, tuple[str, int]] = {}
    for path in sources:
        if path.lower().endswith(".xml"):
            found.setdefault(Path(path).stem.lower(), (path, 0))
            continue
        try:
            text = source_text(Path(path).read_bytes())  # as the checker read it: a lone \r ends no line
        except OSError:
            continue
        for match in _HEADER.finditer(text):
            begin = _BEGIN.search(text, match.end())
            offset = text.count("\n", 0, begin.start()) + 1 if begin else 0
            found.setdefault(match.group(1).lower(), (path, offset))
    return found


def _line(point: Point, file: str | None, offset: int) -> int:
    if point.network and file and file.lower().endswith(".xml"):
        return file_line(file, point.network, point.line) or point.line
    return offset + point.line


def by_block(recorder: Recorder, sources: Sequence[str]) -> list[BlockCoverage]:
    """The record per block, in the order the blocks were generated."""
    files = _declared_in(sources)
    blocks: dict[str, BlockCoverage] = {}
    for point, hits in zip(recorder.points, recorder.hits):
        file, offset = files.get(point.block.lower(), (None, 0))
        block = blocks.setdefault(point.block.lower(), BlockCoverage(point.block, file))
        line = _line(point, file, offset)
        if point.label == NETWORK and point.network is not None:
            block.networks[point.network] = hits > 0
            if file and file.lower().endswith(".xml") and textless_network(file, point.network):
                # LAD/FBD: no statement has a line of its own; the network is one, on its CompileUnit's line
                block.statements[file_line(file, point.network, None) or 1].append(hits)
        elif point.branch is None:
            block.statements[line].append(hits)
        else:
            block.branches[line].append((point.label, hits))
    return list(blocks.values())


def _rate(done: int, total: int) -> str:
    return f"{done / total:.4f}" if total else "1"


def _percent(done: int, total: int) -> str:
    return f"{100 * done // total}%" if total else "100%"


def text_lines(blocks: Sequence[BlockCoverage]) -> list[str]:
    """One line per block: statements, branches and networks run, and the lines and branches not run."""
    out = []
    for b in blocks:
        ran, statements, taken, branches = b.counts()
        parts = [f"statements {ran}/{statements} ({_percent(ran, statements)})",
                 f"branches {taken}/{branches} ({_percent(taken, branches)})"]
        if b.networks:
            parts.append(f"networks {sum(b.networks.values())}/{len(b.networks)}")
        missed = sorted(line for line, hits in b.statements.items() if not any(hits))
        if missed:
            parts.append("lines not run: " + ", ".join(map(str, missed)))
        untaken = [f"{line} {label}" for line, branch in sorted(b.branches.items()) for label, hits in branch
                   if not hits]
        if untaken:
            parts.append("branches not taken: line " + ", line ".join(untaken))
        out.append(printable(f"coverage [{b.block}] {b.file or '(no file)'}: " + "; ".join(parts)))
    return out


def _relative(file: str | None, root: Path) -> str:
    if not file:
        return ""
    try:
        return Path(file).resolve().relative_to(root).as_posix()
    except ValueError:
        return Path(file).resolve().as_posix()


def cobertura(blocks: Sequence[BlockCoverage], *, root: Path, package: str, version: str) -> str:
    """The Cobertura XML document of the run (one package, the PLC; one class per block)."""
    root = root.resolve()
    totals = [0, 0, 0, 0]  # lines run, lines, branches taken, branches
    classes = []
    for b in blocks:
        _, _, taken_here, branches_here = b.counts()
        numbers = sorted(set(b.statements) | set(b.branches))
        run_here = sum(max([*b.statements.get(n, []), *(h for _, h in b.branches.get(n, []))]) > 0 for n in numbers)
        counts = (run_here, len(numbers), taken_here, branches_here)
        totals = [t + c for t, c in zip(totals, counts)]
        lines = []
        for number in numbers:
            hits = max(b.statements.get(number) or [0])
            branch = b.branches.get(number)
            if branch:
                taken = sum(h > 0 for _, h in branch)
                hits = max(hits, *(h for _, h in branch))
                lines.append(f'          <line number="{number}" hits="{hits}" branch="true" condition-coverage='
                             f'"{_percent(taken, len(branch))} ({taken}/{len(branch)})"/>')
            else:
                lines.append(f'          <line number="{number}" hits="{hits}" branch="false"/>')
        filename = quoteattr(printable(_relative(b.file, root)))
        classes.append(
            f"      <class name={quoteattr(printable(b.block))} filename={filename}"
            f' line-rate="{_rate(counts[0], counts[1])}" branch-rate="{_rate(counts[2], counts[3])}" complexity="0">\n'
            "        <methods/>\n        <lines>\n" + "".join(line + "\n" for line in lines)
            + "        </lines>\n      </class>\n")
    line_rate, branch_rate = _rate(totals[0], totals[1]), _rate(totals[2], totals[3])
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<coverage line-rate="{line_rate}" branch-rate="{branch_rate}" lines-covered="{totals[0]}" '
            f'lines-valid="{totals[1]}" branches-covered="{totals[2]}" branches-valid="{totals[3]}" complexity="0" '
            f'version={quoteattr(version)} timestamp="{int(time.time() * 1000)}">\n'
            f"  <sources>\n    <source>{escape(printable(root.as_posix()))}</source>\n  </sources>\n"
            f'  <packages>\n    <package name={quoteattr(printable(package))} line-rate="{line_rate}" '
            f'branch-rate="{branch_rate}" complexity="0">\n    <classes>\n'
            + "".join(classes) + "    </classes>\n    </package>\n  </packages>\n</coverage>\n")
