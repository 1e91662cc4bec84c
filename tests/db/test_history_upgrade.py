"""Revision 0004 copies the data dir's runtime tag history file into the database: ``engineering-api db upgrade``
does it (and renames the file once committed); a file it cannot read stops the upgrade with the database and the
file as they were, so nothing logged is lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from engineering_api import cli
from engineering_api.lib.db import Database, is_postgres
from engineering_api.lib.migrate import MigrationError, head, state, upgrade_to
from engineering_api.lib.tables import runtime_history
from tests.db.conftest import Target
from tests.db.history_file import SAMPLES, write_history_file


def _at_0003(data_dir: Path, target: Target) -> Path | str:
    data_dir.mkdir()
    database = target(data_dir)
    db = Database(database, migrate=False)
    upgrade_to(db, "0003")
    db.close()
    return database


def test_db_upgrade_moves_the_history_file_in(tmp_path: Path, target: Target) -> None:
    data_dir = tmp_path / "node"
    database = _at_0003(data_dir, target)
    history = write_history_file(data_dir)
    assert cli.main(["db", "upgrade", "--data-dir", str(data_dir),
                     *(["--db", str(database)] if is_postgres(database) else [])]) == 0
    db = Database(database)
    rows = db.all(select(runtime_history.c.tag, runtime_history.c.t, runtime_history.c.value)
                  .order_by(runtime_history.c.id))
    db.close()
    assert [tuple(r) for r in rows] == SAMPLES
    assert not history.exists() and history.with_name("runtime-history.sqlite.imported").is_file()


def test_an_unreadable_history_file_stops_the_upgrade_and_keeps_everything(tmp_path: Path, target: Target) -> None:
    data_dir = tmp_path / "node"
    database = _at_0003(data_dir, target)
    history = data_dir / "runtime-history.sqlite"
    history.write_bytes(b"not a SQLite database, but someone's logged values all the same" * 100)
    before = history.read_bytes()
    with pytest.raises(MigrationError, match="0003 to " + head()):
        Database(database, data_dir=data_dir)
    db = Database(database, migrate=False)
    assert state(db).current == "0003" and not db.has_table("runtime_history")
    db.close()
    assert history.read_bytes() == before, "the file is where it was, to be copied once it can be read"


class _Death(Exception):
    """The process ends here: after the copy's commit, before the file's rename."""


@pytest.mark.parametrize("where", ["db upgrade", "runtime start"])
def test_a_death_between_the_commit_and_the_rename_does_not_import_the_file_twice(
        tmp_path: Path, target: Target, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """Before: the next start found the file again and copied every value a second time, silently."""
    from engineering_api.config import Settings
    from engineering_api.lib import legacy_history
    from tests.conftest import served
    from tests.db.history_file import assert_history_answers

    data_dir = tmp_path / "node"
    database = _at_0003(data_dir, target)
    history = write_history_file(data_dir)
    if where == "runtime start":  # a second node: the schema is at head already, its runtime adopts the file
        Database(database).close()
    real_retire = legacy_history.retire

    def dies(_path: Path, _copied: int | None) -> None:
        raise _Death

    monkeypatch.setattr(legacy_history, "retire", dies)
    with pytest.raises(_Death):
        if where == "db upgrade":
            cli.main(["db", "upgrade", "--data-dir", str(data_dir),
                      *(["--db", str(database)] if is_postgres(database) else [])])
        else:
            legacy_history.adopt(Database(database), data_dir)
    assert history.exists(), "the file was not renamed: the next start meets it again"
    monkeypatch.setattr(legacy_history, "retire", real_retire)
    settings = Settings.from_env(data_dir=data_dir, db=str(database) if is_postgres(database) else None)
    with served(settings) as client:
        admin = {"X-API-Key": (data_dir / "api.secret").read_text().strip()}
        assert_history_answers(client, admin)  # each value once, in its order
    db = Database(database)
    assert len(db.all(select(runtime_history.c.id))) == len(SAMPLES)
    db.close()
    assert not history.exists() and history.with_name("runtime-history.sqlite.imported").is_file()
