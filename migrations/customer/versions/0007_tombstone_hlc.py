"""tombstone_hlc: `customer_tombstone.hlc`, the last HLC stamp of a deleted customer, so a
customer that comes back is stamped past it by whichever process (and the clock restored at
start is past it even once the outbox is pruned).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE customer_tombstone ADD COLUMN IF NOT EXISTS hlc bigint NOT NULL DEFAULT 0"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE customer_tombstone DROP COLUMN IF EXISTS hlc")
