"""Square wire lines as SVG: coordinates, path data, the dots where a wire branches, the markers of pins."""

from __future__ import annotations

from html import escape

__all__ = ("Segment", "joints_svg", "n", "path_data", "pin_mark")

Segment = tuple[tuple[float, float], tuple[float, float]]


def n(value: float) -> str:
    """A coordinate as written in the SVG."""
    return f"{round(value, 2):g}"


def path_data(segments: list[Segment]) -> str:
    """The path data of square segments: each one an absolute move and a horizontal or vertical line."""
    parts = []
    for (x1, y1), (x2, y2) in segments:
        parts.append(f"M{n(x1)} {n(y1)} " + (f"H{n(x2)}" if abs(y1 - y2) < 0.01 else f"V{n(y2)}"))
    return " ".join(parts)


def joints_svg(segments: list[Segment]) -> str:
    """A dot where a wire branches (an end on another segment's middle, or three ends at one point), so that a
    branch is not read as a crossing of two wires."""
    # a zero-length segment is no line: its two ends at one point made a third end there, a dot on a plain line
    segments = [s for s in segments if abs(s[0][0] - s[1][0]) + abs(s[0][1] - s[1][1]) >= 0.01]
    ends: dict[tuple[float, float], int] = {}
    for segment in segments:
        for point in segment:
            key = (round(point[0], 2), round(point[1], 2))
            ends[key] = ends.get(key, 0) + 1
    dots = {point for point, count in ends.items() if count >= 3}
    for (x, y) in ends:
        for (x1, y1), (x2, y2) in segments:
            inside_h = abs(y1 - y2) < 0.01 and abs(y - y1) < 0.01 and min(x1, x2) + 0.01 < x < max(x1, x2) - 0.01
            inside_v = abs(x1 - x2) < 0.01 and abs(x - x1) < 0.01 and min(y1, y2) + 0.01 < y < max(y1, y2) - 0.01
            if inside_h or inside_v:
                dots.add((x, y))
    return "".join(f'<circle class="joint" cx="{n(x)}" cy="{n(y)}" r="2.5"/>' for x, y in sorted(dots))


def pin_mark(name: str, point: tuple[float, float]) -> str:
    """A zero-size marker where a wire meets a pin (for tests and tools reading the picture's geometry)."""
    return f'<circle class="pin" data-pin="{escape(name)}" cx="{n(point[0])}" cy="{n(point[1])}" r="0"/>'
