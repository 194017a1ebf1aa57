"""The search service's own Postgres database: the latest product and category state, the
flat documents (which the Postgres engine searches directly) and the Elasticsearch indexer's
checkpoint (the consumer's checkpoint and dead letters are `ficus_feed`'s, in this database).

Every change of a document takes a new `change_seq` from one sequence; a deleted or no longer
searchable document stays as a tombstone (`present = false`) so that the Elasticsearch indexer,
which tails `change_seq`, sees the deletion too. Every transaction that writes `search_document`
bumps `search_generation` once (a statement trigger, so no write path can forget it): the
Postgres engine's aggregate cache is keyed by that generation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from ficus_contracts.events import CategoryState, ProductState, StoreState
from ficus_search import matchtable
from ficus_search.core.document import CategoryTree, SearchDocument, search_fields

Conn = psycopg.Connection[dict[str, Any]]

_UPSERT_DOC = """
INSERT INTO search_document AS d (store_id, entity_id, present, doc, sku, name, final_price,
    in_stock, visibility, category_ids, search_text, change_seq, source_ts_ms, updated_at)
VALUES (%(store_id)s, %(entity_id)s, true, %(doc)s, %(sku)s, %(name)s, %(final_price)s,
    %(in_stock)s, %(visibility)s, %(category_ids)s,
    setweight(to_tsvector('simple', %(name_words)s), 'A')
    || setweight(to_tsvector('simple', %(sku_words)s), 'A')
    || setweight(to_tsvector('simple', %(child_words)s), 'B')
    || setweight(to_tsvector('simple', %(description_words)s), 'C'),
    nextval('search_document_change'), %(source_ts_ms)s, now())
ON CONFLICT (store_id, entity_id) DO UPDATE SET present = true, doc = EXCLUDED.doc,
    sku = EXCLUDED.sku, name = EXCLUDED.name, final_price = EXCLUDED.final_price,
    in_stock = EXCLUDED.in_stock, visibility = EXCLUDED.visibility,
    category_ids = EXCLUDED.category_ids, search_text = EXCLUDED.search_text,
    change_seq = EXCLUDED.change_seq, source_ts_ms = EXCLUDED.source_ts_ms, updated_at = now()
WHERE d.doc IS DISTINCT FROM EXCLUDED.doc OR NOT d.present
"""

_TOMBSTONE = """
UPDATE search_document SET present = false, doc = NULL, search_text = NULL,
    change_seq = nextval('search_document_change'), source_ts_ms = %s, updated_at = now()
WHERE entity_id = ANY(%s) AND present AND (store_id, entity_id) NOT IN (
    SELECT * FROM unnest(%s::integer[], %s::bigint[]))
"""


def connect(url: str) -> Conn:
    return psycopg.connect(url, row_factory=dict_row, connect_timeout=5)


def stored_version(conn: Conn, table: str, entity_id: int) -> int | None:
    row = conn.execute(
        f"SELECT version FROM {table} WHERE entity_id = %s FOR UPDATE",  # noqa: S608
        (entity_id,),
    ).fetchone()
    return None if row is None else int(row["version"])


_SAVE_PRODUCT = """
WITH up AS (
    INSERT INTO search_product AS p (entity_id, version, deleted, state)
    VALUES (%(id)s, %(version)s, %(deleted)s, %(state)s)
    ON CONFLICT (entity_id) DO UPDATE SET version = EXCLUDED.version,
        deleted = EXCLUDED.deleted, state = EXCLUDED.state
    WHERE p.version < EXCLUDED.version
    RETURNING entity_id),
dc AS (DELETE FROM search_product_category WHERE product_id IN (SELECT entity_id FROM up)
       AND NOT (category_id = ANY(%(categories)s))),
dk AS (DELETE FROM search_product_child WHERE parent_id IN (SELECT entity_id FROM up)
       AND NOT (child_id = ANY(%(children)s))),
ic AS (INSERT INTO search_product_category SELECT c, up.entity_id FROM up,
       unnest(%(categories)s::bigint[]) AS c ON CONFLICT DO NOTHING),
ik AS (INSERT INTO search_product_child SELECT k, up.entity_id FROM up,
       unnest(%(children)s::bigint[]) AS k ON CONFLICT DO NOTHING)
SELECT (SELECT count(*) FROM up) AS applied,
       ARRAY(SELECT parent_id FROM search_product_child WHERE child_id = %(id)s) AS parents
