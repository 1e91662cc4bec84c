"""A block's two versions side by side: SCL/STL networks as a line diff, LAD/FBD networks drawn twice with the parts
only one side has marked. Which networks changed comes from the service's semantic compare (UIds and export noise
ignored); this module only shows where."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from html import escape

from engineering_api.console.render.ladder import draw_network
from engineering_api.console.render.operands import operand_of
from simatic_xml import flgnet, tokens_to_text
from simatic_xml.flgnet import Call, FlgAccess, FlgNet, IdentCon, NameCon, Part, Wire
from simatic_xml.model import Document
from simatic_xml.objects import Block, CompileUnit
from simatic_xml.xmlnode import XmlNode

__all__ = ("NetworkDiff", "block_diff", "marked_network", "part_signatures", "scl_line_diff")


@dataclass(slots=True)
class NetworkDiff:
    """One network of the comparison: ``state`` is ``same``, ``changed``, ``added`` or ``removed``."""

    index: int
    title: str
    language: str
    state: str
    old_html: str = ""
    new_html: str = ""
    text_diff: list[tuple[str, str]] = field(default_factory=list)
    """For SCL/STL: (``same``/``added``/``removed``, line) in order."""


def part_signatures(net: FlgNet) -> dict[str, str]:
    """Part UId -> what the part is, without UIds: its instruction and the operands on each pin (an Access: its
    operand), so the same rung exported twice gives the same signatures."""
    operands: dict[tuple[str, str], str] = {}
    for wire in net.wires or ():
        if not isinstance(wire, Wire) or not wire.connections:
            continue
        ends = wire.connections
        idents = [c for c in ends if isinstance(c, IdentCon)]
        pins = [c for c in ends if isinstance(c, NameCon)]
        for ident in idents:
            access = net.by_uid(ident.uid)
            if isinstance(access, FlgAccess):
                for pin in pins:
                    operands[(pin.uid, pin.name)] = operand_of(access).text
    out: dict[str, str] = {}
    for item in net.parts or ():
        if isinstance(item, FlgAccess) and item.uid:
            out[item.uid] = "access " + operand_of(item).text
        elif isinstance(item, (Part, Call)) and item.uid:
            pin_texts = sorted((pin, text) for (uid, pin), text in operands.items() if uid == item.uid)
            out[item.uid] = f"{type(item).__name__} {item.name} {pin_texts}"
    return out


def marked_network(net: FlgNet, other: FlgNet | None, mark: str, language: str) -> str:
    """The SVG of ``net`` with each part ``other`` lacks (by :func:`part_signatures`) given ``data-mark=mark``."""
    svg = draw_network(net, language).svg
    if other is None:
        return svg
    mine, theirs = part_signatures(net), Counter(part_signatures(other).values())
    for uid, signature in mine.items():
        if theirs[signature]:
            theirs[signature] -= 1
            continue
        svg = svg.replace(f'data-part="{escape(uid)}"', f'data-part="{escape(uid)}" data-mark="{mark}"', 1)
    return svg


def scl_line_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The lines of both texts in order, each ``same``, ``added`` or ``removed``."""
    out: list[tuple[str, str]] = []
    for line in difflib.ndiff(old.split("\n"), new.split("\n")):
        code, text = line[:2], line[2:]
        if code == "  ":
            out.append(("same", text))
        elif code == "+ ":
            out.append(("added", text))
        elif code == "- ":
            out.append(("removed", text))
    return out


def _units(doc: Document | None) -> list[CompileUnit]:
    return doc.object.compile_units if doc is not None and isinstance(doc.object, Block) else []


def _text_of(body: XmlNode | None) -> str | None:
    if body is not None and body.tag == "StructuredText":
        return tokens_to_text(body)
    return None


def block_diff(old: Document | None, new: Document | None, changed: set[int],
               only: int | None = None) -> list[NetworkDiff]:
    """Network by network; ``changed`` are the (1-based) networks the semantic compare found changed; ``only``:
    that network alone (the others are not drawn)."""
    old_units, new_units = _units(old), _units(new)
    out: list[NetworkDiff] = []
    for index in range(1, max(len(old_units), len(new_units)) + 1):
        if only is not None and index != only:
            continue
        before = old_units[index - 1] if index <= len(old_units) else None
        after = new_units[index - 1] if index <= len(new_units) else None
        unit = after or before
        state = "added" if before is None else "removed" if after is None else (
            "changed" if index in changed else "same")
        title = ""
        if unit is not None and unit.title is not None:
            title = unit.title.text("en-US") or ""
        language = (unit.programming_language if unit is not None else None) or ""
        entry = NetworkDiff(index, title, language, state)
        old_body = before.network_source.body if before is not None and before.network_source else None
        new_body = after.network_source.body if after is not None and after.network_source else None
        old_net = flgnet.from_xml(old_body) if old_body is not None and old_body.tag == "FlgNet" else None
        new_net = flgnet.from_xml(new_body) if new_body is not None and new_body.tag == "FlgNet" else None
        if old_net is not None or new_net is not None:
            if old_net is not None:
                entry.old_html = marked_network(old_net, new_net if state != "same" else None, "removed", language)
            if new_net is not None:
                entry.new_html = marked_network(new_net, old_net if state != "same" else None, "added", language)
        else:
            entry.text_diff = scl_line_diff(_text_of(old_body) or "", _text_of(new_body) or "")
        out.append(entry)
    return out
