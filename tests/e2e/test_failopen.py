"""The catalog service is killed (SIGKILL) while catalog reads are in canary: shoppers whose
cohort is on the catalog service are served by Magento (fail-open fallback), none sees an error,
on either data plane; `up()` brings the service back."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from ficus_control.client import ControlClient
from ficus_devstack import ProcessState, Stack
from ficus_devstack.process import wait_until
from tests.e2e.planes import Plane, nginx_plane, plane  # noqa: F401  (fixtures)
from tests.e2e.shop import Shop, Shoppers, move_reads

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("catalog_reads_at_legacy")]

# shoppers carry distinct cohort cookies, so canary 50 % sends about half of them to catalog
CANARY = 50


async def test_killing_the_catalog_service_during_canary_fails_open_without_errors(
    local_stack: Stack,
    plane: Plane,  # noqa: F811
    shop: Shop,
    control: ControlClient,
    session: aiohttp.ClientSession,
) -> None:
    catalog = local_stack["catalog"]
    await plane.followed(session, move_reads(control, "canary", CANARY), "canary", CANARY)
    shoppers = Shoppers(session, shop, plane.ports, answered=plane.answered_by)
    load = asyncio.create_task(shoppers.run())
    try:
        served_new = await shoppers.wait_for(time.monotonic(), 40)
        assert any(v.backend == "new" for v in served_new), "the canary serves nobody new"
        before = await plane.fallbacks(session)
        catalog.process.kill()  # type: ignore[attr-defined]
        killed = time.monotonic()
        assert wait_until(lambda: catalog.process.state() is not ProcessState.RUNNING, 5)  # type: ignore[attr-defined]
        after_kill = await shoppers.wait_for(killed + 0.1, 150)
        after = await plane.fallbacks(session)
    finally:
        shoppers.stop.set()
        await load
    assert shoppers.failures() == []
    assert {v.backend for v in after_kill} == {"legacy"}
    assert after - before >= 1, "no read was replayed to Magento"
    state = control.get("/domains/catalog")
    print("after the kill:", state["reads"]["label"], "tripped:", state["reads_fail_open_tripped"])  # noqa: T201

    local_stack.up()
    assert catalog.health().ok
