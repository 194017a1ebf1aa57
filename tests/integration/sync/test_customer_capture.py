"""Forward sync of the customer aggregate on real MariaDB + Postgres (embedded engine): the
snapshot and the stream project customer_entity, its EAV rows, its addresses and their EAV rows
into `customer` events equal to the reference flattening from MySQL; the id map holds customers
and addresses; a captured table created after sync started (`ficus_reverse_log`) is mirrored."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from ficus_sync.settings import SyncSettings
from tests.integration.sync.conftest import poll
from tests.integration.sync.customer_rows import Customers, events_of
from tests.integration.sync.helpers import sync_in_thread, wait_caught_up
from tests.integration.sync.shop import Shop

pytestmark = pytest.mark.integration


def _last_payloads(settings: SyncSettings) -> dict[int, Any]:
    with psycopg.connect(settings.postgres_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT p.entity_id, e.payload FROM projection p JOIN domain_event e"
            " ON e.seq = p.last_seq WHERE p.aggregate = 'customer'"
        ).fetchall()
    return {int(r[0]): r[1] for r in rows}


def _id_map(settings: SyncSettings, aggregate: str) -> set[int]:
    with psycopg.connect(settings.postgres_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT entity_id FROM id_map WHERE aggregate = %s", (aggregate,)
        ).fetchall()
    return {int(r[0]) for r in rows}


def _assert_projected(settings: SyncSettings, customers: Customers, ids: list[int]) -> None:
    payloads = _last_payloads(settings)
    for entity_id in ids:
        state = customers.state(entity_id)
        assert state is not None
        assert payloads[entity_id] == state.model_dump(mode="json"), entity_id


def test_snapshot_and_stream_project_customers(shop: Shop, sync_settings: SyncSettings) -> None:
    customers = Customers(shop.conn)
    ada = customers.create("ada@example.com", note="vip")
    grace = customers.create("grace@example.com", "Grace")
    home = customers.add_address(ada, "Paris", landmark="near the river")
    office = customers.add_address(grace, "Lyon")
    shop.conn.commit()
    with sync_in_thread(sync_settings) as lag:
        wait_caught_up(sync_settings)
        _assert_projected(sync_settings, customers, [ada, grace])
        assert {ada, grace} <= _id_map(sync_settings, "customer")
        assert {home, office} <= _id_map(sync_settings, "customer_address")

        customers.rename(ada, "Augusta", "2024-05-02 08:00:00")
        customers.set_landmark(office, "by the station")  # address EAV only: resolved
        shop.conn.commit()
        wait_caught_up(sync_settings)
        _assert_projected(sync_settings, customers, [ada, grace])
        assert events_of(sync_settings, grace)[-1][2]["addresses"][0]["attributes"] == {
            "ficus_landmark": "by the station"
        }

        second = customers.add_address(grace, "Nice")
        customers.sql("DELETE FROM customer_address_entity WHERE entity_id = %s", (home,))
        shop.conn.commit()
        wait_caught_up(sync_settings)
        _assert_projected(sync_settings, customers, [ada, grace])
        assert second in _id_map(sync_settings, "customer_address")

        customers.sql("DELETE FROM customer_entity WHERE entity_id = %s", (grace,))
        shop.conn.commit()
        wait_caught_up(sync_settings)
        assert events_of(sync_settings, grace)[-1][:2] == (4, "deleted")
        assert lag.snapshot()["domains"]["customer"]["events_behind"] == 0


def test_a_reverse_log_created_while_streaming_is_mirrored(
    shop: Shop, sync_settings: SyncSettings
) -> None:
    customers = Customers(shop.conn)
    ada = customers.create("ada@example.com")
    shop.conn.commit()
    with sync_in_thread(sync_settings):
        wait_caught_up(sync_settings)
        customers.ensure_log()  # the reverse worker creates it at its start
        customers.marker(ada, 1, "0" * 40)
        shop.conn.commit()
        wait_caught_up(sync_settings)

        def mirrored() -> list[Any]:
            with psycopg.connect(sync_settings.postgres_url, autocommit=True) as conn:
                return conn.execute(
                    "SELECT outbox_id, entity_id FROM mirror.ficus_reverse_log"
                ).fetchall()

        poll(lambda: mirrored() == [(1, ada)], 10, f"reverse log not mirrored: {mirrored()}")
    assert [e[:2] for e in events_of(sync_settings, ada)] == [(1, "upserted")]
