"""Reverse sync's worker on real MariaDB (Magento's schema) and a real service database (the
reverse contract's outbox): each outbox row applied once with its marker, conflicts merged by
policy and logged, the id pool kept filled."""

# ruff: noqa: F811 - the fixtures are imported from test_reverse_support

from __future__ import annotations

from collections.abc import Callable

import pytest

from ficus_sync.core.statehash import state_hash
from ficus_sync.reverse import actions, ledger
from ficus_sync.reverse.magento import Magento as ReverseMagento
from ficus_sync.reverse.outbox import Outbox
from ficus_sync.reverse.worker import ReverseConfig
from tests.integration.sync.conftest import poll
from tests.integration.sync.test_reverse_support import (  # noqa: F401 - fixtures
    START,
    Magento,
    Running,
    Service,
    config,
    customer,
    drained,
    magento,
    service,
    worker,
)

pytestmark = pytest.mark.integration


def test_a_customer_born_in_the_service_reaches_magento_once(
    service: Service, magento: Magento, worker: Callable[[], Running]
) -> None:
    running = worker()
    full = {"customer_entity": 10, "customer_address_entity": 10}
    poll(lambda: service.pool_sizes() == full, 30, "the id pools were not filled")
    entity_id = service.take_id("customer_entity")
    address_id = service.take_id("customer_address_entity")
    address = {
        "entity_id": address_id, "firstname": "Ann", "lastname": "Lee", "street": "1 Main St",
        "city": "Oslo", "country_id": "NO", "telephone": "555", "created_at": START,
        "updated_at": START,
    }  # fmt: skip
    state = customer(entity_id, addresses=[address], default_billing=address_id)
    outbox_id = service.write(state)
    drained(service)
    assert magento.read(entity_id) == state
    assert magento.log() == [(outbox_id, entity_id, state_hash(state), "applied")]
    grid = magento.scalar("SELECT email FROM customer_grid_flat WHERE entity_id = %s", entity_id)
    assert grid == state.email  # Magento's admin grid lists the customer
    assert running.status.health()["customer"]["running"] is True
    assert running.status.applied_total.labels("customer")._value.get() == 1


def test_both_sides_edit_newest_wins_and_the_conflict_is_logged(
    service: Service, magento: Magento, worker: Callable[[], Running], mysql_url: str
) -> None:
    base = customer(7001)
    magento.write(base)
    magento.write(base.model_copy(update={"firstname": "Magda", "lastname": "Berg",
                                          "updated_at": "2026-01-02 10:00:00"}))  # fmt: skip
    edited = base.model_copy(update={"firstname": "Sera", "updated_at": "2026-01-03 10:00:00"})
    service.write(edited, base)  # its HLC is now: newer than Magento's 2026-01-02
    running = worker()
    drained(service)
    now = magento.read(7001)
    assert now is not None and (now.firstname, now.lastname) == ("Sera", "Berg")
    [row] = actions.conflicts(mysql_url, "customer", False)
    assert (row.field, row.magento_value, row.service_value) == ("firstname", "Magda", "Sera")
    assert (row.winner, row.policy, row.status) == ("service", "newest_wins", "resolved")
    assert running.status.conflicts_total.labels("customer", "newest_wins")._value.get() == 1


def test_a_deletion_deletes_and_its_marker_is_the_deleted_hash(
    service: Service, magento: Magento, worker: Callable[[], Running]
) -> None:
    magento.write(customer(7002))
    outbox_id = service.write(None, customer(7002), entity_id=7002, kind="deleted")
    worker()
    drained(service)
    assert magento.read(7002) is None
    assert magento.log() == [(outbox_id, 7002, state_hash(None), "applied")]


def test_a_row_applied_before_a_crash_is_acknowledged_not_applied_again(
    service: Service, magento: Magento, config: ReverseConfig, worker: Callable[[], Running]
) -> None:
    outbox_id = service.write(customer(7003))
    [row] = Outbox(service.conn, "customer").pending()
    ReverseMagento(magento.conn, config.domain).apply(row, 0.0)  # committed, never acked
    magento.write(customer(7003, firstname="Changed in Magento since"))
    running = worker()
    drained(service)
    assert magento.read(7003).firstname == "Changed in Magento since"  # type: ignore[union-attr]
    assert [r[0] for r in magento.log()] == [outbox_id]
    assert running.status.applied_total.labels("customer")._value.get() == 0


def test_a_block_handed_before_a_crash_is_not_handed_twice(
    service: Service, magento: Magento, worker: Callable[[], Running]
) -> None:
    box = Outbox(service.conn, "customer")
    ids = [9001, 9002, 9003]
    block = ledger.reserve_block(magento.conn, "customer_entity", ids)
    assert box.hand_block(block, "customer_entity", ids)  # handed; the crash lost mark_handed
    taken = service.take_id("customer_entity")  # the service used one meanwhile
    worker()
    poll(lambda: not ledger.unhanded_blocks(magento.conn), 30, "the block was never marked")
    rows = service.conn.execute(
        "SELECT entity_id FROM magento_id_pool WHERE entity_table = 'customer_entity'"
    )
    pooled = {int(r[0]) for r in rows}
    assert taken not in pooled and set(ids) - {taken} <= pooled
    top = magento.scalar("SELECT COALESCE(MAX(entity_id), 0) FROM customer_entity")
    assert all(entity_id > top for entity_id in pooled)


def test_a_broken_id_pool_is_reported_and_the_outbox_still_flows(
    service: Service, magento: Magento, worker: Callable[[], Running]
) -> None:
    service.conn.execute("DROP TABLE magento_id_pool, magento_id_block")
    service.write(customer(7004))
    running = worker()
    drained(service)
    assert magento.read(7004) == customer(7004)
    assert "id pool" in (running.status.health()["customer"]["last_error"] or "")
    assert service.conn.execute("SELECT to_regclass('magento_id_block')").fetchone() != (None,)
