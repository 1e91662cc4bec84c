"""The garbage collector's automatic collections held while work builds objects that live until it ends (the
served start, one source's generation), counted and locked: holds from several threads overlap, and the collector
collects again when the last of them ends, with the thresholds the first found.

Held means a young threshold of 0 (no automatic collection, docs.python.org/3/library/gc.html#gc.set_threshold),
not ``gc.disable()``: ``gc.isenabled()`` stays whatever the process chose. Each hold is ended once by the thread
that holds it; work that may block for long (a call into TIA) is never held, since a thread abandoned while it
holds would leave automatic collection off for the rest of the process.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ("HoldEnd", "collections_held", "hold_collections")


class HoldEnd:
    """The end of one hold (:func:`hold_collections`). Ending it a second time changes nothing, and cannot end
    another hold."""

    def __init__(self) -> None:
        self._ended = False

    def __call__(self, *, young_at_least: int = 0) -> None:
        """End this hold; ``young_at_least``: the young threshold the collector gets back when the last hold ends
        is at least this (a served app's, whichever hold ends last)."""
        global _held
        with _lock:
            if self._ended:
                return
            self._ended = True
            young, middle, old = _kept[0]
            _kept[0] = (max(young, young_at_least), middle, old)
            _held -= 1
            if _held == 0:
                gc.set_threshold(*_kept.pop())


def hold_collections() -> HoldEnd:
    """Hold automatic collection until the returned end is called (the first of overlapping holds keeps the
    thresholds it found)."""
    global _held
    with _lock:
        _held += 1
        if _held == 1:
            _kept.append(gc.get_threshold())
            gc.set_threshold(0)
    return HoldEnd()


@contextmanager
def collections_held() -> Iterator[None]:
    """Automatic collection held for the ``with`` body (:func:`hold_collections`)."""
    end = hold_collections()
    try:
        yield
    finally:
        end()


_held = 0
"""Holds in force now."""
_kept: list[tuple[int, int, int]] = []
"""The thresholds the first of them found (empty when none holds)."""
_lock = threading.Lock()
