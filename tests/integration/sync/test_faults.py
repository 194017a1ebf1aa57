"""Bad input and faults: poison row → dead letter, stream goes on; ALTER TABLE ADD COLUMN;
purged binlog → clear error; HTTP lag/metrics and the CLI."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import httpx
import psycopg
import pytest

from ficus_sync.settings import SyncSettings
from tests.integration.sync.conftest import SyncProcess, poll, sync_env
from tests.integration.sync.helpers import differences, wait_caught_up
from tests.integration.sync.shop import Shop

pytestmark = pytest.mark.integration


def cli(settings: SyncSettings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ficus_sync", *args],
        env=sync_env(settings) | {"COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def projected(settings: SyncSettings, entity_id: int) -> dict[str, Any] | None:
    with psycopg.connect(settings.postgres_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT e.payload FROM projection p JOIN domain_event e ON e.seq = p.last_seq "
            "WHERE p.aggregate = 'product' AND p.entity_id = %s",
            (entity_id,),
        ).fetchone()
    return row[0] if row else None


def lag_document(settings: SyncSettings) -> dict[str, Any] | None:
    try:
        response = httpx.get(f"http://127.0.0.1:{settings.port}/v1/lag", timeout=2)
    except httpx.HTTPError:
        return None
    return response.json() if response.status_code == 200 else None


def purge_binlogs(shop: Shop) -> None:
    """Rotate and purge every older binlog. A stopped replica's dump thread can linger on the
    server and pin its file, so kill dump threads and retry until only one file is left."""

    def purged() -> bool:
        with shop.conn.cursor() as cur:
            cur.execute(
                "SELECT id FROM information_schema.PROCESSLIST WHERE command LIKE 'Binlog Dump%'"
            )
            for (thread,) in cur.fetchall():
                cur.execute(f"KILL {int(thread)}")
            cur.execute("SHOW MASTER STATUS")
            cur.execute("PURGE BINARY LOGS TO %s", (cur.fetchone()[0],))
            cur.execute("SHOW BINARY LOGS")
            return len(cur.fetchall()) == 1

    shop.sql("FLUSH BINARY LOGS")
    poll(purged, 30, "older binlogs could not be purged")


def test_poison_row_goes_to_dlq_and_stream_goes_on(
    shop: Shop, sync_settings: SyncSettings, sync_process: Callable[..., SyncProcess]
) -> None:
    shop.populate(products=10, configurables=0)
    sync_process("run")
    poll(lambda: lag_document(sync_settings), 60, "sync's /v1/lag never answered")
    wait_caught_up(sync_settings)
    bad, good = shop.products[0], shop.products[1]
    name_id = shop.eav.catalog.attribute_id("catalog_product", "name")
    shop.sql(  # Postgres text cannot hold NUL: the mirror rejects this row
        "UPDATE catalog_product_entity_varchar SET value = 'bad\\0name'"
        " WHERE entity_id = %s AND attribute_id = %s AND store_id = 0",
        (bad, name_id),
    )
    shop.eav.write(shop.conn, "catalog_product", good, {"name": "after the poison"})
    shop.conn.commit()
    wait_caught_up(sync_settings)
    good_state = projected(sync_settings, good)
    assert good_state is not None and good_state["attributes"]["0"]["name"] == "after the poison"

    listing = cli(sync_settings, "dlq", "list")
    assert listing.returncode == 0, listing.stderr
    assert "catalog_product_entity_varchar" in listing.stdout
    assert "dead letters (1)" in listing.stdout
    reconcile = cli(sync_settings, "reconcile", "catalog")
    assert reconcile.returncode == 1 and f"product {bad}: differs" in reconcile.stdout

    still_bad = cli(sync_settings, "dlq", "replay")  # the row is still poison in MariaDB
    assert still_bad.returncode == 1

    shop.eav.write(shop.conn, "catalog_product", bad, {"name": "fixed"})
    shop.conn.commit()
    wait_caught_up(sync_settings)
    replay = cli(sync_settings, "dlq", "replay")
    assert replay.returncode == 0, replay.stdout + replay.stderr
    assert cli(sync_settings, "dlq", "list").stdout.count("dead letters (0)") == 1
    final = cli(sync_settings, "reconcile", "catalog")
    assert final.returncode == 0, final.stdout

    metrics = httpx.get(f"http://127.0.0.1:{sync_settings.port}/metrics", timeout=5).text
    assert "ficus_sync_dead_letters_total 1.0" in metrics
    lag = lag_document(sync_settings)
    assert lag is not None
    assert set(lag["domains"]["catalog"]) == {"seconds_behind", "events_behind"}
    assert "catalog_product_entity_varchar" in lag["tables"]
    shown = cli(sync_settings, "lag")
    assert shown.returncode == 0 and "catalog" in shown.stdout


def test_alter_table_add_column_does_not_crash(
    shop: Shop, sync_settings: SyncSettings, sync_process: Callable[..., SyncProcess]
) -> None:
    shop.populate(products=5, configurables=0)
    runner = sync_process("run")
    wait_caught_up(sync_settings, timeout=60)
    shop.sql("ALTER TABLE customer_group ADD COLUMN ficus_note varchar(32) NULL")  # ignored
    shop.sql("INSERT INTO customer_group VALUES (9, 'Ignored', 3, 'x')")  # not captured
    shop.sql("ALTER TABLE catalog_product_entity ADD COLUMN ficus_note varchar(32) NULL")
    product = shop.products[0]
    shop.sql(
        "UPDATE catalog_product_entity SET ficus_note = 'hello' WHERE entity_id = %s", (product,)
    )
    created = shop.product()
    shop.eav.write(shop.conn, "catalog_product", created, {"name": "after alter"})
    shop.conn.commit()
    wait_caught_up(sync_settings)
    with psycopg.connect(sync_settings.postgres_url, autocommit=True) as conn:
        note = conn.execute(
            "SELECT ficus_note FROM mirror.catalog_product_entity WHERE entity_id = %s", (product,)
        ).fetchone()
        dead = conn.execute("SELECT count(*) FROM dead_letter").fetchone()
    assert note == ("hello",)
    assert dead == (0,)
    assert runner.proc is not None and runner.proc.poll() is None
    assert differences(sync_settings) == []


def test_purged_binlog_stops_with_a_clear_error(
    shop: Shop, sync_settings: SyncSettings, sync_process: Callable[..., SyncProcess]
) -> None:
    shop.populate(products=3, configurables=0)
    runner = sync_process("run")
    wait_caught_up(sync_settings, timeout=60)
    runner.stop()
    for _ in range(5):  # changes sync has not seen, then lost with their binlog
        shop.random_change()
    purge_binlogs(shop)
    restarted = sync_process("run")
    assert restarted.wait(timeout=60) == 2
    assert "python -m ficus_sync snapshot" in restarted.output()
    assert "purged" in restarted.output()


def test_purged_binlog_then_full_resnapshot_recovers(
    shop: Shop, sync_settings: SyncSettings, sync_process: Callable[..., SyncProcess]
) -> None:
    shop.populate(products=5, configurables=0)
    runner = sync_process("run")
    wait_caught_up(sync_settings, timeout=60)
    runner.stop()
    for _ in range(30):
        shop.random_change()
    purge_binlogs(shop)
    snapshot = cli(sync_settings, "snapshot")
    assert snapshot.returncode == 0, snapshot.stdout + snapshot.stderr
    assert "rows/s" in snapshot.stdout
    sync_process("run")
    for _ in range(30):
        shop.random_change()
    wait_caught_up(sync_settings, timeout=60)
    assert differences(sync_settings) == []


def test_resnapshot_one_table_while_streaming(
    shop: Shop, sync_settings: SyncSettings, sync_process: Callable[..., SyncProcess]
) -> None:
    shop.populate(products=60, configurables=2)
    sync_process("run")
    wait_caught_up(sync_settings, timeout=60)
    with psycopg.connect(sync_settings.postgres_url, autocommit=True) as conn:  # drift
        conn.execute("DELETE FROM mirror.cataloginventory_stock_item WHERE item_id % 3 = 0")
        conn.execute("UPDATE mirror.cataloginventory_stock_item SET qty = 12345")
        conn.execute(
            "INSERT INTO mirror.cataloginventory_stock_item (item_id, product_id, stock_id, qty,"
            " is_in_stock) VALUES (999999, 999999, 1, 1, 1)"
        )
    for _ in range(50):
        shop.random_change()
    result = cli(sync_settings, "snapshot", "--table", "cataloginventory_stock_item")
    assert result.returncode == 0, result.stdout + result.stderr
    for _ in range(50):
        shop.random_change()
    wait_caught_up(sync_settings)
    with psycopg.connect(sync_settings.postgres_url, autocommit=True) as conn:
        ghost = conn.execute(
            "SELECT count(*) FROM mirror.cataloginventory_stock_item WHERE item_id = 999999"
        ).fetchone()
    assert ghost == (0,)
    assert differences(sync_settings) == []


def test_poison_row_during_snapshot_goes_to_dlq(shop: Shop, sync_settings: SyncSettings) -> None:
    shop.populate(products=30, configurables=1)
    bad = shop.products[3]
    name_id = shop.eav.catalog.attribute_id("catalog_product", "name")
    shop.sql(
        "UPDATE catalog_product_entity_varchar SET value = 'bad\\0name'"
        " WHERE entity_id = %s AND attribute_id = %s AND store_id = 0",
        (bad, name_id),
    )
    shop.conn.commit()
    snapshot = cli(sync_settings, "snapshot")
    assert snapshot.returncode == 0, snapshot.stdout + snapshot.stderr
    listing = cli(sync_settings, "dlq", "list")
    assert "dead letters (1)" in listing.stdout
    assert "catalog_product_entity_varchar" in listing.stdout
    found = differences(sync_settings)
    assert [(d.entity_id, d.problem) for d in found] == [(bad, "differs")]
