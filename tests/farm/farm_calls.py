"""Calling the farm: as a caller, waiting until something holds, and the jobs seen."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from engineering_api.farm.dispatch import _thread_binding

__all__ = ("InterruptedJobs", "WAIT", "as_caller", "until")

WAIT = 90.0
"""Generous bound for any event on a loaded two-core machine."""


def until(condition: Callable[[], Any], what: str, timeout: float = WAIT) -> Any:
    """Wait for ``condition()`` to be truthy (an event), failing with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)


def as_caller(caller: str, fn: Callable[[], Any]) -> Any:
    """Run ``fn`` as the farm session ``caller`` (what the API node's worker thread of that session does)."""
    _thread_binding.caller = caller
    try:
        return fn()
    finally:
        _thread_binding.caller = None


class InterruptedJobs:
    """The little of a JobManager that re-attaching uses: one interrupted job, and what it was settled with."""

    def __init__(self) -> None:
        from engineering_api.jobs.records import JobError

        self.status = "Running"
        self.failure: JobError | None = None
        self.settled = threading.Event()

    def get(self, job_id: str) -> Any:
        return self

    @property
    def terminal(self) -> bool:
        return self.status in ("Completed", "Failed", "Canceled")

    def settle_detached(self, job_id: str, status: str, message: str, *, result: Any = None,
                        error: Any = None) -> None:
        self.status, self.failure = status, error
        self.settled.set()
