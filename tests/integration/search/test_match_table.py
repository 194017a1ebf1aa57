"""`search_match` on real Postgres: after a catalog and a stream of changes (deletions,
store-view moves, tombstones) it equals the present documents column for column; a store view
gets its own text index with its first document and text queries use it; a database created
before `search_match` existed is filled by its migration; TRUNCATE follows."""

from __future__ import annotations

from typing import Any

import pytest

from ficus_search import matchtable, migration, repository
from ficus_search.bootstrap import event_consumer
from ficus_search.core.pgsql import matches_sql, where
from ficus_search.core.query import make_query
from ficus_search.metrics import SearchMetrics
from ficus_search.pgengine import PostgresEngine
from ficus_search.testing import CatalogGenerator, write_events
from tests.integration.search.conftest import Databases

pytestmark = pytest.mark.integration

STORES = (1, 2, 5)
_COLUMNS = (
    "store_id, entity_id, sku, name, final_price, in_stock, visibility, category_ids, "
    "search_text::text AS search_text"
)


def _load(dbs: Databases, products: int = 120, changes: int = 300) -> CatalogGenerator:
    gen = CatalogGenerator(seed=11, stores=STORES)
    write_events(dbs.events, gen.catalog(products, categories=8))
    write_events(dbs.events, gen.changes(changes))
    event_consumer(dbs.events, dbs.search, SearchMetrics()).drain()
    return gen


def _rows(url: str, table: str, where_clause: str = "true") -> dict[tuple[int, int], Any]:
    with repository.connect(url) as conn:
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM {table} WHERE {where_clause}"  # noqa: S608
        ).fetchall()
    return {(r["store_id"], r["entity_id"]): r for r in rows}


def test_match_rows_equal_the_present_documents(dbs: Databases) -> None:
    _load(dbs)
    with repository.connect(dbs.search) as conn:  # and three products removed from every store
        rows = conn.execute(
            "SELECT DISTINCT entity_id FROM search_document WHERE present ORDER BY entity_id "
            "LIMIT 3"
        ).fetchall()
        repository.write_documents(conn, {int(r["entity_id"]): [] for r in rows}, None)
        tombstones = conn.execute(
            "SELECT count(*) AS n FROM search_document WHERE NOT present"
        ).fetchone()
    assert tombstones is not None and tombstones["n"] >= 3
    documents = _rows(dbs.search, "search_document", "present")
    assert len(documents) > 100
    assert _rows(dbs.search, "search_match") == documents


def test_each_store_view_gets_its_text_index_and_queries_use_it(dbs: Databases) -> None:
    _load(dbs, changes=0)
    with repository.connect(dbs.search) as conn:
        for store_id in STORES:
            found = conn.execute(
                "SELECT to_regclass(%s) IS NOT NULL AS ok", (matchtable.text_index_name(store_id),)
            ).fetchone()
            assert found is not None and found["ok"], store_id
        query = make_query(5, text="blue cot", max_length=200, max_page_size=100)
        clause, params = where(query, sku_arm=False)
        params |= {"exact": "blue cot", "limit": 10, "offset": 0, "step": 100}
        # On 120 products the planner prefers the store's entries in the other indexes;
        # without them (rolled back below) only the store's text index can serve the query:
        # its predicate must match the query's.
        conn.execute("SET enable_seqscan = off")
        conn.execute(
            "DROP INDEX search_match_price, search_match_name, search_match_store_categories"
        )
        conn.execute("ALTER TABLE search_match DROP CONSTRAINT search_match_pkey")
        plan = conn.execute(
            "EXPLAIN " + matches_sql(query, clause, sku_arm=False), params
        ).fetchall()
        conn.rollback()
    assert any(matchtable.text_index_name(5) in str(row) for row in plan), plan
    engine = PostgresEngine.open(dbs.search, size=1)
    try:
        assert engine.search(query).total > 0
    finally:
        engine.close()


def test_a_store_from_before_search_match_is_filled(dbs: Databases) -> None:
    _load(dbs, changes=100)
    with repository.connect(dbs.search) as conn:
        conn.execute("DROP TABLE search_match CASCADE")
        conn.execute("DROP TABLE alembic_version")  # a release from before migrations
    migration.upgrade(dbs.search)
    assert _rows(dbs.search, "search_match") == _rows(dbs.search, "search_document", "present")


def test_truncate_empties_it(dbs: Databases) -> None:
    _load(dbs, changes=0)
    with repository.connect(dbs.search) as conn:
        conn.execute("TRUNCATE search_document")
        row = conn.execute("SELECT count(*) AS n FROM search_match").fetchone()
    assert row is not None and row["n"] == 0
