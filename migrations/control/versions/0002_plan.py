"""Control database: the phase plan (stored per version), soak clocks, reconciliation results.

Revision ID: 0002_plan
Revises: 0001
Create Date: 2026-12-07
"""

from alembic import op

revision = "0002_plan"
down_revision = "0001"
branch_labels = None
depends_on = None

UPGRADE = """
-- Every plan file control has loaded, by content hash; the current plan is the newest row.
CREATE TABLE plan_version (
    version    text PRIMARY KEY,
    source     text NOT NULL,
    body       jsonb NOT NULL,
    loaded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_version_loaded_at ON plan_version (loaded_at DESC);

-- Since when a step's criterion has held without interruption (the soak clock);
-- the row is deleted as soon as the criterion stops holding.
CREATE TABLE plan_soak (
    domain     text NOT NULL,
    step       text NOT NULL,
    criterion  text NOT NULL,
    held_since timestamptz NOT NULL,
    PRIMARY KEY (domain, step, criterion)
);

-- Results of consistency checks (`ficus reconcile`), newest last.
CREATE TABLE reconciliation (
    id         bigserial PRIMARY KEY,
    domain     text NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    sampled    int NOT NULL CHECK (sampled >= 0),
    mismatched int NOT NULL CHECK (mismatched >= 0),
    detail     jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX reconciliation_domain_id ON reconciliation (domain, id DESC);
"""

DOWNGRADE = """
DROP TABLE reconciliation;
DROP TABLE plan_soak;
DROP TABLE plan_version;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
