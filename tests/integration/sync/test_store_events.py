"""Store views as domain events on real MariaDB and Postgres: the snapshot announces every
store view (admin included), a rename or a new view in Magento emits a store event, a new,
activated or deactivated view reaches the products' states (ALL), a deleted view emits a
deletion, and the
projection equals the reference read straight from MariaDB."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from ficus_contracts.events import StoreState
from ficus_sync import bootstrap
from ficus_sync.lag import LagTracker
from ficus_sync.settings import SyncSettings
from tests.integration.sync.helpers import (
    assert_versions_strictly_increase,
    differences,
    last_event_seq,
    sync_in_thread,
    wait_caught_up,
)
from tests.integration.sync.shop import Shop

pytestmark = pytest.mark.integration


@pytest.fixture
def streaming(sync_settings: SyncSettings) -> Iterator[None]:
    with sync_in_thread(sync_settings):
        yield


def _events(settings: SyncSettings, aggregate: str, after: int = 0) -> list[tuple[Any, ...]]:
    """(seq, entity_id, version, kind, payload) of `aggregate`'s events after `after`."""
    with psycopg.connect(settings.postgres_url, autocommit=True) as conn:
        return conn.execute(
            "SELECT seq, entity_id, version, kind, payload FROM domain_event"
            " WHERE aggregate = %s AND seq > %s ORDER BY seq",
            (aggregate, after),
        ).fetchall()


def _stores(settings: SyncSettings) -> dict[int, StoreState | None]:
    """The latest state of every store view sync announced (None: deleted)."""
    latest: dict[int, StoreState | None] = {}
    for _, entity_id, _, kind, payload in _events(settings, "store"):
        latest[int(entity_id)] = None if kind == "deleted" else StoreState(**payload)
    return latest


def _change(shop: Shop, settings: SyncSettings, sql: str) -> int:
    """Run one statement in MariaDB, wait until sync applied it; returns the seq before."""
    before = last_event_seq(settings)
    shop.sql(sql)
    shop.conn.commit()
    wait_caught_up(settings, timeout=30)
    return before


def test_store_views_are_announced_renamed_added_and_deleted(
    shop: Shop, sync_settings: SyncSettings, streaming: None
) -> None:
    shop.populate(products=3, categories=1, configurables=1)
    wait_caught_up(sync_settings, timeout=60)
    stores = _stores(sync_settings)
    assert sorted(stores) == [0, 1, 2, 3]
    admin, french, german = stores[0], stores[2], stores[3]
    assert admin is not None and (admin.code, admin.website_code) == ("admin", "admin")
    assert french is not None and (french.code, french.website_code) == ("fr", "base")
    assert french.root_category_id == 2 and french.is_active
    assert german is not None and (german.website_id, german.website_code) == (2, "second")

    before = _change(shop, sync_settings, "UPDATE store SET code = 'fr_fr' WHERE store_id = 2")
    renamed = _events(sync_settings, "store", before)
    assert [(r[1], r[2], r[4]["code"]) for r in renamed] == [(2, 2, "fr_fr")]
    assert _events(sync_settings, "product", before) == []  # values are keyed by store_id

    before = _change(
        shop, sync_settings, "INSERT INTO store VALUES (4, 'it', 1, 1, 'Italian', 5, 1)"
    )
    added = _events(sync_settings, "store", before)
    assert [(r[1], r[2], r[4]["code"], r[4]["sort_order"]) for r in added] == [(4, 1, "it", 5)]
    products = _events(sync_settings, "product", before)
    assert len({r[1] for r in products}) == len(shop.products)
    assert all("4" in r[4]["attributes"] for r in products)  # the new active view's values
    assert min(r[0] for r in products) > added[0][0]  # the view is announced first

    for active in (0, 1):  # deactivation drops the view's values, activation brings them back
        before = _change(
            shop, sync_settings, f"UPDATE store SET is_active = {active} WHERE store_id = 3"
        )
        toggled = _events(sync_settings, "store", before)
        assert [(r[1], r[4]["is_active"]) for r in toggled] == [(3, bool(active))]
        products = _events(sync_settings, "product", before)
        assert len(products) == len(shop.products)
        assert all(("3" in r[4]["attributes"]) is bool(active) for r in products)

    before = _change(shop, sync_settings, "DELETE FROM store WHERE store_id = 4")
    deleted = _events(sync_settings, "store", before)
    assert [(r[1], r[2], r[3], r[4]) for r in deleted] == [(4, 2, "deleted", None)]
    assert all("4" not in r[4]["attributes"] for r in _events(sync_settings, "product", before))

    assert differences(sync_settings) == []
    assert_versions_strictly_increase(sync_settings)


def test_a_sync_database_from_before_store_events_announces_them_on_start(
    shop: Shop, sync_settings: SyncSettings
) -> None:
    shop.populate(products=2, categories=1, configurables=0)
    components = bootstrap.build(sync_settings, LagTracker())
    try:
        bootstrap.snapshot_if_needed(components)
        assert sorted(_stores(sync_settings)) == [0, 1, 2, 3]
        with components.pg.transaction():  # as an older version left it: no store projected
            components.pg.execute("DELETE FROM domain_event WHERE aggregate = 'store'")
            components.pg.execute("DELETE FROM projection WHERE aggregate = 'store'")
        before = last_event_seq(sync_settings)
        assert bootstrap.announce_store_views(components) == 4
        assert sorted(e[1] for e in _events(sync_settings, "store", before)) == [0, 1, 2, 3]
        assert bootstrap.announce_store_views(components) == 0  # once only
    finally:
        components.close()
