"""The header rules of the Python proxy, on the nginx plane: client addresses only from trusted
peers, hop-by-hop and internal headers dropped, repeated answer headers kept."""

from __future__ import annotations

import aiohttp
import pytest

from tests.integration.nginx.conftest import PlaneFactory
from tests.integration.proxy.backends import Backend

pytestmark = pytest.mark.integration

SPOOFED = {
    "X-Forwarded-For": "6.6.6.6",
    "X-Forwarded-Host": "evil.example",
    "X-Real-IP": "6.6.6.6",
    "Forwarded": "for=6.6.6.6",
    "True-Client-IP": "6.6.6.6",
    "X-Ficus-Debug": "1",
    "X-Ficus-Target": "new",
    "Proxy-Authorization": "Basic eDp5",
    "X-Request-Id": "shopper-request-1",
    "Host": "shop.example",
}


def upstream_headers(backend: Backend) -> dict[str, str]:
    return {name.lower(): value for name, value in backend.seen[-1].headers}


async def test_an_untrusted_peer_cannot_spoof_or_steer(
    make_plane: PlaneFactory, client: aiohttp.ClientSession, legacy: Backend
) -> None:
    _, plane = await make_plane(legacy.url, {})
    url = f"http://127.0.0.1:{plane.port}/rest/V1/products/cookies"
    async with client.get(url, headers=SPOOFED) as response:
        assert response.status == 200
        assert len(response.headers.getall("Set-Cookie")) == 2  # repeated headers kept
        assert response.headers["X-Request-Id"] == "shopper-request-1"
        assert not any(h.lower().startswith("x-ficus-") for h in response.headers)
    seen = upstream_headers(legacy)
    assert seen["x-forwarded-for"] == "127.0.0.1"
    assert seen["x-forwarded-host"] == "shop.example"
    assert seen["x-forwarded-proto"] == "http"
    assert seen["host"] == "shop.example"
    assert seen["x-request-id"] == "shopper-request-1"
    for dropped in ("x-real-ip", "forwarded", "true-client-ip", "x-ficus-debug",
                    "x-ficus-target", "proxy-authorization", "connection"):  # fmt: skip
        assert dropped not in seen, dropped


async def test_a_trusted_load_balancer_is_believed(
    make_plane: PlaneFactory, client: aiohttp.ClientSession, legacy: Backend
) -> None:
    _, plane = await make_plane(legacy.url, {}, trusted_proxies=("127.0.0.0/8",))
    url = f"http://127.0.0.1:{plane.port}/rest/V1/products/x"
    headers = SPOOFED | {"X-Forwarded-Proto": "https", "X-Request-Id": "bad id with spaces"}
    async with client.get(url, headers=headers) as response:
        assert response.status == 200
        fresh_id = response.headers["X-Request-Id"]
    seen = upstream_headers(legacy)
    assert seen["x-forwarded-for"] == "6.6.6.6, 127.0.0.1"
    assert seen["x-forwarded-host"] == "evil.example"
    assert seen["x-forwarded-proto"] == "https"
    assert seen["x-request-id"] == fresh_id != "bad id with spaces"
    assert "x-real-ip" not in seen
