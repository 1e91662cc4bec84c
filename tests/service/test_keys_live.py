"""Issue 12, failure 4: a revoked key stops working at once in a running server; the key routes; audit ``before``."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

from engineering_api.lib.db import Database
from engineering_api.lib.security import ApiKeyStore, Role
from tests.service.conftest import key_for
from tools.bounds import HANG_GUARD_S

if TYPE_CHECKING:
    from pathlib import Path

    from litestar.testing import TestClient

__all__ = ()


def _admin_route_statuses(client: TestClient, headers: dict[str, str]) -> list[int]:
    return [
        client.get("/api/projects", headers=headers).status_code,
        client.get("/api/settings", headers=headers).status_code,
        client.get("/api/security/keys", headers=headers).status_code,
    ]


def test_revocation_through_a_second_store_takes_effect_at_once(tmp_path: Path) -> None:
    """The server's store had cached the principal, so a CLI revoke did nothing until restart."""
    server_store = ApiKeyStore(Database(tmp_path / "keys.db"))
    server_store.create("initial admin", Role.ADMIN)
    info, secret = server_store.create("ci", Role.ADMIN)
    assert server_store.verify(secret) is not None  # used once, as before the revoke in the report
    ApiKeyStore(Database(tmp_path / "keys.db")).revoke(info.key_id)
    assert server_store.verify(secret) is None


def test_key_used_then_revoked_by_another_store_is_refused_by_the_running_app(
    client: TestClient, data_dir: Path
) -> None:
    """The report's case: a used admin key revoked as the CLI does (its own store on the file) kept working."""
    headers = key_for(client, "admin")
    assert _admin_route_statuses(client, headers) == [200, 200, 200]
    key_id = next(k.key_id for k in client.app.state.services.keys.list() if k.name == "test admin")
    ApiKeyStore(Database(client.app.state.services.settings.database_path)).revoke(key_id)
    assert _admin_route_statuses(client, headers) == [401, 401, 401]


