"""The nginx plane and the Python proxy send the same requests to the same side.

One table of requests goes through both planes for each cutover state (canary cohorts, dual,
read-your-writes, trips, draining, fail-open, unsafe paths); each answer is reduced to
(status, which backend answered or the plane's own message, Retry-After, a cohort cookie)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from ficus_legacy import tokens
from tests.integration.nginx.conftest import PlaneFactory, apply_and_wait
from tests.integration.proxy.backends import Backend
from tests.integration.proxy.cohort import CRYPT_KEY, cohort_cookie
from tests.integration.proxy.conftest import ProxyFactory

pytestmark = pytest.mark.integration

Request = tuple[str, str, dict[str, str]]


def jwt(uid: int, user: tokens.UserType) -> str:
    """A token Magento signed, with the planes' key."""
    return f"Bearer {tokens.issue(tokens.signing_key(CRYPT_KEY), uid, user)}"


CUSTOMER, ADMIN = tokens.UserType.CUSTOMER, tokens.UserType.ADMIN


REQUESTS: list[Request] = [
    *(("GET", f"/rest/V1/products/sku-{i}", {"Cookie": cohort_cookie(f"shopper{i}")})
      for i in range(24)),
    *(("PUT", f"/rest/V1/products/sku-{i}", {"Cookie": "a=b; " + cohort_cookie(f"shopper{i}")})
      for i in range(0, 24, 3)),
    *(("GET", f"/rest/default/V1/customers/{i}", {"Authorization": jwt(i, CUSTOMER)})
      for i in range(12)),
    *(("PUT", "/rest/V1/customers/me", {"Authorization": jwt(i, CUSTOMER)})
      for i in range(0, 12, 2)),
    ("GET", "/rest/V1/customers/5", {"Authorization": jwt(5, ADMIN),
                                     "Cookie": cohort_cookie("admin")}),
    ("GET", "/rest/V1/customers/6", {"Authorization": jwt(6, ADMIN)}),
    ("GET", "/rest/V1/customers/7", {"Authorization": "Bearer opaque-integration-token",
                                     "Cookie": cohort_cookie("integration")}),
    *(("GET", f"//index.php/rest/all//V1/products/x{i}/", {"Cookie": cohort_cookie(f"c{i}")})
      for i in range(6)),
    ("GET", "/rest/V1/products/a%2Fb", {"Cookie": cohort_cookie("shopper1")}),
    ("GET", "/rest/V1/products?searchCriteria[pageSize]=2", {"Cookie": cohort_cookie("q")}),
    ("HEAD", "/rest/V1/products/h1", {"Cookie": cohort_cookie("shopper3")}),
    ("POST", "/rest/V1/customers", {"Cookie": cohort_cookie("shopper4")}),
    ("DELETE", "/rest/V1/addresses/9", {"Cookie": cohort_cookie("shopper5")}),
    ("GET", "/rest/V1/orders/1", {"Cookie": cohort_cookie("shopper6")}),
    ("GET", "/checkout/cart", {}),
    ("GET", "/healthz", {}),
]  # fmt: skip

STATES: list[list[DomainCutover]] = [
    [],
    [DomainCutover("catalog", Lane(Stage.SHADOW)), DomainCutover("customer", Lane(Stage.NEW))],
    [DomainCutover("catalog", Lane(Stage.CANARY, 10)),
     DomainCutover("customer", Lane(Stage.CANARY, 50), Lane(Stage.DUAL, 25))],
    [DomainCutover("catalog", Lane(Stage.CANARY, 50), Lane(Stage.DUAL, 50)),
     DomainCutover("customer", Lane(Stage.LEGACY), Lane(Stage.DUAL, 90))],
    [DomainCutover("catalog", Lane(Stage.CANARY, 90), Lane(Stage.NEW)),
     DomainCutover("customer", Lane(Stage.NEW), Lane(Stage.NEW), writes_draining=True)],
    [DomainCutover("catalog", Lane(Stage.NEW), reads_fail_open_tripped=True),
     DomainCutover("customer", Lane(Stage.RETIRED), Lane(Stage.RETIRED))],
]  # fmt: skip


async def outcome(client: aiohttp.ClientSession, port: int, request: Request) -> tuple[Any, ...]:
    method, path, headers = request
    url = f"http://127.0.0.1:{port}{path}"
    async with client.request(method, url, headers=headers) as response:
        text = await response.text()
        try:
            document = json.loads(text) if text else {}
        except ValueError:
            document = {"text": text[:60]}
        said = document.get("backend") or document.get("message") or document.get("status")
        cookie = "ficus_cohort=" in response.headers.get("Set-Cookie", "")
        return response.status, said, "Retry-After" in response.headers, cookie


async def both(
    client: aiohttp.ClientSession, nginx: int, proxy: int, requests: list[Request]
) -> list[tuple[Request, tuple[Any, ...], tuple[Any, ...]]]:
    rows = []
    for request in requests:
        rows.append((request, await outcome(client, nginx, request),
                     await outcome(client, proxy, request)))  # fmt: skip
    return rows


