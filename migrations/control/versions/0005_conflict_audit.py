"""audit: an operator's decision on a reverse-sync conflict is an audit entry

Revision ID: 0005_conflict_audit
Revises: 0004_writes_lanes

`conflict-resolve` moves no lane: measured holds the conflict's id, the side taken and what
sync did."""

from __future__ import annotations

from alembic import op

revision = "0005_conflict_audit"
down_revision = "0004_writes_lanes"
branch_labels = None
depends_on = None

_ACTIONS = (
    "'cutover', 'rollback', 'trip', 'reenable', 'token-create', 'token-revoke', 'gate-policy', "
    "'drain'"
)


def upgrade() -> None:
    op.execute(
        "ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check, ADD CONSTRAINT "
        f"audit_log_action_check CHECK (action IN ({_ACTIONS}, 'conflict-resolve'))"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    op.execute("DELETE FROM audit_log WHERE action = 'conflict-resolve'")
    op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    op.execute(
        "ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check, ADD CONSTRAINT "
        f"audit_log_action_check CHECK (action IN ({_ACTIONS}))"
    )
