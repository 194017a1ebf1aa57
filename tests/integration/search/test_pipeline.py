"""Events → search database → Postgres FTS and Elasticsearch, on real engines: documents equal
a reference built from the generator's final states; relevance; filters and facets equal
counts computed independently from the reference documents."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from elasticsearch import Elasticsearch as EsClient

from ficus_devstack import Stack
from ficus_devstack.elasticsearch import Elasticsearch
from ficus_search import migration, repository
from ficus_search.bootstrap import event_consumer
from ficus_search.core.document import CategoryTree, build_documents, search_fields_json
from ficus_search.core.ports import IndexEngine
from ficus_search.core.query import SearchQuery, make_query, price_bucket
from ficus_search.esengine import ElasticsearchEngine
from ficus_search.esindex import EsIndexer, ensure_alias
from ficus_search.metrics import SearchMetrics
from ficus_search.pgengine import PostgresEngine
from ficus_search.testing import CatalogGenerator, write_events

pytestmark = [pytest.mark.integration, pytest.mark.elasticsearch]
PRODUCTS = 400
CHANGES = 2000
STEP = 50


@dataclass
class Loaded:
    generator: CatalogGenerator
    reference: dict[tuple[int, int], dict[str, Any]]
    postgres: PostgresEngine
    elastic: ElasticsearchEngine
    search_url: str
    events_url: str
    alias: str
    client: EsClient


def reference_documents(gen: CatalogGenerator) -> dict[tuple[int, int], dict[str, Any]]:
    tree = CategoryTree(dict(gen.categories))
    out = {}
    for product in gen.products.values():
        kids = [gen.products[c] for c in product.configurable_children if c in gen.products]
        for doc in build_documents(product, kids, tree, dt.date.today()):
            out[(doc.store_id, doc.entity_id)] = doc.to_json()
    return out


@pytest.fixture(scope="module")
def loaded(stack: Stack, elasticsearch: Elasticsearch) -> Iterator[Loaded]:
    names = [f"t_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    for name in names:
        stack.postgres.ensure_database(name)
    search_url, events_url = (stack.settings.postgres_url(n) for n in names)
    migration.upgrade(search_url)
    gen = CatalogGenerator(seed=11)
    events = gen.catalog(PRODUCTS, categories=24)
    changes = gen.changes(CHANGES)
    stale = [e for e in events[::7] if e.aggregate == "product"][:100]  # late, older versions
    write_events(events_url, events)
    write_events(events_url, changes)
    write_events(events_url, stale)
    consumer = event_consumer(events_url, search_url, SearchMetrics())
    consumer.drain()
    alias = f"t_{uuid.uuid4().hex[:10]}"
    client = EsClient(elasticsearch.url, request_timeout=30)
    ensure_alias(client, alias)
    EsIndexer(client, search_url, alias).catch_up()
    postgres = PostgresEngine.open(search_url, size=4)
    elastic = ElasticsearchEngine.open(elasticsearch.url, alias, timeout=5.0)
    yield Loaded(
        gen, reference_documents(gen), postgres, elastic, search_url, events_url, alias, client
    )
    consumer.stop()
    postgres.close()
    elastic.close()
    client.indices.delete(index=f"{alias}_*", allow_no_indices=True)
    client.close()
    with stack.postgres.connect() as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_documents(url: str) -> dict[tuple[int, int], dict[str, Any]]:
    with repository.connect(url) as conn:
        rows = conn.execute("SELECT store_id, entity_id, doc FROM search_document WHERE present")
        return {(r["store_id"], r["entity_id"]): r["doc"] for r in rows.fetchall()}


def _diff(actual: dict[Any, Any], expected: dict[Any, Any]) -> list[str]:
    out = [f"missing {k}" for k in expected.keys() - actual.keys()]
    out += [f"unexpected {k}" for k in actual.keys() - expected.keys()]
    out += [f"differs {k}" for k in expected.keys() & actual.keys() if expected[k] != actual[k]]
    return out


def test_postgres_documents_equal_the_reference(loaded: Loaded) -> None:
    assert len(loaded.reference) > PRODUCTS // 2
    assert _diff(_pg_documents(loaded.search_url), loaded.reference) == []


def test_elasticsearch_documents_equal_the_reference(loaded: Loaded) -> None:
    actual = {(d["store_id"], d["entity_id"]): d for d in loaded.elastic.all_documents()}
    assert _diff(actual, loaded.reference) == []


def test_late_events_never_overwrite_newer_state(loaded: Loaded) -> None:
    with repository.connect(loaded.search_url) as conn:
        rows = conn.execute("SELECT entity_id, version FROM search_product").fetchall()
    versions = {r["entity_id"]: r["version"] for r in rows}
    expected = {eid: v for (agg, eid), v in loaded.generator.versions.items() if agg == "product"}
    assert versions == expected


def _engines(loaded: Loaded) -> list[IndexEngine]:
    return [loaded.postgres, loaded.elastic]


def _query(text: str | None = None, **kwargs: Any) -> SearchQuery:
    return make_query(1, text=text, max_length=200, max_page_size=100, price_step=STEP, **kwargs)


@pytest.mark.parametrize("engine_name", ["postgres", "elasticsearch"])
def test_exact_name_ranks_first(loaded: Loaded, engine_name: str) -> None:
    engine = {e.name: e for e in _engines(loaded)}[engine_name]
    searchable = [
        d for (s, _), d in sorted(loaded.reference.items()) if s == 1 and d["visibility"] in (3, 4)
    ]
    for doc in searchable[:15]:
        result = engine.search(_query(doc["name"], page_size=5))
        assert result.hits, doc["name"]
        assert result.hits[0].entity_id == doc["entity_id"], (doc["name"], result.hits[:3])


@pytest.mark.parametrize("engine_name", ["postgres", "elasticsearch"])
def test_sku_prefix_finds_the_product(loaded: Loaded, engine_name: str) -> None:
    engine = {e.name: e for e in _engines(loaded)}[engine_name]
    doc = next(
        d
        for (s, _), d in sorted(loaded.reference.items())
        if s == 1 and d["visibility"] in (3, 4) and d["entity_id"] > 100
    )
    prefix = doc["sku"][:-1].lower()  # "sku-00012" finds SKU-000123
    result = engine.search(_query(prefix, page_size=100))
    assert doc["entity_id"] in result.ids
    for entity_id in result.ids:  # the sku or a configurable child's sku has the prefix
        found = loaded.reference[(1, entity_id)]
        skus = [found["sku"], *found["child_skus"]]
        assert any(sku.lower().startswith(prefix) for sku in skus), found


def _matches(doc: dict[str, Any], q: SearchQuery) -> bool:
    if doc["store_id"] != q.store_id or doc["visibility"] not in q.visibility:
        return False
    if q.text:
        tokens = set(" ".join(search_fields_json(doc).values()).split())
        *full, last = q.words
        text_ok = all(w in tokens for w in full) and any(t.startswith(last) for t in tokens)
        if not (text_ok or doc["sku"].lower().startswith(q.text.lower())):
            return False
    if q.category_ids and not set(q.category_ids) & set(doc["category_ids"]):
        return False
    price = doc["final_price"]
    if q.price_min is not None and (price is None or Decimal(str(price)) < q.price_min):
        return False
    if q.price_max is not None and (price is None or Decimal(str(price)) > q.price_max):
        return False
    return q.in_stock is None or doc["in_stock"] == q.in_stock


def _expected(loaded: Loaded, q: SearchQuery) -> tuple[int, dict[str, int], dict[str, int]]:
    docs = [d for d in loaded.reference.values() if _matches(d, q)]
    categories = Counter(str(c) for d in docs for c in d["category_ids"])
    prices = Counter(
        price_bucket(Decimal(str(d["final_price"])) // STEP * STEP, STEP)
        for d in docs
        if d["final_price"] is not None
    )
    return len(docs), dict(categories), dict(prices)


QUERIES: list[dict[str, Any]] = [
    {},
    {"text": "jacket"},
    {"text": "blue cot"},
    {"text": "sku-0001"},
    {"category_ids": (3,)},
    {"category_ids": (4, 7)},
    {"price_min": Decimal("50"), "price_max": Decimal("150.5")},
    {"in_stock": True},
    {"text": "red", "in_stock": False, "price_max": Decimal("300")},
    {"category_ids": (5,), "in_stock": True, "price_min": Decimal("20")},
]


@pytest.mark.parametrize("engine_name", ["postgres", "elasticsearch"])
def test_filters_and_facets_match_independent_counts(loaded: Loaded, engine_name: str) -> None:
    engine = {e.name: e for e in _engines(loaded)}[engine_name]
    checked = 0
    for spec in QUERIES:
        spec = dict(spec)
        q = _query(spec.pop("text", None), **spec)
        total, categories, prices = _expected(loaded, q)
        for _ in range(2):  # the second answer may come from a cache
            result = engine.search(q)
            assert result.total == total, spec
            assert {v.value: v.count for v in result.category_facet} == categories, spec
            assert {v.value: v.count for v in result.price_facet} == prices, spec
            assert len(result.hits) == min(total, q.page_size)
        checked += total
    assert checked > 0


@pytest.mark.parametrize("sort", ["price_asc", "price_desc", "name_asc"])
def test_both_engines_sort_the_same(loaded: Loaded, sort: str) -> None:
    q = _query(category_ids=(3,), sort=sort, page_size=50)
    assert loaded.postgres.search(q).ids == loaded.elastic.search(q).ids
