"""search schema: the tables, indexes, triggers and functions that the service created
inline at start before it had migrations (ficus_search's `store.SCHEMA` and
`matchtable.SCHEMA`), in the same idempotent SQL, so a database created by that release
upgrades in place; `search_match` is filled from the present documents when it is new.

The per-store-view text indexes (`search_match_text_<store_id>`) stay dynamic: the writer makes
a store's index with its first document, and `ficus_search.migration.upgrade` makes any that a
store with documents lacks.

Revision ID: 0001
Revises:
Create Date: 2026-12-07 13:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MATCH_COLUMNS = (
    "store_id, entity_id, sku, name, final_price, in_stock, visibility, category_ids, search_text"
)

_SCHEMA = """
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE TABLE IF NOT EXISTS search_checkpoint (
    consumer text PRIMARY KEY, last_seq bigint NOT NULL, updated_at timestamptz DEFAULT now());
CREATE TABLE IF NOT EXISTS search_product (
    entity_id bigint PRIMARY KEY, version bigint NOT NULL, deleted boolean NOT NULL,
    state jsonb);
CREATE TABLE IF NOT EXISTS search_category (
    entity_id bigint PRIMARY KEY, version bigint NOT NULL, deleted boolean NOT NULL,
    path text, state jsonb);
CREATE TABLE IF NOT EXISTS search_product_category (
    category_id bigint NOT NULL, product_id bigint NOT NULL,
    PRIMARY KEY (category_id, product_id));
CREATE INDEX IF NOT EXISTS search_product_category_product
    ON search_product_category (product_id);
CREATE TABLE IF NOT EXISTS search_product_child (
    child_id bigint NOT NULL, parent_id bigint NOT NULL, PRIMARY KEY (child_id, parent_id));
CREATE INDEX IF NOT EXISTS search_product_child_parent ON search_product_child (parent_id);
CREATE SEQUENCE IF NOT EXISTS search_document_change;
CREATE TABLE IF NOT EXISTS search_document (
    store_id integer NOT NULL, entity_id bigint NOT NULL, present boolean NOT NULL,
    doc jsonb, sku text, name text, final_price numeric(20, 4), in_stock boolean,
    visibility smallint, category_ids integer[], search_text tsvector,
    change_seq bigint NOT NULL, source_ts_ms bigint, updated_at timestamptz DEFAULT now(),
    PRIMARY KEY (store_id, entity_id));
DROP INDEX IF EXISTS search_document_text;
DROP INDEX IF EXISTS search_document_sku;
DROP INDEX IF EXISTS search_document_categories;
-- the search indexes live on search_match (below) since search_match was introduced
DROP INDEX IF EXISTS search_document_store_text;
DROP INDEX IF EXISTS search_document_sku_prefix;
DROP INDEX IF EXISTS search_document_store_categories;
DROP INDEX IF EXISTS search_document_price;
DROP INDEX IF EXISTS search_document_name;
CREATE INDEX IF NOT EXISTS search_document_change_seq ON search_document (change_seq);
CREATE INDEX IF NOT EXISTS search_document_entity ON search_document (entity_id);
CREATE TABLE IF NOT EXISTS search_dead_letter (
    id bigserial PRIMARY KEY, seq bigint, aggregate text, entity_id bigint, version bigint,
    event jsonb, error text NOT NULL, created_at timestamptz DEFAULT now());
CREATE TABLE IF NOT EXISTS search_index_checkpoint (
    name text PRIMARY KEY, last_change bigint NOT NULL);
CREATE TABLE IF NOT EXISTS search_generation (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    generation bigint NOT NULL, xact xid8);
INSERT INTO search_generation (generation) VALUES (0) ON CONFLICT DO NOTHING;
CREATE OR REPLACE FUNCTION search_document_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_generation SET generation = generation + 1, xact = pg_current_xact_id()
    WHERE xact IS DISTINCT FROM pg_current_xact_id();
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER search_document_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON search_document
    FOR EACH STATEMENT EXECUTE FUNCTION search_document_changed();
-- Store views from sync's store events: the API's store code → id map (the `stores`
-- setting serves only while this table is empty). A deleted view stays as a tombstone.
CREATE TABLE IF NOT EXISTS search_store (
    store_id integer PRIMARY KEY, version bigint NOT NULL, deleted boolean NOT NULL,
    code text, state jsonb);
"""

_MATCH = f"""
CREATE TABLE IF NOT EXISTS search_match (
    store_id integer NOT NULL, entity_id bigint NOT NULL, sku text, name text,
    final_price numeric(20, 4), in_stock boolean, visibility smallint, category_ids integer[],
    search_text tsvector, PRIMARY KEY (store_id, entity_id));
CREATE INDEX IF NOT EXISTS search_match_sku_prefix ON search_match (lower(sku) text_pattern_ops);
CREATE INDEX IF NOT EXISTS search_match_store_categories
    ON search_match USING gin (store_id, category_ids) WITH (fastupdate = off);
CREATE INDEX IF NOT EXISTS search_match_price ON search_match (store_id, final_price);
CREATE INDEX IF NOT EXISTS search_match_name ON search_match (store_id, lower(name), entity_id);
CREATE OR REPLACE FUNCTION search_match_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE search_match;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM search_match WHERE store_id = OLD.store_id AND entity_id = OLD.entity_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.present THEN
        INSERT INTO search_match ({_MATCH_COLUMNS}) VALUES (NEW.store_id, NEW.entity_id, NEW.sku,
            NEW.name, NEW.final_price, NEW.in_stock, NEW.visibility, NEW.category_ids,
            NEW.search_text);
    END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER search_match_follow
    AFTER INSERT OR UPDATE OR DELETE ON search_document
    FOR EACH ROW EXECUTE FUNCTION search_match_follow();
CREATE OR REPLACE TRIGGER search_match_follow_truncate
    AFTER TRUNCATE ON search_document
    FOR EACH STATEMENT EXECUTE FUNCTION search_match_follow();
"""

_FILL_MATCH = f"""
INSERT INTO search_match ({_MATCH_COLUMNS})
SELECT {_MATCH_COLUMNS} FROM search_document
WHERE present AND NOT EXISTS (SELECT 1 FROM search_match)
ORDER BY store_id, entity_id
"""

_DROP = """
DROP TABLE IF EXISTS search_match, search_store, search_generation, search_index_checkpoint,
    search_dead_letter, search_document, search_product_child, search_product_category,
    search_category, search_product, search_checkpoint;
DROP SEQUENCE IF EXISTS search_document_change;
DROP FUNCTION IF EXISTS search_match_follow();
DROP FUNCTION IF EXISTS search_document_changed();
"""


def upgrade() -> None:
    bind = op.get_bind()
    bind.exec_driver_sql(_SCHEMA)
    bind.exec_driver_sql(_MATCH)
    bind.exec_driver_sql(_FILL_MATCH)


def downgrade() -> None:
    op.get_bind().exec_driver_sql(_DROP)
