"""Shadow: Magento answers, a copy goes to the new backend afterwards, and the two answers are
compared; a seeded discrepancy is reported, a nondeterministic field is learned (on repeated
evidence) and ignored, and a flood of reads both sides refuse alike cannot dilute the gate."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import pytest

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from ficus_proxy.bootstrap import Worker
from tests.integration.proxy.backends import Backend
from tests.integration.proxy.conftest import ProxyFactory, set_cutover
from tests.polling import eventually

pytestmark = pytest.mark.integration

# `backend` names the answering server: a per-route ignore rule; `nonce` is learned as noise.
ROUTES = """
routes:
  - domain: catalog
    access: read
    methods: [GET]
    paths: ["/V1/products/{sku}"]
    shadow_ignore: ["$.backend"]
  - domain: catalog
    access: write
    methods: [POST]
    paths: [/V1/products]
"""


async def diff(client: aiohttp.ClientSession, worker: Worker) -> dict[str, Any]:
    async with client.get(f"http://127.0.0.1:{worker.admin_port}/_ficus/diff?domain=catalog") as r:
        report: dict[str, Any] = await r.json()
        return report


async def shadow_on(control_db: str, proxy: Worker) -> None:
    """Catalog reads in shadow, as `proxy` sees them."""
    version = set_cutover(control_db, DomainCutover("catalog", Lane(Stage.SHADOW)))

    def seen() -> bool:
        state = proxy.server.state.get("catalog")
        return state is not None and state.version >= version

    assert await eventually(seen, 5)


async def flushed(proxy: Worker, control_db: str) -> tuple[int, int] | None:
    """What the proxy has flushed to shadow_stat for catalog: (compared, mismatched)."""
    assert await proxy.stats.flush()  # type: ignore[union-attr]
    with psycopg.connect(control_db) as conn:
        row = conn.execute(
            "SELECT sum(compared), sum(mismatched) FROM shadow_stat WHERE domain = 'catalog'"
        ).fetchone()
    return None if row is None else (int(row[0]), int(row[1]))


@pytest.fixture
def routes(tmp_path: Path) -> Path:
    path = tmp_path / "routes.yaml"
    path.write_text(ROUTES)
    return path


async def test_shadow_reports_seeded_discrepancy_and_ignores_noise(
    control_db: str,
    legacy: Backend,
    catalog: Backend,
    make_proxy: ProxyFactory,
    client: aiohttp.ClientSession,
    routes: Path,
) -> None:
    legacy.nondeterministic = True  # `nonce` differs between any two Magento answers
    catalog.nondeterministic = True
    catalog.seeded = {"SEEDED": 99.0}
    catalog.delay = 0.5  # the new backend is slow: the shopper must not wait for it
    proxy = await make_proxy(
        legacy_url=legacy.url, upstreams={"catalog": catalog.url},
        routes_file=routes, noise_sample_rate=1.0, new_timeout=3, control_db_url=control_db,
        stat_flush_seconds=3600,
    )  # fmt: skip
    await shadow_on(control_db, proxy)
    for warm_up in range(1, 4):  # `nonce` is learned on its third pair of Magento answers
        async with client.get(f"http://127.0.0.1:{proxy.port}/rest/V1/products/W") as r:
            assert r.status == 200

        async def compared(n: int = warm_up) -> bool:
            return (await diff(client, proxy))["domains"]["catalog"]["compared"] == n

        assert await eventually(compared, timeout=10, interval=0.05)
    learned = (await diff(client, proxy))["domains"]["catalog"]
    assert learned["mismatched"] == 2  # the nonce differed until it was learned
    skus = ["A", "B", "SEEDED", "C", "chunked"]  # "chunked": no Content-Length
    for sku in skus:
        started = time.perf_counter()
        async with client.get(f"http://127.0.0.1:{proxy.port}/rest/V1/products/{sku}") as r:
            assert r.status == 200
            assert (await r.json())["backend"] == "legacy"
        assert time.perf_counter() - started < 0.4  # not delayed by the 0.5 s shadow
    async with client.post(f"http://127.0.0.1:{proxy.port}/rest/V1/products", data=b"{}") as r:
        assert r.status == 200

    async def compared_all() -> bool:
        return (await diff(client, proxy))["domains"]["catalog"]["compared"] == len(skus) + 3

    assert await eventually(compared_all, timeout=10, interval=0.05)
    report = await diff(client, proxy)
    stats = report["domains"]["catalog"]
    assert stats["mismatched"] == 2 + 1
    assert stats["window"]["mismatch_rate"] == 3 / 8
    sample = stats["samples"][-1]
    assert sample["path"] == "/rest/V1/products/SEEDED"
    assert sample["differences"] == [{"path": "$.price", "legacy": 10, "new": 99}]
    assert report["noise"]["/V1/products/{sku}"] == ["$.nonce"]
    [rule] = report["noise_rules"]["/V1/products/{sku}"]
    assert (rule["path"], rule["learned"], rule["evidence"]) == ("$.nonce", True, 8)
    assert all(s.method == "GET" for s in catalog.seen)  # writes are never shadowed

    row = await flushed(proxy, control_db)
    assert row == (8, 3)


async def test_a_flood_of_reads_both_sides_refuse_cannot_dilute_the_gate(
    control_db: str,
    legacy: Backend,
    catalog: Backend,
    make_proxy: ProxyFactory,
    client: aiohttp.ClientSession,
    routes: Path,
) -> None:
    catalog.seeded = {"SEEDED": 99.0}
    proxy = await make_proxy(
        legacy_url=legacy.url, upstreams={"catalog": catalog.url}, routes_file=routes,
        noise_sample_rate=0.0, control_db_url=control_db, stat_flush_seconds=3600,
    )  # fmt: skip
    await shadow_on(control_db, proxy)
    for sku in ["A", "B", "C", "SEEDED"]:
        async with client.get(f"http://127.0.0.1:{proxy.port}/rest/V1/products/{sku}") as r:
            assert r.status == 200

    async def real_reads_compared() -> bool:
        return (await diff(client, proxy))["domains"]["catalog"]["compared"] == 4

    assert await eventually(real_reads_compared, timeout=10, interval=0.05)
    # GET /rest/V1/products/nope, scaled down from 100k: Magento and the service both say 404
    missing = {"message": "The product that was requested doesn't exist. Verify the product"}
    for backend in (legacy, catalog):
        backend.status, backend.forced_body = 404, missing
    for _ in range(300):
        async with client.get(f"http://127.0.0.1:{proxy.port}/rest/V1/products/nope") as r:
            assert r.status == 404

    async def settled() -> bool:
        report = await diff(client, proxy)
        return bool(report["pending"] == 0 and report["domains"]["catalog"]["compared"] == 304)

    assert await eventually(settled, timeout=20, interval=0.05)
    stats = (await diff(client, proxy))["domains"]["catalog"]
    assert stats["window"] == {"compared": 4, "mismatched": 1, "mismatch_rate": 0.25}
    assert stats["by_route"]["/V1/products/{sku}"] == {
        "2xx/2xx": {"compared": 4, "mismatched": 1},
        "4xx/4xx": {"compared": 300, "mismatched": 0},
    }
    row = await flushed(proxy, control_db)
    assert row == (4, 1)  # what control's gate reads: the 404s are not in it


async def test_a_burst_beyond_the_workers_waits_in_the_queue_and_an_overflow_is_counted(
    control_db: str,
    legacy: Backend,
    catalog: Backend,
    make_proxy: ProxyFactory,
    client: aiohttp.ClientSession,
    routes: Path,
) -> None:
    catalog.delay = 0.2  # 2 workers at 0.2 s each: 30 reads take 3 s to compare
    proxy = await make_proxy(
        legacy_url=legacy.url, upstreams={"catalog": catalog.url}, routes_file=routes,
        noise_sample_rate=0.0, shadow_max_in_flight=2, shadow_max_queued_bytes=20_000,
        control_db_url=control_db, stat_flush_seconds=3600,
    )  # fmt: skip
    await shadow_on(control_db, proxy)
    for i in range(30):
        async with client.get(f"http://127.0.0.1:{proxy.port}/rest/V1/products/B{i}") as r:
            assert r.status == 200
    queued = (await diff(client, proxy))["pending"]
    assert queued > 2  # more than the workers: the rest wait instead of being dropped

    async def settled() -> bool:
        report = await diff(client, proxy)
        stats = report["domains"]["catalog"]
        return bool(report["pending"] == 0 and stats["compared"] + stats["skipped"] == 30)

    assert await eventually(settled, timeout=20, interval=0.05)
    stats = (await diff(client, proxy))["domains"]["catalog"]
    assert stats["mismatched"] == 0 and stats["failed"] == 0
    # each copy holds ~100 bytes of Magento's answer: 20 000 bytes queue all 30
    assert (stats["compared"], stats["skipped"]) == (30, 0)

    catalog.delay = 2.0  # a stuck new backend: the queue fills and further copies are skipped
    tiny = await make_proxy(
        legacy_url=legacy.url, upstreams={"catalog": catalog.url}, routes_file=routes,
        noise_sample_rate=0.0, shadow_max_in_flight=1, shadow_max_queued_bytes=400,
        control_db_url=control_db, stat_flush_seconds=3600, new_timeout=3,
    )  # fmt: skip
    await shadow_on(control_db, tiny)
    for i in range(10):
        async with client.get(f"http://127.0.0.1:{tiny.port}/rest/V1/products/C{i}") as r:
            assert r.status == 200
    stats = (await diff(client, tiny))["domains"]["catalog"]
    assert stats["skipped"] >= 5, stats
