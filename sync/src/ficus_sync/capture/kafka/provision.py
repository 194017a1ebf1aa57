"""Provisioning of the Kafka path in MariaDB and Kafka Connect: the `debezium` account with
exactly its grants, the signal table, the connector's registration, and incremental-snapshot
signals. Streaming itself is wired by the composition root (`ficus_sync.bootstrap`)."""

from __future__ import annotations

from collections.abc import Sequence

import pymysql

from ficus_sync.capture.kafka.core.connector import ConnectorSpec, connector_config
from ficus_sync.capture.kafka.mariadb_setup import setup_debezium, trigger_incremental_snapshot
from ficus_sync.capture.kafka.settings import KafkaPathSettings
from ficus_sync.connect import ConnectClient, ConnectorNotFound
from ficus_sync.connect.errors import ConnectRequestFailed, ConnectUnavailable
from ficus_sync.core.tables import CAPTURED
from ficus_sync.errors import SnapshotError, SourceUnavailable

# a (re)starting worker answers 404 until its REST resources are up, 409 while rebalancing
_CONNECT_NOT_READY = (404, 409)


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


def admin_connection(
    kafka: KafkaPathSettings,
) -> pymysql.connections.Connection[pymysql.cursors.Cursor]:
    """A MariaDB connection as the admin account (raises `pymysql.MySQLError`)."""
    return pymysql.connect(
        host=kafka.mariadb_host,
        port=kafka.mariadb_port,
        user=kafka.mariadb_admin_user,
        password=kafka.mariadb_admin_password.get_secret_value(),
        database=kafka.mariadb_database,
    )


def prepare(kafka: KafkaPathSettings) -> bool:
    """Before streaming: the `debezium` MariaDB account with exactly its grants and the signal
    table, then the connector registered (idempotent); True if the connector was created.
    MariaDB or Connect not answering or not ready raises `SourceUnavailable` (the supervisor
    retries); a config Connect rejects stays fatal."""
    try:
        conn = admin_connection(kafka)
    except pymysql.OperationalError as exc:
        raise SourceUnavailable(f"MariaDB: {exc}") from exc
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
    try:
        return register(kafka, connector_spec(kafka))
    except ConnectUnavailable as exc:
        raise SourceUnavailable(str(exc)) from exc
    except ConnectRequestFailed as exc:
        if exc.status in _CONNECT_NOT_READY or exc.status >= 500:
            raise SourceUnavailable(f"Kafka Connect is not ready: {exc}") from exc
        raise


def register(kafka: KafkaPathSettings, spec: ConnectorSpec) -> bool:
    """Create or update the connector (idempotent); True if it was created. An unchanged
    config is not written again: Connect restarts a connector on every config write."""
    wanted = connector_config(spec)
    with ConnectClient(kafka.connect_url) as client:
        try:
            current = client.config(kafka.connector_name)
        except ConnectorNotFound:
            current = None
        if current is not None and current == wanted | {"name": kafka.connector_name}:
            return False
        return client.upsert(kafka.connector_name, wanted)


def request_incremental_snapshot(
    kafka: KafkaPathSettings, tables: Sequence[str], where: str | None = None
) -> str:
    """Ask the running connector to re-read `tables` through the signal table; returns the
    signal id. MariaDB errors become `SnapshotError`."""
    try:
        conn = admin_connection(kafka)
        try:
            return trigger_incremental_snapshot(
                conn, kafka.mariadb_database, tables, kafka.signal_table, where
            )
        finally:
            conn.close()
    except pymysql.MySQLError as exc:
        raise SnapshotError(f"MariaDB: {exc}") from exc
