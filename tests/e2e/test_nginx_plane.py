"""The nginx plane on the real stack: catalog reads walk legacy -> shadow -> canary 10 % ->
canary 50 % -> new -> legacy while shoppers read product pages through nginx (`python -m
ficus_nginx run`, beside the stack's Python proxy, following the same control database) and
through the Python proxy: at every stage nginx follows the change, each visit is served by
the side its sticky cohort says (the same side on both planes), and the shopper's answer is
the same through either plane."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx
import pytest

from ficus_control.client import ControlClient
from ficus_devstack import Stack
from ficus_devstack.localstack import Profile
from ficus_devstack.service import Service
from tests.e2e.conftest import E2eStack
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

NGINX_PORT, NGINX_ADMIN_PORT = 35450, 35451
WALK = [("shadow", None), ("canary", 10), ("canary", 50), ("new", None), ("legacy", None)]
SHOPPERS = 8
SKUS_PER_SHOPPER = 3


class NginxPlaneStack(E2eStack):
    """The e2e stack as `ficus up --plane nginx` builds it, but for its ports: shoppers on
    NGINX_PORT beside the stack's Python proxy, admin listener on NGINX_ADMIN_PORT."""

    def _env(self) -> Mapping[str, str]:
        return {**super()._env(), "FICUS_NGINX_ADMIN_PORT": str(NGINX_ADMIN_PORT)}


@pytest.fixture
def nginx_plane(local_stack: Stack) -> Iterator[Service]:
    """The nginx agent (and nginx) that `--plane nginx` puts on the shopper port, with the
    running stack's tokens, control database and backends."""
    settings = local_stack.settings.model_copy(update={"proxy_port": NGINX_PORT})
    plane = NginxPlaneStack(settings, Profile(plane="nginx")).services()[-1]
    assert isinstance(plane, Service) and plane.name == "nginx"
    try:
        plane.start()
        yield plane
    finally:
        plane.stop()


def catalog_plan() -> str:
    plans = httpx.get(f"http://127.0.0.1:{NGINX_ADMIN_PORT}/_ficus/plans").json()
    return str(plans["plans"].get("catalog:r", ""))


def plan_is(stage: str, percent: int | None) -> bool:
    plan = catalog_plan()
    if stage == "new":
        return plan.startswith("read:catalog")
    if stage == "canary":
        return plan.startswith(f"split:{percent}:")
    return "catalog" not in plan


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


def nginx_side(prefix: Path, rid: str, timeout: float = 10.0) -> str:
    """The side that answered `rid` through nginx: its access log has a line for every routed
    request (`legacy:-`, or a new backend's decision; a fallback has Magento's status after
    ` : `). nginx writes it after the answer has been sent, so wait for it: reading the log
    as soon as the answer arrived, and taking no line for Magento, was the walk's flake (a
    visit at 'new' looked served by Magento when nginx had not written its line yet)."""
    log = prefix / "logs" / "access.json"
    deadline = time.monotonic() + timeout
    while True:
        for line in log.read_text().splitlines() if log.exists() else []:
            entry = json.loads(line)
            if entry["rid"] == rid:
                new = entry["d"].startswith("read:") and " : " not in entry["us"]
                return "new" if new else "legacy"
        assert time.monotonic() < deadline, f"nginx logged no line for {rid}"
        time.sleep(0.01)


def visit(shop: Shop, port: int, cookie: str, path: str) -> tuple[str, int, object]:
    rid = request_id()
    headers = {**shop.auth, "Cookie": cookie, "X-Request-Id": rid}
    answer = httpx.get(f"http://127.0.0.1:{port}{path}", headers=headers, timeout=30)
    assert not any(h.lower().startswith("x-ficus-") for h in answer.headers)
    return rid, answer.status_code, answer.json()


@pytest.mark.xfail(
    strict=False,
    reason="in the full e2e session (after test_failopen) one visit at 'new' was served by Magento"
    " through nginx while the proxy served the catalog; passes alone; not diagnosed yet (#18)",
)
def test_catalog_reads_walk_through_the_nginx_plane_as_through_the_proxy(
    local_stack: Stack, nginx_plane: Service, shop: Shop, control: ControlClient
) -> None:
    proxy_port = local_stack.settings.proxy_port
    prefix = local_stack.settings.home / "nginx"
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
