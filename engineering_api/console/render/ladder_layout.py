"""Where the parts of a LAD/FBD network go and how its wires run, so that the drawing joins exactly what the XML joins.

The flow runs left to right in columns (a part's column is one past its furthest predecessor). A wire that skips
columns runs on its own row through them (a pass-through slot that no part shares), so it never crosses a part;
a part is placed so that its first wired input lies on the line of the wire that feeds it, which puts series
parts on one line and branches below, as in TIA's editor. Top to bottom, a column's parts follow the pins they
feed in the next column (a box's pins in their order, an OR's inputs IN1 first) and the coils that end the rung
follow the pins that feed them, so the wires between two columns keep their order. Between two columns each wire
that needs a vertical (a branch opening, a closing, a change of row) gets its own track, ordered so that no two
wires meet or cross: a wire turns before another when its line in from the left would cross the other's vertical,
and after it when one of its lines out to the right would. A wire from the power rail uses the rail itself as its
vertical. Where wires still cross (shapes the corpus does not hold), the parts are ordered again by what feeds
them and the drawing with fewer crossings is kept. A part that an item above it in its column pushes below the row
of the series wire feeding it has that wire's feeder moved down as far, and so on to the left (TIA's editor draws
parts in series on one row); where that makes wires meet or cross, the drawing without the move is kept. A LAD box
stretches as TIA's editor stretches it: each pin row moves down (with the rows under it) to the line of the wire
feeding its input, so a chain of contacts into a lower input runs straight under the rail's line to EN.

:func:`route` takes the parts' sizes and pin offsets (relative to the part's top left corner) and answers each
part's position and each wire's segments, all square.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from engineering_api.console.render.ladder_parts import Box, Net, Pin, Placement, Point
from engineering_api.console.render.wire_meetings import crossings, meetings

__all__ = ("route",)

TRACK = 12
"""Distance between two vertical tracks of a channel."""
CHANNEL_MIN = 30
ITEM_GAP = 14
PASS_HALF = 6
"""Half the height of a pass-through slot."""
GRID = 4
"""Every row lies on this grid (pin offsets are multiples of it), so two rows are one line or clearly apart."""
_RAIL_BRANCH = "\x00"
"""Between a rail wire's id and its branch's number (no id of the XML holds it)."""
STRAIGHTENING_PASSES = 8
"""Passes that move series parts' feeders down to their row (each moves a chain one part further left)."""

@dataclass(slots=True)
class _Item:
    """A part or a pass-through slot of one wire in one column."""

    box: Box | None
    net: int = -1
    wanted: float = 0
    y: float = 0
    last: bool = False
    """A wire straight from the rail that passes the first column: it runs below that column's rows."""

    def top(self) -> float:
        return self.y - (self.box.above if self.box else PASS_HALF)

    def bottom(self) -> float:
        return self.y + (self.box.height + self.box.below if self.box else PASS_HALF)


def _columns(boxes: Mapping[str, Box], nets: Sequence[Net], last_column: Callable[[str], bool]) -> dict[str, int]:
    preds: dict[str, list[str]] = {uid: [] for uid in boxes}
    for net in nets:
        if net.source is None:
            continue
        for sink in net.sinks:
            if sink[0] in preds and net.source[0] in boxes:
                preds[sink[0]].append(net.source[0])
    done: dict[str, int] = {}

    def column(uid: str, trail: frozenset[str]) -> int:
        if uid not in done:
            before = [p for p in preds[uid] if p not in trail]
            done[uid] = 1 + max((column(p, trail | {uid}) for p in before), default=-1)
        return done[uid]

    for uid in boxes:
        column(uid, frozenset())
    if done:
        last = max(done.values())
        feeding = {net.source[0] for net in nets if net.source is not None and net.sinks}
        for uid in boxes:
            if last_column(uid) and uid not in feeding:
                done[uid] = last
    return done


