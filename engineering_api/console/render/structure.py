"""GRAPH sequences (steps and transitions, their conditions drawn as LAD/FBD) and interface member trees as HTML.

A sequence is drawn compact, as TIA's sequence view: one line per step and per transition, branches side by side;
a step's actions and a transition's condition open on demand (``<details>``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from itertools import accumulate

from engineering_api.console.render.ladder import draw_network
from simatic_xml.flgnet import FlgNet
from simatic_xml.graph import Condition, GraphNet, Sequence, Step, Transition
from simatic_xml.interface import Member, Sections

__all__ = ("GraphPicture", "MemberRow", "graph_html", "member_rows")

_DEPTH_MAX = 8


@dataclass(slots=True)
class GraphPicture:
    """The HTML of one GRAPH sequence and how many parts and wires its condition networks drew."""

    html: str
    parts_drawn: int
    wires_drawn: int


def _text(texts: Mapping[str, str] | None) -> str:
    if not texts:
        return ""
    return texts.get("en-US") or next(iter(texts.values()), "")


class _GraphWriter:
    def __init__(self, addresses: Mapping[str, str] | None) -> None:
        self.addresses = addresses
        self.parts = 0
        self.wires = 0

    def net(self, condition_net: FlgNet | None, language: str) -> str:
        if condition_net is None:
            return ""
        picture = draw_network(condition_net, language, self.addresses)
        self.parts += picture.parts_drawn
        self.wires += picture.wires_drawn
        # focusable: a wide condition scrolls inside its box, and a keyboard user must reach it (WCAG 2.1.1)
        return (f'<div class="drawing" tabindex="0" role="group" aria-label="{escape(language)} '
                f'condition">{picture.svg}</div>')

    def conditions(self, title: str, conditions: list[Condition] | None) -> str:
        drawn = [self.net(c.net, c.programming_language) for c in conditions or () if c.net is not None]
        if not drawn:
            return ""
        return f'<details><summary>{escape(title)}</summary>{"".join(drawn)}</details>'

    def step(self, step: Step) -> str:
        init = " init" if step.init.lower() == "true" else ""
        actions = ""
        if step.actions and step.actions.actions:
            rows = "".join(
                f"<tr><td>{escape(a.qualifier or '')}</td><td>{escape(a.event or '')}</td>"
                f"<td><code>{escape(''.join(a.tokens).strip())}</code></td></tr>" for a in step.actions.actions)
            count = len(step.actions.actions)
            actions = (f'<details class="actions"><summary>{count} action{"s" if count != 1 else ""}</summary>'
                       f'<table class="actions"><tr><th scope="col">Qualifier</th><th scope="col">Event</th>'
                       f'<th scope="col">Action</th></tr>{rows}</table></details>')
        times = ", ".join(t for t in (f"max {step.maximum_step_time}" if step.maximum_step_time else "",
                                      f"warn {step.warning_time}" if step.warning_time else "") if t)
        return (f'<div class="graph-step{init}" id="step-{escape(step.number)}" data-step="{escape(step.number)}">'
                f"<strong>S{escape(step.number)}</strong> {escape(step.name)}"
                f'{f" <span class=muted>({escape(times)})</span>" if times else ""}{actions}'
                f"{self.conditions('Supervision', step.supervisions)}{self.conditions('Interlock', step.interlocks)}"
                "</div>")

    def transition(self, transition: Transition) -> str:
        comment = _text(transition.comment)
        return (f'<div class="graph-trans" data-transition="{escape(transition.number)}">'
                f"<strong>T{escape(transition.number)}</strong> {escape(transition.name)}"
                f'{f"<p class=comment>{escape(comment)}</p>" if comment else ""}'
                f"{self.condition(transition)}</div>")

    def condition(self, transition: Transition) -> str:
        """A transition's condition, shown on demand: the chart keeps one line per transition, as TIA's sequence
        view does (the condition is edited in the single-step view)."""
        drawn = self.net(transition.net, transition.programming_language)
        return f'<details class="condition"><summary>Condition</summary>{drawn}</details>' if drawn else ""


_Key = tuple[str, str]
"""A node of the chart: (``StepRef``/``TransitionRef``/``BranchRef``, number)."""

_Item = tuple[str, int]
"""One drawn element of a path and the rows it takes: a step, a transition or a jump arm 1, a branch its paths'."""


