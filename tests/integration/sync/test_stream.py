"""Snapshot of a generated store, then a random stream of changes: the projected states equal
the reference flattening from MariaDB for every store view."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest

from ficus_sync.lag import LagTracker
from ficus_sync.settings import SyncSettings
from tests.integration.sync.helpers import (
    assert_versions_strictly_increase,
    differences,
    sync_in_thread,
    wait_caught_up,
)
from tests.integration.sync.shop import Shop

pytestmark = pytest.mark.integration


@pytest.fixture
def streaming(sync_settings: SyncSettings) -> Iterator[LagTracker]:
    with sync_in_thread(sync_settings) as lag:
        yield lag


def test_snapshot_then_random_changes_match_reference(
    shop: Shop, sync_settings: SyncSettings, streaming: LagTracker
) -> None:
    shop.populate(products=300)
    changes = 5_000
    started = time.perf_counter()
    for _ in range(changes):
        shop.random_change()
    wait_caught_up(sync_settings, timeout=120)
    elapsed = time.perf_counter() - started
    found = differences(sync_settings)
    assert found == [], found[:10]
    events = assert_versions_strictly_increase(sync_settings)
    assert events > 300
    print(f"{changes} changes streamed and verified in {elapsed:.1f}s")  # noqa: T201


def test_deletes_propagate_and_cascades_touch_parents(
    shop: Shop, sync_settings: SyncSettings, streaming: LagTracker
) -> None:
    shop.populate(products=5, configurables=1)
    wait_caught_up(sync_settings)
    parent = shop.configurables[0]
    with shop.conn.cursor() as cur:
        cur.execute(
            "SELECT product_id FROM catalog_product_super_link WHERE parent_id = %s", (parent,)
        )
        child = int(cur.fetchone()[0])
    shop.eav.delete(shop.conn, "catalog_product", child)
    shop.conn.commit()
    wait_caught_up(sync_settings)
    assert differences(sync_settings) == []
    with psycopg.connect(sync_settings.postgres_url, autocommit=True) as conn:
        kinds = conn.execute(
            "SELECT kind FROM domain_event WHERE entity_id = %s AND aggregate = 'product' "
            "ORDER BY seq",
            (child,),
        ).fetchall()
        parent_state = conn.execute(
            "SELECT e.payload FROM projection p JOIN domain_event e ON e.seq = p.last_seq "
            "WHERE p.aggregate = 'product' AND p.entity_id = %s",
            (parent,),
        ).fetchone()
    assert [k[0] for k in kinds][-1] == "deleted"
    assert child not in parent_state[0]["configurable_children"]


def test_child_created_linked_and_deleted_in_one_batch_leaves_no_link(
    shop: Shop, sync_settings: SyncSettings, streaming: LagTracker
) -> None:
    """One MariaDB transaction (so one sync batch) creates a product, links it under a
    configurable and deletes it: InnoDB cascades the links away without binlog events, and the
    mirror never held the product, yet the links it did receive must be cascaded too."""
    shop.populate(products=3, configurables=1)
    wait_caught_up(sync_settings)
    parent = shop.configurables[0]
    child = shop.product(commit=False)
    shop._link_child(parent, child)
    shop.eav.delete(shop.conn, "catalog_product", child)
    shop.conn.commit()
    wait_caught_up(sync_settings)
    assert differences(sync_settings) == []
    with psycopg.connect(sync_settings.postgres_url, autocommit=True) as conn:
        links = conn.execute(
            "SELECT count(*) FROM mirror.catalog_product_super_link WHERE product_id = %s",
            (child,),
        ).fetchone()
    assert links == (0,)
