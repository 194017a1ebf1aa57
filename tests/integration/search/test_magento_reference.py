"""A store generated into MariaDB with Magento's schema: its product and category states,
read by the legacy adapter's reference flattening (the functions sync's projector uses), go
through the search service as domain events; the indexed documents in both engines equal the
documents built directly from MariaDB's state."""

from __future__ import annotations

import datetime as dt
from datetime import datetime

import pymysql
import pytest
from elasticsearch import Elasticsearch as EsClient

from ficus_contracts.events import CategoryState, DomainEvent, EventKind, ProductState
from ficus_legacy.reference import category_states, product_states
from ficus_legacy.schema import install
from ficus_search import repository
from ficus_search.bootstrap import event_consumer
from ficus_search.core.document import CategoryTree, build_documents
from ficus_search.esengine import ElasticsearchEngine
from ficus_search.esindex import EsIndexer, ensure_alias
from ficus_search.metrics import SearchMetrics
from ficus_search.testing import aggregate_id, write_events
from ficus_standin.generator import SeedSpec, generate
from tests.integration.search.conftest import Databases

pytestmark = [pytest.mark.integration, pytest.mark.elasticsearch]


def _event(state: ProductState | CategoryState) -> DomainEvent:
    aggregate = "product" if isinstance(state, ProductState) else "category"
    return DomainEvent(
        aggregate=aggregate,
        aggregate_id=aggregate_id(aggregate, state.entity_id),
        entity_id=state.entity_id,
        version=1,
        kind=EventKind.UPSERTED,
        source_ts_ms=int(datetime.now().timestamp() * 1000),
        payload=state,
    )


def test_documents_from_a_generated_magento_store_equal_the_mariadb_reference(
    mariadb_conn: pymysql.Connection,  # type: ignore[type-arg]
    dbs: Databases,
    es_client: EsClient,
    alias: str,
) -> None:
    install(mariadb_conn, installed_at=datetime(2024, 1, 1))
    generate(mariadb_conn, SeedSpec(products=150, customers=1, orders=1, seed=3))
    products = list(product_states(mariadb_conn))
    categories = list(category_states(mariadb_conn))
    write_events(dbs.events, [_event(c) for c in categories] + [_event(p) for p in products])
    event_consumer(dbs.events, dbs.search, SearchMetrics()).drain()
    ensure_alias(es_client, alias)
    EsIndexer(es_client, dbs.search, alias).catch_up()

    by_id = {p.entity_id: p for p in products}
    tree = CategoryTree({c.entity_id: c for c in categories})
    expected = {}
    for product in products:
        kids = [by_id[c] for c in product.configurable_children if c in by_id]
        for doc in build_documents(product, kids, tree, dt.date.today()):
            expected[(doc.store_id, doc.entity_id)] = doc.to_json()
    assert len(expected) > 100
    sample = next(d for d in expected.values() if d["type_id"] == "configurable")
    assert sample["name"] and sample["url_key"] and sample["final_price"] is not None
    assert sample["child_skus"] and sample["categories"][0]["path"]
    assert any(d["child_attributes"] for d in expected.values())
    assert all(
        d["categories"] and d["categories"][0]["name"]
        for d in expected.values()
        if d["type_id"] != "simple" or d["visibility"] in (2, 4)
    )

    with repository.connect(dbs.search) as conn:
        rows = conn.execute("SELECT store_id, entity_id, doc FROM search_document WHERE present")
        in_postgres = {(r["store_id"], r["entity_id"]): r["doc"] for r in rows.fetchall()}
    assert in_postgres == expected
    engine = ElasticsearchEngine(es_client, alias)
    in_elastic = {(d["store_id"], d["entity_id"]): d for d in engine.all_documents()}
    assert in_elastic == expected
