"""Two catalog consumers (replicas sharing one consumer name) against one event stream: each
event is applied exactly once, because each batch locks the checkpoint row `FOR UPDATE`."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from ficus_catalog.bootstrap import Catalog, build_consumer, feed_applier
from ficus_catalog.tables import ConsumerCheckpoint, Product
from ficus_catalog.testing import product_event, product_state
from ficus_feed.consumer import Consumer
from ficus_feed.core import Outcome
from ficus_feed.metrics import FeedMetrics
from tests.integration.catalog.conftest import (  # noqa: F401 (fixtures)
    EventTable,
    catalog,
    catalog_url,
    events,
)

pytestmark = pytest.mark.integration

EVENTS = 400


def replica(service: Catalog) -> Consumer:
    settings = service.settings.model_copy(update={"batch_size": 7, "poll_interval": 0.05})
    applier = feed_applier(service.sessions, settings.consumer_name)
    return build_consumer(settings, applier, FeedMetrics.standard("catalog"))


def applied(consumer: Consumer) -> float:
    labels = {"aggregate": "product", "outcome": Outcome.APPLIED.value}
    return consumer.metrics.registry.get_sample_value("ficus_catalog_events_total", labels) or 0


def checkpoint(service: Catalog) -> int:
    with service.sessions() as session:
        return session.execute(select(ConsumerCheckpoint.last_seq)).scalar_one_or_none() or 0


def test_two_replicas_apply_each_event_once(catalog: Catalog, events: EventTable) -> None:  # noqa: F811
    seqs = events.publish(*(product_event(product_state(i), 1) for i in range(1, EVENTS + 1)))
    first, second = replica(catalog), replica(catalog)
    first.start()
    second.start()
    deadline = time.monotonic() + 60
    while checkpoint(catalog) < seqs[-1] and time.monotonic() < deadline:
        first.source.wait(0.05)  # a bounded wait on the event channel, not a sleep
    first.stop()
    second.stop()  # joins: a batch in flight commits (or not) before we count

    assert checkpoint(catalog) == seqs[-1]
    assert applied(first) > 0 and applied(second) > 0, "both replicas took part"
    assert applied(first) + applied(second) == EVENTS
    with catalog.sessions() as session:
        assert session.execute(select(func.count()).select_from(Product)).scalar_one() == EVENTS
