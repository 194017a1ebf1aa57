"""The sequence a kill -9 of the Connect worker leaves in Kafka when it comes before Debezium
recorded the end of its initial snapshot (seen in the Kafka acceptance test, 2026-11-27):

    snapshot 1 (binlog P1) | part of the stream after P1, one END counting an event that was
    never sent | snapshot 2 (binlog P2 > P1) | the stream after P2 (possibly nothing at all)

fed to the pure `TransactionAssembler` the way a consumer of several partitions reads it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ficus_sync.capture.kafka.core.assembly import TransactionAssembler
from ficus_sync.capture.kafka.core.position import BinlogOrder
from ficus_sync.capture.kafka.core.record import KafkaChange
from ficus_sync.capture.port import Transaction
from ficus_sync.core.envelope import ChangeEvent, Op, SourcePosition

TABLES = frozenset({"product", "stock"})
TXN_TOPIC = "m.transaction"
P1, P2 = 1000, 9000  # binlog positions of the two snapshots
KILLED_AT, RESTARTED_AT = 10_000, 20_000  # Kafka timestamps (ms)


class Topics:
    """Kafka offsets per topic, handed out in write order."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def offset(self, topic: str) -> int:
        self.next[topic] = self.next.get(topic, -1) + 1
        return self.next[topic]

    def ends(self) -> dict[str, int]:
        return {f"{t}|0": n + 1 for t, n in self.next.items()}


def change(
    topics: Topics,
    table: str,
    key: int,
    value: str,
    *,
    pos: int,
    sent: int,
    op: Op = Op.READ,
    snapshot: str | None = None,
    gtid: str | None = None,
    total_order: int | None = None,
) -> KafkaChange:
    topic = f"m.db.{table}"
    row = {"id": key, "value": value}
    event = ChangeEvent(
        table,
        op,
        row if op is Op.DELETE else None,
        None if op is Op.DELETE else row,
        SourcePosition(file="mariadb-bin.000001", pos=pos, gtid=gtid),
        transaction_id=gtid,
    )
    order = BinlogOrder(1, pos, 0)
    return KafkaChange(topic, 0, topics.offset(topic), {"id": key}, event, order, snapshot,
                       None, total_order, sent)  # fmt: skip


def end(gtid: str, counts: dict[str, int]) -> dict[str, Any]:
    return {
        "status": "END",
        "id": gtid,
        "event_count": sum(counts.values()),
        "data_collections": [
            {"data_collection": f"db.{t}", "event_count": n} for t, n in counts.items()
        ],  # fmt: skip
    }


def snapshot(topics: Topics, pos: int, sent: int, rows: dict[str, list[tuple[int, str]]]) -> list:
    records = [change(topics, t, k, v, pos=pos, sent=sent, snapshot="true")
               for t, items in rows.items() for k, v in items]  # fmt: skip
    first, last = records[0], records[-1]
    records[0] = KafkaChange(**{**first.__dict__, "snapshot": "first"})
    records[-1] = KafkaChange(**{**last.__dict__, "snapshot": "last"})
    return records


def drain(assembler: TransactionAssembler) -> Iterator[Transaction]:
    while (txn := assembler.ready()) is not None:
        yield txn


def feed(assembler: TransactionAssembler, topics: Topics, records: list) -> list[Transaction]:
    """Data records and ENDs in the given order; the barrier offsets are taken when asked."""
    released: list[Transaction] = []
    for record in records:
        if isinstance(record, KafkaChange):
            assembler.add_change(record)
        else:
            gtid_end, offset, sent = record
            assembler.add_transaction_record(TXN_TOPIC, 0, offset, gtid_end, sent)
        if assembler.wants_barrier:
            assembler.set_barrier(topics.ends())
        released += drain(assembler)
    return released


def killed_connect(topics: Topics) -> tuple[list, list, list]:
    """Snapshot 1, the stream Connect sent before its kill -9, snapshot 2."""
    first = snapshot(topics, P1, 5_000, {"product": [(1, "a"), (2, "b"), (3, "c")],
                                          "stock": [(1, "10"), (2, "20")]})  # fmt: skip
    before_kill = [
        change(
            topics,
            "product",
            1,
            "a2",
            pos=1100,
            sent=9_000,
            op=Op.UPDATE,
            gtid="0-1-101",
            total_order=1,
        ),  # fmt: skip
        (end("0-1-101", {"product": 1}), topics.offset(TXN_TOPIC), 9_001),
        # 0-1-102 deleted product 3 and its stock row; only the product event was sent
        change(
            topics,
            "product",
            3,
            "c",
            pos=1200,
            sent=9_500,
            op=Op.DELETE,
            gtid="0-1-102",
            total_order=1,
        ),  # fmt: skip
        (end("0-1-102", {"product": 1, "stock": 1}), topics.offset(TXN_TOPIC), 9_501),
    ]
    # between the kill and snapshot 2: product 2 deleted, product 4 created, product 1 updated
    second = snapshot(topics, P2, RESTARTED_AT, {"product": [(1, "a3"), (4, "d")],
                                                 "stock": [(1, "11"), (4, "40")]})  # fmt: skip
    return first, before_kill, second


