"""Verified keys remembered on PostgreSQL until a key changes (engineering_api.lib.key_changes): a key in use costs
no round trip, and a key revoked or created by anyone (a node's store, psql) reaches every store's next
verification once PostgreSQL delivered the notification (the keys table's trigger notifies at the commit, each
store LISTENs on its own connection): milliseconds, not zero, so the tests wait for it with a bound."""

from __future__ import annotations

import importlib
import selectors
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import event

from engineering_api.config import Settings
from engineering_api.lib import key_changes
from engineering_api.lib.db import Database
from engineering_api.lib.key_changes import CHANNEL, KeyChanges
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


def _notifications_until_a_marker(listening: psycopg.Connection[Any], url: str) -> list[str]:
    """Send a marker notification from a connection of its own and answer the payloads ``listening`` (LISTENing
    since before) received ahead of it: PostgreSQL delivers a channel's notifications to each listener in the
    order their transactions committed (https://www.postgresql.org/docs/current/sql-notify.html)."""
    with psycopg.connect(url, autocommit=True) as marker:
        marker.execute("SELECT pg_notify(%s, 'marker')", (CHANNEL,))
    ahead: list[str] = []
    for note in listening.notifies(timeout=HANG_GUARD_S):
        if note.payload == "marker":
            return ahead
        ahead.append(note.payload)
    raise AssertionError("the marker notification never arrived")


@pytest.fixture
def listening(shared: str) -> Iterator[psycopg.Connection[Any]]:
    """A connection of the test's own that LISTENs for key changes."""
    with psycopg.connect(shared, autocommit=True) as conn:
        conn.execute(f"LISTEN {CHANNEL}")
        yield conn


def test_a_change_that_rolls_back_notifies_nobody(two_stores: tuple[ApiKeyStore, ApiKeyStore, Database],
                                                  shared: str) -> None:
    """A notification goes with its transaction's commit only: a refused revocation (the last admin) is rolled
    back and moves no mark. A marker sent after it is the only notification that arrives, at a listener of the
    test's own and at the store, whose mark moves by exactly one (before: a mutant that notified for every
    revocation passed one run in four)."""
    serving, other, serving_db = two_stores
    admin, secret = serving.create("initial admin", Role.ADMIN)
    _listening(serving, secret)
    serving.verify(secret)
    lookups = _key_lookups(serving_db)
    changes = serving._changes
    assert changes is not None
    before = changes.mark()
    assert before is not None
    with psycopg.connect(shared, autocommit=True) as listening:
        listening.execute(f"LISTEN {CHANNEL}")
        with pytest.raises(Exception, match="last active admin key"):
            other.revoke(admin.key_id)
        assert _notifications_until_a_marker(listening, shared) == []
    moved = until(lambda: (mark := changes.mark()) != before and mark, "the marker at the store")
    assert moved is not None and moved - before == 1
    assert serving.verify(secret) is not None and len(lookups) == 1  # looked up again for the marker only


def test_a_key_revoked_by_a_plain_update_is_refused(two_stores: tuple[ApiKeyStore, ApiKeyStore, Database],
                                                    shared: str) -> None:
    """A change the store does not make itself (psql, a node of an older release, a restore) notifies too: the
    table's trigger does (before: only the store's own changes notified, and the key kept working)."""
    serving, _, _ = two_stores
    serving.create("initial admin", Role.ADMIN)
    info, secret = serving.create("ci", Role.ENGINEER)
    _listening(serving, secret)
    assert serving.verify(secret) is not None  # remembered now
    assert serving._changes is not None
    before = serving._changes.mark()
    with psycopg.connect(shared, autocommit=True) as psql:
        psql.execute("UPDATE api_keys SET revoked_at = '2026-01-01T00:00:00Z' WHERE key_id = %s", (info.key_id,))
    until(lambda: serving._changes is not None and serving._changes.mark() != before, "the trigger's notification")
    assert serving.verify(secret) is None


@pytest.mark.parametrize("statement", [
    "INSERT INTO api_keys (key_id, name, role, key_hash, prefix, created_at) "
    "VALUES ('restored', 'r', 'viewer', 'h', 'eapi_x', '2026-01-01')",
    "UPDATE api_keys SET role = 'viewer'",
    "DELETE FROM api_keys",
    "TRUNCATE api_keys",
])
def test_every_statement_that_changes_keys_notifies(shared: str, listening: psycopg.Connection[Any],
                                                    statement: str) -> None:
    db = Database(shared)
    try:
        ApiKeyStore(db).create("initial admin", Role.ADMIN)
        assert _notifications_until_a_marker(listening, shared) == [""]  # the creation's
        with psycopg.connect(shared, autocommit=True) as psql:
            psql.execute(statement)
        assert _notifications_until_a_marker(listening, shared) == [""]
    finally:
        db.close()


