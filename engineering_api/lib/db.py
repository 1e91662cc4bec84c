"""The service's database: jobs, API keys, audit records, saved settings and every other store (SQLite, or
PostgreSQL), through SQLAlchemy Core.

The tables are declared once (:mod:`engineering_api.lib.tables`); the stores build their statements from them and
SQLAlchemy writes each dialect's SQL. Opening a database brings its schema to the current version
(:mod:`engineering_api.lib.migrate`). One connection, in autocommit mode, shared under a lock: statements are short,
so running them on the event loop thread costs less than hopping to a thread pool would.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from sqlalchemy import bindparam, create_engine, event, inspect, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.pool import StaticPool

from engineering_api.backend.errors import DatabaseUnavailableError
from engineering_api.lib.db_faults import FullDiskNamed, unreachable_reason
from engineering_api.lib.db_identity import NotThisDatabase, SqliteFile, read_revision
from engineering_api.lib.db_statements import Prepared, Record, Result, Transaction, run
from engineering_api.lib.db_watch import STATEMENT_BOUND_S, StatementWatch, postgres_connect_args, watch_engine
from engineering_api.lib.private_files import make_private_file
from engineering_api.lib.tables import kv

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from sqlalchemy import Connection, Engine, Executable, Table

__all__ = ("POOL_CHECKOUT_S", "RECONNECT_PAUSE_S", "Database", "KeyValueStore", "Prepared", "Record", "Result",
           "Transaction", "engine_url", "is_postgres")

logger = logging.getLogger(__name__)


def is_postgres(target: Path | str) -> bool:
    """Whether ``target`` names a PostgreSQL database rather than a SQLite file."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://", "postgresql+psycopg://"))


def engine_url(target: Path | str) -> str:
    """SQLAlchemy's URL for ``target``: psycopg 3 for PostgreSQL (SQLAlchemy's default would be psycopg2)."""
    if is_postgres(target):
        return "postgresql+psycopg://" + str(target).split("://", 1)[1]
    return f"sqlite:///{target}"


def _insert(postgres: bool) -> Any:
    """SQLAlchemy's dialect ``insert`` (with ``ON CONFLICT``): PostgreSQL's is imported only on PostgreSQL, its
    dialect being ~20 modules a SQLite node does not need."""
    if not postgres:
        return sqlite_insert
    from sqlalchemy.dialects.postgresql import insert

    return insert


RECONNECT_PAUSE_S = 1.0
"""After a failed reconnect, calls answer 503 at once for this long before the next attempt (SQLite), or until a
thread of its own, trying once a pause, has made a new connection (PostgreSQL)."""
POOL_CHECKOUT_S = STATEMENT_BOUND_S
"""How long a user of :meth:`Database.second_engine` (the schedules' job store) waits for a connection of its
pool on PostgreSQL: a connection goes back to the pool once its statements end, and each is cut after
:data:`~engineering_api.lib.db_watch.STATEMENT_BOUND_S`, so a longer wait is a pool held by a stuck server, not a
busy one (docs/operations.md, "PostgreSQL silent")."""
_T = TypeVar("_T")


