"""Cached totals and facets on real engines: on Postgres every committed write to
`search_document` (through the consumer or any other statement) invalidates them, the cached
answer equals the uncached one and the page of hits is the same either way, and a cached page
of hits never outlives a write either; on Elasticsearch
the request cache that answers the size-0 aggregation never outlives an index change."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from elasticsearch import Elasticsearch as EsClient

from ficus_devstack.elasticsearch import Elasticsearch
from ficus_feed.consumer import Consumer
from ficus_search import repository
from ficus_search.bootstrap import event_consumer
from ficus_search.core.query import SearchQuery, SearchResult, make_query
from ficus_search.esengine import ElasticsearchEngine
from ficus_search.esindex import EsIndexer, ensure_alias
from ficus_search.metrics import SearchMetrics
from ficus_search.pgengine import PostgresEngine
from ficus_search.testing import CatalogGenerator, write_events
from tests.integration.search.conftest import Databases

pytestmark = pytest.mark.integration


@dataclass
class Engines:
    cached: PostgresEngine
    uncached: PostgresEngine
    consumer: Consumer
    generator: CatalogGenerator
    dbs: Databases


@pytest.fixture
def engines(dbs: Databases) -> Iterator[Engines]:
    gen = CatalogGenerator(seed=5)
    write_events(dbs.events, gen.catalog(150, categories=8))
    consumer = event_consumer(dbs.events, dbs.search, SearchMetrics())
    consumer.drain()
    cached = PostgresEngine.open(dbs.search, size=2)
    uncached = PostgresEngine.open(dbs.search, size=2, cache_entries=0)
    yield Engines(cached, uncached, consumer, gen, dbs)
    cached.close()
    uncached.close()


def _query(**kwargs: object) -> SearchQuery:
    return make_query(1, max_length=200, max_page_size=100, **kwargs)  # type: ignore[arg-type]


def _answer(result: SearchResult) -> tuple[object, ...]:
    return (result.ids, result.total, result.category_facet, result.price_facet)


def _generation(url: str) -> int:
    with repository.connect(url) as conn:
        row = conn.execute("SELECT generation FROM search_generation").fetchone()
    assert row is not None
    return int(row["generation"])


def test_a_repeated_search_is_answered_from_the_cache_with_the_same_result(
    engines: Engines,
) -> None:
    queries = [
        _query(text=None, category_ids=(3,), sort="price_asc"),
        _query(text=None, category_ids=(3,), sort="name_desc", page=2, page_size=5),
        _query(text="jacket"),
        _query(text="blue co", in_stock=True, sort="price_desc"),
    ]
    for q in queries:
        first = engines.cached.search(q)
        hits_before = engines.cached.cache.hits, engines.cached.pages.hits
        second = engines.cached.search(q)
        assert (engines.cached.cache.hits, engines.cached.pages.hits) == (
            hits_before[0] + 1,
            hits_before[1] + 1,
        )
        assert _answer(second) == _answer(first) == _answer(engines.uncached.search(q))
        assert first.total > 0


def _add_a_product_to_category(engines: Engines, category: int) -> None:
    gen = engines.generator
    product = next(
        p
        for p in gen.live_products().values()
        if p.type_id == "simple"
        and p.attributes[1]["status"] == "1"
        and p.attributes[1]["visibility"] in ("2", "4")
        and category not in {c.category_id for c in p.category_links}
    )
    links = [
        *product.category_links,
        product.category_links[0].model_copy(update={"category_id": category}),
    ]
    event = gen._put_product(product.model_copy(update={"category_links": links}))
    write_events(engines.dbs.events, [event])
    engines.consumer.drain()


def test_a_change_through_the_consumer_invalidates_cached_facets(engines: Engines) -> None:
    q = _query(text=None, category_ids=(4,))
    before = engines.cached.search(q)
    engines.cached.search(q)  # now cached
    _add_a_product_to_category(engines, 4)

    after = engines.cached.search(q)
    assert _answer(after) == _answer(engines.uncached.search(q))
    assert after.total != before.total or after.category_facet != before.category_facet


def test_any_committed_write_bumps_the_generation_once_per_transaction(engines: Engines) -> None:
    url = engines.dbs.search
    q = _query(text=None)
    cached = engines.cached.search(q)
    start = _generation(url)
    with repository.connect(url) as conn:  # two statements, one transaction
        conn.execute("UPDATE search_document SET final_price = final_price + 1000 WHERE present")
        conn.execute("UPDATE search_document SET in_stock = NOT in_stock WHERE entity_id < 0")
    assert _generation(url) == start + 1
    with repository.connect(url) as conn:
        conn.execute("UPDATE search_document SET final_price = 1 WHERE present")
        conn.rollback()
    assert _generation(url) == start + 1

    after = engines.cached.search(q)
    assert after.price_facet != cached.price_facet  # every price moved up by 1000
    assert _answer(after) == _answer(engines.uncached.search(q))


@pytest.mark.elasticsearch
def test_elasticsearch_cached_aggregations_follow_index_changes(
    engines: Engines, elasticsearch: Elasticsearch, alias: str, es_client: EsClient
) -> None:
    ensure_alias(es_client, alias)
    indexer = EsIndexer(es_client, engines.dbs.search, alias)
    indexer.catch_up()
    engine = ElasticsearchEngine.open(elasticsearch.url, alias, timeout=5.0)
    q = _query(text=None, category_ids=(4,))
    before = engine.search(q)
    assert _answer(engine.search(q)) == _answer(before)  # the second from the request cache
    _add_a_product_to_category(engines, 4)
    indexer.catch_up()  # bulk with refresh=true

    after = engine.search(q)
    engine.close()
    assert after.total == before.total + 1
    assert _answer(after)[1:] == _answer(engines.uncached.search(q))[1:]


def test_a_cached_page_of_hits_never_outlives_a_write(engines: Engines) -> None:
    q = _query(text="jacket")
    first = engines.cached.search(q)
    assert engines.cached.search(q).ids == first.ids  # now cached
    gone = first.ids[0]
    with repository.connect(engines.dbs.search) as conn:
        conn.execute("UPDATE search_document SET present = false WHERE entity_id = %s", (gone,))
    after = engines.cached.search(q)
    assert gone not in after.ids
    assert _answer(after) == _answer(engines.uncached.search(q))
