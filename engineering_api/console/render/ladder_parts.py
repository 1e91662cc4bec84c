"""What the LAD/FBD router (:func:`engineering_api.console.render.ladder_layout.route`) is given and answers: the
parts to place with their pins' offsets, the wires to route, and the placement."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ("Box", "Net", "Pin", "Placement", "Point")

Pin = tuple[str, str]
"""A part's pin: (part UId, pin name)."""
Point = tuple[float, float]


@dataclass(slots=True)
class Box:
    """A part to place: its size, how far its drawing reaches above and below it, its pins' offsets, and the
    margins its operands need on the left and right."""

    uid: str
    width: float
    height: float
    inputs: dict[str, float]
    """Input pin -> y offset from the top (the pin is on the left edge, x offset 0)."""
    outputs: dict[str, float]
    """Output pin -> y offset (on the right edge)."""
    above: float = 0
    below: float = 0
    left_margin: float = 0
    right_margin: float = 0
    order: int = 0
    join: bool = False
    """LAD's closing of parallel branches: its inputs take the rows of the wires that reach it."""
    rows: list[tuple[str, ...]] = field(default_factory=list)
    """A LAD box's pin rows, top to bottom (each row's input and output pins): a row stretches down to the line of
    the wire that feeds its input, as TIA's editor stretches a box to the rows of its wired inputs. Empty: the
    offsets stay."""
    unstretched: tuple[dict[str, float], dict[str, float], float] | None = None
    """A stretching box's input and output offsets and height as given (each placement stretches anew)."""


@dataclass(slots=True)
class Net:
    """A wire to route: from an output pin (or the rail: ``None``) to input pins."""

    uid: str
    source: Pin | None
    sinks: list[Pin]


@dataclass(slots=True)
class Placement:
    """The result: each part's top left corner, each wire's segments, the drawing's size."""

    position: dict[str, Point] = field(default_factory=dict)
    segments: dict[str, list[tuple[Point, Point]]] = field(default_factory=dict)
    width: float = 0
    height: float = 0
    join_inputs: dict[str, dict[str, float]] = field(default_factory=dict)
    """A join's input pin offsets, as placed."""
    row_gaps: dict[str, list[float]] = field(default_factory=dict)
    """A stretched box's room added above each of its pin rows (:attr:`Box.rows`), as placed."""
