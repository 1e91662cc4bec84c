"""What an operator reads when a migration cannot run (issue 68 item 7): a full disk during the upgrade is one
line naming the database and the fix, from ``db upgrade`` and from ``serve`` alike (it was a traceback, or another
reason); a database a newer release upgraded is said to be newer, not "behind head, upgrade it"."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from engineering_api import cli
from engineering_api.lib.db import Database
from engineering_api.lib.migrate import MigrationError, head, state, upgrade_to
from tests.db.full_disk_ddl import full_disk_for_ddl


def _at_0003(data_dir: Path) -> Path:
    data_dir.mkdir()
    database = data_dir / "engineering-api.sqlite3"
    db = Database(database, migrate=False)
    upgrade_to(db, "0003")
    db.close()
    return database


def _revision(database: Path) -> str | None:
    with sqlite3.connect(database) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


@pytest.mark.parametrize("command", [("db", "upgrade"), ("serve", "--port", "0")])
def test_a_full_disk_during_the_upgrade_is_one_line_naming_the_database(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]) -> None:
    database = _at_0003(tmp_path / "node")
    capsys.readouterr()
    with full_disk_for_ddl():
        assert cli.main([*command, "--data-dir", str(tmp_path / "node")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: No space left on the device at {database}: the schema upgrade from 0003 to "
                          f"{head()} could not be written, and nothing was changed."), err
    assert "Free disk space (about 1 MB free are needed there) and retry." in err and "Traceback" not in err
    assert _revision(database) == "0003"


def test_a_database_newer_than_the_build_is_said_to_be_newer(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "node"
    data_dir.mkdir()
    database = data_dir / "engineering-api.sqlite3"
    Database(database).close()
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0999'")
    capsys.readouterr()
    assert cli.main(["db", "current", "--data-dir", str(data_dir)]) == 1
    out = capsys.readouterr().out
    assert f"0999: newer than this build, whose newest revision is {head()}" in out and "upgrade it" not in out
    for command in (("db", "upgrade"), ("serve", "--port", "0")):
        assert cli.main([*command, "--data-dir", str(data_dir)]) == 2
        err = capsys.readouterr().err
        assert "newer than this build" in err and "Traceback" not in err, err
    assert _revision(database) == "0999"
    db = Database(database, migrate=False)
    assert state(db).newer
    db.close()


def test_a_revision_that_cannot_be_read_is_a_migration_error(tmp_path: Path) -> None:
    """Two rows in ``alembic_version`` (a hand edit, a bad restore): Alembic refuses to read the revision, and the
    open says the upgrade failed and nothing changed. The failure came before the revision was known, and it was an
    UnboundLocalError."""
    database = _at_0003(tmp_path / "node")
    with sqlite3.connect(database) as conn:
        conn.execute("INSERT INTO alembic_version VALUES ('0002')")
    with pytest.raises(MigrationError, match="could not be upgraded .* the database was left as it was"):
        Database(database, data_dir=tmp_path / "node").close()
    with sqlite3.connect(database) as conn:
        assert sorted(r[0] for r in conn.execute("SELECT version_num FROM alembic_version")) == ["0002", "0003"]
