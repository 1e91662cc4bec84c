"""The size of a GRAPH chart, in cells: what the console drew and what the sequence's structure needs.

The console lays a sequence out as nested boxes (``render/structure.py``): a step, a transition and a jump arm are
one cell each; a path stacks its elements, a branch sets its paths side by side. :func:`drawn_cells` reads that
size back from the HTML (columns, rows); the browser turns cells into pixels, so a bound in cells holds whatever
the texts' widths.

:func:`needed_cells` computes, from the sequence's connections alone, the columns and rows the chart truly needs:
a branch opens one lane per path; the lanes stay open, each as wide as its path gets, while any path of the branch
other than the first (TIA's straight line) still has elements, since the lines of a chart do not cross (Siemens,
"S7-GRAPH for S7-300/400 Programming Sequential Control Systems", 6.3: a branch joins only a path to its left);
then the first path goes on alone. The rows are the longest path in elements."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from simatic_xml import graph
from simatic_xml.graph import Sequence
from tests.simatic_xml.sxml_corpus import CORPUS, load

__all__ = ("R134A", "Cells", "corpus_sequences", "drawn_cells", "jumps_not_under_a_transition", "needed_cells")

R134A = "fb/mking2203_plcBlock_GRAPH_FB_R134a_GRAPH.xml"


def corpus_sequences() -> dict[str, Sequence]:
    """Every GRAPH sequence of the corpus, by file (and network when a block has more than one)."""
    found: dict[str, Sequence] = {}
    if not CORPUS.is_dir():
        return found
    for path in sorted(CORPUS.rglob("*.xml")):
        if b"<Sequence" not in path.read_bytes():
            continue
        units = getattr(load(path).object, "compile_units", None) or []
        bodies = [u.network_source.body for u in units if u.network_source is not None]
        for index, body in enumerate(b for b in bodies if b is not None and b.tag == "Graph"):
            found[f"{path.relative_to(CORPUS)}#{index + 1}"] = graph.from_xml(body).sequence
    return found


_CELLS = {"graph-step", "graph-trans", "graph-jump"}
_Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Cells:
    """A chart's size in cells."""

    columns: int
    rows: int


def _classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").split())


def _measure(element: etree._Element) -> Cells:
    classes = _classes(element)
    if classes & _CELLS:
        return Cells(1, 1)
    parts = [_measure(child) for child in element if isinstance(child.tag, str)]
    parts = [p for p in parts if p.rows]
    if "graph-branch" in classes:
        return Cells(sum(p.columns for p in parts), max((p.rows for p in parts), default=0))
    # a path, the sequence, or a wrapper: its parts one under the other
    return Cells(max((p.columns for p in parts), default=0), sum(p.rows for p in parts))


def _charts(html: str) -> list[etree._Element]:
    root = etree.fromstring(f"<div>{html}</div>".encode(), etree.HTMLParser())
    return [e for e in root.iter() if "graph-seq" in _classes(e)]


def drawn_cells(html: str) -> Cells:
    """The size of the (one) chart in ``html`` as drawn."""
    (chart,) = _charts(html)
    return _measure(chart)


def jumps_not_under_a_transition(html: str) -> list[str]:
    """The jump arms (their text) not drawn right under the transition they follow, in the same path."""
    wrong = []
    for chart in _charts(html):
        for jump in (e for e in chart.iter() if "graph-jump" in _classes(e)):
            before = jump.getprevious()
            if before is None or "graph-trans" not in _classes(before):
                wrong.append("".join(jump.itertext()))
    return wrong


class _Walk:
    """The row widths (in lanes) of a sequence, from its connections."""

    def __init__(self, sequence: Sequence) -> None:
        self.ends = {b.number for b in sequence.branches if b.type.endswith("End")}
        self.outs: dict[_Key, list[tuple[int, _Key, bool]]] = {}
        for c in sequence.connections:
            if c.source.number is not None:
                self.outs.setdefault((c.source.kind, c.source.number), []).append(
                    (int(c.source.out or 0), (c.target.kind, c.target.number or ""), c.link_type == "Jump"))
        self.seen: set[_Key] = set()

    def path(self, key: _Key) -> tuple[list[int], _Key | None]:
        """The widths of the rows of the path from ``key``, and the branch end it closes into."""
        rows: list[int] = []
        while True:
            kind, number = key
            if kind == "BranchRef" and number in self.ends:
                return rows, key
            if key in self.seen or kind not in ("StepRef", "TransitionRef", "BranchRef"):
                return rows + ([1] if kind in ("StepRef", "EndConnection") else []), None  # a jump arm
            self.seen.add(key)
            if kind == "BranchRef":
                lanes, closed = self.branch(number)
                rows += lanes
                if closed is None:
                    return rows, None
                key = closed
            else:
                rows.append(1)
            targets = sorted(self.outs.get(key, []))
            if not targets:
                return rows, None
            if kind != "BranchRef" and len(targets) == 1 and targets[0][2]:
                return rows + [1], None
            key = targets[0][1]

    def branch(self, number: str) -> tuple[list[int], _Key | None]:
        paths, closed = [], None
        for _, target, jump in sorted(self.outs.get(("BranchRef", number), [])):
            rows, end = ([1], None) if jump else self.path(target)
            paths.append(rows or [1])
            closed = closed or end
        if not paths:
            return [1], closed
        if closed is not None:  # converging paths: every lane open until the close
            height = max(len(p) for p in paths)
            return [sum(max(p) for p in paths)] * height, closed
        first, others = paths[0], paths[1:]
        beside = max((len(p) for p in others), default=1)
        width = max(first[:beside]) + sum(max(p) for p in others)
        return [width] * max(beside, 1) + first[beside:], None


def needed_cells(sequence: Sequence) -> Cells:
    """The columns (most lanes open at once) and rows (the paths' elements) the sequence needs."""
    walk = _Walk(sequence)
    rows: list[int] = []
    initial = [s for s in sequence.steps if s.init.lower() == "true"] or sequence.steps[:1]
    for step in initial + sequence.steps:
        if ("StepRef", step.number) not in walk.seen:
            rows += walk.path(("StepRef", step.number))[0]
    rows += [1 for t in sequence.transitions if ("TransitionRef", t.number) not in walk.seen]
    return Cells(max(rows, default=0), len(rows))
