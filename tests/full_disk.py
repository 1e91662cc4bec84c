"""A SQLite database on a full disk, for the tests of what the service answers then."""

from __future__ import annotations

import re
import sqlite3
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import event

from engineering_api.lib import db_statements

if TYPE_CHECKING:
    from collections.abc import Iterator

    from engineering_api.lib.db import Database

__all__ = ("FullDiskConnection", "disk_full", "sqlite_full")

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "PRAGMA JOURNAL_MODE", "CREATE", "ALTER")
"""Statements that must write to the file (switching to WAL writes the database header)."""


def sqlite_full() -> sqlite3.OperationalError:
    """The error SQLite raises when the disk or the database is full."""
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = 13  # SQLITE_FULL, as sqlite3 sets it
    return error


def _writes(sql: str) -> bool:
    return bool(re.match(r"\s*(" + "|".join(_WRITES) + ")", sql, re.IGNORECASE))


class FullDiskConnection:
    """Wraps a new sqlite3 connection (as ``sqlite3.connect`` made it): reads work, every write fails as SQLite
    fails it on a full disk."""

    def __init__(self, inner: sqlite3.Connection) -> None:
        self.inner = inner

    def execute(self, sql: str, params: Any = ()) -> Any:
        if _writes(sql):
            raise sqlite_full()
        return self.inner.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@contextmanager
def disk_full(db: Database) -> Iterator[None]:
    """Inside the block, every write ``db`` sends fails as SQLite fails it on a full disk; reads work."""

    def refuse(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if _writes(statement):
            raise sqlite_full()

    sent_prepared = db_statements.run_prepared

    def refuse_prepared(cursor: Any, form: Any, params: Any) -> Any:
        # prepared statements go to the driver's cursor, past SQLAlchemy's events
        if cursor is db._cursor and _writes(form.sql):  # this database's cursor, not another's
            raise sqlite_full()
        return sent_prepared(cursor, form, params)

    event.listen(db.engine, "before_cursor_execute", refuse)
    db_statements.run_prepared = refuse_prepared
    try:
        yield
    finally:
        db_statements.run_prepared = sent_prepared
        event.remove(db.engine, "before_cursor_execute", refuse)
