"""Counted refusals (engineering_api.lib.audit) on SQLite and on PostgreSQL: the first refusal of a client and status
writes a row, the next ones in the window add to its count and move its ``lastAt`` (prepared statements, run on each
driver's own cursor)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from engineering_api.lib.audit import AuditLog
from engineering_api.lib.db import Database
from tests.db.conftest import Target


def test_refusals_are_counted_on_one_row(tmp_path: Path, target: Target) -> None:
    db = Database(target(tmp_path), data_dir=tmp_path)
    try:
        now = [1000.0]
        log = AuditLog(db, clock=lambda: now[0])
        for _ in range(3):
            log.count_refusal(method="POST", path="/api/projects/actions/save", status=401, key_id=None, role=None,
                              client="127.0.0.1")
            now[0] += 1.0
        log.count_refusal(method="GET", path="/api/projects", status=401, key_id=None, role=None, client="10.0.0.2")

        records = {record.client: record for record in log.page().records}
        first = records["127.0.0.1"]
        assert (first.count, first.status, first.outcome, first.method, first.via) == (3, 401, "denied", "POST", "rest")
        assert first.last_at is not None and first.last_at >= first.at
        assert records["10.0.0.2"].count == 1
        assert log.page().total == 2
    finally:
        db.close()


def test_a_refusal_the_database_cannot_take_is_logged_as_lost_not_raised(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    """A refusal changed nothing: a database away (or full) loses its record or count, logged with the call and
    the database's reason, and the refusal's answer stands (nothing is raised to the guard)."""
    from engineering_api.backend.errors import DatabaseUnavailableError, InsufficientStorageError

    db = Database(tmp_path / "audit.db", data_dir=tmp_path)
    try:
        log = AuditLog(db)
        for error in (DatabaseUnavailableError("the database is away"), InsufficientStorageError("the disk is full")):
            def refuse(*_: Any, **__: Any) -> int:
                raise error

            monkeypatch.setattr(db, "insert", refuse)  # this database takes nothing from here on
            monkeypatch.setattr(db, "execute", refuse)
            caplog.clear()
            with caplog.at_level(logging.WARNING, logger="engineering_api.lib.audit"):
                log.count_refusal(method="POST", path="/api/projects/actions/save", status=401, key_id=None,
                                  role=None, client="127.0.0.1")
                log.record_refusal(method="DELETE", path="/api/keys/k1", status=403, key_id="k2", role="viewer",
                                   client="127.0.0.1")
            assert [record.getMessage() for record in caplog.records] == [
                f"count of the refused POST /api/projects/actions/save (401) not written: {error.message}",
                f"audit record of the refused DELETE /api/keys/k1 (403) not written: {error.message}",
            ]
    finally:
        db.close()
