"""Jobs keep the id of the request that started them (``jobs.request_id``).

A data dir that a build between release 9693d78 and the migrations opened has the column already (that build added
it at open); it is kept.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

__all__ = ()

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    present = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("jobs")}
    if "request_id" not in present:
        op.add_column("jobs", sa.Column("request_id", sa.Text()))


def downgrade() -> None:
    op.drop_column("jobs", "request_id")