"""


def save_product(
    conn: Conn, entity_id: int, version: int, state: ProductState | None
) -> tuple[bool, set[int]]:
    """Save the state if `version` is newer than the stored one (one round trip); returns
    (applied, the product's configurable parents)."""
    row = conn.execute(
        _SAVE_PRODUCT,
        {
            "id": entity_id,
            "version": version,
            "deleted": state is None,
            "state": None if state is None else Jsonb(state.model_dump(mode="json")),
            "categories": [] if state is None else [c.category_id for c in state.category_links],
            "children": [] if state is None else list(state.configurable_children),
        },
    ).fetchone()
    assert row is not None
    return bool(row["applied"]), {int(p) for p in row["parents"]}


def save_category(conn: Conn, entity_id: int, version: int, state: CategoryState | None) -> None:
    payload = None if state is None else Jsonb(state.model_dump(mode="json"))
    conn.execute(
        "INSERT INTO search_category (entity_id, version, deleted, path, state) "
        "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (entity_id) DO UPDATE SET "
        "version = EXCLUDED.version, deleted = EXCLUDED.deleted, path = EXCLUDED.path, "
        "state = EXCLUDED.state",
        (entity_id, version, state is None, None if state is None else state.path, payload),
    )


def products_under_category(conn: Conn, category_id: int) -> set[int]:
    """Products linked to the category or to any category below it (names, paths and anchor
    ids of their documents depend on it)."""
    rows = conn.execute(
        "SELECT DISTINCT pc.product_id FROM search_product_category pc "
        "LEFT JOIN search_category c ON c.entity_id = pc.category_id "
        "WHERE pc.category_id = %s OR c.path LIKE %s",
        (category_id, f"%/{category_id}/%"),
    ).fetchall()
    return {int(row["product_id"]) for row in rows}


def load_products(conn: Conn, ids: Iterable[int]) -> dict[int, ProductState]:
    rows = conn.execute(
        "SELECT entity_id, state FROM search_product WHERE entity_id = ANY(%s) AND NOT deleted",
        (list(ids),),
    ).fetchall()
    return {int(r["entity_id"]): ProductState.model_validate(r["state"]) for r in rows}


def load_tree(conn: Conn) -> CategoryTree:
    rows = conn.execute("SELECT state FROM search_category WHERE NOT deleted").fetchall()
    states = [CategoryState.model_validate(r["state"]) for r in rows]
    return CategoryTree({state.entity_id: state for state in states})


def all_product_ids(conn: Conn) -> list[int]:
    rows = conn.execute("SELECT entity_id FROM search_product ORDER BY entity_id").fetchall()
    return [int(r["entity_id"]) for r in rows]


def write_documents(
    conn: Conn, documents: dict[int, list[SearchDocument]], source_ts_ms: int | None
) -> None:
    """Make the stored documents of each product exactly `documents[entity_id]`: documents
    of other store views become tombstones (two statements for the whole batch)."""
    if not documents:
        return
    keep = [(d.store_id, d.entity_id) for docs in documents.values() for d in docs]
    conn.execute(
        _TOMBSTONE,
        (source_ts_ms, list(documents), [k[0] for k in keep], [k[1] for k in keep]),
    )
    params = [_doc_params(d, source_ts_ms) for docs in documents.values() for d in docs]
    if params:
        matchtable.ensure_store_indexes(conn, {p["store_id"] for p in params})
        with conn.cursor() as cur:
            cur.executemany(_UPSERT_DOC, params)


def _doc_params(document: SearchDocument, source_ts_ms: int | None) -> dict[str, Any]:
    return {
        "store_id": document.store_id,
        "entity_id": document.entity_id,
        "doc": Jsonb(document.to_json()),
        "sku": document.sku,
        "name": document.name,
        "final_price": document.final_price,
        "in_stock": document.in_stock,
        "visibility": document.visibility,
        "category_ids": list(document.category_ids),
        "source_ts_ms": source_ts_ms,
        **search_fields(document),
    }


_SAVE_STORE = """
INSERT INTO search_store AS s (store_id, version, deleted, code, state)
VALUES (%(id)s, %(version)s, %(deleted)s, %(code)s, %(state)s)
ON CONFLICT (store_id) DO UPDATE SET version = EXCLUDED.version, deleted = EXCLUDED.deleted,
    code = EXCLUDED.code, state = EXCLUDED.state
WHERE s.version < EXCLUDED.version
RETURNING store_id
"""


def save_store(conn: Conn, store_id: int, version: int, state: StoreState | None) -> bool:
    """Save a store view's state (None: deleted) if `version` is newer; returns whether it
    was applied."""
    row = conn.execute(
        _SAVE_STORE,
        {
            "id": store_id,
            "version": version,
            "deleted": state is None,
            "code": None if state is None else state.code,
            "state": None if state is None else Jsonb(state.model_dump(mode="json")),
        },
    ).fetchone()
    return row is not None


def store_codes(conn: Conn) -> tuple[dict[str, int], int | None] | None:
    """Store code → store id of every store view sync announced (inactive ones included),
    and Magento's default store view; None while no store event was ever applied."""
    rows = conn.execute(
        "SELECT store_id, code, deleted, coalesce((state->>'is_default')::boolean, false)"
        " AS is_default FROM search_store ORDER BY store_id"
    ).fetchall()
    if not rows:
        return None
    live = [r for r in rows if not r["deleted"]]
    default = next((int(r["store_id"]) for r in live if r["is_default"]), None)
    return {str(r["code"]): int(r["store_id"]) for r in live}, default
