"""The embedded engine: Postgres full-text search over `search_match` (the narrow copy of the
present documents, see `matchtable`), in the search service's own database: tsvector in one GIN
index per store view, a text_pattern_ops btree for the sku prefix, (store_id, category_ids) GIN
for listings, btrees for sorted listings with LIMIT. Relevance is `ts_rank` (weights A name
and sku, B children, C descriptions) plus bonuses for an exact name or sku; `ts_rank_cd`
(cover density) cost ~6x more per match and changes little on short product texts. Totals
and facets are cached per documents' generation; full documents come from `search_document`."""

from __future__ import annotations

from collections.abc import Hashable
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from ficus_search.aggregatecache import AggregateCache, Aggregates, GenerationCache
from ficus_search.errors import EngineUnavailable
from ficus_search.ports import IndexEngine
from ficus_search.query import FacetValue, Hit, SearchQuery, SearchResult, Sort, price_bucket

FACET_SIZE = 1000

# JIT compiles nothing useful for millisecond queries and costs 10-50 ms when it kicks in;
# custom plans keep partial indexes usable under psycopg's automatic prepared statements; a
# search's statements share one read-only repeatable-read snapshot.
SESSION_OPTIONS = (
    "-c jit=off -c plan_cache_mode=force_custom_plan"
    " -c default_transaction_isolation=repeatable\\ read -c default_transaction_read_only=on"
)

_GENERATION = "(SELECT generation FROM search_generation)"

# On an aggregate-cache miss: the page of hits, the total, both facets and the generation of
# the snapshot they come from, in one statement (one snapshot). Sorted by relevance, every
# match is ranked anyway, so the hits come from the one scan `m`; sorted by a column, the hits
# take their own index scan with LIMIT and no match is ranked but the page.
_MATCHES = """
WITH m AS MATERIALIZED (
    SELECT {ranked}final_price, category_ids FROM search_match WHERE {where})
{hits}
UNION ALL SELECT 't', NULL, count(*), NULL FROM m
UNION ALL SELECT 'g', NULL, {generation}, NULL
"""

_RANKED_HITS = """(SELECT 'h' AS kind, entity_id::numeric AS value, 0::bigint AS n, score FROM m
    ORDER BY score DESC, entity_id LIMIT %(limit)s OFFSET %(offset)s)"""

_SORTED_HITS = """(SELECT 'h' AS kind, entity_id::numeric AS value, 0::bigint AS n,
    {score} AS score FROM search_match WHERE {where}
    ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s)"""

