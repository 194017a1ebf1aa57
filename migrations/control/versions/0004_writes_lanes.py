"""Control database: writes lanes of their own (issue #13).

Reads keep legacy → shadow → canary → new → retired; writes move legacy → dual → new →
retired (`dual N%`: N % of the cohort buckets write to the service). `writes_draining` is set
while a writes rollback drains the outbox (the proxies answer that domain's writes with 503 and
Retry-After meanwhile). Audit rows of action `drain` record each step of such a rollback.

A writes lane stored at a stage writes no longer have is mapped on upgrade: `shadow` (Magento
answered every write) to `legacy`, `canary N%` (N % of writes went to the service) to
`dual N%`; the version is bumped so the proxies reload it.

Revision ID: 0004_writes_lanes
Revises: 0003_audit_chain
Create Date: 2026-12-07
"""

from alembic import op

revision = "0004_writes_lanes"
down_revision = "0003_audit_chain"
branch_labels = None
depends_on = None

_READS = "('legacy', 'shadow', 'canary', 'new', 'retired')"
_WRITES = "('legacy', 'dual', 'new', 'retired')"
_ALL = "('legacy', 'shadow', 'dual', 'canary', 'new', 'retired')"
_ACTIONS = (
    "'cutover', 'rollback', 'trip', 'reenable', 'token-create', 'token-revoke', 'gate-policy'"
)

UPGRADE = f"""
ALTER TABLE cutover_state
    ADD COLUMN writes_draining bool NOT NULL DEFAULT false,
    DROP CONSTRAINT cutover_state_writes_stage_check;
UPDATE cutover_state SET writes_stage = 'legacy', writes_percent = 0, version = version + 1
    WHERE writes_stage = 'shadow';
UPDATE cutover_state SET writes_stage = 'dual', version = version + 1
    WHERE writes_stage = 'canary';
ALTER TABLE cutover_state
    ADD CONSTRAINT cutover_state_writes_stage_check CHECK (writes_stage IN {_WRITES});

ALTER TABLE audit_log
    DROP CONSTRAINT audit_log_from_stage_check,
    ADD CONSTRAINT audit_log_from_stage_check CHECK (from_stage IN {_ALL}),
    DROP CONSTRAINT audit_log_to_stage_check,
    ADD CONSTRAINT audit_log_to_stage_check CHECK (to_stage IN {_ALL}),
    DROP CONSTRAINT audit_log_action_check,
    ADD CONSTRAINT audit_log_action_check CHECK (action IN ({_ACTIONS}, 'drain'));
"""

DOWNGRADE = f"""
ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
DELETE FROM audit_log WHERE action = 'drain' OR from_stage = 'dual' OR to_stage = 'dual';
ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;
ALTER TABLE audit_log
    DROP CONSTRAINT audit_log_action_check,
    ADD CONSTRAINT audit_log_action_check CHECK (action IN ({_ACTIONS})),
    DROP CONSTRAINT audit_log_to_stage_check,
    ADD CONSTRAINT audit_log_to_stage_check CHECK (to_stage IN {_READS}),
    DROP CONSTRAINT audit_log_from_stage_check,
    ADD CONSTRAINT audit_log_from_stage_check CHECK (from_stage IN {_READS});
ALTER TABLE cutover_state DROP CONSTRAINT cutover_state_writes_stage_check;
UPDATE cutover_state SET writes_stage = 'canary', version = version + 1
    WHERE writes_stage = 'dual';
ALTER TABLE cutover_state
    ADD CONSTRAINT cutover_state_writes_stage_check CHECK (writes_stage IN {_READS}),
    DROP COLUMN writes_draining;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
