"""MariaDB changes → Debezium → Kafka → `KafkaSource` (the pipeline's capture port), with the
Connect worker killed -9 mid-stream and the consumer crashing between apply and commit.

The applier keeps the rows in memory (the test's own model of a mirror, keyed by primary key)
and the position it committed; at the end the model must equal MariaDB table by table, and no
source transaction (GTID) may have been released twice."""

from __future__ import annotations

import copy
import random
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from ficus_devstack.process import ProcessState, wait_until
from ficus_sync.capture.kafka.source import KafkaSource, consumer_lag
from ficus_sync.capture.port import Position, Transaction
from ficus_sync.connect import ConnectClient
from ficus_sync.core.envelope import Op
from ficus_sync.errors import SourceUnavailable
from tests.integration.kafka.conftest import KafkaStack, Source, register_source, wait_running

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

KEYS = {
    "cataloginventory_stock_item": "item_id",
    "catalog_product_entity": "entity_id",
    "catalog_product_entity_decimal": "value_id",
}
CHANGES = 5000


class Applier:
    """Applies released transactions to an in-memory copy and 'commits' the position."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[Any, dict[str, Any]]] = {t: {} for t in KEYS}
        self.position: Position | None = None
        self.released: list[str] = []
        self.events = 0

    def apply(self, txn: Transaction) -> None:
        for event in txn.events:
            key = event.row[KEYS[event.table]]
            if event.op is Op.DELETE:
                self.rows[event.table].pop(key, None)
            else:
                assert event.after is not None
                self.rows[event.table][key] = dict(event.after)
            self.events += 1
        if txn.events and txn.events[0].transaction_id:
            self.released.append(txn.events[0].transaction_id)
        self.position = txn.position


def random_changes(source: Source, count: int, seed: int) -> None:
    """`count` row changes in transactions of 1-12 statements on the three tables."""
    rng = random.Random(seed)
    conn = source.connection()
    conn.autocommit(False)
    done = 0
    with conn.cursor() as cur:
        while done < count:
            for _ in range(rng.randint(1, 12)):
                done += _one_change(cur, rng)
            conn.commit()
    conn.close()


STOCK_UPSERT = (
    "INSERT INTO cataloginventory_stock_item (product_id, stock_id, qty, is_in_stock,"
    " low_stock_date, notify_stock_qty) VALUES (%s, 1, %s, 1, %s, NULL)"
    " ON DUPLICATE KEY UPDATE qty = VALUES(qty), low_stock_date = VALUES(low_stock_date)"
)
DECIMAL_UPSERT = (
    "INSERT INTO catalog_product_entity_decimal (attribute_id, store_id, entity_id, value)"
    " VALUES (77, 0, %s, %s) ON DUPLICATE KEY UPDATE value = VALUES(value)"
)
PRODUCT_UPSERT = (
    "INSERT INTO catalog_product_entity (sku, updated_at) VALUES (%s, %s)"
    " ON DUPLICATE KEY UPDATE updated_at = VALUES(updated_at)"
)


def _one_change(cur: Any, rng: random.Random) -> int:
    """One statement; returns how many rows it changed (0 or more)."""
    product = rng.randint(1, 300)
    roll = rng.random()
    if roll < 0.45:
        qty = Decimal(rng.randint(0, 10_000_000)) / 10_000
        low = (
            None
            if rng.random() < 0.5
            else f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 10:00:00"
        )
        return int(cur.execute(STOCK_UPSERT, (product, qty, low)))
    if roll < 0.75:
        value = Decimal(rng.randint(-99_999_999, 99_999_999)) / 1_000_000
        return int(cur.execute(DECIMAL_UPSERT, (product, value)))
    if roll < 0.9:
        updated = f"2025-01-{rng.randint(10, 28)} 0{rng.randint(0, 9)}:00:00"
        return int(cur.execute(PRODUCT_UPSERT, (f"SKU-{product}", updated)))
    table = rng.choice(["cataloginventory_stock_item", "catalog_product_entity_decimal"])
    column = "product_id" if table == "cataloginventory_stock_item" else "entity_id"
    return int(cur.execute(f"DELETE FROM {table} WHERE {column} = %s", (product,)))


def mariadb_rows(source: Source) -> dict[str, dict[Any, dict[str, Any]]]:
    conn = source.connection()
    result: dict[str, dict[Any, dict[str, Any]]] = {}
    with conn.cursor() as cur:
        for table, key in KEYS.items():
            cur.execute(f"SELECT * FROM {table}")
            names = [d[0] for d in cur.description]
            result[table] = {
                row[names.index(key)]: dict(zip(names, row, strict=True)) for row in cur
            }
    conn.close()
    return result


def new_source(kafka_stack: KafkaStack, source: Source, group: str) -> KafkaSource:
    return KafkaSource(kafka_stack.bootstrap_servers, group, source.spec)


@pytest.fixture
def captured(kafka_stack: KafkaStack, connect_client: ConnectClient) -> Iterator[Source]:
    source = register_source(kafka_stack, connect_client, "stream", 5501)
    yield source
    connect_client.delete(source.connector)


def drain(kafka_source: KafkaSource, applier: Applier, until: Any, timeout: float) -> bool:
    def step() -> bool:
        txn = kafka_source.poll(0.2)
        if txn is not None:
            applier.apply(txn)
            kafka_source.committed(txn.position)
        return bool(until())

    return wait_until(step, timeout, interval=0)


def crash_and_recover(
    kafka_stack: KafkaStack, captured: Source, kafka_source: KafkaSource, applier: Applier
) -> tuple[KafkaSource, Applier]:
    """kill -9 of the consumer: what it applied after `durable` is lost together with its
    position (they commit together), while Kafka's group offsets already moved past it."""
    assert drain(kafka_source, applier, lambda: applier.events >= 200, 60)
    durable = copy.deepcopy(applier)
    assert drain(kafka_source, applier, lambda: applier.events >= durable.events + 200, 60)
    kafka_source.close()
    recovered = new_source(kafka_stack, captured, kafka_source.group)
    recovered.open(durable.position, {})
    return recovered, durable


