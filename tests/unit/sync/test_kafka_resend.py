"""A transaction Debezium sends again after a kill -9 of the Connect worker (seen in the Kafka
acceptance test's topics, 2026-11-27: GTID 0-1-1289 had an END counting 9 events, then a
second END counting 2): on restart Debezium resumes at its last recorded event inside the
transaction, sends a new BEGIN, the remaining events with `total_order` restarted at 1, and an
END counting only those. When the first END never reached Kafka, the second one must not
release the transaction before the re-sent events are read."""

from __future__ import annotations

from typing import Any

from ficus_sync.capture.kafka.core.assembly import TransactionAssembler
from ficus_sync.capture.kafka.core.position import BinlogOrder
from ficus_sync.capture.kafka.core.record import KafkaChange
from ficus_sync.capture.port import Transaction
from ficus_sync.core.envelope import ChangeEvent, Op, SourcePosition

TABLES = frozenset({"product", "stock"})
GTID = "0-1-1289"
TXN_TOPIC = "m.transaction"


def event(table: str, key: int, pos: int, offset: int, sent: int, total_order: int) -> KafkaChange:
    row = {"id": key, "pos": pos}
    change = ChangeEvent(
        table,
        Op.CREATE,
        None,
        row,
        SourcePosition(file="mariadb-bin.000001", pos=pos, gtid=GTID),
        GTID,
    )
    return KafkaChange(f"m.db.{table}", 0, offset, {"id": key}, change, BinlogOrder(1, pos, 0),
                       None, None, total_order, sent)  # fmt: skip


def marker(status: str, counts: dict[str, int] | None = None) -> dict[str, Any]:
    collections = [{"data_collection": f"db.{t}", "event_count": n}
                   for t, n in (counts or {}).items()]  # fmt: skip
    return {"status": status, "id": GTID, "data_collections": collections or None}


def released(assembler: TransactionAssembler) -> list[Transaction]:
    found = []
    while (txn := assembler.ready()) is not None:
        found.append(txn)
    return found


def test_a_resent_tail_is_waited_for_and_the_transaction_released_once_in_binlog_order() -> None:
    # before the kill: BEGIN and events 1-3 reached Kafka; event 4 and the END did not
    # (Connect had recorded its offset after event 2, so Debezium resends events 3 and 4)
    first = [event("product", 1, 100, 0, 1_000, 1), event("stock", 1, 200, 0, 1_000, 2),
             event("product", 2, 300, 1, 1_001, 3)]  # fmt: skip
    resent = [event("product", 2, 300, 2, 5_000, 1), event("stock", 2, 400, 1, 5_000, 2)]
    assembler = TransactionAssembler(tables=TABLES, barrier_passed=True)
    assembler.add_transaction_record(TXN_TOPIC, 0, 0, marker("BEGIN"), 999)
    for change in first:
        assembler.add_change(change)
    # the transaction topic is read ahead of the data partitions
    assembler.add_transaction_record(TXN_TOPIC, 0, 1, marker("BEGIN"), 4_999)
    assembler.add_transaction_record(TXN_TOPIC, 0, 2, marker("END", {"product": 1, "stock": 1}),
                                     5_001)  # fmt: skip
    assert released(assembler) == []  # the first copies alone do not make it complete
    assembler.add_change(resent[0])
    assert released(assembler) == []  # stock's re-sent event is still on its way
    assembler.add_change(resent[1])

    (txn,) = released(assembler)
    assert [(e.table, e.row["pos"]) for e in txn.events] == [
        ("product", 100), ("stock", 200), ("product", 300), ("stock", 400)
    ]  # fmt: skip
    assert txn.position["gtid_seq"] == {"0": 1289}
    assert txn.position["offsets"] == {f"{TXN_TOPIC}|0": 3, "m.db.product|0": 3,
                                       "m.db.stock|0": 2}  # fmt: skip
