"""The snapshot barrier waits while the snapshot is still being read, however long that takes
on a busy machine; only a barrier that makes no progress is passed by timeout (issue #15: a
barrier passed after a fixed 60 s let the stream overtake snapshot rows still on the way)."""

from __future__ import annotations

import pytest

from ficus_sync.capture.kafka.core import assembly
from ficus_sync.capture.kafka.core.assembly import TransactionAssembler
from ficus_sync.core.envelope import Op
from tests.unit.sync.test_kafka_resnapshot import TABLES, TXN_TOPIC, Topics, change, drain, end
from tests.unit.sync.test_kafka_resnapshot import snapshot as snapshot_rows


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(assembly.time, "monotonic", fake)
    return fake


def held_stream(topics: Topics) -> tuple[TransactionAssembler, list, list]:
    """Product snapshot rows read, then a streamed update and its END; the stock snapshot
    rows (written before them) not read yet."""
    rows = snapshot_rows(topics, 1000, 5_000, {"product": [(1, "a"), (2, "b")],
                                               "stock": [(1, "10"), (2, "20")]})  # fmt: skip
    update = change(topics, "product", 1, "a2", pos=1100, sent=9_000, op=Op.UPDATE,
                    gtid="0-1-101", total_order=1)  # fmt: skip
    txn_end = (end("0-1-101", {"product": 1}), topics.offset(TXN_TOPIC), 9_001)
    assembler = TransactionAssembler(tables=TABLES, incomplete_after=10)
    for row in rows[:2]:
        assembler.add_change(row)
    assembler.add_change(update)
    assembler.add_transaction_record(TXN_TOPIC, 0, txn_end[1], txn_end[0], txn_end[2])
    assert assembler.wants_barrier
    assembler.set_barrier(topics.ends())
    return assembler, list(drain(assembler)), rows[2:]


def test_the_barrier_holds_the_stream_while_the_snapshot_is_still_read(clock: Clock) -> None:
    topics = Topics()
    assembler, released, stock = held_stream(topics)
    assert all(t.events[0].op is Op.READ for t in released)
    clock.now += 8
    assembler.add_change(stock[0])  # progress
    clock.now += 8  # 16 s since the barrier was set, 8 since the last progress
    assembler.tick()
    later = list(drain(assembler))
    assert [e.op for t in later for e in t.events] == [Op.READ]  # the stock row only
    assembler.add_change(stock[1])
    last = list(drain(assembler))
    assert [(e.table, e.op) for t in last for e in t.events] == [
        ("stock", Op.READ), ("product", Op.UPDATE)
    ]  # fmt: skip


def test_a_barrier_without_progress_is_passed_by_timeout(clock: Clock) -> None:
    topics = Topics()
    assembler, _released, _stock = held_stream(topics)
    clock.now += 9
    assembler.tick()
    assert list(drain(assembler)) == []
    clock.now += 2
    assembler.tick()
    assert [(e.table, e.op) for t in drain(assembler) for e in t.events] == [
        ("product", Op.UPDATE)
    ]  # fmt: skip
