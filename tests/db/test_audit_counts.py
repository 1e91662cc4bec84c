"""Counted refusals (engineering_api.lib.audit) on SQLite and on PostgreSQL: the first refusal of a client and status
writes a row, the next ones in the window add to its count and move its ``lastAt`` (prepared statements, run on each
driver's own cursor)."""

from __future__ import annotations

from pathlib import Path

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
