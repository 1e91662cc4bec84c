"""Which pins a drawn LAD/FBD network joins, rebuilt from the SVG's geometry alone, and which ones its FlgNet joins.

The drawing side reads only what a viewer sees: the line segments of the wires (``g.wire`` paths, the vertical of a
LAD OR closure ``g.join``, the power rail ``line.rail``), the points where pins sit (``circle.pin`` of a part or an
operand, a zero-size marker at the pin's position; ``data-pin`` names the pin) and the extent of each box or symbol
(``rect.body``). Two segments are joined where one ends on the other or where they overlap on one line; two
segments that cross (neither ending there) are not, as in any schematic. A pin is joined to every segment through
its point and to every pin at the same point. Which wire a segment was drawn for (``data-wire``) is never read.
A junction dot (``circle.joint``) joins every line through it, as a viewer reads it, and must sit where a wire
branches (three or more arms): a dot on a crossing of two wires, or on a plain line or corner, is a fault.

Symbols: a LAD part TIA draws as a coil (``--( )--``: assignment, set/reset, edge coils, and GRAPH's transition,
interlock and supervision coils) must be drawn as one, two arcs and no visible box; a box drawn for it is a fault.

The XML side joins the ends of each ``Wire`` (``NameCon`` = part and pin, ``IdentCon`` = operand, ``Powerrail`` =
the rail); in LAD an ``O`` part is the closing of parallel branches, so its pins are one node, as TIA draws it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from simatic_xml.flgnet import FlgNet, IdentCon, NameCon, Part, Powerrail, Wire

__all__ = ("LAD_COILS", "Topology", "differences", "drawn_topology", "expected_topology", "layout_faults",
           "series_steps", "symbol_faults")

LAD_COILS = frozenset({"Coil", "SCoil", "RCoil", "PCoil", "NCoil", "SetCoil", "ResetCoil", "TrCoil", "IlCoil",
                       "SvCoil"})
"""Parts TIA's LAD editor draws as a coil (STEP 7 help, "--( )--: Assignment" and its kin; S7-GRAPH: a condition
ends in the transition's coil, an interlock in ``-(C)-``, a supervision in ``-(V)-``)."""

EPS = 0.01
NEAR = 3.0
"""Lines closer than this (a drawn line is 1.3 px wide) read as one: the checker joins them."""
RAIL = "rail"

Point = tuple[float, float]
Segment = tuple[Point, Point]


class _Union:
    def __init__(self) -> None:
        self.parent: dict[object, object] = {}

    def find(self, key: object) -> object:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, a: object, b: object) -> None:
        self.parent[self.find(a)] = self.find(b)


@dataclass
class Topology:
    """Pin -> the set of pins it is joined with (itself included); pins are ``part:pin``, an operand's UId, ``rail``."""

    groups: dict[str, frozenset[str]] = field(default_factory=dict)
    through: list[str] = field(default_factory=list)
    """Wire segments that run through a box or symbol, and junction dots where no wire branches (drawing side
    only)."""


def _groups(union: _Union, keys: Iterable[str]) -> dict[str, frozenset[str]]:
    by_root: dict[object, set[str]] = {}
    keys = list(keys)
    for key in keys:
        by_root.setdefault(union.find(key), set()).add(key)
    return {key: frozenset(by_root[union.find(key)]) for key in keys}


def expected_topology(net: FlgNet, language: str) -> Topology:
    """What the XML joins."""
    union = _Union()
    keys: set[str] = set()
    for wire in net.wires or ():
        if not isinstance(wire, Wire):
            continue
        ends: list[str] = []
        for end in wire.connections:
            if isinstance(end, NameCon):
                ends.append(f"{end.uid}:{end.name}")
            elif isinstance(end, IdentCon):
                ends.append(end.uid)
            elif isinstance(end, Powerrail):
                ends.append(RAIL)
        keys.update(ends)
        for other in ends[1:]:
            union.join(ends[0], other)
    if "LAD" in language.upper():
        for part in net.parts or ():
            if isinstance(part, Part) and part.name == "O" and part.uid:
                pins = sorted(k for k in keys if k.startswith(part.uid + ":"))
                for pin in pins[1:]:
                    union.join(pins[0], pin)
    return Topology(_groups(union, keys))