def test_cli_revoke_in_another_process_is_refused_by_the_running_app(client: TestClient, data_dir: Path) -> None:
    headers = key_for(client, "engineer")
    assert client.get("/api/projects", headers=headers).status_code == 200
    key_id = next(k.key_id for k in client.app.state.services.keys.list() if k.name == "test engineer")
    revoked = subprocess.run(
        [sys.executable, "-m", "engineering_api.cli", "keys", "revoke", key_id, "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=HANG_GUARD_S, check=False,
    )
    assert revoked.returncode == 0, revoked.stderr
    assert client.get("/api/projects", headers=headers).status_code == 401


def test_last_used_at_is_written_once_a_minute_not_per_request(client: TestClient) -> None:
    headers = key_for(client, "viewer")
    services = client.app.state.services
    writes: list[str] = []
    services.db.driver_connection.set_trace_callback(lambda sql: writes.append(sql) if "last_used_at" in sql else None)
    try:
        for _ in range(5):
            assert client.get("/api/projects", headers=headers).status_code == 200
    finally:
        services.db.driver_connection.set_trace_callback(None)
    assert len([sql for sql in writes if sql.startswith("UPDATE")]) == 1


def test_admin_creates_lists_and_revokes_keys(client: TestClient, admin: dict[str, str]) -> None:
    created = client.post("/api/security/keys", json={"name": "line 2 robot", "role": "engineer"}, headers=admin)
    assert created.status_code == 201, created.text
    key, secret = created.json()["data"]["key"], created.json()["data"]["secret"]
    assert key["role"] == "engineer" and key["name"] == "line 2 robot" and secret.startswith(key["prefix"])
    new = {"X-API-Key": secret}
    assert client.post("/api/projects/actions/index", headers=new).status_code != 401

    listed = client.get("/api/security/keys", headers=admin).json()["data"]
    assert key["keyId"] in {k["keyId"] for k in listed}
    assert secret not in str(listed)

    revoked = client.delete(f"/api/security/keys/{key['keyId']}", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["data"]["revokedAt"]
    assert client.get("/api/projects", headers=new).status_code == 401
    again = client.delete(f"/api/security/keys/{key['keyId']}", headers=admin)
    assert again.status_code == 404 and again.json()["code"] == "KEY_NOT_FOUND"

    records = client.get("/api/audit", params={"pathPrefix": "/api/security/keys"}, headers=admin).json()["data"]
    audited = [(r["method"], r["status"]) for r in records["records"]]
    assert ("POST", 201) in audited and ("DELETE", 200) in audited and ("DELETE", 404) in audited
    assert secret not in str(records)
    rows = client.app.state.services.db.all("SELECT * FROM audit")
    assert not any(secret in str(v) for row in rows for v in dict(row).values())


def test_key_routes_need_admin(client: TestClient, admin: dict[str, str]) -> None:
    for role in ("viewer", "engineer"):
        headers = key_for(client, role)
        assert client.get("/api/security/keys", headers=headers).status_code == 403
        created = client.post("/api/security/keys", json={"name": "x", "role": "admin"}, headers=headers)
        assert created.status_code == 403
        assert client.delete("/api/security/keys/whatever", headers=headers).status_code == 403
    assert client.get("/api/security/keys").status_code == 401


def test_key_creation_is_validated(client: TestClient, admin: dict[str, str]) -> None:
    for body in ({"name": "x", "role": "root"}, {"name": "", "role": "viewer"}, {"name": "x" * 101, "role": "viewer"},
                 {"role": "viewer"}):
        assert client.post("/api/security/keys", json=body, headers=admin).status_code == 422, body


def test_the_last_admin_key_cannot_be_revoked(client: TestClient, admin: dict[str, str]) -> None:
    """Revoking it would leave nobody able to manage keys or settings through the API."""
    only_admin = next(k.key_id for k in client.app.state.services.keys.list() if k.role == "admin")
    refused = client.delete(f"/api/security/keys/{only_admin}", headers=admin)
    assert refused.status_code == 409 and refused.json()["code"] == "LAST_ADMIN_KEY"
    assert client.get("/api/security/keys", headers=admin).status_code == 200
    second = client.post("/api/security/keys", json={"name": "successor", "role": "admin"}, headers=admin)
    successor = {"X-API-Key": second.json()["data"]["secret"]}
    assert client.delete(f"/api/security/keys/{only_admin}", headers=successor).status_code == 200
    assert client.get("/api/security/keys", headers=admin).status_code == 401


def test_audit_before_out_of_range_answers_422(client: TestClient, admin: dict[str, str]) -> None:
    """Failure 5 (part): ``before=-1e25`` or a huge integer reached SQLite and raised OverflowError (500)."""
    for value in ("-1e25", "-1", str(2**70), "-315701441298359291773400899387392", "0"):
        response = client.get("/api/audit", params={"before": value}, headers=admin)
        assert response.status_code in (400, 422), (value, response.status_code)
    assert client.get("/api/audit", params={"before": 5}, headers=admin).status_code == 200


def test_a_key_in_use_is_not_looked_up_again_until_another_store_changes_keys(tmp_path: Path) -> None:
    """Issue 37: every request hashed its key and read the table; a verified key is remembered while the shared
    revocation mark stands still, and forgotten the moment another store (another process) changes keys. A
    remembered key costs no SQL at all, not even SQLite's change mark (PRAGMA data_version, two file-lock system
    calls per request)."""
    db = Database(tmp_path / "keys.db")
    store = ApiKeyStore(db)
    store.create("initial admin", Role.ADMIN)
    _, secret = store.create("ci", Role.VIEWER)
    lookups: list[str] = []
    statements: list[str] = []

    def trace(sql: str) -> None:
        statements.append(sql)
        if "FROM api_keys" in sql:
            lookups.append(sql)

    db.driver_connection.set_trace_callback(trace)
    try:
        assert [store.verify(secret) is not None for _ in range(3)] == [True] * 3
        assert len(lookups) == 1
        assert not [sql for sql in statements if "FROM api_keys" not in sql and "last_used_at" not in sql]
        other = ApiKeyStore(Database(tmp_path / "keys.db"))
        other.create("unrelated", Role.VIEWER)  # a key change of another store
        assert store.verify(secret) is not None and len(lookups) == 2
        assert store.verify("eapi_wrong") is None and store.verify("eapi_wrong") is None  # guesses are not kept
        assert len(lookups) == 4
    finally:
        db.driver_connection.set_trace_callback(None)


def test_the_shared_revocation_mark_is_private_and_moves_with_each_revocation(tmp_path: Path) -> None:
    """The mark every process on the database file reads (engineering_api.lib.shared_mark): 0600, beside the
    database, and a revocation by one store changes what another reads."""
    import stat

    from engineering_api.lib.security import REVOCATION_MARK_SUFFIX

    store = ApiKeyStore(Database(tmp_path / "keys.db"))
    store.create("initial admin", Role.ADMIN)
    info, _ = store.create("ci", Role.VIEWER)
    mark = tmp_path / f"keys.db{REVOCATION_MARK_SUFFIX}"
    assert stat.S_IMODE(mark.stat().st_mode) == 0o600
    before = mark.read_bytes()
    ApiKeyStore(Database(tmp_path / "keys.db")).revoke(info.key_id)
    assert mark.read_bytes() != before and len(before) == 8