class _Router:
    def __init__(self, boxes: Mapping[str, Box], nets: Sequence[Net], columns: dict[str, int], top: float,
                 rail_x: float) -> None:
        self.boxes = boxes
        self.nets = list(nets)
        self.columns = columns
        self.top = top
        self.rail_x = rail_x
        self.count = max(columns.values(), default=-1) + 1
        self.items: list[list[_Item]] = [[] for _ in range(self.count)]
        self.box_item: dict[str, _Item] = {}
        self.passing: dict[tuple[int, int], _Item] = {}
        """(net, column) -> the net's pass-through slot in that column."""
        self.join_inputs: dict[str, dict[str, float]] = {}
        self.row_gaps: dict[str, list[float]] = {}
        for box in boxes.values():
            if box.rows and box.unstretched is None:
                box.unstretched = (dict(box.inputs), dict(box.outputs), box.height)
        for uid in sorted(boxes, key=lambda u: boxes[u].order):
            item = _Item(boxes[uid])
            self.items[columns[uid]].append(item)
            self.box_item[uid] = item
        for index, net in enumerate(self.nets):
            first = columns[net.source[0]] if net.source is not None else -1
            reach = max((columns[s[0]] for s in net.sinks), default=first)
            for column in range(first + 1, reach):
                item = _Item(None, index)
                self.items[column].append(item)
                self.passing[(index, column)] = item

    def _input_offset(self, box: Box, pin: str) -> float:
        if box.join:
            return self.join_inputs.get(box.uid, {}).get(pin, box.inputs.get(pin, 0))
        return box.inputs.get(pin, 0)

    def left_y(self, net: int, column: int) -> float | None:
        """The row of ``net`` at the right side of ``column`` (its source pin or its pass-through slot)."""
        source = self.nets[net].source
        if source is not None and self.columns.get(source[0]) == column:
            box = self.boxes[source[0]]
            return self.box_item[source[0]].y + box.outputs.get(source[1], 0)
        slot = self.passing.get((net, column))
        return slot.y if slot else None

    def _feeds(self, uid: str) -> list[tuple[str, int]]:
        """The input pins of ``uid`` in pin order, with the net wired to each."""
        box = self.boxes[uid]
        found = []
        for pin in box.inputs:
            for index, net in enumerate(self.nets):
                if (uid, pin) in net.sinks:
                    found.append((pin, index))
        return found

    def _rank_items(self, from_left_only: bool = False) -> None:
        """The top-to-bottom order of each column's items, from the right: an item goes where the pin it feeds
        goes among the pins of the next column (a part's pins top to bottom, the parts in that order), so the
        wires between two columns keep their order and none crosses another. Parts that feed nothing on their
        right (coils) take the order of the pins that feed them."""
        from_left = self._rank_from_left()
        self.rank: dict[int, tuple[float, ...]] = {}
        if from_left_only:
            self.rank = from_left
            return
        for column in range(self.count - 1, -1, -1):
            for item in self.items[column]:
                fed = [self._sink_rank(pin) for pin in self._sinks_of(item, column)]
                fed += [self.rank[id(slot)] for net in self._nets_from(item)
                        if (slot := self.passing.get((net, column + 1))) is not None]
                self.rank[id(item)] = min(fed) if fed else from_left[id(item)]

    def _rank_from_left(self) -> dict[int, tuple[float, ...]]:
        """The order of the parts that feed nothing on their right (the coils that end the rung): that of the
        pins that feed them, so a coil under another one is fed from a lower pin."""
        rank: dict[int, tuple[float, ...]] = {}
        for column, items in enumerate(self.items):
            for item in items:
                if item.box is None:
                    source = self.nets[item.net].source
                    before = self.passing.get((item.net, column - 1))
                    if before is not None:
                        rank[id(item)] = rank[id(before)]
                    elif source is not None:
                        rank[id(item)] = self._source_rank(rank, source)
                    else:  # from the rail: the rail's wires in their order (a split one's branches, its pins')
                        rank[id(item)] = (-1.0, float(item.net))
                    continue
                fed = []
                for pin, net in self._feeds(item.box.uid):
                    slot = self.passing.get((net, column - 1))
                    source = self.nets[net].source
                    if slot is not None:
                        fed.append((*rank[id(slot)], item.box.inputs.get(pin, 0)))
                    elif source is not None:
                        fed.append(self._source_rank(rank, source))
                rank[id(item)] = min(fed) if fed else (float(item.box.order),)
        return rank

    def _source_rank(self, rank: Mapping[int, tuple[float, ...]], source: Pin) -> tuple[float, ...]:
        return (*rank[id(self.box_item[source[0]])], self.boxes[source[0]].outputs.get(source[1], 0))

    def _nets_from(self, item: _Item) -> list[int]:
        """The wires that leave ``item`` on its right: a part's outputs, or the wire of a pass-through slot."""
        if item.box is None:
            return [item.net]
        uid = item.box.uid
        return [index for index, net in enumerate(self.nets) if net.source is not None and net.source[0] == uid]

    def _sinks_of(self, item: _Item, column: int) -> list[Pin]:
        """The input pins in ``column + 1`` that ``item`` (a part, or a wire's pass-through slot) feeds."""
        return [sink for net in self._nets_from(item) for sink in self.nets[net].sinks
                if self.columns.get(sink[0]) == column + 1]

    def _sink_rank(self, pin: Pin) -> tuple[float, ...]:
        box = self.boxes[pin[0]]
        # a join's inputs are numbered top to bottom (IN1 the upper branch), their rows are set by the branches
        order = list(box.inputs).index(pin[1]) if box.join and pin[1] in box.inputs else 0
        return (*self.rank[id(self.box_item[pin[0]])], order if box.join else box.inputs.get(pin[1], 0))

    def place_rows(self, straighten: bool) -> bool:
        """Rows column by column; then again with each wire from the rail on one straight row (the lowest it
        took), so that it does not step down across the branches of the columns it passes; then again while a
        part or slot had to go below the row of the series wire that feeds it (an item above it in its column
        took the room): with ``straighten``, its feeder is moved down as far, and so on to the left, so that series
        parts share their row as in TIA's editor. Whether anything was moved so."""
        floors: dict[int, float] = {}
        shift = self._place_rows({}, floors)
        rail_rows: dict[int, float] = {}
        for (net, _), slot in self.passing.items():
            if self.nets[net].source is None:  # in the frame before the move down, as the second pass works
                rail_rows[net] = max(rail_rows.get(net, slot.y - shift), slot.y - shift)
        if rail_rows:
            shift = self._place_rows(rail_rows, floors)
        for _ in range(STRAIGHTENING_PASSES if straighten else 0):
            if not self._series_floors(floors, shift):
                break
            shift = self._place_rows(rail_rows, floors)
        return bool(floors)

    def _series_floors(self, floors: dict[int, float], shift: float) -> bool:
        """Raise the floor of each item that feeds, by a wire of one sink, an item placed below its row; whether
        a floor rose. Floors are in the frame before the move down (``shift``), as a pass works."""
        raised = False
        for column in range(1, self.count):
            for item in self.items[column]:
                feeder = self._series_feeder(item, column)
                if feeder is None:
                    continue
                # a rail wire's slot wants the rail's row, fixed before these passes: its step is from its feeder
                # (measured from the row, a floor it raised never lowered the step, and the rows ran away down)
                rail_slot = item.box is None and self.nets[item.net].source is None
                step = item.y - feeder.y if rail_slot else item.y - shift - item.wanted
                if step < GRID / 2:
                    continue
                floor = feeder.y - shift + step
                if floor > floors.get(id(feeder), -math.inf) + GRID / 2:
                    floors[id(feeder)] = floor
                    raised = True
        return raised

    def _series_feeder(self, item: _Item, column: int) -> _Item | None:
        """The item of the column before that ``item`` is aligned with, when a wire of one sink joins the two
        and the feeder sends nothing else: a part with that one output wire, or the wire's pass-through slot."""
        if item.box is None:
            net = item.net
        else:
            feeds = [(pin, n) for pin, n in self._feeds(item.box.uid) if self.left_y(n, column - 1) is not None]
            if item.box.join or not feeds:
                return None
            net = feeds[0][1]
        if len(self.nets[net].sinks) != 1 and item.box is not None:
            return None
        slot = self.passing.get((net, column - 1))
        if slot is not None:
            return slot
        source = self.nets[net].source
        if source is None or len(self._nets_from(self.box_item[source[0]])) != 1:
            return None
        return self.box_item[source[0]]

    def _place_rows(self, rail_rows: Mapping[int, float], floors: Mapping[int, float]) -> float:
        """Place every column's items, none above its floor; answers how far they were moved down to clear the
        top."""
        for column, items in enumerate(self.items):
            for item in items:
                item.wanted = self._wanted(item, column)
                if item.box is None and item.net in rail_rows:
                    item.last, item.wanted = True, rail_rows[item.net]
            items.sort(key=lambda i: (self.rank[id(i)], i.wanted, i.box is None, i.box.order if i.box else i.net))
            free = -math.inf
            for item in items:
                reach_above = item.box.above if item.box else PASS_HALF
                lowest = max(item.wanted if item.net in rail_rows or not item.last else self.top, free + reach_above,
                             floors.get(id(item), -math.inf))
                item.y = math.ceil(lowest / GRID - 1e-9) * GRID
                free = item.bottom() + ITEM_GAP
        # A part aligned with the wire that feeds it may reach above the top (a box's instance name over a
        # contact's line): everything moves down together, so the lines stay aligned.
        highest = min((item.top() for items in self.items for item in items), default=self.top)
        shift = max(0, math.ceil((self.top - highest) / GRID) * GRID)
        for items in self.items:
            for item in items:
                item.y += shift
        return shift

    def _wanted(self, item: _Item, column: int) -> float:
        if item.box is None:
            before = self.left_y(item.net, column - 1)
            item.last = before is None
            return before if before is not None else self.top + PASS_HALF
        box = item.box
        feeds = [(pin, self.left_y(net, column - 1)) for pin, net in self._feeds(box.uid)]
        if box.join:
            rows = [y for _, y in feeds if y is not None]
            first = min(rows, default=self.top)
            offsets = {pin: (y - first if y is not None else 0) for pin, y in feeds}
            self.join_inputs[box.uid] = offsets
            box.height = max(offsets.values(), default=0)
            return first
        if box.unstretched is not None:
            return self._stretched(box, feeds)
        for pin, y in feeds:
            if y is not None:
                return y - box.inputs[pin]
        return self.top + box.above

    def _stretched(self, box: Box, feeds: list[tuple[str, float | None]]) -> float:
        """The top of a box whose first wired input lies on its feed's line, each lower pin row moved down (with
        the rows under it) to the line of the wire feeding its input where that line is lower."""
        assert box.unstretched is not None
        inputs, outputs, height = box.unstretched
        box.inputs, box.outputs, box.height = dict(inputs), dict(outputs), height
        fed = {pin: y for pin, y in feeds if y is not None}
        first = next((pin for pin, _ in feeds if pin in fed), None)
        if first is None:
            self.row_gaps.pop(box.uid, None)
            return self.top + box.above
        top = fed[first] - inputs[first]
        added, gaps = 0.0, []
        for row in box.rows:
            gap = max((fed[pin] - top - inputs[pin] - added for pin in row if pin in fed and pin in inputs),
                      default=0.0)
            gap = math.ceil(gap / GRID - 1e-9) * GRID if gap >= GRID / 2 else 0.0
            added += gap
            gaps.append(gap)
            for pin in row:
                for offsets, unmoved in ((box.inputs, inputs), (box.outputs, outputs)):
                    if pin in unmoved:
                        offsets[pin] = unmoved[pin] + added
        box.height = height + added
        self.row_gaps[box.uid] = gaps
        return top

    # ----- x and wires ----------------------------------------------------------------------
    def place_columns(self, start: float) -> Placement:
        placement = Placement(join_inputs=self.join_inputs,
                              row_gaps={uid: gaps for uid, gaps in self.row_gaps.items() if any(gaps)})
        x = start
        self.channels = {column: self._channel(column) for column in range(-1, self.count - 1)}
        spans: list[tuple[float, float, float]] = []
        """Per column: where its pass-throughs start, where its parts stand, where its right margin ends."""
        tracks_of: list[dict[int, int]] = []
        for column, items in enumerate(self.items):
            order = self._tracks(column - 1)
            tracks_of.append(order)
            if column > 0 or order:
                x += max(CHANNEL_MIN, TRACK * (len(order) + 1))
            boxes = [i.box for i in items if i.box is not None]
            left = max((b.left_margin for b in boxes), default=0)
            width = max((b.width for b in boxes), default=0)
            right = max((b.right_margin for b in boxes), default=0)
            spans.append((x, x + left, x + left + width + right))
            for box in boxes:
                placement.position[box.uid] = (x + left, self.box_item[box.uid].y)
            x += left + width + right
        self.spans = spans
        for index, net in enumerate(self.nets):
            placement.segments[net.uid] = self._net_segments(index, tracks_of, placement.position)
        placement.width = x
        placement.height = max((i.bottom() for items in self.items for i in items), default=self.top)
        return placement

    def _channel(self, column: int) -> list[tuple[int, float, list[float]]]:
        """The nets that cross the channel right of ``column``: (net, left row, right rows)."""
        found = []
        for index, net in enumerate(self.nets):
            left = self.left_y(index, column) if column >= 0 else None
            if column >= 0 and left is None:
                continue
            if column < 0 and net.source is not None:
                continue
            rights = [self._sink_y(pin) for pin in net.sinks if self.columns.get(pin[0]) == column + 1]
            slot = self.passing.get((index, column + 1))
            if slot is not None:
                rights.append(slot.y)
            if rights:
                found.append((index, left if left is not None else -1.0, rights))
        return found

    def _sink_y(self, pin: Pin) -> float:
        return self.box_item[pin[0]].y + self._input_offset(self.boxes[pin[0]], pin[1])

    def _tracks(self, column: int) -> dict[int, int]:
        """Net -> its track number in the channel right of ``column`` (straight wires and the rail need none)."""
        if column < 0:
            return {}
        needing = [(n, left, rights) for n, left, rights in self.channels[column]
                   if not (len(rights) == 1 and abs(rights[0] - left) < 0.01)]
        # Net n turns before (left of) net m when n's line in from the left would otherwise meet m's vertical
        # (n's left row is one of m's rows, or lies within m's span), and after it when one of n's lines out to the
        # right lies within m's span.
        after: dict[int, set[int]] = {n: set() for n, _, _ in needing}
        for n, left, rights in needing:
            for m, m_left, m_rights in needing:
                if m == n:
                    continue
                low, high = min(m_left, *m_rights), max(m_left, *m_rights)
                if any(abs(r - left) < 0.01 for r in m_rights) or low + 0.01 < left < high - 0.01:
                    after[m].add(n)
                elif any(low + 0.01 < r < high - 0.01 for r in rights):
                    after[n].add(m)
        order: dict[int, int] = {}
        pending = sorted(needing, key=lambda entry: entry[1])
        while pending:
            ready = next((e for e in pending if after[e[0]] <= set(order)), pending[0])
            order[ready[0]] = len(order)
            pending.remove(ready)
        return order

    def _net_segments(self, index: int, tracks_of: list[dict[int, int]],
                      position: Mapping[str, Point]) -> list[tuple[Point, Point]]:
        net = self.nets[index]
        segments: list[tuple[Point, Point]] = []
        for column in range(-1, self.count - 1):
            for n, left, rights in self.channels[column]:
                if n != index:
                    continue
                right_x = self.spans[column + 1][0]
                left_x = self.rail_x if column < 0 else self.spans[column][2]
                if column >= 0 and net.source is not None and self.columns.get(net.source[0]) == column:
                    box = self.boxes[net.source[0]]
                    left_x = position[box.uid][0] + box.width
                ends = [(self._sink_x(pin, position), self._sink_y(pin)) for pin in net.sinks
                        if self.columns.get(pin[0]) == column + 1]
                if (index, column + 1) in self.passing:
                    ends.append((right_x, self.passing[(index, column + 1)].y))
                track = tracks_of[column + 1].get(index)
                if column < 0:
                    segments += [((left_x, y), (x, y)) for x, y in ends]
                elif track is None:
                    segments += [((left_x, left), (x, y)) for x, y in ends]
                else:
                    track_x = self.spans[column][2] + TRACK * (track + 1)
                    rows = [left] + [y for _, y in ends]
                    segments.append(((left_x, left), (track_x, left)))
                    if max(rows) - min(rows) > 0.01:
                        segments.append(((track_x, min(rows)), (track_x, max(rows))))
                    segments += [((track_x, y), (x, y)) for x, y in ends]
            slot = self.passing.get((index, column + 1))
            if slot is not None:
                start, _, end = self.spans[column + 1]
                segments.append(((start, slot.y), (end, slot.y)))
        return segments

    def _sink_x(self, pin: Pin, position: Mapping[str, Point]) -> float:
        return position[pin[0]][0]


