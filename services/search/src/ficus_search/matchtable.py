"""`search_match`: the narrow copy of the present documents that the Postgres engine searches.

A `search_document` row carries the whole JSON document (~1 KB), so a text query that matches
thousands of documents visits one heap page per match. `search_match` holds only what a search
filters, ranks and sorts on (~300 bytes a row, about 25 rows a page), and only present
documents. A row trigger on `search_document` keeps it equal to the present documents in the
same transaction, whatever statement writes them, so the generation bump of that transaction
(see `migrations/search`, which holds the table, trigger and indexes) covers it too.

Text is indexed by one GIN index per store view (`search_match_text_<store_id>`, partial on
`store_id`): a two-column (store_id, search_text) GIN index intersects every match with the
store's posting list of all its documents, which cost 3-4x the index scan. The writer creates a
store's index with its first document (`ensure_store_indexes`), so a store view added in
Magento is searchable through its own index from its first document on (and
`ficus_search.migration.upgrade` makes any index a store with documents lacks).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import psycopg
from psycopg import sql

Conn = psycopg.Connection[dict[str, Any]]


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
