"""configurable_option: a configurable product's options (catalog_product_super_attribute), from
the product events' `configurable_options`, for GET /V1/configurable-products/{sku}/options/all

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 20:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "configurable_option",
        sa.Column("product_uuid", sa.UUID(), nullable=False),
        sa.Column("option_id", sa.BigInteger(), nullable=False),
        sa.Column("attribute_id", sa.Integer(), nullable=False),
        sa.Column("attribute_code", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("frontend_label", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["product_uuid"], ["product.uuid"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("product_uuid", "option_id"),
    )


def downgrade() -> None:
    op.drop_table("configurable_option")
