"""The embedded engine: Postgres full-text search over `search_document` (tsvector + GIN,
pg_trgm for the sku prefix), in the search service's own database."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from ficus_search.errors import EngineUnavailable
from ficus_search.ports import IndexEngine
from ficus_search.query import FacetValue, Hit, SearchQuery, SearchResult, Sort, price_bucket

FACET_SIZE = 1000

_COUNT = "SELECT 't' AS kind, NULL AS value, count(*) AS n FROM search_document WHERE {where}"

# One scan of the matching rows for the total and both facets.
_AGGREGATES = """
WITH m AS MATERIALIZED (SELECT category_ids, final_price FROM search_document WHERE {where})
SELECT 't' AS kind, NULL::numeric AS value, count(*) AS n FROM m
UNION ALL (
    SELECT 'c', c, count(*) FROM m, unnest(m.category_ids) AS c
    GROUP BY c ORDER BY count(*) DESC, c LIMIT {facet_size})
UNION ALL (
    SELECT 'p', floor(final_price / %(step)s) * %(step)s AS low, count(*) FROM m
    WHERE final_price IS NOT NULL GROUP BY low ORDER BY low)
"""

_ORDER = {
    Sort.RELEVANCE: "score DESC, entity_id",
    Sort.PRICE_ASC: "final_price ASC NULLS LAST, entity_id",
    Sort.PRICE_DESC: "final_price DESC NULLS LAST, entity_id",
    Sort.NAME_ASC: "lower(name) ASC, entity_id",
    Sort.NAME_DESC: "lower(name) DESC, entity_id",
    Sort.ID: "entity_id",
}


def tsquery(words: list[str]) -> str:
    """All words, the last one as a prefix: 'blue' & 'jack':*"""
    parts = [f"'{w}'" for w in words]
    parts[-1] += ":*"
    return " & ".join(parts)


def like_prefix(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def where(query: SearchQuery) -> tuple[str, dict[str, Any]]:
    """The WHERE clause shared by hits, count and facets."""
    clauses = ["present", "store_id = %(store)s", "visibility = ANY(%(visibility)s)"]
    params: dict[str, Any] = {"store": query.store_id, "visibility": list(query.visibility)}
    if query.text:
        clauses.append(
            "(search_text @@ to_tsquery('simple', %(tsq)s) OR lower(sku) LIKE %(sku_prefix)s)"
        )
        params["tsq"] = tsquery(query.words)
        params["sku_prefix"] = like_prefix(query.text)
    if query.category_ids:
        clauses.append("category_ids && %(categories)s::integer[]")
        params["categories"] = list(query.category_ids)
    if query.price_min is not None:
        clauses.append("final_price >= %(price_min)s")
        params["price_min"] = query.price_min
    if query.price_max is not None:
        clauses.append("final_price <= %(price_max)s")
        params["price_max"] = query.price_max
    if query.in_stock is not None:
        clauses.append("in_stock = %(in_stock)s")
        params["in_stock"] = query.in_stock
    return " AND ".join(clauses), params


def score_sql(query: SearchQuery) -> str:
    if not query.text:
        return "0.0"
    return (
        "ts_rank_cd(search_text, to_tsquery('simple', %(tsq)s))"
        " + CASE WHEN lower(name) = %(exact)s THEN 100 ELSE 0 END"
        " + CASE WHEN lower(sku) = %(exact)s THEN 100 ELSE 0 END"
        " + CASE WHEN lower(sku) LIKE %(sku_prefix)s THEN 10 ELSE 0 END"
    )


class PostgresEngine(IndexEngine):
    """Searches the documents where the consumer writes them: always as fresh as the last
    committed batch."""

    name = "postgres"

    def __init__(self, pool: ConnectionPool[psycopg.Connection[dict[str, Any]]]) -> None:
        self._pool = pool

    @classmethod
    def open(cls, url: str, size: int = 10, timeout: float = 2.0) -> PostgresEngine:
        pool: ConnectionPool[psycopg.Connection[dict[str, Any]]] = ConnectionPool(
            url,
            min_size=1,
            max_size=size,
            timeout=timeout,
            kwargs={"row_factory": dict_row, "autocommit": True},
            open=True,
        )
        return cls(pool)

    def close(self) -> None:
        self._pool.close()

    def search(self, query: SearchQuery) -> SearchResult:
        try:
            with self._pool.connection() as conn:
                return self._search(conn, query)
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise EngineUnavailable(f"postgres: {exc}") from exc

    def _search(self, conn: psycopg.Connection[dict[str, Any]], query: SearchQuery) -> SearchResult:
        clause, params = where(query)
        params |= {
            "exact": (query.text or "").lower(),
            "limit": query.page_size,
            "offset": query.offset,
        }
        order = _ORDER[query.effective_sort]
        rows = conn.execute(
            f"SELECT entity_id, {score_sql(query)} AS score, final_price, name "  # noqa: S608
            f"FROM search_document WHERE {clause} ORDER BY {order} "
            "LIMIT %(limit)s OFFSET %(offset)s",
            params,
        ).fetchall()
        hits = [Hit(int(r["entity_id"]), float(r["score"])) for r in rows]
        sql = _AGGREGATES if query.facets else _COUNT
        aggregates = conn.execute(
            sql.format(where=clause, facet_size=FACET_SIZE), params | {"step": query.price_step}
        ).fetchall()
        total = next((int(r["n"]) for r in aggregates if r["kind"] == "t"), 0)
        categories = [
            FacetValue(str(int(r["value"])), int(r["n"])) for r in aggregates if r["kind"] == "c"
        ]
        prices = [
            FacetValue(price_bucket(Decimal(r["value"]), query.price_step), int(r["n"]))
            for r in aggregates
            if r["kind"] == "p"
        ]
        return SearchResult(hits, total, categories, prices, self.name)

    def document(self, store_id: int, entity_id: int) -> dict[str, Any] | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT doc FROM search_document WHERE store_id = %s AND entity_id = %s "
                "AND present",
                (store_id, entity_id),
            ).fetchone()
        return None if row is None else dict(row["doc"])

    def documents(self, store_id: int, entity_ids: list[int]) -> dict[int, dict[str, Any]]:
        try:
            with self._pool.connection() as conn:
                rows = conn.execute(
                    "SELECT entity_id, doc FROM search_document WHERE store_id = %s "
                    "AND entity_id = ANY(%s) AND present",
                    (store_id, entity_ids),
                ).fetchall()
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise EngineUnavailable(f"postgres: {exc}") from exc
        return {int(r["entity_id"]): dict(r["doc"]) for r in rows}

    def healthy(self) -> bool:
        try:
            with self._pool.connection(timeout=1.0) as conn:
                conn.execute("SELECT 1")
        except (psycopg.Error, PoolTimeout):
            return False
        return True
