"""Store events in the catalog on real Postgres: they replace the seeded store codes, the
newest version wins (a late event never overwrites a newer one, a deletion is not undone),
codes may move between views, and a restart does not bring the seeds back."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ficus_catalog.applying import apply_event
from ficus_catalog.bodies import StoredBodies
from ficus_catalog.bootstrap import Catalog
from ficus_catalog.reads import seed_stores
from ficus_catalog.testing import STORES
from ficus_feed.core import Outcome
from tests.events import store_event
from tests.integration.catalog.conftest import EventTable

pytestmark = pytest.mark.integration


def drain(catalog: Catalog) -> None:
    assert catalog.consumer is not None
    catalog.consumer.drain()


def store_id(catalog: Catalog, code: str | None, default_store: str) -> int | None:
    """The view a request with `code` resolves to, with that `default_store` setting."""

    async def resolve() -> int | None:
        bodies = StoredBodies(catalog.settings.db_url, default_store)
        await bodies.open()
        try:
            return await bodies.store_id(code)
        finally:
            await bodies.close()

    return asyncio.run(resolve())


def test_store_events_replace_the_seeded_codes(catalog: Catalog, events: EventTable) -> None:
    assert catalog.reads.stores() == STORES
    # no view is flagged default yet: the `default_store` setting's code answers
    assert store_id(catalog, None, "default") == STORES["default"]
    assert store_id(catalog, None, "nosuch") is None
    events.publish(
        store_event(0, 1, "admin", website_id=0, website_code="admin", group_id=0),
        store_event(1, 1, "main", is_default=True),
        store_event(2, 1, "fr", is_active=False),
    )
    drain(catalog)
    assert catalog.reads.stores() == {"admin": 0, "main": 1, "fr": 2}
    assert store_id(catalog, None, "nosuch") == 1  # the view flagged default
    assert store_id(catalog, None, "fr") == 1  # ahead of the setting's code
    assert store_id(catalog, "fr", "default") == 2
    assert not seed_stores(catalog.sessions, STORES)  # a restart keeps the events' codes
    assert catalog.reads.stores() == {"admin": 0, "main": 1, "fr": 2}


def test_the_newest_version_wins_and_a_deletion_stays(catalog: Catalog, events: EventTable) -> None:
    events.publish(store_event(2, 3, "fr_fr"), store_event(2, 2, "fr_old"))
    drain(catalog)
    assert catalog.reads.stores() == {"fr_fr": 2}
    events.publish(store_event(2, 3, "fr_again"), store_event(2, 4, None))
    drain(catalog)
    assert catalog.reads.stores() == {}
    events.publish(store_event(2, 3, "fr_fr"))  # late: never resurrects the deleted view
    drain(catalog)
    assert catalog.reads.stores() == {}
    events.publish(store_event(2, 5, "fr"))
    drain(catalog)
    assert catalog.reads.stores() == {"fr": 2}


def test_codes_swapped_between_views_in_one_batch(catalog: Catalog, events: EventTable) -> None:
    events.publish(store_event(1, 1, "a"), store_event(2, 1, "b"))
    drain(catalog)
    events.publish(store_event(1, 2, "b"), store_event(2, 2, "a"))
    drain(catalog)
    assert catalog.reads.stores() == {"b": 1, "a": 2}


def test_one_by_one_apply_has_the_same_outcomes(
    catalog: Catalog, sessions: sessionmaker[Session]
) -> None:
    """The path the consumer takes to isolate a bad event in a batch."""
    steps = [
        (store_event(4, 2, "it"), Outcome.APPLIED),
        (store_event(4, 1, "it_old"), Outcome.STALE),
        (store_event(5, 1, "it"), Outcome.APPLIED),  # the code moved to view 5
        (store_event(4, 3, None), Outcome.DELETED),
        (store_event(4, 2, "it"), Outcome.STALE),
    ]
    for event, expected in steps:
        with sessions.begin() as session:
            assert apply_event(session, event) is expected
    assert catalog.reads.stores() == {"it": 5}
