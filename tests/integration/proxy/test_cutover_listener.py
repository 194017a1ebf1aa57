"""Cutover state from the control database: a change reaches two proxy processes in under a
second (LISTEN/NOTIFY), and a proxy keeps serving with its last state while the database is
unreachable, then catches up."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from ficus_proxy.bootstrap import Worker
from tests.integration.proxy.backends import Backend
from tests.integration.proxy.conftest import ProxyFactory, set_cutover
from tests.integration.proxy.procs import (
    backend_of,
    readyz,
    spawn,
    version_seen,
)
from tests.integration.proxy.relay import Relay
from tests.polling import eventually

pytestmark = pytest.mark.integration


async def test_a_change_reaches_two_proxy_processes_within_a_second(
    control_db: str,
    legacy: Backend,
    catalog: Backend,
    proxy_processes: list[tuple[subprocess.Popen[bytes], int]],
    client: aiohttp.ClientSession,
    tmp_path: Any,
) -> None:
    env = {
        "FICUS_PROXY_LEGACY_URL": legacy.url,
        "FICUS_PROXY_UPSTREAMS": json.dumps({"catalog": catalog.url}),
        "FICUS_PROXY_CONTROL_DB_URL": control_db,
        "FICUS_PROXY_RESYNC_SECONDS": "30",  # so only NOTIFY can explain sub-second propagation
    }
    with open(tmp_path / "proxies.log", "wb") as log:
        proxy_processes.extend(spawn(env, log) for _ in range(2))
    ports = [port for _, port in proxy_processes]
    first = set_cutover(control_db, DomainCutover("catalog"))

    async def both_at(version: int) -> bool:
        return all([await version_seen(client, p) == version for p in ports])

    assert await eventually(lambda: both_at(first), timeout=20, interval=0.05), (
        tmp_path / "proxies.log"
    ).read_text()[-2000:]
    assert [await backend_of(client, p) for p in ports] == ["legacy", "legacy"]

    for stage, expected in ((Stage.NEW, "new"), (Stage.LEGACY, "legacy")):
        started = time.perf_counter()
        version = set_cutover(control_db, DomainCutover("catalog", Lane(stage)))
        assert await eventually(lambda v=version: both_at(v), timeout=1.0, interval=0.005)
        elapsed = time.perf_counter() - started
        print(f"cutover to {stage} seen by both proxies after {elapsed * 1000:.0f} ms")  # noqa: T201
        assert elapsed < 1.0
        assert [await backend_of(client, p) for p in ports] == [expected, expected]


@pytest.fixture
async def relay(stack: Any) -> AsyncIterator[Relay]:
    cut = await Relay(stack.settings.postgres_port).start()
    yield cut
    await cut.stop()


async def test_proxy_keeps_serving_while_the_database_is_unreachable(
    control_db: str,
    relay: Relay,
    legacy: Backend,
    catalog: Backend,
    make_proxy: ProxyFactory,
    client: aiohttp.ClientSession,
) -> None:
    via_relay = control_db.replace(f":{relay.target_port}/", f":{relay.port}/")
    assert via_relay != control_db
    proxy: Worker = await make_proxy(
        legacy_url=legacy.url, upstreams={"catalog": catalog.url}, control_db_url=via_relay,
        reconnect_max_seconds=0.3, resync_seconds=30,
    )  # fmt: skip
    listener = proxy.listener
    assert listener is not None
    set_cutover(control_db, DomainCutover("catalog", Lane(Stage.NEW)))
    assert await eventually(lambda: proxy.server.state.get("catalog") is not None, timeout=5)
    assert await backend_of(client, proxy.port, proxy.admin_port) == "new"

    await relay.stop()
    assert await eventually(lambda: not listener.connected, timeout=5)
    for _ in range(20):  # the last known state keeps serving
        assert await backend_of(client, proxy.port, proxy.admin_port) == "new"
    body = await readyz(client, proxy.admin_port)
    assert body is not None and body["control_db_connected"] is False

    set_cutover(control_db, DomainCutover("catalog", Lane(Stage.LEGACY)))  # while cut off
    await relay.start()  # the same port again

    async def back_on_legacy() -> bool:
        return await backend_of(client, proxy.port, proxy.admin_port) == "legacy"

    assert await eventually(back_on_legacy, timeout=5, interval=0.05)
    assert listener.connected
