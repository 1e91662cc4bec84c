"""Which statements, branches and networks of a PLC program its unit tests ran: the record ``test run --coverage``
reports (:mod:`engineering_api.ci.coverage_report`).

While a :func:`recording` is active, the simulated PLC's code generator (``fakes/runtime/codegen_coverage.py``)
registers every statement and every branch of the blocks it generates as a :class:`Point` and makes the
generated code count each one it reaches: an ``IF``'s and a ``CASE``'s branches, their implicit ``ELSE`` (the
path taken when no condition holds) included. Outside a recording nothing is generated and nothing counted, so a
scan costs what it did. A program generated twice (each case of a run starts from a freshly downloaded PLC) adds
its points once: a point is keyed by block, kind, network, line and branch.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

__all__ = ("NETWORK", "Point", "Recorder", "active", "recording")

NETWORK = "NETWORK"
"""The label of a network's own point (line 0): counted each time the network runs, whatever its language."""


@dataclass(frozen=True)
class Point:
    """A statement (``branch`` None) or one branch of an ``IF``/``CASE`` (``branch`` its 0-based index; the implicit or
    written ``ELSE`` is the last) at ``line`` of ``network`` (None: an SCL source, whose lines are the file's)."""

    block: str
    network: int | None
    line: int
    branch: int | None = None
    label: str = ""
    """How a report names a branch: ``IF``, ``ELSIF``, ``ELSE``, ``CASE``... (empty for statements)."""


@dataclass
class Recorder:
    """The points generated so far and how often the run reached each (``hits[i]`` counts ``points[i]``)."""

    points: list[Point] = field(default_factory=list)
    hits: list[int] = field(default_factory=list)
    _index: dict[Point, int] = field(default_factory=dict)

    def add(self, point: Point) -> int:
        """The index of ``point`` in :attr:`hits` (the generated code increments it)."""
        index = self._index.get(point)
        if index is None:
            index = self._index[point] = len(self.points)
            self.points.append(point)
            self.hits.append(0)
        return index


_ACTIVE: contextvars.ContextVar[Recorder | None] = contextvars.ContextVar("coverage_recorder", default=None)


def active() -> Recorder | None:
    """The recording the code generator adds points to, if one is active."""
    return _ACTIVE.get()


@contextmanager
def recording() -> Iterator[Recorder]:
    """Record the coverage of every program generated (and run) inside the block."""
    recorder = Recorder()
    token = _ACTIVE.set(recorder)
    try:
        yield recorder
    finally:
        _ACTIVE.reset(token)
