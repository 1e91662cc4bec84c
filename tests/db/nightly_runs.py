"""The nightly job across two nodes: its name and the check that a missed run ran."""

from __future__ import annotations

import datetime as dt
from typing import Any

from apscheduler.events import EVENT_JOB_EXECUTED
from litestar.testing import TestClient

from tests.conftest import data
from tests.scheduler_log import scheduler_log
from tools.bounds import until

__all__ = ("NIGHTLY", "UTC", "assert_the_missed_nightly_ran")

UTC = dt.UTC

NIGHTLY = {"name": "Nightly", "trigger": "schedule",
           "schedule": {"cron": "0 2 * * *", "timezone": "UTC", "missedRuns": "runOnce"},
           "steps": [{"name": "Instances", "action": "simulation.instances.list"}]}


def _finished_runs(client: TestClient[Any], headers: dict[str, str]) -> list[dict[str, Any]]:
    """Nightly's executions once one has ended (the scheduler started its job; the job runs on)."""
    def finished() -> list[dict[str, Any]]:
        runs = data(client.get("/api/pipelines/executions", params={"name": "Nightly"}, headers=headers))
        return list(runs) if runs and all(r["status"] not in ("Pending", "Running") for r in runs) else []

    return until(finished, "a finished execution of Nightly")


def assert_the_missed_nightly_ran(client: TestClient[Any], headers: dict[str, str]) -> None:
    """Woken at 03:00 on 5 January, the scheduler ran Nightly's 02:00 run, missed while no node was up, once."""
    client.app.state.services.scheduler.wakeup()
    log = scheduler_log(client)
    log.settle()
    assert [e.code for e in log.of("pipeline:nightly")] == [EVENT_JOB_EXECUTED]
    runs = _finished_runs(client, headers)
    assert [(r["trigger"], r["startedAt"][:16]) for r in runs] == [("schedule", "2026-01-05T03:00")]
