"""Binlog events → complete transactions with their position and GTID state (no server)."""

from __future__ import annotations

from typing import Any

from pymysqlreplication import BinLogStreamReader
from pymysqlreplication.event import MariadbGtidEvent, QueryEvent, XidEvent
from pymysqlreplication.row_event import DeleteRowsEvent, UpdateRowsEvent, WriteRowsEvent
from pymysqlreplication.table import Table

from ficus_sync.capture.binlog import _Assembler, _forget
from ficus_sync.core.envelope import Op


def event(cls: type, **attributes: Any) -> Any:
    instance = object.__new__(cls)
    for name, value in attributes.items():
        setattr(instance, name, value)
    return instance


def gtid(seq: int, domain: int = 0) -> Any:
    return event(MariadbGtidEvent, gtid=f"{domain}-1-{seq}", timestamp=1_700_000_000)


def rows(cls: type, table: str, images: list[dict[str, Any]]) -> Any:
    # the library decodes rows lazily into a private attribute behind the `rows` property
    return event(
        cls, table=table, schema="magento", _RowsEvent__rows=images, timestamp=1_700_000_001
    )


def assembler() -> _Assembler:
    return _Assembler("magento", {"catalog_product_entity", "cataloginventory_stock_item"}, "0-1-5")


def test_transaction_ends_at_xid_with_position_and_gtid() -> None:
    a = assembler()
    assert a.feed(gtid(6), "bin.000001", 100) is None
    a.feed(rows(WriteRowsEvent, "catalog_product_entity", [{"values": {"entity_id": 1}}]), "f", 1)
    a.feed(
        rows(
            UpdateRowsEvent,
            "cataloginventory_stock_item",
            [{"before_values": {"item_id": 1, "qty": 1}, "after_values": {"item_id": 1, "qty": 2}}],
        ),
        "f",
        2,
    )
    a.feed(rows(DeleteRowsEvent, "catalog_product_entity", [{"values": {"entity_id": 9}}]), "f", 3)
    done = a.feed(event(XidEvent), "bin.000001", 900)
    assert done is not None
    assert done.position == {"file": "bin.000001", "pos": 900, "gtid": "0-1-6"}
    assert [e.op for e in done.events] == [Op.CREATE, Op.UPDATE, Op.DELETE]
    assert done.events[1].before == {"item_id": 1, "qty": 1}
    assert done.events[1].source.gtid == "0-1-6"
    assert done.events[0].source.ts_ms == 1_700_000_001_000
    assert done.source_ts_ms == 1_700_000_000_000
    assert all(e.transaction_id == "0-1-6" for e in done.events)


def test_gtid_state_keeps_one_entry_per_domain() -> None:
    a = _Assembler("magento", set(), "0-1-5,1-2-7")
    a.feed(gtid(8, domain=1), "f", 1)
    done = a.feed(event(XidEvent), "f", 2)
    assert done is not None and done.position["gtid"] == "0-1-5,1-1-8"


def test_begin_is_ignored_commit_ends_a_non_transactional_transaction() -> None:
    a = assembler()
    a.feed(gtid(6), "f", 1)
    assert a.feed(event(QueryEvent, query="BEGIN"), "f", 2) is None
    done = a.feed(event(QueryEvent, query="COMMIT"), "f", 3)
    assert done is not None and done.events == [] and done.position["pos"] == 3


def test_ddl_on_a_captured_table_is_reported_other_ddl_is_not() -> None:
    a = assembler()
    a.feed(gtid(6), "f", 1)
    done = a.feed(
        event(QueryEvent, query="ALTER TABLE `catalog_product_entity` ADD COLUMN x int"), "f", 2
    )
    assert done is not None and done.schema_changed == {"catalog_product_entity"}
    a.feed(gtid(7), "f", 3)
    other = a.feed(event(QueryEvent, query="ALTER TABLE sales_order ADD COLUMN x int"), "f", 4)
    assert other is not None and other.schema_changed == set()
    assert other.position["gtid"] == "0-1-7"


def test_ddl_names_the_table_after_if_not_exists_and_a_schema() -> None:
    a = assembler()
    spellings = [
        "CREATE TABLE IF NOT EXISTS `catalog_product_entity` (x int)",
        "DROP TABLE IF EXISTS catalog_product_entity",
        "ALTER TABLE `magento`.`catalog_product_entity` ADD COLUMN y int",
    ]
    for n, query in enumerate(spellings):
        a.feed(gtid(10 + n), "f", 10 * n)
        done = a.feed(event(QueryEvent, query=query), "f", 10 * n + 1)
        assert done is not None and done.schema_changed == {"catalog_product_entity"}, query


def test_a_ddl_drops_the_altered_tables_maps_only() -> None:
    """Table maps are parsed once per table id (freeze_schema); after a DDL of a captured
    table, its next map must be parsed afresh (the new columns), the others stay."""
    stream = event(
        BinLogStreamReader,
        table_map={
            7: event(Table, table="catalog_product_entity"),
            8: event(Table, table="cataloginventory_stock_item"),
            9: event(Table, table="catalog_product_entity"),
        },
    )
    _forget(stream, set())
    assert set(stream.table_map) == {7, 8, 9}
    _forget(stream, {"catalog_product_entity"})
    assert set(stream.table_map) == {8}


def test_a_ddl_transaction_names_the_captured_table_it_altered() -> None:
    a = assembler()
    a.feed(gtid(6), "f", 1)
    alter = event(QueryEvent, query="ALTER TABLE `catalog_product_entity` ADD COLUMN x int")
    done = a.feed(alter, "f", 2)
    assert done is not None and done.schema_changed == {"catalog_product_entity"}
