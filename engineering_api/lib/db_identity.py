"""Whether a SQLite database is still the file this process opened, asked without opening the file.

On POSIX the locks SQLite takes on its file belong to the process, not to a descriptor: closing *any* descriptor of
the file, one a health check opened to read the header, releases every one of them ("How To Corrupt An SQLite
Database File", §2.2, https://www.sqlite.org/howtocorrupt.html). The next process on the file (the CLI, a second
server) then believes it is alone, checkpoints and deletes the ``-wal`` and ``-shm`` files this one still uses,
and the two no longer see each other's writes. So nothing here opens the file: its identity is the path's
``os.stat`` against the (device, inode) seen when SQLite opened it (Python's ``sqlite3`` does not expose SQLite's
descriptor), and its header and schema are read through SQLite's own connection.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

__all__ = ("Identity", "NotThisDatabase", "SqliteFile", "identity_of", "read_revision", "replaced_reason",
           "revision_reason")

Identity = tuple[int, int]
"""A file's (device, inode)."""


def identity_of(path: Path) -> Identity:
    """The (device, inode) of the file at ``path`` (``os.stat``: no descriptor opened).

    Raises:
        OSError: nothing can be stat'ed at the path.
    """
    found = os.stat(path)
    return found.st_dev, found.st_ino


def replaced_reason(path: Path, opened: Identity) -> str | None:
    """Why the file at ``path`` is not the database opened as ``opened`` (gone, or another file), else None."""
    try:
        found = identity_of(path)
    except OSError as exc:
        return f"the database file cannot be read: {exc.strerror or exc}"
    if found != opened:
        return ("the database file was replaced by another file while the server ran; this server does not switch "
                "databases under its running jobs and caches: restart it to use the file now at the path, or put "
                "the original file back")
    return None


def read_revision(cursor: sqlite3.Cursor) -> str | None:
    """The schema revision the database records (Alembic's ``alembic_version``), read through SQLite from the
    file itself; None when it records none.

    Raises:
        sqlite3.Error: SQLite cannot read the file (``SQLITE_NOTADB`` when its header is not SQLite's).
    """
    # A connection keeps the pages it read, and in WAL mode reads them again only after another connection wrote:
    # a file overwritten behind SQLite's back would go unnoticed. Dropping the cache makes the next read start
    # from the file's header (or the WAL's newer copy of it, which is what SQLite itself would use).
    cursor.execute("PRAGMA shrink_memory")
    if cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone() \
            is None:
        return None
    rows = cursor.execute("SELECT version_num FROM alembic_version").fetchall()
    return str(rows[0][0]) if len(rows) == 1 else None


def revision_reason(found: str | None, expected: str) -> str | None:
    """Why a database at revision ``found`` is not the one this server opened at ``expected``, else None."""
    if found == expected:
        return None
    return (f"the database file records schema revision {found or 'none'}, not {expected} as when this server "
            "opened it: it is another database; restart the server to use it (its start migrates it or says why "
            "not), or put the original file back")


class NotThisDatabase(Exception):
    """The file at a SQLite database's path is not the database this process opened (``reason`` says how)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SqliteFile:
    """The SQLite file one :class:`~engineering_api.lib.db.Database` opened: the (device, inode) and schema
    revision it had then, and why the file at the path is not it, while it is not.

    A reconnect never adopts another file at the path: the scheduler's own engine, the key cache and running jobs
    still hold the first one, so two databases would be in use at once.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.identity: Identity | None = None
        """Set at the first connection; None before (that connection may create the file)."""
        self.revision: str | None = None
        """Set once the file is opened and migrated (the db commands open without migrating: not checked)."""
        self.foreign: str | None = None
        """Why the file at the path is not this database, while it is not (said in every 503 meanwhile)."""

    def opened(self) -> None:
        """A connection was made on the file at the path: the first one tells its identity."""
        if self.identity is None:
            self.identity = identity_of(self.path)
        self.foreign = None

    def check_path(self) -> None:
        """Raise when the file at the path is not the one first opened (by ``stat`` alone).

        Raises:
            NotThisDatabase: it is gone, or another file.
        """
        if self.identity is not None and (reason := replaced_reason(self.path, self.identity)) is not None:
            raise NotThisDatabase(reason)

    def check(self, cursor: sqlite3.Cursor) -> None:
        """:meth:`check_path`, then the header and schema revision read through SQLite on ``cursor``.

        Raises:
            NotThisDatabase: another file, or another schema revision.
            sqlite3.Error: SQLite cannot read the file (its header overwritten: ``SQLITE_NOTADB``).
        """
        self.check_path()
        found = read_revision(cursor)
        reason = revision_reason(found, self.revision) if self.revision is not None else None
        if reason is not None:
            raise NotThisDatabase(reason)

    def reason_of(self, exc: BaseException) -> str | None:
        """``exc``'s reason when it says the file is not this database (then remembered as :attr:`foreign`)."""
        if isinstance(exc, NotThisDatabase):
            self.foreign = exc.reason
            return exc.reason
        return None
