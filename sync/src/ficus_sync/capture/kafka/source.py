"""The Kafka capture source: a confluent-kafka consumer on Debezium's topics, implementing the
pipeline's `CaptureSource` port (sync/capture/port.py).

Order of side effects: poll → assemble transactions → the pipeline applies one batch and
commits its effect together with the batch's position (Kafka offsets per partition and the
last GTID per domain) → `committed()` commits the same offsets to the Kafka consumer group
(only for visibility: `ficus lag`, kafka-consumer-groups). On (re)open the source seeks every
partition to the position the pipeline committed, so a crash anywhere repeats nothing and
loses nothing; records Debezium itself re-emits are dropped by the assembler.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from confluent_kafka import (
    TIMESTAMP_NOT_AVAILABLE,
    Consumer,
    KafkaError,
    KafkaException,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from ficus_sync.capture.kafka.core.assembly import TransactionAssembler, partition_key
from ficus_sync.capture.kafka.core.connector import ConnectorSpec
from ficus_sync.capture.kafka.core.record import decode_record
from ficus_sync.capture.port import Position, Transaction
from ficus_sync.core.envelope import TableHints
from ficus_sync.errors import CaptureError, SourceUnavailable

log = logging.getLogger(__name__)

_REBALANCING = (
    KafkaError.UNKNOWN_MEMBER_ID,
    KafkaError.REBALANCE_IN_PROGRESS,
    KafkaError.ILLEGAL_GENERATION,
    KafkaError._ASSIGNMENT_LOST,
)


@dataclass(frozen=True)
class PartitionLag:
    topic: str
    partition: int
    committed: int
    high_watermark: int

    @property
    def lag(self) -> int:
        return max(self.high_watermark - max(self.committed, 0), 0)


def consumer_config(bootstrap_servers: str, group: str) -> dict[str, Any]:
    return {
        "bootstrap.servers": bootstrap_servers,
        "group.id": group,
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "auto.offset.reset": "earliest",
        "topic.metadata.refresh.interval.ms": 1000,
        "session.timeout.ms": 10000,
        "client.id": f"ficus-sync-{group}",
    }


class KafkaSource:
    """Capture source over the data topics of `spec`'s tables (and its transaction topic when
    the connector provides transaction metadata)."""

    name = "kafka"

    def __init__(
        self,
        bootstrap_servers: str,
        group: str,
        spec: ConnectorSpec,
        batch_size: int = 1000,
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.group = group
        self.tables = frozenset(spec.tables)
        self.topic_pattern = spec.topic_pattern()
        self.transaction_topic = spec.transaction_topic
        self.batch_size = batch_size
        self._consumer: Consumer | None = None
        self._assembler = TransactionAssembler()
        self._hints: Mapping[str, TableHints] = {}

    def open(self, position: Position | None, hints: Mapping[str, TableHints]) -> None:
        self._hints = hints
        self._assembler = TransactionAssembler.resume(
            position, self.transaction_topic is not None, self.tables
        )
        if self.transaction_topic:
            self._ensure_topic(self.transaction_topic)
        consumer = Consumer(consumer_config(self.bootstrap_servers, self.group))
        consumer.subscribe(self._subscription(), on_assign=self._on_assign)
        self._consumer = consumer

    def _ensure_topic(self, topic: str) -> None:
        """Create the transaction topic before subscribing (Debezium creates it only at the
        first streamed transaction, and a subscription may miss a topic that appears later)."""
        admin = AdminClient({"bootstrap.servers": self.bootstrap_servers})
        future = admin.create_topics([NewTopic(topic, num_partitions=1)])[topic]
        try:
            future.result(timeout=10)
        except KafkaException as exc:
            if exc.args and exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise SourceUnavailable(f"cannot create {topic}: {exc}") from exc

    def _subscription(self) -> list[str]:
        """Regexes only (also for the transaction topic): librdkafka picks up a topic created
        after subscribing when a regex matches it, while a literal name that does not exist
        yet may be missed. Two regexes: one alternation nesting the data group failed."""
        if not self.transaction_topic:
            return [self.topic_pattern]
        return [self.topic_pattern, f"^{re.escape(self.transaction_topic)}$"]

    def _on_assign(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        """Continue each partition right after the last record read (first: at the position
        the pipeline committed, which wins over Kafka's group offsets). A rebalance, e.g.
        when a new table topic appears, so neither skips nor re-reads anything."""
        stored = self._assembler.next_offsets
        for tp in partitions:
            offset = stored.get(partition_key(tp.topic, tp.partition))
            if offset is not None:
                tp.offset = offset
        consumer.assign(partitions)
        log.info("Kafka partitions assigned: %d", len(partitions))

    def poll(self, timeout: float) -> Transaction | None:
        ready = self._assembler.ready()
        if ready is not None:
            return ready
        for message in self._fetch(timeout):
            if self._is_record(message):
                self._feed(message)
        if self._assembler.wants_barrier:
            self._assembler.set_barrier(self._data_end_offsets())
        self._assembler.tick()
        return self._assembler.ready()

    def _fetch(self, timeout: float) -> list[Any]:
        """What the consumer has fetched, up to `batch_size`, waiting at most `timeout` for the
        first record only. (`consume(n, timeout)` alone waits until n records or the timeout:
        at 500 changes/s that held every record back for the whole timeout.)"""
        consumer = self._live()
        messages: list[Any] = consumer.consume(self.batch_size, 0)
        if not messages and timeout > 0:
            messages = consumer.consume(1, timeout)
            if messages and self.batch_size > 1:
                messages += consumer.consume(self.batch_size - 1, 0)
        return messages

    def _data_end_offsets(self) -> dict[str, int]:
        """High watermark of every partition of every data topic (and of the transaction
        topic) that exists now."""
        consumer = self._live()
        pattern = re.compile(self.topic_pattern)
        ends: dict[str, int] = {}
        for name, topic in consumer.list_topics(timeout=10).topics.items():
            if not pattern.match(name) and name != self.transaction_topic:
                continue
            for partition in topic.partitions:
                _low, high = consumer.get_watermark_offsets(
                    TopicPartition(name, partition), timeout=10, cached=False
                )
                ends[partition_key(name, partition)] = high
        return ends

    def _feed(self, message: Any) -> None:
        topic, partition, offset = message.topic(), message.partition(), message.offset()
        kind, stamp = message.timestamp()
        sent = None if kind == TIMESTAMP_NOT_AVAILABLE else int(stamp)
        if topic == self.transaction_topic:
            value = json.loads(message.value()) if message.value() else None
            self._assembler.add_transaction_record(topic, partition, offset, value, sent)
            return
        change = decode_record(
            topic, partition, offset, message.key(), message.value(), self._hints, sent
        )
        self._assembler.add_change(change)

    def committed(self, position: Position) -> None:
        offsets = [
            TopicPartition(where.rsplit("|", 1)[0], int(where.rsplit("|", 1)[1]), int(offset))
            for where, offset in (position.get("offsets") or {}).items()
        ]
        if not offsets:
            return
        try:
            self._live().commit(offsets=offsets, asynchronous=False)
        except KafkaException as exc:
            if exc.args and exc.args[0].code() in _REBALANCING:
                # the group is rebalancing; the pipeline's checkpoint already holds these
                # offsets and the next commit will carry them to Kafka
                log.info("Kafka group commit skipped during a rebalance: %s", exc)
                return
            raise SourceUnavailable(f"Kafka offset commit failed: {exc}") from exc

    def close(self) -> None:
        if self._consumer is not None:
            self._consumer.close()
            self._consumer = None

    def _live(self) -> Consumer:
        if self._consumer is None:
            raise CaptureError("the Kafka source is not open")
        return self._consumer

    @staticmethod
    def _is_record(message: Any) -> bool:
        error = message.error()
        if error is None:
            return True
        if error.code() in (KafkaError._PARTITION_EOF, KafkaError.UNKNOWN_TOPIC_OR_PART):
            return False
        if error.retriable() or error.code() in (
            KafkaError._TRANSPORT,
            KafkaError._ALL_BROKERS_DOWN,
        ):
            raise SourceUnavailable(f"Kafka: {error.str()}")
        raise CaptureError(f"Kafka consumer error: {error.str()}")

    def lag(self, timeout: float = 5.0) -> list[PartitionLag]:
        """Consumer lag of the assigned partitions: committed offset vs high watermark."""
        consumer = self._live()
        return committed_lag(consumer, consumer.assignment(), timeout)


def committed_lag(
    consumer: Consumer, partitions: list[TopicPartition], timeout: float
) -> list[PartitionLag]:
    """The group's committed offset vs the high watermark of each of `partitions`."""
    if not partitions:
        return []
    result = []
    for tp in consumer.committed(partitions, timeout=timeout):
        _low, high = consumer.get_watermark_offsets(tp, timeout=timeout)
        result.append(PartitionLag(tp.topic, tp.partition, tp.offset, high))
    return result


def consumer_lag(
    bootstrap_servers: str, group: str, topics: list[str], timeout: float = 5.0
) -> list[PartitionLag]:
    """Lag of a consumer group on `topics` without joining it (for `ficus lag`)."""
    probe = Consumer({"bootstrap.servers": bootstrap_servers, "group.id": group})
    try:
        partitions = []
        for topic in topics:
            meta = probe.list_topics(topic, timeout=timeout).topics.get(topic)
            if meta is not None and meta.error is None:
                partitions += [TopicPartition(topic, p) for p in meta.partitions]
        return committed_lag(probe, partitions, timeout)
    finally:
        probe.close()


def lag_report(lags: list[PartitionLag]) -> dict[str, Any]:
    """The `kafka` part of `/v1/lag`: total consumer lag and each partition's
    committed offset vs high watermark (a committed offset < 0 means none yet)."""
    return {
        "consumer_lag": sum(p.lag for p in lags),
        "partitions": {
            f"{p.topic}/{p.partition}": {
                "committed": p.committed,
                "high_watermark": p.high_watermark,
                "lag": p.lag,
            }
            for p in lags
        },
    }
