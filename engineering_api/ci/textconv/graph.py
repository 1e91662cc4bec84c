"""A GRAPH network as text: the sequence's steps, transitions and branches by number (the numbers are the ones the
editor shows, so they are not volatile), each condition network as a listing (:mod:`.flgnet`), and the connections
sorted, ``S1 -> T1``; pre/post operations and alarm settings as the generic elements they are."""

from __future__ import annotations

import re

from simatic_xml.graph import Condition, Connection, GraphNet, NodeRef, Step, Transition
from simatic_xml.xmlnode import XmlNode

from .common import INDENT, node_lines, text_lines
from .flgnet import flgnet_lines

__all__ = ("graph_lines",)

_REF_LETTER = {"StepRef": "S", "TransitionRef": "T", "BranchRef": "B"}


def _by_number(number: str) -> tuple[int, str]:
    return (int(number), number) if re.fullmatch(r"\d+", number) else (1 << 62, number)


def _ref(ref: NodeRef) -> str:
    if ref.kind == "EndConnection":
        return "end"
    text = _REF_LETTER.get(ref.kind, ref.kind) + (ref.number or "")
    if ref.in_ is not None:
        text += f".in{ref.in_}"
    if ref.out is not None:
        text += f".out{ref.out}"
    return text


def _connection(connection: Connection) -> str:
    jump = "" if connection.link_type == "Direct" else f" ({connection.link_type})"
    return f"{_ref(connection.source)} -> {_ref(connection.target)}{jump}"


def _conditions(label: str, conditions: list[Condition] | None, indent: str) -> list[str]:
    lines: list[str] = []
    for condition in conditions or ():
        lines.append(f"{indent}{label} ({condition.programming_language})")
        if condition.net is not None:
            lines += flgnet_lines(condition.net, indent + INDENT)
    return lines


def _step_lines(step: Step, indent: str) -> list[str]:
    words = [f"step S{step.number} \"{step.name}\""]
    if step.init == "true":
        words.append("init")
    if step.maximum_step_time is not None:
        words.append(f"MaximumStepTime={step.maximum_step_time}")
    if step.warning_time is not None:
        words.append(f"WarningTime={step.warning_time}")
    lines = [indent + " ".join(words)]
    pad = indent + INDENT
    if step.actions is not None:
        lines += text_lines("actions title", step.actions.title, pad)
        for action in step.actions.actions:
            head = " ".join(word for word in (action.qualifier, action.event) if word)
            text = "".join(action.tokens).replace("\r\n", "\n").strip()
            label = f"{pad}action {head}".rstrip()
            lines += [f"{label}: {line}".rstrip() for line in text.split("\n")] if text else [label]
    lines += _conditions("supervision", step.supervisions, pad)
    lines += _conditions("interlock", step.interlocks, pad)
    return lines


def _transition_lines(transition: Transition, indent: str) -> list[str]:
    missing = " missing" if transition.is_missing == "true" else ""
    lines = [f"{indent}transition T{transition.number} \"{transition.name}\" ({transition.programming_language})"
             f"{missing}"]
    lines += text_lines("comment", transition.comment, indent + INDENT)
    if transition.net is not None:
        lines += flgnet_lines(transition.net, indent + INDENT)
    return lines


def graph_lines(graph: GraphNet, indent: str) -> list[str]:
    """The text of a GRAPH network body at ``indent``."""
    seq = graph.sequence
    lines: list[str] = []
    lines += _generic("pre-operations", graph.pre_operations, indent)
    lines.append(f"{indent}sequence")
    pad = indent + INDENT
    lines += text_lines("title", seq.title, pad)
    lines += text_lines("comment", seq.comment, pad)
    for step in sorted(seq.steps, key=lambda s: _by_number(s.number)):
        lines += _step_lines(step, pad)
    for transition in sorted(seq.transitions, key=lambda t: _by_number(t.number)):
        lines += _transition_lines(transition, pad)
    for branch in sorted(seq.branches, key=lambda b: _by_number(b.number)):
        lines.append(f"{pad}branch B{branch.number} {branch.type} cardinality={branch.cardinality}")
    lines += [f"{pad}connection {text}" for text in sorted(_connection(c) for c in seq.connections)]
    lines += _generic("post-operations", graph.post_operations, indent)
    lines += _generic("alarm settings", graph.alarms_settings, indent)
    return lines


def _generic(label: str, node: XmlNode | None, indent: str) -> list[str]:
    return [f"{indent}{label}", *node_lines(node, indent + INDENT)] if node is not None else []
