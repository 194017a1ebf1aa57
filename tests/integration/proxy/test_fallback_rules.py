"""What the new backend gets, and what counts against it (#12): routing sees the path Magento
sees, a "no such route" 404/405 falls back like a 5xx, and a failure counts toward trip /
breaker / rollback only when Magento answered the same request."""

from __future__ import annotations

import aiohttp
import pytest

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from ficus_proxy.bootstrap import Worker
from tests.integration.proxy.admin import get_traced
from tests.integration.proxy.backends import Backend, ControlApi
from tests.integration.proxy.conftest import ProxyFactory
from tests.polling import eventually

pytestmark = pytest.mark.integration

SPELLINGS = [
    "/rest/V1/products",
    "//rest/V1/products",
    "/rest//V1/products",
    "/rest/V1/products/",
    "/index.php/rest/V1/products",
]


def at_new(worker: Worker) -> None:
    worker.server.state.replace_all([DomainCutover("catalog", Lane(Stage.NEW), Lane(Stage.NEW))])


async def test_every_spelling_magento_normalizes_routes_like_the_plain_path(
    legacy: Backend, catalog: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    proxy = await make_proxy(legacy_url=legacy.url, upstreams={"catalog": catalog.url})
    at_new(proxy)
    for path in SPELLINGS:
        query = f"{path}?searchCriteria[pageSize]=5"
        assert await get_traced(client, proxy.port, proxy.admin_port, query) == (200, "new")
    async with client.post(f"http://127.0.0.1:{proxy.port}//rest/V1/products", data=b"{}") as r:
        assert r.status == 200
    assert [s.raw_path.partition("?")[0] for s in catalog.seen] == [
        *SPELLINGS,
        "//rest/V1/products",
    ]
    assert legacy.seen == []  # the raw bytes went to the system of record, untouched


@pytest.mark.parametrize(
    ("status", "detail"), [(404, "Not Found"), (405, "Method Not Allowed")]
)  # fmt: skip
async def test_a_route_miss_of_the_new_service_falls_back_to_magento(
    status: int,
    detail: str,
    legacy: Backend,
    catalog: Backend,
    make_proxy: ProxyFactory,
    client: aiohttp.ClientSession,
) -> None:
    catalog.status, catalog.forced_body = status, {"detail": detail}
    proxy = await make_proxy(legacy_url=legacy.url, upstreams={"catalog": catalog.url})
    at_new(proxy)
    path = "/rest/V1/products/x"  # a catalog read row
    async with client.get(f"http://127.0.0.1:{proxy.port}{path}") as response:
        assert (response.status, (await response.json())["backend"]) == (200, "legacy")
    assert legacy.paths() == [path]


async def test_a_magento_shaped_404_from_the_new_service_is_a_real_answer(
    legacy: Backend, catalog: Backend, make_proxy: ProxyFactory, client: aiohttp.ClientSession
) -> None:
    message = "The product that was requested doesn't exist. Verify the product and try again."
    catalog.status, catalog.forced_body = 404, {"message": message}
    proxy = await make_proxy(legacy_url=legacy.url, upstreams={"catalog": catalog.url})
    at_new(proxy)
    path = "/rest/V1/products/nope"
    assert await get_traced(client, proxy.port, proxy.admin_port, path) == (404, "new")
    assert legacy.seen == []


async def test_requests_magento_also_refuses_cannot_trip_but_real_failures_still_do(
    legacy: Backend,
    catalog: Backend,
    control_api: ControlApi,
    make_proxy: ProxyFactory,
    client: aiohttp.ClientSession,
) -> None:
    catalog.status = 500  # the new backend breaks on a malformed request...
    legacy.status = 400  # ...which Magento refuses too: the request is at fault
    proxy = await make_proxy(
        legacy_url=legacy.url, upstreams={"catalog": catalog.url}, trip_after_failures=3,
        breaker_failures=5, control_api_url=control_api.url, token=control_api.token,
        budget_min_requests=5,
    )  # fmt: skip
    at_new(proxy)
    malformed = "/rest/V1/products?searchCriteria[filter_groups][0][filters][0][value]=1e999999"
    for _ in range(8):
        assert await get_traced(client, proxy.port, proxy.admin_port, malformed) == (
            400, "legacy"
        )  # fmt: skip
    assert len(catalog.seen) == 8  # neither tripped nor breaker-opened
    assert not proxy.server.state.effective["catalog"].reads_fail_open_tripped
    assert proxy.server.reporter.pending == 0 and control_api.posts == []

    legacy.status = None  # now Magento answers what the new backend fails: that counts
    for _ in range(3):
        assert await get_traced(client, proxy.port, proxy.admin_port, "/rest/V1/products/a") == (
            200, "legacy"
        )  # fmt: skip
    assert proxy.server.state.effective["catalog"].reads_fail_open_tripped
    assert await eventually(lambda: [a for _, a, _ in control_api.posts] == ["trip"], timeout=5)
