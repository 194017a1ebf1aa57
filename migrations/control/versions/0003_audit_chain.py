"""Control database: a tamper-evident audit log (hash chain), the actor/note split, audit
entries that move no lane (token create/revoke, gate policy), and the `proxy` token role.

Every existing row is chained here, in id order, with the same function the control plane
writes with (`ficus_control.cutover.core.chain`), so `ficus audit --verify` holds from the
first row on.

Revision ID: 0003_audit_chain
Revises: 0002_plan
Create Date: 2026-12-07
"""

from alembic import op

from ficus_control.cutover.core.chain import GENESIS, ChainRow, row_hash

revision = "0003_audit_chain"
down_revision = "0002_plan"
branch_labels = None
depends_on = None

_MOVES = "('cutover', 'rollback', 'trip', 'reenable')"

UPGRADE = f"""
ALTER TABLE audit_log
    ADD COLUMN note text NOT NULL DEFAULT '',
    ADD COLUMN prev_hash text,
    ADD COLUMN hash text,
    ALTER COLUMN direction DROP NOT NULL,
    ALTER COLUMN from_stage DROP NOT NULL,
    ALTER COLUMN from_percent DROP NOT NULL,
    ALTER COLUMN to_stage DROP NOT NULL,
    ALTER COLUMN to_percent DROP NOT NULL,
    DROP CONSTRAINT audit_log_action_check,
    ADD CONSTRAINT audit_log_action_check CHECK (action IN
        ('cutover', 'rollback', 'trip', 'reenable', 'token-create', 'token-revoke',
         'gate-policy')),
    ADD CONSTRAINT audit_log_moves_have_lanes CHECK ((action IN {_MOVES}) =
        (direction IS NOT NULL AND from_stage IS NOT NULL AND to_stage IS NOT NULL));

ALTER TABLE api_token
    DROP CONSTRAINT api_token_role_check,
    ADD CONSTRAINT api_token_role_check CHECK (role IN ('viewer', 'operator', 'proxy'));
"""

_ROWS = """
SELECT id, at, actor, note, domain, direction, action, from_stage, from_percent, to_stage,
    to_percent, reason, forced, measured::text FROM audit_log ORDER BY id
"""

DOWNGRADE = f"""
ALTER TABLE api_token
    DROP CONSTRAINT api_token_role_check,
    ADD CONSTRAINT api_token_role_check CHECK (role IN ('viewer', 'operator'));
ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
DELETE FROM audit_log WHERE action NOT IN {_MOVES};
ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;
ALTER TABLE audit_log
    DROP CONSTRAINT audit_log_moves_have_lanes,
    DROP CONSTRAINT audit_log_action_check,
    ADD CONSTRAINT audit_log_action_check CHECK (action IN {_MOVES}),
    ALTER COLUMN direction SET NOT NULL,
    ALTER COLUMN from_stage SET NOT NULL,
    ALTER COLUMN from_percent SET NOT NULL,
    ALTER COLUMN to_stage SET NOT NULL,
    ALTER COLUMN to_percent SET NOT NULL,
    DROP COLUMN hash,
    DROP COLUMN prev_hash,
    DROP COLUMN note;
"""


def _chain_existing_rows() -> None:
    bind = op.get_bind()
    prev = GENESIS
    op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    for row in bind.exec_driver_sql(_ROWS).fetchall():
        digest = row_hash(ChainRow(*row), prev)
        bind.exec_driver_sql(
            "UPDATE audit_log SET prev_hash = %(p)s, hash = %(h)s WHERE id = %(id)s",
            {"p": prev, "h": digest, "id": row[0]},
        )
        prev = digest
    op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")


def upgrade() -> None:
    op.execute(UPGRADE)
    _chain_existing_rows()
    op.execute("ALTER TABLE audit_log ALTER COLUMN prev_hash SET NOT NULL")
    op.execute("ALTER TABLE audit_log ALTER COLUMN hash SET NOT NULL")


def downgrade() -> None:
    op.execute(DOWNGRADE)
