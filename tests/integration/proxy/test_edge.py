"""The shopper port is only for shoppers (#12): admin paths live on the admin listener, no
`X-Ficus-*` header reaches a shopper, gzip request bodies pass untouched, client-sent address
headers are not believed, and slow or greedy clients are cut off (timeouts, connection cap,
429 rate limits)."""

from __future__ import annotations

import asyncio
import gzip
import json
import uuid

import aiohttp
import pytest

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from tests.integration.proxy.admin import admin_json, get_traced
from tests.integration.proxy.backends import Backend
from tests.integration.proxy.conftest import ProxyFactory

pytestmark = pytest.mark.integration

PRODUCT = "/rest/V1/products/24-MB01"


async def test_admin_paths_are_on_the_admin_listener_only(
    legacy: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    proxy = await make_proxy(legacy_url=legacy.url)
    for path in ("/_ficus/diff?domain=catalog", "/metrics", "/readyz", "/_ficus/trace"):
        async with client.get(f"http://127.0.0.1:{proxy.port}{path}") as response:
            assert (await response.json())["backend"] == "legacy"  # Magento's answer
    assert legacy.paths() == [
        "/_ficus/diff?domain=catalog", "/metrics", "/readyz", "/_ficus/trace"
    ]  # fmt: skip
    assert (await admin_json(client, proxy.admin_port, "/readyz"))["ready"] is True
    async with client.get(f"http://127.0.0.1:{proxy.admin_port}/metrics") as response:
        assert "ficus_proxy_requests_total" in await response.text()


async def test_diff_for_unknown_domains_grows_neither_stats_nor_metric_labels(
    legacy: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    proxy = await make_proxy(legacy_url=legacy.url)
    for _ in range(50):
        domain = uuid.uuid4().hex
        report = await admin_json(client, proxy.admin_port, f"/_ficus/diff?domain={domain}")
        assert report["domains"][domain]["compared"] == 0
    assert (await admin_json(client, proxy.admin_port, "/_ficus/diff"))["domains"] == {}
    async with client.get(f"http://127.0.0.1:{proxy.admin_port}/metrics") as response:
        metrics = await response.text()
    assert "ficus_proxy_shadow_mismatch_rate{" not in metrics


async def test_shoppers_never_see_the_backend_and_the_admin_trace_names_it(
    legacy: Backend, catalog: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    proxy = await make_proxy(legacy_url=legacy.url, upstreams={"catalog": catalog.url})
    proxy.server.state.replace_all([DomainCutover("catalog", Lane(Stage.NEW))])
    assert await get_traced(client, proxy.port, proxy.admin_port, PRODUCT) == (200, "new")
    assert await get_traced(client, proxy.port, proxy.admin_port, "/cart") == (200, "legacy")
    recent = (await admin_json(client, proxy.admin_port, "/_ficus/trace?limit=1"))["entries"]
    assert [(e["path"], e["domain"], e["backend"], e["status"]) for e in recent] == [
        ("/cart", None, "legacy", 200)
    ]


async def test_a_gzip_request_body_is_forwarded_untouched(
    legacy: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    proxy = await make_proxy(legacy_url=legacy.url, legacy_timeout=5)
    body = gzip.compress(json.dumps({"product": {"sku": "x", "name": "y" * 2000}}).encode())
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
    url = f"http://127.0.0.1:{proxy.port}/rest/V1/products"
    async with asyncio.timeout(4), client.post(url, data=body, headers=headers) as response:
        assert response.status == 200  # today: 504 after the legacy timeout
    seen = legacy.seen[-1]
    assert seen.body == body
    sent = {name.lower(): value for name, value in seen.headers}
    assert (sent["content-encoding"], sent["content-length"]) == ("gzip", str(len(body)))


async def test_client_address_headers_are_replaced_unless_the_peer_is_trusted(
    legacy: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    spoofed = {"X-Forwarded-For": "6.6.6.6", "X-Real-IP": "6.6.6.6",
               "Forwarded": "for=6.6.6.6", "True-Client-IP": "6.6.6.6"}  # fmt: skip
    for trusted, expected in (((), "127.0.0.1"), (("127.0.0.0/8",), "6.6.6.6, 127.0.0.1")):
        proxy = await make_proxy(legacy_url=legacy.url, trusted_proxies=trusted)
        async with client.get(f"http://127.0.0.1:{proxy.port}/x", headers=spoofed) as response:
            assert response.status == 200
        sent = {name.lower(): value for name, value in legacy.seen[-1].headers}
        assert sent["x-forwarded-for"] == expected
        assert not {"x-real-ip", "forwarded", "true-client-ip"} & set(sent)


async def test_rate_limits_per_address_and_per_customer_answer_429_with_retry_after(
    legacy: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    per_ip = await make_proxy(legacy_url=legacy.url, rate_per_ip=0.5, burst_per_ip=2)
    statuses = []
    for _ in range(3):
        async with client.get(f"http://127.0.0.1:{per_ip.port}/x") as response:
            statuses.append(response.status)
            body, retry_after = await response.json(), response.headers.get("Retry-After")
    assert statuses == [200, 200, 429]
    assert retry_after == "2" and set(body) == {"message"}
    per_customer = await make_proxy(
        legacy_url=legacy.url, rate_per_ip=0, rate_per_customer=0.5, burst_per_customer=1
    )
    url = f"http://127.0.0.1:{per_customer.port}/x"

    async def status(token: str) -> int:
        async with client.get(url, headers={"Authorization": f"Bearer {token}"}) as response:
            return response.status

    assert [await status("a"), await status("a"), await status("b")] == [200, 429, 200]


async def closed_by_proxy(reader: asyncio.StreamReader, within: float) -> bytes:
    """What the proxy sends before it closes the connection (fails if it stays open)."""
    async with asyncio.timeout(within):
        return await reader.read()


async def test_slow_headers_and_slow_bodies_are_cut_off(
    legacy: Backend, make_proxy: ProxyFactory
) -> None:
    proxy = await make_proxy(legacy_url=legacy.url, header_timeout=0.5, body_timeout=0.5)
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
    writer.write(b"GET /x HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # never finishes its headers
    assert await closed_by_proxy(reader, 5) == b""
    writer.close()
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
    writer.write(b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab")
    answer = await closed_by_proxy(reader, 5)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer


async def test_connections_over_the_cap_are_closed(
    legacy: Backend, make_proxy: ProxyFactory
) -> None:
    proxy = await make_proxy(legacy_url=legacy.url, max_connections=2)
    kept = [await asyncio.open_connection("127.0.0.1", proxy.port) for _ in range(2)]
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
    assert await closed_by_proxy(reader, 5) == b""
    writer.close()
    reader, writer = kept[0]
    writer.write(b"GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await asyncio.wait_for(reader.readline(), 5)).startswith(b"HTTP/1.1 200")
    for _, kept_writer in kept:
        kept_writer.close()
