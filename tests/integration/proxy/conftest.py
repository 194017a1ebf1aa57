"""Fixtures of the proxy integration tests: loopback backends, an in-process proxy worker, and
the control database's `cutover_state` / `shadow_stat` tables in a fresh Postgres database.

The tables are created here with DDL equivalent to control's migration
(migrations/control/versions/0001_control_initial.py) so these tests do not depend on it."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import aiohttp
import psycopg
import pytest

from ficus_contracts.cutover import CUTOVER_CHANNEL, DomainCutover
from ficus_proxy.bootstrap import Worker, build_worker
from ficus_proxy.settings import ProxySettings
from tests.integration.proxy.backends import Backend, ControlApi
from tests.integration.proxy.cohort import CRYPT_KEY

CONTROL_DDL = """
CREATE TABLE IF NOT EXISTS cutover_state (
    domain text PRIMARY KEY,
    reads_stage text NOT NULL DEFAULT 'legacy',
    reads_percent int NOT NULL DEFAULT 0,
    writes_stage text NOT NULL DEFAULT 'legacy',
    writes_percent int NOT NULL DEFAULT 0,
    reads_fail_open_tripped bool NOT NULL DEFAULT false,
    writes_draining bool NOT NULL DEFAULT false,
    version bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS shadow_stat (
    domain text NOT NULL,
    window_start timestamptz NOT NULL,
    compared int NOT NULL DEFAULT 0,
    mismatched int NOT NULL DEFAULT 0,
    PRIMARY KEY (domain, window_start)
);
"""


@pytest.fixture
async def legacy() -> AsyncIterator[Backend]:
    backend = await Backend("legacy").start()
    yield backend
    await backend.stop()


@pytest.fixture
async def catalog() -> AsyncIterator[Backend]:
    backend = await Backend("catalog").start()
    yield backend
    await backend.stop()


@pytest.fixture
async def control_api() -> AsyncIterator[ControlApi]:
    api = await ControlApi().start()
    yield api
    await api.stop()


ProxyFactory = Callable[..., Awaitable[Worker]]


@pytest.fixture
async def make_proxy() -> AsyncIterator[ProxyFactory]:
    """Start in-process proxy workers on a free port; stopped at teardown."""
    workers: list[Worker] = []

    async def make(**overrides: Any) -> Worker:
        values: dict[str, Any] = {"port": 0, "admin_port": 0, "magento_crypt_key": CRYPT_KEY}
        values |= overrides
        worker = build_worker(ProxySettings(**values))
        await worker.start()
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        await worker.stop()


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(auto_decompress=False) as session:
        yield session


@pytest.fixture
def control_db(postgres_url: str) -> Iterator[str]:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(CONTROL_DDL)
    yield postgres_url


@pytest.fixture
def proxy_processes(control_db: str) -> Iterator[list[tuple[subprocess.Popen[bytes], int]]]:
    started: list[tuple[subprocess.Popen[bytes], int]] = []
    yield started
    for process, _ in started:
        process.terminate()
    for process, _ in started:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def set_cutover(db_url: str, state: DomainCutover) -> int:
    """Write a domain's row the way the control plane does: bump version, NOTIFY, one tx."""
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "INSERT INTO cutover_state AS s (domain, reads_stage, reads_percent, writes_stage,"
            " writes_percent, reads_fail_open_tripped, writes_draining, version)"
            " VALUES (%s,%s,%s,%s,%s,%s,%s,1)"
            " ON CONFLICT (domain) DO UPDATE SET reads_stage = EXCLUDED.reads_stage,"
            " reads_percent = EXCLUDED.reads_percent, writes_stage = EXCLUDED.writes_stage,"
            " writes_percent = EXCLUDED.writes_percent,"
            " reads_fail_open_tripped = EXCLUDED.reads_fail_open_tripped,"
            " writes_draining = EXCLUDED.writes_draining,"
            " version = s.version + 1, updated_at = now() RETURNING version",
            (state.domain, state.reads.stage.value, state.reads.percent,
             state.writes.stage.value, state.writes.percent, state.reads_fail_open_tripped,
             state.writes_draining),
        ).fetchone()  # fmt: skip
        conn.execute("SELECT pg_notify(%s, %s)", (CUTOVER_CHANNEL, state.domain))
        assert row is not None
        return int(row[0])
