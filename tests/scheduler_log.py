"""What an app's APScheduler did, seen through APScheduler's own listener API from the moment it starts, so a test
waits for the scheduler's events instead of sleeping and hoping it has run (or has not).

:func:`watch_schedulers` subscribes every app's scheduler as it is started (before the app's event loop can run a
single pass of it, so the runs at start-up, such as those missed while the server was down, are seen too);
:func:`scheduler_log` is a running app's log; :func:`scheduler_clock` is the ticking test clock a scheduling test
runs in, with its apps' schedulers watched.
"""

from __future__ import annotations

import threading
import uuid
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import time_machine

from apscheduler.events import (
    EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, EVENT_JOB_SUBMITTED, JobSubmissionEvent,
)

import engineering_api.app
from tools.bounds import HANG_GUARD_S

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator

    import pytest
    from apscheduler.events import JobEvent
    from apscheduler.schedulers.base import BaseScheduler
    from litestar import Litestar
    from litestar.testing import TestClient

    from engineering_api.services import Services

__all__ = ("SchedulerLog", "scheduler_clock", "scheduler_log", "watch_schedulers")

ENDED = EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
"""How one scheduled run of a job ends (one event per run time of a submission)."""

_logs: WeakKeyDictionary[BaseScheduler, SchedulerLog] = WeakKeyDictionary()


def _probe() -> None:
    """The job :meth:`SchedulerLog.settle` schedules: its run proves the scheduler has looked at the clock."""


class SchedulerLog:
    """The job events of one scheduler: submissions and how each run ended."""

    def __init__(self, scheduler: BaseScheduler) -> None:
        self.scheduler = scheduler
        self.events: list[JobEvent] = []
        self._changed = threading.Condition()
        scheduler.add_listener(self._record, EVENT_JOB_SUBMITTED | ENDED)

    def _record(self, event: JobEvent) -> None:
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def of(self, job_id: str, mask: int = ENDED) -> list[JobEvent]:
        """The events of ``job_id`` whose code is in ``mask`` (default: the ended runs), oldest first."""
        with self._changed:
            return [e for e in self.events if e.job_id == job_id and e.code & mask]

    def _unfinished(self) -> int:
        """Run times submitted whose end has not been reported yet."""
        submitted = sum(len(e.scheduled_run_times) for e in self.events if isinstance(e, JobSubmissionEvent))
        return submitted - sum(1 for e in self.events if e.code & ENDED)

    def settle(self, timeout: float = HANG_GUARD_S) -> None:
        """Return once the scheduler has looked at its job stores at the (test) clock's current time and every run
        it started has ended.

        A probe job due now is added (which wakes the scheduler): one pass of the scheduler reads every job store
        at one instant, so the pass that submits the probe submits every job due by now too (or an earlier pass
        did), and the probe's end is reported on the scheduler's loop after that pass. What that pass submitted is
        then waited for to its end.
        """
        probe = f"settle-probe-{uuid.uuid4().hex}"
        self.scheduler.add_job(_probe, id=probe, misfire_grace_time=None)
        with self._changed:
            settled = self._changed.wait_for(
                lambda: any(e.job_id == probe and e.code & ENDED for e in self.events) and not self._unfinished(),
                timeout)
        if not settled:
            raise AssertionError(f"the scheduler did not settle within {timeout} s: {self.events}")


def watch_schedulers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Log the job events of every app started from now on in this test (see :func:`scheduler_log`)."""
    start = engineering_api.app._start_scheduler

    def started(services: Services) -> Any:
        # Still on the app's event loop, before it can run the scheduler's first pass (AsyncIOScheduler wakes
        # through that loop): no job event is missed.
        scheduler = start(services)
        _logs[scheduler] = SchedulerLog(scheduler)
        return scheduler

    monkeypatch.setattr(engineering_api.app, "_start_scheduler", started)


@contextmanager
def scheduler_clock(monkeypatch: pytest.MonkeyPatch, at: dt.datetime) -> Iterator[time_machine.Traveller]:
    """The test clock, at ``at`` and ticking, with the scheduler of every app started in it watched
    (:func:`watch_schedulers`); move it with the ``Traveller`` it yields."""
    watch_schedulers(monkeypatch)
    with time_machine.travel(at, tick=True) as clock:
        yield clock


def scheduler_log(client: TestClient[Litestar]) -> SchedulerLog:
    """The log of the running app's scheduler (the test called :func:`watch_schedulers` before starting it)."""
    return _logs[client.app.state.services.scheduler]
