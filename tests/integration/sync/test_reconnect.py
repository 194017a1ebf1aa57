"""MariaDB or Postgres restarted under a running sync: it reconnects with backoff and resumes
from its checkpoint, nothing lost."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from ficus_devstack import Stack
from ficus_sync.settings import SyncSettings
from tests.integration.sync.conftest import SyncProcess
from tests.integration.sync.helpers import (
    assert_versions_strictly_increase,
    differences,
    wait_caught_up,
)
from tests.integration.sync.shop import Shop

pytestmark = pytest.mark.integration


@pytest.fixture
def mariadb_database(stack: Stack) -> Iterator[str]:
    """Like the shared fixture, but drops the database over a connection opened after the
    restart (the shared one keeps a connection across the test)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    conn = stack.mariadb.admin_connection()
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
    conn.close()
    yield name
    conn = stack.mariadb.admin_connection()
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
    conn.close()


@pytest.mark.parametrize("engine", ["mariadb", "postgres"])
def test_engine_restart_reconnects_and_resumes(
    engine: str,
    stack: Stack,
    shop: Shop,
    sync_settings: SyncSettings,
    sync_process: Callable[..., SyncProcess],
) -> None:
    shop.populate(products=20, configurables=2)
    runner = sync_process("run")
    wait_caught_up(sync_settings, timeout=60)
    stack[engine].stop()
    stack[engine].start()
    if engine == "mariadb":
        shop.conn.ping(reconnect=True)
    for _ in range(100):
        shop.random_change()
    wait_caught_up(sync_settings, timeout=60)
    assert runner.proc is not None and runner.proc.poll() is None, runner.output()[-3000:]
    assert differences(sync_settings) == []
    assert_versions_strictly_increase(sync_settings)