_FACETS = """
UNION ALL (
    SELECT 'c', c, count(*), NULL FROM (SELECT unnest(category_ids) AS c FROM m) AS u
    GROUP BY c ORDER BY count(*) DESC, c LIMIT {facet_size})
UNION ALL (
    SELECT 'p', floor(final_price / %(step)s) * %(step)s AS low, count(*), NULL FROM m
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


def where(query: SearchQuery, sku_arm: bool = True) -> tuple[str, dict[str, Any]]:
    """The WHERE clause shared by hits, count and facets. Without `sku_arm` (the caller saw,
    in the same snapshot, that no sku starts with the text) the text matches through the
    index condition alone, and no row re-checks an OR per row."""
    clauses = ["store_id = %(store)s::integer", "visibility = ANY(%(visibility)s)"]
    params: dict[str, Any] = {"store": query.store_id, "visibility": list(query.visibility)}
    if query.text:
        # store_id in each arm lets the store's own text index take the text arm.
        text = "(store_id = %(store)s::integer AND search_text @@ to_tsquery('simple', %(tsq)s))"
        clauses.append(f"({text} OR lower(sku) LIKE %(sku_prefix)s)" if sku_arm else text)
        params["tsq"] = tsquery(query.words)
        if sku_arm:
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


def score_sql(query: SearchQuery, sku_arm: bool = True) -> str:
    if not query.text:
        return "0.0"
    score = (
        "ts_rank(search_text, to_tsquery('simple', %(tsq)s))"
        " + CASE WHEN lower(name) = %(exact)s THEN 100 ELSE 0 END"
    )
    if not sku_arm:  # no sku starts with the text, so none equals it either
        return score
    return (
        score + " + CASE WHEN lower(sku) = %(exact)s THEN 100 ELSE 0 END"
        " + CASE WHEN lower(sku) LIKE %(sku_prefix)s THEN 10 ELSE 0 END"
    )


def aggregates_key(clause: str, params: dict[str, Any], query: SearchQuery) -> Hashable:
    """What the total and facets depend on: the filters (not sort, page or exact text)."""
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return (clause, frozen, query.facets, query.price_step)


def matches_sql(query: SearchQuery, clause: str, sku_arm: bool = True) -> str:
    score = score_sql(query, sku_arm)
    if query.effective_sort is Sort.RELEVANCE:
        ranked, hits = f"entity_id, {score} AS score, ", _RANKED_HITS
    else:
        order = _ORDER[query.effective_sort]
        ranked, hits = "", _SORTED_HITS.format(score=score, where=clause, order=order)
    sql = _MATCHES.format(ranked=ranked, where=clause, hits=hits, generation=_GENERATION)
    if query.facets:
        sql += _FACETS.format(facet_size=FACET_SIZE)
    return sql


def parse_aggregates(rows: list[dict[str, Any]], step: int) -> tuple[int, Aggregates]:
    """(generation, aggregates) from the rows of `_MATCHES`."""
    generation = next(int(r["n"]) for r in rows if r["kind"] == "g")
    total = next((int(r["n"]) for r in rows if r["kind"] == "t"), 0)
    categories = [FacetValue(str(int(r["value"])), int(r["n"])) for r in rows if r["kind"] == "c"]
    prices = [
        FacetValue(price_bucket(Decimal(r["value"]), step), int(r["n"]))
        for r in rows
        if r["kind"] == "p"
    ]
    return generation, Aggregates(total, categories, prices)


class PostgresEngine(IndexEngine):
    """Searches the documents where the consumer writes them: always as fresh as the last
    committed batch. Totals and facets are cached per documents' generation (see
    `aggregatecache`), and so are pages of hits: any committed write to `search_document`
    invalidates them."""

    name = "postgres"

    def __init__(
        self,
        pool: ConnectionPool[psycopg.Connection[dict[str, Any]]],
        cache: AggregateCache | None = None,
        pages: GenerationCache[tuple[Hit, ...]] | None = None,
    ) -> None:
        self._pool = pool
        self.cache = cache if cache is not None else AggregateCache()
        self.pages = pages if pages is not None else GenerationCache[tuple[Hit, ...]](0)

    @classmethod
    def open(
        cls,
        url: str,
        size: int = 10,
        timeout: float = 2.0,
        cache_entries: int = 4096,
        page_entries: int = 4096,
    ) -> PostgresEngine:
        pool: ConnectionPool[psycopg.Connection[dict[str, Any]]] = ConnectionPool(
            url,
            min_size=size,
            max_size=size,
            timeout=timeout,
            kwargs={"row_factory": dict_row, "autocommit": True, "options": SESSION_OPTIONS},
            open=True,
        )
        return cls(
            pool, AggregateCache(cache_entries), GenerationCache[tuple[Hit, ...]](page_entries)
        )

    def close(self) -> None:
        self._pool.close()

    def search(self, query: SearchQuery) -> SearchResult:
        try:
            # one repeatable-read snapshot for the pre-check, the hits and the aggregates
            with self._pool.connection() as conn, conn.transaction():
                return self._search(conn, query)
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise EngineUnavailable(f"postgres: {exc}") from exc

    def _search(self, conn: psycopg.Connection[dict[str, Any]], query: SearchQuery) -> SearchResult:
        generation, sku_arm = self._precheck(conn, query)
        clause, filters = where(query, sku_arm)
        key = aggregates_key(clause, filters, query)
        params = filters | {
            "exact": (query.text or "").lower(),
            "limit": query.page_size,
            "offset": query.offset,
            "step": query.price_step,
        }
        page_key = (key, query.effective_sort, params["exact"], query.page_size, query.offset)
        cached = self.cache.get(key, generation) if generation is not None else None
        if cached is not None:
            assert generation is not None
            hits = self.pages.get(page_key, generation)
            if hits is None:
                hits = tuple(self._hits(conn, query, clause, params, sku_arm))
                self.pages.put(page_key, generation, hits)
            return self._result(list(hits), cached)
        rows = conn.execute(matches_sql(query, clause, sku_arm), params).fetchall()
        generation, aggregates = parse_aggregates(rows, query.price_step)
        self.cache.put(key, generation, aggregates)
        found = tuple(Hit(int(r["value"]), float(r["score"])) for r in rows if r["kind"] == "h")
        self.pages.put(page_key, generation, found)
        return self._result(list(found), aggregates)

    def _precheck(
        self, conn: psycopg.Connection[dict[str, Any]], query: SearchQuery
    ) -> tuple[int | None, bool]:
        """(the documents' generation if the cache is on, whether any sku starts with the
        text) in one round trip."""
        if not query.text and not self.cache.enabled:
            return None, True
        sku = (
            "EXISTS (SELECT 1 FROM search_match WHERE lower(sku) LIKE %(p)s)"
            if query.text
            else "true"
        )
        row = conn.execute(
            f"SELECT {_GENERATION} AS generation, {sku} AS sku_arm",  # noqa: S608
            {"p": like_prefix(query.text)} if query.text else {},
        ).fetchone()
        assert row is not None
        generation = int(row["generation"]) if self.cache.enabled else None
        return generation, bool(row["sku_arm"])

    def _hits(
        self,
        conn: psycopg.Connection[dict[str, Any]],
        query: SearchQuery,
        clause: str,
        params: dict[str, Any],
        sku_arm: bool,
    ) -> list[Hit]:
        rows = conn.execute(
            f"SELECT entity_id, {score_sql(query, sku_arm)} AS score "  # noqa: S608
            f"FROM search_match WHERE {clause} ORDER BY {_ORDER[query.effective_sort]} "
            "LIMIT %(limit)s OFFSET %(offset)s",
            params,
        ).fetchall()
        return [Hit(int(r["entity_id"]), float(r["score"])) for r in rows]

    def _result(self, hits: list[Hit], aggregates: Aggregates) -> SearchResult:
        return SearchResult(
            hits, aggregates.total, aggregates.category_facet, aggregates.price_facet, self.name
        )

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
