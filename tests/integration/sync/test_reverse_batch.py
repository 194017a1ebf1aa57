"""Reverse sync applies outbox rows in batches (one MySQL transaction for many rows) on real
MariaDB and Postgres: a customer's rows in one batch apply in order (created, edited, deleted,
born again), each with its own marker and state hash; the grid follows; a poison row in a batch
goes to the DLQ alone, the rest of its batch is applied."""

# ruff: noqa: F811 - the fixtures are imported from test_reverse_support

from __future__ import annotations

import dataclasses

import pytest

from ficus_sync.core.statehash import state_hash
from ficus_sync.reverse.worker import ReverseConfig
from tests.integration.sync.test_reverse_support import (  # noqa: F401 - fixtures
    Magento,
    Running,
    Service,
    config,
    customer,
    drained,
    magento,
    service,
)

pytestmark = pytest.mark.integration


def start(config: ReverseConfig, apply_batch: int) -> Running:
    return Running(dataclasses.replace(config, apply_batch=apply_batch))


def grid_email(magento: Magento, entity_id: int) -> object:
    return magento.scalar("SELECT email FROM customer_grid_flat WHERE entity_id = %s", entity_id)


def test_a_customers_rows_in_one_batch_apply_in_order_each_with_its_marker(
    service: Service, magento: Magento, config: ReverseConfig
) -> None:
    born, edited = customer(9101), customer(9101, firstname="Bo", email="bo@example.com")
    other = customer(9102)
    ids = [
        service.write(born), service.write(other), service.write(edited, born),
        service.write(None, edited, entity_id=9101, kind="deleted"), service.write(born),
        service.write(edited, born),
    ]  # fmt: skip
    running = start(config, apply_batch=50)
    try:
        drained(service)
    finally:
        running.halt()
    assert magento.read(9101) == edited and magento.read(9102) == other
    states = (born, other, edited, None, born, edited)
    log = magento.log()
    assert [r[0] for r in log] == ids and {r[3] for r in log} == {"applied"}
    assert [r[2] for r in log] == [state_hash(s) for s in states]
    assert grid_email(magento, 9101) == "bo@example.com" and grid_email(magento, 9102)
    assert magento.scalar("SELECT count(*) FROM ficus_reverse_conflict") == 0
    assert running.status.applied_total.labels("customer")._value.get() == len(ids)


def test_a_poison_row_in_a_batch_goes_to_the_dlq_alone(
    service: Service, magento: Magento, config: ReverseConfig
) -> None:
    before = [service.write(customer(9200 + n)) for n in range(5)]
    refused = service.write(customer(9210, website_id=79))  # no such website: a FK refuses
    after = [service.write(customer(9220 + n)) for n in range(5)]
    running = start(config, apply_batch=50)
    try:
        drained(service)
    finally:
        running.halt()
    statuses = {r[0]: r[3] for r in magento.log()}
    assert statuses == {**dict.fromkeys(before + after, "applied"), refused: "dead"}
    assert magento.read(9210) is None
    assert all(magento.read(c) is not None for c in [*range(9200, 9205), *range(9220, 9225)])
    assert running.status.dead_total.labels("customer")._value.get() == 1
    assert running.status.applied_total.labels("customer")._value.get() == 10
