"""No echo on real MariaDB + Postgres, embedded engine (docs/reverse-sync.md): reverse sync's
own writes (a `ficus_reverse_log` marker first, then the rows, one MySQL transaction) come back
through capture as no event and no version bump; an edit made in Magento after them is emitted,
also when it lands in the same batch, and an expectation that never matched cannot swallow a
later genuine edit that happens to produce its state. The test decides the batches (`Stepper`)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pytest

from ficus_sync.core.statehash import state_hash
from ficus_sync.settings import SyncSettings
from tests.integration.sync.customer_rows import (
    Customers,
    Stepper,
    events_of,
    projection_of,
    stepper,
)
from tests.integration.sync.shop import Shop

pytestmark = pytest.mark.integration


@pytest.fixture
def customers(shop: Shop) -> Customers:
    customers = Customers(shop.conn)
    customers.ensure_log()
    return customers


@pytest.fixture
def ada(customers: Customers) -> int:
    entity_id = customers.create("ada@example.com", note="vip")
    customers.add_address(entity_id, "Paris")
    customers.conn.commit()
    return entity_id


@pytest.fixture
def steps(sync_settings: SyncSettings, ada: int) -> Iterator[Stepper]:
    with stepper(sync_settings) as running:  # the snapshot emits ada's version 1
        yield running


def _suppressed(steps: Stepper) -> float:
    sample = steps.components.lag.registry.get_sample_value(
        "ficus_sync_echo_suppressed_total", {"aggregate": "customer"}
    )
    return sample or 0.0


def _expectations(steps: Stepper) -> int:
    row = steps.components.pg.execute("SELECT count(*) FROM echo_expectation").fetchone()
    return int(row[0]) if row else 0


def test_a_reverse_write_is_not_emitted(
    customers: Customers, ada: int, steps: Stepper, sync_settings: SyncSettings
) -> None:
    digest = customers.reverse_write(ada, 1, partial(customers.rename, ada, "Augusta"))
    steps.step(sync_settings)
    assert [e[0] for e in events_of(sync_settings, ada)] == [1]
    assert projection_of(sync_settings, ada) == (1, digest)
    assert digest == state_hash(customers.state(ada))
    assert _suppressed(steps) == 1
    assert _expectations(steps) == 0


def test_an_admin_edit_after_a_reverse_write_in_the_same_batch_is_emitted(
    customers: Customers, ada: int, steps: Stepper, sync_settings: SyncSettings
) -> None:
    customers.reverse_write(ada, 1, partial(customers.rename, ada, "Augusta"))
    customers.set_note(ada, "edited in the admin")
    customers.conn.commit()
    batch = steps.take(sync_settings)
    assert len(batch) >= 2
    steps.apply(batch)
    events = events_of(sync_settings, ada)
    assert [e[0] for e in events] == [1, 2]
    assert events[-1][2]["firstname"] == "Augusta"
    assert events[-1][2]["attributes"] == {"ficus_note": "edited in the admin"}
    assert projection_of(sync_settings, ada) == (2, state_hash(customers.state(ada)))
    assert _suppressed(steps) == 0


@pytest.mark.parametrize("one_batch", [True, False])
def test_many_reverse_writes_emit_nothing(
    customers: Customers, ada: int, steps: Stepper, sync_settings: SyncSettings, one_batch: bool
) -> None:
    for n in range(1, 6):
        customers.reverse_write(ada, n, partial(customers.rename, ada, f"Name {n}"))
        if not one_batch:
            steps.step(sync_settings)
    if one_batch:
        steps.step(sync_settings)
    assert [e[0] for e in events_of(sync_settings, ada)] == [1]
    assert projection_of(sync_settings, ada) == (1, state_hash(customers.state(ada)))
    assert _suppressed(steps) == (1 if one_batch else 5)
    assert _expectations(steps) == 0


def test_an_unmatched_expectation_cannot_swallow_a_later_genuine_edit(
    customers: Customers, ada: int, steps: Stepper, sync_settings: SyncSettings
) -> None:
    """A marker whose hash is not the state its rows leave (here: the state a LATER admin
    edit produces) expects nothing that happens: its rows are emitted, and so is that edit."""
    future = customers.rehearse(ada, partial(customers.rename, ada, "Future"))
    customers.reverse_write(ada, 1, partial(customers.rename, ada, "Other"), digest=future)
    steps.step(sync_settings)
    assert [e[2]["firstname"] for e in events_of(sync_settings, ada)] == ["Ada", "Other"]
    customers.rename(ada, "Future")
    customers.conn.commit()
    steps.step(sync_settings)
    events = events_of(sync_settings, ada)
    assert [(e[0], e[2]["firstname"]) for e in events] == [(1, "Ada"), (2, "Other"), (3, "Future")]
    assert projection_of(sync_settings, ada) == (3, future)
    assert _suppressed(steps) == 0


def test_a_customer_born_in_the_service_is_not_announced_back(
    customers: Customers, steps: Stepper, sync_settings: SyncSettings
) -> None:
    born = 9000
    customers.reverse_write(
        born, 1, partial(customers.create, "new@example.com", "Nova", None, born)
    )
    steps.step(sync_settings)
    assert events_of(sync_settings, born) == []
    assert projection_of(sync_settings, born) == (0, state_hash(customers.state(born)))
    row = steps.components.pg.execute(
        "SELECT count(*) FROM id_map WHERE aggregate = 'customer' AND entity_id = %s", (born,)
    ).fetchone()
    assert row == (1,)
    customers.rename(born, "Nova Edited", "2024-06-01 00:00:00")
    customers.conn.commit()
    steps.step(sync_settings)
    assert [(e[0], e[2]["firstname"]) for e in events_of(sync_settings, born)] == [
        (1, "Nova Edited")
    ]
