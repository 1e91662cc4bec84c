"""The schema of release 9693d78, the last without migrations.

Its statements are ``CREATE … IF NOT EXISTS``, as that release ran them at every start: on an empty database they
make the tables, on a data dir that release (or an older one) made they keep what is there. The audit columns an
older release lacked are added as that release added them at open.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import op

__all__ = ()

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_AUDIT_ADDED = {"count": "INTEGER NOT NULL DEFAULT 1", "last_at": "TEXT", "via": "TEXT NOT NULL DEFAULT 'rest'",
                "session_id": "TEXT"}
_TABLES = ("jobs", "api_keys", "audit", "kv", "runtime_users", "runtime_sessions", "runtime_alarm_defs",
           "runtime_alarms", "runtime_alarm_log", "runtime_push_outbox", "snapshots", "assistant_history",
           "client_events")


def _statements(script: str) -> list[str]:
    # The scripts have no semicolon inside a quote; a comment runs to the end of its line.
    lines = (line.split("--", 1)[0] for line in script.splitlines())
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def upgrade() -> None:
    bind = op.get_bind()
    dialect = "postgres" if bind.dialect.name == "postgresql" else "sqlite"
    for statement in _statements(Path(__file__).with_name(f"0001_release.{dialect}.sql").read_text("utf-8")):
        bind.exec_driver_sql(statement)
    present = {column["name"] for column in sa.inspect(bind).get_columns("audit")}
    for name, ddl in _AUDIT_ADDED.items():
        if name not in present:
            bind.exec_driver_sql(f"ALTER TABLE audit ADD COLUMN {name} {ddl}")


def downgrade() -> None:
    for table in reversed(_TABLES):
        op.drop_table(table)
