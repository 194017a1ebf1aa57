"""The CI artifact `.ficus/artifacts/dashboard-domain.png`: the catalog page while shoppers'
reads flow through a real proxy process (`python -m ficus_proxy serve`, reading the cutover
state from control's database and writing shadow_stat to it) in shadow, with a seeded
discrepancy on one product. Control is built by `bootstrap` with that proxy's admin listener and
sync's own HTTP app (a real LagTracker): the page shows the proxy's comparisons per route, the
mismatch chart sampled from shadow_stat, and the audit timeline of the move."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from ficus_control.bootstrap import Control
from ficus_control.settings import ControlSettings
from ficus_devstack.process import wait_until
from tests.integration.control_plane.conftest import Tokens, bearer, built_control
from tests.integration.control_plane.test_plan_walk import Sync, serving
from tests.integration.dashboard.conftest import ARTIFACTS
from tests.integration.proxy.backends import Backend, closed_port
from tests.integration.proxy.cohort import CRYPT_KEY
from tests.integration.proxy.test_shadow import ROUTES  # catalog by sku, `backend` ignored

pytestmark = pytest.mark.integration

SKUS = ["24-MB01", "24-MB02", "24-MB03", "24-MB04", "24-MB05"]


class Backends:
    """Magento and the catalog service as HTTP servers on an event loop of their own (the
    browser's sync API holds the test's thread); the service prices one product differently."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.legacy = self._run(Backend("legacy").start())
        self.catalog = self._run(Backend("catalog", seeded={"24-MB02": 12.0}).start())

    def _run(self, coroutine: object) -> Backend:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(10)  # type: ignore[arg-type]

    def stop(self) -> None:
        for backend in (self.legacy, self.catalog):
            asyncio.run_coroutine_threadsafe(backend.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


class Proxy:
    """`python -m ficus_proxy serve` in front of the backends, wired to control's database."""

    def __init__(self, control_db: str, backends: Backends, routes: Path, log: Path) -> None:
        self.port, self.admin_port = closed_port(), closed_port()
        env = os.environ | {
            "FICUS_PROXY_MAGENTO_CRYPT_KEY": CRYPT_KEY,
            "FICUS_PROXY_ADMIN_PORT": str(self.admin_port),
            "FICUS_PROXY_LEGACY_URL": backends.legacy.url,
            "FICUS_PROXY_UPSTREAMS": f'{{"catalog": "{backends.catalog.url}"}}',
            "FICUS_PROXY_ROUTES_FILE": str(routes),
            "FICUS_PROXY_CONTROL_DB_URL": control_db,
            "FICUS_PROXY_STAT_FLUSH_SECONDS": "1",
        }
        argv = [sys.executable, "-m", "ficus_proxy", "serve", "--port", str(self.port)]
        self.log = log.open("wb")
        self.process = subprocess.Popen(argv, env=env, stdout=self.log, stderr=self.log)

    @property
    def admin_url(self) -> str:
        return f"http://127.0.0.1:{self.admin_port}"

    def ready(self) -> bool:
        try:
            return httpx.get(f"{self.admin_url}/readyz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def shoppers(self, rounds: int) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=5) as client:
            for _ in range(rounds):
                for sku in SKUS:
                    assert client.get(f"/rest/V1/products/{sku}").status_code == 200

    def compared(self) -> int:
        report = httpx.get(f"{self.admin_url}/_ficus/diff?domain=catalog", timeout=2).json()
        return int(report["domains"]["catalog"]["window"]["compared"])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        self.log.close()


@pytest.fixture
def proxy(control_db: str, tmp_path: Path) -> Iterator[Proxy]:
    routes = tmp_path / "routes.yaml"
    routes.write_text(ROUTES)
    backends = Backends()
    started = Proxy(control_db, backends, routes, tmp_path / "proxy.log")
    try:
        assert wait_until(started.ready, 20.0), (tmp_path / "proxy.log").read_text()
        yield started
    finally:
        started.stop()
        backends.stop()


@pytest.fixture
def settings(control_db: str, proxy: Proxy) -> Iterator[ControlSettings]:
    """Overrides the control-plane fixture: this proxy's admin listener, a real sync app."""
    with serving(Sync()) as sync:
        yield ControlSettings(
            db_url=control_db, sync_url=sync.url, proxy_urls=(proxy.admin_url,),
            plan_gates=False,
        )  # fmt: skip


@pytest.fixture
def control(settings: ControlSettings) -> Iterator[Control]:
    """Overrides the control-plane fixture: control exactly as `bootstrap` builds it."""
    yield from built_control(settings)


def test_the_domain_page_under_shopper_traffic_is_saved_as_an_artifact(
    catalog_page: Callable[[str], Page], tokens: Tokens, api_url: str, proxy: Proxy
) -> None:
    body = {"direction": "reads", "stage": "shadow", "reason": "compare under traffic"}
    moved = httpx.post(
        f"{api_url}/api/v1/domains/catalog/cutover", json=body, headers=bearer(tokens.operator)
    )
    assert moved.status_code == 200, moved.text

    def traffic_compared() -> bool:
        proxy.shoppers(rounds=4)
        return proxy.compared() >= 100

    assert wait_until(traffic_compared, 30.0, interval=0.2), "no shadow comparisons"
    page = catalog_page(tokens.viewer)
    table = page.get_by_test_id("shadow-by-route")
    expect(table).to_contain_text("/V1/products/{sku}")
    expect(table).to_contain_text("2xx/2xx")
    expect(page.get_by_test_id("timeline")).to_contain_text("legacy → shadow by token:ops")
    page.wait_for_function(
        "(Chart.getChart('mismatch-chart')?.data.datasets[0].data ?? []).some(v => v > 0)",
        timeout=30_000,
    )  # the sampler read the proxy's flushed shadow_stat: 1 product in 5 differs
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / "dashboard-domain.png"
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 10_000