_NUMBER = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"


def _path_segments(d: str) -> list[Segment]:
    """The segments of a path written with absolute M, H, V and L commands."""
    out: list[Segment] = []
    here: Point = (0.0, 0.0)
    for command, args in re.findall(r"([MHVL])\s*([^MHVLZ]*)", d):
        numbers = [float(n) for n in re.findall(_NUMBER, args)]
        if command == "M":
            here = (numbers[0], numbers[1])
            continue
        if command == "H":
            to: Point = (numbers[0], here[1])
        elif command == "V":
            to = (here[0], numbers[0])
        else:
            to = (numbers[0], numbers[1])
        out.append((here, to))
        here = to
    if re.search(r"[^MHVL\s\d.,e-]", d):
        raise AssertionError(f"path data the checker does not read: {d!r}")
    return out


def _on(point: Point, segment: Segment) -> bool:
    """Whether ``point`` lies on ``segment`` as a viewer sees it (within :data:`NEAR`)."""
    (x1, y1), (x2, y2) = segment
    x, y = point
    if abs(x1 - x2) < EPS:
        return abs(x - x1) < NEAR and min(y1, y2) - NEAR <= y <= max(y1, y2) + NEAR
    if abs(y1 - y2) < EPS:
        return abs(y - y1) < NEAR and min(x1, x2) - NEAR <= x <= max(x1, x2) + NEAR
    raise AssertionError(f"a wire segment that is not square: {segment}")


def _joined(a: Segment, b: Segment) -> bool:
    """One ends on the other, or they run on one line (or so close that they read as one); a plain crossing is
    not a joint."""
    if any(_on(p, b) for p in a) or any(_on(p, a) for p in b):
        return True
    (ax1, ay1), (ax2, ay2) = a
    (bx1, by1), (bx2, by2) = b
    if abs(ay1 - ay2) < EPS and abs(by1 - by2) < EPS:  # two horizontals, one above the other
        return abs(ay1 - by1) < NEAR and min(ax1, ax2) < max(bx1, bx2) and min(bx1, bx2) < max(ax1, ax2)
    if abs(ax1 - ax2) < EPS and abs(bx1 - bx2) < EPS:
        return abs(ax1 - bx1) < NEAR and min(ay1, ay2) < max(by1, by2) and min(by1, by2) < max(ay1, ay2)
    return False


def _bounds(segment: Segment) -> tuple[float, float, float, float]:
    (x1, y1), (x2, y2) = segment
    return min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)


def _through(segment: Segment, box: tuple[float, float, float, float]) -> bool:
    """Whether the segment enters the inside of the box (its edges do not count)."""
    x, y, w, h = box
    left, right, top, bottom = _bounds(segment)
    return left < x + w - EPS and right > x + EPS and top < y + h - EPS and bottom > y + EPS


def _arms(point: Point, segments: list[Segment]) -> int:
    """How many directions lines leave ``point`` in (a straight line through it: 2, a corner: 2, a T: 3)."""
    arms = set()
    for (x1, y1), (x2, y2) in segments:
        horizontal = abs(y1 - y2) < EPS
        low, high = (min(x1, x2), max(x1, x2)) if horizontal else (min(y1, y2), max(y1, y2))
        at = point[0] if horizontal else point[1]
        if low < at - NEAR:
            arms.add("left" if horizontal else "up")
        if high > at + NEAR:
            arms.add("right" if horizontal else "down")
    return len(arms)


def _float(element: etree._Element, name: str) -> float:
    return float(element.get(name) or 0)


