"""outbox_revocation: `outbox.revoke_before` (ficus_contracts.reverse.OUTBOX_REVOCATION_DDL): a
password changed or reset in the service carries the revocation of the customer's older tokens to
Magento's `jwt_auth_revoked`, in the reverse worker's one MySQL transaction with the new hash.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 19:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from ficus_contracts.reverse import OUTBOX_REVOCATION_DDL

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(OUTBOX_REVOCATION_DDL)


def downgrade() -> None:
    op.execute("ALTER TABLE outbox DROP COLUMN IF EXISTS revoke_before")
