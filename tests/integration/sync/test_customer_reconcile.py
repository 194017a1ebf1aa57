"""`reconcile customer` on real MariaDB + Postgres: Magento vs sync's projection vs the customer
service's database (its real schema, migrated by `python -m ficus_customer migrate`), chunked,
resumed after a killed run, lag-aware (a change still in flight is not reported), and
`--repair` re-emits what the service holds wrong as new versions through the event path."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg.types.json import Jsonb

from ficus_devstack import Stack
from ficus_sync import bootstrap
from ficus_sync.operations import (
    SERVICE,
    CustomerReconcile,
    Difference,
    ReconcileReport,
    reconcile_customer,
)
from ficus_sync.settings import SyncSettings
from tests.integration.sync.customer_rows import Customers, events_of
from tests.integration.sync.helpers import sync_in_thread, wait_caught_up
from tests.integration.sync.shop import Shop

pytestmark = pytest.mark.integration


@pytest.fixture
def service_url(stack: Stack) -> Iterator[str]:
    """The customer service's database, migrated to its head (no service process)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    stack.postgres.ensure_database(name)
    url = stack.settings.postgres_url(name)
    migrate = [sys.executable, "-m", "ficus_customer", "migrate", "--url", url]
    subprocess.run(migrate, check=True, capture_output=True, timeout=120)
    yield url
    with stack.postgres.connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def customers(shop: Shop) -> Customers:
    return Customers(shop.conn)


@pytest.fixture
def five(customers: Customers) -> list[int]:
    ids = [customers.create(f"c{n}@example.com", f"Name {n}") for n in range(5)]
    customers.add_address(ids[0], "Paris")
    customers.conn.commit()
    return ids


def _reconcile(settings: SyncSettings, **options: object) -> ReconcileReport:
    components = bootstrap.build(settings)
    try:
        return reconcile_customer(components, CustomerReconcile(**options))  # type: ignore[arg-type]
    finally:
        components.close()


def _hold(service_url: str, customers: Customers, ids: list[int]) -> None:
    """The service holds Magento's states of `ids` (as its consumer would have applied them)."""
    with psycopg.connect(service_url, autocommit=True) as conn:
        for entity_id in ids:
            state = customers.state(entity_id)
            assert state is not None
            conn.execute(
                "INSERT INTO customer (entity_id, website_id, email, state)"
                " VALUES (%s, %s, %s, %s)",
                (entity_id, state.website_id, state.email, Jsonb(state.model_dump(mode="json"))),
            )


def test_projection_differences_are_found_chunked_and_only_when_they_hold(
    customers: Customers, five: list[int], sync_settings: SyncSettings
) -> None:
    with sync_in_thread(sync_settings):
        wait_caught_up(sync_settings)
        report = _reconcile(sync_settings, chunk=2, settle_seconds=0.5)
        assert (report.differences, report.checked) == ([], 5)
        customers.rename(five[1], "In flight", "2024-06-01 00:00:00")  # sync catches it up
        customers.conn.commit()
        assert _reconcile(sync_settings, chunk=2, settle_seconds=10).differences == []
    customers.rename(five[3], "Behind sync's back", "2024-06-01 00:00:00")  # sync is stopped
    customers.sql("DELETE FROM customer_entity WHERE entity_id = %s", (five[4],))
    customers.conn.commit()
    report = _reconcile(sync_settings, chunk=2, settle_seconds=0.5)
    assert report.differences == [
        Difference("customer", five[3], "differs", ("updated_at", "firstname")),
        Difference("customer", five[4], "unexpected"),
    ]


def test_a_killed_run_resumes_after_its_last_chunk(
    five: list[int], sync_settings: SyncSettings
) -> None:
    with sync_in_thread(sync_settings):
        wait_caught_up(sync_settings)
    recorded = {"aggregate": "customer", "entity_id": five[0], "problem": "missing", "fields": []}
    with psycopg.connect(sync_settings.postgres_url, autocommit=True) as conn:
        conn.execute(  # what a run killed after its first chunk of two left behind
            "INSERT INTO reconcile_progress (domain, last_id, checked, differences)"
            " VALUES ('customer', %s, 2, %s)",
            (five[1], Jsonb([recorded])),
        )
    report = _reconcile(sync_settings, chunk=2, settle_seconds=0.5)
    assert report.resumed_after == five[1]
    assert report.checked == 5
    assert report.differences == [Difference("customer", five[0], "missing")]
    fresh = _reconcile(sync_settings, chunk=2, settle_seconds=0.5)
    assert (fresh.resumed_after, fresh.checked, fresh.differences) == (0, 5, [])


def test_the_service_is_compared_and_repaired_through_the_event_path(
    customers: Customers, five: list[int], sync_settings: SyncSettings, service_url: str
) -> None:
    with sync_in_thread(sync_settings):
        wait_caught_up(sync_settings)
        _hold(service_url, customers, five[:4])  # five[4] never reached the service
        with psycopg.connect(service_url, autocommit=True) as conn:
            conn.execute(
                "UPDATE customer SET state = jsonb_set(state, '{firstname}', '\"Wrong\"')"
                " WHERE entity_id = %s",
                (five[2],),
            )
        report = _reconcile(sync_settings, service_database_url=service_url, settle_seconds=0.5)
        assert report.differences == [
            Difference(SERVICE, five[2], "differs", ("firstname",)),
            Difference(SERVICE, five[4], "missing"),
        ]
        assert report.repaired == []
        versions = {e: len(events_of(sync_settings, e)) for e in five}

        repaired = _reconcile(
            sync_settings, service_database_url=service_url, settle_seconds=0.5, repair=True
        )
        assert repaired.repaired == [five[2], five[4]]
        for entity_id in five:
            events = events_of(sync_settings, entity_id)
            bump = 1 if entity_id in (five[2], five[4]) else 0
            assert len(events) == versions[entity_id] + bump, entity_id
            state = customers.state(entity_id)
            assert state is not None
            assert events[-1][2] == state.model_dump(mode="json")
