"""A LAD/FBD network (also a GRAPH transition's or interlock's) as a listing of its boxes and wires, without UIds.

Each box (a ``Part``: contact, coil, instruction; or a ``Call`` of a block) is one header line, ``[n] Contact
negated=operand``, and below it one line per pin end: ``in <- powerrail``, ``operand <- "Start"``, ``in <- [2].out``
(a wire from box 2's ``out``), ``out1 -> #Result``. A wire between two boxes is written at its sink only, an
operand where it is wired, so renaming one operand changes one line.

The boxes are numbered by topology, not by UId or by their order in the file: by their depth from the power rail
(the longest chain of boxes before them), then by what they are and how they are wired (a refinement of each box's
kind by its neighbours' until it is stable, as in Weisfeiler-Lehman graph hashing), and only then by their operands'
text. An export with renumbered UIds or reordered ``Parts``/``Wires`` gives the same text, and a changed operand does
not renumber the boxes unless boxes of its box's shape are told apart by their operands alone and it sorts past one
of theirs (4 of the corpus's 233 LAD/FBD networks for a renamed first operand: tests/ci/test_textconv_corpus.py).

Which end of a wire is its source: the first connection (TIA writes the power rail, the output pin or the operand of
an input first), as the console's drawing reads it (:mod:`engineering_api.console.render.ladder`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from engineering_api.rules.operand_text import access_text
from simatic_xml.flgnet import (Call, FlgAccess, FlgNet, IdentCon, NameCon, Negated, OpenCon, Part, PartInstance,
                                Powerrail, Wire)
from simatic_xml.flgnet import AutomaticTyped as AutoPin
from simatic_xml.template_value import TemplateValue
from simatic_xml.xmlnode import XmlNode

from .common import INDENT, node_lines

__all__ = ("flgnet_lines",)

_IN, _OUT = "<-", "->"


@dataclass(slots=True)
class _Box:
    """A Part, Call or untyped part: what it is (``shape``: without operands), its operands, its wired pins."""

    uid: str | None
    header: str
    shape: str
    operands: str
    extra: list[XmlNode] = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)
    ends: list[tuple[str, str, object]] = field(default_factory=list)
    """(pin, direction, other end): the other end is a text (power rail, operand, open) or (box uid, pin)."""


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:16]


def _instance_text(instance: PartInstance | None) -> str:
    if instance is None:
        return ""
    return " instance=" + access_text(FlgAccess(instance.scope, symbol=instance.components))


def _part_box(part: Part) -> _Box:
    words = [part.name]
    if part.version:
        words.append(f"v{part.version}")
    if part.disabled_eno:
        words.append(f"DisabledENO={part.disabled_eno}")
    words += sorted(f"{item.name}={item.value}" for item in part.items if isinstance(item, TemplateValue))
    negated = sorted(item.name for item in part.items if isinstance(item, Negated))
    automatic = sorted(item.name for item in part.items if isinstance(item, AutoPin))
    if negated:
        words.append("negated=" + ",".join(negated))
    if automatic:
        words.append("auto=" + ",".join(automatic))
    shape = " ".join(words)
    instance = next((item for item in part.items if isinstance(item, PartInstance)), None)
    operands = _instance_text(instance)
    return _Box(part.uid, shape + operands, shape, operands, [i for i in part.items if isinstance(i, XmlNode)])


def _call_box(call: Call) -> _Box:
    shape = f"Call {call.block_type} \"{call.name}\""
    operands = _instance_text(call.instance)
    box = _Box(call.uid, shape + operands, shape, operands)
    box.params = {p.name: f" ({p.section} {p.type})" for p in call.parameters}
    return box


def _generic_box(node: XmlNode) -> _Box:
    text = " / ".join(line.strip() for line in node_lines(node, ""))
    return _Box(node.attrs.get("UId"), text, text, "")


def _end_text(end: object, accesses: dict[str, FlgAccess | XmlNode]) -> object:
    """The far end of a wire as seen from a pin: a text, or (box uid, pin) for a box's pin."""
    if isinstance(end, Powerrail):
        return "powerrail"
    if isinstance(end, IdentCon):
        return access_text(accesses.get(end.uid)) if end.uid in accesses else "(missing operand)"
    if isinstance(end, NameCon):
        return (end.uid, end.name)
    if isinstance(end, OpenCon):
        return "(open)"
    if isinstance(end, XmlNode):
        return " / ".join(line.strip() for line in node_lines(end, ""))
    return repr(end)


def _wire_up(net: FlgNet, boxes: dict[str, _Box], accesses: dict[str, FlgAccess | XmlNode]) -> list[str]:
    """Each wire's ends onto the pins of its boxes; the lines of wires that touch no box."""
    loose: list[str] = []
    for wire in net.wires or ():
        if not isinstance(wire, Wire):
            loose.append(" / ".join(line.strip() for line in node_lines(wire, "")))
            continue
        ends = wire.connections
        if not ends:
            continue
        source, sinks = ends[0], ends[1:]
        touched = False
        if isinstance(source, NameCon) and source.uid in boxes:
            touched = True
            for sink in sinks:
                far = _end_text(sink, accesses)
                if not (isinstance(far, tuple) and far[0] in boxes):
                    boxes[source.uid].ends.append((source.name, _OUT, far))
        for sink in sinks:
            if isinstance(sink, NameCon) and sink.uid in boxes:
                touched = True
                boxes[sink.uid].ends.append((sink.name, _IN, _end_text(source, accesses)))
        if not touched:
            loose.append(" -> ".join(str(_end_text(end, accesses)) for end in ends))
    return loose


def _far_kind(far: object) -> str:
    """What a pin is wired to, without the operand's text: the shape of the network."""
    return far if isinstance(far, str) and far in ("powerrail", "(open)") else "operand"


