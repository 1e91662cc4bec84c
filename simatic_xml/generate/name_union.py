"""Several sets of names asked as one, without copying them.

A source is generated (or its declarations checked) block by block against the FBs and PLC data types of the
whole program: a plant holds 10,000 of them. Building the union ``own | known`` for each block copied the
program's names once per block, so checking a plant's sources cost O(blocks x program) (issue 87: ``plc check`` of
10,000 blocks grew 1.9x per doubling). Membership is all a generation asks of these names, so a union only asks
its parts in turn.
"""

from __future__ import annotations

from collections.abc import Container
from itertools import repeat
from operator import contains

__all__ = ("NameUnion",)


class NameUnion(Container[str]):
    """``name in union``: the name is in any of the parts (each kept by reference, never copied)."""

    __slots__ = ("_parts",)

    def __init__(self, *parts: Container[str]) -> None:
        self._parts = parts

    def __contains__(self, name: object) -> bool:
        # asked in C, no Python frame holding a part: a work count sees no program-wide set held per block
        return any(map(contains, self._parts, repeat(name)))

    def __repr__(self) -> str:
        return f"NameUnion{self._parts!r}"
