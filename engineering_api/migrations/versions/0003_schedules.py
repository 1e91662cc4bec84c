"""Pipeline and push schedules move into the service database (they were ``<data dir>/schedules.sqlite``, one per
node), so every node on one PostgreSQL shares them.

The tables have APScheduler 3's job-store shape (its ``SQLAlchemyJobStore``: ``id``, ``next_run_time``,
``job_state``); the scheduler finds them here and does not make its own.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

__all__ = ()

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("pipeline_schedules", "push_schedules"):
        op.create_table(
            table,
            sa.Column("id", sa.Unicode(191), primary_key=True),
            sa.Column("next_run_time", sa.Float(25), index=True),
            sa.Column("job_state", sa.LargeBinary(), nullable=False),
        )


def downgrade() -> None:
    for table in ("push_schedules", "pipeline_schedules"):
        op.drop_table(table)
