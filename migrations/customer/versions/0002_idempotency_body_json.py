"""idempotency_key.body is `json`, not `jsonb`: a replayed answer keeps the first answer's field
order (Magento's), which jsonb would sort.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07 16:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE idempotency_key ALTER COLUMN body TYPE json USING body::json")


def downgrade() -> None:
    op.execute("ALTER TABLE idempotency_key ALTER COLUMN body TYPE jsonb USING body::jsonb")
