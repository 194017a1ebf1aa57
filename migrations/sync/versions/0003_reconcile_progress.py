"""reconcile_progress: where a chunked reconciliation run stands, so a killed run resumes

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 16:40:00

One row per reconciled domain (`python -m ficus_sync reconcile customer`): the last entity_id
checked, how many were checked, the differences found so far; `finished_at` NULL while a run is
unfinished (the next run resumes after `last_id`, unless asked to restart).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE reconcile_progress (
            domain      text        PRIMARY KEY,
            last_id     bigint      NOT NULL DEFAULT 0,
            checked     bigint      NOT NULL DEFAULT 0,
            differences jsonb       NOT NULL DEFAULT '[]',
            started_at  timestamptz NOT NULL DEFAULT now(),
            updated_at  timestamptz NOT NULL DEFAULT now(),
            finished_at timestamptz
        )"""
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS reconcile_progress")
