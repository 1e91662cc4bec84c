"""The runtime tag history of releases before revision ``0004``: a file per node, ``<data dir>/runtime-history.sqlite``
(table ``samples(tag, t, value)``, the tag by its canonical name, ``t`` in ms since 1970).

Its rows are copied into the service database's ``runtime_history`` table in the order they were logged, and the
file is then renamed ``runtime-history.sqlite.imported`` (kept, never read again), so a file is copied once. The
copy runs in revision ``0004`` (the data dir of the node that upgrades the database) and, for the data dir of a
node that finds the database upgraded already (a second node on one PostgreSQL), when its runtime starts. The
rename follows the commit: a copy rolled back leaves the file where it was, to be copied at the next attempt.

A process that dies between the commit and the rename would find the file again at its next start and copy it a
second time; so the copy records, in its own transaction, the file it copied (:func:`copy_once`: its rows' count,
first and last rowid and sums, with its size and mtime for the operator, in the ``kv`` table), and a file whose
record is there is only renamed. The record goes by what the file holds, not by its bytes: opening a file a crash
left with a ``-wal`` recovers it and changes its bytes, never its rows.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING, Any, ContextManager, Protocol

import sqlalchemy as sa

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy import Connection

__all__ = ("IMPORTED_SUFFIX", "LEGACY_FILE", "AdoptingDatabase", "adopt", "copy_once", "copy_rows", "found", "retire")

logger = logging.getLogger(__name__)

LEGACY_FILE = "runtime-history.sqlite"
IMPORTED_SUFFIX = ".imported"
_BATCH = 20_000
_HISTORY = sa.table("runtime_history", sa.column("tag"), sa.column("t"), sa.column("value"))
"""The table as revision 0004 made it (not :mod:`engineering_api.lib.tables`, which may change after it)."""
_KV = sa.table("kv", sa.column("name"), sa.column("value"))
"""The key-value table of revision 0001, where the import of a file is recorded."""
_RECORD_PREFIX = "legacy-history-import:"


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


def _contents(path: Path) -> dict[str, object] | None:
    """What identifies the file's rows (None: it has no ``samples`` table), read by SQLite's aggregates."""
    with closing(sqlite3.connect(str(path))) as old:
        if old.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'samples'").fetchone() is None:
            return None
        count, first, last, times, values = old.execute(
            "SELECT count(*), min(rowid), max(rowid), total(t), total(value) FROM samples").fetchone()
    return {"rows": count, "firstRowid": first, "lastRowid": last, "sumT": times, "sumValue": values}


def copy_once(conn: Connection, path: Path) -> int | None:
    """Copy ``path`` as :func:`copy_rows` does and record the import in the same transaction; None, copying
    nothing, when the import of this file is recorded already (the process died before it was renamed)."""
    contents = _contents(path)
    if contents is None:
        return 0
    key = _RECORD_PREFIX + json.dumps(contents, sort_keys=True)
    if conn.execute(sa.select(_KV.c.value).where(_KV.c.name == key)).first() is not None:
        logger.warning("%s was imported already (its rows are in runtime_history); it is only renamed now", path)
        return None
    copied = copy_rows(conn, path)
    found_file = path.stat()
    conn.execute(_KV.insert().values(name=key, value=json.dumps(
        {"file": str(path), "size": found_file.st_size, "mtimeNs": found_file.st_mtime_ns, "copied": copied})))
    return copied


def retire(path: Path, copied: int | None) -> None:
    """Rename the copied file (after the copy's commit), so it is not copied again (``copied`` None: it had been
    copied by an earlier start)."""
    path.rename(path.with_name(path.name + IMPORTED_SUFFIX))
    if copied is None:
        return
    logger.warning("%d logged tag value(s) moved from %s into the service database (table runtime_history); the "
                   "file is kept as %s%s", copied, path, path.name, IMPORTED_SUFFIX)


class AdoptingDatabase(Protocol):
    """What :func:`adopt` needs of :class:`engineering_api.lib.db.Database` (named by shape: the database module
    runs the migrations, whose revision 0004 uses this module, so this module may not import it back)."""

    def transaction(self, *, bounded: bool = True) -> ContextManager[Any]: ...

    def locked(self) -> ContextManager[Connection]: ...


def adopt(db: AdoptingDatabase, data_dir: Path) -> int:
    """Copy the data dir's history file into ``db`` (one transaction) and retire it; returns how many values."""
    path = found(data_dir)
    if path is None:
        return 0
    with db.transaction(bounded=False), db.locked() as conn:  # a large file may take long to copy
        copied = copy_once(conn, path)
    retire(path, copied)
    return copied or 0
