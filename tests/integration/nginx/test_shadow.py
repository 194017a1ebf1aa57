"""Shadow reads through the nginx plane: nginx answers the shopper from Magento and, once the
answer is sent, hands the request and Magento's answer to a Python proxy worker (its admin
listener, `POST /_ficus/shadow`), which sends the copy to the new backend and compares with the
proxy's own rules: the same report (`/_ficus/diff`: a seeded discrepancy, ignore rules, noise
learned) as when the Python proxy serves the shopper (tests/integration/proxy/test_shadow.py)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from ficus_proxy.bootstrap import Worker
from tests.integration.nginx.conftest import PlaneFactory
from tests.integration.proxy.backends import Backend
from tests.integration.proxy.conftest import ProxyFactory
from tests.integration.proxy.test_shadow import ROUTES
from tests.polling import eventually

pytestmark = pytest.mark.integration

SHADOW = {"catalog": DomainCutover("catalog", Lane(Stage.SHADOW))}


async def diff(client: aiohttp.ClientSession, worker: Worker) -> dict[str, Any]:
    async with client.get(f"http://127.0.0.1:{worker.admin_port}/_ficus/diff?domain=catalog") as r:
        report: dict[str, Any] = await r.json()
        return report


async def test_nginx_hands_shadow_copies_to_the_proxys_comparison(
    legacy: Backend,
    catalog: Backend,
    make_proxy: ProxyFactory,
    make_plane: PlaneFactory,
    client: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    routes = tmp_path / "routes.yaml"
    routes.write_text(ROUTES)
    legacy.nondeterministic = catalog.nondeterministic = True
    catalog.seeded = {"SEEDED": 99.0}
    catalog.delay = 0.5  # the new backend is slow: the shopper must not wait for it
    comparer = await make_proxy(
        legacy_url=legacy.url, upstreams={"catalog": catalog.url}, routes_file=routes,
        noise_sample_rate=1.0, new_timeout=3,
    )  # fmt: skip
    shadow_url = f"http://127.0.0.1:{comparer.admin_port}"
    _, plane = await make_plane(legacy.url, {"catalog": catalog.url}, SHADOW, shadow_url=shadow_url)
    for warm_up in range(1, 4):  # noise is learned on repeated evidence: 3 pairs of answers
        url = f"http://127.0.0.1:{plane.port}/rest/V1/products/W"
        async with client.get(url, headers={"X-Request-Id": "shadow-W"}) as r:
            assert r.status == 200

        async def compared(n: int = warm_up) -> bool:
            return (await diff(client, comparer))["domains"]["catalog"]["compared"] == n

        assert await eventually(compared, timeout=10, interval=0.05)
    skus = ["A", "B", "SEEDED", "C", "chunked"]  # "chunked": no Content-Length
    for sku in skus:
        started = time.perf_counter()
        url = f"http://127.0.0.1:{plane.port}/rest/V1/products/{sku}"
        async with client.get(url, headers={"X-Request-Id": f"shadow-{sku}"}) as r:
            assert r.status == 200
            assert (await r.json())["backend"] == "legacy"
        assert time.perf_counter() - started < 0.4  # not delayed by the 0.5 s shadow
    async with client.post(f"http://127.0.0.1:{plane.port}/rest/V1/products", data=b"{}") as r:
        assert r.status == 200

    async def compared_all() -> bool:
        return (await diff(client, comparer))["domains"]["catalog"]["compared"] == len(skus) + 3

    assert await eventually(compared_all, timeout=10, interval=0.05)
    report = await diff(client, comparer)
    stats = report["domains"]["catalog"]
    assert stats["mismatched"] == 2 + 1  # the nonce differed twice before it was learned
    sample = stats["samples"][-1]
    assert sample["path"] == "/rest/V1/products/SEEDED"
    assert sample["differences"] == [{"path": "$.price", "legacy": 10, "new": 99}]
    assert report["noise"]["/V1/products/{sku}"] == ["$.nonce"]
    assert all(s.method == "GET" for s in catalog.seen)  # writes are never shadowed
    copies = {v for s in catalog.seen for k, v in s.headers if k.lower() == "x-request-id"}
    assert copies == {f"shadow-{sku}" for sku in [*skus, "W"]}  # the shopper's request


async def test_without_a_comparer_shadow_reads_are_magentos_only(
    legacy: Backend, catalog: Backend, make_plane: PlaneFactory, client: aiohttp.ClientSession
) -> None:
    _, plane = await make_plane(legacy.url, {"catalog": catalog.url}, SHADOW)
    async with client.get(f"http://127.0.0.1:{plane.port}/rest/V1/products/A") as r:
        assert (await r.json())["backend"] == "legacy"
    assert catalog.seen == []


async def test_the_comparer_refuses_what_is_not_a_routed_read(
    legacy: Backend, catalog: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    comparer = await make_proxy(legacy_url=legacy.url, upstreams={"catalog": catalog.url})
    url = f"http://127.0.0.1:{comparer.admin_port}/_ficus/shadow"
    copy = {"method": "GET", "path": "/rest/V1/products/A", "headers": [], "peer": "127.0.0.1",
            "scheme": "http", "rid": "r", "legacy_status": 200, "legacy_body": "e30="}  # fmt: skip
    for body in [b"not json", b"{}", b'{"legacy_body": "!"}']:
        async with client.post(url, data=body) as answer:
            assert answer.status == 400
    for wrong in [{"method": "PUT"}, {"path": "/rest/V1/orders/1"}, {"legacy_body": "%%%"}]:
        async with client.post(url, json=copy | wrong) as answer:
            assert answer.status == 400, wrong
    async with client.get(url) as answer:
        assert answer.status == 405
    async with client.post(url, json=copy) as answer:
        assert answer.status == 202
    assert await eventually(lambda: len(catalog.seen) == 1, timeout=10)  # the one it took
    assert (catalog.seen[0].method, catalog.seen[0].raw_path) == ("GET", "/rest/V1/products/A")
