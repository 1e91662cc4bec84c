"""The runtime tag history moves into the service database (it was ``<data dir>/runtime-history.sqlite``, one per
node), so every node on one PostgreSQL shares it.

The data dir's history file, when the upgrade knows the data dir (``serve``, ``db upgrade``), is copied in within
this revision's transaction, with a record of the import (so a death before the rename does not copy it again), and
renamed after the commit (:mod:`engineering_api.lib.legacy_history`).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import context, op

from engineering_api.lib import legacy_history

__all__ = ()

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runtime_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("tag", sa.Text(), nullable=False),
        sa.Column("t", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
    )
    op.create_index("runtime_history_tag_t", "runtime_history", ["tag", "t"])
    attributes: dict[str, Any] = context.config.attributes
    path = legacy_history.found(attributes.get("data_dir"))
    if path is not None:
        copied = legacy_history.copy_once(op.get_bind(), path)
        attributes["after_commit"].append(lambda: legacy_history.retire(path, copied))


def downgrade() -> None:
    op.drop_index("runtime_history_tag_t", "runtime_history")
    op.drop_table("runtime_history")
