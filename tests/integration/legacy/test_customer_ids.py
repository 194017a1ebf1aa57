"""Reserving Magento ids, Magento's clock offset and the reverse log, on real MariaDB."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pymysql
import pytest

from ficus_devstack import Stack
from ficus_legacy.customers import clock_offset_ms, ensure_reverse_log, ids, reserve_ids

pytestmark = pytest.mark.integration
Conn = pymysql.Connection  # type: ignore[type-arg]


@pytest.fixture
def connect(stack: Stack, mariadb_database: str) -> Iterator[Callable[[], Conn]]:
    """More connections to the test's database (autocommit: each statement commits)."""
    opened: list[Conn] = []

    def _open() -> Conn:
        s = stack.settings
        conn = pymysql.connect(host=s.host, port=s.mariadb_port, user=s.mariadb_user,
                               password=s.mariadb_password, database=mariadb_database,
                               charset="utf8mb4", autocommit=True)  # fmt: skip
        opened.append(conn)
        return conn

    yield _open
    for conn in opened:
        conn.close()


def _plain_insert(conn: Conn, n: int) -> int:
    """A customer inserted as Magento does (no entity_id): its id."""
    with conn.cursor() as cur:
        cur.execute("INSERT INTO customer_entity (email, website_id) VALUES (%s, 1)",
                    (f"plain{n}-{time.monotonic_ns()}@example.com",))  # fmt: skip
        return int(cur.lastrowid)


def test_magentos_next_insert_lands_above_the_block(
    magento: Conn, connect: Callable[[], Conn]
) -> None:
    other = connect()
    before = _plain_insert(other, 0)
    block = reserve_ids(magento, "customer_entity", 10)
    assert block == list(range(before + 1, before + 11))
    assert _plain_insert(other, 1) == before + 11
    address_block = reserve_ids(magento, "customer_address_entity", 3)
    assert address_block == [1, 2, 3]
    with magento.cursor() as cur:  # the reserved ids are free for explicit inserts
        cur.executemany("INSERT INTO customer_entity (entity_id, email) VALUES (%s, %s)",
                        [(i, f"r{i}@example.com") for i in block])  # fmt: skip
    magento.commit()


def test_ids_magento_took_during_the_reservation_are_left_out(
    magento: Conn, connect: Callable[[], Conn], monkeypatch: pytest.MonkeyPatch
) -> None:
    other = connect()
    real = ids._next_auto_increment
    taken: list[int] = []

    def read_then_magento_inserts(conn: Conn, table: str) -> int:
        counter = real(conn, table)
        if not taken:  # Magento inserts between the first read and the ALTER
            taken.extend(_plain_insert(other, n) for n in range(2))
        return counter

    monkeypatch.setattr(ids, "_next_auto_increment", read_then_magento_inserts)
    block = reserve_ids(magento, "customer_entity", 5)
    assert taken == [1, 2]
    assert block == [3, 4, 5, 6, 7]  # a second round reserved the shortfall
    assert _plain_insert(other, 9) > max(block)


def test_concurrent_inserts_never_collide_with_reserved_ids(
    magento: Conn, connect: Callable[[], Conn]
) -> None:
    inserter, stop, inserted = connect(), threading.Event(), []
    started = threading.Event()

    def insert_until_stopped() -> None:
        while not stop.is_set():
            inserted.append(_plain_insert(inserter, len(inserted)))
            if len(inserted) >= 5:
                started.set()

    thread = threading.Thread(target=insert_until_stopped)
    thread.start()
    try:
        assert started.wait(timeout=30)
        blocks = [reserve_ids(magento, "customer_entity", 7) for _ in range(15)]
    finally:
        stop.set()
        thread.join(timeout=30)
    reserved = [i for block in blocks for i in block]
    assert [len(block) for block in blocks] == [7] * 15
    assert len(reserved) == len(set(reserved))
    assert not set(reserved) & set(inserted)
    with magento.cursor() as cur:
        cur.executemany("INSERT INTO customer_entity (entity_id, email) VALUES (%s, %s)",
                        [(i, f"r{i}@example.com") for i in reserved])  # fmt: skip
    magento.commit()


def test_reserve_ids_refuses_other_tables(magento: Conn) -> None:
    with pytest.raises(ValueError, match="sales_order"):
        reserve_ids(magento, "sales_order", 3)


def test_clock_offset_of_a_database_on_this_machine_is_small(magento: Conn) -> None:
    assert abs(clock_offset_ms(magento)) < 500


def test_ensure_reverse_log_is_idempotent(magento: Conn) -> None:
    ensure_reverse_log(magento)
    ensure_reverse_log(magento)
    with magento.cursor() as cur:
        cur.execute(
            "INSERT INTO ficus_reverse_log (domain, outbox_id, aggregate, entity_id, state_hash,"
            " applied_at) VALUES ('customer', 1, 'customer', 5, 'h', UTC_TIMESTAMP(6))"
        )
        with pytest.raises(pymysql.IntegrityError):
            cur.execute(
                "INSERT INTO ficus_reverse_log (domain, outbox_id, aggregate, entity_id,"
                " state_hash, applied_at) VALUES ('customer', 1, 'customer', 6, 'h', NOW(6))"
            )
