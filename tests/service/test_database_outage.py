"""The service's database goes away and comes back: a PostgreSQL server restarted (``pg_ctl restart -m fast``, what a
failover, a minor upgrade or a host reboot does), a backend killed (the server's crash recovery ends every
connection), a SQLite file that can no longer be read.

While the database is away a client gets 503 ``DATABASE_UNAVAILABLE`` (never 500), ``GET /api/health`` says
``Degraded`` with the reason, and once it is back the node serves again by itself, without a restart of its own.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Any

import pytest

from engineering_api.config import Settings
from tools.bounds import until
from tests.conftest import assert_error, data, served
from tests.pgserver import PostgresServer

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def _engineer(client: Any) -> dict[str, str]:
    _, secret = client.app.state.services.keys.create("outage", "engineer")
    return {"X-API-Key": secret}


def _health(client: Any) -> dict[str, Any]:
    return data(client.get("/api/health"))


def _serves_again(client: Any, headers: dict[str, str]) -> bool:
    return client.get("/api/jobs", headers=headers).status_code == 200


def test_a_postgres_restart_answers_503_while_away_and_the_node_serves_again_after(fresh_db: str,
                                                                                    postgres: PostgresServer,
                                                                                    tmp_path: Path):
    with served(Settings.from_env(data_dir=tmp_path, db=fresh_db)) as client:
        headers = _engineer(client)
        assert _health(client)["databaseReachable"] is True
        postgres.stop(signal.SIGINT)  # fast shutdown: the node's connection is ended
        try:
            away = client.get("/api/jobs", headers=headers)
            assert_error(away, 503, "DATABASE_UNAVAILABLE")
            assert "password" not in away.text.lower()
            # a wrong key cannot be told from a right one without the database: 503 as well, not 401 or 500
            assert_error(client.get("/api/jobs", headers={"X-API-Key": "wrong"}), 503, "DATABASE_UNAVAILABLE")
            health = _health(client)
            assert health["status"] == "Degraded" and health["databaseReachable"] is False
            assert any("database" in reason for reason in health["reasons"])
        finally:
            postgres.start()
        until(lambda: _serves_again(client, headers), "the node to serve again after PostgreSQL came back")
        health = _health(client)
        assert health["status"] == "Healthy" and health["databaseReachable"] is True and health["reasons"] == []


def test_a_read_after_a_restart_nobody_saw_is_sent_again_on_a_new_connection(fresh_db: str,
                                                                            postgres: PostgresServer,
                                                                            tmp_path: Path):
    """The connection died between two requests: the first read finds it dead, reconnects and answers 200."""
    with served(Settings.from_env(data_dir=tmp_path, db=fresh_db)) as client:
        headers = _engineer(client)
        assert _serves_again(client, headers)
        postgres.restart(signal.SIGINT)
        assert data(client.get("/api/jobs", headers=headers)) is not None


def test_killed_backends_under_load_answer_200_or_503_and_never_500(fresh_db: str,
                                                                    postgres: PostgresServer,
                                                                    tmp_path: Path):
    """A backend killed with SIGKILL makes PostgreSQL end every connection and recover; then an immediate
    shutdown and a start, while requests keep coming."""
    import psycopg

    with served(Settings.from_env(data_dir=tmp_path, db=fresh_db)) as client:
        headers = _engineer(client)
        node = client.app.state.services.db
        statuses: list[int] = []
        done = threading.Event()

        def faults() -> None:
            try:
                with node.locked():
                    pid = node.one("SELECT pg_backend_pid() AS pid")["pid"]
                os.kill(pid, signal.SIGKILL)
                until(lambda: len(statuses) > 20, "requests while PostgreSQL recovers")
                postgres.restart(signal.SIGQUIT)  # immediate: no checkpoint, crash recovery on the start
            finally:
                done.set()

        thread = threading.Thread(target=faults)
        thread.start()
        while not done.is_set() or len(statuses) < 5:
            statuses.append(client.get("/api/jobs", headers=headers).status_code)
            statuses.append(client.post("/api/projects/actions/create-sync", headers=headers,
                                        json={"name": "P", "path": str(tmp_path / "ws")}).status_code)
        thread.join()
        assert set(statuses) <= {200, 201, 409, 503}, sorted(set(statuses))
        until(lambda: _serves_again(client, headers), "the node to serve again after the recovery")
        with psycopg.connect(postgres.url) as conn:  # what the node recorded is PostgreSQL's, not a cache's
            counted = conn.execute("SELECT count(*) FROM api_keys").fetchone()
            assert counted is not None and counted[0] >= 1


def test_an_unreadable_sqlite_file_degrades_the_node_until_it_is_readable_again(tmp_path: Path):
    """A SQLite connection reads through its cache and its open file handle: the health check looks at the file
    itself. Its header overwritten (another program, a bad restore), the node answers 503 and Degraded; the header
    back, it serves again."""
    with served(Settings.from_env(data_dir=tmp_path)) as client:
        headers = _engineer(client)
        file = client.app.state.services.db.file
        assert file is not None and _serves_again(client, headers)
        original = file.read_bytes()[:100]
        with file.open("r+b") as handle:
            handle.write(b"\0" * 100)
        health = _health(client)
        assert health["status"] == "Degraded" and health["databaseReachable"] is False, health
        assert_error(client.get("/api/jobs", headers=headers), 503, "DATABASE_UNAVAILABLE")
        with file.open("r+b") as handle:
            handle.write(original)
        until(lambda: _serves_again(client, headers), "the node to serve again once the file is readable")
        assert _health(client)["status"] == "Healthy"
