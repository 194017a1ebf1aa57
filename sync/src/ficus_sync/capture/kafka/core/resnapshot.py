"""A repeated initial snapshot, recognised and applied whole (pure).

Debezium marks its initial snapshot finished only in the source offset that Connect commits
after the snapshot's last record is acknowledged. If the Connect worker dies before (a kill -9
seconds after the snapshot, while its records are still being sent, is enough), the task
starts the whole snapshot again on restart, at the binlog position of that moment, and streams
from there. A topic then holds: snapshot 1 (at P1), part of the stream after P1 (what was sent
before the crash; an END may count events that were never sent), snapshot 2 (at P2 > P1), the
stream after P2. Nothing before snapshot 2 is ever re-sent, and snapshot 2 carries no delete
for a row deleted between P1 and P2.

So a snapshot at a later binlog position than the one applied replaces it: its rows are
buffered until its `last` record and every partition has been read to its end, then released
as ONE transaction that truncates the captured tables and inserts the rows; the pipeline
applies it atomically and the projector emits only the aggregates whose state changed.
Streaming events before P2 and transaction ENDs sent before snapshot 2 are superseded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ficus_sync.capture.kafka.core.record import KafkaChange
from ficus_sync.core.envelope import ChangeEvent, Op, SourcePosition

log = logging.getLogger(__name__)

BinlogAt = tuple[int, int]  # binlog file number, position


def binlog_at(change: KafkaChange) -> BinlogAt | None:
    """Where the change sits in the binlog (a snapshot row: where the snapshot was taken)."""
    order = change.order
    return None if order is None else (order.file_number, order.pos)


def snapshot_at(change: KafkaChange) -> BinlogAt | None:
    """The binlog position of the initial snapshot this row belongs to; None if it is not an
    initial-snapshot row."""
    return binlog_at(change) if change.initial_snapshot else None


@dataclass
class Resnapshot:
    """A repeated initial snapshot being read."""

    at: BinlogAt
    changes: list[KafkaChange] = field(default_factory=list)
    first_sent: int | None = None  # earliest Kafka timestamp of its records
    complete: bool = False  # its `last` record was read
    ends: dict[str, int] | None = None  # partitions' end offsets once complete

    def add(self, change: KafkaChange) -> None:
        self.changes.append(change)
        if change.timestamp is not None:
            self.first_sent = min(self.first_sent or change.timestamp, change.timestamp)
        if change.snapshot == "last":
            self.complete = True

    @property
    def wants_ends(self) -> bool:
        return self.complete and self.ends is None

    def behind(self, next_offsets: dict[str, int]) -> dict[str, tuple[int, int]]:
        """Partitions not yet read up to the end they had when the snapshot was complete."""
        found = {p: (next_offsets.get(p, 0), end) for p, end in (self.ends or {}).items()}
        return {p: v for p, v in found.items() if v[0] < v[1]}

    def precedes(self, change: KafkaChange) -> bool:
        """A streaming event of a transaction committed before this snapshot was taken."""
        where = binlog_at(change)
        return where is not None and where < self.at

    def supersedes(self, end_sent: int | None, events: Sequence[KafkaChange]) -> bool:
        """An END (and its transaction) written before this snapshot began: its effect is
        in the snapshot, and its events may never have reached Kafka."""
        if any(self.precedes(c) for c in events):
            return True
        return end_sent is not None and self.first_sent is not None and end_sent < self.first_sent

    def events(self, tables: Iterable[str]) -> list[ChangeEvent]:
        """Truncate every captured table, then insert the snapshot's rows."""
        file = self.changes[0].event.source.file if self.changes[0].event else None
        source = SourcePosition(file=file, pos=self.at[1])
        rows = [c.event for c in self.changes if c.event is not None]
        wiped = sorted(set(tables) | {e.table for e in rows})
        return [ChangeEvent(t, Op.TRUNCATE, None, None, source) for t in wiped] + rows


@dataclass
class Snapshots:
    """The initial snapshot whose rows were applied, and a later one being read."""

    applied: BinlogAt | None = None
    repeated: Resnapshot | None = None

    def route(self, at: BinlogAt, fresh: bool) -> Literal["apply", "drop", "buffer"]:
        """What to do with a row of the snapshot taken `at`: apply it (the first snapshot
        of a `fresh` stream goes through as it comes), drop it (an older snapshot, replaced)
        or buffer it (a repeated snapshot)."""
        if self.applied is None and self.repeated is None and fresh:
            self.applied = at
        if at == self.applied:
            return "apply"
        current = self.repeated.at if self.repeated is not None else self.applied
        return "drop" if current is not None and at < current else "buffer"

    def buffer(self, change: KafkaChange, at: BinlogAt) -> list[KafkaChange]:
        """Add a row of a repeated snapshot; returns the rows of one it replaces."""
        replaced: list[KafkaChange] = []
        if self.repeated is None or self.repeated.at != at:
            log.warning(
                "Debezium took its initial snapshot again (binlog %s, applied: %s): the "
                "connector restarted before it had recorded the snapshot's end; the new "
                "snapshot will replace the captured tables in one transaction",
                at,
                self.applied,
            )
            replaced = self.repeated.changes if self.repeated is not None else []
            self.repeated = Resnapshot(at)
        self.repeated.add(change)
        return replaced

    def superseded(self, change: KafkaChange) -> bool:
        """A streaming event from before the snapshot applied last."""
        where = binlog_at(change)
        return where is not None and self.applied is not None and where < self.applied

    def take(self, next_offsets: dict[str, int], waited_out: bool) -> Resnapshot | None:
        """The repeated snapshot, once every partition was read up to its end (or the wait
        ran out); it is the applied one from then on."""
        snap = self.repeated
        if snap is None or snap.ends is None:
            return None
        behind = snap.behind(next_offsets)
        if behind and not waited_out:
            return None
        if behind:
            log.warning("repeated snapshot released by timeout; behind (read, end): %s", behind)
        self.repeated, self.applied = None, snap.at
        return snap
