"""Transactions read in part (pure): their buffered events, deduplicated, and their ENDs.

When Connect restarts inside a transaction, Debezium sends it again from the last event it had
recorded: a new BEGIN, the remaining events (`total_order` restarted at 1) and an END counting
only those. Copies of an event are recognised by their identity (topic, binlog position and
row, op, images); an END is complete when every event it counts was received by Kafka after
the BEGIN read last for its transaction (seen live: 0-1-1289 had an END counting 9 events,
then one counting 2).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from ficus_sync.capture.kafka.core.record import KafkaChange


@dataclass
class End:
    """An END record waiting for the events it counts."""

    txn_id: str
    counts: dict[str, int]
    where: tuple[str, int]
    offset: int
    sent: int | None = None  # Kafka timestamp
    begun: int | None = None  # Kafka timestamp of the BEGIN read last for this transaction
    since: float = field(default_factory=time.monotonic)


def _identity(change: KafkaChange) -> str:
    event = change.event
    assert event is not None
    return repr((change.topic, change.order, event.op, event.before, event.after))


def _later(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


class OpenTransactions:
    """Events per transaction id, each kept once, with when Kafka last received a copy."""

    def __init__(self) -> None:
        self.events: dict[str, list[KafkaChange]] = {}
        self._seen: dict[str, dict[str, tuple[str, int | None]]] = {}
        self._begun: dict[str, int] = {}

    def add(self, txn_id: str, change: KafkaChange) -> bool:
        """Buffer `change`; False if a copy of it is buffered already."""
        assert change.event is not None
        identity, seen = _identity(change), self._seen.setdefault(txn_id, {})
        if identity in seen:
            seen[identity] = (change.event.table, _later(seen[identity][1], change.timestamp))
            return False
        seen[identity] = (change.event.table, change.timestamp)
        self.events.setdefault(txn_id, []).append(change)
        return True

    def begun(self, txn_id: str, sent: int | None) -> None:
        if sent is not None:
            self._begun[txn_id] = sent

    def begin_of(self, txn_id: str) -> int | None:
        return self._begun.get(txn_id)

    def missing(self, end: End) -> dict[str, int]:
        """Events `end` counts that are not buffered yet, per table."""
        seen = self._seen.get(end.txn_id, {}).values()
        have = Counter(t for t, at in seen if end.begun is None or at is None or at >= end.begun)
        return {t: n - have[t] for t, n in end.counts.items() if have[t] < n}

    def keep(self, txn_id: str, changes: list[KafkaChange]) -> None:
        """Replace the buffered events of `txn_id` (none left: forget it)."""
        if changes:
            self.events[txn_id] = changes
        else:
            self.forget(txn_id)

    def forget(self, txn_id: str) -> list[KafkaChange]:
        self._seen.pop(txn_id, None)
        self._begun.pop(txn_id, None)
        return self.events.pop(txn_id, [])
