"""A read the new backend has no route for (FastAPI's `{"detail": "Not Found"}`) falls back to
Magento like a 5xx and counts against the backend; the service's own 404 (a Magento-shaped
`{"message": ...}`) is the shopper's answer, as through the Python proxy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from ficus_nginx.core.accesslog import ACCESS_LOG, Outcome, parse
from ficus_nginx.logtail import LogTail
from tests.integration.nginx.conftest import PlaneFactory, wait_until
from tests.integration.proxy.backends import Backend

pytestmark = pytest.mark.integration

PRODUCT = "/rest/V1/products/nope"
NO_SUCH_PRODUCT = {"message": "The product that was requested doesn't exist. Verify the product"
                   " and try again."}  # fmt: skip


async def read_and_log(
    make_plane: PlaneFactory, legacy: Backend, catalog: Backend, method: str = "GET"
) -> tuple[int, Any, Outcome]:
    state = {"catalog": DomainCutover("catalog", Lane(Stage.NEW))}
    _, plane = await make_plane(legacy.url, {"catalog": catalog.url}, state)
    tail = LogTail(Path(plane.prefix) / ACCESS_LOG)
    tail.skip_existing()
    async with (
        aiohttp.ClientSession() as shopper,
        shopper.request(method, f"http://127.0.0.1:{plane.port}{PRODUCT}") as answer,
    ):
        status, body = answer.status, await answer.read()
    lines: list[str] = []

    async def logged() -> bool:
        lines.extend(tail.read())
        return bool(lines)

    await wait_until(logged)
    outcome = parse(lines[0])
    assert outcome is not None and len(lines) == 1
    return status, body, outcome


@pytest.mark.parametrize(("status", "detail"), [(404, "Not Found"), (405, "Method Not Allowed")])
async def test_no_such_route_falls_back_to_magento_and_counts(
    make_plane: PlaneFactory, legacy: Backend, catalog: Backend, status: int, detail: str
) -> None:
    catalog.status, catalog.forced_body = status, {"detail": detail}
    shopper_status, body, outcome = await read_and_log(make_plane, legacy, catalog)
    assert (shopper_status, b'"backend": "legacy"' in body) == (200, True)
    assert (outcome.verdict, outcome.reason, outcome.fell_back) == ("failed", "route_miss", True)


async def test_the_services_own_404_is_the_shoppers_answer(
    make_plane: PlaneFactory, legacy: Backend, catalog: Backend
) -> None:
    catalog.status, catalog.forced_body = 404, NO_SUCH_PRODUCT
    status, body, outcome = await read_and_log(make_plane, legacy, catalog)
    assert status == 404
    assert body == b'{"message": "The product that was requested doesn\'t exist. Verify the' \
        b' product and try again."}'  # fmt: skip
    assert legacy.seen == []
    assert outcome.verdict == "ok"


async def test_a_detail_with_more_keys_is_not_a_route_miss(
    make_plane: PlaneFactory, legacy: Backend, catalog: Backend
) -> None:
    catalog.status, catalog.forced_body = 404, {"detail": "Not Found", "sku": "nope"}
    status, _, outcome = await read_and_log(make_plane, legacy, catalog)
    assert (status, outcome.verdict) == (404, "ok")
    assert legacy.seen == []
