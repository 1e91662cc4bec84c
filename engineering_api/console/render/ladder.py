"""A LAD or FBD network drawn as SVG from its typed FlgNet (:mod:`simatic_xml.flgnet`).

The picture follows TIA's editor: the power rail on the left in LAD, the flow left to right in columns (a part's
column is one past its furthest predecessor; coils end the rung), series parts on one line and branches below,
operands above contacts and coils and beside box pins, wires drawn square. Every Access, Part and Call of the
network is drawn exactly once (``data-part`` = its UId) and so is every wire (``data-wire``), so monitoring can
colour them and a test can count them against the FlgNet.

Which end of a wire is its source: the first connection (TIA writes the Powerrail, the output pin or the operand
of an input first), so a pin that starts a wire is an output and every other pin an input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape

from engineering_api.console.render.ladder_layout import route
from engineering_api.console.render.ladder_parts import Box, Net, Placement
from engineering_api.console.render.ladder_words import (
    COILS, COMPARATORS, CONTACTS, instance_text, is_auto, pin_label, pin_rank, title, type_line,
)
from engineering_api.console.render.operand_types import auto_type
from engineering_api.console.render.operand_wrap import CELL_CHARS, distinct_lines
from engineering_api.console.render.operands import Operand, operand_of
from engineering_api.console.render.svg_lines import joints_svg as _joints
from engineering_api.console.render.svg_lines import n as _n
from engineering_api.console.render.svg_lines import path_data as _path
from engineering_api.console.render.svg_lines import pin_mark as _pin_mark
from simatic_xml.flgnet import (
    Call, FlgAccess, FlgNet, IdentCon, NameCon, Negated, OpenCon, Part, Powerrail, Wire,
)
from simatic_xml.xmlnode import XmlNode

__all__ = ("LadderPicture", "draw_network")

CHAR_W = 7
"""Width of one character of the 12 px monospace font, for sizing."""
ROW = 24
"""Height of one pin row of a box (a multiple of the layout's grid)."""
HEADER = 28
"""Height of a box's title, above its first pin row."""
LINE = 16
"""Height of one line of operand text above or below a symbol."""
RAIL_X = 8

MARGIN = 14

_MONITORED_OUTPUTS = {"TON": ("ET",), "TOF": ("ET",), "TP": ("ET",), "TONR": ("ET",), "CTU": ("CV",),
                      "CTD": ("CV",), "CTUD": ("CV",)}
"""The outputs of IEC timers and counters whose values monitoring writes at the pin (their instance's members)."""
_CELL_W = CELL_CHARS * CHAR_W + 8
"""The width of a contact's or coil's cell."""
_SYMBOLS = ("contact", "coil", "compare")


@dataclass(slots=True)
class _Node:
    """A Part or Call placed in the picture."""

    uid: str
    item: Part | Call | XmlNode
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    negated: set[str] = field(default_factory=set)
    kind: str = "box"
    """``box``, ``contact``, ``coil``, ``compare`` (LAD's contact-like comparator) or ``join`` (LAD's OR of
    parallel branches)."""
    drawn_operands: dict[str, str] = field(default_factory=dict)
    """Pins whose operand is written above (``above``) or below (``below``) the part instead of at its side."""
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    above: float = 0
    """How far the drawing reaches above ``y`` (a box's instance name)."""
    mid: float = 0
    """A symbol's line, from ``y``."""
    order: int = 0
    pin_y: dict[str, float] = field(default_factory=dict)
    """A join's inputs sit on the lines of the branches they close (set once the branches are placed)."""
    types: str = ""
    """The data types under the title (:func:`type_line`, an ``Auto`` box's with the type it resolved to)."""
    row_lines: list[int] = field(default_factory=list)
    """Per pin row of a box, the lines of the longest operand beside it (a row grows to hold them)."""
    row_gaps: list[float] = field(default_factory=list)
    """Per pin row of a LAD box, the room added above it to put its input on the line of the wire feeding it (TIA
    stretches the box; set once the box is placed)."""

    def offset(self, name: str) -> tuple[float, float]:
        """Where a wire meets pin ``name``, from the node's top left corner."""
        place = self.drawn_operands.get(name)
        if self.kind in _SYMBOLS:
            if place is not None:
                return self.width / 2, self.mid + (-12 if place == "above" else 12)
            return (self.width, self.mid) if name in self.outputs else (0, self.mid)
        if place is not None:
            return self.width / 2, 0
        if self.kind == "join":
            if name in self.outputs:
                return self.width, 0
            return 0, self.pin_y.get(name, 0)
        if name in self.outputs:
            return self.width, self.row_y(self.outputs.index(name))
        rows = self.pin_rows()
        return 0, self.row_y(rows.index(name) if name in rows else 0)

    def row_y(self, index: int) -> float:
        """The line of pin row ``index``: rows whose operands wrap are taller, their pin on the last line."""
        extra = [LINE * (lines - 1) for lines in self.row_lines]
        before = sum(extra[:index]) + (extra[index] if index < len(extra) else 0)
        return self.header() + ROW / 2 + index * ROW + before + sum(self.row_gaps[:index + 1])

    def pin_rows(self) -> list[str]:
        """The input pins written at the box's left side."""
        return [p for p in self.inputs if p not in self.drawn_operands]

    def header(self) -> float:
        """The title's height: one line, two with the data types."""
        return HEADER + (LINE if self.types else 0)

    def pin(self, name: str) -> tuple[float, float]:
        """Where a wire meets pin ``name``."""
        dx, dy = self.offset(name)
        return self.x + dx, self.y + dy


@dataclass(slots=True)
class LadderPicture:
    """One drawn network: the SVG text and how many parts and wires it drew (for the corpus test)."""

    svg: str
    parts_drawn: int
    wires_drawn: int


def _xml_name(item: Part | Call | XmlNode) -> str:
    return item.tag if isinstance(item, XmlNode) else item.name


_OPEN_STUB = 16


class _Layout:
    """Places the nodes and operands of one network, then writes the SVG."""

    def __init__(self, net: FlgNet, language: str, addresses: Mapping[str, str] | None,
                 types: Mapping[str, str] | None = None) -> None:
        self.net = net
        self.types = types or {}
        self.lad = language.upper() == "LAD"
        self.addresses = addresses or {}
        self.accesses: dict[str, FlgAccess | XmlNode] = {}
        self.nodes: dict[str, _Node] = {}
        self.loose: list[tuple[str, Part | Call | XmlNode | FlgAccess]] = []
        for order, item in enumerate(net.parts or ()):
            uid = item.attrs.get("UId") if isinstance(item, XmlNode) else item.uid
            if isinstance(item, FlgAccess) or (isinstance(item, XmlNode) and item.tag == "Access"):
                if uid is not None:
                    self.accesses[uid] = item
                else:
                    self.loose.append(("", item))
            elif uid is None:
                self.loose.append(("", item))
            else:
                self.nodes[uid] = _Node(uid, item, order=order)
        self.shown = distinct_lines(operand_of(access, self.addresses).text for access in self.accesses.values())
        """Operand text -> its lines: the network's operands at once, so that no two read the same."""
        self.wires = [w for w in (net.wires or ()) if isinstance(w, Wire)]
        self.raw_wires = [w for w in (net.wires or ()) if isinstance(w, XmlNode)]
        self.operand_pins: dict[str, list[tuple[str, str]]] = {}
        """Access UId -> the (node, pin) pairs it is wired to, first one where it is drawn."""
        self.open_pins: set[tuple[str, str]] = set()
        """Pins wired to an ``OpenCon`` only: drawn with an open stub."""
        self.wired: set[tuple[str, str]] = set()
        self.placement = Placement()
        self._pins()

    # ----- structure -------------------------------------------------------------------------
    def _add_pin(self, uid: str, name: str, output: bool) -> None:
        node = self.nodes.get(uid)
        if node is None:
            return
        pins = node.outputs if output else node.inputs
        if name not in node.inputs and name not in node.outputs:
            pins.append(name)

    def _pins(self) -> None:
        for node in self.nodes.values():
            item = node.item
            if isinstance(item, Call):  # the declared pins, in the called block's order, even unwired ones
                for parameter in item.parameters:
                    self._add_pin(node.uid, parameter.name, parameter.section in ("Output", "Return"))
            if isinstance(item, Part):
                node.negated = {i.name for i in item.items if isinstance(i, Negated)}
        for wire in self.wires:
            ends = [c for c in wire.connections if not isinstance(c, XmlNode)]
            for index, end in enumerate(ends):
                if isinstance(end, NameCon):
                    self._add_pin(end.uid, end.name, index == 0)
                    self.wired.add((end.uid, end.name))
            source = ends[0] if ends else None
            for end in ends[1:]:
                if isinstance(source, IdentCon) and isinstance(end, NameCon):
                    self.operand_pins.setdefault(source.uid, []).append((end.uid, end.name))
                if isinstance(source, NameCon) and isinstance(end, IdentCon):
                    self.operand_pins.setdefault(end.uid, []).append((source.uid, source.name))
            named = [e for e in ends if isinstance(e, NameCon)]
            if len(named) == 1 and len(ends) == 2 and any(isinstance(e, OpenCon) for e in ends):
                self.open_pins.add((named[0].uid, named[0].name))
        for node in self.nodes.values():
            if isinstance(node.item, Call):  # TIA draws a call's EN and ENO, wired or not
                self._add_pin(node.uid, "en", False)
            if "en" in node.inputs:  # and a box's ENO beside its EN, wired or not
                self._add_pin(node.uid, "eno", True)
            # TIA draws EN and ENO on a box's top row, the other pins in the instruction's order.
            item = node.item
            node.inputs.sort(key=lambda pin: pin_rank(item, pin))
            node.outputs.sort(key=lambda pin: pin_rank(item, pin))
            self._shape(node)

    def _shape(self, node: _Node) -> None:
        item = node.item
        resolved = None
        if is_auto(item):
            inputs = [self._pin_operand(node.uid, p).text for p in node.inputs
                      if p.lower() not in ("en", "pre") and self._has_operand(node.uid, p)]
            resolved = auto_type(inputs, self.types) if inputs else None
        node.types = type_line(item, resolved)
        name = item.name if isinstance(item, Part) else ""
        with_operand = {pin for pin in node.inputs if self._has_operand(node.uid, pin)}
        if self.lad and name in CONTACTS:
            node.kind = "contact"
            node.drawn_operands = {p: ("above" if p == "operand" else "below") for p in ("operand", "bit")
                                   if p in node.inputs}
        elif self.lad and name in COILS:
            node.kind = "coil"
            node.drawn_operands = {p: ("above" if p == "operand" else "below") for p in ("operand", "bit")
                                   if p in node.inputs}
        elif self.lad and name in COMPARATORS and {"in1", "in2"} <= with_operand:
            node.kind = "compare"
            node.drawn_operands = {"in1": "above", "in2": "below"}
        elif self.lad and name == "O" and "operand" not in node.inputs:
            node.kind = "join"
        elif "operand" in with_operand:  # the assigned operand of SR, RS and FBD's =, S, R: above the box
            node.drawn_operands = {"operand": "above"}
        if node.kind in _SYMBOLS:
            above = [self._pin_operand(node.uid, p) for p, at in node.drawn_operands.items() if at == "above"]
            below = [self._pin_operand(node.uid, p) for p, at in node.drawn_operands.items() if at == "below"]
            node.width = _CELL_W  # one width for every contact and coil; a long operand wraps above it
            lines_above = sum(len(self._lines(t.text)) + (1 if t.address else 0) for t in above)
            node.mid = LINE * lines_above + 16
            inside = LINE if node.kind == "compare" else 0  # the compared type, under the relation
            node.height = node.mid + 16 + inside + LINE * sum(len(self._lines(t.text)) for t in below)
            return
        if node.kind == "join":
            node.width = 12
            return
        pins = max(len(node.pin_rows()), len(node.outputs), 1)
        labels_in = [pin_label(item, p) for p in node.pin_rows()]
        labels_out = [pin_label(item, p) for p in node.outputs]
        pin_text = max(map(len, labels_in), default=0) + max(map(len, labels_out), default=0)
        assigned = [self._lines(self._pin_operand(node.uid, p).text) for p in node.drawn_operands]
        words = max(len(title(item, self.lad)), len(node.types), *(len(line) for t in assigned for line in t))
        node.width = max(72, words * CHAR_W + 16, pin_text * CHAR_W + 24)
        node.row_lines = [self._row_lines(node, index) for index in range(pins)]
        node.height = node.header() + pins * ROW + LINE * (sum(node.row_lines) - pins) + 4
        node.above = LINE * ((1 if instance_text(item) else 0) + sum(len(lines) for lines in assigned))

    def _row_lines(self, node: _Node, index: int) -> int:
        """The lines of the longest operand beside pin row ``index`` of a box (its input's or its output's)."""
        pins = [side[index] for side in (node.pin_rows(), node.outputs) if index < len(side)]
        return max((len(self._lines(self._pin_operand(node.uid, p).text)) for p in pins
                    if self._has_operand(node.uid, p)), default=1)

    def _lines(self, text: str) -> list[str]:
        """The lines ``text`` is drawn over (every operand of the network is in :attr:`shown`; ``??`` is not)."""
        return self.shown.get(text) or [text]

    def _pin_operand(self, uid: str, pin: str) -> Operand:
        for access_uid, pins in self.operand_pins.items():
            if (uid, pin) in pins:
                return operand_of(self.accesses.get(access_uid), self.addresses)
        return Operand("??")

    # ----- placement -------------------------------------------------------------------------
    def _margin(self, node: _Node, outputs: bool) -> float:
        """Room beside a box for the operands (and open stubs) of its pins on one side."""
        if node.kind in (*_SYMBOLS, "join"):
            return 0
        pins = node.outputs if outputs else node.pin_rows()
        widest = max((len(line) for p in pins if self._has_operand(node.uid, p)
                      for line in self._lines(self._pin_operand(node.uid, p).text)), default=0)
        room = widest * CHAR_W + 14 if widest else 0
        if any((node.uid, p) in self.open_pins or (node.uid, p) not in self.wired for p in pins):
            room = max(room, _OPEN_STUB + 4)
        if outputs and _MONITORED_OUTPUTS.get(_xml_name(node.item)):
            room = max(room, 12 * CHAR_W)  # a monitored T#…/count value
        return room

    def _has_operand(self, uid: str, pin: str) -> bool:
        return any((uid, pin) in pins for pins in self.operand_pins.values())

    def _nets(self) -> list[Net]:
        nets = []
        for wire in self.wires:
            ends = [c for c in wire.connections if not isinstance(c, XmlNode)]
            sinks = [(e.uid, e.name) for e in ends[1:] if isinstance(e, NameCon)]
            if ends and isinstance(ends[0], Powerrail):
                nets.append(Net(wire.uid or "", None, sinks))
            elif ends and isinstance(ends[0], NameCon):
                nets.append(Net(wire.uid or "", (ends[0].uid, ends[0].name), sinks))
        return nets

    def place(self) -> tuple[float, float]:
        boxes = {}
        for node in self.nodes.values():
            boxes[node.uid] = Box(
                node.uid, node.width, node.height,
                inputs={p: node.offset(p)[1] for p in node.inputs if p not in node.drawn_operands},
                outputs={p: node.offset(p)[1] for p in node.outputs}, above=node.above,
                left_margin=self._margin(node, False), right_margin=self._margin(node, True),
                order=node.order, join=node.kind == "join",
                rows=[tuple(side[index] for side in (node.pin_rows(), node.outputs) if index < len(side))
                      for index in range(len(node.row_lines))] if self.lad and node.kind == "box" else [])
        self.placement = route(boxes, self._nets(), top=MARGIN + 8, rail_x=RAIL_X,
                               start=RAIL_X + (16 if self.lad else 0),
                               last_column=lambda uid: self.lad and self.nodes[uid].kind == "coil")
        for uid, (x, y) in self.placement.position.items():
            node = self.nodes[uid]
            node.x, node.y = x, y
            if node.kind == "join":
                node.pin_y = self.placement.join_inputs.get(uid, {})
                node.height = max(node.pin_y.values(), default=0)
            gaps = self.placement.row_gaps.get(uid)
            if gaps:
                node.row_gaps = gaps
                node.height += sum(gaps)
        self.loose_y = self.placement.height + 14
        count = len(self.loose) + sum(1 for uid in self.accesses if uid not in self.operand_pins)
        return max(self.placement.width + MARGIN, 160), self.loose_y + 20 * count + MARGIN

    # ----- drawing ---------------------------------------------------------------------------
    def draw(self) -> LadderPicture:
        width, height = self.place()
        out: list[str] = []
        if any(isinstance(c, Powerrail) for w in self.wires for c in w.connections):
            out.append(f'<line class="rail" x1="{RAIL_X}" y1="{MARGIN}" x2="{RAIL_X}" y2="{_n(height - MARGIN)}"/>')
        drawn_parts = 0
        for node in self.nodes.values():
            out.append(self._node_svg(node))
            drawn_parts += 1
        placed_access: set[str] = set()
        for uid, access in self.accesses.items():
            out.append(self._access_svg(uid, access, placed_access))
            drawn_parts += 1
        for index, (_, item) in enumerate(self.loose):
            y = self.loose_y + 20 * index
            text = title(item, self.lad) if not isinstance(item, FlgAccess) else operand_of(item, self.addresses).text
            out.append(f'<g class="part loose" data-part=""><text x="{MARGIN}" '
                       f'y="{_n(y + 12)}">{escape(text)}</text></g>')
            drawn_parts += 1
        drawn_wires = 0
        for wire in self.wires:
            out.append(self._wire_svg(wire))
            drawn_wires += 1
        for raw in self.raw_wires:
            uid = escape(raw.attrs.get("UId", ""))
            out.append(f'<g class="wire unknown" data-wire="{uid}"><title>{escape(raw.tag)}</title></g>')
            drawn_wires += 1
        stubs = self._unwired_stubs()
        if stubs:
            out.append(f'<g class="wire stub"><path d="{stubs}"/></g>')
        language = "LAD" if self.lad else "FBD"
        svg = (f'<svg class="network {language.lower()}" xmlns="http://www.w3.org/2000/svg" role="img" '
               f'aria-label="{language} network" width="{width:.0f}" height="{height:.0f}" '
               f'viewBox="0 0 {width:.0f} {height:.0f}">' + "".join(out) + "</svg>")
        return LadderPicture(svg, drawn_parts, drawn_wires)

    def _unwired_stubs(self) -> str:
        """Declared pins of a call that no wire reaches: a short open line, as TIA shows them."""
        segments = []
        for node in self.nodes.values():
            if node.kind != "box":
                continue
            for pin in node.inputs + node.outputs:
                if (node.uid, pin) in self.wired:
                    continue
                px, py = node.pin(pin)
                step = _OPEN_STUB if pin in node.outputs else -_OPEN_STUB
                segments.append(((px, py), (px + step, py)))
        return _path(segments)

    def _node_svg(self, node: _Node) -> str:
        x, y, w, h = node.x, node.y, node.width, node.height
        uid = escape(node.uid)
        name = escape(_xml_name(node.item))
        if node.kind in _SYMBOLS:
            return self._symbol_svg(node)
        if node.kind == "join":
            marks = "".join(_pin_mark(p, node.pin(p)) for p in node.inputs + node.outputs)
            return (f'<g class="part join" data-part="{uid}" data-name="{name}"><line x1="{_n(x)}" y1="{_n(y)}" '
                    f'x2="{_n(x)}" y2="{_n(y + h)}"/><line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x + w)}" '
                    f'y2="{_n(y)}"/>{marks}</g>')
        item = node.item
        parts = [f'<g class="part box" data-part="{uid}" data-name="{name}">',
                 f'<rect class="body" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="2"/>',
                 f'<text class="box-name" x="{_n(x + w / 2)}" y="{_n(y + 16)}">{escape(title(item, self.lad))}</text>']
        types = node.types
        if types:
            parts.append(f'<text class="box-type" x="{_n(x + w / 2)}" y="{_n(y + 16 + LINE)}">{escape(types)}</text>')
        line_y = y - 4
        for pin in node.drawn_operands:  # the assigned operand, above the box (and above it the instance)
            text = self._pin_operand(node.uid, pin).text
            line_y -= LINE * (len(self._lines(text)) - 1)
            parts.append(self._operand_text(text, x + w / 2, line_y, -13) + _pin_mark(pin, node.pin(pin)))
            line_y -= LINE
        instance = instance_text(item)
        if instance:
            parts.append(f'<text class="instance" x="{_n(x + w / 2)}" y="{_n(line_y)}">{escape(instance)}</text>')
        shown_values = _MONITORED_OUTPUTS.get(_xml_name(item), ()) if instance else ()
        for pin in node.pin_rows() + node.outputs:
            px, py = node.pin(pin)
            output = pin in node.outputs
            if pin.upper() in shown_values and not self._has_operand(node.uid, pin):  # monitoring writes ET, CV here
                parts.append(f'<g data-operand="{escape(f"{instance}.{pin.upper()}")}" data-value-dy="0">'
                             f'<text class="pin-value" x="{_n(px + 8)}" y="{_n(py - 3)}"></text></g>')
            tx = px - 4 if output else px + 4
            parts.append(f'<text class="pin {"out" if output else "in"}" x="{_n(tx)}" y="{_n(py + 4)}">'
                         f"{escape(pin_label(item, pin))}</text>" + _pin_mark(pin, (px, py)))
            if pin in node.negated:
                parts.append(f'<circle class="negated" cx="{_n(px + 4 if output else px - 4)}" cy="{_n(py)}" r="4"/>')
        parts.append("</g>")
        return "".join(parts)

    def _symbol_svg(self, node: _Node) -> str:
        item = node.item
        assert isinstance(item, Part)
        x, w = node.x, node.width
        mid = node.y + node.mid
        cx = x + w / 2
        gap = 13 if node.kind == "compare" else 9
        uid, name = escape(node.uid), escape(item.name)
        marker = {**CONTACTS, **COILS, **COMPARATORS}.get(item.name, "")
        negated = bool(node.negated & {"operand", "in"})
        parts = [f'<g class="part {node.kind}" data-part="{uid}" data-name="{name}">',
                 f'<rect class="body extent" x="{_n(x)}" y="{_n(node.y)}" width="{_n(w)}" height="{_n(node.height)}"/>',
                 f'<line x1="{_n(x)}" y1="{_n(mid)}" x2="{_n(cx - gap)}" y2="{_n(mid)}"/>',
                 f'<line x1="{_n(cx + gap)}" y1="{_n(mid)}" x2="{_n(x + w)}" y2="{_n(mid)}"/>']
        if node.kind in ("contact", "compare"):
            parts.append(f'<line class="sym" x1="{_n(cx - gap)}" y1="{_n(mid - 11)}" x2="{_n(cx - gap)}" '
                         f'y2="{_n(mid + 11)}"/><line class="sym" x1="{_n(cx + gap)}" y1="{_n(mid - 11)}" '
                         f'x2="{_n(cx + gap)}" y2="{_n(mid + 11)}"/>')
            if negated:
                parts.append(f'<line class="sym" x1="{_n(cx - 6)}" y1="{_n(mid + 9)}" x2="{_n(cx + 6)}" '
                             f'y2="{_n(mid - 9)}"/>')
        else:
            parts.append(f'<path class="sym" d="M{_n(cx - 5)} {_n(mid - 11)} Q{_n(cx - 13)} {_n(mid)} {_n(cx - 5)} '
                         f'{_n(mid + 11)}"/><path class="sym" d="M{_n(cx + 5)} {_n(mid - 11)} Q{_n(cx + 13)} {_n(mid)} '
                         f'{_n(cx + 5)} {_n(mid + 11)}"/>')
            if negated:
                marker = "/"
        if marker:
            parts.append(f'<text class="marker" x="{_n(cx)}" y="{_n(mid + 4)}">{escape(marker)}</text>')
        below_y = mid + 25
        if node.kind == "compare":  # the compared type under the relation, as TIA writes it
            parts.append(f'<text class="box-type" x="{_n(cx)}" y="{_n(below_y)}">{escape(node.types)}</text>')
            below_y += LINE
        parts += [_pin_mark(p, node.pin(p)) for p in node.inputs + node.outputs]
        line_y = node.y + 12
        for pin, place in node.drawn_operands.items():
            operand = self._pin_operand(node.uid, pin)
            lines = len(self._lines(operand.text))
            if place == "below":  # TIA writes an edge memory bit and a comparator's IN2 below the symbol
                parts.append(self._operand_text(operand.text, cx, below_y, 13 + LINE * (lines - 1)))
                below_y += LINE * lines
                continue
            if operand.address:
                parts.append(f'<text class="address" x="{_n(cx)}" y="{_n(line_y)}">{escape(operand.address)}</text>')
                line_y += LINE
            parts.append(self._operand_text(operand.text, cx, line_y, -13))
            line_y += LINE * lines
        parts.append("</g>")
        return "".join(parts)

    def _operand_text(self, text: str, x: float, y: float, value_dy: int) -> str:
        """An operand over the lines of its cell, the first at ``y`` (monitoring writes the value ``value_dy``
        from it); a wrapped or cut name keeps its whole text in the tooltip."""
        lines = self._lines(text)
        tooltip = _tooltip(Operand(text), lines)
        drawn = "".join(f'<text class="operand" x="{_n(x)}" y="{_n(y + LINE * number)}">{escape(line)}</text>'
                        for number, line in enumerate(lines))
        return f'<g data-operand="{escape(text)}" data-value-dy="{value_dy}">{tooltip}{drawn}</g>'


    def _access_svg(self, uid: str, access: FlgAccess | XmlNode, placed: set[str]) -> str:
        operand = operand_of(access, self.addresses)
        uid_text = escape(uid)
        pins = self.operand_pins.get(uid)
        tooltip = _tooltip(operand, self._lines(operand.text))
        if not pins:
            y = self.loose_y + 20 * (len(self.loose) + len(placed))
            placed.add(uid)
            return (f'<g class="part operand loose" data-part="{uid_text}"><text x="{MARGIN}" y="{_n(y + 12)}">'
                    f"{escape(operand.text)}</text>{tooltip}</g>")
        node_uid, pin = pins[0]
        node = self.nodes.get(node_uid)
        if node is None:
            return f'<g class="part operand" data-part="{uid_text}"><text x="0" y="0">{escape(operand.text)}</text></g>'
        anchor = _pin_mark("", self._operand_anchor(node, pin))
        if pin in node.drawn_operands:  # written above or below the part by the part itself
            return (f'<g class="part operand on-symbol" data-part="{uid_text}" data-operand="{escape(operand.text)}">'
                    f"{tooltip}{anchor}</g>")
        px, py = node.pin(pin)
        output = pin in node.outputs
        side = "start" if output else "end"
        tx = px + 12 if output else px - 12
        lines = self._lines(operand.text)  # wrapped upwards: the last line on the pin's line
        drawn = "".join(f'<text class="operand {side}" x="{_n(tx)}" y="{_n(py - 3 - LINE * (len(lines) - 1 - k))}">'
                        f"{escape(line)}</text>" for k, line in enumerate(lines))
        return (f'<g class="part operand" data-part="{uid_text}" data-operand="{escape(operand.text)}">'
                f"{drawn}{tooltip}{anchor}</g>")

    @staticmethod
    def _operand_anchor(node: _Node, pin: str) -> tuple[float, float]:
        """Where an operand meets its pin: on a symbol, the pin itself; beside a box, a short line away."""
        px, py = node.pin(pin)
        if pin in node.drawn_operands:
            return px, py
        return (px + 10, py) if pin in node.outputs else (px - 10, py)

    def _wire_svg(self, wire: Wire) -> str:
        ends = [c for c in wire.connections if not isinstance(c, XmlNode)]
        uid = escape(wire.uid or "")
        segments = list(self.placement.segments.get(wire.uid or "", ()))
        named = [e for e in ends if isinstance(e, NameCon) and e.uid in self.nodes]
        idents = [e for e in ends if isinstance(e, IdentCon)]
        if idents and named:  # an operand at its pin
            node = self.nodes[named[0].uid]
            anchor = self._operand_anchor(node, named[0].name)
            if named[0].name not in node.drawn_operands:
                segments.append((anchor, node.pin(named[0].name)))
        elif len(named) == 1 and any(isinstance(e, OpenCon) for e in ends):  # a pin left open: a short stub
            node = self.nodes[named[0].uid]
            px, py = node.pin(named[0].name)
            step = _OPEN_STUB if named[0].name in node.outputs else -_OPEN_STUB
            return (f'<g class="wire" data-wire="{uid}"><path class="stub" '
                    f'd="{_path([((px, py), (px + step, py))])}"/></g>')
        path = f'<path d="{_path(segments)}"/>{_joints(segments)}' if segments else ""
        return f'<g class="wire" data-wire="{uid}">{path}</g>'


def _tooltip(operand: Operand, lines: list[str]) -> str:
    """The whole text of an operand drawn shortened, and the address of a global tag."""
    said = ([operand.text] if "".join(lines) != operand.text else []) + ([operand.address] if operand.address else [])
    return f"<title>{escape(chr(10).join(said))}</title>" if said else ""


def draw_network(net: FlgNet, language: str, addresses: Mapping[str, str] | None = None,
                 types: Mapping[str, str] | None = None) -> LadderPicture:
    """The SVG of one LAD or FBD network (``language``: ``LAD``, ``FBD`` or a variant such as ``F_LAD``);
    ``types``: operand as written -> its data type, for the type an ``Auto`` box resolves to."""
    return _Layout(net, "LAD" if "LAD" in language.upper() else "FBD", addresses, types).draw()
