"""Kafka path fixtures: a KRaft broker and a distributed Connect worker started through the
engine classes of `ficus_devstack` (own ports, under FICUS_TEST_HOME), a Magento-shaped
database with the `debezium` account, and a registered MariaDB connector."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pymysql
import pytest

from ficus_devstack import Stack
from ficus_devstack.connect import ConnectWorker
from ficus_devstack.kafka import KafkaBroker, KafkaSettings
from ficus_devstack.process import wait_until
from ficus_sync.capture.kafka.core.connector import ConnectorSpec, connector_config
from ficus_sync.capture.kafka.mariadb_setup import setup_debezium
from ficus_sync.connect import ConnectClient, ConnectorNotFound

ROOT = Path(__file__).resolve().parents[3]

MAGENTO_TABLES = {
    "cataloginventory_stock_item": """
  item_id int unsigned NOT NULL AUTO_INCREMENT,
  product_id int unsigned NOT NULL DEFAULT 0,
  stock_id smallint unsigned NOT NULL DEFAULT 0,
  qty decimal(12,4) DEFAULT NULL,
  min_qty decimal(12,4) NOT NULL DEFAULT 0.0000,
  is_in_stock smallint unsigned NOT NULL DEFAULT 0,
  low_stock_date datetime DEFAULT NULL,
  notify_stock_qty decimal(12,4) DEFAULT 1.0000,
  website_id smallint unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (item_id),
  UNIQUE KEY CATINV_STOCK_ITEM_PRODUCT_ID_STOCK_ID (product_id, stock_id)""",
    "catalog_product_entity": """
  entity_id int unsigned NOT NULL AUTO_INCREMENT,
  attribute_set_id smallint unsigned NOT NULL DEFAULT 0,
  type_id varchar(32) NOT NULL DEFAULT 'simple',
  sku varchar(64) NOT NULL,
  has_options smallint NOT NULL DEFAULT 0,
  required_options smallint unsigned NOT NULL DEFAULT 0,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  PRIMARY KEY (entity_id),
  UNIQUE KEY CATALOG_PRODUCT_ENTITY_SKU (sku)""",
    "catalog_product_entity_decimal": """
  value_id int NOT NULL AUTO_INCREMENT,
  attribute_id smallint unsigned NOT NULL DEFAULT 0,
  store_id smallint unsigned NOT NULL DEFAULT 0,
  entity_id int unsigned NOT NULL DEFAULT 0,
  value decimal(20,6) DEFAULT NULL,
  PRIMARY KEY (value_id),
  UNIQUE KEY CAT_PRD_ENTT_DEC_ENTT_ID_ATTR_ID_STORE_ID (entity_id, attribute_id, store_id)""",
}


@dataclass(frozen=True)
class KafkaStack:
    stack: Stack
    broker: KafkaBroker
    connect: ConnectWorker
    startup_seconds: dict[str, float]

    @property
    def bootstrap_servers(self) -> str:
        return self.broker.bootstrap_servers


def kafka_settings_for_tests() -> KafkaSettings:
    return KafkaSettings(
        port=int(os.environ.get("FICUS_TEST_KAFKA_PORT", "29092")),
        controller_port=int(os.environ.get("FICUS_TEST_KAFKA_CONTROLLER_PORT", "29093")),
        connect_port=int(os.environ.get("FICUS_TEST_CONNECT_PORT", "28083")),
        jars_dir=ROOT / ".ficus" / "jars",
    )


@pytest.fixture(scope="session")
def kafka_stack(stack: Stack) -> Iterator[KafkaStack]:
    """Kafka (KRaft: format, then start) and Connect (distributed), fresh for the session."""
    settings = kafka_settings_for_tests()
    broker = KafkaBroker(stack.settings, settings)
    connect = ConnectWorker(stack.settings, settings)
    for engine in (connect, broker):
        engine.stop()
        engine.wipe()
    settings.jar_cache().ensure()
    times: dict[str, float] = {}
    for engine in (broker, connect):
        started = time.monotonic()
        engine.start()
        times[engine.name] = time.monotonic() - started
    yield KafkaStack(stack, broker, connect, times)
    connect.stop()
    broker.stop()


@pytest.fixture(scope="session")
def connect_client(kafka_stack: KafkaStack) -> Iterator[ConnectClient]:
    with ConnectClient(kafka_stack.connect.url) as client:
        yield client


@dataclass(frozen=True)
class Source:
    """A Magento-shaped database captured by its own connector."""

    database: str
    connector: str
    spec: ConnectorSpec
    stack: Stack

    def connection(self) -> pymysql.connections.Connection[pymysql.cursors.Cursor]:
        s = self.stack.settings
        return pymysql.connect(
            host=s.host,
            port=s.mariadb_port,
            user=s.mariadb_user,
            password=s.mariadb_password,
            database=self.database,
            autocommit=True,
        )


def create_magento_tables(stack: Stack, database: str, user: str) -> None:
    conn = stack.mariadb.admin_connection()
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
            for table, body in MAGENTO_TABLES.items():
                cur.execute(f"CREATE TABLE `{database}`.`{table}` ({body}) ENGINE=InnoDB")
        setup_debezium(conn, database, user, "dbz")
    finally:
        conn.close()


def register_source(
    kafka: KafkaStack,
    client: ConnectClient,
    tag: str,
    server_id: int,
    seed: Callable[[Source], None] | None = None,
    **spec_args: object,
) -> Source:
    """A fresh database, its `debezium` grants, rows from `seed` (captured by the initial
    snapshot), and a running connector capturing it."""
    database = f"k{tag}_{uuid.uuid4().hex[:6]}"
    user = f"dbz_{database[-6:]}"
    create_magento_tables(kafka.stack, database, user)
    s = kafka.stack.settings
    spec = ConnectorSpec(
        database=database,
        tables=list(MAGENTO_TABLES),
        hostname=s.host,
        port=s.mariadb_port,
        user=user,
        password="dbz",
        bootstrap_servers=kafka.bootstrap_servers,
        topic_prefix=database,
        server_id=server_id,
        **spec_args,  # type: ignore[arg-type]
    )
    source = Source(database, f"{database}-connector", spec, kafka.stack)
    if seed is not None:
        seed(source)
    client.upsert(source.connector, connector_config(spec))
    assert wait_running(client, source.connector), client.status(source.connector)
    return source


def wait_running(client: ConnectClient, name: str, timeout: float = 60) -> bool:
    """The connector and all its tasks RUNNING (a 404 just after a PUT is normal)."""

    def running() -> bool:
        try:
            return client.status(name).running
        except ConnectorNotFound:
            return False

    return wait_until(running, timeout, interval=0.2)
