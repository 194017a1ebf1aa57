"""Forwarding fidelity: what the client sends reaches Magento as sent (minus hop-by-hop and
internal headers), and what Magento answers reaches the client the same way."""

from __future__ import annotations

import asyncio
import hashlib

import aiohttp
import pytest
from multidict import CIMultiDict
from yarl import URL

from tests.integration.proxy.backends import CHUNK, Backend
from tests.integration.proxy.conftest import ProxyFactory

pytestmark = pytest.mark.integration


async def test_request_headers_path_and_body(
    legacy: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    proxy = await make_proxy(legacy_url=legacy.url)
    raw = "/rest/V1/products/a%2Fb%20c?searchCriteria[pageSize]=2&q=%2e%2E"
    headers = [
        ("Connection", "keep-alive, X-Drop"),
        ("X-Drop", "hop"),
        ("X-Ficus-Target", "new"),
        ("X-Forwarded-For", "198.51.100.7"),
        ("X-Request-Id", "client-rid-1"),
        ("Accept", "application/json"),
        ("X-Multi", "one"),
        ("X-Multi", "two"),
        ("Authorization", "Bearer abc"),
    ]
    url = URL(f"http://127.0.0.1:{proxy.port}{raw}", encoded=True)
    async with client.post(url, headers=headers, data=b"payload") as response:
        assert response.status == 200
        assert response.headers["X-Request-Id"] == "client-rid-1"
    seen = legacy.seen[-1]
    assert seen.raw_path == raw  # byte for byte, %2F and %20 untouched
    assert seen.body == b"payload"
    names = [name.lower() for name, _ in seen.headers]
    assert "x-drop" not in names and "x-ficus-target" not in names
    upstream = dict((n.lower(), v) for n, v in seen.headers if n.lower() != "x-multi")
    assert [v for n, v in seen.headers if n.lower() == "x-multi"] == ["one", "two"]
    assert upstream["x-forwarded-for"] == "127.0.0.1"  # an untrusted client cannot claim one
    assert upstream["x-forwarded-proto"] == "http"
    assert upstream["x-request-id"] == "client-rid-1"
    assert upstream["authorization"] == "Bearer abc"
    assert "user-agent" in upstream  # the client's, not aiohttp's added on top
    assert names.count("user-agent") == 1


async def test_a_request_id_is_generated_when_missing_or_insane(
    legacy: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    proxy = await make_proxy(legacy_url=legacy.url)
    async with client.get(f"http://127.0.0.1:{proxy.port}/x", headers={"X-Request-Id": "a b"}) as r:
        generated = r.headers["X-Request-Id"]
    assert generated != "a b" and len(generated) == 24
    assert CIMultiDict(legacy.seen[-1].headers)["X-Request-Id"] == generated


async def test_response_cookies_hop_by_hop_and_encoding(
    legacy: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    proxy = await make_proxy(legacy_url=legacy.url)
    async with client.get(f"http://127.0.0.1:{proxy.port}/cookies") as response:
        assert response.headers.getall("Set-Cookie") == ["a=1; Path=/", "b=2; Path=/"]
        assert "X-Hop" not in response.headers
        assert "X-Ficus-Internal" not in response.headers
    async with client.get(f"http://127.0.0.1:{proxy.port}/gzip") as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert await response.read() == b"\x1f\x8b-not-really-gzip"  # not decompressed


async def test_bodies_stream_both_ways(
    legacy: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    proxy = await make_proxy(legacy_url=legacy.url)
    async with client.get(f"http://127.0.0.1:{proxy.port}/stream") as response:
        digest = hashlib.sha256()
        async for chunk in response.content.iter_any():
            digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(CHUNK * 32).hexdigest()

    async def upload() -> object:
        for _ in range(16):
            yield CHUNK
            await asyncio.sleep(0)

    async with client.put(f"http://127.0.0.1:{proxy.port}/upload", data=upload()) as response:
        assert response.status == 200
        assert (await response.json())["body_length"] == 16 * len(CHUNK)
    assert legacy.seen[-1].body == CHUNK * 16


async def test_legacy_down_gives_502_and_the_proxy_keeps_serving(
    legacy: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    proxy = await make_proxy(legacy_url="http://127.0.0.1:9")
    async with client.get(f"http://127.0.0.1:{proxy.port}/rest/V1/products/x") as response:
        assert response.status == 502
    async with client.get(f"http://127.0.0.1:{proxy.admin_port}/healthz") as response:
        assert response.status == 200


async def test_the_shopper_port_has_no_health_check_of_its_own(
    legacy: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    """/healthz on the shopper port is Magento's answer, like any path: nothing of Ficus shows
    (the proxy's health is on the admin listener)."""
    proxy = await make_proxy(legacy_url=legacy.url)
    async with client.get(f"http://127.0.0.1:{proxy.port}/healthz") as response:
        assert response.status == 200
        assert (await response.json())["backend"] == "legacy"
    assert legacy.seen[-1].raw_path == "/healthz"
    down = await make_proxy(legacy_url="http://127.0.0.1:9")
    async with client.get(f"http://127.0.0.1:{down.port}/healthz") as response:
        assert response.status == 502  # Magento is down: the port says so, not "ok"


async def test_head_keeps_content_length_without_a_body(
    legacy: Backend, make_proxy: ProxyFactory
) -> None:
    proxy = await make_proxy(legacy_url=legacy.url)
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
    try:
        for method in (b"HEAD", b"GET"):
            writer.write(method + b" /rest/V1/products/x HTTP/1.1\r\nHost: x\r\n\r\n")
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            assert head.startswith(b"HTTP/1.1 200")
            if method == b"GET":
                body = await asyncio.wait_for(reader.readexactly(length), 5)
                assert b'"method": "GET"' in body
            else:
                head_length = length
        assert head_length == length + 1  # "HEAD" vs "GET" in the echoed document
    finally:
        writer.close()
