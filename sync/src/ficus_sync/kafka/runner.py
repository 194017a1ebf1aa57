"""Composition root of the Kafka path: sync's pipeline (mirror → projector → domain events)
fed by `KafkaSource` instead of the embedded binlog reader; and the connector's registration.

`python -m ficus_sync.kafka.runner` streams until SIGTERM/SIGINT with FICUS_SYNC_* and
FICUS_SYNC_KAFKA_* settings; transient failures (Kafka or Postgres away) reconnect with
backoff and resume from the checkpoint committed with the last effect.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any

import pymysql

from ficus_sync import bootstrap
from ficus_sync.connect import ConnectClient
from ficus_sync.kafka.connector import ConnectorSpec, connector_config
from ficus_sync.kafka.mariadb_setup import setup_debezium
from ficus_sync.kafka.settings import KafkaPathSettings
from ficus_sync.kafka.source import KafkaSource, consumer_lag, lag_report
from ficus_sync.lag import LagTracker
from ficus_sync.pipeline import TRANSIENT, Pipeline
from ficus_sync.settings import SyncSettings
from ficus_sync.tables import CAPTURED

log = logging.getLogger(__name__)


def connector_spec(kafka: KafkaPathSettings, tables: Sequence[str] = CAPTURED) -> ConnectorSpec:
    return ConnectorSpec(
        database=kafka.mariadb_database,
        tables=tuple(tables),
        hostname=kafka.mariadb_host,
        port=kafka.mariadb_port,
        user=kafka.debezium_user,
        password=kafka.debezium_password.get_secret_value(),
        bootstrap_servers=kafka.bootstrap_servers,
        topic_prefix=kafka.topic_prefix,
        server_id=kafka.server_id,
        signal_table=kafka.signal_table,
    )


def prepare(kafka: KafkaPathSettings) -> bool:
    """Before streaming: the `debezium` MariaDB account with exactly its grants and the signal
    table, then the connector registered (idempotent); True if the connector was created."""
    conn = pymysql.connect(
        host=kafka.mariadb_host,
        port=kafka.mariadb_port,
        user=kafka.mariadb_admin_user,
        password=kafka.mariadb_admin_password.get_secret_value(),
        database=kafka.mariadb_database,
    )
    try:
        setup_debezium(
            conn,
            kafka.mariadb_database,
            kafka.debezium_user,
            kafka.debezium_password.get_secret_value(),
            kafka.signal_table,
        )
    finally:
        conn.close()
    return register(kafka, connector_spec(kafka))


def lag_reader(kafka: KafkaPathSettings, timeout: float = 2.0) -> Callable[[], dict[str, Any]]:
    """For `/v1/lag` on this engine: the consumer group's lag on the captured tables' topics
    (committed offset vs high watermark), read without joining the group."""
    spec = connector_spec(kafka)
    topics = [spec.topic(table) for table in spec.tables]

    def read() -> dict[str, Any]:
        return lag_report(
            consumer_lag(kafka.bootstrap_servers, kafka.consumer_group, topics, timeout)
        )

    return read


def register(kafka: KafkaPathSettings, spec: ConnectorSpec) -> bool:
    """Create or update the connector (idempotent); True if it was created."""
    with ConnectClient(kafka.connect_url) as client:
        return client.upsert(kafka.connector_name, connector_config(spec))


def kafka_pipeline(
    components: bootstrap.Components, kafka: KafkaPathSettings, spec: ConnectorSpec
) -> Pipeline:
    source = KafkaSource(kafka.bootstrap_servers, kafka.consumer_group, spec)
    return Pipeline(
        components.pg,
        source,
        components.mirror,
        components.projector,
        components.lag,
        components.reload_shapes,
        max_batch_events=components.settings.max_batch_events,
    )


def stream(
    settings: SyncSettings, kafka: KafkaPathSettings, lag: LagTracker, stop: threading.Event
) -> None:
    """Stream from Kafka until `stop`; the initial state comes from Debezium's snapshot."""
    spec = connector_spec(kafka)
    backoff = 0.2
    while not stop.is_set():
        components: bootstrap.Components | None = None
        try:
            components = bootstrap.build(settings, lag)
            bootstrap.announce_store_views(components)
            lag.connected = True
            backoff = 0.2
            kafka_pipeline(components, kafka, spec).run(stop)
        except TRANSIENT as exc:
            lag.connected = False
            log.warning("Kafka path unavailable (%s); retrying in %.1fs", exc, backoff)
            stop.wait(backoff)
            backoff = min(backoff * 2, settings.backoff_max_seconds)
        finally:
            if components is not None:
                _close_quietly(components)


def _close_quietly(components: bootstrap.Components) -> None:
    try:
        components.close()
    except Exception:  # noqa: BLE001 - the connection may already be dead
        log.debug("closing sync's connections failed", exc_info=True)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    # the connector is registered by whoever deploys it (`python -m ficus_sync run` with
    # FICUS_SYNC_ENGINE=kafka calls `prepare`); this entry point only streams
    stream(SyncSettings(), KafkaPathSettings(), LagTracker(), stop)


if __name__ == "__main__":
    main()
