"""`ficus connector …` against the real Connect worker: a task FAILED at run time shows its
trace, the runbook's fix + `restart` brings it back; pause/resume; offsets API."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from ficus_devstack.process import wait_until
from ficus_sync.connect import ConnectClient
from ficus_sync.connector_cli import app
from tests.integration.kafka.conftest import KafkaStack, Source, register_source, wait_running

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

SERVER_IDS = itertools.count(5601)


@pytest.fixture
def source(kafka_stack: KafkaStack, connect_client: ConnectClient) -> Iterator[Source]:
    # database.server.id must be unique among the server's replicas: one per connector
    registered = register_source(kafka_stack, connect_client, "cli", next(SERVER_IDS))
    yield registered
    connect_client.delete(registered.connector)


def cli(monkeypatch: pytest.MonkeyPatch, kafka_stack: KafkaStack, source: Source, *args: str):  # type: ignore[no-untyped-def]
    s = kafka_stack.stack.settings
    monkeypatch.setenv("FICUS_SYNC_KAFKA_CONNECT_URL", kafka_stack.connect.url)
    monkeypatch.setenv("FICUS_SYNC_KAFKA_CONNECTOR_NAME", source.connector)
    monkeypatch.setenv("FICUS_SYNC_KAFKA_MARIADB_PORT", str(s.mariadb_port))
    monkeypatch.setenv("FICUS_SYNC_KAFKA_MARIADB_DATABASE", source.database)
    return CliRunner().invoke(app, list(args))


def set_password(source: Source, password: str) -> None:
    conn = source.stack.mariadb.admin_connection()
    with conn.cursor() as cur:
        cur.execute(f"ALTER USER '{source.spec.user}'@'%%' IDENTIFIED BY %s", (password,))
    conn.close()


def test_failed_task_shows_its_trace_and_restarts(
    kafka_stack: KafkaStack,
    connect_client: ConnectClient,
    source: Source,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ok = cli(monkeypatch, kafka_stack, source, "status")
    assert ok.exit_code == 0 and "task 0: RUNNING" in ok.output

    set_password(source, "rotated-without-telling-debezium")
    connect_client.restart(source.connector, only_failed=False)
    failed = wait_until(lambda: connect_client.status(source.connector).failed, 60, interval=0.3)
    assert failed, connect_client.status(source.connector)
    shown = cli(monkeypatch, kafka_stack, source, "status")
    assert shown.exit_code == 1
    assert "FAILED" in shown.output and "Access denied" in shown.output, shown.output

    set_password(source, source.spec.password)  # the runbook's fix
    restarted = cli(monkeypatch, kafka_stack, source, "restart")
    assert restarted.exit_code == 0
    assert wait_running(connect_client, source.connector, 60)


def test_pause_resume_and_offsets(
    kafka_stack: KafkaStack,
    connect_client: ConnectClient,
    source: Source,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert cli(monkeypatch, kafka_stack, source, "pause").exit_code == 0
    assert wait_until(
        lambda: connect_client.status(source.connector).state == "PAUSED", 30, interval=0.2
    )
    assert cli(monkeypatch, kafka_stack, source, "resume").exit_code == 0
    assert wait_running(connect_client, source.connector, 30)

    conn = source.connection()
    with conn.cursor() as cur:
        cur.execute("INSERT INTO catalog_product_entity (sku) VALUES ('SKU-offset')")
    conn.close()
    assert wait_until(lambda: bool(connect_client.offsets(source.connector)), 30, interval=0.3)
    offsets = connect_client.offsets(source.connector)
    assert offsets and offsets[0]["partition"] == {"server": source.spec.topic_prefix}
    assert {"file", "pos"} <= set(offsets[0]["offset"])


def purge_all_older_binlogs(source: Source) -> None:
    """Rotate, then purge every binlog but the current one (dump threads pin their file)."""
    admin = source.stack.mariadb.admin_connection()

    def purged() -> bool:
        with admin.cursor() as cur:
            cur.execute(
                "SELECT id FROM information_schema.PROCESSLIST WHERE command LIKE 'Binlog Dump%'"
            )
            for (thread,) in cur.fetchall():
                cur.execute(f"KILL {int(thread)}")
            cur.execute("SHOW MASTER STATUS")
            cur.execute("PURGE BINARY LOGS TO %s", (cur.fetchone()[0],))  # type: ignore[index]
            cur.execute("SHOW BINARY LOGS")
            return len(cur.fetchall()) == 1

    try:
        with admin.cursor() as cur:
            cur.execute("FLUSH BINARY LOGS")
        assert wait_until(purged, 30, interval=0.5), "older binlogs could not be purged"
    finally:
        admin.close()


def test_binlog_purged_while_the_connector_was_stopped_points_at_the_resnapshot(
    kafka_stack: KafkaStack,
    connect_client: ConnectClient,
    source: Source,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Live, not from DEBEZIUM.md's wording: the connector is down while MariaDB purges the
    binlog it needs; on resume its task fails and `ficus connector status` says why and where
    the re-snapshot is (restarting cannot help)."""
    conn = source.connection()
    with conn.cursor() as cur:
        cur.execute("INSERT INTO catalog_product_entity (sku) VALUES ('SKU-before-stop')")
    assert wait_until(lambda: bool(connect_client.offsets(source.connector)), 30, interval=0.3)
    connect_client.stop(source.connector)
    assert wait_until(
        lambda: connect_client.status(source.connector).state == "STOPPED", 30, interval=0.2
    )
    with conn.cursor() as cur:
        cur.execute("INSERT INTO catalog_product_entity (sku) VALUES ('SKU-while-stopped')")
    conn.close()
    purge_all_older_binlogs(source)

    connect_client.resume(source.connector)
    failed = wait_until(lambda: connect_client.status(source.connector).failed, 90, interval=0.3)
    assert failed, connect_client.status(source.connector)
    shown = cli(monkeypatch, kafka_stack, source, "status")
    assert shown.exit_code == 1
    # MariaDB's error 1236 for the connector's GTID offset (Debezium 3.5 on MariaDB 10.11)
    assert "required binlog files" in " ".join(shown.output.split()), shown.output
    assert "purged the binlog" in shown.output and "section 4" in shown.output, shown.output
