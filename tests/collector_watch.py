"""The garbage collector watched at Python's default thresholds, for the tests of the collector's holds
(``engineering_api.lib.collector``): the generations whose collection started, optionally only those an allocation
inside a given function set off; the collector's state put back afterwards, whatever the test left."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import CodeType, FrameType

__all__ = ("NORMAL", "watched_collections")

NORMAL = (700, 10, 10)
"""Python's default thresholds: a collection every 700 allocations, so any unheld stretch of work collects."""


def _inside(frame: FrameType | None, code: CodeType) -> bool:
    while frame is not None:
        if frame.f_code is code:
            return True
        frame = frame.f_back
    return False


@contextmanager
def watched_collections(inside: Callable[..., object] | None = None) -> Iterator[list[int]]:
    """The generations collected while the ``with`` body runs, the collector on at :data:`NORMAL`; with ``inside``,
    only the collections an allocation below that function's frame set off."""
    seen: list[int] = []
    code = inside.__code__ if inside is not None else None

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and (code is None or _inside(sys._getframe(1), code)):
            seen.append(info["generation"])

    was_enabled, threshold = gc.isenabled(), gc.get_threshold()
    gc.enable()
    gc.set_threshold(*NORMAL)
    gc.callbacks.append(note)
    try:
        yield seen
    finally:
        gc.callbacks.remove(note)
        gc.set_threshold(*threshold)
        gc.enable() if was_enabled else gc.disable()
