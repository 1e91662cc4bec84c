"""Pipelines on a cron schedule, under a test clock (time-machine moves the wall clock APScheduler reads): a run at
the scheduled minute, the next run time, audit, and the missed-run policy across a restart on the same data dir."""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING, Any

from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from litestar.testing import TestClient

from engineering_api.config import Settings
from tests.conftest import data, served
from tests.scheduler_log import scheduler_clock, scheduler_log
from tools.bounds import HANG_GUARD_S

if TYPE_CHECKING:
    from pathlib import Path

    import pytest
    from litestar import Litestar

BASE = "/api/pipelines"
UTC = dt.UTC
STEPS = [{"name": "Instances", "action": "simulation.instances.list"}]


def _scheduled(name: str, missed: str = "runOnce", cron: str = "0 2 * * *") -> dict[str, Any]:
    return {"name": name, "trigger": "schedule", "schedule": {"cron": cron, "timezone": "UTC", "missedRuns": missed},
            "steps": STEPS}


def _admin(client: TestClient[Litestar], data_dir: Path) -> dict[str, str]:
    return {"X-API-Key": (data_dir / "api.secret").read_text().strip()}


def _executions(client: TestClient[Litestar], headers: dict[str, str], name: str) -> list[dict[str, Any]]:
    return data(client.get(f"{BASE}/executions", params={"name": name}, headers=headers))


def _wait_for(client: TestClient[Litestar], headers: dict[str, str], name: str, count: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + HANG_GUARD_S
    while time.monotonic() < deadline:
        found = _executions(client, headers, name)
        if len(found) >= count and all(e["status"] not in ("Pending", "Running") for e in found):
            return found
        time.sleep(0.05)
    raise AssertionError(f"{name}: {count} finished execution(s) expected, have {_executions(client, headers, name)}")


def _wake(client: TestClient[Litestar]) -> None:
    """The scheduler set its timer for the old clock; after a jump it looks again at once."""
    client.app.state.services.scheduler.wakeup()


def _settled(client: TestClient[Litestar]) -> None:
    """The scheduler has looked at the test clock's time, and every run it started then has ended."""
    scheduler_log(client).settle()


def test_a_cron_pipeline_runs_at_its_minute_under_the_test_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    with scheduler_clock(monkeypatch, dt.datetime(2026, 1, 5, 1, 59, 30, tzinfo=UTC)) as clock:
        with served(Settings.from_env(data_dir=tmp_path)) as client:
            headers = _admin(client, tmp_path)
            saved = data(client.post(BASE, json=_scheduled("Nightly"), headers=headers))
            assert saved["nextRunAt"] == "2026-01-05T02:00:00Z"
            _settled(client)
            assert _executions(client, headers, "Nightly") == []  # not yet 02:00
            clock.move_to(dt.datetime(2026, 1, 5, 2, 0, 1, tzinfo=UTC))
            _wake(client)
            [execution] = _wait_for(client, headers, "Nightly", 1)
            assert (execution["status"], execution["trigger"], execution["startedBy"]) == (
                "Completed", "schedule", "scheduler")
            assert execution["startedAt"].startswith("2026-01-05T02:00")
            got = data(client.get(f"{BASE}/Nightly", headers=headers))
            assert got["nextRunAt"] == "2026-01-06T02:00:00Z"
            audit = data(client.get("/api/audit", params={"pathPrefix": "/api/pipelines/Nightly/run"},
                                    headers=headers))["records"]
            assert [(r["via"], r["jobId"]) for r in audit] == [("scheduler", execution["jobId"])]
            admin_step = {**_scheduled("Admin"), "steps": [{"name": "A", "action": "tia.firewall.whitelist"}]}
            problem = client.post(BASE, json=admin_step, headers=headers).json()
            assert problem["code"] == "PIPELINE_INVALID" and "scheduled run has the engineer role" in problem["detail"]
            # a deleted schedule never fires
            data(client.delete(f"{BASE}/Nightly", headers=headers))
            clock.move_to(dt.datetime(2026, 1, 6, 2, 0, 1, tzinfo=UTC))
            _settled(client)
            assert len(_executions(client, headers, "Nightly")) == 1
            assert len(scheduler_log(client).of("pipeline:nightly")) == 1


def test_runs_missed_while_the_server_was_down_follow_each_pipelines_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    with scheduler_clock(monkeypatch, dt.datetime(2026, 1, 5, 1, 0, tzinfo=UTC)) as clock:
        with served(Settings.from_env(data_dir=tmp_path)) as client:
            headers = _admin(client, tmp_path)
            data(client.post(BASE, json=_scheduled("Once"), headers=headers))
            data(client.post(BASE, json=_scheduled("Skip", missed="skip"), headers=headers))
        clock.move_to(dt.datetime(2026, 1, 8, 3, 0, tzinfo=UTC))  # three 02:00 runs missed while down
        with served(Settings.from_env(data_dir=tmp_path)) as client:
            _wake(client)
            [once] = _wait_for(client, headers, "Once", 1)
            assert once["trigger"] == "schedule" and once["startedAt"].startswith("2026-01-08T03:00")
            _settled(client)
            assert len(_executions(client, headers, "Once")) == 1  # coalesced: once, not three times
            assert _executions(client, headers, "Skip") == []
            log = scheduler_log(client)
            assert [e.code for e in log.of("pipeline:once")] == [EVENT_JOB_EXECUTED]
            assert [e.code for e in log.of("pipeline:skip")] == [EVENT_JOB_MISSED]  # coalesced, then dropped
            for name in ("Once", "Skip"):
                assert data(client.get(f"{BASE}/{name}", headers=headers))["nextRunAt"] == "2026-01-09T02:00:00Z"
