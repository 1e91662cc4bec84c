"""A key revoked by another process (a second ApiKeyStore on the same database) stops working at once."""

from __future__ import annotations

from engineering_api.lib.db import Database
from engineering_api.lib.security import ApiKeyStore, Role

__all__ = ()


def test_revocation_through_a_second_store_takes_effect_at_once(tmp_path) -> None:
    """Failure 4: the server's store had cached the principal, so a CLI revoke did nothing until restart."""
    server_store = ApiKeyStore(Database(tmp_path / "keys.db"))
    info, secret = server_store.create("ci", Role.ADMIN)
    assert server_store.verify(secret) is not None  # used once, as before the revoke in the report
    ApiKeyStore(Database(tmp_path / "keys.db")).revoke(info.key_id)
    assert server_store.verify(secret) is None


def test_audit_before_out_of_range_answers_422(client, admin) -> None:
    """Failure 5 (part): ``before=-1e25`` reached SQLite and raised OverflowError (500)."""
    for value in ("-1e25", "-1", str(2**70)):
        response = client.get("/api/audit", params={"before": value}, headers=admin)
        assert response.status_code in (400, 422), (value, response.status_code)
    assert client.get("/api/audit", params={"before": 5}, headers=admin).status_code == 200
