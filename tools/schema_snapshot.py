"""Write ``engineering_api/migrations/head.sqlite.sql``, the schema snapshot a new SQLite database is made from
(:mod:`engineering_api.lib.schema_snapshot`), from a database that Alembic's revisions migrate: after adding a
revision, ``python -m tools.schema_snapshot`` (``tests/db/test_schema_snapshot.py`` fails until then)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from engineering_api.lib.db import Database
from engineering_api.lib.migrate import head, upgrade_to
from engineering_api.lib.schema_snapshot import MIGRATIONS, SNAPSHOT_NAME, snapshot_of

__all__ = ("main", "made_snapshot")


def made_snapshot() -> str:
    """The snapshot's text as this build's revisions make it."""
    with tempfile.TemporaryDirectory() as scratch:
        db = Database(Path(scratch) / "schema.sqlite", migrate=False)
        try:
            upgrade_to(db, head())
            with db.locked() as conn:
                return snapshot_of(conn, head())
        finally:
            db.close()


def main() -> int:
    (MIGRATIONS / SNAPSHOT_NAME).write_text(made_snapshot(), encoding="utf-8")
    print(f"wrote {MIGRATIONS / SNAPSHOT_NAME} at revision {head()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
