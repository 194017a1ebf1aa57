"""magento_revocation: Magento's `jwt_auth_revoked` rows from `auth_revocation` events (a token
of that user issued at or before `revoke_before` is refused, as Magento's RevokedValidator does);
`revoke_before` NULL once a deletion lifted it, the version kept so older events stay stale.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 17:25:00
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
        CREATE TABLE magento_revocation (
            user_type_id  integer NOT NULL,
            user_id       bigint  NOT NULL,
            revoke_before bigint,
            version       bigint  NOT NULL,
            PRIMARY KEY (user_type_id, user_id)
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS magento_revocation")