def route(boxes: Mapping[str, Box], nets: Sequence[Net], *, top: float, rail_x: float, start: float,
          last_column: Callable[[str], bool]) -> Placement:
    """Place ``boxes`` and route ``nets``; ``last_column`` names parts that end the rung (LAD's coils)."""
    known = [Net(n.uid, n.source, [s for s in n.sinks if s[0] in boxes]) for n in nets
             if n.source is None or n.source[0] in boxes]
    known = [n for n in known if n.sinks]
    faults, placement = _placed(boxes, known, top, rail_x, start, last_column)
    shared = [n for n in known if n.source is None and len(n.sinks) > 1]
    if faults != (0, 0) and shared:
        # where wires still meet or cross, a wire from the rail to several pins is drawn as one line from the rail
        # to each (the rail is their vertical): a branch taken off another line crossed what ran between them
        split = [part for n in known for part in
                 ([n] if n not in shared else
                  [Net(f"{n.uid}{_RAIL_BRANCH}{i}", None, [sink]) for i, sink in enumerate(n.sinks)])]
        split_faults, split_placement = _placed(boxes, split, top, rail_x, start, last_column)
        if split_faults < faults:
            placement = split_placement
            for uid in [u for u in placement.segments if _RAIL_BRANCH in u]:
                placement.segments.setdefault(uid.split(_RAIL_BRANCH)[0], []).extend(placement.segments.pop(uid))
    return placement


def _placed(boxes: Mapping[str, Box], known: list[Net], top: float, rail_x: float, start: float,
            last_column: Callable[[str], bool]) -> tuple[tuple[int, int], Placement]:
    """The placement with the fewest meetings, then crossings, of wires; those counts."""
    columns = _columns(boxes, known, last_column)
    forward = [n for n in known if all(columns[s[0]] > (columns[n.source[0]] if n.source else -1) for s in n.sinks)]
    best: tuple[tuple[int, int], Placement] | None = None
    # by the pins fed (TIA's look), series parts moved onto their rows; where wires then meet or cross, without
    # the move; where they still cross, by the feeds
    for from_left_only, straighten in ((False, True), (False, False), (True, True), (True, False)):
        router = _Router(boxes, forward, columns, top, rail_x)
        router._rank_items(from_left_only)
        moved = router.place_rows(straighten)
        placement = router.place_columns(start)
        faults = (meetings(placement.segments) if moved else 0, crossings(placement.segments))
        if best is None or faults < best[0]:
            best = (faults, placement)
        if faults == (0, 0):
            break
    assert best is not None
    return best
