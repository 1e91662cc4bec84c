"""A data dir made by release 9693d78 (the last without migrations) is recognised and upgraded, not recreated:
keys, jobs, audit, pipelines, pushes and history all kept, on SQLite and on PostgreSQL.

The old database is built with that release's own DDL, then filled with the rows of a working data dir: a key, a
job, audit records, a pipeline, a push with a delivery, a block snapshot; beside it, the runtime tag history file
that release kept per node.

That DDL is the script of revision 0001, which runs it; since migrations are frozen, a digest of the DDL as it was
captured from the release keeps the script equal to what the release made, without a second copy of it. The capture
is ``tests/db/fixtures/release_9693d78.*.sql`` at commit 0399537: for SQLite the ``_SCHEMA`` strings of lib/db.py,
runtime/users.py, runtime/alarms.py, runtime/pushes/outbox.py, history/store.py, domain/assistant/_history.py and
domain/compat.py (``git show 9693d78:engineering_api/<path>``, in that order, joined by ``;``); for PostgreSQL each
of those statements through that release's lib/postgres.py ``to_postgres``. Both, recomputed so from the release's
own modules, give the digests below.
"""

from __future__ import annotations

import shutil
import sqlite3
from hashlib import sha256
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import engineering_api.migrations.versions
from engineering_api.config import Settings
from engineering_api.lib import tables
from engineering_api.lib.db import Database, is_postgres
from engineering_api.lib.migrate import head, state
from tests.conftest import CPU, data, run_job, served
from tests.db.conftest import Target
from tests.db.history_file import assert_history_answers, write_history_file

VERSIONS = Path(engineering_api.migrations.versions.__file__).parent
RELEASE_DDL_SHA256 = {"sqlite": "601aa137af3176f18fb59b1006422829c81ae7aab3edd7c2d7457d568c70590e",
                      "postgres": "ef88f705658aa633a7e2043457c7c9c0b7eea12081469ea7c1d1ca84fbc4fd0f"}
"""sha256 of the captured release DDL's statements (comments dropped, stripped, joined by ``;`` and a newline)."""
RELEASE_TABLES = ("jobs", "api_keys", "audit", "kv", "runtime_users", "runtime_sessions", "runtime_alarm_defs",
                  "runtime_alarms", "runtime_alarm_log", "runtime_push_outbox", "snapshots", "assistant_history",
                  "client_events")
ADDED_SINCE = {"jobs": {"request_id"}}
"""Columns the release did not have."""
PUSH = {"name": "Shift report", "schedule": {"shifts": ["06:00", "14:00", "22:00"], "timezone": "Europe/Berlin"},
        "format": "json", "template": '{"line": "${pushName}"}', "target": {"url": "https://erp.example/api"}}
PIPELINE = {"name": "Nightly", "trigger": "manual", "steps": [{"name": "List", "action": "simulation.instances.list"}]}


def _statements(script: str) -> list[str]:
    lines = (line.split("--", 1)[0] for line in script.splitlines())
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _release_ddl(dialect: str) -> list[str]:
    """The statements release 9693d78 ran at start, as revision 0001's script holds them."""
    return _statements((VERSIONS / f"0001_release.{dialect}.sql").read_text("utf-8"))


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
def test_revision_0001_runs_the_ddl_release_9693d78_made(dialect: str) -> None:
    digest = sha256(";\n".join(_release_ddl(dialect)).encode()).hexdigest()
    assert digest == RELEASE_DDL_SHA256[dialect], "revision 0001 is frozen: it runs what release 9693d78 made"


def _rows(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row of the release's tables, in key order, by the columns the release had."""
    found = {}
    for name in RELEASE_TABLES:
        table = tables.metadata.tables[name]
        kept = [c for c in table.c if c.name not in ADDED_SINCE.get(name, set())]
        found[name] = [dict(r) for r in db.all(select(*kept).order_by(*table.primary_key.columns))]
    return found


def _working_data_dir(data_dir: Path) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str]]:
    """Rows of a data dir that was used: a key, a job, audit, a pipeline, a push and its delivery, a snapshot."""
    with served(Settings.from_env(data_dir=data_dir)) as client:
        services = client.app.state.services
        admin = {"X-API-Key": (data_dir / "api.secret").read_text().strip()}
        _, secret = services.keys.create("line engineer", "engineer")
        engineer = {"X-API-Key": secret}
        job = run_job(client, "POST", "/api/projects/actions/create", engineer,
                      json={"name": "Old", "path": str(data_dir / "workspace")})
        assert job["status"] == "Completed"
        data(client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"},
                         headers=admin))
        data(client.post("/api/devices/PLC_1/external-sources/import-and-generate",
                         json={"sclContent": 'FUNCTION "F" : Int\nBEGIN\n  #F := 1;\nEND_FUNCTION\n'}, headers=admin))
        data(client.post("/api/history/blocks/PLC_1/F/actions/snapshot", headers=admin))
        data(client.post("/api/pipelines", json=PIPELINE, headers=admin))
        push_id = data(client.post("/api/runtime/pushes", json=PUSH, headers=admin), 201)["pushId"]
        services.db.execute(tables.runtime_push_outbox.insert().values(
            push_id=push_id, period_start=1_767_592_800_000, period_end=1_767_621_600_000, idempotency_key="k1",
            status="delivered", attempts=1, next_attempt_at=0, response_code=200, created_at="2026-01-05T13:00:00Z",
            delivered_at="2026-01-05T13:00:01Z"))
        rows = _rows(services.db)
    return rows, {"admin": admin["X-API-Key"], "engineer": secret, "job": job["jobId"], "push": push_id}


