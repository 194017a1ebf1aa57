"""One Debezium record read from Kafka, decoded (pure: no Kafka client here)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ficus_sync.capture.kafka.core.position import BinlogOrder
from ficus_sync.core.envelope import ChangeEvent, TableHints, parse_debezium
from ficus_sync.errors import EnvelopeError


@dataclass(frozen=True)
class KafkaChange:
    """One Debezium record: where it came from in Kafka and in the binlog, and what changed."""

    topic: str
    partition: int
    offset: int
    key: dict[str, Any] | None
    event: ChangeEvent | None  # None: a tombstone
    order: BinlogOrder | None
    snapshot: str | None = None
    source_ts_ms: int | None = None
    total_order: int | None = None  # rank of the event in its source transaction (metadata on)
    timestamp: int | None = None  # the Kafka record's CreateTime (ms): when Connect sent it

    @property
    def initial_snapshot(self) -> bool:
        """A row of an initial snapshot (not of an incremental one)."""
        return self.snapshot is not None and self.snapshot != "incremental"

    @property
    def tombstone(self) -> bool:
        return self.event is None


def decode_record(
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    value: bytes | None,
    hints: Mapping[str, TableHints] | None = None,
    timestamp: int | None = None,
) -> KafkaChange:
    """One raw Kafka record as a `KafkaChange` (pure; used by the consumer and by tests)."""
    key_doc = json.loads(key) if key else None
    if value is None:
        return KafkaChange(topic, partition, offset, key_doc, None, None, timestamp=timestamp)
    try:
        doc = json.loads(value)
    except ValueError as exc:
        raise EnvelopeError(f"{topic}@{partition}:{offset}: not JSON: {exc}") from exc
    payload = doc.get("payload") if "schema" in doc and "payload" in doc else doc
    event = parse_debezium(doc, hints)
    source = (payload or {}).get("source") or {}
    return KafkaChange(
        topic=topic,
        partition=partition,
        offset=offset,
        key=key_doc,
        event=event,
        order=BinlogOrder.from_source(source),
        snapshot=_snapshot_flag(source.get("snapshot")),
        source_ts_ms=source.get("ts_ms"),
        total_order=((payload or {}).get("transaction") or {}).get("total_order"),
        timestamp=timestamp,
    )


def _snapshot_flag(value: Any) -> str | None:
    if value in (None, "false", False):
        return None
    return str(value).lower()
