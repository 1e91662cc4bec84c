"""Which errors of the database drivers say the database cannot be reached (so :mod:`engineering_api.lib.db`
drops its connection and makes a new one), and which are any other error; a full disk named as the database."""

from __future__ import annotations

import sqlite3
import sys
from typing import Any, Literal

from sqlalchemy.exc import DBAPIError

from engineering_api.backend.errors import InsufficientStorageError, is_storage_full

__all__ = ("FullDiskNamed", "unreachable_reason")

_SQLITE_UNREACHABLE = frozenset({10, 11, 14, 26})
"""SQLite's primary result codes that say the file cannot be used: SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_CANTOPEN and
SQLITE_NOTADB (https://www.sqlite.org/rescode.html). SQLITE_FULL is a full disk (507), not an absent database."""


def unreachable_reason(exc: BaseException) -> str | None:
    """The driver's words when ``exc`` says the database cannot be reached (a lost connection, a server shutting
    down, starting up or refusing connections, an unreadable SQLite file), else None (any other error)."""
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return _first_line(exc.orig if exc.orig is not None else exc)
        if exc.orig is not None:
            exc = exc.orig
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        return str(exc) if code is not None and code & 0xFF in _SQLITE_UNREACHABLE else None
    psycopg = sys.modules.get("psycopg")
    if psycopg is None:
        return None
    if isinstance(exc, psycopg.InterfaceError):  # the connection is closed
        return _first_line(exc)
    if isinstance(exc, psycopg.OperationalError):
        # no SQLSTATE: the connection failed or died; class 08: connection exception; 57P: the server is shutting
        # down or starting up (https://www.postgresql.org/docs/current/errcodes-appendix.html)
        state = getattr(exc, "sqlstate", None)
        if state is None or state.startswith(("08", "57P")):
            return _first_line(exc)
    return None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class FullDiskNamed:
    """``with`` it: a full disk in the block raised as :class:`InsufficientStorageError` naming the database (a URL's
    password left out). One per database, used by every statement: it keeps nothing of a block (a generator's
    context manager made five calls of each statement)."""

    __slots__ = ("_where",)

    def __init__(self, where: str) -> None:
        self._where = where

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, traceback: Any) -> Literal[False]:
        if not isinstance(exc, Exception) or isinstance(exc, InsufficientStorageError):
            return False
        cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
        if not is_storage_full(cause):
            return False
        raise InsufficientStorageError.at(self._where, "the database record") from exc
