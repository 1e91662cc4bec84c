"""Two API nodes on one PostgreSQL (each with its own data dir) share everything a node keeps: a standby node knows
the pipeline schedules, with their next run times, both answer one runtime tag history, and every message a node
prints about its keys is true."""

from __future__ import annotations

import datetime as dt
import os
from contextlib import AbstractContextManager
from pathlib import Path

import granian
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select

from engineering_api import cli
from engineering_api.config import Settings
from engineering_api.lib.db import Database
from engineering_api.lib.security import ApiKeyStore
from engineering_api.lib.tables import pipeline_schedules
from tests.api.runtime_users import login
from tests.conftest import data, served
from tests.db.history_file import SAMPLES, assert_history_answers, raw_values, write_history_file
from tests.scheduler_log import scheduler_clock
from tests.db.nightly_runs import NIGHTLY, UTC, assert_the_missed_nightly_ran


# Two nodes share a database only on PostgreSQL (a SQLite file is one node's), so these tests run there alone.
pytestmark = pytest.mark.parametrize("target", ["postgresql"], indirect=True)


def _node(data_dir: Path, database: str) -> AbstractContextManager[TestClient[Litestar]]:
    """A start of the node with its own ``data_dir`` on the shared ``database``."""
    return served(Settings.from_env(data_dir=data_dir, db=database))


def test_a_standby_node_runs_the_schedule_the_other_node_missed(
    tmp_path: Path, shared: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Node A saves a nightly pipeline and goes down before 02:00; node B, with a data dir of its own, starts at
    03:00 and runs the missed run (the next run time was in the shared store), once."""
    with scheduler_clock(monkeypatch, dt.datetime(2026, 1, 5, 1, 0, tzinfo=UTC)) as clock:
        with _node(tmp_path / "a", shared) as client:
            admin = {"X-API-Key": (tmp_path / "a" / "api.secret").read_text().strip()}
            assert data(client.post("/api/pipelines", json=NIGHTLY, headers=admin))["nextRunAt"] == \
                "2026-01-05T02:00:00Z"
        clock.move_to(dt.datetime(2026, 1, 5, 3, 0, tzinfo=UTC))
        with _node(tmp_path / "b", shared) as client:
            assert_the_missed_nightly_ran(client, admin)
            assert data(client.get("/api/pipelines/Nightly", headers=admin))["nextRunAt"] == "2026-01-06T02:00:00Z"
    for node in ("a", "b"):
        assert not (tmp_path / node / "schedules.sqlite").exists(), "no per-node schedule store"
    db = Database(shared)
    assert [r["id"] for r in db.all(select(pipeline_schedules.c.id))] == ["pipeline:nightly"]
    db.close()


def test_a_second_node_says_truly_where_the_keys_are(tmp_path: Path, shared: str,
                                                     capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    class NoServer:
        """Granian's server as serve uses it (cli._serve_until_stopped), serving nothing."""

        wrks: list[object] = []
        interrupt_signal = False

        def __init__(self, *_: object, **__: object) -> None:
            pass

        def signal_handler_interrupt(self, *_: object) -> None:
            pass

        def shutdown(self, *_: object) -> None:
            pass

        def serve(self) -> None:
            pass

    monkeypatch.setattr(granian, "Granian", NoServer)
    monkeypatch.setattr(os, "environ", os.environ.copy())  # serve exports its settings for the server's worker
    first, second = tmp_path / "first", tmp_path / "second"
    assert cli.main(["serve", "--port", "0", "--data-dir", str(first), "--db", shared]) == 0
    said = capsys.readouterr().out
    assert f"First start: an admin API key was written to {first / 'api.secret'}" in said
    db = Database(shared)
    assert ApiKeyStore(db).verify((first / "api.secret").read_text().strip()) is not None
    db.close()

    assert cli.main(["serve", "--port", "0", "--data-dir", str(second), "--db", shared]) == 0
    said = capsys.readouterr().out
    assert not (second / "api.secret").exists()
    assert "written" not in said.replace("no key file was written on this node", "")
    assert "which had keys already" in said and "no key file was written on this node" in said

    assert cli.main(["serve", "--port", "0", "--data-dir", str(first), "--db", shared]) == 0
    assert f"the first admin key was written to {first / 'api.secret'}" in capsys.readouterr().out


def test_two_nodes_answer_one_history(tmp_path: Path, shared: str) -> None:
    """Each node's data dir holds a history file of a release before revision 0004. Node A upgrades the database
    (its file moves in with the upgrade); node B finds the database upgraded and its own file moves in when its
    runtime starts. Each node then answers the other's values: one history, not one per node."""
    write_history_file(tmp_path / "a")
    speeds = [('"line_db".speed', ms, value) for ms, value in ((SAMPLES[0][1], 1.5), (SAMPLES[0][1] + 500, 2.5))]
    write_history_file(tmp_path / "b", speeds)
    with _node(tmp_path / "a", shared) as client:
        admin = {"X-API-Key": (tmp_path / "a" / "api.secret").read_text().strip()}
        assert_history_answers(client, admin)
    with _node(tmp_path / "b", shared) as client:
        reader = login(client, "historian")  # the user node A made, and the values node A brought
        assert [p["value"] for p in raw_values(client, reader)] == [10.0, 20.0, 30.0, 35.0, 40.0]
        assert [p["value"] for p in raw_values(client, reader, tags='"Line_DB".Speed')] == [1.5, 2.5]
    with _node(tmp_path / "a", shared) as client:
        reader = login(client, "historian")
        assert [p["value"] for p in raw_values(client, reader, tags='"Line_DB".Speed')] == [1.5, 2.5]
    for node in ("a", "b"):
        assert not (tmp_path / node / "runtime-history.sqlite").exists(), "no per-node history store"
        assert (tmp_path / node / "runtime-history.sqlite.imported").is_file()
