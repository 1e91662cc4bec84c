"""Verified keys remembered on PostgreSQL until a key changes (engineering_api.lib.key_changes): a key in use costs
no round trip, and a key revoked or created through any node's store reaches every other store's next
verification once PostgreSQL delivered the notification (NOTIFY in the change's transaction, LISTEN on each
store's own connection): milliseconds, not zero, so the tests wait for it with a bound."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from engineering_api.config import Settings
from engineering_api.lib.db import Database
from engineering_api.lib.security import ApiKeyStore, Role
from tests.conftest import served
from tools.bounds import HANG_GUARD_S, until

pytestmark = pytest.mark.parametrize("target", ["postgresql"], indirect=True)


@pytest.fixture
def two_stores(shared: str) -> Iterator[tuple[ApiKeyStore, ApiKeyStore, Database]]:
    first, second = Database(shared), Database(shared)
    try:
        yield ApiKeyStore(first), ApiKeyStore(second), first
    finally:
        first.close()
        second.close()


def _listening(store: ApiKeyStore, secret: str) -> None:
    """The store's first verification starts its listener; wait until it listens."""
    store.verify(secret)
    changes = store._changes
    assert changes is not None and changes.connected.wait(HANG_GUARD_S), "the store never listened for key changes"


def _key_lookups(db: Database) -> list[str]:
    lookups: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "FROM api_keys" in statement:
            lookups.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    return lookups


def test_a_key_in_use_is_looked_up_once_until_a_key_changes_anywhere(
        two_stores: tuple[ApiKeyStore, ApiKeyStore, Database]) -> None:
    serving, other, serving_db = two_stores
    serving.create("initial admin", Role.ADMIN)
    info, secret = serving.create("ci", Role.ENGINEER)
    _listening(serving, secret)
    _listening(other, secret)  # a node: it verifies keys too, and waits for its own changes' notifications
    lookups = _key_lookups(serving_db)
    assert [serving.verify(secret) is not None for _ in range(5)] == [True] * 5
    assert len(lookups) == 1  # before: one per verification
    # A key change on another node: remembered keys are looked up again once PostgreSQL delivered its notification
    # (milliseconds; the changing node has waited for its own copy, signalled at the same commit).
    other.create("unrelated", Role.VIEWER)
    until(lambda: serving._changes is not None and serving._changes.mark() != serving._mark, "the notification")
    assert serving.verify(secret) is not None and len(lookups) == 2
    other.revoke(info.key_id)
    until(lambda: serving.verify(secret) is None, "the revoked key refused")
    assert serving.verify("eapi_wrong") is None and serving.verify("eapi_wrong") is None  # guesses are not kept


def test_a_change_that_rolls_back_notifies_nobody(two_stores: tuple[ApiKeyStore, ApiKeyStore, Database]) -> None:
    """NOTIFY is sent with its transaction's commit only: a refused revocation (the last admin) moves no mark."""
    serving, other, serving_db = two_stores
    admin, secret = serving.create("initial admin", Role.ADMIN)
    _listening(serving, secret)
    serving.verify(secret)
    lookups = _key_lookups(serving_db)
    with pytest.raises(Exception, match="last active admin key"):
        other.revoke(admin.key_id)
    assert serving.verify(secret) is not None and lookups == []


def test_a_key_revoked_on_one_node_is_refused_by_the_other_on_its_next_request(shared: str, tmp_path: Path) -> None:
    with served(Settings.from_env(data_dir=tmp_path / "a", db=shared)) as node_a, \
            served(Settings.from_env(data_dir=tmp_path / "b", db=shared)) as node_b:
        _, admin = node_a.app.state.services.keys.create("admin", "admin")
        info, engineer = node_a.app.state.services.keys.create("engineer", "engineer")
        headers = {"X-API-Key": engineer}
        assert node_b.get("/api/projects", headers=headers).status_code == 200
        changes = node_b.app.state.services.keys._changes
        assert changes is not None and changes.connected.wait(HANG_GUARD_S)
        assert node_b.get("/api/projects", headers=headers).status_code == 200  # now remembered on node B
        revoked = node_a.delete(f"/api/security/keys/{info.key_id}", headers={"X-API-Key": admin})
        assert revoked.status_code == 200, revoked.text
        # node A answered once its own listener had the notification; node B has it within the same milliseconds
        until(lambda: node_b.get("/api/projects", headers=headers).status_code == 401, "node B to refuse the key")
