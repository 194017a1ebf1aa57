"""The whole read model path on real engines: a Magento store in MariaDB, snapshotted and then
changed ≥ 2 000 times at random, flows binlog → sync (mirror → projector → domain_event) → the
search service's consumer → Postgres FTS and Elasticsearch. The indexed documents equal the
documents built from the reference flattening read straight from MariaDB: 0 differences."""

from __future__ import annotations

import datetime as dt
import random
import threading

import pymysql
import pytest
from elasticsearch import Elasticsearch as EsClient

from ficus_devstack import Stack
from ficus_legacy.reference import category_states, product_states
from ficus_search import repository
from ficus_search.bootstrap import event_consumer
from ficus_search.core.document import CategoryTree, build_documents
from ficus_search.esengine import ElasticsearchEngine
from ficus_search.esindex import EsIndexer, ensure_alias
from ficus_search.metrics import SearchMetrics
from ficus_sync import bootstrap
from ficus_sync.lag import LagTracker
from ficus_sync.settings import SyncSettings
from tests.integration.search.conftest import Databases
from tests.integration.sync.helpers import wait_caught_up
from tests.integration.sync.shop import Shop

pytestmark = [pytest.mark.integration, pytest.mark.elasticsearch]

CHANGES = 2_000


@pytest.fixture
def shop(stack: Stack, mariadb_conn: pymysql.Connection) -> Shop:  # type: ignore[type-arg]
    return Shop(mariadb_conn, seed=11)


@pytest.fixture
def sync_settings(stack: Stack, mariadb_database: str, dbs: Databases) -> SyncSettings:
    s = stack.settings
    return SyncSettings(
        mysql_url=f"mysql://{s.mariadb_user}:{s.mariadb_password}@{s.host}:{s.mariadb_port}/"
        f"{mariadb_database}",
        postgres_url=dbs.events,  # sync writes domain_event where the search service reads it
        server_id=random.randint(5000, 2_000_000),
        snapshot_chunk_rows=500,
    )


def _reference(conn: pymysql.Connection) -> dict[tuple[int, int], object]:  # type: ignore[type-arg]
    conn.commit()  # a fresh snapshot of what MariaDB holds now
    products = list(product_states(conn))
    tree = CategoryTree({c.entity_id: c for c in category_states(conn)})
    by_id = {p.entity_id: p for p in products}
    expected: dict[tuple[int, int], object] = {}
    for product in products:
        kids = [by_id[c] for c in product.configurable_children if c in by_id]
        for doc in build_documents(product, kids, tree, dt.date.today()):
            expected[(doc.store_id, doc.entity_id)] = doc.to_json()
    return expected


def test_documents_after_snapshot_and_random_stream_equal_the_mariadb_reference(
    shop: Shop,
    sync_settings: SyncSettings,
    dbs: Databases,
    es_client: EsClient,
    alias: str,
) -> None:
    shop.populate(products=60, categories=5, configurables=4)
    with _streaming(sync_settings):
        for _ in range(CHANGES):
            shop.random_change()
        wait_caught_up(sync_settings, timeout=120)
    event_consumer(dbs.events, dbs.search, SearchMetrics()).drain()
    ensure_alias(es_client, alias)
    EsIndexer(es_client, dbs.search, alias).catch_up()

    expected = _reference(shop.conn)
    assert len(expected) > 50
    with repository.connect(dbs.search) as conn:
        rows = conn.execute("SELECT store_id, entity_id, doc FROM search_document WHERE present")
        in_postgres = {(r["store_id"], r["entity_id"]): r["doc"] for r in rows.fetchall()}
    assert _differences(expected, in_postgres) == []
    in_elastic = {
        (d["store_id"], d["entity_id"]): d
        for d in ElasticsearchEngine(es_client, alias).all_documents()
    }
    assert _differences(expected, in_elastic) == []


class _streaming:
    """Sync streaming in a thread for the duration of a `with` block."""

    def __init__(self, settings: SyncSettings) -> None:
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=bootstrap.stream, args=(settings, LagTracker(), self.stop)
        )

    def __enter__(self) -> None:
        self.thread.start()

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join(timeout=30)


def _differences(
    expected: dict[tuple[int, int], object], actual: dict[tuple[int, int], object]
) -> list[str]:
    found = []
    for key in sorted(expected.keys() | actual.keys()):
        if key not in actual:
            found.append(f"{key}: missing")
        elif key not in expected:
            found.append(f"{key}: unexpected")
        elif expected[key] != actual[key]:
            found.append(f"{key}: differs")
    return found[:20]
