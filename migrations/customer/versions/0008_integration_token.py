"""integration_token: Magento's integration access tokens (by SHA-256), fed by sync's
integration_token events (a deletion keeps the version without a hash)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE integration_token (
            token_id       bigint   NOT NULL PRIMARY KEY,
            token_sha256   text,
            user_type      smallint,
            revoked        boolean  NOT NULL,
            integration_id bigint,
            status         smallint,
            bearer_enabled boolean  NOT NULL,
            resources      text[]   NOT NULL,
            denied         text[]   NOT NULL,
            version        bigint   NOT NULL
        )
        """
    )
    op.execute("CREATE INDEX integration_token_sha256 ON integration_token (token_sha256)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS integration_token")
