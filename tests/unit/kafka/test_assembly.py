"""Transactions re-assembled from recorded Debezium records and transaction metadata."""

from __future__ import annotations

import dataclasses
import json
import random

from ficus_sync.capture.kafka.core.assembly import TransactionAssembler, gtid_parts
from ficus_sync.capture.kafka.core.record import KafkaChange
from tests.unit.kafka.recorded import changes, raw

TABLES = frozenset({"cataloginventory_stock_item", "catalog_product_entity",
                    "catalog_product_entity_decimal"})  # fmt: skip


def shifted(change: KafkaChange, by: int) -> KafkaChange:
    return dataclasses.replace(change, offset=change.offset + by)


def feed(assembler: TransactionAssembler, seed: int, shift: int = 0) -> list[str | None]:
    """Feed data records partition by partition in a random interleaving (as a consumer of
    several partitions sees them), the transaction topic interleaved too."""
    data = [shifted(c, shift) for c in changes("schema_precise")]
    meta = [dict(m, offset=m["offset"] + shift) for m in raw("schema_precise.transaction")]
    queues = [
        [("data", c) for c in data if c.topic == topic] for topic in sorted({c.topic for c in data})
    ] + [[("meta", m) for m in meta]]
    rng = random.Random(seed)
    released: list[str | None] = []
    while any(queues):
        queue = rng.choice([q for q in queues if q])
        kind, item = queue.pop(0)
        if kind == "data":
            assembler.add_change(item)  # type: ignore[arg-type]
        else:
            value = json.loads(item["value"])  # type: ignore[index]
            assembler.add_transaction_record(item["topic"], 0, item["offset"], value)  # type: ignore[index]
        while (txn := assembler.ready()) is not None:
            released.append(txn.events[0].transaction_id if txn.events else None)
    return released


def test_transactions_come_out_in_commit_order_whatever_the_interleaving() -> None:
    for seed in range(20):
        released = [
            g for g in feed(TransactionAssembler(tables=TABLES, barrier_passed=True), seed) if g
        ]
        streamed = [g for g in released if g and gtid_parts(g)]
        assert streamed == sorted(streamed, key=lambda g: gtid_parts(g))  # type: ignore[arg-type,return-value]
        assert len(streamed) == len(set(streamed)) == 5


def test_replayed_records_are_not_released_again() -> None:
    assembler = TransactionAssembler(tables=TABLES, barrier_passed=True)
    first = feed(assembler, 1)
    again = feed(assembler, 2, shift=100)  # Debezium re-emits after a Connect crash
    assert [g for g in again if g and gtid_parts(g)] == []
    assert first


def test_signal_table_counts_do_not_hold_transactions_back() -> None:
    assembler = TransactionAssembler(tables=TABLES, barrier_passed=True)
    feed(assembler, 3)
    assert not assembler._ends  # every END, the signal-table ones included, was released


def test_position_resumes_after_the_released_records() -> None:
    assembler = TransactionAssembler(tables=TABLES, barrier_passed=True)
    feed(assembler, 4)
    position = assembler.position()
    resumed = TransactionAssembler.resume(position, True, TABLES)
    assert resumed.position()["offsets"] == position["offsets"]
    last_end = json.loads(raw("schema_precise.transaction")[-1]["value"])["payload"]["id"]
    assert position["gtid_seq"] == {"0": int(last_end.rsplit("-", 1)[1])}
    assert position["offsets"]["magento.transaction|0"] == len(raw("schema_precise.transaction"))


def test_without_metadata_a_replayed_row_version_is_dropped() -> None:
    assembler = TransactionAssembler(use_metadata=False)
    data = changes("schemaless_string")
    for change in data + [shifted(c, 100) for c in data]:
        assembler.add_change(change)
    released = []
    while (txn := assembler.ready()) is not None:
        released += txn.events
    # snapshot reads carry no binlog order of their own: they are re-applied (idempotent upserts)
    assert len(released) == sum(1 for c in data if c.event) + sum(
        1 for c in data if c.event and c.snapshot
    )


def test_records_delivered_again_by_kafka_are_ignored() -> None:
    """After a rebalance Kafka re-delivers from the committed offset: same offsets."""
    assembler = TransactionAssembler(tables=TABLES, barrier_passed=True)
    first = feed(assembler, 5)
    assert feed(assembler, 6) == []
    assert len([g for g in first if g]) == 5


def test_an_open_transaction_replayed_is_released_once_and_whole() -> None:
    data = [c for c in changes("schema_precise") if c.event and c.event.transaction_id]
    meta = [m for m in raw("schema_precise.transaction") if '"END"' in m["value"]]
    txn = data[0].event.transaction_id  # type: ignore[union-attr]
    mine = [c for c in data if c.event and c.event.transaction_id == txn]
    end = next(m for m in meta if txn in m["value"])
    assembler = TransactionAssembler(tables=TABLES, barrier_passed=True)
    for change in mine + [shifted(c, 100) for c in mine]:  # re-emitted before its END
        assembler.add_change(change)
    value = json.loads(end["value"])
    assembler.add_transaction_record("magento.transaction", 0, 0, value)
    assembler.add_transaction_record("magento.transaction", 0, 1, value)  # its END again
    released = assembler.ready()
    assert released is not None and len(released.events) == len(mine)
    assert assembler.ready() is None and not assembler._ends


def test_streaming_waits_for_the_snapshot_barrier() -> None:
    """No streaming transaction is released before every data partition was read up to its
    end offset as of the first END; snapshot rows go through at once."""
    assembler = TransactionAssembler(tables=TABLES)
    data = changes("schema_precise")
    meta = raw("schema_precise.transaction")
    for item in meta:
        value = json.loads(item["value"])
        assembler.add_transaction_record(item["topic"], 0, item["offset"], value)
    assert assembler.wants_barrier
    ends: dict[str, int] = {}
    for change in data:
        key = f"{change.topic}|{change.partition}"
        ends[key] = max(ends.get(key, 0), change.offset + 1)
    assembler.set_barrier(ends)
    released = []
    for change in data:
        assembler.add_change(change)
        while (txn := assembler.ready()) is not None:
            released.append(txn)
        if not assembler.barrier_passed:
            assert all(not e.transaction_id for t in released for e in t.events)
    assert assembler.barrier_passed and assembler.position()["barrier_passed"]
    assert len([t for t in released if t.events and t.events[0].transaction_id]) == 5


def test_a_transaction_missing_an_event_is_released_after_the_wait_limit() -> None:
    """An END whose events never come must not stall the stream for ever."""
    data = [c for c in changes("schema_precise") if c.event and c.event.transaction_id]
    ends = [m for m in raw("schema_precise.transaction") if '"END"' in m["value"]]
    assembler = TransactionAssembler(tables=TABLES, barrier_passed=True, incomplete_after=0.0)
    first = json.loads(ends[0]["value"])["payload"]["id"]
    for change in data:
        if change.event and change.event.transaction_id != first:  # the first one's is lost
            assembler.add_change(change)
    for item in ends[:1]:
        assembler.add_transaction_record(
            item["topic"], 0, item["offset"], json.loads(item["value"])
        )
    assert assembler.ready() is None  # only one END: nothing proves the stream moved on
    for item in ends[1:]:
        assembler.add_transaction_record(
            item["topic"], 0, item["offset"], json.loads(item["value"])
        )
    released = []
    while (txn := assembler.ready()) is not None:
        released.append(txn)
    assert assembler.incomplete == [first]
    assert len([t for t in released if t.events]) == 4