def test_a_repeated_initial_snapshot_replaces_the_tables_in_one_transaction() -> None:
    topics = Topics()
    first, before_kill, second = killed_connect(topics)
    assembler = TransactionAssembler(tables=TABLES)
    released = feed(assembler, topics, first + before_kill + second)

    *earlier, last = released
    assert all(len(t.events) == 1 and t.events[0].op is Op.READ for t in earlier)
    assert [(e.op, e.table) for e in last.events[:2]] == [(Op.TRUNCATE, "product"),
                                                          (Op.TRUNCATE, "stock")]  # fmt: skip
    assert [(e.table, e.row["id"], e.row["value"]) for e in last.events[2:]] == [
        ("product", 1, "a3"), ("product", 4, "d"), ("stock", 1, "11"), ("stock", 4, "40")
    ]  # fmt: skip
    # nothing waits any more: the END whose stock event was never sent is superseded
    assert not assembler._ends and assembler.incomplete == []
    position = last.position
    assert position["snapshot_at"] == [1, P2]
    assert position["offsets"] == topics.ends()


def test_the_stream_after_the_repeated_snapshot_follows_it() -> None:
    topics = Topics()
    first = snapshot(topics, P1, 5_000, {"product": [(1, "a")], "stock": [(1, "10")]})
    before_kill = [
        change(
            topics,
            "product",
            1,
            "a2",
            pos=1100,
            sent=9_000,
            op=Op.UPDATE,
            gtid="0-1-101",
            total_order=1,
        ),  # fmt: skip
        (end("0-1-101", {"product": 1}), topics.offset(TXN_TOPIC), 9_001),
        (end("0-1-102", {"stock": 1}), topics.offset(TXN_TOPIC), 9_501),
    ]
    late = change(topics, "stock", 1, "12", pos=1200, sent=9_500, op=Op.UPDATE,
                  gtid="0-1-102", total_order=1)  # fmt: skip
    second = snapshot(topics, P2, RESTARTED_AT, {"product": [(1, "a3")], "stock": [(1, "13")]})
    after = [
        change(
            topics,
            "stock",
            1,
            "14",
            pos=9100,
            sent=21_000,
            op=Op.UPDATE,
            gtid="0-1-300",
            total_order=1,
        ),  # fmt: skip
        (end("0-1-300", {"stock": 1}), topics.offset(TXN_TOPIC), 21_001),
    ]
    # a reader of several partitions: the product partition and the transaction topic are
    # read ahead of the stock partition, whose event of 0-1-102 comes after snapshot 2 began
    order = first + before_kill + [second[0], after[1], late, second[1], after[0]]
    assembler = TransactionAssembler(tables=TABLES)
    released = feed(assembler, topics, order)

    streamed = [t.events[0].transaction_id for t in released if t.events[0].transaction_id]
    replaced = next(i for i, t in enumerate(released) if t.events[0].op is Op.TRUNCATE)
    # the barrier waits for every partition's end, snapshot 2 included: what committed before
    # P2 (0-1-101, and 0-1-102 whose stock event comes late) is superseded by snapshot 2
    assert streamed == ["0-1-300"]
    assert released[-1].events[0].transaction_id == "0-1-300"
    assert replaced == len(released) - 2  # 0-1-300 builds on snapshot 2
    assert [e.row["value"] for e in released[replaced].events[2:]] == ["a3", "13"]
    assert released[-1].position["gtid_seq"] == {"0": 300}
    assert released[-1].position["offsets"] == topics.ends()


@pytest.mark.parametrize("restart", [True, False])
def test_a_consumer_restarted_during_the_repeated_snapshot_reads_it_again(restart: bool) -> None:
    topics = Topics()
    first, before_kill, second = killed_connect(topics)
    assembler = TransactionAssembler(tables=TABLES)
    released = feed(assembler, topics, first + before_kill + second[:2])
    position = released[-1].position
    assert position["snapshot_at"] == [1, P1]
    if restart:  # sync killed: resume from the committed position, re-read what follows it
        assembler = TransactionAssembler.resume(position, True, TABLES)
        offsets = position["offsets"]
        again = [r for r in before_kill + second[:2] if (
            r.offset >= offsets.get(f"{r.topic}|0", 0) if isinstance(r, KafkaChange)
            else r[1] >= offsets.get(f"{TXN_TOPIC}|0", 0))]  # fmt: skip
        feed(assembler, topics, again)
    released = feed(assembler, topics, second[2:])
    assert released[-1].events[0].op is Op.TRUNCATE
    assert len([e for e in released[-1].events if e.op is Op.READ]) == 4
