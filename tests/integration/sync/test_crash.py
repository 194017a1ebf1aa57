"""kill -9 of the sync process during the snapshot and during streaming: after a restart the
projections still equal the reference and no version was emitted twice."""

from __future__ import annotations

import random
from collections.abc import Callable

import psycopg
import pytest

from ficus_sync.settings import SyncSettings
from tests.integration.sync.conftest import SyncProcess, poll
from tests.integration.sync.helpers import (
    assert_versions_strictly_increase,
    checkpoint,
    differences,
    wait_caught_up,
)
from tests.integration.sync.shop import Shop

pytestmark = pytest.mark.integration


def snapshot_rows(settings: SyncSettings) -> int:
    try:
        with psycopg.connect(settings.postgres_url, autocommit=True) as conn:
            row = conn.execute("SELECT COALESCE(SUM(rows), 0) FROM snapshot_progress").fetchone()
    except psycopg.Error:
        return 0
    return int(row[0]) if row else 0


def test_kill9_during_snapshot_then_resume(
    shop: Shop, sync_settings: SyncSettings, sync_process: Callable[..., SyncProcess]
) -> None:
    shop.populate(products=1500, configurables=20)
    first = sync_process("snapshot")
    poll(lambda: snapshot_rows(sync_settings) > 3000, 60, "the snapshot made no progress")
    first.kill9()
    copied = snapshot_rows(sync_settings)
    assert checkpoint(sync_settings) is None, "a killed snapshot must not set the checkpoint"
    for _ in range(200):  # changes while sync is down
        shop.random_change()
    runner = sync_process("run")
    for _ in range(200):
        shop.random_change()
    wait_caught_up(sync_settings, timeout=120)
    assert snapshot_rows(sync_settings) > copied
    assert differences(sync_settings) == []
    assert_versions_strictly_increase(sync_settings)
    assert runner.proc is not None and runner.proc.poll() is None, runner.output()[-2000:]


def test_kill9_during_streaming_then_resume(
    shop: Shop, sync_settings: SyncSettings, sync_process: Callable[..., SyncProcess]
) -> None:
    shop.populate(products=200, configurables=5)
    rng = random.Random(11)
    runner = sync_process("run")
    wait_caught_up(sync_settings, timeout=60)
    for _ in range(3):
        for _ in range(rng.randint(100, 400)):
            shop.random_change()
        runner.kill9()
        for _ in range(rng.randint(10, 100)):  # changes while sync is down
            shop.random_change()
        runner = sync_process("run")
    for _ in range(200):
        shop.random_change()
    wait_caught_up(sync_settings, timeout=120)
    assert differences(sync_settings) == []
    assert assert_versions_strictly_increase(sync_settings) > 200
