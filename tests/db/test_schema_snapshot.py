"""A database opened at start without Alembic (``engineering_api.lib.schema_snapshot``): the newest revision read
from the revision files is Alembic's, a new SQLite database made from the snapshot is the one the revisions make
(the same ``sqlite_master``, rows and revision), and neither a new database nor one already at the newest revision
imports Alembic; a database behind, or a data dir with a file for a revision to copy in, is still Alembic's."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from engineering_api import cli
from engineering_api.lib import migrate
from engineering_api.lib.db import Database
from engineering_api.lib.migrate import head, state, upgrade_to
from engineering_api.lib.schema_snapshot import MIGRATIONS, SNAPSHOT_NAME, newest_revision, read_snapshot
from tests.db.history_file import write_history_file
from tests.db.full_disk_ddl import full_disk_for_ddl
from tools.bounds import HANG_GUARD_S
from tools.schema_snapshot import made_snapshot

REPO = Path(__file__).resolve().parents[2]


def _by_alembic(path: Path) -> None:
    db = Database(path, migrate=False)
    try:
        upgrade_to(db, head())
    finally:
        db.close()


def _contents(path: Path) -> dict[str, Any]:
    """The database's schema objects in the order they were made, every table's rows, and its settings."""
    with closing(sqlite3.connect(path)) as conn:
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")]
        return {"master": conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid").fetchall(),
                "rows": {table: sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall()) for table in tables},
                "pragmas": [conn.execute(f"PRAGMA {p}").fetchall() for p in ("user_version", "auto_vacuum")]}


def test_the_newest_revision_read_from_the_files_is_alembic_s() -> None:
    assert newest_revision(MIGRATIONS) == head()


def test_the_snapshot_is_what_the_revisions_make_now() -> None:
    assert (MIGRATIONS / SNAPSHOT_NAME).read_text(encoding="utf-8") == made_snapshot(), (
        "the schema snapshot is out of date: python -m tools.schema_snapshot")
    assert read_snapshot(MIGRATIONS)[0] == head()


def test_a_new_database_made_from_the_snapshot_is_the_one_the_revisions_make(tmp_path: Path) -> None:
    _by_alembic(tmp_path / "alembic.sqlite")
    (tmp_path / "node").mkdir()
    Database(tmp_path / "node" / "snapshot.sqlite", data_dir=tmp_path / "node").close()
    assert _contents(tmp_path / "node" / "snapshot.sqlite") == _contents(tmp_path / "alembic.sqlite")
    db = Database(tmp_path / "node" / "snapshot.sqlite")
    try:
        assert state(db).up_to_date
    finally:
        db.close()


_OPEN = r"""
import json, sys
from pathlib import Path
from engineering_api.lib.db import Database
Database(Path(sys.argv[1]), data_dir=Path(sys.argv[1]).parent).close()
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def _packages_loaded_opening(path: Path) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGINEERING_API_")}
    done = subprocess.run([sys.executable, "-c", _OPEN, str(path)], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=HANG_GUARD_S, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_opening_a_new_database_and_one_at_the_newest_revision_imports_no_alembic(tmp_path: Path) -> None:
    assert not {"alembic", "mako", "pygments"} & _packages_loaded_opening(tmp_path / "new.sqlite")  # made
    assert not {"alembic", "mako", "pygments"} & _packages_loaded_opening(tmp_path / "new.sqlite")  # opened again


def test_a_database_behind_is_upgraded_by_the_revisions(tmp_path: Path) -> None:
    db = Database(tmp_path / "old.sqlite", migrate=False)
    upgrade_to(db, "0003")
    db.close()
    assert "alembic" in _packages_loaded_opening(tmp_path / "old.sqlite")
    db = Database(tmp_path / "old.sqlite")
    try:
        assert state(db).current == head()
    finally:
        db.close()


def test_a_new_database_in_a_data_dir_with_a_history_file_gets_it_copied_in(tmp_path: Path) -> None:
    history = write_history_file(tmp_path / "node")
    Database(tmp_path / "node" / "db.sqlite", data_dir=tmp_path / "node").close()
    assert not history.exists() and history.with_name(history.name + ".imported").is_file()  # revision 0004 ran


@pytest.mark.parametrize(("revisions", "newest"), [
    ({"a": None, "b": "a", "c": "b"}, "c"),
    ({"c": "b", "a": None, "b": "a"}, "c"),  # file order is not descent
    ({"a": None, "b": "a", "c": "a"}, None),  # a branch: two heads
    ({"a": None, "b": None}, None),  # two roots
    ({"a": None, "b": ("a", "x")}, None),  # a merge revision: not this reading's
    ({}, None),
])
def test_the_newest_revision_is_read_only_from_one_line_of_descent(
        tmp_path: Path, revisions: dict[str, Any], newest: str | None) -> None:
    (tmp_path / "versions").mkdir()
    for number, (revision, down) in enumerate(revisions.items()):
        down_text = "None" if down is None else repr(down).replace("'", '"')
        (tmp_path / "versions" / f"{number:04d}_{revision}.py").write_text(
            f'revision = "{revision}"\ndown_revision = {down_text}\n', encoding="utf-8")
    assert newest_revision(tmp_path) == newest


def test_migrations_somewhere_else_are_read_there(tmp_path: Path) -> None:
    assert migrate._scripts_dir("engineering_api:migrations") == MIGRATIONS
    assert migrate._scripts_dir(str(tmp_path)) == tmp_path


def test_a_full_disk_while_a_new_database_is_made_is_told_as_a_failed_upgrade(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "node"
    with full_disk_for_ddl():
        assert cli.main(["db", "upgrade", "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    database = data_dir / "engineering-api.sqlite3"
    assert err.startswith(f"error: No space left on the device at {database}: the schema upgrade from an empty "
                          f"database to {head()} could not be written, and nothing was changed."), err
    with closing(sqlite3.connect(database)) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)  # rolled back whole
