"""reverse_watermark: the causal watermark a customer event carries

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 17:50:00

`domain_event.reverse_watermark`: for a customer event, max(outbox_id) of the customer's
`ficus_reverse_log` rows in the mirror when the projector built the state, i.e. the newest
service write Magento's state has taken into account (docs/reverse-sync.md, "Watermark").
NULL for other aggregates and for customers reverse sync never wrote.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE domain_event ADD COLUMN IF NOT EXISTS reverse_watermark bigint")


def downgrade() -> None:
    op.execute("ALTER TABLE domain_event DROP COLUMN IF EXISTS reverse_watermark")
