"""Magento changes flow MariaDB → Debezium → Kafka → sync's pipeline (mirror → projector →
domain events) in a child process, with kill -9 of the Connect worker while its initial
snapshot is being sent, then of the sync process and of the Connect worker mid-stream; sync's
reconciliation then reports 0 differences and no version was applied twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pymysql
import pytest
from confluent_kafka import Consumer, TopicPartition

from ficus_devstack.process import wait_until
from ficus_sync.capture.kafka.core.assembly import gtid_parts
from ficus_sync.capture.kafka.core.connector import connector_config
from ficus_sync.capture.kafka.mariadb_setup import setup_debezium
from ficus_sync.capture.kafka.provision import connector_spec
from ficus_sync.capture.kafka.settings import KafkaPathSettings
from ficus_sync.connect import ConnectClient
from ficus_sync.settings import SyncSettings
from tests.integration.kafka.conftest import KafkaStack, wait_running
from tests.integration.sync.conftest import free_port
from tests.integration.sync.helpers import assert_versions_strictly_increase, differences
from tests.integration.sync.shop import Shop

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

CHANGES = 5000


class Runner:
    """`python -m ficus_sync.capture.kafka.provision` as a child process, so it can be kill -9'd."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "ficus_sync", "run"],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def env_of(sync: SyncSettings, kafka: KafkaPathSettings) -> dict[str, str]:
    env = dict(os.environ)
    for prefix, settings in (("FICUS_SYNC_", sync), ("FICUS_SYNC_KAFKA_", kafka)):
        for name, value in settings.model_dump().items():
            if value is None:  # an unset optional setting stays unset
                continue
            raw = value.get_secret_value() if hasattr(value, "get_secret_value") else value
            env[f"{prefix}{name.upper()}"] = str(raw)
    return env


def checkpoint(postgres_url: str) -> dict[str, Any]:
    try:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            row = conn.execute("SELECT position FROM checkpoint WHERE source = 'kafka'").fetchone()
    except psycopg.Error:
        return {}
    return dict(row[0]) if row else {}


def master_position(conn: Any) -> tuple[int, tuple[int, int]]:
    """The last GTID sequence of domain 0 and the binlog (file number, position) after it."""
    with conn.cursor() as cur:
        cur.execute("SELECT @@gtid_binlog_pos")
        gtids = cur.fetchone()[0]
        cur.execute("SHOW MASTER STATUS")
        file, pos = cur.fetchone()[:2]
    seq = max(p[1] for g in gtids.split(",") if (p := gtid_parts(g)) and p[0] == "0")
    return seq, (int(file.rsplit(".", 1)[1]), int(pos))


def covers(position: dict[str, Any], target: tuple[int, tuple[int, int]]) -> bool:
    """The checkpoint includes the target transaction: streamed (its GTID released), or
    inside a snapshot taken after it (Debezium repeats its initial snapshot when Connect
    dies before recording the snapshot's end; that snapshot carries no GTID)."""
    seq, binlog = target
    streamed = int((position.get("gtid_seq") or {}).get("0", -1)) >= seq
    snapshot = position.get("snapshot_at")
    return streamed or (snapshot is not None and tuple(snapshot) >= binlog)


def explain(shop: Shop, sync: SyncSettings, parent: int) -> dict[str, Any]:
    """What MariaDB and sync's mirror hold for a configurable's children (failure report)."""
    with shop.conn.cursor() as cur:
        cur.execute(
            "SELECT product_id FROM catalog_product_super_link WHERE parent_id = %s", (parent,)
        )
        source = sorted(r[0] for r in cur.fetchall())
    with psycopg.connect(sync.postgres_url, autocommit=True) as conn:
        mirror = sorted(
            r[0]
            for r in conn.execute(
                "SELECT product_id FROM mirror.catalog_product_super_link WHERE parent_id = %s",
                (parent,),
            ).fetchall()
        )
        row = conn.execute(
            "SELECT e.payload FROM projection p JOIN domain_event e ON e.seq = p.last_seq"
            " WHERE p.aggregate = 'product' AND p.entity_id = %s",
            (parent,),
        ).fetchone()
    projected = sorted((row[0] if row else {}).get("configurable_children") or [])
    return {
        "mirror - mariadb": sorted(set(mirror) - set(source)),
        "mariadb - mirror": sorted(set(source) - set(mirror)),
        "projected - mariadb": sorted(set(projected) - set(source)),
        "mariadb - projected": sorted(set(source) - set(projected)),
    }


