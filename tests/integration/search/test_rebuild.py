"""A full rebuild swaps the alias atomically while readers keep searching: every concurrent
query answers, and changes made during the rebuild reach the new index."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch as EsClient

from ficus_devstack.elasticsearch import Elasticsearch
from ficus_feed.consumer import Consumer
from ficus_search import repository
from ficus_search.bootstrap import event_consumer
from ficus_search.core.query import make_query
from ficus_search.esengine import ElasticsearchEngine
from ficus_search.esindex import EsIndexer, alias_targets, ensure_alias, rebuild
from ficus_search.metrics import SearchMetrics
from ficus_search.testing import CatalogGenerator, write_events
from tests.integration.search.conftest import Databases

pytestmark = [pytest.mark.integration, pytest.mark.elasticsearch]


@pytest.fixture
def indexed(
    dbs: Databases, es_client: EsClient, alias: str
) -> Iterator[tuple[CatalogGenerator, Consumer, EsIndexer]]:
    gen = CatalogGenerator(seed=3)
    write_events(dbs.events, gen.catalog(600, categories=12))
    consumer = event_consumer(dbs.events, dbs.search, SearchMetrics())
    consumer.drain()
    ensure_alias(es_client, alias)
    indexer = EsIndexer(es_client, dbs.search, alias)
    indexer.catch_up()
    yield gen, consumer, indexer
    consumer.stop()


def test_rebuild_under_concurrent_queries_answers_every_query(
    indexed: tuple[CatalogGenerator, Consumer, EsIndexer],
    dbs: Databases,
    es_client: EsClient,
    alias: str,
    elasticsearch: Elasticsearch,
) -> None:
    gen, consumer, indexer = indexed
    engine = ElasticsearchEngine.open(elasticsearch.url, alias, timeout=5.0)
    query = make_query(1, text=None, max_length=200, max_page_size=100, facets=False)
    before = engine.search(query).total
    assert before > 100
    old_index = alias_targets(es_client, alias)
    errors: list[BaseException] = []
    totals: list[int] = []
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            try:
                totals.append(engine.search(query).total)
            except BaseException as exc:  # noqa: BLE001 - every failure counts
                errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    progress: list[tuple[int, int]] = []

    def on_progress(n: int, total: int) -> None:
        progress.append((n, total))
        if len(progress) == 1:  # a change lands mid-rebuild, after the snapshot
            product = gen._product(visibility=4)
            attributes = {k: {**v, "status": "1"} for k, v in product.attributes.items()}
            product = product.model_copy(update={"attributes": attributes})
            write_events(dbs.events, [gen._put_product(product)])
            consumer.drain()
            indexer.catch_up()

    new_index = rebuild(es_client, dbs.search, alias, on_progress)
    indexer.catch_up()
    done.set()
    for thread in threads:
        thread.join(10)
    assert errors == []
    assert len(totals) > 10
    assert set(totals) <= {before, before + 1, before + 2}  # every answer saw a whole index
    assert alias_targets(es_client, alias) == [new_index] != old_index
    assert progress[-1][0] == progress[-1][1]
    newest = max(gen.products)
    assert engine.documents(1, [newest])  # the mid-rebuild change reached the new index
    engine.close()


def test_rebuild_is_repeatable(dbs: Databases, es_client: EsClient, alias: str) -> None:
    gen = CatalogGenerator(seed=5)
    write_events(dbs.events, gen.catalog(50, categories=6))
    event_consumer(dbs.events, dbs.search, SearchMetrics()).drain()
    first = rebuild(es_client, dbs.search, alias)
    second = rebuild(es_client, dbs.search, alias)
    third = rebuild(es_client, dbs.search, alias)
    indices = set(es_client.indices.get(index=f"{alias}_*").body)
    assert alias_targets(es_client, alias) == [third]
    assert first not in indices and second in indices  # the previous one is kept, no more
    with repository.connect(dbs.search) as conn:
        row = conn.execute("SELECT count(*) AS n FROM search_document WHERE present").fetchone()
    assert row is not None and row["n"] > 0
    assert es_client.count(index=alias)["count"] == row["n"]
