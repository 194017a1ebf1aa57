"""The Kafka engine's `Snapshots`: Debezium takes the initial snapshot itself (its rows arrive
as change events) and re-reads one table on an incremental-snapshot signal."""

from __future__ import annotations

from ficus_sync.capture.kafka.provision import request_incremental_snapshot
from ficus_sync.capture.kafka.settings import KafkaPathSettings
from ficus_sync.capture.port import Progress, SnapshotRequested, SnapshotResult, no_progress
from ficus_sync.errors import SnapshotError


class DebeziumSnapshots:
    """Snapshots on the Kafka engine: requested from Debezium, never copied by sync."""

    def __init__(self, kafka: KafkaPathSettings) -> None:
        self.kafka = kafka

    def needed(self) -> bool:
        """Never: Debezium's initial snapshot reaches sync as change events."""
        return False

    def initial(self, progress: Progress = no_progress) -> SnapshotResult:
        raise SnapshotError("on the Kafka engine, give --table (Debezium re-reads it)")

    def table(self, name: str, progress: Progress = no_progress) -> SnapshotRequested:
        """An incremental snapshot of `name` through the signal table."""
        return SnapshotRequested(request_incremental_snapshot(self.kafka, [name]), (name,))