def _line(element: etree._Element) -> Segment:
    return (_float(element, "x1"), _float(element, "y1")), (_float(element, "x2"), _float(element, "y2"))


def drawn_topology(svg: str) -> Topology:
    """What the picture joins, from its geometry."""
    root = etree.fromstring(svg.encode())
    segments: list[Segment] = []
    rails: list[Segment] = []
    boxes: list[tuple[str, tuple[float, float, float, float]]] = []
    pins: list[tuple[str, Point]] = []
    dots: list[Point] = []
    for element in root.iter():
        tag = etree.QName(element).localname
        classes = (element.get("class") or "").split()
        parent = element.getparent()
        owner = parent if parent is not None else element
        owner_classes = (owner.get("class") or "").split()
        if tag == "path" and "wire" in owner_classes:
            segments += _path_segments(element.get("d") or "")
        elif tag == "line" and ("join" in owner_classes or "rail" in classes):
            (rails if "rail" in classes else segments).append(_line(element))
        elif tag == "rect" and "body" in classes:
            box = (_float(element, "x"), _float(element, "y"), _float(element, "width"), _float(element, "height"))
            boxes.append((owner.get("data-part") or "", box))
        elif tag == "circle" and "joint" in classes:
            dots.append((_float(element, "cx"), _float(element, "cy")))
        elif tag == "circle" and "pin" in classes:
            part = owner.get("data-part") or ""
            name = element.get("data-pin") or ""
            pins.append((f"{part}:{name}" if name else part, (_float(element, "cx"), _float(element, "cy"))))
    union = _Union()
    boxes_of = [_bounds(segment) for segment in segments]
    by_left = sorted(range(len(segments)), key=lambda i: boxes_of[i][0])
    for position, index in enumerate(by_left):  # sweep: only segments whose extents come near are compared
        union.find(("s", index))
        left, right, top, bottom = boxes_of[index]
        for other in by_left[position + 1:]:
            other_left, _, other_top, other_bottom = boxes_of[other]
            if other_left > right + NEAR:
                break
            if other_top <= bottom + NEAR and top <= other_bottom + NEAR and _joined(segments[index], segments[other]):
                union.join(("s", index), ("s", other))
        if any(_joined(segments[index], rail) for rail in rails):
            union.join(("s", index), RAIL)
    faults = []
    for dot in dots:  # a dot joins what runs through it, and is drawn only where a wire branches
        on = [number for number, segment in enumerate(segments) if _on(dot, segment)]
        for number in on[1:]:
            union.join(("s", on[0]), ("s", number))
        if _arms(dot, [segments[number] for number in on]) < 3:
            faults.append(f"a junction dot at {dot} where no wire branches")
    keys = [key for key, _ in pins] + ([RAIL] if rails else [])
    for index, (key, point) in enumerate(pins):
        for number, segment in enumerate(segments):
            left, right, top, bottom = boxes_of[number]
            if left - NEAR <= point[0] <= right + NEAR and top - NEAR <= point[1] <= bottom + NEAR \
                    and _on(point, segment):
                union.join(key, ("s", number))
        if any(_on(point, rail) for rail in rails):
            union.join(key, RAIL)
    pins.sort(key=lambda pin: pin[1][0])
    for index, (key, point) in enumerate(pins):  # pins at one point (an operand on its symbol's pin)
        for other_key, other_point in pins[index + 1:]:
            if other_point[0] - point[0] >= NEAR:
                break
            if abs(point[1] - other_point[1]) < NEAR:
                union.join(key, other_key)
    through = [f"segment {segment} runs through {uid}" for segment in segments for uid, box in boxes
               if _through(segment, box)]
    return Topology(_groups(union, keys), through + faults)


