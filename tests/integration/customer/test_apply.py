"""Customer and store events applied through ficus_feed from a real `domain_event` table:
newer forward version wins, deletion deletes, a customer with pending outbox rows is 3-way
merged, the clock moves past every event's time."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from ficus_customer import repository
from ficus_customer.bootstrap import Components
from ficus_customer.core.hlc import from_ms
from ficus_customer.testing import customer_event, customer_state
from ficus_devstack.process import wait_until
from tests.events import store_event
from tests.integration.catalog.conftest import EventTable

pytestmark = pytest.mark.integration


def _drain(components: Components) -> None:
    assert components.consumer is not None
    components.consumer.drain()


def _row(url: str, entity_id: int) -> dict[str, Any] | None:
    with repository.connect(url) as conn:
        return conn.execute(
            "SELECT state, magento_view, forward_version, version, hlc FROM customer"
            " WHERE entity_id = %s",
            (entity_id,),
        ).fetchone()


def _url(components: Components) -> str:
    return components.settings.database_url


def test_an_upsert_is_the_state_and_the_view_of_magento(
    components: Components, events: EventTable
) -> None:
    state = customer_state(7)
    events.publish(customer_event(state, 3))
    _drain(components)
    row = _row(_url(components), 7)
    assert row is not None
    assert row["state"] == row["magento_view"] == state.model_dump(mode="json")
    assert (row["forward_version"], row["version"]) == (3, 1)


def test_an_equal_or_older_version_is_stale(components: Components, events: EventTable) -> None:
    events.publish(customer_event(customer_state(7, firstname="New"), 5))
    events.publish(customer_event(customer_state(7, firstname="Old"), 4))
    events.publish(customer_event(customer_state(7, firstname="Same"), 5))
    _drain(components)
    row = _row(_url(components), 7)
    assert row is not None and row["state"]["firstname"] == "New"
    registry = components.metrics.registry
    stale = {"aggregate": "customer", "outcome": "stale"}
    assert registry.get_sample_value("ficus_customer_events_total", stale) == 2


def test_a_deletion_deletes_and_older_upserts_stay_stale(
    components: Components, events: EventTable
) -> None:
    events.publish(customer_event(customer_state(8), 1))
    events.publish(customer_event(None, 2, entity_id=8))
    events.publish(customer_event(customer_state(8, firstname="Ghost"), 2))
    _drain(components)
    assert _row(_url(components), 8) is None
    events.publish(customer_event(customer_state(8, firstname="Back"), 3))
    _drain(components)
    row = _row(_url(components), 8)
    assert row is not None and row["state"]["firstname"] == "Back"


def _service_write(url: str, entity_id: int, **changes: Any) -> int:
    """What the service's own write leaves: a changed state and an un-acked outbox row (its
    id)."""
    with repository.connect(url) as conn:
        stored = repository.load(conn, entity_id, for_update=True)
        assert stored is not None
        state = stored.state.model_copy(update=changes)
        view = state.model_dump(mode="json")
        clocks = repository.Clocks(stored.clocks.forward_version, stored.clocks.version + 1, 1)
        repository.save(conn, state, view, clocks)
        base = stored.state.model_dump(mode="json")
        return repository.append_outbox(conn, entity_id, state, base, clocks)


def test_pending_writes_are_merged_field_by_field(
    components: Components, events: EventTable
) -> None:
    url = _url(components)
    events.publish(customer_event(customer_state(9), 1))
    _drain(components)
    _service_write(url, 9, firstname="Service", lastname="Service")
    magento = customer_state(9, lastname="Magento", dob="1980-01-01")
    events.publish(customer_event(magento, 2))
    _drain(components)
    row = _row(url, 9)
    assert row is not None
    assert (row["state"]["firstname"], row["state"]["lastname"]) == ("Service", "Service")
    assert row["state"]["dob"] == "1980-01-01"  # only Magento changed it
    assert row["magento_view"] == magento.model_dump(mode="json")
    assert row["forward_version"] == 2


def test_without_pending_writes_the_event_replaces_the_state(
    components: Components, events: EventTable
) -> None:
    url = _url(components)
    events.publish(customer_event(customer_state(10), 1))
    _drain(components)
    written = _service_write(url, 10, firstname="Service")
    magento = customer_state(10, firstname="Merged", lastname="Magento")
    events.publish(customer_event(magento, 2, reverse_watermark=written))  # it saw the write
    _drain(components)
    row = _row(url, 10)
    assert row is not None and row["state"] == magento.model_dump(mode="json")
    assert row["version"] == 3  # applied, own write, applied


def test_an_acked_write_the_event_has_not_seen_keeps_its_fields(
    components: Components, events: EventTable
) -> None:
    url = _url(components)
    events.publish(customer_event(customer_state(17), 1))
    _drain(components)
    seen = _service_write(url, 17, lastname="Seen")
    written = _service_write(url, 17, firstname="Service")
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE outbox SET acked_at = now() - interval '1 day'")  # long acked
    stale = customer_state(17, firstname="Magento", lastname="Magento")  # saw only the first
    events.publish(customer_event(stale, 2, reverse_watermark=seen))
    _drain(components)
    row = _row(url, 17)
    assert row is not None
    assert (row["state"]["firstname"], row["state"]["lastname"]) == ("Service", "Magento")
    assert written > seen


def test_a_deletion_the_event_has_not_seen_keeps_the_customer_deleted(
    components: Components, events: EventTable
) -> None:
    url = _url(components)
    events.publish(customer_event(customer_state(18), 1))
    _drain(components)
    with repository.connect(url) as conn:
        stored = repository.load(conn, 18, for_update=True)
        assert stored is not None
        repository.remove(conn, 18, 1, 0)
        deleted = repository.append_outbox(conn, 18, None, None, stored.clocks)
        conn.execute("UPDATE outbox SET acked_at = now()")
    events.publish(customer_event(customer_state(18, firstname="Ghost"), 2))
    _drain(components)
    assert _row(url, 18) is None  # emitted before the deletion reached Magento
    events.publish(customer_event(customer_state(18, firstname="Reborn"), 3,
                                  reverse_watermark=deleted))  # fmt: skip
    _drain(components)
    row = _row(url, 18)
    assert row is not None and row["state"]["firstname"] == "Reborn"


def test_the_clock_moves_past_every_applied_event(
    components: Components, events: EventTable
) -> None:
    future = int(time.time() * 1000) + 3_600_000  # Magento's clock an hour ahead
    events.publish(customer_event(customer_state(11), 1, source_ts_ms=future))
    _drain(components)
    assert components.clock.now() > from_ms(future)
    row = _row(_url(components), 11)
    assert row is not None and row["hlc"] > from_ms(future)


def test_an_email_another_customer_holds_is_a_dead_letter(
    components: Components, events: EventTable
) -> None:
    events.publish(customer_event(customer_state(12, email="same@example.com"), 1))
    events.publish(customer_event(customer_state(13, email="SAME@example.com"), 1))
    events.publish(customer_event(customer_state(14), 1))
    _drain(components)
    letters = components.dead_letters.letters(10)
    assert [letter["seq"] for letter in letters] == [2]
    assert _row(_url(components), 14) is not None


def test_store_events_replace_the_seeded_views(components: Components, events: EventTable) -> None:
    url = _url(components)
    events.publish(store_event(1, 1, "main", name="Main View", is_default=True))
    _drain(components)
    with repository.connect(url) as conn:
        rows = conn.execute("SELECT store_id, code, name FROM customer_store").fetchall()
    assert rows == [{"store_id": 1, "code": "main", "name": "Main View"}]


def test_the_consumer_thread_applies_a_notified_event(
    components: Components, events: EventTable
) -> None:
    assert components.consumer is not None
    components.start()
    assert wait_until(lambda: components.consumer is not None and components.consumer.running, 10)
    events.publish(customer_event(customer_state(15), 1))
    assert wait_until(lambda: _row(_url(components), 15) is not None, 2.0, 0.01)


def test_the_outbox_row_is_jsonb_with_the_base(components: Components) -> None:
    url = _url(components)
    with repository.connect(url) as conn:
        state = customer_state(16)
        clocks = repository.Clocks(0, 1, 42)
        repository.save(conn, state, state.model_dump(mode="json"), clocks)
        repository.append_outbox(conn, 16, state, None, clocks)
        conn.execute("INSERT INTO magento_id_pool VALUES ('customer_entity', %s)", (500,))
        assert repository.take_id(conn, repository.CUSTOMER_TABLE) == 500
        assert repository.take_id(conn, repository.CUSTOMER_TABLE) is None
        row = conn.execute("SELECT * FROM outbox").fetchone()
    assert row is not None
    assert (row["kind"], row["base"], row["hlc"], row["service_version"]) == (
        "upserted",
        None,
        42,
        1,
    )
    assert row["payload"] == Jsonb(state.model_dump(mode="json")).obj
