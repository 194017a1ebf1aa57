"""integration_token: Magento's integration access tokens (by SHA-256), fed by sync's
integration_token events

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "integration_token",
        sa.Column("token_id", sa.BigInteger(), nullable=False),
        sa.Column("token_sha256", sa.Text(), nullable=False),
        sa.Column("user_type", sa.SmallInteger(), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("integration_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.SmallInteger(), nullable=True),
        sa.Column("bearer_enabled", sa.Boolean(), nullable=False),
        sa.Column("resources", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("denied", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("aggregate_id", sa.UUID(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("token_id"),
        sa.UniqueConstraint("aggregate_id"),
    )
    op.create_index(
        op.f("ix_integration_token_token_sha256"), "integration_token", ["token_sha256"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_integration_token_token_sha256"), table_name="integration_token")
    op.drop_table("integration_token")
