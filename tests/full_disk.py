"""A SQLite connection on a full disk, for the tests of what the service answers then."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

__all__ = ("FullDiskConnection", "sqlite_full")

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "PRAGMA JOURNAL_MODE")
"""Statements that must write to the file (switching to WAL writes the database header)."""


def sqlite_full() -> sqlite3.OperationalError:
    """The error SQLite raises when the disk or the database is full."""
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = 13  # SQLITE_FULL, as sqlite3 sets it
    return error


class FullDiskConnection:
    """Wraps a connection: reads work, every write fails as SQLite fails it on a full disk."""

    def __init__(self, inner: sqlite3.Connection) -> None:
        self.inner = inner

    def execute(self, sql: str, params: Any = ()) -> Any:
        if sql.lstrip().upper().startswith(_WRITES):
            raise sqlite_full()
        return self.inner.execute(sql, params)

    def executescript(self, script: str) -> Any:
        """A module's ``CREATE TABLE IF NOT EXISTS`` script: a no-op for tables that exist, a write for new ones."""
        present = {row[0] for row in self.inner.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if set(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", script)) - present:
            raise sqlite_full()
        return self.inner.executescript(script)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
