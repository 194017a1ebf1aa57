"""The embedded engine: Postgres full-text search over `search_match` (the narrow copy of the
present documents, see `matchtable`), in the search service's own database: tsvector in one GIN
index per store view, a text_pattern_ops btree for the sku prefix, (store_id, category_ids) GIN
for listings, btrees for sorted listings with LIMIT (the SQL is in `pgsql`). Totals, facets and
pages of hits are cached per documents' generation; full documents come from `search_document`.

An uncached text search ranks every match and aggregates every match. When few searches are in
flight (`parallel_below`), it does the two at once on two connections — about 30 % less wall
time for 10 % more CPU — and keeps the answer only if both ran on the same generation of the
documents; otherwise (a write committed in between) it answers from its own snapshot in one
statement. Under load it always uses one statement, which costs the least CPU.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from ficus_search.core.aggregatecache import AggregateCache, Aggregates, GenerationCache
from ficus_search.core.errors import EngineUnavailable
from ficus_search.core.pgsql import (
    aggregates_key,
    aggregates_sql,
    hits_sql,
    matches_sql,
    parse_aggregates,
    precheck_sql,
    search_params,
    where,
)
from ficus_search.core.ports import IndexEngine
from ficus_search.core.query import Hit, SearchQuery, SearchResult

# JIT compiles nothing useful for millisecond queries and costs 10-50 ms when it kicks in;
# custom plans keep partial indexes usable under psycopg's automatic prepared statements; a
# search's statements share one read-only repeatable-read snapshot.
SESSION_OPTIONS = (
    "-c jit=off -c plan_cache_mode=force_custom_plan"
    " -c default_transaction_isolation=repeatable\\ read -c default_transaction_read_only=on"
)

Pool = ConnectionPool[psycopg.Connection[dict[str, Any]]]
Conn = psycopg.Connection[dict[str, Any]]


def _pool(url: str, size: int, timeout: float, min_size: int | None = None) -> Pool:
    return ConnectionPool(
        url,
        min_size=size if min_size is None else min_size,
        max_size=size,
        timeout=timeout,
        kwargs={"row_factory": dict_row, "autocommit": True, "options": SESSION_OPTIONS},
        open=True,
    )


class PostgresEngine(IndexEngine):
    """Searches the documents where the consumer writes them: always as fresh as the last
    committed batch. Totals and facets are cached per documents' generation (see
    `aggregatecache`), and so are pages of hits: any committed write to `search_document`
    invalidates them."""

    name = "postgres"

    def __init__(
        self,
        pool: Pool,
        cache: AggregateCache | None = None,
        pages: GenerationCache[tuple[Hit, ...]] | None = None,
        apart: Pool | None = None,
        parallel_below: int = 0,
    ) -> None:
        """`apart`: the connections for aggregates computed beside the hits; with
        `parallel_below` > 0, a search that finds at most that many searches in flight
        (itself included) uses it."""
        self._pool = pool
        self.cache = cache if cache is not None else AggregateCache()
        self.pages = pages if pages is not None else GenerationCache[tuple[Hit, ...]](0)
        self._apart = apart
        self._parallel_below = parallel_below if apart is not None else 0
        self._executor = (
            ThreadPoolExecutor(apart.max_size, "pg-aggregates") if apart is not None else None
        )
        self._in_flight = 0
        self._lock = threading.Lock()
        self.parallel = 0  # searches answered by the two-connection path
        self.parallel_discarded = 0  # of which the generations differed

    @classmethod
    def open(
        cls,
        url: str,
        size: int = 10,
        timeout: float = 2.0,
        cache_entries: int = 4096,
        page_entries: int = 4096,
        parallel_below: int = 0,
    ) -> PostgresEngine:
        parallel = parallel_below > 0 and cache_entries > 0
        apart = _pool(url, size, timeout, min_size=min(2, size)) if parallel else None
        return cls(
            _pool(url, size, timeout),
            AggregateCache(cache_entries),
            GenerationCache[tuple[Hit, ...]](page_entries),
            apart,
            parallel_below,
        )

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        if self._apart is not None:
            self._apart.close()
        self._pool.close()

    def search(self, query: SearchQuery) -> SearchResult:
        with self._lock:
            self._in_flight += 1
            alone = self._in_flight <= self._parallel_below
        try:
            # one repeatable-read snapshot for the pre-check, the hits and the aggregates
            with self._pool.connection() as conn, conn.transaction():
                return self._search(conn, query, alone)
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise EngineUnavailable(f"postgres: {exc}") from exc
        finally:
            with self._lock:
                self._in_flight -= 1

    def _search(self, conn: Conn, query: SearchQuery, alone: bool = False) -> SearchResult:
        generation, sku_arm = self._precheck(conn, query)
        clause, filters = where(query, sku_arm)
        key = aggregates_key(clause, filters, query)
        params = search_params(query, filters)
        page_key = (key, query.effective_sort, params["exact"], query.page_size, query.offset)
        cached = self.cache.get(key, generation) if generation is not None else None
        if cached is not None:
            assert generation is not None
            hits = self.pages.get(page_key, generation)
            if hits is None:
                hits = tuple(self._hits(conn, query, clause, params, sku_arm))
                self.pages.put(page_key, generation, hits)
            return self._result(list(hits), cached)
        both = None
        if alone and generation is not None and query.text:
            both = self._in_parallel(conn, query, clause, params, sku_arm, generation)
        if both is None:
            rows = conn.execute(matches_sql(query, clause, sku_arm), params).fetchall()
            generation, aggregates = parse_aggregates(rows, query.price_step)
            found = tuple(Hit(int(r["value"]), float(r["score"])) for r in rows if r["kind"] == "h")
        else:
            found, aggregates = both
        assert generation is not None
        self.cache.put(key, generation, aggregates)
        self.pages.put(page_key, generation, found)
        return self._result(list(found), aggregates)

    def _in_parallel(
        self,
        conn: Conn,
        query: SearchQuery,
        clause: str,
        params: dict[str, Any],
        sku_arm: bool,
        generation: int,
    ) -> tuple[tuple[Hit, ...], Aggregates] | None:
        """The page of hits here (this snapshot, `generation`) and the aggregates on another
        connection at the same time; None when the other one saw another generation or
        failed (the caller then computes both here)."""
        assert self._executor is not None
        future = self._executor.submit(self._aggregates_apart, query, clause, params)
        hits = tuple(self._hits(conn, query, clause, params, sku_arm))
        apart = future.result()
        kept = apart is not None and apart[0] == generation
        with self._lock:
            self.parallel += 1
            self.parallel_discarded += 0 if kept else 1
        return (hits, apart[1]) if kept and apart is not None else None

    def _aggregates_apart(
        self, query: SearchQuery, clause: str, params: dict[str, Any]
    ) -> tuple[int, Aggregates] | None:
        assert self._apart is not None
        try:
            with self._apart.connection() as conn:
                rows = conn.execute(aggregates_sql(query, clause), params).fetchall()
        except (psycopg.OperationalError, PoolTimeout):
            return None
        return parse_aggregates(rows, query.price_step)

    def _precheck(self, conn: Conn, query: SearchQuery) -> tuple[int | None, bool]:
        """(the documents' generation if the cache is on, whether any sku starts with the
        text) in one round trip."""
        if not query.text and not self.cache.enabled:
            return None, True
        sql, params = precheck_sql(query)
        row = conn.execute(sql, params).fetchone()
        assert row is not None
        generation = int(row["generation"]) if self.cache.enabled else None
        return generation, bool(row["sku_arm"])

    def _hits(
        self,
        conn: Conn,
        query: SearchQuery,
        clause: str,
        params: dict[str, Any],
        sku_arm: bool,
    ) -> list[Hit]:
        rows = conn.execute(hits_sql(query, clause, sku_arm), params).fetchall()
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
