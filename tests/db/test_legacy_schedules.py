"""A data dir of a release before the migrations kept pipeline schedules in ``<data dir>/schedules.sqlite``, its
jobs naming the data dir as their app: at the first start after the upgrade the rows move into the database and a
run missed meanwhile still runs."""

from __future__ import annotations

import datetime as dt
import pickle
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select

from engineering_api.config import Settings
from engineering_api.lib.tables import pipeline_schedules
from tests.conftest import data, served
from tests.db.nightly_runs import NIGHTLY, assert_the_missed_nightly_ran
from tests.scheduler_log import scheduler_clock

UTC = dt.UTC


def _as_the_release_kept_it(data_dir: Path, client: TestClient[Litestar]) -> None:
    """Move the stored schedule into ``schedules.sqlite`` (table ``apscheduler_jobs``, APScheduler's own shape),
    its job naming the data dir as the release did."""
    db = client.app.state.services.db
    [row] = db.all(select(pipeline_schedules))
    state = pickle.loads(row["job_state"])  # the job state this test's own app stored
    state["args"] = (str(data_dir.resolve()), *state["args"][1:])
    with closing(sqlite3.connect(data_dir / "schedules.sqlite")) as old:
        old.execute("CREATE TABLE apscheduler_jobs (id VARCHAR(191) NOT NULL PRIMARY KEY, next_run_time FLOAT, "
                    "job_state BLOB NOT NULL)")
        old.execute("INSERT INTO apscheduler_jobs VALUES (?, ?, ?)", (row["id"], row["next_run_time"],
                                                                        pickle.dumps(state)))
        old.commit()
    db.execute(pipeline_schedules.delete())


def test_schedules_of_a_release_before_migrations_move_in_and_a_missed_run_still_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    with scheduler_clock(monkeypatch, dt.datetime(2026, 1, 5, 1, 0, tzinfo=UTC)) as clock:
        with served(Settings.from_env(data_dir=tmp_path)) as client:
            admin = {"X-API-Key": (tmp_path / "api.secret").read_text().strip()}
            data(client.post("/api/pipelines", json=NIGHTLY, headers=admin))
        with served(Settings.from_env(data_dir=tmp_path)) as client:
            client.app.state.services.scheduler.pause()  # nothing runs while the store is rewritten
            _as_the_release_kept_it(tmp_path, client)
        clock.move_to(dt.datetime(2026, 1, 5, 3, 0, tzinfo=UTC))  # the 02:00 run missed while down
        with served(Settings.from_env(data_dir=tmp_path)) as client:
            assert_the_missed_nightly_ran(client, admin)
            [moved] = client.app.state.services.db.all(select(pipeline_schedules))
            assert pickle.loads(moved["job_state"])["args"][0] == str(tmp_path.resolve() / "engineering-api.sqlite3")
