"""Write p99 as control measures it: writes through a real proxy to a real HTTP server playing
the customer service, the proxy's writes budget window exposed on its admin /metrics, read by
control's own adapter (HttpProxyMetrics) as the plan's `write_p99` signal."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from ficus_contracts.criteria.evaluate import Reading
from ficus_contracts.criteria.model import Signal
from ficus_contracts.cutover import Lane, Stage
from ficus_control.adapters.proxy_metrics import HttpProxyMetrics
from tests.integration.proxy.backends import Backend
from tests.integration.proxy.conftest import ProxyFactory
from tests.integration.proxy.test_writes import CUSTOMER, ME, lanes, send

pytestmark = pytest.mark.integration


async def write_p99(admin_port: int) -> Reading:
    metrics = HttpProxyMetrics([f"http://127.0.0.1:{admin_port}"])
    try:  # control's client is synchronous: off the loop the proxy runs on
        return (await asyncio.to_thread(metrics.read, "customer"))[Signal.WRITE_P99]
    finally:
        metrics.close()


async def test_write_p99_is_what_the_new_backend_took_and_no_evidence_without_writes(
    legacy: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    service = await Backend("customer").start()
    try:
        proxy = await make_proxy(legacy_url=legacy.url, upstreams={"customer": service.url})
        lanes(proxy, Lane(Stage.NEW))
        assert (await send(client, proxy, "GET", ME))[3] == "new"  # a read: no write evidence
        nothing = await write_p99(proxy.admin_port)
        assert nothing.value is None and "no write of customer" in (nothing.missing or "")
        service.delay = 0.12  # every write takes 120-150 ms at the service
        for _ in range(12):
            assert (await send(client, proxy, "PUT", ME, json=CUSTOMER))[3] == "new"
        assert await write_p99(proxy.admin_port) == Reading(150.0, 12)
    finally:
        await service.stop()
