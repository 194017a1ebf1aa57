"""Bad input: malformed HTTP, oversized headers or bodies and unsafe paths get a 4xx, and the
proxy keeps serving."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from ficus_proxy.bootstrap import Worker
from tests.integration.proxy.backends import Backend
from tests.integration.proxy.conftest import ProxyFactory

pytestmark = pytest.mark.integration


async def raw_exchange(port: int, request: bytes) -> int:
    """Send raw bytes, return the response's status code."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout=5)
        return int(status_line.split()[1])
    finally:
        writer.close()


async def still_serving(client: aiohttp.ClientSession, worker: Worker) -> bool:
    async with client.get(f"http://127.0.0.1:{worker.port}/rest/V1/products/x") as response:
        return response.status == 200


@pytest.fixture
async def proxy(legacy: Backend, make_proxy: ProxyFactory) -> Worker:
    return await make_proxy(
        legacy_url=legacy.url, max_field_size=1024, max_headers=20, max_body_bytes=1000
    )


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 2000 + b"\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-H: 1\r\n" * 40 + b"\r\n",
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"GET /rest/V1/products/../../admin HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /rest/V1/products/%2e%2e/admin HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /rest/V1/products HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + b"a" * 5000,
        b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"0\r\n\r\n",
        b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        b"GET http://evil.example/rest/V1/products/x HTTP/1.1\r\nHost: x\r\n\r\n",
    ],
    ids=["long-header", "many-headers", "garbage", "bad-length", "dot-segments",
         "encoded-dot-segments", "body-too-large", "cl-and-te", "two-lengths", "absolute-form"],
)  # fmt: skip
async def test_bad_input_is_refused_with_4xx_and_the_proxy_keeps_serving(
    proxy: Worker, legacy: Backend, client: aiohttp.ClientSession, request_bytes: bytes
) -> None:
    status = await raw_exchange(proxy.port, request_bytes)
    assert 400 <= status < 500
    assert legacy.seen == []  # nothing reached Magento
    assert await still_serving(client, proxy)


async def test_chunked_body_over_the_limit_is_refused(
    proxy: Worker, client: aiohttp.ClientSession
) -> None:
    async def body() -> object:
        for _ in range(10):
            yield b"b" * 500

    async with client.post(f"http://127.0.0.1:{proxy.port}/rest/V1/x", data=body()) as response:
        assert response.status == 413
    assert await still_serving(client, proxy)


async def test_read_body_over_the_limit_is_refused_before_routing_to_new(
    legacy: Backend, catalog: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    proxy = await make_proxy(
        legacy_url=legacy.url, upstreams={"catalog": catalog.url}, max_body_bytes=1000
    )
    proxy.server.state.replace_all([DomainCutover("catalog", Lane(Stage.NEW))])

    async def body() -> object:
        for _ in range(10):
            yield b"b" * 500

    url = f"http://127.0.0.1:{proxy.port}/rest/V1/products/x"
    async with client.get(url, data=body()) as response:
        assert response.status == 413
    assert catalog.seen == [] and legacy.seen == []


async def test_expect_100_continue_is_answered_by_the_proxy(proxy: Worker, legacy: Backend) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
    try:
        writer.write(
            b"PUT /rest/V1/products/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
            b"Expect: 100-continue\r\n\r\n"
        )
        assert await asyncio.wait_for(reader.readline(), 5) == b"HTTP/1.1 100 Continue\r\n"
        assert await reader.readline() == b"\r\n"
        writer.write(b"hello")
        assert (await asyncio.wait_for(reader.readline(), 5)).startswith(b"HTTP/1.1 200")
    finally:
        writer.close()
    assert legacy.seen[-1].body == b"hello"
    assert "expect" not in {name.lower() for name, _ in legacy.seen[-1].headers}


async def test_expect_100_continue_with_a_body_over_the_limit_gets_413_at_once(
    proxy: Worker, legacy: Backend
) -> None:
    request = b"PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n"
    assert await raw_exchange(proxy.port, request) == 413
    assert legacy.seen == []
