"""The service database's schema version: Alembic's migrations (:mod:`engineering_api.migrations`), run when a
database is opened and by ``engineering-api db upgrade``; ``engineering-api db current`` says where a database
stands.

All pending revisions run in one transaction that holds the database's write lock (SQLite's ``BEGIN IMMEDIATE``;
on PostgreSQL an advisory lock, so two nodes starting together migrate one after the other). Both dialects roll DDL
back, so a failed migration leaves the database exactly as it was, and :class:`MigrationError` says which revision
failed and why.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ContextManager, Protocol

from sqlalchemy import inspect

from engineering_api.backend.errors import EngineeringError, InsufficientStorageError
from engineering_api.errors import codes
from engineering_api.lib import legacy_history
from engineering_api.lib.schema_snapshot import make_at_head, newest_revision
from engineering_api.lib.tables import metadata

if TYPE_CHECKING:
    from collections.abc import Callable
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import Connection


__all__ = ("MigratedDatabase", "MigrationError", "SchemaState", "head", "known", "state", "upgrade", "upgrade_to")

_SCRIPTS = "engineering_api:migrations"
_LOCK_KEY = 0x656E6761  # PostgreSQL advisory lock id of the schema ("enga")
_RELEASE_TABLES = ("jobs", "api_keys", "audit", "kv")
"""Tables every data dir of the release before migrations has (it made them at its first start)."""


class MigratedDatabase(Protocol):
    """What a migration needs of :class:`engineering_api.lib.db.Database` (named by shape: the database module
    runs the migrations when it opens, so this module may not import it back)."""

    postgres: bool
    data_dir: Path | None
    """The node's data dir, whose per-node files of older releases a revision may copy in (None: not known)."""

    @property
    def file(self) -> Path | None: ...

    def locked(self) -> ContextManager[Connection]: ...


class MigrationError(EngineeringError):
    """The schema could not be brought to the current version; the database is as it was before."""

    default_code = codes.SCHEMA_MIGRATION_FAILED


@dataclass(frozen=True)
class SchemaState:
    """Where a database's schema stands."""

    current: str | None
    """The revision recorded in ``alembic_version``; None when none is recorded."""
    head: str
    """The revision this build's schema is at."""
    unversioned_tables: bool
    """No revision recorded, but the tables of a release before migrations are there (the next upgrade keeps
    them and records the version)."""

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    @property
    def newer(self) -> bool:
        """The recorded revision is none this build knows: a newer release wrote it."""
        return self.current is not None and not known(self.current)

    def describe(self) -> str:
        """One line for an operator (``engineering-api db current``)."""
        if self.up_to_date:
            return f"{self.current} (head): the schema is current"
        if self.newer:
            return (f"{self.current}: newer than this build, whose newest revision is {self.head}; this build cannot "
                    "use the database: run the release that upgraded it (or a newer one)")
        if self.current is None:
            if self.unversioned_tables:
                return (f"none recorded: tables of a release before migrations; `engineering-api db upgrade` (or the "
                        f"next start) keeps them and upgrades to {self.head}")
            return f"none: an empty database; `engineering-api db upgrade` (or the next start) creates {self.head}"
        return f"{self.current}: behind head {self.head}; `engineering-api db upgrade` (or the next start) upgrades it"


