"""Through a real proxy at canary 1 %: a client cannot choose the new backend by writing its own
customer token or cohort cookie; a token Magento signed and a cookie the proxy signed do key the
cohort (#12)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from ficus_legacy import tokens
from ficus_proxy.bootstrap import Worker
from ficus_proxy.core.bucketing import CohortKey, bucket_of
from tests.integration.proxy.admin import get_traced
from tests.integration.proxy.backends import Backend
from tests.integration.proxy.cohort import CRYPT_KEY, cohort_cookie
from tests.integration.proxy.conftest import ProxyFactory

pytestmark = pytest.mark.integration

PRODUCT = "/rest/V1/products/24-MB01"
# a customer id and a cookie value whose bucket is 0: the 1 % canary's only bucket
CUSTOMER = next(i for i in range(10_000) if bucket_of(CohortKey("customer", str(i))) == 0)
COOKIE = next(c for c in map(str, range(10_000)) if bucket_of(CohortKey("cookie", c)) == 0)


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    """Keeps no cookie: every request shows only the headers the test gives it."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        yield session


def forged(uid: int) -> str:
    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    now = int(time.time())
    claims = {"uid": uid, "utypid": 3, "iat": now, "exp": now + 3600}
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.{part('forged')}"


async def canary_1(make_proxy: ProxyFactory, legacy: Backend, catalog: Backend) -> Worker:
    proxy = await make_proxy(legacy_url=legacy.url, upstreams={"catalog": catalog.url})
    proxy.server.state.replace_all([DomainCutover("catalog", Lane(Stage.CANARY, 1), version=1)])
    return proxy


async def sides(client: aiohttp.ClientSession, proxy: Worker, **headers: str) -> set[str]:
    answers = [
        await get_traced(client, proxy.port, proxy.admin_port, f"{PRODUCT}?i={i}", **headers)
        for i in range(30)
    ]
    return {backend for _, backend in answers}


async def test_a_forged_customer_token_cannot_choose_the_new_backend(
    legacy: Backend, catalog: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    proxy = await canary_1(make_proxy, legacy, catalog)
    forged_token = {"Authorization": f"Bearer {forged(CUSTOMER)}"}
    # a fresh cookie per request: whatever the claims say, about 1 in 100 draws is new
    assert (await sides(client, proxy, **forged_token)) != {"new"}
    other_key = tokens.signing_key("another0deployment0crypt0key000")
    stolen = tokens.issue(other_key, CUSTOMER, tokens.UserType.CUSTOMER)
    assert (await sides(client, proxy, Authorization=f"Bearer {stolen}")) != {"new"}
    real = tokens.issue(tokens.signing_key(CRYPT_KEY), CUSTOMER, tokens.UserType.CUSTOMER)
    assert await sides(client, proxy, Authorization=f"Bearer {real}") == {"new"}


async def test_an_unsigned_or_forged_cookie_cannot_choose_the_new_backend(
    legacy: Backend, catalog: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    proxy = await canary_1(make_proxy, legacy, catalog)
    signed = cohort_cookie(COOKIE)
    kid, _, mac = signed.removeprefix("ficus_cohort=").split(".")
    for cookie in (f"ficus_cohort={COOKIE}", f"ficus_cohort={kid}.{COOKIE}.{mac[::-1]}"):
        assert (await sides(client, proxy, Cookie=cookie)) != {"new"}, cookie
        async with client.get(f"http://127.0.0.1:{proxy.port}{PRODUCT}",
                              headers={"Cookie": cookie}) as response:  # fmt: skip
            issued = response.headers["Set-Cookie"].split(";")[0]
        assert issued != cookie and issued.startswith(f"ficus_cohort={kid}.")  # a fresh one
    assert await sides(client, proxy, Cookie=signed) == {"new"}