class Database:
    """A thread-safe wrapper over one connection: a SQLite file, or PostgreSQL for a ``postgresql://`` URL.

    The methods take a Core statement, or ad-hoc SQL (tests, one-off reads) with ``?`` placeholders, which must be
    valid SQL on the dialect it runs on: nothing is translated but the placeholders.

    A database that goes away (PostgreSQL restarted or stopped, the SQLite file unreadable) does not break the node
    for good: the lost connection is dropped and a new one made on the next call (at most one attempt per
    :data:`RECONNECT_PAUSE_S`, so a database that stays away costs no connect per request). A read is sent once
    more on the new connection; a write is not (it may have been applied before the connection died). While no
    connection can be made every call raises :class:`DatabaseUnavailableError` (503 ``DATABASE_UNAVAILABLE``).

    Every wait for PostgreSQL is bounded (:mod:`engineering_api.lib.db_watch`): a connection is given 5 s, a
    statement or a transaction 10 s, after which its connection is cut as lost. After the first failed reconnect,
    the next ones are made by a thread of their own (:meth:`_reconnect_in_background`), so while the server stays
    silent no request waits for a connection that cannot be made: each answers 503 at once. A thread waiting for
    the shared connection waits at most for the bounded statement of the thread that holds it.
    """

    def __init__(self, target: Path | str, *, migrate: bool = True, data_dir: Path | None = None) -> None:
        """Open (and on first use create) the database and bring its schema to the current version.

        ``data_dir``: the node's data dir, whose per-node files of older releases the upgrade copies in.

        Raises:
            InsufficientStorageError: the disk (or the database) is full, so its tables cannot be made.
            DatabaseUnavailableError: the database cannot be reached (or its file cannot be read).
            MigrationError: the schema could not be brought up to date (the database is left as it was).
        """
        self.postgres = is_postgres(target)
        self.data_dir = data_dir
        self._path = None if self.postgres else str(target)
        self._full_disk_named = FullDiskNamed("the PostgreSQL database" if self.postgres else str(target))
        self._lock = threading.RLock()
        self._engines: list[Engine] = []
        self._connected = False
        self._retry_at = 0.0
        self._outage: str | None = None
        """Why the database could not be reached, while it cannot (the health check's reason)."""
        file = self.file
        self._sqlite = SqliteFile(file) if file is not None else None
        """The file first opened, which a reconnect and every health check hold the path to."""
        self._watch: StatementWatch | None = None
        self._reconnector: threading.Thread | None = None
        self._closed = threading.Event()
        if self.postgres:
            url = engine_url(target)
            self.engine: Engine = create_engine(url, poolclass=StaticPool, connect_args=postgres_connect_args(url))
            self._watch = StatementWatch()
        else:
            if str(target) != ":memory:":
                make_private_file(Path(target))
            self.engine = create_engine("sqlite://", creator=self._sqlite_connection, poolclass=StaticPool)
            event.listen(self.engine, "connect", _sqlite_pragmas)
        with self._lock, self._full_disk_named:
            self._connect()
        if migrate:
            from engineering_api.lib.migrate import upgrade

            try:
                with self._full_disk_named:
                    upgrade(self)
            except BaseException:
                self.close()  # the caller gets no database to close
                raise
            if self._sqlite is not None:  # the db commands open without migrating: they may change the revision
                with self._lock:
                    self._sqlite.revision = read_revision(self._mark_cursor)

    def _sqlite_connection(self) -> sqlite3.Connection:
        # sqlite3.connect looked up here, when a connection is made (the full-disk tests wrap it). Once the
        # database exists, a new connection opens it read-write but never creates it: a file deleted under a
        # running node answers "unavailable", not an empty database without tables.
        path = str(self._path)
        if self._sqlite is None or self._sqlite.identity is None:
            return sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        return sqlite3.connect(f"file:{quote(path)}?mode=rw", uri=True, check_same_thread=False,
                               isolation_level=None)

    def _connect(self) -> None:
        """Make the shared connection and its cursors (the caller holds the lock).

        Raises:
            NotThisDatabase: on a reconnect, the file at the path is another file than the one first opened, or
                records another schema revision.
        """
        sqlite_file = self._sqlite
        if sqlite_file is None or sqlite_file.identity is None:
            self._install(self.engine.connect())
            return
        sqlite_file.check_path()
        conn = self.engine.connect()
        try:
            driver: Any = conn.connection.dbapi_connection
            sqlite_file.check(driver.cursor())  # the file the path checks before and after saw
        except BaseException:
            conn.invalidate()
            conn.close()
            self.engine.dispose()
            raise
        self._install(conn)

    def _install(self, conn: Connection) -> None:
        """Use ``conn`` as the shared connection (the caller holds the lock)."""
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        self._conn = conn
        driver: Any = conn.connection.dbapi_connection
        self._cursor = driver.cursor()  # the prepared statements' (Prepared)
        if self._watch is not None:
            self._watch.fd = driver.pgconn.socket
        if not self.postgres:
            # change_mark runs on every authenticated request: a cursor of its own skips SQLAlchemy's layers.
            self._mark_cursor = driver.cursor()
            if self._sqlite is not None:
                self._sqlite.opened()
        self._connected = True
        if self._outage is not None:
            logger.warning("the database is reachable again")
            self._outage = None

    def _ensure_connected(self) -> None:
        """A connection to use, made again after a loss (the caller holds the lock).

        Raises:
            DatabaseUnavailableError: no connection could be made (now, or in the last RECONNECT_PAUSE_S).
        """
        if self._connected:
            return
        if self._reconnector is not None or time.monotonic() < self._retry_at:
            raise self._unavailable()
        try:
            self._connect()
        except Exception as exc:
            reason = self._not_this(exc)
            if reason is None:
                raise
            self._retry_at = time.monotonic() + RECONNECT_PAUSE_S
            self._note_outage(reason)
            if self.postgres and not self._closed.is_set():
                # a silent server costs each attempt the whole connect timeout: not on a request's time
                self._reconnector = threading.Thread(target=self._reconnect_in_background,
                                                     name="database reconnect", daemon=True)
                self._reconnector.start()
            raise self._unavailable() from exc

    def _reconnect_in_background(self) -> None:
        """Try a new connection once every :data:`RECONNECT_PAUSE_S` until one is made or the database closed;
        calls answer 503 at once meanwhile."""
        try:
            while not self._closed.wait(RECONNECT_PAUSE_S):
                try:
                    conn = self.engine.connect()
                except Exception as exc:
                    reason = unreachable_reason(exc)
                    self._note_outage(reason or f"{type(exc).__name__}: {exc}")
                    continue
                with self._lock:
                    if self._closed.is_set():
                        conn.close()
                    else:
                        self._install(conn)
                return
        finally:
            self._reconnector = None

    def _not_this(self, exc: Exception) -> str | None:
        """Why ``exc`` makes the database unusable (the file at the path being another, or unreachable)."""
        foreign = self._sqlite.reason_of(exc) if self._sqlite is not None else None
        return foreign or unreachable_reason(exc)

    @property
    def _foreign(self) -> str | None:
        return self._sqlite.foreign if self._sqlite is not None else None

    def _note_outage(self, reason: str) -> None:
        if self._outage is None:  # logged once an outage, not once a request
            logger.warning("the database cannot be reached: %s", reason)
        self._outage = reason

    def _lost(self, reason: str) -> None:
        """Drop the shared connection after ``reason`` showed it dead; the next call makes a new one."""
        watch = self._watch
        if watch is not None and watch.cut:
            watch.cut = False
            reason = watch.reason()
        self._note_outage(reason)
        self._connected = False
        with suppress(Exception):  # it is dead: closing it may fail as well
            self._conn.invalidate()
        with suppress(Exception):
            self._conn.close()
        with suppress(Exception):
            self.engine.dispose()

    def _unavailable(self, write_lost: bool = False) -> DatabaseUnavailableError:
        kind = "PostgreSQL database" if self.postgres else "SQLite database file"
        if self._foreign is not None:  # it is here but is another database: waiting will not bring this one back
            return DatabaseUnavailableError(
                f"The service's {kind} cannot be used: {self._foreign}. Nothing was read or written.",
                details={"database": "sqlite", "reason": self._foreign})
        if write_lost:
            message = (f"The connection to the service's {kind} was lost during a write: the change may not have "
                       "been recorded. The node reconnects by itself; check the state before retrying.")
        else:
            message = (f"The service's {kind} cannot be reached: nothing was read or written. The node reconnects "
                       "by itself once it is back; retry later (GET /api/health says when).")
        return DatabaseUnavailableError(message, details={"database": "postgresql" if self.postgres else "sqlite"})

    def _guarded(self, action: Callable[[], _T], *, read: bool) -> _T:
        """``action`` on the shared connection (the caller holds the lock); a read is run once more on a new
        connection when the first one turns out to be dead.

        Raises:
            DatabaseUnavailableError: the database cannot be reached (for a write: it was lost during the write).
        """
        watch = self._watch
        resend = read
        while True:
            self._ensure_connected()
            outer = None
            if watch is not None:  # a statement inside a watched transaction keeps the transaction's start
                outer = watch.busy_since
                watch.busy_since = outer or time.monotonic()
            try:
                return action()
            except Exception as exc:
                reason = self._not_this(exc)
                if reason is None:
                    raise
                self._lost(reason)
                inside_transaction = outer is not None  # the transaction around it was cut: nothing to send again
                if inside_transaction or not resend:
                    raise self._unavailable(write_lost=inside_transaction or not read) from exc
                resend = False
            finally:
                if watch is not None:
                    watch.busy_since = outer

    def probe(self) -> str | None:
        """Why the database cannot be used now, or None when it can (the health check's question).

        PostgreSQL answers a ``SELECT 1`` (reconnecting first if needed). A SQLite connection reads its pages from
        its cache and an open file handle, so it does not notice its file being overwritten, replaced or removed:
        the file at the path is checked to still be the one opened, by ``stat`` alone, and its header and schema
        revision are read through SQLite (never by opening the file: :mod:`engineering_api.lib.db_identity` says
        why). A file that fails the check drops the connection, so the requests that follow answer 503 until it
        is this database again.
        """
        with self._lock:
            try:
                self._guarded(self._check, read=True)
            except DatabaseUnavailableError:
                if self._foreign is not None:
                    return f"{self._foreign} (SQLite)"
                why = f": {self._outage}" if self._outage else ""
                return (f"the database cannot be reached ({'PostgreSQL' if self.postgres else 'SQLite'}{why}); the "
                        "node reconnects by itself")
            return None

    def _check(self) -> None:
        """Read the database the way :meth:`probe` describes, on the shared connection.

        Raises:
            NotThisDatabase: the file at the path is another file, or records another schema revision.
        """
        if self._sqlite is None:
            run(self._conn, self._cursor, "SELECT 1")
        else:
            self._sqlite.check(self._mark_cursor)

    def _refuse_another_file(self) -> None:
        """Before a write (the caller holds the lock): a SQLite file replaced at the path drops the connection and
        answers 503, rather than the write going to the old file, which nobody reads again after a restart."""
        if self._sqlite is None or not self._connected:
            return
        try:
            self._sqlite.check_path()
        except NotThisDatabase as exc:
            self._lost(self._not_this(exc) or exc.reason)
            raise self._unavailable() from None

    @property
    def driver_connection(self) -> Any:
        """The driver's own connection under the shared one (``sqlite3.Connection`` or psycopg's), for tests that
        trace the statements sent."""
        return self._conn.connection.dbapi_connection

    @property
    def connection(self) -> Connection:
        """The shared connection (for the migrations; hold :meth:`locked` while using it)."""
        with self._lock:
            self._ensure_connected()
            return self._conn

    @contextmanager
    def locked(self) -> Iterator[Connection]:
        """The shared connection, for this thread alone inside the block."""
        with self._lock:
            self._ensure_connected()
            yield self._conn

    def has_table(self, table: str) -> bool:
        """Whether ``table`` exists."""
        with self._lock:
            return self._guarded(lambda: bool(inspect(self._conn).has_table(table)), read=True)

    def execute(self, statement: Executable | str | Prepared,
                params: Sequence[Any] | Mapping[str, Any] | None = None) -> int:
        """Run one statement; returns the number of rows changed.

        Raises:
            InsufficientStorageError: the disk (or the database) is full; nothing was written.
            DatabaseUnavailableError: the database cannot be reached.
        """
        return self._written(statement, params).rowcount

    def insert(self, statement: Executable | str | Prepared,
               params: Sequence[Any] | Mapping[str, Any] | None = None) -> int:
        """Run an INSERT, as :meth:`execute` runs a statement; returns the new row's key."""
        return int(self._written(statement, params).lastrowid or 0)

    def _written(self, statement: Executable | str | Prepared,
                 params: Sequence[Any] | Mapping[str, Any] | None) -> Result:
        with self._lock, self._full_disk_named:
            self._refuse_another_file()
            return self._guarded(lambda: run(self._conn, self._cursor, statement, params), read=False)

    def one(self, statement: Executable | str | Prepared,
            params: Sequence[Any] | Mapping[str, Any] | None = None) -> Record | None:
        """The first row, or None.

        Raises:
            DatabaseUnavailableError: the database cannot be reached (after one more try on a new connection).
        """
        with self._lock:
            return self._guarded(lambda: run(self._conn, self._cursor, statement, params).fetchone(), read=True)

    def all(self, statement: Executable | str | Prepared,
            params: Sequence[Any] | Mapping[str, Any] | None = None) -> list[Record]:
        """All rows.

        Raises:
            DatabaseUnavailableError: the database cannot be reached (after one more try on a new connection).
        """
        with self._lock:
            return self._guarded(lambda: run(self._conn, self._cursor, statement, params).fetchall(), read=True)

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
            return self._guarded(lambda: int(self._mark_cursor.execute("PRAGMA data_version").fetchone()[0]),
                                 read=True)

    @contextmanager
    def transaction(self, *, bounded: bool = True) -> Iterator[Transaction]:
        """BEGIN (IMMEDIATE on SQLite: the write lock first) … COMMIT, rolled back on error. ``bounded=False``
        exempts a transaction that may rightly run long (a one-time copy of a history file) from the 10 s bound.

        Raises:
            DatabaseUnavailableError: the database cannot be reached, or was lost inside the transaction (then
                nothing of it was committed) or during its COMMIT (then it may have been).
        """
        with self._lock, self._full_disk_named:
            self._refuse_another_file()
            self._guarded(lambda: self._conn.exec_driver_sql("BEGIN" if self.postgres else "BEGIN IMMEDIATE"),
                          read=True)  # nothing written yet: a BEGIN on a dead connection may be sent again
            conn = self._conn
            watch = self._watch if bounded else None
            if watch is not None:  # the transaction as a whole is bounded, from its BEGIN to its COMMIT
                watch.busy_since = time.monotonic()
            try:
                try:
                    yield Transaction(conn, self._cursor)
                except BaseException as exc:
                    reason = unreachable_reason(exc) if isinstance(exc, Exception) else None
                    if reason is not None:  # the server drops an open transaction with its connection
                        self._lost(reason)
                        raise self._unavailable() from exc
                    conn.exec_driver_sql("ROLLBACK")
                    raise
                try:
                    conn.exec_driver_sql("COMMIT")
                except Exception as exc:
                    reason = unreachable_reason(exc)
                    if reason is None:
                        raise
                    self._lost(reason)
                    raise self._unavailable(write_lost=True) from exc
            finally:
                if watch is not None:
                    watch.busy_since = None

    def upsert(self, table: Table, values: dict[str, Any], keys: Sequence[str]) -> int:
        """Insert ``values``, or update the row with the same ``keys`` (``INSERT … ON CONFLICT DO UPDATE``, which
        both dialects have but SQLAlchemy builds per dialect)."""
        statement = _insert(self.postgres)(table).values(**values)
        changes = {name: statement.excluded[name] for name in values if name not in keys}
        return self.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=changes))

    def insert_new(self, table: Table, values: dict[str, Any], keys: Sequence[str]) -> int:
        """Insert ``values`` unless a row with the same ``keys`` exists (``ON CONFLICT DO NOTHING``); returns
        how many rows were inserted (0 or 1), counted by ``RETURNING``: psycopg's row count of this statement is
        -1 whether or not it inserted."""
        statement = _insert(self.postgres)(table).values(**values)
        inserted = statement.on_conflict_do_nothing(index_elements=list(keys)).returning(
            *(table.c[name] for name in keys))
        with self._lock, self._full_disk_named:
            self._refuse_another_file()
            return len(self._guarded(lambda: run(self._conn, self._cursor, inserted).fetchall(), read=False))

    def second_engine(self) -> Engine:
        """An engine of its own on the same database, for a user that runs its own transactions on other threads
        (APScheduler's job store); disposed with this database."""
        if self.postgres:
            # its own pool: a connection checked out within POOL_CHECKOUT_S; its statements and pre-pings watched
            engine = create_engine(self.engine.url, pool_pre_ping=True, pool_timeout=POOL_CHECKOUT_S,
                                   connect_args=postgres_connect_args(str(self.engine.url)))
            if self._watch is not None:
                watch_engine(engine, self._watch)
        else:
            engine = create_engine(engine_url(self._path or ":memory:"), connect_args={"check_same_thread": False})
        self._engines.append(engine)
        return engine

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed.is_set()

    def driver_url(self) -> str:
        """The PostgreSQL URL as psycopg itself takes it (password included: for a connection of our own, never
        shown)."""
        return self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

    def close(self) -> None:
        """Close the connection."""
        self._closed.set()
        if self._watch is not None:
            self._watch.close()
        with self._lock:
            if self._connected:
                if not self.postgres:
                    self._mark_cursor.close()
                self._cursor.close()
                self._conn.close()
            self._connected = False
            for engine in (self.engine, *self._engines):
                engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    for pragma in ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"):
        dbapi_connection.execute(pragma)


_KV_GET = Prepared(select(kv.c.value).where(kv.c.name == bindparam("name")))


class KeyValueStore:
    """JSON values by name in the ``kv`` table, for small server-side state."""

    def __init__(self, db: Database, prefix: str = "") -> None:
        self._db = db
        self._prefix = prefix

    def get(self, name: str) -> Any:
        """The value, or None."""
        row = self._db.one(_KV_GET, {"name": self._prefix + name})
        return json.loads(row["value"]) if row else None

    def set(self, name: str, value: Any) -> None:
        """Store a JSON-serialisable value."""
        self._db.upsert(kv, {"name": self._prefix + name, "value": json.dumps(value)}, ("name",))

    def delete(self, name: str) -> bool:
        """Remove a value; returns whether there was one."""
        return self._db.execute(kv.delete().where(kv.c.name == self._prefix + name)) > 0