def _config(location: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", location)
    return config


@functools.lru_cache(maxsize=4)
def _scripts(location: str) -> ScriptDirectory:
    """The revisions at ``location``, read once per process: reading them (each revision module loaded, the
    revision map built) was most of the cost of opening a new database."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config(location))


def head() -> str:
    """The newest revision this build knows."""
    found = _scripts(_SCRIPTS).get_current_head()
    assert found is not None  # the package ships its revisions
    return found


def known(revision: str) -> bool:
    """Whether ``revision`` is one of this build's."""
    try:
        return _scripts(_SCRIPTS).get_revision(revision) is not None
    except Exception:  # alembic's "no such revision" (a CommandError or ResolutionError, by version)
        return False


def state(db: MigratedDatabase) -> SchemaState:
    """Where ``db``'s schema stands, read without changing anything."""
    from alembic.runtime.migration import MigrationContext

    with db.locked() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        tables = set(inspect(conn).get_table_names())
    return SchemaState(current, head(), current is None and set(_RELEASE_TABLES) <= tables)


def upgrade(db: MigratedDatabase) -> SchemaState:
    """Bring ``db`` to the newest revision, all in one transaction.

    Alembic is imported only when a revision must run: a database at the newest revision is told by one read of
    ``alembic_version``, and a new SQLite database is made at it from the schema snapshot
    (:mod:`engineering_api.lib.schema_snapshot`), unless its data dir holds a file an older release left for a
    revision to copy in.

    Raises:
        MigrationError: a revision failed; nothing was changed.
    """
    migrations = _scripts_dir(_SCRIPTS)
    newest = newest_revision(migrations)
    if newest is not None:
        recorded = _recorded_revision(db)
        if recorded == newest:
            return SchemaState(newest, newest, False)
        if recorded is None and not db.postgres and legacy_history.found(db.data_dir) is None:
            with db.locked() as conn:
                try:
                    made = make_at_head(conn, migrations, newest)
                except Exception as exc:  # rolled back: told as a failed upgrade is
                    raise _failed(db, None, newest, exc) from exc
            if made:
                return SchemaState(newest, newest, False)
    return upgrade_to(db, head())


def _scripts_dir(location: str) -> Path:
    """The directory of the revisions at ``location`` (Alembic's ``package:path`` form, or a directory)."""
    package, colon, below = location.partition(":")
    if not colon:
        return Path(location)
    root = importlib.util.find_spec(package)
    assert root is not None and root.origin is not None, f"the migrations' package {package} is installed"
    return Path(root.origin).parent / below


def _recorded_revision(db: MigratedDatabase) -> str | None:
    """The revision ``alembic_version`` records (as Alembic reads it; several, or none: None, for Alembic to
    judge)."""
    with db.locked() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    return str(rows[0][0]) if len(rows) == 1 else None


def upgrade_to(db: MigratedDatabase, target: str) -> SchemaState:
    """Bring ``db`` to revision ``target`` (a test's older state; the service always goes to :func:`head`).

    Raises:
        MigrationError: a revision failed; nothing was changed.
    """
    from alembic.runtime.migration import MigrationContext

    after_commit: list[Callable[[], None]] = []
    with db.locked() as conn:
        conn.exec_driver_sql("BEGIN" if db.postgres else "BEGIN IMMEDIATE")
        before: str | None = None  # not read yet when the lock or the read itself fails (two recorded revisions)
        try:
            if db.postgres:
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_LOCK_KEY})")
            before = MigrationContext.configure(conn).get_current_revision()
            if before is not None and before != target and not known(before):
                raise _NewerSchema(before)
            if before != target:
                _run(conn, target, {"data_dir": db.data_dir, "after_commit": after_commit})
            conn.exec_driver_sql("COMMIT")  # inside: a full disk can fail the commit itself (the WAL's last pages)
        except _NewerSchema:
            _rollback(conn)
            raise MigrationError(
                f"the database schema is at revision {before}, newer than this build (its newest is {head()}): a "
                "newer release upgraded it, and this one cannot use it; nothing was changed. Run that release (or a "
                "newer one).", code=codes.SCHEMA_NEWER_THAN_BUILD, details={"from": before, "to": target}) from None
        except Exception as exc:
            _rollback(conn)
            raise _failed(db, before, target, exc) from exc
        except BaseException:
            _rollback(conn)
            raise
    for action in after_commit:  # what a revision does outside the database once its rows are committed
        action()
    return SchemaState(target, head(), False)


def _run(conn: Connection, target: str, attributes: dict[str, Any]) -> None:
    """Alembic's ``upgrade`` to ``target`` on ``conn``, inside the caller's transaction. This is the migrations'
    environment (what an ``env.py`` holds): the revisions come from the cached script directory, not re-read.
    ``attributes`` reach the revisions as ``context.config.attributes``: ``data_dir`` (or None) and
    ``after_commit``, a list of callables run once the upgrade is committed."""
    from alembic.runtime.environment import EnvironmentContext

    script = _scripts(_SCRIPTS)
    config = _config(_SCRIPTS)
    config.attributes.update(attributes)
    with EnvironmentContext(config, script, destination_rev=target,
                            fn=lambda revision, _context: script._upgrade_revs(target, revision)) as environment:
        environment.configure(connection=conn, target_metadata=metadata, transactional_ddl=False)
        environment.run_migrations()


class _NewerSchema(Exception):
    """The recorded revision is none of this build's (raised and turned into MigrationError inside the lock)."""


def _rollback(conn: Connection) -> None:
    """End the upgrade's transaction unless the database ended it: SQLite rolls a transaction back by itself when
    a write meets a full disk (SQLITE_FULL), and a ROLLBACK then fails ("no transaction is active"), hiding why."""
    if getattr(conn.connection.dbapi_connection, "in_transaction", True):  # sqlite3 tells; PostgreSQL's is open
        conn.exec_driver_sql("ROLLBACK")


_HISTORY_COPY_FACTOR = 1.5
"""Free space a copy of the history file takes, in file sizes: its rows and their index, written to SQLite's
write-ahead log and then, at the checkpoint, to the database beside it. Measured on a tmpfs: a 14.4 MB file of
200,000 values needed between 13.4 and 15.4 MB free; half as much again for other values' sizes."""


def _space_needed(db: MigratedDatabase) -> int | None:
    """Bytes the upgrade needs free beside the database: the history file's copy (revision 0004), and the database
    file's size again for SQLite's journal of the schema change; None when there is nothing to estimate it by."""
    history = legacy_history.found(db.data_dir)
    copy = int(_HISTORY_COPY_FACTOR * history.stat().st_size) if history is not None else 0
    own = Path(db.file).stat().st_size if db.file is not None and Path(db.file).is_file() else 0
    return copy + own or None


def _failed(db: MigratedDatabase, before: str | None, target: str, exc: Exception) -> EngineeringError:
    """What the caller of an upgrade from ``before`` to ``target`` that raised ``exc`` (rolled back) is told."""
    if _is_full(exc):
        where = "the PostgreSQL database" if db.postgres else (db.file or "the database")
        upgrade = f"the schema upgrade from {before or 'an empty database'} to {target}"
        return InsufficientStorageError.at(where, upgrade, free_needed=_space_needed(db))
    return MigrationError(
        f"the database schema could not be upgraded from {before or 'its unversioned state'} to {target}: "
        f"{type(exc).__name__}: {exc}; the database was left as it was",
        details={"from": before, "to": target})


def _is_full(exc: BaseException) -> bool:
    from engineering_api.backend.errors import is_storage_full

    cause = getattr(exc, "orig", None) or exc
    return is_storage_full(cause)
