"""How the operands of a drawn LAD/FBD network read, from the SVG alone: what TIA's editor never writes.

An operand is a group with ``data-operand`` (its whole text) holding its lines (``text.operand``) and, when it is
shortened, its whole text in a tooltip (``title``). The checks:

* ``lone quote``: a line that is only a quote (or a quote and a dot or bracket), cut off its name;
* ``break inside a word``: two lines meet elsewhere than after a ``.``, before a ``[`` or at a blank, and no
  ellipsis marks the cut;
* ``off its pin``: beside a box pin the operand's last line is not on its pin's row, or an upper line stands level
  with another pin of the box (a reader takes it for that pin's operand);
* ``same text``: two different operands of the network read the same;
* ``no tooltip``: a shortened operand (its lines are not its text) without its whole text in the tooltip.
"""

from __future__ import annotations

import re
from collections import defaultdict

from lxml import etree

__all__ = ("CHECKS", "operand_faults")

CHECKS = ("lone quote", "break inside a word", "off its pin", "same text", "no tooltip")
ELLIPSIS = "…"
_LONE = re.compile(r'\s*"[\s.\[\]]*')
_BASELINE = 3.0
"""A box operand's last line is written this far above its pin's line (on the row, above the wire)."""
_LEVEL = 12.0
"""An upper line whose baseline is closer than a line of 12 px text to another pin's text line stands level with it."""


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _classes(element: etree._Element) -> list[str]:
    return (element.get("class") or "").split()


def _lines(group: etree._Element) -> list[etree._Element]:
    return [e for e in group if _local(e) == "text" and "operand" in _classes(e)]


def _tooltip(group: etree._Element) -> list[str]:
    """The lines of the operand's tooltip (its whole text, and a global tag's address)."""
    return next(((e.text or "").splitlines() for e in group if _local(e) == "title"), [])


def _break_faults(text: str, lines: list[str]) -> list[str]:
    faults = []
    for upper, lower in zip(lines, lines[1:], strict=False):
        if upper.endswith(ELLIPSIS) or lower.startswith(ELLIPSIS):
            continue
        if not (upper.endswith((".", " ")) or lower.startswith(("[", " "))):
            faults.append(f"{text!r}: {upper!r} / {lower!r}")
    return faults


def _pin_faults(root: etree._Element, operand: etree._Element, text: str, lines: list[etree._Element]) -> list[str]:
    """The lines of an operand beside a box pin against the pins of its box."""
    anchor = next((e for e in operand if _local(e) == "circle" and "pin" in _classes(e)), None)
    if anchor is None:
        return []
    ax, ay = float(anchor.get("cx") or 0), float(anchor.get("cy") or 0)
    rows: list[float] | None = None
    for box in root.iter("{*}g"):
        if "box" not in _classes(box):
            continue
        pins = [(float(e.get("cx") or 0), float(e.get("cy") or 0)) for e in box
                if _local(e) == "circle" and "pin" in _classes(e)]
        if any(abs(abs(px - ax) - 10) < 0.01 and abs(py - ay) < 0.01 for px, py in pins):
            rows = [py for _, py in pins]
            break
    if rows is None:
        return []
    ys = [float(e.get("y") or 0) for e in lines]
    faults = []
    if abs(ys[-1] - (ay - _BASELINE)) > 0.01:
        faults.append(f"{text!r}: last line at {ys[-1]}, its pin's row at {ay}")
    for y in ys[:-1]:
        if y >= ys[-1]:
            faults.append(f"{text!r}: an upper line at {y} is not above the last at {ys[-1]}")
        level = [row for row in rows if abs(row - ay) > 0.01 and abs(y - (row - _BASELINE)) < _LEVEL]
        if level:
            faults.append(f"{text!r}: a line at {y} level with the pin at {level[0]}")
    return faults


def operand_faults(svg: str) -> dict[str, list[str]]:
    """Per check (:data:`CHECKS`), the faults of the operands of one drawn network."""
    root = etree.fromstring(svg.encode())
    faults: dict[str, list[str]] = {check: [] for check in CHECKS}
    read_as: dict[str, set[str]] = defaultdict(set)
    for group in root.iter("{*}g"):
        text = group.get("data-operand")
        elements = _lines(group)
        if text is None or not elements:
            continue
        lines = [e.text or "" for e in elements]
        faults["lone quote"] += [f"{text!r}: {line!r}" for line in lines if _LONE.fullmatch(line)]
        faults["break inside a word"] += _break_faults(text, lines)
        faults["off its pin"] += _pin_faults(root, group, text, elements)
        read_as["".join(lines)].add(text)
        if "".join(lines) != text and text not in _tooltip(group):
            faults["no tooltip"].append(f"{text!r} reads {lines!r}, tooltip {_tooltip(group)!r}")
    faults["same text"] += [f"{sorted(texts)} all read {shown!r}" for shown, texts in read_as.items()
                            if len(texts) > 1]
    return faults
