"""No echo on the Kafka path: Debezium delivers the reverse-sync marker and the rows it explains
as one transaction (transaction metadata), so sync (engine kafka, a child process) records a
reverse write without an event, and emits the admin edit that follows it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import psycopg
import pymysql
import pytest

from ficus_devstack.process import wait_until
from ficus_sync.capture.kafka.core.connector import connector_config
from ficus_sync.capture.kafka.mariadb_setup import setup_debezium
from ficus_sync.capture.kafka.provision import connector_spec
from ficus_sync.capture.kafka.settings import KafkaPathSettings
from ficus_sync.connect import ConnectClient
from ficus_sync.core.statehash import state_hash
from ficus_sync.settings import SyncSettings
from tests.integration.kafka.conftest import KafkaStack, wait_running
from tests.integration.kafka.test_sync_pipeline import (
    Runner,
    checkpoint,
    covers,
    env_of,
    master_position,
)
from tests.integration.sync.conftest import free_port
from tests.integration.sync.customer_rows import Customers, events_of, projection_of
from tests.integration.sync.shop import Shop

pytestmark = [pytest.mark.integration, pytest.mark.kafka]


@pytest.fixture
def customer_path(
    kafka_stack: KafkaStack,
    connect_client: ConnectClient,
    mariadb_database: str,
    mariadb_conn: pymysql.Connection,  # type: ignore[type-arg]
    postgres_url: str,
    tmp_path: Path,
) -> Iterator[tuple[Customers, SyncSettings, int]]:
    customers = Customers(Shop(mariadb_conn).conn)
    customers.ensure_log()
    ada = customers.create("ada@example.com", note="vip")
    customers.add_address(ada, "Paris")
    customers.conn.commit()
    admin = kafka_stack.stack.mariadb.admin_connection()
    user = f"dbz_{mariadb_database[-8:]}"
    setup_debezium(admin, mariadb_database, user, "dbz")
    admin.close()
    s = kafka_stack.stack.settings
    sync = SyncSettings(
        mysql_url=f"mysql://{s.mariadb_user}:{s.mariadb_password}@{s.host}:{s.mariadb_port}/"
        f"{mariadb_database}",
        postgres_url=postgres_url,
        engine="kafka",
        port=free_port(),
    )
    kafka = KafkaPathSettings(
        bootstrap_servers=kafka_stack.bootstrap_servers,
        connect_url=kafka_stack.connect.url,
        connector_name=f"{mariadb_database}-connector",
        topic_prefix=mariadb_database,
        consumer_group=f"{mariadb_database}-sync",
        mariadb_port=s.mariadb_port,
        mariadb_database=mariadb_database,
        mariadb_admin_user=s.mariadb_user,
        mariadb_admin_password=s.mariadb_password,  # type: ignore[arg-type]
        debezium_user=user,
        debezium_password="dbz",  # type: ignore[arg-type]
        server_id=5800,
    )
    connect_client.upsert(kafka.connector_name, connector_config(connector_spec(kafka)))
    assert wait_running(connect_client, kafka.connector_name)
    runner = Runner(env_of(sync, kafka), tmp_path / f"runner-{uuid.uuid4().hex[:6]}.log")
    runner.start()
    yield customers, sync, ada
    runner.stop()
    connect_client.delete(kafka.connector_name)


def _emitted(sync: SyncSettings, entity_id: int) -> int:
    try:
        return len(events_of(sync, entity_id))
    except psycopg.Error:  # sync has not created its tables yet
        return 0


def _caught_up(customers: Customers, sync: SyncSettings) -> None:
    target = master_position(customers.conn)
    assert wait_until(lambda: covers(checkpoint(sync.postgres_url), target), 120, 0.2), (
        checkpoint(sync.postgres_url),
        target,
    )


def test_a_reverse_write_through_kafka_is_not_emitted_and_a_later_edit_is(
    customer_path: tuple[Customers, SyncSettings, int],
) -> None:
    customers, sync, ada = customer_path
    assert wait_until(lambda: _emitted(sync, ada) == 1, 180, 0.2)  # Debezium's snapshot

    digest = customers.reverse_write(ada, 1, partial(customers.rename, ada, "Augusta"))
    _caught_up(customers, sync)
    assert [e[0] for e in events_of(sync, ada)] == [1]
    assert projection_of(sync, ada) == (1, digest)

    customers.reverse_write(ada, 2, partial(customers.rename, ada, "Ada"))
    customers.set_note(ada, "edited in the admin")
    customers.conn.commit()
    _caught_up(customers, sync)
    events = events_of(sync, ada)
    assert [(e[0], e[2]["firstname"]) for e in events] == [(1, "Ada"), (2, "Ada")]
    assert events[-1][2]["attributes"] == {"ficus_note": "edited in the admin"}
    assert projection_of(sync, ada) == (2, state_hash(customers.state(ada)))