def _height(items: list[_Item]) -> int:
    return sum(rows for _, rows in items)


class _Chart:
    """The sequence as TIA's chart: from the initial step down, a branch's paths side by side between a double
    line (simultaneous) or a single line (alternative), a jump as an arrow to its target step under its transition.

    A branch whose paths all end in a jump or the sequence end (no branch end closes them) is not closed: as in
    TIA's sequence view, each path is drawn only as long as its own elements, its jump arm under its last
    transition, and the first path (out 0, TIA's straight line) goes on under the branch once the others have
    ended. Drawn to the end of the chain inside the branch, the first path would hold every later branch, each jump
    arm right of all of them: a staircase as wide as the chain is long. Siemens, "S7-GRAPH for S7-300/400
    Programming Sequential Control Systems" (C79000-G7076-C526-01), 6.3 "Rules for the Structure of a Sequencer"
    and 6.7 "Alternative Branch"
    (https://www.manualslib.com/manual/2804919/Siemens-Simatic-S7-Graph.html?page=71): a path of a branch ends after
    a transition in a branch close, a jump or a branch stop, and a close joins a path to the left."""

    def __init__(self, sequence: Sequence, writer: _GraphWriter) -> None:
        self.writer = writer
        self.steps = {s.number: s for s in sequence.steps}
        self.transitions = {t.number: t for t in sequence.transitions}
        self.branch_types = {b.number: b.type for b in sequence.branches}
        self.leaving: dict[_Key, list[tuple[int, _Key, bool]]] = {}
        """node -> (out index, target, whether a jump) in out order."""
        for connection in sequence.connections:
            source, target = connection.source, connection.target
            if source.number is None:
                continue
            key = (target.kind, target.number or "")
            self.leaving.setdefault((source.kind, source.number), []).append(
                (int(source.out or 0), key, connection.link_type == "Jump"))
        for targets in self.leaving.values():
            targets.sort(key=lambda entry: entry[0])
        self.drawn: set[_Key] = set()

    def _jump(self, key: _Key) -> list[_Item]:
        kind, number = key
        if kind == "StepRef":
            return [(f'<a class="graph-jump" href="#step-{escape(number)}">&#8627; S{escape(number)}</a>', 1)]
        return [('<span class="graph-jump muted">end</span>', 1)] if kind == "EndConnection" else []

    def chain(self, key: _Key) -> tuple[list[_Item], _Key | None]:
        """The elements from ``key`` down to the end of its path; and the branch end it closes into, if any."""
        out: list[_Item] = []
        while True:
            kind, number = key
            if kind == "BranchRef" and self.branch_types.get(number, "").endswith("End"):
                return out, key
            if key in self.drawn or kind not in ("StepRef", "TransitionRef", "BranchRef"):
                return out + self._jump(key), None
            self.drawn.add(key)
            if kind == "StepRef" and number in self.steps:
                out.append((self.writer.step(self.steps[number]), 1))
            elif kind == "TransitionRef" and number in self.transitions:
                out.append((self.writer.transition(self.transitions[number]), 1))
            elif kind == "BranchRef":
                items, closed = self.branch(number)
                out += items
                if closed is None:
                    return out, None
                key = closed
            targets = self.leaving.get(key, [])
            if kind != "BranchRef" and len(targets) == 1 and targets[0][2]:
                return out + self._jump(targets[0][1]), None
            if not targets:
                return out, None
            key = targets[0][1]

    def branch(self, number: str) -> tuple[list[_Item], _Key | None]:
        """A branch's paths side by side and the branch end they close into (drawn once, under them); when no path
        converges, the rest of the first path after the others have ended, to follow the branch."""
        paths, closed = [], None
        for _, target, jump in self.leaving.get(("BranchRef", number), []):
            items, end = (self._jump(target), None) if jump else self.chain(target)
            paths.append(items)
            closed = closed or end
        after: list[_Item] = []
        if closed is not None:
            self.drawn.add(closed)
        elif paths:
            # beside the other paths only as many rows of the first as they take; the rest goes on under the
            # branch, so a later branch of the first path is not drawn inside this one
            beside = max([_height(p) for p in paths[1:]] + [1])
            reached = accumulate(rows for _, rows in paths[0])
            split = next((i + 1 for i, rows in enumerate(reached) if rows >= beside), len(paths[0]))
            paths[0], after = paths[0][:split], paths[0][split:]
        simultaneous = self.branch_types.get(number, "").startswith("Sim")
        kind = "sim" if simultaneous else "alt"
        label = "simultaneous branch" if simultaneous else "alternative branch"
        ends = "closed" if closed is not None else "open"
        columns = "".join(f'<div class="graph-path">{"".join(html for html, _ in p)}</div>' for p in paths)
        html = (f'<div class="graph-branch {kind}" role="group" aria-label="{label}" data-branch="{escape(number)}" '
                f'data-ends="{ends}">{columns}</div>')
        return [(html, max([_height(p) for p in paths] + [1])), *after], closed


