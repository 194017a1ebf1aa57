"""The consumer thread: woken by NOTIFY (the poll interval is 30 s here), lag metrics."""

from __future__ import annotations

import time

import pytest

from ficus_catalog.bootstrap import Catalog
from ficus_catalog.testing import product_event, product_state
from ficus_devstack.process import wait_until
from tests.integration.catalog.conftest import EventTable

pytestmark = pytest.mark.integration


def test_the_consumer_applies_a_notified_event_within_a_second(
    catalog: Catalog, events: EventTable
) -> None:
    assert catalog.consumer is not None
    catalog.start()
    assert wait_until(lambda: catalog.consumer is not None and catalog.consumer.running, 10)

    started = time.monotonic()
    events.publish(product_event(product_state(11), 1, source_ts_ms=int(time.time() * 1000)))
    assert wait_until(lambda: catalog.reads.by_sku("SKU-00011") is not None, 1.0, 0.01)
    assert time.monotonic() - started < 1.0

    registry = catalog.metrics.registry
    assert wait_until(
        lambda: registry.get_sample_value("ficus_catalog_consumer_checkpoint_seq") == 1, 2
    )
    assert registry.get_sample_value("ficus_catalog_consumer_lag_events") == 0
    assert registry.get_sample_value("ficus_catalog_apply_lag_seconds_count") == 1


def test_lag_metrics_count_the_events_behind(catalog: Catalog, events: EventTable) -> None:
    assert catalog.consumer is not None
    old = int(time.time() * 1000) - 5000
    events.publish(*(product_event(product_state(i), 1, source_ts_ms=old) for i in (1, 2, 3)))
    catalog.consumer.update_lag()
    registry = catalog.metrics.registry
    assert registry.get_sample_value("ficus_catalog_consumer_lag_events") == 3
    assert (registry.get_sample_value("ficus_catalog_consumer_lag_seconds") or 0) >= 5
    catalog.consumer.drain()
    catalog.consumer.update_lag()
    assert registry.get_sample_value("ficus_catalog_consumer_lag_events") == 0
    assert registry.get_sample_value("ficus_catalog_consumer_lag_seconds") == 0
