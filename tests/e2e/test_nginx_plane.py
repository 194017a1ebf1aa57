"""The nginx plane on the real stack: catalog reads walk legacy -> shadow -> canary 10 % ->
canary 50 % -> new -> legacy while shoppers read product pages through nginx (`python -m
ficus_nginx run`, beside the stack's Python proxy, following the same control database) and
through the Python proxy: at every stage nginx follows the change, each visit is served by
the side its sticky cohort says (the same side on both planes), and the shopper's answer is
the same through either plane."""

from __future__ import annotations

import time

import httpx
import pytest

from ficus_control.client import ControlClient
from ficus_devstack import Stack
from tests.e2e.planes import NGINX_PORT, Plane, nginx_plane, nginx_side, plan_is  # noqa: F401
from tests.e2e.shop import (
    Shop,
    Visit,
    admin_url,
    answered_by_sync,
    cohort_cookie,
    move_reads,
    predicted_backend,
    request_id,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("catalog_reads_at_legacy")]

WALK = [("shadow", None), ("canary", 10), ("canary", 50), ("new", None), ("legacy", None)]
SHOPPERS = 8
SKUS_PER_SHOPPER = 3


def wait_for_plan(stage: str, percent: int | None, timeout: float = 5.0) -> None:
    """Until nginx's shared dict holds the catalog's plan for `stage` (asserted in time)."""
    deadline = time.monotonic() + timeout
    while not plan_is(stage, percent):
        assert time.monotonic() < deadline, f"nginx never followed {stage} {percent}"
        time.sleep(0.01)


def wait_for_proxy(port: int, version: int, timeout: float = 5.0) -> None:
    """Until the Python proxy routes by the catalog's state `version`."""
    deadline = time.monotonic() + timeout
    while True:
        ready = httpx.get(f"{admin_url(port)}/readyz").json()
        if ready.get("cutover", {}).get("catalog", {}).get("version") == version:
            return
        assert time.monotonic() < deadline, f"the proxy never saw v{version}"
        time.sleep(0.01)


def visit(shop: Shop, port: int, cookie: str, path: str) -> tuple[str, int, object]:
    rid = request_id()
    headers = {**shop.auth, "Cookie": cookie, "X-Request-Id": rid}
    answer = httpx.get(f"http://127.0.0.1:{port}{path}", headers=headers, timeout=30)
    assert not any(h.lower().startswith("x-ficus-") for h in answer.headers)
    return rid, answer.status_code, answer.json()


def test_catalog_reads_walk_through_the_nginx_plane_as_through_the_proxy(
    local_stack: Stack,
    nginx_plane: Plane,  # noqa: F811
    shop: Shop,
    control: ControlClient,
) -> None:
    proxy_port = local_stack.settings.proxy_port
    assert nginx_plane.prefix is not None
    prefix = nginx_plane.prefix
    sides: dict[str, dict[str, int]] = {}
    for stage, percent in WALK:
        version = move_reads(control, stage, percent)
        wait_for_plan(stage, percent)
        wait_for_proxy(proxy_port, version)
        seen: dict[str, int] = {}
        for i in range(SHOPPERS):
            cookie = cohort_cookie(f"nginx-e2e-{i}")
            for n in range(SKUS_PER_SHOPPER):
                path = f"/rest/default/V1/products/{shop.skus[(i * 7 + n) % 100]}"
                proxy_rid, proxy_status, proxy_body = visit(shop, proxy_port, cookie, path)
                nginx_rid, nginx_status, nginx_body = visit(shop, NGINX_PORT, cookie, path)
                assert (nginx_status, nginx_body) == (proxy_status, proxy_body), path
                assert nginx_status == 200
                expected = predicted_backend(
                    Visit(0, NGINX_PORT, path, cookie, 200, ""), shop.token, stage, percent or 0
                )
                assert answered_by_sync(proxy_port, proxy_rid) == expected, (stage, path)
                side = nginx_side(prefix, nginx_rid)
                assert side == expected, (stage, percent, path)
                seen[side] = seen.get(side, 0) + 1
        sides[f"{stage} {percent or ''}".strip()] = seen
    print(sides)  # noqa: T201
    assert set(sides["new"]) == {"new"} and set(sides["legacy"]) == {"legacy"}
    assert set(sides["canary 50"]) == {"new", "legacy"}