def _neighbours(boxes: dict[str, _Box]) -> dict[str, list[tuple[str, str, str | None, str]]]:
    """Per box: (pin, direction, the box at the far end or None, its pin or what the pin is wired to)."""
    found: dict[str, list[tuple[str, str, str | None, str]]] = {uid: [] for uid in boxes}
    for uid, box in boxes.items():
        for pin, direction, far in box.ends:
            if isinstance(far, tuple) and far[0] in boxes:
                found[uid].append((pin, direction, far[0], far[1]))
                found[far[0]].append((far[1], _OUT if direction == _IN else _IN, uid, pin))
            else:
                found[uid].append((pin, direction, None, _far_kind(far)))
    return found


def _shapes(boxes: dict[str, _Box]) -> dict[str, str]:
    """Each box's colour: what it is, refined by the colours of the boxes wired to it, pin by pin, until the
    number of colours stops growing. Operands take no part: renaming one changes no colour."""
    neighbours = _neighbours(boxes)
    colour = {uid: _digest(box.shape) for uid, box in boxes.items()}
    for _ in range(len(boxes)):
        before = len(set(colour.values()))
        colour = {uid: _digest((colour[uid], sorted((pin, d, colour[other] if other is not None else "", far)
                                                    for pin, d, other, far in neighbours[uid])))
                  for uid in boxes}
        if len(set(colour.values())) == before:
            break
    return colour


def _contents(boxes: dict[str, _Box]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """What tells boxes of one shape apart: their operands, as text (a renamed operand keeps its box's place
    among them unless it sorts past another), then their neighbours' operands."""
    own = {uid: box.operands + " " + " ".join(sorted(f"{pin}{d}{far}" for pin, d, far in box.ends
                                                       if not isinstance(far, tuple)))
           for uid, box in boxes.items()}
    neighbours = _neighbours(boxes)
    return {uid: (own[uid], tuple(sorted(f"{pin}{d}{own[other]}" for pin, d, other, _far in neighbours[uid]
                                         if other is not None)))
            for uid in boxes}


def _depths(boxes: dict[str, _Box]) -> dict[str, int]:
    """The longest chain of boxes before each box (a cycle, which LAD and FBD do not have, stops the count)."""
    depth = dict.fromkeys(boxes, 0)
    for _ in range(len(boxes)):
        changed = False
        for uid, box in boxes.items():
            for _pin, direction, far in box.ends:
                if direction == _IN and isinstance(far, tuple) and far[0] in boxes and depth[far[0]] + 1 > depth[uid]:
                    depth[uid] = depth[far[0]] + 1
                    changed = True
        if not changed:
            break
    return depth


def _natural(pin: str) -> tuple[object, ...]:
    """``in2`` before ``in10``, ``en`` beside ``Enable``: pins in the order a reader looks for them."""
    return (*(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", pin.lower())), pin)


def flgnet_lines(net: FlgNet, indent: str) -> list[str]:
    """The listing of ``net`` at ``indent``."""
    lines: list[str] = []
    for node in net.head:
        lines += node_lines(node, indent)
    boxes: dict[str, _Box] = {}
    accesses: dict[str, FlgAccess | XmlNode] = {}
    unnumbered: list[_Box] = []
    for item in net.parts or ():
        if isinstance(item, FlgAccess) or (isinstance(item, XmlNode) and item.tag == "Access"):
            uid = item.uid if isinstance(item, FlgAccess) else item.attrs.get("UId")
            accesses[uid or f"?{len(accesses)}"] = item
            continue
        box = (_part_box(item) if isinstance(item, Part) else _call_box(item) if isinstance(item, Call)
               else _generic_box(item))
        if box.uid is None or box.uid in boxes:
            unnumbered.append(box)
        else:
            boxes[box.uid] = box
    loose = _wire_up(net, boxes, accesses)
    wired = {far for box in boxes.values() for _pin, _d, far in box.ends}
    shape = _shapes(boxes)
    content = _contents(boxes)
    depth = _depths(boxes)
    order = sorted(boxes, key=lambda uid: (depth[uid], shape[uid], content[uid]))
    number = {uid: index for index, uid in enumerate(order, start=1)}
    for uid in order:
        lines += _box_lines(boxes[uid], f"[{number[uid]}] ", number, indent)
    for box in sorted(unnumbered, key=lambda b: b.header):
        lines += _box_lines(box, "[-] ", number, indent)
    unwired = sorted(access_text(a) for uid, a in accesses.items() if access_text(a) not in wired)
    lines += [f"{indent}operand {text} (not wired)" for text in unwired]
    lines += [f"{indent}wire {text}" for text in sorted(loose)]
    for node in net.tail:
        lines += node_lines(node, indent)
    return lines


def _box_lines(box: _Box, label: str, number: dict[str, int], indent: str) -> list[str]:
    lines = [f"{indent}{label}{box.header}"]
    pad = indent + INDENT
    for node in box.extra:
        lines += node_lines(node, pad)
    pins: list[tuple[int, tuple[object, ...], str]] = []
    for pin, direction, far in box.ends:
        if isinstance(far, tuple):
            far_text = f"[{number[far[0]]}].{far[1]}" if far[0] in number else f"(unnumbered).{far[1]}"
        else:
            far_text = str(far)
        pins.append((0 if direction == _IN else 1, _natural(pin),
                     f"{pad}{pin}{box.params.get(pin, '')} {direction} {far_text}"))
    wired = {pin for pin, _d, _far in box.ends}
    pins += [(2, _natural(pin), f"{pad}{pin}{text}") for pin, text in box.params.items() if pin not in wired]
    lines += [text for _rank, _pin, text in sorted(pins)]
    return lines
