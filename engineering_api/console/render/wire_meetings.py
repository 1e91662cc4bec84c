"""Where the wires of a routed LAD/FBD network meet when they should not: a horizontal of one passing through a
vertical of another (a crossing, which TIA's editor never draws), or one running along or ending on another (the
drawing would join them). The router (:mod:`.ladder_layout`) keeps the placement with the fewest."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ("crossings", "meetings")

Point = tuple[float, float]


def crossings(segments: Mapping[str, list[tuple[Point, Point]]]) -> int:
    """How often a horizontal of one wire passes through a vertical of another, neither ending there."""
    horizontals = [(uid, s) for uid, lines in segments.items() for s in lines if abs(s[0][1] - s[1][1]) < 0.01]
    verticals = [(uid, s) for uid, lines in segments.items() for s in lines
                 if abs(s[0][0] - s[1][0]) < 0.01 and abs(s[0][1] - s[1][1]) >= 0.01]
    return sum(1 for uid, ((x1, y), (x2, _)) in horizontals for other, ((x, y1), (_, y2)) in verticals
               if other != uid and min(x1, x2) + 0.01 < x < max(x1, x2) - 0.01
               and min(y1, y2) + 0.01 < y < max(y1, y2) - 0.01)


def meetings(segments: Mapping[str, list[tuple[Point, Point]]]) -> int:
    """How often a wire meets another so that the drawing would join them: running along it on one line, or
    ending on it."""
    rows: dict[float, list[tuple[str, float, float]]] = {}
    columns: dict[float, list[tuple[str, float, float]]] = {}
    for uid, lines in segments.items():
        for (x1, y1), (x2, y2) in lines:
            if abs(y1 - y2) < 0.01:
                rows.setdefault(round(y1, 2), []).append((uid, min(x1, x2), max(x1, x2)))
            elif abs(x1 - x2) < 0.01:
                columns.setdefault(round(x1, 2), []).append((uid, min(y1, y2), max(y1, y2)))
    found = 0
    for spans in (*rows.values(), *columns.values()):  # along one another
        found += sum(1 for i, (a, lo, hi) in enumerate(spans) for b, lo2, hi2 in spans[i + 1:]
                     if a != b and max(lo, lo2) <= min(hi, hi2) + 0.01)
    for uid, lines in segments.items():  # an end on another wire's perpendicular line
        for end in {point for line in lines for point in line}:
            x, y = round(end[0], 2), round(end[1], 2)
            found += sum(1 for other, lo, hi in columns.get(x, ()) if other != uid and lo - 0.01 <= end[1] <= hi + 0.01)
            found += sum(1 for other, lo, hi in rows.get(y, ()) if other != uid and lo - 0.01 <= end[0] <= hi + 0.01)
    return found