def graph_html(graph: GraphNet, addresses: Mapping[str, str] | None = None) -> GraphPicture:
    """The sequence as a chart from its initial step; steps and transitions no path reaches follow it."""
    sequence = graph.sequence
    writer = _GraphWriter(addresses)
    chart = _Chart(sequence, writer)
    out = [f'<div class="graph-seq" aria-label="GRAPH sequence {escape(_text(sequence.title))}">']
    initial = [s for s in sequence.steps if s.init.lower() == "true"] or sequence.steps[:1]
    for step in initial + sequence.steps:
        if ("StepRef", step.number) not in chart.drawn:
            out += (html for html, _ in chart.chain(("StepRef", step.number))[0])
    for transition in sequence.transitions:
        if ("TransitionRef", transition.number) not in chart.drawn:
            chart.drawn.add(("TransitionRef", transition.number))
            out.append(writer.transition(transition))
    out.append("</div>")
    return GraphPicture("".join(out), writer.parts, writer.wires)


@dataclass(slots=True)
class MemberRow:
    """One line of a member tree."""

    path: str
    name: str
    datatype: str
    start_value: str
    attributes: str
    comment: str
    depth: int
    section: str
    names: tuple[str, ...] = ()
    """The member's names from the top of the interface (``("Motor", "+KM1")``): the path its cross-references
    are asked for; empty for an array element's start value."""

    def quoted_in(self, block: str) -> str:
        """The member as the program writes it in ``block``, every name quoted: ``"DB_ALARM"."+KM1"``."""
        return ".".join('"' + name.replace('"', '""') + '"' for name in (block, *self.names))


def _attributes(member: Member) -> str:
    found = [f"{a.name}={a.value}" for a in member.attributes or ()]
    found += [f"{name}" for name in (member.remanence, member.accessibility) if name]
    return ", ".join(found)


def _rows(members: list[Member], section: str, prefix: str, depth: int, out: list[MemberRow],
          names: tuple[str, ...] = ()) -> None:
    for member in members:
        path = f"{prefix}{member.name}"
        out.append(MemberRow(
            path=path, name=member.name, datatype=member.datatype,
            start_value=member.start_value.value if member.start_value else "",
            attributes=_attributes(member), comment=_text(member.comment.texts if member.comment else None),
            depth=min(depth, _DEPTH_MAX), section=section, names=(*names, member.name),
        ))
        _rows(member.members, section, path + ".", depth + 1, out, (*names, member.name))
        for sub in member.subelements:
            start = getattr(sub, "start_value", None)
            if start is not None:
                out.append(MemberRow(f"{path}[{sub.path}]", f"[{sub.path}]", "", getattr(start, "value", str(start)),
                                     "", "", min(depth + 1, _DEPTH_MAX), section))


def member_rows(sections: Sections | None) -> list[MemberRow]:
    """Every member of an interface in order, nested ones indented (``depth``), with type, start value,
    attributes and comment; the member trees of system-type members (expanded ``sections``) are left folded."""
    out: list[MemberRow] = []
    for section in sections.sections if sections else ():
        _rows(section.members, section.name, "", 0, out)
    return out
