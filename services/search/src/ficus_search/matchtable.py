"""`search_match`: the narrow copy of the present documents that the Postgres engine searches.

A `search_document` row carries the whole JSON document (~1 KB), so a text query that matches
thousands of documents visits one heap page per match. `search_match` holds only what a search
filters, ranks and sorts on (~300 bytes a row, about 25 rows a page), and only present
documents. A row trigger on `search_document` keeps it equal to the present documents in the
same transaction, whatever statement writes them, so the generation bump of that transaction
(see `repository.SCHEMA`) covers it too.

Text is indexed by one GIN index per store view (`search_match_text_<store_id>`, partial on
`store_id`): a two-column (store_id, search_text) GIN index intersects every match with the
store's posting list of all its documents, which cost 3-4x the index scan. The writer creates a
store's index with its first document (`ensure_store_indexes`), so a store view added in
Magento is searchable through its own index from its first document on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import psycopg
from psycopg import sql

Conn = psycopg.Connection[dict[str, Any]]

_COLUMNS = (
    "store_id, entity_id, sku, name, final_price, in_stock, visibility, category_ids, search_text"
)

SCHEMA = f"""
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
        INSERT INTO search_match ({_COLUMNS}) VALUES (NEW.store_id, NEW.entity_id, NEW.sku,
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


def ensure(conn: Conn) -> None:
    """Create the table, its trigger and its indexes; fill it from the present documents
    when it is new (a store created before `search_match` existed). Run under the schema lock,
    in the same transaction as the trigger's creation, so no write falls between."""
    conn.execute(SCHEMA)
    filled = conn.execute("SELECT EXISTS (SELECT 1 FROM search_match) AS filled").fetchone()
    if filled is not None and not filled["filled"]:
        conn.execute(
            f"INSERT INTO search_match ({_COLUMNS}) "  # noqa: S608 - constant text
            f"SELECT {_COLUMNS} FROM search_document WHERE present ORDER BY store_id, entity_id"
        )
    stores = conn.execute("SELECT DISTINCT store_id FROM search_match").fetchall()
    ensure_store_indexes(conn, (int(r["store_id"]) for r in stores))


def text_index_name(store_id: int) -> str:
    return f"search_match_text_{store_id}"  # Magento's store ids are unsigned


def ensure_store_indexes(conn: Conn, store_ids: Iterable[int]) -> list[int]:
    """Create the text index of each store view that has none yet (one round trip when all
    exist); returns the stores whose index was created."""
    wanted = sorted(set(store_ids))
    if not wanted:
        return []
    rows = conn.execute(
        "SELECT s FROM unnest(%s::integer[], %s::text[]) AS t(s, name) "
        "WHERE to_regclass(name) IS NULL",
        (wanted, [text_index_name(store_id) for store_id in wanted]),
    ).fetchall()
    missing = [int(r["s"]) for r in rows]
    for store_id in missing:
        conn.execute(
            sql.SQL(
                "CREATE INDEX IF NOT EXISTS {} ON search_match USING gin (search_text) "
                "WITH (fastupdate = off) WHERE store_id = {}"
            ).format(sql.Identifier(text_index_name(store_id)), sql.Literal(store_id))
        )
    if missing:
        conn.execute("ANALYZE search_match")
    return missing
