"""Pure pieces of sync: which aggregate a row touches, type mapping, GTID distance, lag."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from ficus_sync.core.envelope import Kind
from ficus_sync.core.shape import Column, TableShape, create_ddl, pg_type
from ficus_sync.core.tables import ALL, CAPTURED, is_captured, touched
from ficus_sync.lag import LagTracker, gtid_distance
from ficus_sync.mirror import upsert_sql


@pytest.mark.parametrize(
    ("table", "row", "expected"),
    [
        ("catalog_product_entity_varchar", {"entity_id": 5, "value": "x"}, [("product", 5)]),
        ("cataloginventory_stock_item", {"product_id": 7, "item_id": 1}, [("product", 7)]),
        ("catalog_product_super_link", {"product_id": 9, "parent_id": 3}, [("product", 3)]),
        ("catalog_category_product", {"category_id": 4, "product_id": 8}, [("product", 8)]),
        ("catalog_category_entity_int", {"entity_id": 4}, [("category", 4)]),
        ("sales_order", {"entity_id": 1}, []),
    ],
)
def test_touched_names_the_aggregate(table: str, row: dict[str, int], expected: object) -> None:
    assert touched(table, row) == expected


def test_metadata_changes_touch_everything() -> None:
    assert touched("store", {"store_id": 3}) is ALL
    assert touched("eav_attribute", {"attribute_id": 1}) is ALL


def test_captured_tables() -> None:
    assert is_captured("catalog_product_entity_decimal")
    assert not is_captured("sales_order")
    assert len(CAPTURED) == len(set(CAPTURED))


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        (Column("qty", "decimal", "decimal(12,4)", 12, 4), "numeric(12,4)"),
        (Column("entity_id", "int", "int(10) unsigned"), "bigint"),
        (Column("store_id", "smallint", "smallint(5) unsigned"), "integer"),
        (Column("big", "bigint", "bigint(20) unsigned"), "numeric(20,0)"),
        (Column("created_at", "timestamp", "timestamp", fsp=0), "timestamp(0)"),
        (Column("value", "datetime", "datetime(6)", fsp=6), "timestamp(6)"),
        (Column("value", "text", "text"), "text"),
        (Column("blob", "varbinary", "varbinary(16)"), "bytea"),
        (Column("day", "date", "date"), "date"),
    ],
)
def test_pg_type_mapping(column: Column, expected: str) -> None:
    assert pg_type(column) == expected


def test_column_hints_follow_types() -> None:
    assert Column("qty", "decimal", "decimal(12,4)", 12, 4).hint.kind is Kind.DECIMAL
    assert Column("qty", "decimal", "decimal(12,4)", 12, 4).hint.scale == 4
    assert Column("at", "datetime", "datetime(6)", fsp=6).hint.fsp == 6


SHAPE = TableShape(
    "catalog_product_website",
    (Column("product_id", "int", "int unsigned"), Column("website_id", "smallint", "smallint")),
    ("product_id", "website_id"),
)


def test_ddl_is_idempotent_and_widens() -> None:
    statements = create_ddl(SHAPE)
    assert statements[1].startswith('CREATE TABLE IF NOT EXISTS mirror."catalog_product_website"')
    assert 'PRIMARY KEY ("product_id", "website_id")' in statements[1]
    assert all("ADD COLUMN IF NOT EXISTS" in s for s in statements[2:])


def test_upsert_of_key_only_table_does_nothing_on_conflict() -> None:
    sql = upsert_sql(SHAPE, ["product_id", "website_id"])
    assert sql.endswith('ON CONFLICT ("product_id", "website_id") DO NOTHING')


@pytest.mark.parametrize(
    ("master", "applied", "behind"),
    [("0-1-10", "0-1-10", 0), ("0-1-10", "0-1-7", 3), ("0-1-10", None, 10), ("0-1-5", "0-1-9", 0)],
)
def test_gtid_distance(master: str, applied: str | None, behind: int) -> None:
    assert gtid_distance(master, applied) == behind


def test_lag_document_shape_and_in_flight_seconds() -> None:
    lag = LagTracker()
    lag.observe_master("0-1-12")
    lag.received(int((time.time() - 3) * 1000), Counter({"cataloginventory_stock_item": 2}))
    doc = lag.snapshot()
    catalog = doc["domains"]["catalog"]
    assert catalog["events_behind"] == 12
    assert doc["domains"]["search"] == catalog  # search is fed by the same aggregates
    assert 2.5 < catalog["seconds_behind"] < 10
    assert doc["tables"]["cataloginventory_stock_item"]["events_behind"] == 2
    lag.applied("0-1-12")
    doc = lag.snapshot()
    assert doc["domains"]["catalog"] == {"seconds_behind": 0.0, "events_behind": 0}
    assert doc["tables"]["cataloginventory_stock_item"]["events_behind"] == 0
