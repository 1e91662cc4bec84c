"""The garbage collector's settings in each test process (a pytest plugin, named in tests/conftest.py).

A test worker holds what collection made for the whole run (~14,000 items, the test modules, the product's modules
and their fixtures' caches: corpora parsed once per process), and most tests make many short-lived objects (tokens,
syntax trees, XML models). At Python's default thresholds (700, 10, 10) the collector took 23.4 s of the 66.0 s of
CPU of one process running tests/simatic_xml, tests/scl_format and tests/lsp (26,385 collections, 122 of them full;
``gc.callbacks``, 2026-11-29); with the items frozen and the thresholds below, 3.5 s of 44.4 s (1,074 collections),
the run with its subprocesses 114 → 96 s of CPU, the peak memory unchanged (431-436 MB). With (50,000, 50, 100)
instead: 3.2 s, the same peak.

So the collected items are frozen once collection ends (``gc.freeze``: no collection walks them again; they live
as long as the process anyway, docs.python.org/3/library/gc.html#gc.freeze), and the young generation is collected
every :data:`YOUNG` allocations, the middle one every :data:`MIDDLE` young collections. Cyclic garbage waits longer
before it is freed.

Tests of the collector's own holds set Python's defaults around what they watch (tests/collector_watch.py), and the
product's served apps keep their own young threshold of at least 10,000 (``engineering_api.asgi``): a hold ends
with the larger of the two.
"""

from __future__ import annotations

import gc

import pytest

__all__ = ("MIDDLE", "OLD", "YOUNG")

YOUNG = 20_000
"""Allocations of tracked objects between two collections of the youngest generation (Python's default: 700)."""
MIDDLE = 20
"""Young collections between two collections of the middle generation (default: 10)."""
OLD = 20
"""Middle collections between two full ones, which Python also skips while the heap grew by less than a quarter
since the last (default: 10)."""


def pytest_configure(config: pytest.Config) -> None:
    del config
    gc.set_threshold(YOUNG, MIDDLE, OLD)


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    del session
    gc.freeze()
