"""Fail-open: a read the new backend cannot answer is answered by Magento, and the shopper never
sees the failure; 3 consecutive failures trip the domain's reads and tell the control plane."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from ficus_contracts.guard.breaker import BreakerState
from ficus_proxy.bootstrap import Worker
from tests.integration.proxy.admin import get_traced
from tests.integration.proxy.backends import Backend, ControlApi, closed_port
from tests.integration.proxy.cohort import cohort_cookie
from tests.integration.proxy.conftest import ProxyFactory
from tests.polling import eventually

pytestmark = pytest.mark.integration

PRODUCT = "/rest/default/V1/products/24-MB01"


def reads(worker: Worker, stage: Stage, percent: int = 0) -> None:
    worker.server.state.replace_all([DomainCutover("catalog", Lane(stage, percent), version=1)])


async def get_many(
    client: aiohttp.ClientSession, worker: Worker, n: int, path: str = PRODUCT
) -> list[tuple[int, str]]:
    return [
        await get_traced(client, worker.port, worker.admin_port, f"{path}?i={i}") for i in range(n)
    ]


async def test_new_backend_serves_reads_when_healthy(
    legacy: Backend, catalog: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    proxy = await make_proxy(legacy_url=legacy.url, upstreams={"catalog": catalog.url})
    reads(proxy, Stage.NEW)
    assert await get_many(client, proxy, 3) == [(200, "new")] * 3
    orders = await get_traced(client, proxy.port, proxy.admin_port, "/rest/V1/orders/1")
    assert orders == (200, "legacy")  # unrouted stays on Magento
    assert legacy.paths() == ["/rest/V1/orders/1"]


@pytest.mark.parametrize("failure", ["status500", "refused", "timeout"])
async def test_failed_reads_fall_back_then_trip_and_report(
    failure: str,
    legacy: Backend,
    catalog: Backend,
    control_api: ControlApi,
    make_proxy: ProxyFactory,
    client: aiohttp.ClientSession,
) -> None:
    upstream = catalog.url
    if failure == "status500":
        catalog.status = 500
    elif failure == "refused":
        upstream = f"http://127.0.0.1:{closed_port()}"
    else:
        catalog.delay = 1.0
    proxy = await make_proxy(
        legacy_url=legacy.url,
        upstreams={"catalog": upstream},
        new_timeout=0.2,
        control_api_url=control_api.url,
        token=control_api.token,
    )
    reads(proxy, Stage.NEW)
    results = await get_many(client, proxy, 6)
    assert results == [(200, "legacy")] * 6  # 0 client errors
    assert len(legacy.seen) == 6
    if failure != "refused":
        assert len(catalog.seen) == 3  # tripped after 3: the new backend is left alone
    assert proxy.server.state.effective["catalog"].reads_fail_open_tripped
    assert await eventually(lambda: len(control_api.posts) == 1, timeout=5)
    domain, action, payload = control_api.posts[0]
    assert (domain, action, payload["direction"]) == ("catalog", "trip", "reads")
    assert payload["measured"]["consecutive_failures"] == 3
    metrics = await (await client.get(f"http://127.0.0.1:{proxy.admin_port}/metrics")).text()
    assert 'ficus_proxy_fallbacks_total{domain="catalog"' in metrics
    assert 'ficus_proxy_reads_tripped{domain="catalog"} 1.0' in metrics


async def test_trip_survives_resync_until_control_confirms_and_a_person_reenables(
    legacy: Backend,
    catalog: Backend,
    control_api: ControlApi,
    make_proxy: ProxyFactory,
    client: aiohttp.ClientSession,
) -> None:
    catalog.status = 503
    proxy = await make_proxy(
        legacy_url=legacy.url, upstreams={"catalog": catalog.url},
        control_api_url=control_api.url, token=control_api.token,
    )  # fmt: skip
    reads(proxy, Stage.NEW)
    await get_many(client, proxy, 3)
    assert await eventually(lambda: proxy.server.reporter.pending == 0, timeout=5)
    reads(proxy, Stage.NEW)  # a resync with the same (old) version keeps the trip
    assert proxy.server.state.effective["catalog"].reads_fail_open_tripped
    catalog.status = None
    state = proxy.server.state
    state.replace_all([DomainCutover("catalog", Lane(Stage.NEW), reads_fail_open_tripped=True,
                                     version=2)])  # fmt: skip
    state.replace_all([DomainCutover("catalog", Lane(Stage.NEW), version=3)])  # re-enabled
    assert await get_many(client, proxy, 2) == [(200, "new")] * 2


async def test_control_plane_down_never_blocks_requests(
    legacy: Backend, catalog: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    catalog.status = 500
    proxy = await make_proxy(
        legacy_url=legacy.url, upstreams={"catalog": catalog.url},
        control_api_url=f"http://127.0.0.1:{closed_port()}", token="t",
    )  # fmt: skip
    reads(proxy, Stage.NEW)
    started = asyncio.get_running_loop().time()
    assert await get_many(client, proxy, 5) == [(200, "legacy")] * 5
    assert asyncio.get_running_loop().time() - started < 2
    assert proxy.server.reporter.pending == 1  # queued, retried in the background
    assert proxy.server.state.effective["catalog"].reads_fail_open_tripped


async def test_breaker_opens_and_half_open_probe_closes_it(
    legacy: Backend, catalog: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    catalog.status = 500
    proxy = await make_proxy(
        legacy_url=legacy.url, upstreams={"catalog": catalog.url},
        trip_after_failures=1000, breaker_failures=2, breaker_cooldown=0.3,
    )  # fmt: skip
    reads(proxy, Stage.NEW)
    assert await get_many(client, proxy, 5) == [(200, "legacy")] * 5
    assert len(catalog.seen) == 2  # open after 2: the rest went straight to Magento
    guard = proxy.server.guards["catalog"]
    assert guard.breaker_state is BreakerState.OPEN
    catalog.status = None

    async def probe_served_by_new() -> bool:
        return (await get_many(client, proxy, 1)) == [(200, "new")]

    assert await eventually(probe_served_by_new, timeout=3, interval=0.05)  # half-open probe
    assert await get_many(client, proxy, 2) == [(200, "new")] * 2
    assert guard.breaker_state is BreakerState.CLOSED


async def test_canary_splits_by_sticky_cohort(
    legacy: Backend, catalog: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    proxy = await make_proxy(legacy_url=legacy.url, upstreams={"catalog": catalog.url})
    reads(proxy, Stage.CANARY, 50)
    backends = []
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as fresh:
        for _ in range(3):
            _, backend = await get_traced(fresh, proxy.port, proxy.admin_port, PRODUCT)
            backends.append(backend)
        cookies = {c.key: c.value for c in fresh.cookie_jar}
    assert "ficus_cohort" in cookies
    assert len(set(backends)) == 1  # sticky
    seen = set()
    for i in range(40):
        async with client.get(f"http://127.0.0.1:{proxy.port}{PRODUCT}",
                              headers={"Cookie": cohort_cookie(f"s{i}")}) as response:  # fmt: skip
            seen.add((await response.json())["backend"])
            assert "Set-Cookie" not in response.headers
    assert seen == {"legacy", "catalog"}


async def test_latency_budget_breach_asks_control_to_roll_back(
    legacy: Backend,
    catalog: Backend,
    control_api: ControlApi,
    make_proxy: ProxyFactory,
    client: aiohttp.ClientSession,
) -> None:
    catalog.delay = 0.12
    proxy = await make_proxy(
        legacy_url=legacy.url, upstreams={"catalog": catalog.url},
        control_api_url=control_api.url, token=control_api.token,
        budget_max_p99_ms=50, budget_min_requests=5, budget_window_seconds=30,
    )  # fmt: skip
    reads(proxy, Stage.NEW)

    async def rolled_back() -> bool:
        assert await get_many(client, proxy, 1) == [(200, "new")]  # slow, but served
        return any(action == "rollback" for _, action, _ in control_api.posts)

    assert await eventually(rolled_back, timeout=10, interval=0)
    [(domain, _, payload)] = [p for p in control_api.posts if p[1] == "rollback"]
    assert domain == "catalog"
    assert payload["actor"] == "proxy:auto"
    assert payload["seen_reads"] == "new"  # control refuses it if reads have moved since
    assert payload["reason"] == "p99 latency over budget"
    assert payload["measured"]["p99_ms"] > 50


async def test_a_refused_report_is_dropped_and_the_trip_stays_local(
    legacy: Backend,
    catalog: Backend,
    control_api: ControlApi,
    make_proxy: ProxyFactory,
    client: aiohttp.ClientSession,
) -> None:
    catalog.status = 500
    proxy = await make_proxy(
        legacy_url=legacy.url, upstreams={"catalog": catalog.url},
        control_api_url=control_api.url, token="wrong-token",
    )  # fmt: skip
    reads(proxy, Stage.NEW)
    assert await get_many(client, proxy, 3) == [(200, "legacy")] * 3
    assert await eventually(lambda: proxy.server.reporter.pending == 0, timeout=5)
    assert control_api.posts == []  # 401: refused for good, not retried forever
    reads(proxy, Stage.NEW)
    assert proxy.server.state.is_tripped_locally("catalog")