@pytest.fixture
def kafka_path(
    kafka_stack: KafkaStack,
    connect_client: ConnectClient,
    mariadb_database: str,
    mariadb_conn: pymysql.Connection,  # type: ignore[type-arg]
    postgres_url: str,
    tmp_path: Path,
) -> Iterator[tuple[Shop, SyncSettings, KafkaPathSettings, Runner]]:
    shop = Shop(mariadb_conn)
    shop.populate(products=150)
    admin = kafka_stack.stack.mariadb.admin_connection()
    user = f"dbz_{mariadb_database[-8:]}"
    setup_debezium(admin, mariadb_database, user, "dbz")
    admin.close()
    s = kafka_stack.stack.settings
    sync = SyncSettings(
        mysql_url=f"mysql://{s.mariadb_user}:{s.mariadb_password}@{s.host}:{s.mariadb_port}/"
        f"{mariadb_database}",
        postgres_url=postgres_url,
        # Small batches. A Kafka consumer that lags hands sync thousands of transactions at
        # once, and sync's mirror (mirror.py, _apply_segment) compresses a batch to the last
        # image per key: a product created, linked to a configurable and deleted in ONE batch
        # is never inserted, so its DELETE … RETURNING finds no row and the super_link /
        # relation cascade is skipped (stale children). Reported to sync; remove once fixed.
        max_batch_events=100,
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
        server_id=5700,
    )
    connect_client.upsert(kafka.connector_name, connector_config(connector_spec(kafka)))
    assert wait_running(connect_client, kafka.connector_name)
    runner = Runner(env_of(sync, kafka), tmp_path / f"runner-{uuid.uuid4().hex[:6]}.log")
    runner.start()
    yield shop, sync, kafka, runner
    runner.stop()
    connect_client.delete(kafka.connector_name)


def snapshot_sent(probe: Consumer, kafka: KafkaPathSettings) -> bool:
    """Some rows of Debezium's initial snapshot are in Kafka."""
    prefix = f"{kafka.topic_prefix}.{kafka.mariadb_database}."
    topics = [t for t in probe.list_topics(timeout=5).topics if t.startswith(prefix)]
    return any(probe.get_watermark_offsets(TopicPartition(t, 0), timeout=5)[1] > 0 for t in topics)


def kill_connect(kafka_stack: KafkaStack, client: ConnectClient, connector: str) -> None:
    kafka_stack.connect.process.kill()
    kafka_stack.connect.start()
    assert wait_running(client, connector, 90)


def test_magento_changes_reach_the_catalog_through_kafka(
    kafka_stack: KafkaStack,
    connect_client: ConnectClient,
    kafka_path: tuple[Shop, SyncSettings, KafkaPathSettings, Runner],
) -> None:
    """While 5 000 changes are written: kill -9 of Connect while its initial snapshot is being
    sent (Debezium takes it again, later), then of sync and of Connect mid-stream."""
    shop, sync, kafka, runner = kafka_path
    done = {"changes": 0}
    paused, resume = threading.Event(), threading.Event()

    def write() -> None:
        for n in range(CHANGES):
            if n == CHANGES // 3:  # let sync catch up, so it dies while streaming
                paused.set()
                resume.wait(300)
            shop.random_change()
            done["changes"] += 1

    writer = threading.Thread(target=write)
    probe = Consumer({"bootstrap.servers": kafka_stack.bootstrap_servers, "group.id": "probe"})
    started = time.perf_counter()
    writer.start()
    try:
        assert wait_until(lambda: snapshot_sent(probe, kafka), 120, 0.05)
        kill_connect(kafka_stack, connect_client, kafka.connector_name)  # during its snapshot
        assert wait_until(paused.is_set, 120)
        target = master_position(shop.conn)  # the writer waits: its connection is free
        live = wait_until(lambda: covers(checkpoint(sync.postgres_url), target), 180, 0.2)
        resume.set()
        assert live, (checkpoint(sync.postgres_url), target, runner.log.read_text()[-3000:])
        assert wait_until(lambda: done["changes"] >= CHANGES // 3 + 300, 120)
        runner.kill9()  # the sync consumer dies mid-batch
        runner.start()
        assert wait_until(lambda: done["changes"] >= 2 * CHANGES // 3, 120)
        kill_connect(kafka_stack, connect_client, kafka.connector_name)  # and Connect, mid-stream
    finally:
        resume.set()
        probe.close()
        writer.join(timeout=300)
    assert not writer.is_alive()

    shop.product()  # a last captured transaction marks the end of the stream
    target = master_position(shop.conn)
    caught_up = wait_until(lambda: covers(checkpoint(sync.postgres_url), target), 180, 0.2)
    elapsed = time.perf_counter() - started
    assert caught_up, (checkpoint(sync.postgres_url), target, runner.log.read_text()[-3000:])
    found = differences(sync)
    assert found == [], (found[:10], explain(shop, sync, found[0].entity_id))
    events = assert_versions_strictly_increase(sync)
    assert events > 150
    repeated = "repeated snapshot applied" in runner.log.read_text()
    print(f"{CHANGES} Magento changes via Debezium/Kafka verified in {elapsed:.1f}s"  # noqa: T201
          f"{' (Debezium repeated its initial snapshot)' if repeated else ''}")  # fmt: skip
