"""token_revocation: Magento's jwt_auth_revoked, fed by sync's auth_revocation events

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "token_revocation",
        sa.Column("user_type_id", sa.SmallInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("revoke_before", sa.BigInteger(), nullable=False),
        sa.Column("aggregate_id", sa.UUID(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("user_type_id", "user_id"),
        sa.UniqueConstraint("aggregate_id"),
    )


def downgrade() -> None:
    op.drop_table("token_revocation")
