"""Real Debezium events from the MariaDB connector: snapshot, create, update (decimals,
DATETIME, TIMESTAMP, NULLs), delete + tombstone, for both value formats we support.

With FICUS_RECORD_DEBEZIUM=1 the records are (re)written to tests/fixtures/debezium/, where
they drive the unit tests of the envelope parser; without it the live records are checked
against the same expectations, so a connector upgrade that changes the format fails here."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer

from ficus_sync.capture.kafka.core.record import KafkaChange, decode_record
from ficus_sync.capture.kafka.mariadb_setup import trigger_incremental_snapshot
from ficus_sync.connect import ConnectClient
from ficus_sync.core.envelope import Op
from tests.integration.kafka.conftest import KafkaStack, Source, register_source

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "debezium"
Record = dict[str, Any]


def collect(
    bootstrap: str, pattern: str, done: Callable[[list[Record]], bool], timeout: float = 60
) -> list[Record]:
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"rec-{uuid.uuid4().hex[:8]}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            "topic.metadata.refresh.interval.ms": 500,
        }
    )
    consumer.subscribe([pattern])
    records: list[Record] = []
    seen: set[tuple[str, int, int]] = set()
    deadline = time.monotonic() + timeout
    try:
        while not done(records) and time.monotonic() < deadline:
            for msg in consumer.consume(100, 0.5):
                where = (msg.topic(), msg.partition(), msg.offset())
                if msg.error() or where in seen:
                    continue  # a rebalance (new topic matched) re-delivers uncommitted records
                seen.add(where)
                records.append(
                    {
                        "topic": msg.topic(),
                        "partition": msg.partition(),
                        "offset": msg.offset(),
                        "key": msg.key().decode() if msg.key() else None,
                        "value": msg.value().decode() if msg.value() is not None else None,
                    }
                )
    finally:
        consumer.close()
    return records


def changes(records: list[Record]) -> list[KafkaChange]:
    return [
        decode_record(
            r["topic"],
            r["partition"],
            r["offset"],
            r["key"].encode() if r["key"] else None,
            r["value"].encode() if r["value"] is not None else None,
        )
        for r in records
    ]


def make_changes(source: Source) -> None:
    """The scripted Magento changes every recording contains."""
    conn = source.connection()
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO cataloginventory_stock_item (product_id, stock_id, qty, is_in_stock,"
            " low_stock_date, notify_stock_qty) VALUES (2, 1, 5.5000, 1,"
            " '2024-01-15 10:20:30', NULL)"
        )
        cur.execute("UPDATE cataloginventory_stock_item SET qty = qty - 1 WHERE product_id = 1")
        cur.execute(
            "UPDATE catalog_product_entity SET sku = 'SKU-1b',"
            " updated_at = '2024-02-01 08:00:00' WHERE sku = 'SKU-1'"
        )
        cur.execute("INSERT INTO catalog_product_entity_decimal VALUES (7, 77, 0, 1, -12.345678)")
        cur.execute("DELETE FROM catalog_product_entity_decimal WHERE value_id = 7")
    conn.close()


def seed(source: Source) -> None:
    conn = source.connection()
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO cataloginventory_stock_item (product_id, stock_id, qty, is_in_stock)"
            " VALUES (1, 1, 100.0000, 1)"
        )
        cur.execute(
            "INSERT INTO catalog_product_entity (attribute_set_id, sku, created_at, updated_at)"
            " VALUES (4, 'SKU-1', '2024-01-01 00:00:00', '2024-01-01 00:00:00')"
        )
    conn.close()


def snapshot_done(records: list[Record]) -> bool:
    return any('"snapshot":"last"' in (r["value"] or "") for r in records)


def incremental_done(records: list[Record]) -> bool:
    return has_tombstone(records) and (
        sum('"snapshot":"incremental"' in (r["value"] or "") for r in records) >= 2
    )


def has_tombstone(records: list[Record]) -> bool:
    return any(r["value"] is None for r in records)


def record_source(
    kafka_stack: KafkaStack, connect_client: ConnectClient, tag: str, server_id: int, **spec: Any
) -> list[KafkaChange]:
    source = register_source(kafka_stack, connect_client, tag, server_id, seed=seed, **spec)
    # the snapshot runs inside the RUNNING task: change rows only once it has read them
    collect(kafka_stack.bootstrap_servers, source.spec.topic_pattern(), snapshot_done)
    make_changes(source)
    records = collect(kafka_stack.bootstrap_servers, source.spec.topic_pattern(), has_tombstone)
    # an incremental snapshot through the signal table, as `ficus connector snapshot` does it
    conn = source.connection()
    trigger_incremental_snapshot(conn, source.database, ["cataloginventory_stock_item"])
    conn.close()
    records = collect(
        kafka_stack.bootstrap_servers, source.spec.topic_pattern(), incremental_done, 60
    )
    transactions = collect(
        kafka_stack.bootstrap_servers,
        f"^{source.database}\\.transaction$",
        lambda found: sum('"status":"END"' in (r["value"] or "") for r in found) >= 5,
    )
    if os.environ.get("FICUS_RECORD_DEBEZIUM") == "1":
        save(FIXTURES / f"{tag}.jsonl", records, source.database)
        save(FIXTURES / f"{tag}.transaction.jsonl", transactions, source.database)
    assert sum('"status":"BEGIN"' in (r["value"] or "") for r in transactions) >= 5
    connect_client.delete(source.connector)
    return changes(records)


def save(path: Path, records: list[Record], database: str) -> None:
    """Write records with the random database name replaced by `magento`."""
    path.write_text("".join(json.dumps(r).replace(database, "magento") + "\n" for r in records))


def by_op(events: list[KafkaChange], table: str, op: Op) -> list[KafkaChange]:
    return [c for c in events if c.event and c.event.table == table and c.event.op is op]


def test_schemaful_precise_events_decode_to_python_types(
    kafka_stack: KafkaStack, connect_client: ConnectClient
) -> None:
    events = record_source(kafka_stack, connect_client, "schema_precise", 5401)

    snap = by_op(events, "cataloginventory_stock_item", Op.READ)
    assert snap and snap[0].snapshot is not None
    assert snap[0].event is not None and snap[0].event.after is not None
    assert snap[0].event.after["qty"] == Decimal("100.0000")

    created = by_op(events, "cataloginventory_stock_item", Op.CREATE)[0].event
    assert created is not None and created.after is not None
    assert created.after["low_stock_date"] == datetime(2024, 1, 15, 10, 20, 30)
    assert created.after["notify_stock_qty"] is None  # a NULL, not the column DEFAULT 1.0000
    assert created.after["qty"] == Decimal("5.5000")

    updated = by_op(events, "cataloginventory_stock_item", Op.UPDATE)[0].event
    assert updated is not None and updated.before and updated.after
    assert (updated.before["qty"], updated.after["qty"]) == (
        Decimal("100.0000"),
        Decimal("99.0000"),
    )
    assert updated.transaction_id is not None and updated.source.gtid

    product = by_op(events, "catalog_product_entity", Op.UPDATE)[0].event
    assert product is not None and product.after is not None
    assert product.after["updated_at"] == datetime(2024, 2, 1, 8, 0, 0)

    deleted = by_op(events, "catalog_product_entity_decimal", Op.DELETE)
    assert deleted and deleted[0].event is not None and deleted[0].event.before
    assert deleted[0].event.before["value"] == Decimal("-12.345678")
    incremental = [c for c in events if c.snapshot == "incremental"]
    assert {c.event.row["item_id"] for c in incremental if c.event} == {1, 2}
    tombstones = [c for c in events if c.tombstone]
    assert tombstones and tombstones[0].key == {"value_id": 7}
    assert tombstones[0].offset > deleted[0].offset


def test_schemaless_string_decimals_as_in_the_recipe(
    kafka_stack: KafkaStack, connect_client: ConnectClient
) -> None:
    events = record_source(
        kafka_stack, connect_client, "schemaless_string", 5402, schemas=False, decimal_mode="string"
    )
    updated = by_op(events, "cataloginventory_stock_item", Op.UPDATE)[0].event
    assert updated is not None and updated.before and updated.after
    assert (updated.before["qty"], updated.after["qty"]) == ("100.0000", "99.0000")
    created = by_op(events, "cataloginventory_stock_item", Op.CREATE)[0].event
    assert created is not None and created.after is not None
    assert created.after["low_stock_date"] == 1705314030000  # DATETIME: epoch ms, no schema
    assert created.after["notify_stock_qty"] is None
