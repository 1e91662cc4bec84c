"""A PostgreSQL server that stops answering without closing its connections (a paused process or host, a partition
that drops packets): simulated by a proxy between the node and the server that stops passing bytes on.

Every wait is bounded (engineering_api.lib.db_watch): the client gets 503 ``DATABASE_UNAVAILABLE`` within the
statement bound plus the connect bound, ``GET /api/health`` says ``Degraded`` with the reason, and once the server
answers again the node serves again without a restart. Before the bounds a request waited for as long as the
server stayed silent, the health check with it.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from engineering_api.config import Settings
from tools.bounds import HANG_GUARD_S, until
from tests.conftest import assert_error, data, served

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")



def _answer(call: Any) -> Any:
    """``call()``'s answer, on a thread of its own: a request that never answers fails the test, not hangs it."""
    got: list[Any] = []
    thread = threading.Thread(target=lambda: got.append(call()), daemon=True)
    thread.start()
    thread.join(HANG_GUARD_S)
    assert got, "the request got no answer while PostgreSQL was silent"
    return got[0]


def test_a_silent_postgres_answers_503_within_the_bound_and_serves_again_after(silent_proxy, tmp_path: Path):
    proxy, url = silent_proxy
    with served(Settings.from_env(data_dir=tmp_path, db=url)) as client:
        _, secret = client.app.state.services.keys.create("silence", "engineer")
        headers = {"X-API-Key": secret}
        assert client.get("/api/jobs", headers=headers).status_code == 200
        proxy.pause()
        try:
            assert_error(_answer(lambda: client.get("/api/jobs", headers=headers)), 503, "DATABASE_UNAVAILABLE")
            # a write while it stays silent: refused at once, nothing half done
            created = _answer(lambda: client.post("/api/runtime/users", headers=headers, json={
                "username": "quiet", "password": "correct horse battery", "roles": ["read"]}))
            assert_error(created, 503, "DATABASE_UNAVAILABLE")
            health = data(_answer(lambda: client.get("/api/health")))
            assert health["status"] == "Degraded" and health["databaseReachable"] is False, health
            assert any("no answer within" in reason or "timeout" in reason for reason in health["reasons"]), health
        finally:
            proxy.resume()
        until(lambda: client.get("/api/jobs", headers=headers).status_code == 200,
              "the node to serve again once PostgreSQL answers")
        assert data(client.get("/api/health"))["status"] == "Healthy"
        assert client.app.state.services.db._watch.cuts >= 1


def test_a_remembered_key_is_not_looked_up_on_a_silent_server(silent_proxy, tmp_path: Path):
    """A key in use is remembered until a key changes (engineering_api.lib.key_changes): a call that needs no
    database answers while PostgreSQL is silent, instead of waiting for the key's lookup to be cut."""
    proxy, url = silent_proxy
    with served(Settings.from_env(data_dir=tmp_path, db=url)) as client:
        services = client.app.state.services
        _, secret = services.keys.create("silence", "engineer")
        headers = {"X-API-Key": secret}
        assert client.get("/api/projects", headers=headers).status_code == 200
        assert services.keys._changes.connected.wait(HANG_GUARD_S)
        assert client.get("/api/projects", headers=headers).status_code == 200  # remembered from here on
        cuts = services.db._watch.cuts
        proxy.pause()
        try:
            assert _answer(lambda: client.get("/api/projects", headers=headers)).status_code == 200
            assert services.db._watch.cuts == cuts  # no statement waited on the silent server
            # the key's once-a-minute last-use write falls due: it waits for the bound once and refuses nothing; the
            # database is then known away, so the next request's try fails at once
            services.keys._last_used_written.clear()
            assert _answer(lambda: client.get("/api/projects", headers=headers)).status_code == 200
            assert _answer(lambda: client.get("/api/projects", headers=headers)).status_code == 200
            assert services.db._watch.cuts <= cuts + 1
        finally:
            proxy.resume()
        until(lambda: client.get("/api/jobs", headers=headers).status_code == 200,
              "the node to serve again once PostgreSQL answers")


def test_a_transaction_on_a_silent_server_is_cut_and_reported_as_possibly_lost(silent_proxy, tmp_path: Path):
    """A transaction as a whole is bounded: the one that waits is cut, its caller told it may not be recorded."""
    from engineering_api.backend.errors import DatabaseUnavailableError
    from engineering_api.lib.db import Database

    proxy, url = silent_proxy
    db = Database(url)
    try:
        with db.transaction() as tx:
            tx.execute("SELECT 1")
        proxy.pause()

        def cut() -> str:
            try:
                with db.transaction() as tx:
                    tx.execute("SELECT 1")
            except DatabaseUnavailableError as exc:
                return exc.message
            return "committed"

        said = _answer(cut)
        assert "cannot be reached" in said or "lost" in said, said
        assert db.probe() is not None
        proxy.resume()
        until(lambda: db.probe() is None, "the database to answer again")
    finally:
        db.close()


def test_the_schedules_engine_is_bounded_on_a_silent_server_too(silent_proxy, tmp_path: Path):
    """APScheduler's job store has a pool of its own (Database.second_engine): its statements and its pre-ping
    are cut at the bound as well, so neither the scheduler's thread nor a request creating a schedule waits for
    as long as the server is silent; once it answers, the pool serves again."""
    from sqlalchemy import text
    from sqlalchemy.pool import QueuePool

    from engineering_api.lib.db import POOL_CHECKOUT_S, Database

    proxy, url = silent_proxy
    db = Database(url)
    try:
        engine = db.second_engine()
        pool = engine.pool
        assert isinstance(pool, QueuePool) and pool.timeout() == POOL_CHECKOUT_S  # one bounded statement at most
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
        proxy.pause()

        def statement() -> str:
            try:
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
            except Exception as exc:  # the pool's error: the connection was cut
                return type(exc).__name__
            return "answered"

        assert _answer(statement) != "answered"
        proxy.resume()
        until(lambda: statement() == "answered", "the schedules' pool to serve again")
    finally:
        db.close()
