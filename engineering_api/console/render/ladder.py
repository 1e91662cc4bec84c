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

from engineering_api.console.render.operands import Operand, operand_of
from simatic_xml.flgnet import (
    Call, FlgAccess, FlgNet, IdentCon, NameCon, Negated, OpenCon, Part, PartInstance, Powerrail, Wire,
)
from simatic_xml.template_value import TemplateValue
from simatic_xml.xmlnode import XmlNode

__all__ = ("LadderPicture", "draw_network")

CHAR_W = 7
"""Width of one character of the 12 px monospace font, for sizing."""
ROW = 22
"""Height of one pin row of a box."""
RAIL_X = 8
COLUMN_GAP = 34
MARGIN = 14

# LAD symbols: drawn as symbols with their operand above, not as boxes (TIA's names, notes §6).
_CONTACTS = {"Contact": "", "PContact": "P", "NContact": "N", "PBox": "P", "NBox": "N"}
_COILS = {"Coil": "", "SCoil": "S", "RCoil": "R", "PCoil": "P", "NCoil": "N", "SetCoil": "S", "ResetCoil": "R"}
_FBD_LABELS = {"A": "&", "O": ">=1", "X": "X", "Assignment": "=", "SCoil": "S", "RCoil": "R", "Coil": "=",
               "NOT": "NOT", "PBox": "P_TRIG", "NBox": "N_TRIG"}
_SYMBOL_W, _SYMBOL_H = 56, 44


@dataclass(slots=True)
class _Node:
    """A Part or Call placed in the picture."""

    uid: str
    item: Part | Call | XmlNode
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    negated: set[str] = field(default_factory=set)
    kind: str = "box"
    """``box``, ``contact``, ``coil`` or ``join`` (LAD's OR of parallel branches)."""
    column: int = 0
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    order: int = 0
    pin_y: dict[str, float] = field(default_factory=dict)
    """A join's inputs sit on the lines of the branches they close (set once the branches are placed)."""

    def pin(self, name: str) -> tuple[float, float]:
        """Where a wire meets pin ``name``."""
        if self.kind in ("contact", "coil"):
            mid = self.y + self.height - 16
            return (self.x + self.width, mid) if name in self.outputs else (self.x, mid)
        if self.kind == "join":
            if name in self.outputs:
                return self.x + self.width, self.y + ROW / 2
            if name in self.pin_y:
                return self.x, self.pin_y[name]
            index = self.inputs.index(name) if name in self.inputs else 0
            return self.x, self.y + ROW / 2 + index * ROW
        top = self.y + 26 + ROW / 2
        if name in self.outputs:
            return self.x + self.width, top + self.outputs.index(name) * ROW
        index = self.inputs.index(name) if name in self.inputs else 0
        return self.x, top + index * ROW


@dataclass(slots=True)
class LadderPicture:
    """One drawn network: the SVG text and how many parts and wires it drew (for the corpus test)."""

    svg: str
    parts_drawn: int
    wires_drawn: int


def _title(item: Part | Call | XmlNode) -> str:
    if isinstance(item, Call):
        return item.name
    if isinstance(item, Part):
        return item.name
    return f"<{item.tag}>"


def _instance_text(item: Part | Call | XmlNode) -> str | None:
    instance: PartInstance | None = None
    if isinstance(item, Call):
        instance = item.instance
    elif isinstance(item, Part):
        instance = next((i for i in item.items if isinstance(i, PartInstance)), None)
    if instance is None or not instance.components:
        return None
    names = ".".join(c.name for c in instance.components)
    return "#" + names if instance.scope.startswith("Local") else f'"{names}"'


def _template_text(item: Part | Call | XmlNode) -> str:
    if not isinstance(item, Part):
        return ""
    values = [i for i in item.items if isinstance(i, TemplateValue) and i.name not in ("Card",)]
    return " ".join(v.value for v in values)


