"""On PostgreSQL every committed change of ``api_keys`` notifies the key stores (``engineering_api_keys``).

The nodes remember the keys they verified until a key changes (:mod:`engineering_api.lib.key_changes`). A change
the store itself sends no notification for (an UPDATE by psql, a node of an older release during a rolling
upgrade, a restore) would leave a revoked key working on every node; a statement-level trigger notifies for every
INSERT, DELETE, TRUNCATE (a restore's COPY fires the INSERT triggers) and for every UPDATE of a column a
verification reads. An UPDATE of ``last_used_at`` alone (the bookkeeping each node writes once a minute per key in
use) changes no answer and notifies nobody: it would otherwise make every node look its keys up again each time.
``pg_notify`` is delivered at the commit only, so a rolled-back change notifies nobody
(https://www.postgresql.org/docs/current/sql-notify.html, https://www.postgresql.org/docs/current/sql-createtrigger.html).

SQLite has no notifications: there every store on a file shares a change mark instead (nothing to migrate). The
channel is written out here, not imported: a migration keeps what it made even when the code's names move on
(``tests/db/test_key_changes.py`` holds the two equal).
"""

from __future__ import annotations

from alembic import op

__all__ = ()

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_FUNCTION = "engineering_api_keys_changed"
_TRIGGER = "api_keys_changed"


def _postgres() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def upgrade() -> None:
    if not _postgres():
        return
    op.execute(f"""
        CREATE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('engineering_api_keys', '');
            RETURN NULL;
        END
        $$""")
    op.execute(f"""
        CREATE TRIGGER {_TRIGGER}
        AFTER INSERT OR DELETE OR TRUNCATE
            OR UPDATE OF key_id, name, role, key_hash, prefix, created_at, revoked_at
        ON api_keys FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()""")


def downgrade() -> None:
    if not _postgres():
        return
    op.execute(f"DROP TRIGGER IF EXISTS {_TRIGGER} ON api_keys")
    op.execute(f"DROP FUNCTION IF EXISTS {_FUNCTION}()")
