"""GRAPH sequences (steps and transitions, their conditions drawn as LAD/FBD) and interface member trees as HTML."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

from engineering_api.console.render.ladder import draw_network
from simatic_xml.flgnet import FlgNet
from simatic_xml.graph import Condition, GraphNet, Step, Transition
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
        return f'<div class="drawing">{picture.svg}</div>'

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
            actions = (f'<table class="actions"><caption class="muted">Actions</caption><tr><th scope="col">Qualifier'
                       f'</th><th scope="col">Event</th><th scope="col">Action</th></tr>{rows}</table>')
        times = ", ".join(t for t in (f"max {step.maximum_step_time}" if step.maximum_step_time else "",
                                      f"warn {step.warning_time}" if step.warning_time else "") if t)
        return (f'<div class="graph-step{init}" id="step-{escape(step.number)}" data-step="{escape(step.number)}">'
                f"<strong>S{escape(step.number)}</strong> {escape(step.name)}"
                f'{f" <span class=muted>({escape(times)})</span>" if times else ""}{actions}'
                f"{self.conditions('Supervision', step.supervisions)}{self.conditions('Interlock', step.interlocks)}"
                "</div>")

    def transition(self, transition: Transition, targets: list[str]) -> str:
        goes = ", ".join(targets)
        comment = _text(transition.comment)
        return (f'<div class="graph-trans" data-transition="{escape(transition.number)}">'
                f"<strong>T{escape(transition.number)}</strong> {escape(transition.name)}"
                f'{f" → {escape(goes)}" if goes else ""}'
                f'{f"<p class=comment>{escape(comment)}</p>" if comment else ""}'
                f"{self.net(transition.net, transition.programming_language)}</div>")


def graph_html(graph: GraphNet, addresses: Mapping[str, str] | None = None) -> GraphPicture:
    """The sequence: each step, then the transitions leaving it (their targets named; a jump says so)."""
    sequence = graph.sequence
    writer = _GraphWriter(addresses)
    leaving: dict[str, list[str]] = {}
    targets: dict[str, list[str]] = {}
    for connection in sequence.connections:
        source, target = connection.source, connection.target
        if source.kind == "StepRef" and target.kind == "TransitionRef" and source.number and target.number:
            leaving.setdefault(source.number, []).append(target.number)
        if source.kind == "TransitionRef" and source.number:
            word = "jump to " if connection.link_type == "Jump" else ""
            name = f"{word}S{target.number}" if target.kind == "StepRef" else (
                f"branch {target.number}" if target.kind == "BranchRef" else "end")
            targets.setdefault(source.number, []).append(name)
    transitions = {t.number: t for t in sequence.transitions}
    shown: set[str] = set()
    out = [f'<div class="graph-seq" aria-label="GRAPH sequence {escape(_text(sequence.title))}">']
    for step in sequence.steps:
        out.append(writer.step(step))
        for number in leaving.get(step.number, ()):
            if number in transitions and number not in shown:
                shown.add(number)
                out.append(writer.transition(transitions[number], targets.get(number, [])))
    for transition in sequence.transitions:  # behind branches: after the steps, in their own order
        if transition.number not in shown:
            out.append(writer.transition(transition, targets.get(transition.number, [])))
    if sequence.branches:
        kinds = ", ".join(f"{b.number}: {b.type} ({b.cardinality})" for b in sequence.branches)
        out.append(f'<p class="muted">Branches: {escape(kinds)}</p>')
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


def _attributes(member: Member) -> str:
    found = [f"{a.name}={a.value}" for a in member.attributes or ()]
    found += [f"{name}" for name in (member.remanence, member.accessibility) if name]
    return ", ".join(found)


def _rows(members: list[Member], section: str, prefix: str, depth: int, out: list[MemberRow]) -> None:
    for member in members:
        path = f"{prefix}{member.name}"
        out.append(MemberRow(
            path=path, name=member.name, datatype=member.datatype,
            start_value=member.start_value.value if member.start_value else "",
            attributes=_attributes(member), comment=_text(member.comment.texts if member.comment else None),
            depth=min(depth, _DEPTH_MAX), section=section,
        ))
        _rows(member.members, section, path + ".", depth + 1, out)
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