class _Layout:
    """Places the nodes and operands of one network, then writes the SVG."""

    def __init__(self, net: FlgNet, language: str, addresses: Mapping[str, str] | None) -> None:
        self.net = net
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
        self.wires = [w for w in (net.wires or ()) if isinstance(w, Wire)]
        self.raw_wires = [w for w in (net.wires or ()) if isinstance(w, XmlNode)]
        self.flow_from: dict[str, list[str]] = {uid: [] for uid in self.nodes}
        self.operand_pins: dict[str, list[tuple[str, str]]] = {}
        """Access UId -> the (node, pin) pairs it is wired to, first one where it is drawn."""
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
            source = ends[0] if ends else None
            for end in ends[1:]:
                if isinstance(source, NameCon) and isinstance(end, NameCon) and end.uid in self.flow_from:
                    self.flow_from[end.uid].append(source.uid)
                if isinstance(source, IdentCon) and isinstance(end, NameCon):
                    self.operand_pins.setdefault(source.uid, []).append((end.uid, end.name))
                if isinstance(source, NameCon) and isinstance(end, IdentCon):
                    self.operand_pins.setdefault(end.uid, []).append((source.uid, source.name))
        flowing = {uid for preds in self.flow_from.values() for uid in preds}
        feeds = {(c.uid, c.name) for w in self.wires for c in w.connections[:1] if isinstance(c, NameCon)
                 and any(isinstance(e, NameCon) for e in w.connections[1:])}
        for node in self.nodes.values():
            if node.uid in flowing and not isinstance(node.item, Call):  # the pin the rung goes on from comes first
                uid = node.uid
                node.outputs.sort(key=lambda pin: (uid, pin) not in feeds)
            self._shape(node)

    def _shape(self, node: _Node) -> None:
        item = node.item
        name = item.name if isinstance(item, Part) else ""
        operand_pins = [pin for pin in node.inputs if pin == "operand" or pin == "bit"]
        if self.lad and name in _CONTACTS and isinstance(item, Part):
            node.kind = "contact"
        elif self.lad and name in _COILS and isinstance(item, Part):
            node.kind = "coil"
        elif self.lad and name == "O" and not operand_pins:
            node.kind = "join"
        if node.kind in ("contact", "coil"):
            texts = [self._pin_operand(node.uid, pin) for pin in operand_pins]
            widest = max((len(t.text) for t in texts), default=0)
            node.width = max(_SYMBOL_W, widest * CHAR_W + 8)
            node.height = _SYMBOL_H + (14 if any(t.address for t in texts) else 0) + 14 * max(0, len(texts) - 1)
            return
        if node.kind == "join":
            node.width = 12
            node.height = ROW * max(1, len(node.inputs))
            return
        label = self._label(node)
        pins = max(len(node.inputs), len(node.outputs), 1)
        pin_text = max((len(p) for p in node.inputs), default=0) + max((len(p) for p in node.outputs), default=0)
        node.width = max(72, len(label) * CHAR_W + 16, pin_text * CHAR_W + 24)
        node.height = 26 + pins * ROW + 4

    def _label(self, node: _Node) -> str:
        item = node.item
        if isinstance(item, Part) and not self.lad and item.name in _FBD_LABELS:
            return _FBD_LABELS[item.name]
        template = _template_text(item)
        return _title(item) + (f" {template}" if template else "")

    def _pin_operand(self, uid: str, pin: str) -> Operand:
        for access_uid, pins in self.operand_pins.items():
            if (uid, pin) in pins:
                return operand_of(self.accesses.get(access_uid), self.addresses)
        return Operand("??")

    # ----- placement -------------------------------------------------------------------------
    def _columns(self) -> None:
        done: dict[str, int] = {}

        def column(uid: str, trail: frozenset[str]) -> int:
            if uid in done:
                return done[uid]
            preds = [p for p in self.flow_from.get(uid, ()) if p in self.nodes and p not in trail]
            value = 1 + max((column(p, trail | {uid}) for p in preds), default=-1)
            done[uid] = value
            return value

        for uid in self.nodes:
            self.nodes[uid].column = column(uid, frozenset())
        if self.lad and self.nodes:
            last = max(n.column for n in self.nodes.values())
            feeds = {p for preds in self.flow_from.values() for p in preds}
            for node in self.nodes.values():
                if node.kind == "coil" and node.uid not in feeds:
                    node.column = last

    def place(self) -> tuple[float, float]:
        self._columns()
        columns: dict[int, list[_Node]] = {}
        for node in self.nodes.values():
            columns.setdefault(node.column, []).append(node)
        x: float = RAIL_X + (24 if self.lad else 8)
        top = MARGIN + 8
        bottom: float = top
        for index in sorted(columns):
            members = columns[index]
            left = max((self._operand_width(n, False) for n in members), default=0)
            right = max((self._operand_width(n, True) for n in members), default=0)
            x += left
            members.sort(key=lambda n: (self._wanted_y(n, top), n.order))
            free: float = top
            for node in members:
                node.x = x
                node.y = max(self._wanted_y(node, top), free)
                free = node.y + node.height + 14
                bottom = max(bottom, free)
            x += max(n.width for n in members) + right + COLUMN_GAP
        self.loose_y = bottom
        self._close_branches()
        bottom += 20 * len(self.loose) + sum(20 for uid in self.accesses if uid not in self.operand_pins)
        return max(x, 160), bottom + MARGIN

    def _close_branches(self) -> None:
        for wire in self.wires:
            ends = [c for c in wire.connections if not isinstance(c, XmlNode)]
            start = self._end(ends[0]) if ends and isinstance(ends[0], NameCon) else None
            for end in ends[1:]:
                node = self.nodes.get(end.uid) if isinstance(end, NameCon) else None
                if start is not None and node is not None and node.kind == "join" and isinstance(end, NameCon):
                    node.pin_y[end.name] = start[1]

    def _wanted_y(self, node: _Node, top: float) -> float:
        """The y that puts ``node``'s flow input on the line of its first predecessor's output."""
        for pred_uid in self.flow_from.get(node.uid, ()):
            pred = self.nodes.get(pred_uid)
            if pred is None or pred.column >= node.column:
                continue
            out = pred.pin(pred.outputs[0]) if pred.outputs else (pred.x, pred.y)
            mine = node.pin(node.inputs[0]) if node.inputs else (node.x, node.y)
            return max(top, out[1] - (mine[1] - node.y))
        return top

    def _operand_width(self, node: _Node, outputs: bool) -> float:
        if node.kind in ("contact", "coil", "join"):
            return 0
        pins = node.outputs if outputs else node.inputs
        widest = max((len(self._pin_operand(node.uid, p).text) for p in pins if self._has_operand(node.uid, p)),
                     default=0)
        return widest * CHAR_W + (14 if widest else 0)

    def _has_operand(self, uid: str, pin: str) -> bool:
        return any((uid, pin) in pins for pins in self.operand_pins.values())

    # ----- drawing ---------------------------------------------------------------------------
    def draw(self) -> LadderPicture:
        width, height = self.place()
        out: list[str] = []
        if self.lad and any(isinstance(c, Powerrail) for w in self.wires for c in w.connections):
            out.append(f'<line class="rail" x1="{RAIL_X}" y1="{MARGIN}" x2="{RAIL_X}" y2="{height - MARGIN}"/>')
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
            text = _title(item) if not isinstance(item, FlgAccess) else operand_of(item, self.addresses).text
            out.append(f'<g class="part loose" data-part=""><text x="{MARGIN}" y="{y + 12}">{escape(text)}</text></g>')
            drawn_parts += 1
        drawn_wires = 0
        for wire in self.wires:
            out.append(self._wire_svg(wire))
            drawn_wires += 1
        for raw in self.raw_wires:
            uid = escape(raw.attrs.get("UId", ""))
            out.append(f'<g class="wire unknown" data-wire="{uid}"><title>{escape(raw.tag)}</title></g>')
            drawn_wires += 1
        language = "LAD" if self.lad else "FBD"
        svg = (f'<svg class="network {language.lower()}" xmlns="http://www.w3.org/2000/svg" role="img" '
               f'aria-label="{language} network" width="{width:.0f}" height="{height:.0f}" '
               f'viewBox="0 0 {width:.0f} {height:.0f}">' + "".join(out) + "</svg>")
        return LadderPicture(svg, drawn_parts, drawn_wires)

    def _node_svg(self, node: _Node) -> str:
        x, y, w, h = node.x, node.y, node.width, node.height
        uid = escape(node.uid)
        name = escape(_title(node.item))
        if node.kind in ("contact", "coil"):
            return self._symbol_svg(node)
        if node.kind == "join":
            ys = [node.pin(p)[1] for p in node.inputs] or [y + ROW / 2]
            first, last = min(ys), max(ys)
            return (f'<g class="part join" data-part="{uid}" data-name="{name}"><line x1="{x}" y1="{first}" '
                    f'x2="{x}" y2="{last}"/><line x1="{x}" y1="{first}" x2="{x + w}" y2="{first}"/></g>')
        parts = [f'<g class="part box" data-part="{uid}" data-name="{name}">',
                 f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="2"/>',
                 f'<text class="box-name" x="{x + w / 2}" y="{y + 16}">{escape(self._label(node))}</text>']
        instance = _instance_text(node.item)
        if instance:
            parts.append(f'<text class="instance" x="{x + w / 2}" y="{y - 4}">{escape(instance)}</text>')
        for pin in node.inputs:
            px, py = node.pin(pin)
            parts.append(f'<text class="pin in" x="{px + 4}" y="{py + 4}">{escape(pin)}</text>')
            if pin in node.negated:
                parts.append(f'<circle class="negated" cx="{px - 4}" cy="{py}" r="4"/>')
        for pin in node.outputs:
            px, py = node.pin(pin)
            parts.append(f'<text class="pin out" x="{px - 4}" y="{py + 4}">{escape(pin)}</text>')
            if pin in node.negated:
                parts.append(f'<circle class="negated" cx="{px + 4}" cy="{py}" r="4"/>')
        parts.append("</g>")
        return "".join(parts)

    def _symbol_svg(self, node: _Node) -> str:
        item = node.item
        assert isinstance(item, Part)
        x, w = node.x, node.width
        mid = node.pin("in")[1]
        cx = x + w / 2
        uid, name = escape(node.uid), escape(item.name)
        marker = (_CONTACTS if node.kind == "contact" else _COILS).get(item.name, "")
        negated = bool(node.negated & {"operand", "in"})
        parts = [f'<g class="part {node.kind}" data-part="{uid}" data-name="{name}">',
                 f'<line x1="{x}" y1="{mid}" x2="{cx - 9}" y2="{mid}"/>',
                 f'<line x1="{cx + 9}" y1="{mid}" x2="{x + w}" y2="{mid}"/>']
        if node.kind == "contact":
            parts.append(f'<line class="sym" x1="{cx - 9}" y1="{mid - 11}" x2="{cx - 9}" y2="{mid + 11}"/>'
                         f'<line class="sym" x1="{cx + 9}" y1="{mid - 11}" x2="{cx + 9}" y2="{mid + 11}"/>')
            if negated:
                parts.append(f'<line class="sym" x1="{cx - 6}" y1="{mid + 9}" x2="{cx + 6}" y2="{mid - 9}"/>')
        else:
            parts.append(f'<path class="sym" d="M{cx - 5} {mid - 11} Q{cx - 13} {mid} {cx - 5} {mid + 11}"/>'
                         f'<path class="sym" d="M{cx + 5} {mid - 11} Q{cx + 13} {mid} {cx + 5} {mid + 11}"/>')
            if negated:
                marker = "/"
        if marker:
            parts.append(f'<text class="marker" x="{cx}" y="{mid + 4}">{escape(marker)}</text>')
        line_y = node.y + 10
        for pin in [p for p in node.inputs if p in ("operand", "bit")]:
            operand = self._pin_operand(node.uid, pin)
            if operand.address:
                parts.append(f'<text class="address" x="{cx}" y="{line_y}">{escape(operand.address)}</text>')
                line_y += 14
            parts.append(f'<g data-operand="{escape(operand.text)}" data-value-dy="-13"><text class="operand" x="{cx}" '
                         f'y="{line_y}">{escape(operand.text)}</text></g>')
            line_y += 14
        parts.append("</g>")
        return "".join(parts)

    def _access_svg(self, uid: str, access: FlgAccess | XmlNode, placed: set[str]) -> str:
        operand = operand_of(access, self.addresses)
        uid_text = escape(uid)
        pins = self.operand_pins.get(uid)
        title = f"<title>{escape(operand.address)}</title>" if operand.address else ""
        if not pins:
            y = self.loose_y + 20 * (len(self.loose) + len(placed))
            placed.add(uid)
            return (f'<g class="part operand loose" data-part="{uid_text}"><text x="{MARGIN}" y="{y + 12}">'
                    f"{escape(operand.text)}</text>{title}</g>")
        node_uid, pin = pins[0]
        node = self.nodes.get(node_uid)
        if node is None:
            return f'<g class="part operand" data-part="{uid_text}"><text x="0" y="0">{escape(operand.text)}</text></g>'
        if node.kind in ("contact", "coil"):  # drawn above the symbol by the symbol itself
            return f'<g class="part operand on-symbol" data-part="{uid_text}" data-operand="{escape(operand.text)}">{title}</g>'
        px, py = node.pin(pin)
        output = pin in node.outputs
        anchor = "start" if output else "end"
        tx = px + 12 if output else px - 12
        return (f'<g class="part operand" data-part="{uid_text}" data-operand="{escape(operand.text)}">'
                f'<text class="operand {anchor}" x="{tx}" y="{py - 3}">{escape(operand.text)}</text>{title}</g>')

    def _end(self, connection: object) -> tuple[float, float] | None:
        if isinstance(connection, NameCon):
            node = self.nodes.get(connection.uid)
            return node.pin(connection.name) if node else None
        if isinstance(connection, IdentCon):
            pins = self.operand_pins.get(connection.uid)
            if not pins:
                return None
            node = self.nodes.get(pins[0][0])
            if node is None:
                return None
            px, py = node.pin(pins[0][1])
            if node.kind in ("contact", "coil"):
                return None
            return (px + 10, py) if pins[0][1] in node.outputs else (px - 10, py)
        return None

    def _wire_svg(self, wire: Wire) -> str:
        ends = [c for c in wire.connections if not isinstance(c, XmlNode)]
        uid = escape(wire.uid or "")
        paths: list[str] = []
        source = ends[0] if ends else None
        start = self._end(source)
        for end in ends[1:]:
            target = self._end(end)
            if isinstance(source, Powerrail) and target is not None:
                paths.append(f"M{RAIL_X} {target[1]} H{target[0]}")
            elif start is not None and target is not None:
                paths.append(_route(start, target))
            elif start is not None and isinstance(end, OpenCon):
                paths.append(f"M{start[0]} {start[1]} h16")
        d = " ".join(paths)
        path = f'<path d="{d}"/>' if d else ""
        return f'<g class="wire" data-wire="{uid}">{path}</g>'


def _route(start: tuple[float, float], end: tuple[float, float]) -> str:
    (sx, sy), (tx, ty) = start, end
    if abs(sy - ty) < 0.5:
        return f"M{sx} {sy} H{tx}"
    if tx > sx:
        mid = sx + min(12, (tx - sx) / 2)
        return f"M{sx} {sy} H{mid} V{ty} H{tx}"
    return f"M{sx} {sy} h8 V{max(sy, ty) + 16} H{tx - 8} V{ty} H{tx}"


def draw_network(net: FlgNet, language: str, addresses: Mapping[str, str] | None = None) -> LadderPicture:
    """The SVG of one LAD or FBD network (``language``: ``LAD``, ``FBD`` or a variant such as ``F_LAD``)."""
    return _Layout(net, "LAD" if "LAD" in language.upper() else "FBD", addresses).draw()

