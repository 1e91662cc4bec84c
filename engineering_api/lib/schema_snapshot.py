"""The newest schema revision, read from the revision files, and a new SQLite database made at it in one step.

A database that is already at the newest revision needs no migration: :func:`newest_revision` reads the revisions'
``revision`` and ``down_revision`` lines (six small files) and :mod:`engineering_api.lib.migrate` compares the
result with the one row of ``alembic_version``, importing Alembic only when a revision must run. A new SQLite
database (no table yet, no file of an older release in the data dir to copy in) is made from ``head.sqlite.sql``:
the statements that Alembic's revisions leave in ``sqlite_master``, in their order, with the revision they reach.
It is the practice Rails documents for a new database (``db:schema:load``: load the current schema instead of
replaying every migration). ``tests/db/test_schema_snapshot.py`` makes a database both ways and compares their
``sqlite_master`` and rows, and fails when the file is not what the revisions make now; write it again with
``python -m tools.schema_snapshot``.

Importing Alembic brings Mako and Pygments with it (~110 modules); with the revisions run, that was most of
opening a new database (~0.08 of 0.084 s of CPU, measured 2026-11-27 at load 11), at every first start.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = ("MIGRATIONS", "SNAPSHOT_NAME", "make_at_head", "newest_revision", "read_snapshot", "snapshot_of")

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
"""This build's migrations (``engineering_api.migrations``)."""
SNAPSHOT_NAME = "head.sqlite.sql"
_REVISION = re.compile(r'^revision = "(\w+)"$', re.MULTILINE)
_DOWN = re.compile(r'^down_revision = (?:None|"(\w+)")$', re.MULTILINE)
_HEADER = "-- revision "
_SEPARATOR = "\n;\n"


def newest_revision(migrations: Path) -> str | None:
    """The revision at the end of the revisions' one line of descent; None when they are not one line (a branch or
    a merge, a file this reading does not understand): Alembic then decides."""
    parents: dict[str, str | None] = {}
    for path in sorted((migrations / "versions").glob("*.py")):
        if path.name == "__init__.py":
            continue
        text = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN.search(text)
        if revision is None or down is None:
            return None
        parents[revision.group(1)] = down.group(1)
    children = [parent for parent in parents.values() if parent is not None]
    heads = set(parents) - set(children)
    if len(heads) != 1 or len(set(children)) != len(children) or list(parents.values()).count(None) != 1:
        return None
    return heads.pop()


def read_snapshot(migrations: Path) -> tuple[str, list[str]]:
    """The revision ``migrations``' ``head.sqlite.sql`` is at, and its statements in order."""
    snapshot = migrations / SNAPSHOT_NAME
    header, _, body = snapshot.read_text(encoding="utf-8").partition("\n")
    if not header.startswith(_HEADER):
        raise ValueError(f"{snapshot} does not start with {_HEADER!r}")
    return header[len(_HEADER):].strip(), [s.strip() for s in body.split(_SEPARATOR) if s.strip()]


def snapshot_of(conn: Connection, revision: str) -> str:
    """``head.sqlite.sql``'s text for the SQLite database on ``conn``: its schema objects in the order it made them
    (SQLite's own ``sqlite_*`` objects come by themselves), then its revision's row."""
    rows = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid").all()
    statements = [str(sql) for name, sql in rows if not str(name).startswith("sqlite_")]
    return _HEADER + revision + "\n" + _SEPARATOR.join(statements) + _SEPARATOR


def make_at_head(conn: Connection, migrations: Path, revision: str) -> bool:
    """Make the empty SQLite database on ``conn`` (autocommit) at ``revision`` from ``migrations``' snapshot, in one
    transaction that holds its write lock; False, changing nothing, when the snapshot is at another revision (or
    missing) or the database has a table (another process made it meanwhile): Alembic's upgrade then decides."""
    if not (migrations / SNAPSHOT_NAME).is_file():
        return False
    at, statements = read_snapshot(migrations)
    if at != revision:
        return False
    conn.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        if conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar():
            conn.exec_driver_sql("ROLLBACK")
            return False
        for statement in statements:
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql("INSERT INTO alembic_version (version_num) VALUES (?)", (revision,))
    except BaseException:
        conn.exec_driver_sql("ROLLBACK")
        raise
    conn.exec_driver_sql("COMMIT")
    return True
