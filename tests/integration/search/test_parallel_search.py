"""The Postgres engine's two-connection path for uncached text searches, on real Postgres: its
answers equal the one-statement answers, and a write that commits between the hits' snapshot
and the aggregates' snapshot never yields a mixed answer (the search falls back to its own
snapshot, and the next search sees the write)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ficus_search import repository
from ficus_search.bootstrap import event_consumer
from ficus_search.core.aggregatecache import Aggregates
from ficus_search.core.query import SearchQuery, SearchResult, make_query
from ficus_search.metrics import SearchMetrics
from ficus_search.pgengine import PostgresEngine
from ficus_search.testing import CatalogGenerator, write_events
from tests.integration.search.conftest import Databases

pytestmark = pytest.mark.integration


def _query(**kwargs: Any) -> SearchQuery:
    return make_query(1, max_length=200, max_page_size=100, **kwargs)


def _answer(result: SearchResult) -> tuple[object, ...]:
    return (result.ids, result.total, result.category_facet, result.price_facet)


@pytest.fixture
def loaded(dbs: Databases) -> Iterator[PostgresEngine]:
    write_events(dbs.events, CatalogGenerator(seed=8).catalog(200, categories=8))
    event_consumer(dbs.events, dbs.search, SearchMetrics()).drain()
    one = PostgresEngine.open(dbs.search, size=2, cache_entries=0)
    yield one
    one.close()


def test_parallel_answers_equal_the_one_statement_answers(
    dbs: Databases, loaded: PostgresEngine
) -> None:
    engine = PostgresEngine.open(dbs.search, size=2, parallel_below=1)
    queries = [
        _query(text="blue"),
        _query(text="jacket", sort="price_asc"),
        _query(text="red co", in_stock=True, page=2, page_size=5),
        _query(text="wool", facets=False),
        _query(text="sku-00001"),
    ]
    try:
        for q in queries:
            assert _answer(engine.search(q)) == _answer(loaded.search(q)), q
        assert engine.parallel == len(queries)
        assert engine.parallel_discarded == 0
    finally:
        engine.close()


class _WriteInBetween(PostgresEngine):
    """Commits a write after the hits' snapshot is taken, before the aggregates' statement."""

    url = ""
    gone: int | None = None

    def _aggregates_apart(
        self, query: SearchQuery, clause: str, params: dict[str, Any]
    ) -> tuple[int, Aggregates] | None:
        if self.gone is not None:
            with repository.connect(self.url) as conn:
                conn.execute(
                    "UPDATE search_document SET present = false WHERE entity_id = %s",
                    (self.gone,),
                )
        return super()._aggregates_apart(query, clause, params)


def test_a_write_between_the_two_snapshots_is_never_mixed(
    dbs: Databases, loaded: PostgresEngine
) -> None:
    q = _query(text="blue")
    before = loaded.search(q)
    engine = _WriteInBetween.open(dbs.search, size=2, parallel_below=1)
    assert isinstance(engine, _WriteInBetween)
    engine.url, engine.gone = dbs.search, before.ids[0]
    try:
        answer = engine.search(q)
        assert (engine.parallel, engine.parallel_discarded) == (1, 1)
        assert _answer(answer) == _answer(before)  # all from the search's own snapshot
        after = loaded.search(q)
        assert before.ids[0] not in after.ids and after.total == before.total - 1
        engine.gone = None  # no more writes: the next search runs in parallel and keeps it
        assert _answer(engine.search(q)) == _answer(after)
        assert (engine.parallel, engine.parallel_discarded) == (2, 1)
    finally:
        engine.close()


def test_busy_engines_use_one_statement(dbs: Databases, loaded: PostgresEngine) -> None:
    engine = PostgresEngine.open(dbs.search, size=2, parallel_below=0)
    try:
        assert _answer(engine.search(_query(text="blue"))) == _answer(
            loaded.search(_query(text="blue"))
        )
        assert engine.parallel == 0
    finally:
        engine.close()
