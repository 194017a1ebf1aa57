"""State changes reach the nginx plane through `python -m ficus_nginx run` (LISTEN ficus_cutover,
re-render, graceful reload) within 1 s, while a steady load keeps flowing without a failure."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from tests.integration.nginx.conftest import _require_nginx, healthy, next_port, wait_until
from tests.integration.proxy.backends import Backend
from tests.integration.proxy.cohort import CRYPT_KEY
from tests.integration.proxy.conftest import set_cutover

pytestmark = pytest.mark.integration

CHANGES = 20
LOAD_CONNECTIONS = 8
PRODUCT = "/rest/V1/products/steady"


@pytest.fixture
def agent_process(
    control_db: str, tmp_path: Path, legacy: Backend, catalog: Backend
) -> Iterator[tuple[int, int]]:
    """`python -m ficus_nginx run` against the test's control database; its shopper and admin
    ports."""
    _require_nginx()
    port, admin = next_port(), next_port()
    env = os.environ | {
        "FICUS_NGINX_PREFIX": str(tmp_path / "nginx"),
        "FICUS_NGINX_LEGACY_URL": legacy.url,
        "FICUS_NGINX_UPSTREAMS": f'{{"catalog": "{catalog.url}"}}',
        "FICUS_NGINX_HOST": "127.0.0.1",
        "FICUS_NGINX_PORT": str(port),
        "FICUS_NGINX_ADMIN_PORT": str(admin),
        "FICUS_NGINX_WORKERS": "2",
        "FICUS_NGINX_CONTROL_DB_URL": control_db,
        "FICUS_NGINX_MAGENTO_CRYPT_KEY": CRYPT_KEY,
    }
    log = (tmp_path / "agent.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "ficus_nginx", "run"], env=env,
                               stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    yield port, admin
    process.terminate()
    process.wait(timeout=15)
    assert not (tmp_path / "nginx" / "nginx.pid").exists()  # nginx stopped with the agent


async def side(port: int) -> str:
    """Which backend answers a new shopper connection now."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{PRODUCT}") as response,
    ):
        return str((await response.json())["backend"])


async def connections_at_least(admin: int, n: int) -> bool:
    """nginx's stub_status: at least `n` open connections (the load's and this probe's)."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{admin}/nginx_status") as response,
    ):
        return int((await response.text()).split()[2]) >= n


async def change(control_db: str, port: int, i: int) -> float:
    """Move catalog reads to new (even i) or back to legacy; seconds until nginx routes so."""
    stage, expected = (Stage.NEW, "catalog") if i % 2 == 0 else (Stage.LEGACY, "legacy")
    started = time.monotonic()
    await asyncio.to_thread(set_cutover, control_db, DomainCutover("catalog", Lane(stage)))

    async def arrived() -> bool:
        return await side(port) == expected

    await wait_until(arrived, timeout=5)
    return time.monotonic() - started


async def test_state_changes_reach_nginx_within_a_second_without_failed_requests(
    agent_process: tuple[int, int], control_db: str
) -> None:
    port, admin = agent_process
    await wait_until(lambda: healthy(port), timeout=15)
    load = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.nginx.load",
         f"http://127.0.0.1:{port}{PRODUCT}", str(LOAD_CONNECTIONS)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        await wait_until(lambda: connections_at_least(admin, LOAD_CONNECTIONS + 1), timeout=15)
        delays = [await change(control_db, port, i) for i in range(CHANGES)]
        # closing its stdin stops it; in a thread: the backends share this event loop
        out, _ = await asyncio.to_thread(load.communicate, b"", 30)
    finally:
        if load.poll() is None:
            load.kill()
            load.wait()
    outcomes = Counter[str](json.loads(out))
    delays.sort()
    median, worst = delays[len(delays) // 2] * 1000, delays[-1] * 1000
    figures = f"median {median:.0f} ms, max {worst:.0f} ms; load outcomes {dict(outcomes)}"
    print(f"state change -> nginx: {figures}")  # noqa: T201
    assert delays[-1] < 1.0
    assert set(outcomes) == {"200"} and outcomes["200"] > CHANGES * LOAD_CONNECTIONS