def differences(drawn: Topology, expected: Topology) -> list[str]:
    """Every pin whose joined pins differ between the picture and the XML, and every wire through a part."""
    found = [f"{key} is not drawn" for key in sorted(expected.groups) if key not in drawn.groups]
    for key in sorted(set(drawn.groups) | set(expected.groups)):
        if key not in drawn.groups:
            continue
        seen = drawn.groups[key]
        wanted = expected.groups.get(key, frozenset({key}))
        if seen != wanted:
            found.append(f"{key}: drawn joined to {sorted(seen - {key})}, XML joins {sorted(wanted - {key})}")
    return found + drawn.through


def symbol_faults(svg: str, net: FlgNet, language: str) -> list[str]:
    """Every LAD part TIA draws as a coil that the picture draws otherwise (a visible box, or no coil's arcs)."""
    if "LAD" not in language.upper():
        return []
    coils = {part.uid for part in net.parts or () if isinstance(part, Part) and part.name in LAD_COILS and part.uid}
    found = []
    for group in etree.fromstring(svg.encode()).iter("{*}g"):
        uid = group.get("data-part") or ""
        if uid not in coils:
            continue
        shapes = [(etree.QName(e).localname, (e.get("class") or "").split()) for e in group]
        boxes = [classes for tag, classes in shapes if tag == "rect" and "extent" not in classes]
        arcs = [classes for tag, classes in shapes if tag == "path" and "sym" in classes]
        if boxes or len(arcs) < 2:
            found.append(f"{uid} ({group.get('data-name')}) is not drawn as a coil")
    return found


def _wire_lines(root: etree._Element) -> tuple[list[tuple[Segment, bool]], list[Segment], list[Point], list[Point]]:
    """(segment, whether it is an open stub) of every wire and closing line, the rail, the dots, the pins."""
    lines: list[tuple[Segment, bool]] = []
    rails: list[Segment] = []
    dots: list[Point] = []
    pins: list[Point] = []
    for element in root.iter():
        tag = etree.QName(element).localname
        classes = (element.get("class") or "").split()
        parent = element.getparent()
        owner_classes = ((parent if parent is not None else element).get("class") or "").split()
        if tag == "path" and "wire" in owner_classes:
            stub = "stub" in classes or "stub" in owner_classes
            lines += [(segment, stub) for segment in _path_segments(element.get("d") or "")]
        elif tag == "line" and "join" in owner_classes:
            lines.append((_line(element), False))
        elif tag == "line" and "rail" in classes:
            rails.append(_line(element))
        elif tag == "circle" and "joint" in classes:
            dots.append((_float(element, "cx"), _float(element, "cy")))
        elif tag == "circle" and "pin" in classes:
            pins.append((_float(element, "cx"), _float(element, "cy")))
    return lines, rails, dots, pins


def _exactly_on(point: Point, segment: Segment) -> bool:
    (x1, y1), (x2, y2) = segment
    return (min(x1, x2) - EPS <= point[0] <= max(x1, x2) + EPS and min(y1, y2) - EPS <= point[1] <= max(y1, y2) + EPS
            and (abs(x1 - x2) < EPS or abs(y1 - y2) < EPS))


def _crossings(lines: list[Segment], dots: list[Point]) -> list[str]:
    """A horizontal and a vertical that pass through each other (neither ends there) where no dot joins them."""
    horizontals = [s for s in lines if abs(s[0][1] - s[1][1]) < EPS and abs(s[0][0] - s[1][0]) >= EPS]
    verticals = [s for s in lines if abs(s[0][0] - s[1][0]) < EPS and abs(s[0][1] - s[1][1]) >= EPS]
    found = []
    for horizontal in horizontals:
        left, right, y, _ = _bounds(horizontal)
        for vertical in verticals:
            x, _, top, bottom = _bounds(vertical)
            if left + NEAR < x < right - NEAR and top + NEAR < y < bottom - NEAR \
                    and not any(abs(d[0] - x) < EPS and abs(d[1] - y) < EPS for d in dots):
                found.append(f"wires cross at ({x:g}, {y:g})")
    return found