def _release_database(target: Path | str, rows: dict[str, list[dict[str, Any]]]) -> None:
    """The database as release 9693d78 left it: its tables, these rows, no recorded revision."""
    dialect = "postgres" if is_postgres(target) else "sqlite"
    script = _release_ddl(dialect)
    if dialect == "sqlite":
        conn: Any = sqlite3.connect(str(target))
        mark = "?"
    else:
        import psycopg

        conn = psycopg.connect(str(target), autocommit=True)
        mark = "%s"
    for statement in script:
        conn.execute(statement)
    for name, table_rows in rows.items():
        for row in table_rows:
            old = {k: v for k, v in row.items() if k not in ADDED_SINCE.get(name, set())}
            conn.execute(f"INSERT INTO {name} ({', '.join(old)}) VALUES ({', '.join([mark] * len(old))})",
                         tuple(old.values()))
    if dialect == "sqlite":
        conn.commit()
    else:  # the rows came with their ids: their sequences where the release's own inserts would have left them
        for name, table_rows in rows.items():
            for key in tables.metadata.tables[name].primary_key.columns:
                if table_rows and isinstance(table_rows[0][key.name], int):
                    conn.execute(f"SELECT setval(pg_get_serial_sequence('{name}', '{key.name}'), "
                                 f"(SELECT max({key.name}) FROM {name}))")
    conn.close()


def test_a_data_dir_of_release_9693d78_is_upgraded_with_everything_kept(tmp_path: Path, target: Target) -> None:
    rows, facts = _working_data_dir(tmp_path / "used")
    assert all(rows[name] for name in ("jobs", "api_keys", "audit", "kv", "runtime_push_outbox", "snapshots"))
    data_dir = tmp_path / "release"
    data_dir.mkdir()
    database = target(data_dir)
    _release_database(database, rows)
    history_file = write_history_file(data_dir)

    db = Database(database, migrate=False)
    before = state(db)
    assert before.current is None and before.unversioned_tables and "release before migrations" in before.describe()
    db.close()

    db = Database(database, data_dir=data_dir)  # as the server opens it: upgraded at once
    assert state(db).current == head()
    upgraded = _rows(db)
    imports = [r for r in upgraded["kv"] if r["name"].startswith("legacy-history-import:")]
    upgraded["kv"] = [r for r in upgraded["kv"] if r not in imports]
    assert upgraded == rows, "every row of every table of the release is kept"
    assert len(db.all(select(tables.runtime_history))) == 5, "the history file's values moved into the database"
    assert len(imports) == 1, "the import is recorded, so a death before the file's rename does not repeat it"
    db.close()
    assert not history_file.exists() and history_file.with_name("runtime-history.sqlite.imported").is_file()

    shutil.copy(tmp_path / "used" / "api.secret", data_dir / "api.secret")
    with served(Settings.from_env(data_dir=data_dir, db=database if is_postgres(database) else None)) as client:
        engineer, admin = {"X-API-Key": facts["engineer"]}, {"X-API-Key": facts["admin"]}
        kept = data(client.get(f"/api/jobs/{facts['job']}", headers=engineer))
        assert kept["status"] == "Completed" and kept["operation"] == "projects.create"
        audit = data(client.get("/api/audit", params={"pathPrefix": "/api/projects"}, headers=admin))
        assert "/api/projects/actions/create" in [r["path"] for r in audit["records"]]
        assert data(client.get("/api/pipelines/Nightly", headers=admin))["name"] == "Nightly"
        assert [p["pushId"] for p in data(client.get("/api/runtime/pushes", headers=admin))] == [facts["push"]]
        deliveries = data(client.get(f"/api/runtime/pushes/{facts['push']}/deliveries", headers=admin))
        assert [d["status"] for d in deliveries] == ["delivered"]
        assert len(data(client.get("/api/history/blocks/PLC_1/F", headers=admin))) == 1
        assert_history_answers(client, admin)
