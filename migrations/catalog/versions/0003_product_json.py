"""product_json: each product's Magento JSON per store view, rendered at apply

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 14:10:00

Products applied before this revision have no rendered JSON yet: the service renders the
missing ones when it starts (`ficus_catalog.rendering.render_missing`).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "product_json",
        sa.Column("product_uuid", sa.UUID(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.BigInteger(), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["product_uuid"], ["product.uuid"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("product_uuid", "store_id"),
    )
    op.create_index(
        "ix_product_json_sku",
        "product_json",
        [sa.text("lower(sku)"), "store_id", "entity_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_product_json_sku", table_name="product_json")
    op.drop_table("product_json")
