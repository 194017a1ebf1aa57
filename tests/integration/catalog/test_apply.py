"""Event apply on real Postgres: versions, deletes, idempotence, checkpoint atomicity, DLQ."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from ficus_catalog.applying import CatalogApply, Prepared, apply_event, apply_events
from ficus_catalog.bootstrap import Catalog, feed_applier
from ficus_catalog.product_mapper import category_state, product_state
from ficus_catalog.tables import (
    Category,
    ConsumerCheckpoint,
    DeadLetter,
    Product,
    ProductStoreValue,
)
from ficus_catalog.testing import deletion_event, event_row, product_event
from ficus_catalog.testing import product_state as make_state
from ficus_contracts.events import CategoryState, DomainEvent, EventKind
from ficus_feed.consumer import Consumer
from ficus_feed.core import Outcome
from ficus_feed.errors import CheckpointMoved
from ficus_feed.metrics import FeedMetrics
from ficus_feed.pg.source import PostgresEventSource
from tests.integration.catalog.conftest import EventTable

pytestmark = pytest.mark.integration


def consumer_of(catalog: Catalog) -> Consumer:
    assert catalog.consumer is not None
    return catalog.consumer


def stored(catalog: Catalog, entity_id: int) -> Product | None:
    with catalog.sessions() as session:
        stmt = select(Product).where(Product.entity_id == entity_id)
        product = session.execute(stmt).scalar_one_or_none()
    return None if product is None else catalog.reads.by_uuid(product.uuid)


def counted(catalog: Catalog, outcome: Outcome) -> float:
    value = catalog.metrics.registry.get_sample_value(
        "ficus_catalog_events_total", {"aggregate": "product", "outcome": outcome.value}
    )
    return value or 0.0


def checkpoint(sessions: sessionmaker[Session]) -> int | None:
    with sessions() as session:
        return session.execute(select(ConsumerCheckpoint.last_seq)).scalar_one_or_none()


def test_create_update_stale_and_delete(catalog: Catalog, events: EventTable) -> None:
    first, newer = make_state(1), make_state(1, name="Renamed", price="9.990000")
    events.publish(product_event(first, 1), product_event(newer, 3), product_event(first, 2))
    consumer_of(catalog).drain()

    product = stored(catalog, 1)
    assert product is not None and product.version == 3
    assert product_state(product) == newer
    assert counted(catalog, Outcome.APPLIED) == 2
    assert counted(catalog, Outcome.STALE) == 1

    events.publish(deletion_event(1, 4), product_event(first, 3))  # a late upsert stays dead
    consumer_of(catalog).drain()
    assert stored(catalog, 1) is None
    assert counted(catalog, Outcome.DELETED) == 1
    assert counted(catalog, Outcome.STALE) == 2
    with catalog.sessions() as session:
        assert session.execute(select(func.count()).select_from(ProductStoreValue)).scalar() == 0


def test_the_same_event_twice_has_one_effect(catalog: Catalog, events: EventTable) -> None:
    event = product_event(make_state(2), 5)
    events.publish(event, event)
    consumer_of(catalog).drain()
    with catalog.sessions() as session:
        event_again = session.execute(select(Product.version)).scalars().all()
        assert event_again == [5]
        assert apply_event(session, event) is Outcome.STALE
    assert counted(catalog, Outcome.APPLIED) == 1
    assert counted(catalog, Outcome.STALE) == 1


def test_a_bad_event_goes_to_the_dead_letters_and_the_stream_goes_on(
    catalog: Catalog, events: EventTable
) -> None:
    bad = event_row(product_event(make_state(3), 1))
    bad["payload"]["created_at"] = "yesterday"
    seqs = events.publish(bad, product_event(make_state(4), 1))
    consumer_of(catalog).drain()

    assert checkpoint(catalog.sessions) == seqs[-1]
    assert stored(catalog, 3) is None
    assert stored(catalog, 4) is not None
    with catalog.sessions() as session:
        letter = session.execute(select(DeadLetter)).scalar_one()
    assert letter.seq == seqs[0]
    assert "created_at" in letter.error
    assert letter.event["payload"]["created_at"] == "yesterday"
    assert counted(catalog, Outcome.DEAD_LETTER) == 1


def test_a_failing_apply_leaves_no_effect_and_the_checkpoint_unmoved(
    catalog: Catalog, events: EventTable
) -> None:
    seqs = events.publish(product_event(make_state(5), 1), product_event(make_state(6), 1))

    class CrashAfterWriting(CatalogApply):
        def apply(self, tx: Session, batch: Sequence[Prepared]) -> list[Outcome]:
            apply_events(tx, batch)  # writes, then the process "dies" before the commit
            raise RuntimeError("crash after the effect, before the commit")

    applier = feed_applier(catalog.sessions, "catalog")
    applier.service = CrashAfterWriting()
    crashing = Consumer(PostgresEventSource(events.url), applier, FeedMetrics.standard("c"))
    with pytest.raises(RuntimeError):
        crashing.drain()
    crashing.stop()
    assert checkpoint(catalog.sessions) is None
    assert stored(catalog, 5) is None and stored(catalog, 6) is None

    consumer_of(catalog).drain()  # a healthy consumer resumes from the unmoved checkpoint
    assert checkpoint(catalog.sessions) == seqs[-1]
    assert stored(catalog, 5) is not None and stored(catalog, 6) is not None


def test_a_database_error_isolates_the_culprit_and_applies_the_rest(
    catalog: Catalog, events: EventTable
) -> None:
    too_big = make_state(8, attribute_set_id=2**40)  # valid JSON, out of range for the column
    seqs = events.publish(
        product_event(make_state(7), 1), product_event(too_big, 1), product_event(make_state(9), 1)
    )
    consumer_of(catalog).drain()
    assert checkpoint(catalog.sessions) == seqs[-1]
    assert stored(catalog, 7) is not None and stored(catalog, 9) is not None
    assert stored(catalog, 8) is None
    with catalog.sessions() as session:
        letter = session.execute(select(DeadLetter)).scalar_one()
    assert letter.seq == seqs[1] and "DataError" in letter.error
    assert counted(catalog, Outcome.APPLIED) == 2


def test_a_batch_from_a_stale_checkpoint_is_refused(catalog: Catalog, events: EventTable) -> None:
    seqs = events.publish(product_event(make_state(10), 1))
    consumer_of(catalog).drain()
    rows = PostgresEventSource(events.url).fetch_after(0, 10)
    with pytest.raises(CheckpointMoved):
        feed_applier(catalog.sessions, "catalog").apply_batch(rows, after_seq=0)
    assert checkpoint(catalog.sessions) == seqs[-1]


def test_category_events_are_applied_and_deleted(catalog: Catalog, events: EventTable) -> None:
    category_id = uuid.uuid4()

    def category(version: int, kind: EventKind, name: str = "Gear") -> DomainEvent:
        state = CategoryState(
            entity_id=5, parent_id=2, path="1/2/5", position=1, level=2,
            created_at="2024-01-01 00:00:00", updated_at="2024-01-02 00:00:00",
            attributes={0: {"name": name, "is_active": "1"}, 2: {"name": f"{name} FR"}},
        )  # fmt: skip
        payload = state if kind is EventKind.UPSERTED else None
        return DomainEvent(
            aggregate="category", aggregate_id=category_id, entity_id=5, version=version,
            kind=kind, payload=payload,
        )  # fmt: skip

    events.publish(category(1, EventKind.UPSERTED), category(2, EventKind.UPSERTED, "Outdoor"))
    consumer_of(catalog).drain()
    with catalog.sessions() as session:
        stored_category = session.get(
            Category, category_id, options=[selectinload(Category.stores)]
        )
        assert stored_category is not None and stored_category.version == 2
        expected = category(2, EventKind.UPSERTED, "Outdoor").payload
        assert category_state(stored_category) == expected
    events.publish(category(3, EventKind.DELETED), category(2, EventKind.UPSERTED))
    consumer_of(catalog).drain()
    with catalog.sessions() as session:
        assert session.get(Category, category_id) is None
