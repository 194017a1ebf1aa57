"""outbox_by_customer: a customer's outbox rows by id, acked or not (the forward watermark
reads the rows after an event's `reverse_watermark`, `repository.pending_writes`).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 17:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE INDEX IF NOT EXISTS outbox_by_customer ON outbox (aggregate, entity_id, id)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS outbox_by_customer")
