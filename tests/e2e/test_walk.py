"""Under continuous shopper load through the data plane (two Python proxy processes, or the
nginx plane), catalog reads walk legacy -> shadow -> canary 10 % -> canary 50 % -> new ->
rollback on the real stack: every shopper port follows each change in under a second, every
visit is served by the backend its sticky cohort says, and no request fails."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import aiohttp
import pytest

from ficus_control.client import ControlClient
from tests.e2e.planes import Plane, nginx_plane, plane  # noqa: F401  (fixtures)
from tests.e2e.shop import Shop, Shoppers, move_reads, predicted_backend, split

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("catalog_reads_at_legacy")]

WALK = [("shadow", None), ("canary", 10), ("canary", 50), ("new", None), ("legacy", None)]


async def test_walk_every_stage_without_a_failed_request(
    plane: Plane,  # noqa: F811
    shop: Shop,
    control: ControlClient,
    session: aiohttp.ClientSession,
    request: pytest.FixtureRequest,
) -> None:
    if plane.name == "proxy":  # two proxy processes: both follow each change
        second = request.getfixturevalue("second_proxy")
        plane = replace(plane, ports=[*plane.ports, second.port])
    ports = plane.ports
    shoppers = Shoppers(session, shop, ports, answered=plane.answered_by)
    load = asyncio.create_task(shoppers.run())
    report: dict[str, tuple[float, dict[str, int]]] = {}
    try:
        await shoppers.wait_for(time.monotonic(), 40)
        for stage, percent in WALK:
            version = await asyncio.to_thread(move_reads, control, stage, percent)
            propagation = await plane.followed(session, version, stage, percent)
            visits = await shoppers.wait_for(time.monotonic(), 80)
            wrong = [
                v
                for v in visits
                if v.backend != predicted_backend(v, shop.token, stage, percent or 0)
            ]
            report[f"{stage} {percent or ''}".strip()] = (propagation, split(visits))
            assert wrong == [], f"{stage} {percent}: {wrong[:3]}"
            assert propagation < 1.0, f"{stage}: {plane.name} followed after {propagation:.3f} s"
    finally:
        shoppers.stop.set()
        await load
    print({step: (f"{p * 1000:.0f} ms", s) for step, (p, s) in report.items()})  # noqa: T201
    assert shoppers.failures() == []
    assert len(shoppers.visits) >= 400
    assert set(report["new"][1]) == {"new"} and set(report["legacy"][1]) == {"legacy"}
    assert {v.port for v in shoppers.visits} == set(ports)
