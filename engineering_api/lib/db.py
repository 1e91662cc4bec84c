"""The service's database: jobs, API keys, audit records and saved settings (SQLite, or PostgreSQL).

One connection shared under a lock. Statements are short, so running them on the event loop thread
costs less than hopping to a thread pool would.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import InsufficientStorageError, is_storage_full
from engineering_api.lib.private_files import make_private_file

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

__all__ = ("Database", "KeyValueStore", "is_postgres")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    operation TEXT NOT NULL,
    status TEXT NOT NULL,
    progress INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    input TEXT,
    result TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    completed_at TEXT,
    key_id TEXT,
    idempotency_key TEXT,
    request_id TEXT
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status);
CREATE INDEX IF NOT EXISTS jobs_created ON jobs(created_at);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_idempotency ON jobs(key_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE, -- its index serves the lookup every authenticated request makes
    prefix TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    key_id TEXT,
    role TEXT,
    client TEXT,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    job_id TEXT,
    count INTEGER NOT NULL DEFAULT 1,
    last_at TEXT,
    via TEXT NOT NULL DEFAULT 'rest',
    session_id TEXT
);
CREATE TABLE IF NOT EXISTS kv (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


_ADDED_COLUMNS = {
    "jobs": {"request_id": "TEXT"},
    "audit": {"count": "INTEGER NOT NULL DEFAULT 1", "last_at": "TEXT", "via": "TEXT NOT NULL DEFAULT 'rest'",
              "session_id": "TEXT"},
}
"""Columns added after a table was first released: a database from an older version gets them at open."""


def is_postgres(target: Path | str) -> bool:
    """Whether ``target`` names a PostgreSQL database rather than a SQLite file."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


class Database:
    """A thin, thread-safe wrapper over one connection: a SQLite file, or PostgreSQL for a ``postgresql://`` URL.

    Statements are written in SQLite's dialect; :mod:`engineering_api.lib.postgres` rewrites them for PostgreSQL.
    """

    def __init__(self, target: Path | str) -> None:
        """Open (and on first use create) the database.

        Raises:
            InsufficientStorageError: the disk (or the database) is full, so its tables cannot be made.
        """
        self.postgres = is_postgres(target)
        self._path = None if self.postgres else str(target)
        self._lock = threading.RLock()
        if self.postgres:
            from engineering_api.lib.postgres import PgConnection

            self._conn: Any = PgConnection(str(target))
        else:
            if str(target) != ":memory:":
                make_private_file(Path(target))
            self._conn = sqlite3.connect(str(target), check_same_thread=False, isolation_level=None)
            self._conn.row_factory = sqlite3.Row
            # change_mark runs on every authenticated request: a cursor of its own, returning plain tuples, skips
            # making a cursor and a Row each time.
            self._mark_cursor = self._conn.cursor()
            self._mark_cursor.row_factory = None
        with self._lock, self._full_disk_named():
            if not self.postgres:
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
            self.create(_SCHEMA)
            for table, columns in _ADDED_COLUMNS.items():
                self._add_missing_columns(table, columns)

    def create(self, schema: str) -> None:
        """Run ``CREATE … IF NOT EXISTS`` statements (a module's own tables, made when it is first used).

        Raises:
            InsufficientStorageError: the disk (or the database) is full; the tables are not there yet.
        """
        with self._lock, self._full_disk_named():
            self._conn.executescript(schema)

    def has_table(self, table: str) -> bool:
        """Whether ``table`` exists (a module's tables are created when it is first used)."""
        if self.postgres:
            return self.one("SELECT 1 FROM information_schema.tables WHERE table_name = ?", (table,)) is not None
        return self.one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)) is not None

    def _add_missing_columns(self, table: str, columns: dict[str, str]) -> None:
        if self.postgres:
            present = self._conn.columns(table)
        else:
            present = {row["name"] for row in self._conn.execute(f"PRAGMA table_info({table})")}
        for name, ddl in columns.items():
            if name in present:
                continue
            try:
                self._conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {ddl}")
            except Exception as exc:  # another process (the CLI, a second worker) added it first
                if "duplicate column" not in str(exc) and "already exists" not in str(exc):
                    raise

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """Run one statement; returns the number of rows changed.

        Raises:
            InsufficientStorageError: the disk (or the database) is full; nothing was written.
        """
        with self._lock, self._full_disk_named():
            changed: int = self._conn.execute(sql, params).rowcount
            return changed

    @property
    def file(self) -> Path | None:
        """The SQLite database file; None for PostgreSQL and for an in-memory database."""
        return None if self._path is None or self._path == ":memory:" else Path(self._path)

    def change_mark(self) -> int | None:
        """A number that changes whenever another connection commits to the database (SQLite's ``data_version``;
        this connection's own commits leave it as it is), so a cache of rows can tell when to read them again.
        None for PostgreSQL, which has no such mark: there nothing may be cached this way."""
        if self.postgres:
            return None
        with self._lock:
            return int(self._mark_cursor.execute("PRAGMA data_version").fetchone()[0])

    def insert(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """Run an INSERT; returns the new rowid.

        Raises:
            InsufficientStorageError: the disk (or the database) is full; nothing was written.
        """
        with self._lock, self._full_disk_named():
            return int(self._conn.execute(sql, params).lastrowid or 0)

    @contextmanager
    def _full_disk_named(self) -> Iterator[None]:
        """A full disk as :class:`InsufficientStorageError` naming the database (a URL's password left out)."""
        try:
            yield
        except Exception as exc:
            if not is_storage_full(exc) or isinstance(exc, InsufficientStorageError):
                raise
            where = "the PostgreSQL database" if self.postgres else self._path
            raise InsufficientStorageError.at(where, "the database record") from exc

    def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Row | None:
        """The first row, or None."""
        with self._lock:
            row: sqlite3.Row | None = self._conn.execute(sql, params).fetchone()
            return row

    def all(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        """All rows."""
        with self._lock:
            rows: list[sqlite3.Row] = self._conn.execute(sql, params).fetchall()
            return rows

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on error; yields the connection (``execute`` as sqlite3's)."""
        with self._lock, self._full_disk_named():
            self._conn.execute("BEGIN" if self.postgres else "BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()


class KeyValueStore:
    """JSON values by name in the ``kv`` table, for small server-side state."""

    def __init__(self, db: Database, prefix: str = "") -> None:
        self._db = db
        self._prefix = prefix

    def get(self, name: str) -> Any:
        """The value, or None."""
        row = self._db.one("SELECT value FROM kv WHERE name = ?", (self._prefix + name,))
        return json.loads(row["value"]) if row else None

    def set(self, name: str, value: Any) -> None:
        """Store a JSON-serialisable value."""
        self._db.execute(
            "INSERT INTO kv(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value=excluded.value",
            (self._prefix + name, json.dumps(value)),
        )

    def delete(self, name: str) -> bool:
        """Remove a value; returns whether there was one."""
        return self._db.execute("DELETE FROM kv WHERE name = ?", (self._prefix + name,)) > 0
