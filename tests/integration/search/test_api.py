"""The HTTP API on real Postgres and Elasticsearch: Magento search and listing shapes, the
native API, clear 400s, and Elasticsearch down → fallback answer or a fast 503; dead letters;
freshness from commit to searchable."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ficus_contracts.events import CategoryLink
from ficus_devstack.elasticsearch import Elasticsearch
from ficus_devstack.process import wait_until
from ficus_search import repository
from ficus_search.api import create_app
from ficus_search.bootstrap import Components, build
from ficus_search.settings import SearchSettings
from ficus_search.testing import CatalogGenerator, write_events, write_raw_event
from tests.integration.search.conftest import Databases

pytestmark = [pytest.mark.integration, pytest.mark.elasticsearch]


def _settings(dbs: Databases, **overrides: object) -> SearchSettings:
    values: dict[str, object] = {
        "database_url": dbs.search,
        "events_url": dbs.events,
        "poll_interval": 0.2,
        "gap_grace": 0.1,
    }
    values.update(overrides)
    return SearchSettings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def running(
    module_dbs: Databases, elasticsearch: Elasticsearch, module_alias: str
) -> Iterator[Components]:
    gen = CatalogGenerator(seed=21)
    write_events(module_dbs.events, gen.catalog(120, categories=8))
    settings = _settings(
        module_dbs,
        engine="elasticsearch",
        elasticsearch_url=elasticsearch.url,
        index_alias=module_alias,
        es_timeout=5.0,
    )
    components = build(settings)
    components.start()
    assert wait_until(lambda: _caught_up(components), 30)
    yield components
    components.stop()


def _caught_up(components: Components) -> bool:
    consumer, indexer = components.consumer, components.indexer
    assert consumer is not None and indexer is not None
    return consumer.healthy and _indexed(components) > 0 and indexer.pending() == 0


def _indexed(components: Components) -> int:
    assert components.elasticsearch is not None
    client = components.elasticsearch.client.options(request_timeout=10)
    return int(client.count(index=components.settings.index_alias)["count"])


def _doc(components: Components) -> dict[str, object]:
    with repository.connect(components.settings.database_url) as conn:
        row = conn.execute(
            "SELECT doc FROM search_document WHERE present AND store_id = 1 "
            "AND visibility IN (3, 4) ORDER BY entity_id LIMIT 1"
        ).fetchone()
    assert row is not None
    return dict(row["doc"])


SEARCH = (
    "/rest/default/V1/search?searchCriteria[requestName]=quick_search_container"
    "&searchCriteria[filterGroups][0][filters][0][field]=search_term"
    "&searchCriteria[filterGroups][0][filters][0][value]={q}"
)


def test_magento_search_shape_and_exact_match(running: Components) -> None:
    doc = _doc(running)
    with TestClient(create_app(running.settings, running)) as client:
        body = client.get(SEARCH.format(q=doc["name"])).json()
    assert body["items"][0]["id"] == doc["entity_id"]
    assert set(body["items"][0]) == {"id", "score"}
    assert body["total_count"] >= 1
    names = [b["name"] for b in body["aggregations"]["buckets"]]
    assert names == ["price_bucket", "category_bucket"]
    assert body["search_criteria"]["request_name"] == "quick_search_container"


def test_magento_category_search_filters_category_price_and_stock(running: Components) -> None:
    doc = _doc(running)
    category = doc["category_ids"][0]  # type: ignore[index]
    url = (
        "/rest/default/V1/search?searchCriteria[requestName]=catalog_view_container"
        "&searchCriteria[filterGroups][0][filters][0][field]="
        f"category_id&searchCriteria[filterGroups][0][filters][0][value]={category}"
        "&searchCriteria[filterGroups][1][filters][0][field]=price"
        "&searchCriteria[filterGroups][1][filters][0][value]=0"
        "&searchCriteria[filterGroups][1][filters][0][conditionType]=gteq"
        "&searchCriteria[sortOrders][0][field]=price&searchCriteria[sortOrders][0][direction]=ASC"
        "&searchCriteria[pageSize]=100"
    )
    with TestClient(create_app(running.settings, running)) as client:
        body = client.get(url).json()
    ids = [item["id"] for item in body["items"]]
    assert body["total_count"] == len(ids) >= 1
    with repository.connect(running.settings.database_url) as conn:
        rows = conn.execute(
            "SELECT entity_id, final_price FROM search_document WHERE present AND store_id = 1 "
            "AND visibility IN (2, 4) AND %s = ANY(category_ids) AND final_price >= 0",
            (category,),
        ).fetchall()
    prices = {row["entity_id"]: row["final_price"] for row in rows}
    assert sorted(ids) == sorted(prices)
    assert [prices[i] for i in ids] == sorted(prices.values())


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("/v1/search?q=", "empty"),
        ("/v1/search?q=" + "x" * 300, "too long"),
        ("/v1/search?q=shirt&colour=red", '"colour"'),
        ("/v1/search?q=shirt&price_min=abc", '"price_min"'),
        ("/v1/search?q=shirt&sort=cheapest", '"cheapest"'),
        (SEARCH.format(q=""), "empty"),
        (
            SEARCH.format(q="shirt") + "&searchCriteria[filterGroups][1][filters][0][field]=colour"
            "&searchCriteria[filterGroups][1][filters][0][value]=red",
            '"colour"',
        ),
        (
            SEARCH.format(q="shirt") + "&searchCriteria[filterGroups][1][filters][0][field]=sku"
            "&searchCriteria[filterGroups][1][filters][0][value]=x",
            '"sku"',
        ),
    ],
)
def test_bad_requests_are_400_with_a_clear_message(
    running: Components, url: str, fragment: str
) -> None:
    with TestClient(create_app(running.settings, running)) as client:
        response = client.get(url)
    assert response.status_code == 400, response.text
    assert fragment in response.json()["message"]


def test_native_search_with_facets(running: Components) -> None:
    with TestClient(create_app(running.settings, running)) as client:
        body = client.get("/v1/search?q=jacket&in_stock=true&page_size=5").json()
    assert body["engine"] == "elasticsearch"
    assert body["total"] >= len(body["items"])
    assert all(item["in_stock"] for item in body["items"])
    assert sum(v["count"] for v in body["facets"]["price"]) == body["total"]


def test_elasticsearch_down_falls_back_or_fails_fast(dbs: Databases) -> None:
    gen = CatalogGenerator(seed=2)
    write_events(dbs.events, gen.catalog(30, categories=4))
    dead = f"http://127.0.0.1:{29290}"  # nothing listens there
    for mode, status in (("fallback", 200), ("fail", 503)):
        settings = _settings(
            dbs,
            engine="elasticsearch",
            elasticsearch_url=dead,
            index_alias=f"t_{uuid.uuid4().hex[:6]}",
            on_engine_down=mode,
        )
        components = build(settings)
        assert components.consumer is not None
        components.consumer.drain()
        with TestClient(create_app(settings, components)) as client:
            started = time.monotonic()
            response = client.get("/v1/search?q=shirt")
            elapsed = time.monotonic() - started
        components.stop()
        assert response.status_code == status, response.text
        assert elapsed < 2.0
        if status == 200:
            assert response.json()["engine"] == "postgres"


def test_bad_event_goes_to_the_dead_letter_table_and_the_stream_goes_on(dbs: Databases) -> None:
    gen = CatalogGenerator(seed=4)
    write_events(dbs.events, gen.catalog(10, categories=3))
    write_raw_event(
        dbs.events,
        {
            "aggregate": "product",
            "aggregate_id": str(uuid.uuid4()),
            "entity_id": 999,
            "version": 1,
            "kind": "upserted",
            "payload": {"sku": 12},
            "source_ts_ms": None,
        },
    )
    huge = gen._product().model_copy(update={"category_links": [CategoryLink(category_id=2**64)]})
    out_of_range = gen._put_product(huge)  # valid JSON, but Postgres refuses the bigint
    write_events(dbs.events, [out_of_range, *gen.changes(20)])
    components = build(_settings(dbs))
    assert components.consumer is not None
    components.consumer.drain()
    components.stop()
    with repository.connect(dbs.search) as conn:
        dead = conn.execute("SELECT entity_id, error FROM search_dead_letter").fetchall()
        last = conn.execute("SELECT last_seq FROM search_checkpoint").fetchone()
        head = conn.execute("SELECT 0").fetchone()
    assert [d["entity_id"] for d in dead] == [999, out_of_range.entity_id]
    assert "InvalidEvent" in dead[0]["error"]
    assert "out of range" in dead[1]["error"]
    assert last is not None and head is not None
    with repository.connect(dbs.events) as conn:
        top = conn.execute("SELECT max(seq) AS s FROM domain_event").fetchone()
    assert top is not None and last["last_seq"] == top["s"]


def test_a_change_is_searchable_quickly_and_freshness_is_exported(running: Components) -> None:
    gen = CatalogGenerator(seed=99)
    gen._next_product = 5000
    product = gen._product(visibility=4)
    attributes = {
        k: {**v, "status": "1", "name": "Zanzibar Quokka Parka"}
        for k, v in product.attributes.items()
    }
    product = product.model_copy(update={"attributes": attributes})
    write_events(running.settings.events_url, [gen._put_product(product)])
    started = time.monotonic()
    from ficus_search.core.query import make_query

    query = make_query(1, text="zanzibar quokka", max_length=200, max_page_size=10, page_size=5)
    assert wait_until(lambda: running.service.search(query).ids == [5000], 10, interval=0.01)
    assert time.monotonic() - started < 3.0
    with TestClient(create_app(running.settings, running)) as client:
        metrics = client.get("/metrics").text
    assert 'ficus_search_freshness_seconds_count{engine="elasticsearch"}' in metrics
    assert 'ficus_search_freshness_seconds_count{engine="postgres"}' in metrics


def test_app_builds_its_own_components_on_postgres(dbs: Databases) -> None:
    gen = CatalogGenerator(seed=8)
    write_events(dbs.events, gen.catalog(20, categories=3))
    settings = _settings(dbs)
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json()["engines"] == {"postgres": True}
        assert wait_until(lambda: client.get("/v1/search").json()["total"] > 0, 10)
        body = client.get("/v1/search?category=3").json()
    assert body["engine"] == "postgres"
    assert all(f["count"] > 0 for f in body["facets"]["category"])
