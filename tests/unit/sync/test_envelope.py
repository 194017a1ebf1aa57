"""Debezium envelope parsing: schemas on/off, decimal and temporal encodings, tombstones, ops."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from ficus_sync.core.envelope import (
    ChangeEvent,
    ColumnHint,
    Kind,
    Op,
    SourcePosition,
    parse_debezium,
    to_debezium,
)
from ficus_sync.errors import EnvelopeError

SOURCE = {
    "version": "3.7.0.Final",
    "connector": "mariadb",
    "name": "magento",
    "ts_ms": 1705314030000,
    "snapshot": None,
    "db": "magento",
    "table": "cataloginventory_stock_item",
    "server_id": 1,
    "gtid": "0-1-9",
    "file": "mariadb-bin.000001",
    "pos": 2570,
    "row": 0,
}


def stock_payload(before_qty: object, after_qty: object, op: str = "u") -> dict[str, object]:
    return {
        "before": {"item_id": 1, "product_id": 1, "qty": before_qty, "low_stock_date": None},
        "after": {"item_id": 1, "product_id": 1, "qty": after_qty, "low_stock_date": None},
        "source": SOURCE,
        "op": op,
        "ts_ms": 1705314030412,
        "transaction": {"id": "0-1-9", "total_order": 1, "data_collection_order": 1},
    }


def test_schemaless_update_with_string_decimals() -> None:
    raw = json.dumps(stock_payload("100.0000", "99.0000"))
    event = parse_debezium(raw)
    assert event is not None
    assert event.op is Op.UPDATE
    assert event.table == "cataloginventory_stock_item"
    assert event.before is not None and event.after is not None
    assert event.after["qty"] == "99.0000"  # no hint: kept as the text Debezium sent
    assert event.source == SourcePosition("mariadb-bin.000001", 2570, "0-1-9", 1705314030000)
    assert event.transaction_id == "0-1-9"
    assert event.database == "magento"


def test_schemaless_string_decimal_with_hint_becomes_decimal() -> None:
    hints = {"cataloginventory_stock_item": {"qty": ColumnHint(Kind.DECIMAL, scale=4)}}
    event = parse_debezium(json.dumps(stock_payload("100.0000", "99.0000")), hints)
    assert event is not None and event.after is not None
    assert event.after["qty"] == Decimal("99.0000")


@pytest.mark.parametrize(
    ("encoded", "expected"),
    [("D0JA", "100.0000"), ("Dxsw", "99.0000"), ("JxA=", "1.0000"), ("AA==", "0.0000")],
)
def test_precise_base64_decimal_needs_the_scale(encoded: str, expected: str) -> None:
    hints = {"cataloginventory_stock_item": {"qty": ColumnHint(Kind.DECIMAL, scale=4)}}
    event = parse_debezium(stock_payload(encoded, encoded), hints)
    assert event is not None and event.after is not None
    assert event.after["qty"] == Decimal(expected)
    assert str(event.after["qty"]) == expected


def test_precise_decimal_with_schemas_on_reads_scale_from_schema() -> None:
    qty_schema = {
        "type": "bytes",
        "optional": True,
        "name": "org.apache.kafka.connect.data.Decimal",
        "version": 1,
        "parameters": {"scale": "4", "connect.decimal.precision": "12"},
        "field": "qty",
    }
    row = {"type": "struct", "optional": True, "fields": [qty_schema]}
    doc = {
        "schema": {
            "type": "struct",
            "fields": [{**row, "field": "before"}, {**row, "field": "after"}],
        },
        "payload": stock_payload("D0JA", "Dxsw"),
    }
    event = parse_debezium(json.dumps(doc).encode())
    assert event is not None and event.before is not None and event.after is not None
    assert event.before["qty"] == Decimal("100.0000")
    assert event.after["qty"] == Decimal("99.0000")


def test_double_decimal_is_quantized_to_the_column_scale() -> None:
    hints = {"cataloginventory_stock_item": {"qty": ColumnHint(Kind.DECIMAL, scale=4)}}
    event = parse_debezium(stock_payload(100.0, 99.5), hints)
    assert event is not None and event.after is not None
    assert str(event.after["qty"]) == "99.5000"


def test_datetime_epoch_ms_and_us_and_timestamp_iso() -> None:
    hints = {
        "catalog_product_entity": {
            "created_at": ColumnHint(Kind.TIMESTAMP),
            "updated_at": ColumnHint(Kind.DATETIME, fsp=0),
            "special_from": ColumnHint(Kind.DATETIME, fsp=6),
            "news_date": ColumnHint(Kind.DATE),
        }
    }
    payload = {
        "before": None,
        "after": {
            "entity_id": 7,
            "created_at": "2024-01-15T10:20:30Z",
            "updated_at": 1705314030000,
            "special_from": 1705314030123456,
            "news_date": 19737,
        },
        "source": {**SOURCE, "table": "catalog_product_entity"},
        "op": "c",
    }
    event = parse_debezium(payload, hints)
    assert event is not None and event.after is not None
    assert event.op is Op.CREATE and event.before is None
    assert event.after["created_at"] == datetime(2024, 1, 15, 10, 20, 30)
    assert event.after["updated_at"] == datetime(2024, 1, 15, 10, 20, 30)
    assert event.after["special_from"] == datetime(2024, 1, 15, 10, 20, 30, 123456)
    assert event.after["news_date"] == date(2024, 1, 15)
    assert event.after["entity_id"] == 7


def test_timestamp_with_offset_is_converted_to_utc() -> None:
    hints = {"t": {"ts": ColumnHint(Kind.TIMESTAMP)}}
    payload = {"after": {"ts": "2024-01-15T12:20:30+02:00"}, "source": {"table": "t"}, "op": "r"}
    event = parse_debezium(payload, hints)
    assert event is not None and event.after is not None
    assert event.after["ts"] == datetime(2024, 1, 15, 10, 20, 30)
    assert event.op is Op.READ


def test_schemas_on_temporal_names_need_no_hints() -> None:
    fields = [
        {"type": "int64", "name": "io.debezium.time.Timestamp", "field": "a"},
        {"type": "int64", "name": "io.debezium.time.MicroTimestamp", "field": "b"},
        {"type": "string", "name": "io.debezium.time.ZonedTimestamp", "field": "c"},
        {"type": "int32", "name": "io.debezium.time.Date", "field": "d"},
    ]
    row = {"type": "struct", "optional": True, "fields": fields}
    doc = {
        "schema": {"type": "struct", "fields": [{**row, "field": "after"}]},
        "payload": {
            "before": None,
            "after": {
                "a": 1705314030000,
                "b": 1705314030000001,
                "c": "2024-01-15T10:20:30Z",
                "d": 0,
            },
            "source": {"table": "x"},
            "op": "c",
        },
    }
    event = parse_debezium(doc)
    assert event is not None and event.after is not None
    assert event.after == {
        "a": datetime(2024, 1, 15, 10, 20, 30),
        "b": datetime(2024, 1, 15, 10, 20, 30, 1),
        "c": datetime(2024, 1, 15, 10, 20, 30),
        "d": date(1970, 1, 1),
    }


def test_delete_has_before_only() -> None:
    payload = stock_payload("1.0000", None, op="d")
    payload["after"] = None
    event = parse_debezium(payload)
    assert event is not None
    assert event.op is Op.DELETE and event.after is None
    assert event.row["item_id"] == 1


def test_truncate_has_no_images() -> None:
    payload = {"before": None, "after": None, "source": SOURCE, "op": "t"}
    event = parse_debezium(payload)
    assert event is not None and event.op is Op.TRUNCATE and event.row == {}


@pytest.mark.parametrize("tombstone", [None, "null", b"null"])
def test_tombstone_is_none(tombstone: object) -> None:
    assert parse_debezium(tombstone) is None  # type: ignore[arg-type]


def test_schemas_on_tombstone_payload_is_none() -> None:
    assert parse_debezium({"schema": None, "payload": None}) is None


@pytest.mark.parametrize(
    "bad",
    [
        "{not json",
        "[1, 2]",
        json.dumps({"op": "x", "source": {"table": "t"}}),
        json.dumps({"source": {"table": "t"}}),
        json.dumps({"op": "c", "after": {}, "source": {}}),
    ],
)
def test_malformed_input_raises_envelope_error(bad: str) -> None:
    with pytest.raises(EnvelopeError):
        parse_debezium(bad)


def test_bad_value_names_the_column() -> None:
    hints = {"cataloginventory_stock_item": {"qty": ColumnHint(Kind.DECIMAL, scale=4)}}
    with pytest.raises(EnvelopeError, match="qty"):
        parse_debezium(stock_payload("!!", "not-a-number"), hints)


def test_embedded_event_round_trips_through_the_envelope() -> None:
    event = ChangeEvent(
        table="catalog_product_entity_decimal",
        op=Op.UPDATE,
        before={"value_id": 3, "value": Decimal("12.500000"), "when": datetime(2024, 1, 2, 3)},
        after={"value_id": 3, "value": Decimal("-0.010000"), "when": datetime(2024, 1, 2, 3, 4)},
        source=SourcePosition("mariadb-bin.000002", 991, "0-1-44", 1705314030000),
        transaction_id="0-1-44",
        database="magento",
    )
    parsed = parse_debezium(json.dumps(to_debezium(event)))
    assert parsed == event
