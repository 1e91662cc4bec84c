"""The database tests run on SQLite and on PostgreSQL (a throwaway server, as tests/service/test_postgres_db.py
starts it): ``target`` is a function that gives a fresh, empty database of the parametrized kind."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.pgserver import PostgresServer

Target = Callable[[Path], "Path | str"]
"""Given a data dir, the database to use with it: its SQLite file, or a fresh PostgreSQL database."""


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    if request.param == "sqlite":
        yield lambda data_dir: data_dir / "engineering-api.sqlite3"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    import psycopg

    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    yield lambda _data_dir: server.url


@pytest.fixture
def shared(target: Target, tmp_path: Path) -> str:
    """A PostgreSQL database several nodes share (tests parametrized with ``target`` "postgresql" only)."""
    database = target(tmp_path)
    assert isinstance(database, str), "nodes share a PostgreSQL database, not a SQLite file"
    return database
