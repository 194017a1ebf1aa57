"""customer schema: customers (state, the service's view of Magento's state, versions, HLC),
store views (from store events), idempotency keys, the token revocations the service wrote,
the feed's checkpoint and dead letters, and reverse sync's outbox + Magento id pool
(`ficus_contracts.reverse.OUTBOX_DDL`).

Revision ID: 0001
Revises:
Create Date: 2026-12-07 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from ficus_contracts.reverse import OUTBOX_DDL

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SCHEMA = """
CREATE TABLE customer (
    entity_id       bigint PRIMARY KEY,
    website_id      integer,
    email           text        NOT NULL,
    state           jsonb       NOT NULL,
    magento_view    jsonb,
    forward_version bigint      NOT NULL DEFAULT 0,
    version         bigint      NOT NULL DEFAULT 1,
    hlc             bigint      NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX customer_email_website ON customer (lower(email), website_id);
CREATE INDEX customer_addresses ON customer USING gin ((state->'addresses') jsonb_path_ops);
CREATE TABLE customer_tombstone (
    entity_id       bigint PRIMARY KEY,
    forward_version bigint NOT NULL,
    deleted_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE customer_store (
    store_id   integer PRIMARY KEY,
    code       text    NOT NULL UNIQUE,
    website_id integer NOT NULL,
    name       text    NOT NULL,
    is_default boolean NOT NULL DEFAULT false,
    version    bigint
);
CREATE TABLE idempotency_key (
    key          text PRIMARY KEY,
    request_hash text        NOT NULL,
    status       integer,
    body         jsonb,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE token_revocation (
    customer_id    bigint PRIMARY KEY,
    revoked_before bigint NOT NULL
);
CREATE TABLE consumer_checkpoint (
    consumer   text PRIMARY KEY,
    last_seq   bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE dead_letter (
    id           bigserial PRIMARY KEY,
    consumer     text   NOT NULL,
    seq          bigint NOT NULL,
    aggregate    text,
    aggregate_id text,
    version      bigint,
    event        jsonb  NOT NULL,
    error        text   NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dead_letter_seq ON dead_letter (seq);
"""

_DROP = """
DROP TABLE IF EXISTS dead_letter, consumer_checkpoint, token_revocation, idempotency_key,
    customer_store, customer_tombstone, customer, outbox, magento_id_pool, magento_id_block;
"""


def upgrade() -> None:
    op.execute(_SCHEMA)
    op.execute(OUTBOX_DDL)


def downgrade() -> None:
    op.execute(_DROP)
