"""Control database: cutover state, append-only audit log, API tokens, shadow stats, gate policy.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_STAGES = "('legacy', 'shadow', 'canary', 'new', 'retired')"

UPGRADE = f"""
CREATE TABLE cutover_state (
    domain                  text PRIMARY KEY,
    reads_stage             text NOT NULL DEFAULT 'legacy' CHECK (reads_stage IN {_STAGES}),
    reads_percent           int NOT NULL DEFAULT 0 CHECK (reads_percent BETWEEN 0 AND 100),
    writes_stage            text NOT NULL DEFAULT 'legacy' CHECK (writes_stage IN {_STAGES}),
    writes_percent          int NOT NULL DEFAULT 0 CHECK (writes_percent BETWEEN 0 AND 100),
    reads_fail_open_tripped bool NOT NULL DEFAULT false,
    version                 bigint NOT NULL DEFAULT 0,
    updated_at              timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor        text NOT NULL,
    domain       text NOT NULL,
    direction    text NOT NULL CHECK (direction IN ('reads', 'writes')),
    action       text NOT NULL CHECK (action IN ('cutover', 'rollback', 'trip', 'reenable')),
    from_stage   text NOT NULL CHECK (from_stage IN {_STAGES}),
    from_percent int NOT NULL DEFAULT 0,
    to_stage     text NOT NULL CHECK (to_stage IN {_STAGES}),
    to_percent   int NOT NULL DEFAULT 0,
    reason       text NOT NULL DEFAULT '',
    forced       bool NOT NULL DEFAULT false,
    measured     jsonb NOT NULL DEFAULT '{{}}'::jsonb
);
CREATE INDEX audit_log_domain_id ON audit_log (domain, id DESC);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

CREATE TABLE api_token (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL,
    role         text NOT NULL CHECK (role IN ('viewer', 'operator')),
    token_sha256 text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);

-- The proxy upserts one row per domain and window:
--   INSERT ... ON CONFLICT (domain, window_start) DO UPDATE
--   SET compared = shadow_stat.compared + EXCLUDED.compared, mismatched = ...
CREATE TABLE shadow_stat (
    domain       text NOT NULL,
    window_start timestamptz NOT NULL,
    compared     int NOT NULL DEFAULT 0 CHECK (compared >= 0),
    mismatched   int NOT NULL DEFAULT 0 CHECK (mismatched >= 0),
    PRIMARY KEY (domain, window_start)
);

-- Thresholds per domain; the row '*' applies to every domain without its own row.
CREATE TABLE gate_policy (
    domain                text PRIMARY KEY,
    max_lag_seconds       double precision NOT NULL CHECK (max_lag_seconds > 0),
    max_mismatch_rate     double precision NOT NULL CHECK (max_mismatch_rate BETWEEN 0 AND 1),
    min_shadow_samples    int NOT NULL CHECK (min_shadow_samples >= 1),
    window_seconds        int NOT NULL CHECK (window_seconds >= 1),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
INSERT INTO gate_policy (domain, max_lag_seconds, max_mismatch_rate, min_shadow_samples,
                         window_seconds)
VALUES ('*', 2.0, 0.001, 100, 300);
"""

DOWNGRADE = """
DROP TABLE gate_policy;
DROP TABLE shadow_stat;
DROP TABLE api_token;
DROP TABLE audit_log;
DROP FUNCTION audit_log_refuse_change();
DROP TABLE cutover_state;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
