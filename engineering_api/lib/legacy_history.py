"""The runtime tag history of releases before revision ``0004``: a file per node, ``<data dir>/runtime-history.sqlite``
(table ``samples(tag, t, value)``, the tag by its canonical name, ``t`` in ms since 1970).

Its rows are copied into the service database's ``runtime_history`` table in the order they were logged, and the
file is then renamed ``runtime-history.sqlite.imported`` (kept, never read again), so a file is copied once. The
copy runs in revision ``0004`` (the data dir of the node that upgrades the database) and, for the data dir of a
node that finds the database upgraded already (a second node on one PostgreSQL), when its runtime starts. The
rename follows the commit: a copy rolled back leaves the file where it was, to be copied at the next attempt.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy import Connection

    from engineering_api.lib.db import Database

__all__ = ("IMPORTED_SUFFIX", "LEGACY_FILE", "adopt", "copy_rows", "found", "retire")

logger = logging.getLogger(__name__)

LEGACY_FILE = "runtime-history.sqlite"
IMPORTED_SUFFIX = ".imported"
_BATCH = 20_000
_HISTORY = sa.table("runtime_history", sa.column("tag"), sa.column("t"), sa.column("value"))
"""The table as revision 0004 made it (not :mod:`engineering_api.lib.tables`, which may change after it)."""


def found(data_dir: Path | None) -> Path | None:
    """The data dir's history file still to copy, or None."""
    if data_dir is None:
        return None
    path = data_dir / LEGACY_FILE
    return path if path.is_file() else None


def copy_rows(conn: Connection, path: Path) -> int:
    """Copy the samples of ``path`` into ``runtime_history`` on ``conn``, inside the caller's transaction, oldest
    logged first; returns how many. A file without the ``samples`` table (never logged to) copies nothing."""
    # opened read-write: a file left with a -wal by a crash is recovered by opening it
    with closing(sqlite3.connect(str(path))) as old:
        if old.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'samples'").fetchone() is None:
            return 0
        cursor = old.execute("SELECT tag, t, value FROM samples ORDER BY rowid")
        copied = 0
        while batch := cursor.fetchmany(_BATCH):
            conn.execute(_HISTORY.insert(), [{"tag": tag, "t": t, "value": value} for tag, t, value in batch])
            copied += len(batch)
    return copied


def retire(path: Path, copied: int) -> None:
    """Rename the copied file (after the copy's commit), so it is not copied again."""
    path.rename(path.with_name(path.name + IMPORTED_SUFFIX))
    logger.warning("%d logged tag value(s) moved from %s into the service database (table runtime_history); the "
                   "file is kept as %s%s", copied, path, path.name, IMPORTED_SUFFIX)


def adopt(db: Database, data_dir: Path) -> int:
    """Copy the data dir's history file into ``db`` (one transaction) and retire it; returns how many values."""
    path = found(data_dir)
    if path is None:
        return 0
    with db.transaction(), db.locked() as conn:
        copied = copy_rows(conn, path)
    retire(path, copied)
    return copied