def test_the_last_use_bookkeeping_notifies_nobody(shared: str, listening: psycopg.Connection[Any]) -> None:
    """Each node writes a key's last use once a minute; that changes no verification, so no node forgets its keys."""
    db = Database(shared)
    try:
        _, secret = ApiKeyStore(db).create("initial admin", Role.ADMIN)
        assert _notifications_until_a_marker(listening, shared) == [""]
        assert ApiKeyStore(db).verify(secret) is not None  # writes last_used_at
        with psycopg.connect(shared, autocommit=True) as psql:
            assert psql.execute("SELECT count(*) FROM api_keys WHERE last_used_at IS NOT NULL").fetchone() == (1,)
        assert _notifications_until_a_marker(listening, shared) == []
    finally:
        db.close()


def _trigger_and_function(url: str) -> tuple[int, int]:
    with psycopg.connect(url, autocommit=True) as conn:
        triggers = conn.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'api_keys_changed'").fetchone()
        functions = conn.execute(
            "SELECT count(*) FROM pg_proc WHERE proname = 'engineering_api_keys_changed'").fetchone()
    assert triggers is not None and functions is not None
    return triggers[0], functions[0]


def test_the_migration_downgrades_to_no_trigger(shared: str) -> None:
    revision = importlib.import_module("engineering_api.migrations.versions.0006_key_change_trigger")
    source = Path(str(revision.__file__)).read_text("utf-8")
    assert f"'{CHANNEL}'" in source  # the migration writes the channel out: the two stay equal
    db = Database(shared)  # opening migrates to the head
    try:
        assert _trigger_and_function(shared) == (1, 1)
        for step, left in ((revision.downgrade, (0, 0)), (revision.upgrade, (1, 1))):
            with db.engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
                step()
            assert _trigger_and_function(shared) == left
    finally:
        db.close()


def test_the_listener_survives_its_connection_closed_under_it(
        two_stores: tuple[ApiKeyStore, ApiKeyStore, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """A verification that finds the listening connection broken closes it, also while the listening thread is
    about to wait on its socket (which then raises psycopg's OperationalError): the thread listens again and the
    store remembers keys again (before: the thread died, and every request looked its key up from then on)."""
    serving, _, serving_db = two_stores
    _, secret = serving.create("initial admin", Role.ADMIN)
    _listening(serving, secret)
    listener = serving._changes
    assert listener is not None
    changes: KeyChanges = listener  # narrowed for the class below
    raced: list[bool] = []

    class ClosedMeanwhile(selectors.DefaultSelector):  # the selector the listener's module uses
        def __enter__(self) -> Any:
            if not raced:
                raced.append(True)
                with changes._lock:
                    changes._drop()  # what a verification does on the event loop when it finds the connection broken
            return super().__enter__()

    monkeypatch.setattr(key_changes.selectors, "DefaultSelector", ClosedMeanwhile)
    until(lambda: raced, "the listening thread to wait on its socket")
    assert changes.connected.wait(HANG_GUARD_S) and changes._thread.is_alive(), "the listener never came back"
    lookups = _key_lookups(serving_db)
    assert [serving.verify(secret) is not None for _ in range(3)] == [True] * 3
    assert len(lookups) == 1  # remembered again (one lookup after the mark moved)


def test_a_change_whose_notification_never_comes_remembers_nothing(
        two_stores: tuple[ApiKeyStore, ApiKeyStore, Database], shared: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """When a store's own change's notification does not arrive in time, its listener missed one: the store
    stops remembering keys until it listens again (before: it waited 2 s and kept its remembered keys)."""
    serving, _, serving_db = two_stores
    _, secret = serving.create("initial admin", Role.ADMIN)
    _listening(serving, secret)
    assert serving.verify(secret) is not None
    with psycopg.connect(shared, autocommit=True) as psql:
        psql.execute("ALTER TABLE api_keys DISABLE TRIGGER api_keys_changed")  # the notification that never comes
    monkeypatch.setattr(key_changes, "DELIVERY_WAIT_S", 0.2)
    lookups = _key_lookups(serving_db)
    serving.create("unrelated", Role.VIEWER)
    assert serving.verify(secret) is not None and len(lookups) == 1


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