def _missed_pins(lines: list[tuple[Segment, bool]], rails: list[Segment], pins: list[Point]) -> list[str]:
    """Every end of a wire that lands on no pin, no other line and no rail: beside a pin (within a few pixels) it
    missed the pin; an open stub's far end is open on purpose."""
    found = []
    for index, (segment, stub) in enumerate(lines):
        for number, end in enumerate(segment):
            if any(abs(end[0] - p[0]) < EPS and abs(end[1] - p[1]) < EPS for p in pins):
                continue
            if stub and number == 1:
                continue
            if any(other != index and _exactly_on(end, line) for other, (line, _) in enumerate(lines)) \
                    or any(_exactly_on(end, rail) for rail in rails):
                continue
            near = [p for p in pins if abs(end[0] - p[0]) < 3 * NEAR and abs(end[1] - p[1]) < 3 * NEAR]
            found.append(f"a wire end at ({end[0]:g}, {end[1]:g}) " + (f"misses the pin at {near[0]}" if near
                                                                       else "ends on nothing"))
    return found


def _eno_row(root: etree._Element) -> list[str]:
    """A box with EN draws ENO on EN's row, and no other output there (TIA: the first row is EN/ENO's, the data
    outputs start on the next row)."""
    found = []
    for group in root.iter("{*}g"):
        if "box" not in (group.get("class") or "").split():
            continue
        body = next((e for e in group if etree.QName(e).localname == "rect"), None)
        if body is None:
            continue
        right = _float(body, "x") + _float(body, "width")
        marks = {(e.get("data-pin") or "").lower(): (_float(e, "cx"), _float(e, "cy")) for e in group
                 if etree.QName(e).localname == "circle" and "pin" in (e.get("class") or "").split()}
        if "en" not in marks:
            continue
        uid = group.get("data-part")
        if "eno" not in marks:
            found.append(f"{uid} ({group.get('data-name')}) has EN but no ENO")
        for name, (x, y) in marks.items():
            if name != "eno" and abs(x - right) < EPS and abs(y - marks["en"][1]) < EPS:
                found.append(f"{uid} ({group.get('data-name')}): output {name} on the EN/ENO row")
    return found


def series_steps(svg: str, net: FlgNet) -> tuple[int, list[str]]:
    """The plain series wires of ``net`` (one part's output into one input of another, no OR between) and those
    drawn with a step: the two pins on different rows (TIA draws parts in series on one row)."""
    pins: dict[str, float] = {}
    for group in etree.fromstring(svg.encode()).iter("{*}g"):
        uid = group.get("data-part")
        for element in group if uid else ():
            if etree.QName(element).localname == "circle" and "pin" in (element.get("class") or "").split():
                pins[f"{uid}:{element.get('data-pin')}"] = _float(element, "cy")
    ors = {part.uid for part in net.parts or () if isinstance(part, Part) and part.name == "O"}
    series, steps = 0, []
    for wire in net.wires or ():
        ends = wire.connections if isinstance(wire, Wire) else []
        named = [end for end in ends if isinstance(end, NameCon) and end.uid not in ors]
        if len(ends) != 2 or len(named) != 2:
            continue
        source, sink = (f"{end.uid}:{end.name}" for end in named)
        if source in pins and sink in pins:
            series += 1
            if abs(pins[source] - pins[sink]) > EPS:
                steps.append(f"{source} -> {sink} steps {pins[sink] - pins[source]:+.0f} px")
    return series, steps


def layout_faults(svg: str) -> list[str]:
    """What TIA's editor never draws: two wires crossing, a data output on a box's EN/ENO row, a wire that ends
    beside its pin or on nothing."""
    root = etree.fromstring(svg.encode())
    lines, rails, dots, pins = _wire_lines(root)
    return _crossings([s for s, _ in lines], dots) + _eno_row(root) + _missed_pins(lines, rails, pins)
