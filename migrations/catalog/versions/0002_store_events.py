"""catalog_store holds store views from sync's store events

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 19:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ("version", sa.BigInteger()),
    ("website_id", sa.Integer()),
    ("website_code", sa.Text()),
    ("group_id", sa.Integer()),
    ("name", sa.Text()),
    ("sort_order", sa.Integer()),
    ("is_active", sa.Boolean()),
    ("root_category_id", sa.BigInteger()),
    ("is_default", sa.Boolean()),
)


def upgrade() -> None:
    for name, type_ in _COLUMNS:
        op.add_column("catalog_store", sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    for name, _ in reversed(_COLUMNS):
        op.drop_column("catalog_store", name)
