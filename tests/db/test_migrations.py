"""The schema's version: recorded, reported by ``engineering-api db current``, brought up by ``db upgrade`` and at
start; a migration that fails leaves the database as it was, and the server says why and does not start."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from engineering_api import cli
from engineering_api.lib import migrate
from engineering_api.lib.db import Database, KeyValueStore
from engineering_api.lib.migrate import MigrationError, head, state
from engineering_api.lib.tables import jobs
from tests.db.conftest import Target

MIGRATIONS = Path(migrate.__file__).parent.parent / "migrations"
FAILING = '''"""Made to fail half way: a table and a column added, then an error."""

import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("half_done", sa.Column("id", sa.Integer(), primary_key=True))
    op.add_column("jobs", sa.Column("half_done", sa.Text()))
    op.execute("DELETE FROM kv")
    raise RuntimeError("made to fail")


def downgrade() -> None:
    pass
'''


def _db_args(data_dir: Path, database: Path | str) -> list[str]:
    return ["--data-dir", str(data_dir)] + ([] if isinstance(database, Path) else ["--db", database])


@pytest.fixture
def failing_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This build's migrations plus one more that fails."""
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_fails.py").write_text(FAILING.format(down=head()), encoding="utf-8")
    monkeypatch.setattr(migrate, "_SCRIPTS", str(scripts))


def test_db_current_and_upgrade_report_the_revision(tmp_path: Path, target: Target,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    database = target(tmp_path)
    assert cli.main(["db", "current", *_db_args(tmp_path, database)]) == 1  # an empty database is not current
    assert f"none: an empty database; `engineering-api db upgrade` (or the next start) creates {head()}" in \
        capsys.readouterr().out
    assert cli.main(["db", "upgrade", *_db_args(tmp_path, database)]) == 0
    assert f"upgraded from no recorded revision to {head()}" in capsys.readouterr().out
    assert cli.main(["db", "current", *_db_args(tmp_path, database)]) == 0
    out = capsys.readouterr().out
    assert out.strip().endswith(f"{head()} (head): the schema is current") and "password" not in out
    assert cli.main(["db", "upgrade", *_db_args(tmp_path, database)]) == 0
    assert f"already at {head()}; nothing to do" in capsys.readouterr().out


def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path: Path, target: Target,
                                                          failing_revision: None) -> None:
    database = target(tmp_path)
    db = Database(database, migrate=False)
    migrate.upgrade_to(db, "0003")
    KeyValueStore(db).set("kept", {"a": 1})
    db.execute(jobs.insert().values(job_id="j1", operation="projects.save", status="Completed",
                                    created_at="2026-01-01T00:00:00Z"))
    with pytest.raises(MigrationError) as failed:
        migrate.upgrade(db)
    assert "from 0003 to 9999: RuntimeError: made to fail; the database was left as it was" in failed.value.message
    assert state(db).current == "0003"
    with db.locked() as conn:
        inspector = inspect(conn)
        assert not inspector.has_table("half_done")
        assert "half_done" not in {c["name"] for c in inspector.get_columns("jobs")}
    assert KeyValueStore(db).get("kept") == {"a": 1}
    assert [r["job_id"] for r in db.all(select(jobs.c.job_id))] == ["j1"]
    db.close()


def test_the_server_does_not_start_on_a_failed_migration_and_says_why(
    tmp_path: Path, target: Target, failing_revision: None, capsys: pytest.CaptureFixture[str],
) -> None:
    database = target(tmp_path)
    db = Database(database, migrate=False)
    migrate.upgrade_to(db, "0003")
    db.close()
    served: list[bool] = []
    import granian

    class NoServer:
        def __init__(self, *_: object, **__: object) -> None:
            served.append(True)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(granian, "Granian", NoServer)
        code = cli.main(["serve", "--port", "0", *_db_args(tmp_path, database)])
    err = capsys.readouterr().err
    assert code == 2 and not served
    assert err.startswith("error: the database schema could not be upgraded from 0003 to 9999: RuntimeError: made "
                          "to fail; the database was left as it was")
    assert "Traceback" not in err