async def planes(
    make_plane: PlaneFactory, make_proxy: ProxyFactory, legacy: Backend, upstreams: dict[str, str]
) -> tuple[Any, int, Any]:
    agent, plane = await make_plane(legacy.url, upstreams)
    worker = await make_proxy(legacy_url=legacy.url, upstreams=upstreams)
    return agent, plane.port, worker


@pytest.mark.parametrize("states", STATES, ids=lambda s: ",".join(map(str, s)) or "no rows")
async def test_both_planes_send_each_request_to_the_same_side(
    make_plane: PlaneFactory, make_proxy: ProxyFactory, client: aiohttp.ClientSession,
    legacy: Backend, catalog: Backend, customer: Backend, states: list[DomainCutover],
) -> None:  # fmt: skip
    upstreams = {"catalog": catalog.url, "customer": customer.url}
    agent, port, worker = await planes(make_plane, make_proxy, legacy, upstreams)
    await apply_and_wait(agent, {s.domain: s for s in states})
    worker.server.state.replace_all(states)
    differ = [row for row in await both(client, port, worker.port, REQUESTS) if row[1] != row[2]]
    assert differ == []
    sides = {row[1][1] for row in await both(client, port, worker.port, REQUESTS)}
    assert "legacy" in sides
    assert bool(sides & {"catalog", "customer"}) == bool(states)  # the table tells sides apart


async def test_failed_reads_fall_back_and_failed_writes_answer_503_on_both_planes(
    make_plane: PlaneFactory, make_proxy: ProxyFactory, client: aiohttp.ClientSession,
    legacy: Backend, catalog: Backend,
) -> None:  # fmt: skip
    gone = await Backend("customer").start()
    await gone.stop()  # connection refused
    upstreams = {"catalog": catalog.url, "customer": gone.url}
    agent, port, worker = await planes(make_plane, make_proxy, legacy, upstreams)
    states = [DomainCutover("catalog", Lane(Stage.NEW), Lane(Stage.NEW)),
              DomainCutover("customer", Lane(Stage.NEW), Lane(Stage.NEW))]  # fmt: skip
    await apply_and_wait(agent, {s.domain: s for s in states})
    worker.server.state.replace_all(states)
    catalog.status = 500
    requests: list[Request] = [
        ("GET", "/rest/V1/products/a", {}),
        ("PUT", "/rest/V1/products/a", {}),
        ("GET", "/rest/V1/customers/1", {}),
        ("PUT", "/rest/V1/customers/1", {}),
    ]
    rows = await both(client, port, worker.port, requests)
    assert [row[1] for row in rows] == [row[2] for row in rows]
    assert [row[1][:3] for row in rows] == [
        (200, "legacy", False),
        (503, "The service is temporarily unavailable. Please try again later.", True),
        (200, "legacy", False),
        (503, "The service is temporarily unavailable. Please try again later.", True),
    ]
    catalog.status, catalog.delay = None, 6.0  # past the new backend's 5 s timeout
    slow = await outcome(client, port, ("GET", "/rest/V1/products/slow", {}))
    assert slow[:2] == (200, "legacy")


async def test_a_cohort_cookie_issued_by_nginx_keeps_its_side_on_the_python_proxy(
    make_plane: PlaneFactory, make_proxy: ProxyFactory, client: aiohttp.ClientSession,
    legacy: Backend, catalog: Backend,
) -> None:  # fmt: skip
    upstreams = {"catalog": catalog.url}
    agent, port, worker = await planes(make_plane, make_proxy, legacy, upstreams)
    states = [DomainCutover("catalog", Lane(Stage.CANARY, 50))]
    await apply_and_wait(agent, {s.domain: s for s in states})
    worker.server.state.replace_all(states)
    sides = []
    for _ in range(20):
        async with (
            aiohttp.ClientSession() as fresh,  # no cookie yet: nginx issues one
            fresh.get(f"http://127.0.0.1:{port}/rest/V1/products/p") as response,
        ):
            side = (await response.json())["backend"]
            cookie = response.headers["Set-Cookie"].split(";")[0]
        again = ("GET", "/rest/V1/products/p", {"Cookie": cookie})
        assert (await outcome(client, worker.port, again))[1] == side
        assert (await outcome(client, port, again))[1:] == (side, False, False)
        sides.append(side)
    assert set(sides) == {"legacy", "catalog"}


async def test_requests_the_python_proxy_refuses_are_refused_by_nginx(
    make_plane: PlaneFactory, make_proxy: ProxyFactory, legacy: Backend,
) -> None:  # fmt: skip
    agent, port, worker = await planes(make_plane, make_proxy, legacy, {})
    for target in (b"/rest/V1/products/../x", b"/rest/V1/%2e%2e/x", b"/a\\b", b"/x%00",
                   b"http://example.com/rest/V1/products"):  # fmt: skip
        statuses = []
        for plane_port in (port, worker.port):
            reader, writer = await asyncio.open_connection("127.0.0.1", plane_port)
            writer.write(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            await writer.drain()
            statuses.append((await reader.readline()).split(b" ")[1])
            writer.close()
        assert statuses == [b"400", b"400"], target
    assert legacy.seen == []
