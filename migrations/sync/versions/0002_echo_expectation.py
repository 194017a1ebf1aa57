"""echo_expectation: reverse-sync markers the forward pipeline expects to see echoed

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07 16:20:00

One row per `ficus_reverse_log` row captured from Magento (docs/reverse-sync.md, "No echo"):
the projector drops a rebuilt aggregate whose state hash equals one of its aggregate's
expectations instead of emitting it; `txn` is the source transaction that carried the marker
(rows of that transaction are the echo, rows of any other make the expectation stale).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE echo_expectation (
            aggregate  text        NOT NULL,
            entity_id  bigint      NOT NULL,
            outbox_id  bigint      NOT NULL,
            state_hash text        NOT NULL,
            txn        text,
            seen_at    timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (aggregate, entity_id, outbox_id)
        )"""
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS echo_expectation")
