"""Under continuous shopper load through two proxy processes, catalog reads walk every stage
(legacy -> shadow -> canary 10 % -> canary 50 % -> new -> rollback) and the catalog service is
killed during a canary: no shopper request fails."""

from __future__ import annotations

import asyncio
import collections
import json
import subprocess
from typing import Any

import aiohttp
import pytest

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from tests.integration.proxy.backends import Backend
from tests.integration.proxy.cohort import cohort_cookie
from tests.integration.proxy.conftest import set_cutover
from tests.integration.proxy.procs import spawn, version_seen
from tests.polling import eventually

pytestmark = pytest.mark.integration

_BACKEND = {"legacy": "legacy", "catalog": "new"}  # who answered, from the test backends' body
WALK = [
    ("legacy", Lane(Stage.LEGACY)),
    ("shadow", Lane(Stage.SHADOW)),
    ("canary 10", Lane(Stage.CANARY, 10)),
    ("canary 50", Lane(Stage.CANARY, 50)),
    ("new", Lane(Stage.NEW)),
    ("rollback", Lane(Stage.LEGACY)),
    ("canary 50 again", Lane(Stage.CANARY, 50)),
]


class Shoppers:
    """Shoppers with sticky cookies, each request through one of the proxies in turn."""

    def __init__(self, client: aiohttp.ClientSession, ports: list[int], count: int = 8) -> None:
        self.client, self.ports, self.count = client, ports, count
        self.failures: list[str] = []
        self.served: collections.Counter[str] = collections.Counter()
        self.stop = asyncio.Event()

    async def run(self) -> None:
        await asyncio.gather(*(self._shopper(i) for i in range(self.count)))

    async def _shopper(self, i: int) -> None:
        n = 0
        while not self.stop.is_set():
            port = self.ports[n % len(self.ports)]
            n += 1
            url = f"http://127.0.0.1:{port}/rest/default/V1/products/SKU-{n % 5}"
            try:
                async with self.client.get(url, headers={"Cookie": cohort_cookie(f"s{i}")}) as r:
                    if r.status != 200:
                        self.failures.append(f"{r.status} from {port}")
                    answer = await r.json() if r.status == 200 else {}
                    self.served[_BACKEND.get(answer.get("backend"), "?")] += 1
            except aiohttp.ClientError as exc:
                self.failures.append(repr(exc))


async def test_walk_every_stage_and_kill_the_service_without_a_failed_request(
    control_db: str,
    legacy: Backend,
    catalog: Backend,
    proxy_processes: list[tuple[subprocess.Popen[bytes], int]],
    client: aiohttp.ClientSession,
    tmp_path: Any,
) -> None:
    env = {
        "FICUS_PROXY_LEGACY_URL": legacy.url,
        "FICUS_PROXY_UPSTREAMS": json.dumps({"catalog": catalog.url}),
        "FICUS_PROXY_CONTROL_DB_URL": control_db,
    }
    with open(tmp_path / "proxies.log", "wb") as log:
        proxy_processes.extend(spawn(env, log) for _ in range(2))
    ports = [port for _, port in proxy_processes]
    shoppers = Shoppers(client, ports)
    load = None
    split: dict[str, collections.Counter[str]] = {}
    try:
        for name, lane in WALK:
            if name == "canary 50 again":
                await catalog.stop()  # the catalog service dies during a canary
            version = set_cutover(control_db, DomainCutover("catalog", lane))

            async def both_at(v: int = version) -> bool:
                return all([await version_seen(client, p) == v for p in ports])

            assert await eventually(both_at, timeout=20 if load is None else 1, interval=0.01)
            if load is None:
                load = asyncio.create_task(shoppers.run())
            settled = sum(shoppers.served.values()) + 2 * shoppers.count  # drain in-flight
            await eventually(lambda s=settled: sum(shoppers.served.values()) >= s, 10)
            before = shoppers.served.copy()
            await eventually(lambda b=before: sum((shoppers.served - b).values()) >= 150, 10)
            split[name] = shoppers.served - before
    finally:
        shoppers.stop.set()
        if load is not None:
            await load
    print({name: dict(c) for name, c in split.items()})  # noqa: T201
    assert shoppers.failures == []
    assert set(split["legacy"]) == {"legacy"} and set(split["shadow"]) == {"legacy"}
    assert set(split["canary 50"]) == {"legacy", "new"}
    assert set(split["new"]) == {"new"}
    assert set(split["rollback"]) == {"legacy"}
    assert set(split["canary 50 again"]) == {"legacy"}  # fallback, then tripped: Magento serves
