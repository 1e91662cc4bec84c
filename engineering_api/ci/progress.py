"""Progress of a long check on standard error, only when standard error is a terminal.

A pipeline's log (stderr redirected to a file or a pipe) never gets progress lines: the report on standard output
and the log stay what they were. On a terminal a run over at least :data:`LONG_RUN` items redraws one line,
``scl check: 120/800 files``, and erases it when done, so the report that follows starts on a clean line.
"""

from __future__ import annotations

import sys
from typing import IO, Iterable, Iterator, TypeVar

__all__ = ("LONG_RUN", "progress")

LONG_RUN = 20
"""Runs over fewer items than this finish too fast for a progress line to help."""

ItemT = TypeVar("ItemT")


def progress(items: Iterable[ItemT], total: int, label: str, *, stream: IO[str] | None = None) -> Iterator[ItemT]:
    """Yield ``items``, drawing ``label: n/total`` on ``stream`` (default standard error) when it is a terminal and
    the run is long."""
    out = sys.stderr if stream is None else stream
    shown = total >= LONG_RUN and out.isatty()
    done = 0
    try:
        for item in items:
            if shown:
                out.write(f"\r{label}: {done}/{total}")
                out.flush()
            yield item
            done += 1
    finally:
        if shown:
            out.write("\r\x1b[K")  # erase the line (ECMA-48 EL): the report starts clean
            out.flush()
