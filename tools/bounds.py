"""The suite's one hang guard: how long a test waits for an event before it calls the event lost.

A bound is not an assertion about speed. The normal case returns on the event (a job's end, a server's first
answer, a thread's signal) long before the bound; the bound only stops a test that would otherwise hang. CI runners
and shared workstations are often loaded (the suite must pass with several CPU-bound processes beside it, see
``make test-busy``), so the bound is generous. ``TEST_HANG_GUARD_S`` overrides it, e.g. on a very slow emulator.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TypeVar

__all__ = ("HANG_GUARD_S", "until")

T = TypeVar("T")

HANG_GUARD_S = float(os.environ.get("TEST_HANG_GUARD_S", "120"))
"""Seconds a test waits for an event that should come (a server ready, a job ended, a thread signalled)."""


def until(check: Callable[[], T], what: str, *, timeout: float = HANG_GUARD_S, every: float = 0.05) -> T:
    """The first truthy answer of ``check()``, asked every ``every`` seconds; after ``timeout`` (the hang guard, not
    a limit on speed) the test fails, naming ``what`` it waited for."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
