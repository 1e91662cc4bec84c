"""``--db postgresql://…``: the API node keeps jobs, keys, audit and state in PostgreSQL, and keeps them across
a restart. The statements are SQLAlchemy Core over one schema (engineering_api.lib.tables)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.config import Settings
from engineering_api.lib.db import Database, KeyValueStore
from engineering_api.lib.tables import audit, kv
from tests.conftest import data, run_job, served


def test_the_database_speaks_both(fresh_db):
    db = Database(fresh_db)
    store = KeyValueStore(db, "t:")
    store.set("a", {"b": 1})
    store.set("a", {"b": 2})
    assert store.get("a") == {"b": 2}
    # insert_new says whether it inserted (psycopg's rowcount of ON CONFLICT DO NOTHING is -1 either way)
    kv_row = {"name": "t:new", "value": "1"}
    assert db.insert_new(kv, kv_row, ("name",)) == 1 and db.insert_new(kv, kv_row, ("name",)) == 0
    row = db.one("SELECT value FROM kv WHERE name = ?", ("t:a",))
    assert row is not None and row[0] == '{"b": 2}'
    first = db.insert(audit.insert().values(at="2026-01-01T00:00:00Z", method="POST", path="/x", status=200,
                                            outcome="ok"))
    assert first >= 1 and db.insert(audit.insert().values(at="t", method="POST", path="/y", status=200,
                                                          outcome="ok")) == first + 1
    with pytest.raises(Exception):
        with db.transaction() as conn:
            conn.execute("INSERT INTO kv(name, value) VALUES (?, ?)", ("t:rolled", "1"))
            raise RuntimeError("undo")
    assert store.get("rolled") is None
    db.close()


def test_an_api_node_on_postgres_keeps_jobs_keys_and_audit_across_a_restart(fresh_db, tmp_path: Path):
    settings = Settings.from_env(data_dir=tmp_path, db=fresh_db)
    with served(settings) as client:
        _, secret = client.app.state.services.keys.create("pg-engineer", "engineer")
        headers = {"X-API-Key": secret}
        job = run_job(client, "POST", "/api/projects/actions/create", headers,
                      json={"name": "OnPg", "path": str(tmp_path / "workspace")})
        assert job["status"] == "Completed"
    assert not (tmp_path / "engineering-api.sqlite3").exists(), "nothing went to the SQLite file"
    with served(settings) as client:
        kept = data(client.get(f"/api/jobs/{job['jobId']}", headers=headers))
        assert kept["status"] == "Completed" and kept["operation"] == "projects.create"
        admin = {"X-API-Key": (tmp_path / "api.secret").read_text().strip()}
        audit = data(client.get("/api/audit", params={"pathPrefix": "/api/projects"}, headers=admin))
        assert any(r["path"] == "/api/projects/actions/create" for r in audit["records"])
        listed = data(client.get("/api/jobs", headers=headers))
        assert job["jobId"] in [j["jobId"] for j in (listed["jobs"] if isinstance(listed, dict) else listed)]


def test_the_other_tables_work_on_postgres_too(fresh_db, tmp_path: Path):
    """Runtime users and sessions (transactions), block snapshots (rowid order), telemetry-free paths."""
    from tests.api.runtime_users import PASSWORD, RT, make_user
    from tests.conftest import CPU

    with served(Settings.from_env(data_dir=tmp_path, db=fresh_db)) as client:
        admin = {"X-API-Key": (tmp_path / "api.secret").read_text().strip()}
        make_user(client, admin, "mes", ["read"])
        token = data(client.post(f"{RT}/auth/login", json={"username": "mes", "password": PASSWORD}))["token"]
        assert data(client.get(f"{RT}/users/current",
                               headers={"Authorization": f"Bearer {token}"}))["username"] == "mes"
        data(client.post("/api/projects/actions/create-sync",
                         json={"name": "Snaps", "path": str(tmp_path / "workspace")},
                         headers=admin))
        data(client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"},
                         headers=admin))
        data(client.post("/api/devices/PLC_1/external-sources/import-and-generate",
                         json={"sclContent": 'FUNCTION "F" : Int\nBEGIN\n  #F := 1;\nEND_FUNCTION\n'}, headers=admin))
        for _ in range(2):
            data(client.post("/api/history/blocks/PLC_1/F/actions/snapshot", headers=admin))
        snapshots = data(client.get("/api/history/blocks/PLC_1/F", headers=admin))
        assert len(snapshots) == 2 and snapshots[0]["createdAt"] >= snapshots[1]["createdAt"]


def test_a_runtime_calls_idempotency_key_on_postgres_outlives_a_restart(fresh_db, tmp_path: Path):
    """The runtime calls' key store (revision 0005) on PostgreSQL: the stored answer replayed by a new process."""
    settings = Settings.from_env(data_dir=tmp_path, db=fresh_db)
    new_user = {"username": "op1", "password": "correct horse battery", "roles": ["read"]}
    with served(settings) as client:
        admin = {"X-API-Key": (tmp_path / "api.secret").read_text().strip(), "Idempotency-Key": "pg-1"}
        made = data(client.post("/api/runtime/users", json=new_user, headers=admin), 201)
        assert client.post("/api/runtime/users", json={**new_user, "username": "op2"},
                           headers=admin).status_code == 422
    with served(settings) as client:
        again = client.post("/api/runtime/users", json=new_user, headers=admin)
        assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
        assert again.json()["data"] == made
        assert [u["username"] for u in data(client.get("/api/runtime/users", headers=admin))] == ["op1"]
