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

__all__ = ("YOUNG_COLLECTION_EVERY", "HoldEnd", "collections_held", "hold_collections", "space_young_collections")


YOUNG_COLLECTION_EVERY = 10_000
"""Allocations of tracked objects between two collections of the youngest generation while a served app or a command
runs (Python's default: 700). Each 10th young collection also collects the middle generation and each 100th may walk
the whole heap that is not frozen (the open project's model): with 700, generating the pipeline's 95 corpus sources
made 916 young, 83 middle and 7 full collections, ~23% of the generation's CPU. The pipeline's import in process
(``bench/profile_pipeline.py --no-profile``): 1.04-1.06 s of CPU with 700, 0.88-0.94 s with 10,000, max RSS
unchanged (200 MB); measured 2026-11-27 16:50, load 2-4, runs alternated. Garbage in reference cycles waits for at
most that many allocations before it is freed."""


def space_young_collections(every: int = YOUNG_COLLECTION_EVERY) -> None:
    """Collect the young generation every ``every`` allocations at most from now on (a command's start: ``plc
    check`` of a 5,000-block plant spent 0.60 of its 1.86 s of CPU in 817 collections at Python's default, 0.23 of
    1.45 s in 51 with 10,000; measured 2026-11-29 with ``gc.callbacks``). A process that chose a larger spacing
    keeps it; while a hold is in force, its end restores at least this spacing."""
    with _lock:
        if _held:
            _kept[0] = _spaced(_kept[0], every)
        else:
            gc.set_threshold(*_spaced(gc.get_threshold(), every))


def _spaced(thresholds: tuple[int, int, int], young_at_least: int) -> tuple[int, int, int]:
    """``thresholds`` with the young generation's at least ``young_at_least``."""
    young, middle, old = thresholds
    return max(young, young_at_least), middle, old


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
            _kept[0] = _spaced(_kept[0], young_at_least)
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
