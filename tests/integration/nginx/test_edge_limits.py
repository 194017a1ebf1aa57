"""The nginx plane's rate limits are the Python proxy's (same settings): per client address
(behind trusted proxies, the forwarded client) and per bearer credential, answered 429 with
Retry-After and Magento's `{"message": ...}` before anything is forwarded."""

from __future__ import annotations

import aiohttp
import pytest

from ficus_nginx.core.edge import TOO_MANY_MESSAGE
from ficus_nginx.core.plane import RateLimits
from tests.integration.nginx.conftest import PlaneFactory
from tests.integration.proxy.backends import Backend

pytestmark = pytest.mark.integration

PRODUCT = "/rest/V1/products/limited"


async def statuses(port: int, headers: list[dict[str, str]]) -> list[int]:
    found = []
    async with aiohttp.ClientSession() as shopper:
        for sent in headers:
            url = f"http://127.0.0.1:{port}{PRODUCT}"
            async with shopper.get(url, headers=sent) as answer:
                found.append(answer.status)
                if answer.status == 429:
                    assert answer.headers["Retry-After"] == "10"  # a request per 10 s
                    assert await answer.json() == {"message": TOO_MANY_MESSAGE}
    return found


async def test_a_client_address_over_its_limit_gets_429(
    make_plane: PlaneFactory, legacy: Backend
) -> None:
    limits = RateLimits(rate_per_ip=0.1, burst_per_ip=3, rate_per_customer=0)
    _, plane = await make_plane(legacy.url, {}, limits=limits)
    assert await statuses(plane.port, [{}] * 4) == [200, 200, 200, 429]
    assert len(legacy.seen) == 3  # the refused request was not forwarded


async def test_each_bearer_credential_has_its_own_limit(
    make_plane: PlaneFactory, legacy: Backend
) -> None:
    limits = RateLimits(rate_per_ip=0, rate_per_customer=0.1, burst_per_customer=2)
    _, plane = await make_plane(legacy.url, {}, limits=limits)
    alice, bob = {"Authorization": "Bearer alice"}, {"Authorization": "Bearer bob"}
    sent = [alice, alice, alice, bob, {}, {}, {}]
    assert await statuses(plane.port, sent) == [200, 200, 429, 200, 200, 200, 200]


async def test_behind_a_trusted_proxy_the_forwarded_client_is_limited(
    make_plane: PlaneFactory, legacy: Backend
) -> None:
    limits = RateLimits(rate_per_ip=0.1, burst_per_ip=2, rate_per_customer=0)
    _, plane = await make_plane(legacy.url, {}, limits=limits, trusted_proxies=("127.0.0.1/32",))
    one = {"X-Forwarded-For": "203.0.113.1"}
    two = {"X-Forwarded-For": "198.51.100.7, 203.0.113.2"}
    assert await statuses(plane.port, [one, one, one, two]) == [200, 200, 429, 200]
    forwarded = [v for k, v in legacy.seen[-1].headers if k.lower() == "x-forwarded-for"]
    assert forwarded == ["198.51.100.7, 203.0.113.2, 127.0.0.1"]  # the peer appended, as before


async def test_an_untrusted_peers_forwarded_for_is_not_believed(
    make_plane: PlaneFactory, legacy: Backend
) -> None:
    limits = RateLimits(rate_per_ip=0.1, burst_per_ip=2, rate_per_customer=0)
    _, plane = await make_plane(legacy.url, {}, limits=limits)
    spoofed = [{"X-Forwarded-For": f"203.0.113.{i}"} for i in range(3)]
    assert await statuses(plane.port, spoofed) == [200, 200, 429]
    forwarded = [v for k, v in legacy.seen[-1].headers if k.lower() == "x-forwarded-for"]
    assert forwarded == ["127.0.0.1"]
