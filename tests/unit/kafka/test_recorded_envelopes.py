"""sync's envelope parser on events recorded from Debezium 3.5's MariaDB connector."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from ficus_sync.capture.kafka.core.record import KafkaChange
from ficus_sync.core.envelope import ColumnHint, Kind, Op, parse_debezium
from tests.unit.kafka.recorded import changes, raw

STOCK = "cataloginventory_stock_item"
HINTS = {
    STOCK: {
        "qty": ColumnHint(Kind.DECIMAL, scale=4),
        "min_qty": ColumnHint(Kind.DECIMAL, scale=4),
        "notify_stock_qty": ColumnHint(Kind.DECIMAL, scale=4),
        "low_stock_date": ColumnHint(Kind.DATETIME),
    },
    "catalog_product_entity": {
        "created_at": ColumnHint(Kind.TIMESTAMP),
        "updated_at": ColumnHint(Kind.TIMESTAMP),
    },
    "catalog_product_entity_decimal": {"value": ColumnHint(Kind.DECIMAL, scale=6)},
}


def only(found: list[KafkaChange], table: str, op: Op) -> list[KafkaChange]:
    return [c for c in found if c.event and c.event.table == table and c.event.op is op]


@pytest.fixture(params=["schema_precise", "schemaless_string"])
def recorded(request: pytest.FixtureRequest) -> list[KafkaChange]:
    # schemaless values need the column hints sync reads from information_schema
    hints = HINTS if request.param == "schemaless_string" else None
    return changes(request.param, hints)


def test_snapshot_reads_are_op_r_with_a_snapshot_marker(recorded: list[KafkaChange]) -> None:
    reads = [
        c for c in recorded if c.event and c.event.op is Op.READ and c.snapshot != "incremental"
    ]
    assert {c.snapshot for c in reads} <= {"first", "true", "last", "first_in_data_collection",
                                           "last_in_data_collection"}  # fmt: skip
    assert {c.event.table for c in reads if c.event} == {STOCK, "catalog_product_entity"}
    assert all(c.event and c.event.before is None and c.event.transaction_id is None for c in reads)


def test_update_decodes_decimals_exactly(recorded: list[KafkaChange]) -> None:
    event = only(recorded, STOCK, Op.UPDATE)[0].event
    assert event is not None and event.before is not None and event.after is not None
    assert event.before["qty"] == Decimal("100.0000")
    assert event.after["qty"] == Decimal("99.0000")
    assert event.after["min_qty"] == Decimal("0.0000")
    assert event.transaction_id == event.source.gtid  # MariaDB: the transaction id is the GTID


def test_create_keeps_null_and_datetime(recorded: list[KafkaChange]) -> None:
    event = only(recorded, STOCK, Op.CREATE)[0].event
    assert event is not None and event.after is not None
    assert event.after["notify_stock_qty"] is None  # not the column DEFAULT 1.0000
    assert event.after["low_stock_date"] == datetime(2024, 1, 15, 10, 20, 30)
    assert event.after["qty"] == Decimal("5.5000")


def test_timestamp_columns_are_utc_datetimes(recorded: list[KafkaChange]) -> None:
    event = only(recorded, "catalog_product_entity", Op.UPDATE)[0].event
    assert event is not None and event.before is not None and event.after is not None
    assert event.before["updated_at"] == datetime(2024, 1, 1)
    assert event.after["updated_at"] == datetime(2024, 2, 1, 8, 0, 0)
    assert event.after["sku"] == "SKU-1b"


def test_delete_then_tombstone_with_the_same_key(recorded: list[KafkaChange]) -> None:
    delete = only(recorded, "catalog_product_entity_decimal", Op.DELETE)[0]
    assert delete.event is not None and delete.event.after is None and delete.event.before
    assert delete.event.before["value"] == Decimal("-12.345678")
    tombstone = next(c for c in recorded if c.tombstone)
    assert (tombstone.topic, tombstone.key) == (delete.topic, delete.key)
    assert tombstone.offset == delete.offset + 1
    assert parse_debezium(None) is None


def test_incremental_snapshot_rows(recorded: list[KafkaChange]) -> None:
    rows = [c for c in recorded if c.snapshot == "incremental"]
    assert {c.event.row["item_id"] for c in rows if c.event} == {1, 2}
    assert all(c.event and c.event.op is Op.READ for c in rows)


def test_source_positions_order_the_stream(recorded: list[KafkaChange]) -> None:
    streamed = [c for c in recorded if c.event and c.snapshot is None]
    per_topic: dict[str, list[KafkaChange]] = {}
    for change in streamed:
        per_topic.setdefault(change.topic, []).append(change)
    for found in per_topic.values():
        orders = [c.order for c in sorted(found, key=lambda c: c.offset)]
        assert all(o is not None for o in orders)
        assert orders == sorted(orders)  # type: ignore[type-var]


def test_schemaless_values_without_hints_stay_raw() -> None:
    event = changes("schemaless_string")[2].event
    assert event is not None and event.after is not None
    assert event.after["qty"] == "99.0000"


def test_recorded_source_block_matches_the_recipe() -> None:
    record = next(
        r
        for r in raw("schema_precise")
        if r["topic"].endswith(STOCK) and r["value"] and '"op":"u"' in r["value"]
    )
    assert '"connector":"mariadb"' in record["value"]
    assert '"name":"org.apache.kafka.connect.data.Decimal"' in record["value"]
