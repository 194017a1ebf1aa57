"""nginx consults the new backends' circuit breakers: once the guard's breaker (fed from
nginx's access log by the agent's watcher) opens, a read is served by Magento and a write is
refused with 503 + Retry-After, and neither reaches the new backend; after the cool-down one
probe goes through, and its success closes the breaker."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from ficus_contracts.guard.domain import GuardPolicy
from ficus_nginx.core.accesslog import ACCESS_LOG, parse
from ficus_nginx.core.plane import Plane
from ficus_nginx.core.watch import Watch
from ficus_nginx.logtail import LogTail
from ficus_nginx.reporting import ControlReporter
from ficus_nginx.watcher import Watcher
from tests.integration.nginx.conftest import PlaneFactory, wait_until
from tests.integration.proxy.backends import Backend

pytestmark = pytest.mark.integration

PRODUCT = "/rest/V1/products/broken"
COOLDOWN = 3.0


async def start(
    make_plane: PlaneFactory, legacy: Backend, catalog: Backend
) -> tuple[Plane, Watcher]:
    state = {"catalog": DomainCutover("catalog", Lane(Stage.NEW), Lane(Stage.NEW))}
    agent, plane = await make_plane(legacy.url, {"catalog": catalog.url}, state)
    policy = GuardPolicy(trip_after_failures=0, breaker_failures=2, breaker_cooldown=COOLDOWN)
    tail = LogTail(Path(plane.prefix) / ACCESS_LOG)
    tail.skip_existing()
    return plane, Watcher(agent, Watch(policy), ControlReporter(None, None), tail)


async def breakers(plane: Plane) -> dict[str, Any]:
    url = f"http://127.0.0.1:{plane.admin_port}/_ficus/breakers"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        result: dict[str, Any] = await response.json(content_type=None)
        return result


async def feed_until(watcher: Watcher, plane: Plane, wanted: dict[str, Any]) -> None:
    """The agent's watcher reads the log (as `run` does) until nginx shows `wanted`."""

    async def shown() -> bool:
        watcher.consume(watcher.tail.read())
        return await breakers(plane) == wanted

    await wait_until(shown)


async def open_breaker(
    client: aiohttp.ClientSession,
    method: str,
    shop: str,
    watcher: Watcher,
    plane: Plane,
    backend: Backend,
) -> tuple[float, int]:
    """Two failed requests open the breaker (its key shown by nginx): when, and how many
    requests the backend had seen by then."""
    for _ in range(2):
        async with client.request(method, shop, json={}) as answer:
            assert answer.status == (200 if method == "GET" else 503)  # a read fell back
    key = "catalog:r" if method == "GET" else "catalog:w"
    await feed_until(watcher, plane, {key: "open"})
    return time.monotonic(), len(backend.seen)


async def test_an_open_breaker_sends_reads_to_magento_without_asking_the_backend(
    make_plane: PlaneFactory, legacy: Backend, catalog: Backend, client: aiohttp.ClientSession
) -> None:
    plane, watcher = await start(make_plane, legacy, catalog)
    shop = f"http://127.0.0.1:{plane.port}{PRODUCT}"
    catalog.status = 500
    opened, asked = await open_breaker(client, "GET", shop, watcher, plane, catalog)
    catalog.status = None  # healthy again: only a probe would find out
    for _ in range(5):
        async with client.get(shop) as answer:
            assert (await answer.json())["backend"] == "legacy"
    assert time.monotonic() - opened < COOLDOWN, "the machine was too slow for this test"
    assert len(catalog.seen) == asked  # nobody asked the new backend while open

    async def probed() -> bool:
        async with client.get(shop) as answer:
            return (await answer.json())["backend"] == "catalog"

    await wait_until(probed, timeout=COOLDOWN + 10)  # after the cool-down: the one probe
    await feed_until(watcher, plane, {})  # its success closed the breaker
    async with client.get(shop) as answer:
        assert (await answer.json())["backend"] == "catalog"


async def test_an_open_breaker_refuses_writes_without_asking_the_backend(
    make_plane: PlaneFactory, legacy: Backend, catalog: Backend, client: aiohttp.ClientSession
) -> None:
    plane, watcher = await start(make_plane, legacy, catalog)
    shop = f"http://127.0.0.1:{plane.port}{PRODUCT}"
    catalog.status = 500
    opened, asked = await open_breaker(client, "PUT", shop, watcher, plane, catalog)
    async with client.put(shop, json={}) as answer:
        assert answer.status == 503
        assert answer.headers["Retry-After"] == "5"
        assert "temporarily unavailable" in (await answer.json())["message"]
    assert time.monotonic() - opened < COOLDOWN, "the machine was too slow for this test"
    assert len(catalog.seen) == asked
    assert len(legacy.seen) == 0  # a write never goes to Magento
    logged: list[str] = []

    async def refusal_logged() -> bool:
        logged.extend(watcher.tail.read())
        return bool(logged)

    await wait_until(refusal_logged)  # counted against the writes budget, as the proxy does
    outcomes = [parse(line) for line in logged]
    assert [(o.verdict, o.reason) for o in outcomes if o] == [("rejected", "breaker_open")]
