"""The runtime calls' ``Idempotency-Key`` store (:data:`engineering_api.lib.tables.idempotency_keys`): a runtime call
runs inline, without a job record to find a retry by, so its keys and stored answers get a table of their own."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

__all__ = ()

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("caller", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.Text(), nullable=False),
        sa.Column("operation", sa.Text(), nullable=False),
        sa.Column("request_hash", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("lease_until", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Integer()),
        sa.Column("headers", sa.Text()),
        sa.Column("body", sa.LargeBinary()),
        sa.Column("created_at", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("caller", "idempotency_key"),
    )
    op.create_index("idempotency_keys_expiry", "idempotency_keys", ["expires_at"])


def downgrade() -> None:
    op.drop_index("idempotency_keys_expiry", "idempotency_keys")
    op.drop_table("idempotency_keys")