def kill_connect(kafka_stack: KafkaStack, connect_client: ConnectClient, captured: Source) -> None:
    kafka_stack.connect.process.kill()
    kafka_stack.connect.start()
    assert wait_running(connect_client, captured.connector, 90)


def test_changes_survive_connect_kill_and_consumer_crash(
    kafka_stack: KafkaStack, connect_client: ConnectClient, captured: Source
) -> None:
    applier = Applier()
    kafka_source = new_source(kafka_stack, captured, f"{captured.database}-sync")
    kafka_source.open(None, {})
    writer = threading.Thread(target=random_changes, args=(captured, CHANGES, 7))
    writer.start()
    try:
        kafka_source, applier = crash_and_recover(kafka_stack, captured, kafka_source, applier)
        assert drain(kafka_source, applier, lambda: applier.events >= 800, 60)
        kill_connect(kafka_stack, connect_client, captured)  # while the writer still writes
        writer.join(timeout=120)
        assert not writer.is_alive()
        expected = mariadb_rows(captured)
        converged = drain(kafka_source, applier, lambda: applier.rows == expected, 120)
    finally:
        writer.join(timeout=120)
        kafka_source.close()

    for table in KEYS:
        mine, theirs = applier.rows[table], expected[table]
        missing, extra = theirs.keys() - mine.keys(), mine.keys() - theirs.keys()
        differ = [k for k in theirs if k in mine and mine[k] != theirs[k]]
        assert not (missing or extra or differ), (
            table,
            sorted(missing)[:5],
            sorted(extra)[:5],
            differ[:5],
        )
    assert converged
    assert len(applier.released) == len(set(applier.released)), "a transaction was applied twice"
    topics = [captured.spec.topic(t) for t in KEYS]
    lags = consumer_lag(kafka_stack.bootstrap_servers, kafka_source.group, topics)
    assert lags and all(lag.lag == 0 for lag in lags), lags


@pytest.fixture
def restartable(kafka_stack: KafkaStack, connect_client: ConnectClient) -> Iterator[Source]:
    source = register_source(kafka_stack, connect_client, "brk", 5502)
    yield source
    if kafka_stack.broker.process.state() is not ProcessState.RUNNING:
        kafka_stack.broker.start()
    connect_client.delete(source.connector)


def test_consumer_resumes_after_a_kafka_restart(
    kafka_stack: KafkaStack, connect_client: ConnectClient, restartable: Source
) -> None:
    applier = Applier()
    group = f"{restartable.database}-sync"
    holder = {"source": new_source(kafka_stack, restartable, group)}
    holder["source"].open(None, {})

    def step() -> None:
        try:
            txn = holder["source"].poll(0.2)
            if txn is not None:
                applier.apply(txn)
                holder["source"].committed(txn.position)
        except SourceUnavailable:  # what the pipeline's supervisor does: reopen at its position
            holder["source"].close()
            holder["source"] = new_source(kafka_stack, restartable, group)
            holder["source"].open(applier.position, {})

    def caught_up() -> bool:
        step()
        return applier.rows == mariadb_rows(restartable)

    try:
        random_changes(restartable, 300, 11)
        assert wait_until(caught_up, 60, interval=0)
        kafka_stack.broker.stop()
        random_changes(restartable, 300, 12)  # MariaDB keeps taking writes meanwhile
        kafka_stack.broker.start()
        assert wait_until(caught_up, 120, interval=0)
    finally:
        holder["source"].close()
    assert len(applier.released) == len(set(applier.released))
