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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ContextManager, Protocol

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from engineering_api.backend.errors import EngineeringError, InsufficientStorageError
from engineering_api.lib.tables import metadata

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

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

    default_code = "SCHEMA_MIGRATION_FAILED"


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
    config = Config()
    config.set_main_option("script_location", location)
    return config


@functools.lru_cache(maxsize=4)
def _scripts(location: str) -> ScriptDirectory:
    """The revisions at ``location``, read once per process: reading them (each revision module loaded, the
    revision map built) was most of the cost of opening a new database."""
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
    with db.locked() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        tables = set(inspect(conn).get_table_names())
    return SchemaState(current, head(), current is None and set(_RELEASE_TABLES) <= tables)


def upgrade(db: MigratedDatabase) -> SchemaState:
    """Bring ``db`` to the newest revision, all in one transaction.

    Raises:
        MigrationError: a revision failed; nothing was changed.
    """
    return upgrade_to(db, head())


def upgrade_to(db: MigratedDatabase, target: str) -> SchemaState:
    """Bring ``db`` to revision ``target`` (a test's older state; the service always goes to :func:`head`).

    Raises:
        MigrationError: a revision failed; nothing was changed.
    """
    after_commit: list[Callable[[], None]] = []
    with db.locked() as conn:
        conn.exec_driver_sql("BEGIN" if db.postgres else "BEGIN IMMEDIATE")
        try:
            if db.postgres:
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_LOCK_KEY})")
            before = MigrationContext.configure(conn).get_current_revision()
            if before is not None and before != target and not known(before):
                raise _NewerSchema(before)
            if before != target:
                _run(conn, target, {"data_dir": db.data_dir, "after_commit": after_commit})
        except _NewerSchema:
            conn.exec_driver_sql("ROLLBACK")
            raise MigrationError(
                f"the database schema is at revision {before}, newer than this build (its newest is {head()}): a "
                "newer release upgraded it, and this one cannot use it; nothing was changed. Run that release (or a "
                "newer one).", code="SCHEMA_NEWER_THAN_BUILD", details={"from": before, "to": target}) from None
        except Exception as exc:
            conn.exec_driver_sql("ROLLBACK")
            if _is_full(exc):
                where = "the PostgreSQL database" if db.postgres else (db.file or "the database")
                raise InsufficientStorageError.at(
                    where, f"the schema upgrade from {before or 'an empty database'} to {target}") from exc
            raise MigrationError(
                f"the database schema could not be upgraded from {before or 'its unversioned state'} to {target}: "
                f"{type(exc).__name__}: {exc}; the database was left as it was",
                details={"from": before, "to": target}) from exc
        except BaseException:
            conn.exec_driver_sql("ROLLBACK")
            raise
        conn.exec_driver_sql("COMMIT")
    for action in after_commit:  # what a revision does outside the database once its rows are committed
        action()
    return SchemaState(target, head(), False)


def _run(conn: Connection, target: str, attributes: dict[str, Any]) -> None:
    """Alembic's ``upgrade`` to ``target`` on ``conn``, inside the caller's transaction. This is the migrations'
    environment (what an ``env.py`` holds): the revisions come from the cached script directory, not re-read.
    ``attributes`` reach the revisions as ``context.config.attributes``: ``data_dir`` (or None) and
    ``after_commit``, a list of callables run once the upgrade is committed."""
    script = _scripts(_SCRIPTS)
    config = _config(_SCRIPTS)
    config.attributes.update(attributes)
    with EnvironmentContext(config, script, destination_rev=target,
                            fn=lambda revision, _context: script._upgrade_revs(target, revision)) as environment:
        environment.configure(connection=conn, target_metadata=metadata, transactional_ddl=False)
        environment.run_migrations()


class _NewerSchema(Exception):
    """The recorded revision is none of this build's (raised and turned into MigrationError inside the lock)."""


def _is_full(exc: BaseException) -> bool:
    from engineering_api.backend.errors import is_storage_full

    cause = getattr(exc, "orig", None) or exc
    return is_storage_full(cause)
