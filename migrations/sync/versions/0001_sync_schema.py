"""sync schema: the tables sync created inline before it had migrations

Revision ID: 0001
Revises:
Create Date: 2026-12-07 13:30:00

Written idempotently (`IF NOT EXISTS`), so a database the previous release created with its
inline DDL adopts Alembic by simply upgrading: 0001 finds its tables and only records the
revision. Later revisions are plain DDL. The mirror schema is not here (`ficus_sync.migration`).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = {
    "checkpoint": """
        source     text PRIMARY KEY,
        position   jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()""",
    "id_map": """
        aggregate text   NOT NULL,
        entity_id bigint NOT NULL,
        uuid      uuid   NOT NULL DEFAULT gen_random_uuid(),
        PRIMARY KEY (aggregate, entity_id),
        UNIQUE (uuid)""",
    "projection": """
        aggregate  text    NOT NULL,
        entity_id  bigint  NOT NULL,
        version    bigint  NOT NULL,
        state_hash text    NOT NULL,
        deleted    boolean NOT NULL DEFAULT false,
        last_seq   bigint  NOT NULL,  -- the domain_event row holding this version
        PRIMARY KEY (aggregate, entity_id)""",
    "dead_letter": """
        id          bigserial PRIMARY KEY,
        source      text NOT NULL,
        tbl         text,
        error       text NOT NULL,
        raw         jsonb NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        replayed_at timestamptz""",
    "snapshot_progress": """
        tbl      text PRIMARY KEY,
        last_key jsonb,
        rows     bigint NOT NULL DEFAULT 0,
        done     boolean NOT NULL DEFAULT false""",
    "snapshot_run": """
        id         int PRIMARY KEY DEFAULT 1,
        position   jsonb NOT NULL,
        tables     text[] NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        done       boolean NOT NULL DEFAULT false""",
    # the embedded transport's event table (ficus_contracts.events.DOMAIN_EVENT_DDL)
    "domain_event": """
        seq          bigserial PRIMARY KEY,
        aggregate    text        NOT NULL,
        aggregate_id uuid        NOT NULL,
        entity_id    bigint      NOT NULL,
        version      bigint      NOT NULL,
        kind         text        NOT NULL,
        payload      jsonb,
        source_ts_ms bigint,
        created_at   timestamptz NOT NULL DEFAULT now()""",
}


def upgrade() -> None:
    for table, columns in TABLES.items():
        op.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns}\n)")
    op.execute("CREATE INDEX IF NOT EXISTS domain_event_aggregate ON domain_event (aggregate, seq)")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.execute(f"DROP TABLE IF EXISTS {table}")
