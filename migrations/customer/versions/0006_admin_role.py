"""admin_role: each admin user's ACL rules from sync's `admin_role` events (Magento's
`authorization_role` / `authorization_rule`): the resources their role allows and denies;
no resources once a deletion took the role, the version kept so older events stay stale.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 19:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE admin_role (
            user_id   bigint  NOT NULL PRIMARY KEY,
            resources text[]  NOT NULL,
            denied    text[]  NOT NULL DEFAULT '{}',
            version   bigint  NOT NULL
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS admin_role")
