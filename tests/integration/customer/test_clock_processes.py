"""The hybrid logical clock across processes and restarts (real Postgres, real OS processes):
each process has its own clock, skewed by an hour either way, yet a customer's stamps (its
outbox rows in commit order) always increase: every stamp is taken past the value stored with
the customer, its row or, once deleted, its tombstone, under the customer's row lock; a
restarted process resumes past every stored stamp."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.synchronize import Event

import psycopg
import pytest
from prometheus_client import CollectorRegistry
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from ficus_customer import repository
from ficus_customer.accounts import Accounts, WriteMetrics, load
from ficus_customer.applying import apply_customer
from ficus_customer.core import edits
from ficus_customer.core.hlc import HybridClock, wall_ms
from ficus_customer.repository import Conn
from ficus_customer.testing import customer_event, customer_state

pytestmark = pytest.mark.integration

HOUR_MS = 3_600_000
CUSTOMER = 4242
WRITES = 40


@contextmanager
def process_accounts(url: str, skew_ms: int) -> Iterator[Accounts]:
    """What one service process has: its own pool and its own clock, restored from the
    database at start (bootstrap's `max_hlc`), its wall clock `skew_ms` off."""
    with repository.connect(url) as conn:
        restored = repository.max_hlc(conn)
    clock = HybridClock(restored, wall=lambda: wall_ms() + skew_ms)
    pool: ConnectionPool[Conn] = ConnectionPool(
        url, min_size=1, max_size=2, kwargs={"row_factory": dict_row}, open=True
    )
    try:
        yield Accounts(pool, clock, 1, WriteMetrics.standard(CollectorRegistry()))
    finally:
        pool.close()


def edit(url: str, skew_ms: int, name: str, count: int, go: Event | None = None) -> None:
    """A process editing the customer `count` times (after `go`, when given)."""
    with process_accounts(url, skew_ms) as accounts:
        if go is not None:
            go.wait(30)
        for n in range(count):
            with accounts.transaction() as conn:
                before = load(conn, CUSTOMER, for_update=True)
                accounts.commit(
                    conn, before, edits.changed(before.state, {"lastname": f"{name}{n}"})
                )


def delete(url: str, skew_ms: int) -> None:
    with process_accounts(url, skew_ms) as accounts, accounts.transaction() as conn:
        accounts.commit(conn, load(conn, CUSTOMER, for_update=True), None)


def bring_back(url: str, skew_ms: int, ready: Event, go: Event) -> None:
    """A process running since before the deletion (its clock restored then) applies
    Magento's event that brings the customer back, then edits it."""
    with process_accounts(url, skew_ms) as accounts:
        ready.set()
        go.wait(60)
        with accounts.transaction() as conn:
            deleted = conn.execute("SELECT max(id) AS id FROM outbox").fetchone()
            assert deleted is not None
            event = customer_event(
                customer_state(CUSTOMER), 2, source_ts_ms=wall_ms() + skew_ms,
                reverse_watermark=int(deleted["id"]),
            )  # fmt: skip
            apply_customer(conn, event, accounts.clock)
        for n in range(3):
            with accounts.transaction() as conn:
                before = load(conn, CUSTOMER, for_update=True)
                changes = {"lastname": f"back{n}"}
                accounts.commit(conn, before, edits.changed(before.state, changes))


def run(target: object, *args: object) -> None:
    process = multiprocessing.get_context("spawn").Process(target=target, args=args)
    process.start()
    process.join(120)
    assert process.exitcode == 0, f"{target} failed"


def stamps(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT hlc FROM outbox WHERE entity_id = %s ORDER BY id", (CUSTOMER,)
        ).fetchall()
    return [int(row[0]) for row in rows]


def increasing(values: list[int]) -> bool:
    return all(a < b for a, b in zip(values, values[1:], strict=False))


@pytest.fixture
def stored(customer_url: str) -> str:
    """The customer, from Magento's first event (forward version 1)."""
    clock = HybridClock()
    with repository.connect(customer_url) as conn, conn.transaction():
        apply_customer(conn, customer_event(customer_state(CUSTOMER), 1), clock)
    return customer_url


def test_two_processes_with_skewed_clocks_stamp_one_customer_in_increasing_order(
    stored: str,
) -> None:
    spawn = multiprocessing.get_context("spawn")
    go = spawn.Event()
    writers = [
        spawn.Process(target=edit, args=(stored, skew, name, WRITES, go))
        for skew, name in ((HOUR_MS, "ahead"), (-HOUR_MS, "behind"))
    ]
    for writer in writers:
        writer.start()
    go.set()
    for writer in writers:
        writer.join(120)
        assert writer.exitcode == 0
    written = stamps(stored)
    assert len(written) == 2 * WRITES
    assert increasing(written)


def test_a_customer_deleted_by_one_process_and_back_through_another_stays_increasing(
    stored: str,
) -> None:
    spawn = multiprocessing.get_context("spawn")
    ready, go = spawn.Event(), spawn.Event()
    behind = spawn.Process(target=bring_back, args=(stored, -HOUR_MS, ready, go))
    behind.start()
    assert ready.wait(60), "the second process did not start"
    run(delete, stored, HOUR_MS)  # a process whose clock is an hour ahead deletes it
    [deletion] = stamps(stored)
    go.set()  # the process an hour behind brings it back (Magento's event) and edits it
    behind.join(120)
    assert behind.exitcode == 0
    written = stamps(stored)
    assert len(written) == 4 and written[0] == deletion
    assert increasing(written)  # the tombstone kept the deletion's stamp


def test_a_restarted_process_resumes_past_every_stored_stamp(stored: str) -> None:
    run(delete, stored, HOUR_MS)
    [deletion] = stamps(stored)
    with psycopg.connect(stored) as conn:
        conn.execute("DELETE FROM outbox")  # pruned: only the tombstone remembers the stamp
    with repository.connect(stored) as conn:
        assert repository.max_hlc(conn) == deletion
    with process_accounts(stored, -HOUR_MS) as accounts:
        assert accounts.clock.now() > deletion
