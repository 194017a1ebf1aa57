"""The data planes the e2e tests run against, parametrized (`plane` fixture): the stack's Python
proxy (and, for the walk, a second proxy process), or the nginx plane as `ficus up --plane
nginx` builds it (the nginx agent, nginx its child, and the Python proxy worker comparing its
shadow copies), on its own shopper port beside the stack's proxy, following the same control
database and backends. Each plane is probed the way an operator can: which side answered a
request (the proxy's admin trace; nginx's access log, by request id), when a cutover change is
in force (the proxy's /readyz; nginx's live plans), the fallbacks (the proxy's metrics;
nginx's log), the shadow report (`/_ficus/diff` on either admin listener)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest

from ficus_devstack import Stack
from ficus_devstack.localstack import Profile
from ficus_devstack.service import Service
from ficus_devstack.wiring import proxy_admin_port
from tests.e2e.conftest import E2eStack
from tests.e2e.shop import answered_by, fallbacks, followed
from tests.polling import eventually

# below the ephemeral range (an outgoing connection took 35552, the comparer's admin port, in
# one run), among the e2e stack's ports; its admin listener and the comparer's at + 100, + 2
NGINX_PORT = 31010
NGINX_ADMIN_PORT = proxy_admin_port(NGINX_PORT)  # where `--plane nginx` puts it, as the proxy's


def nginx_side(prefix: Path, rid: str, timeout: float = 10.0) -> str:
    """The side that answered `rid` through nginx: its access log has a line for every routed
    request (`legacy:-`, or a new backend's decision; a fallback has Magento's status after
    ` : `). nginx writes it after the answer has been sent, so wait for it: reading the log
    as soon as the answer arrived, and taking no line for Magento, was the walk's flake (a
    visit at 'new' looked served by Magento when nginx had not written its line yet)."""
    log = prefix / "logs" / "access.json"
    deadline = time.monotonic() + timeout
    while True:
        for entry in _entries(log):
            if entry["rid"] == rid:
                new = entry["d"].startswith("read:") and " : " not in entry["us"]
                return "new" if new else "legacy"
        assert time.monotonic() < deadline, f"nginx logged no line for {rid}"
        time.sleep(0.01)


def _entries(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def catalog_plan() -> str:
    plans = httpx.get(f"http://127.0.0.1:{NGINX_ADMIN_PORT}/_ficus/plans").json()
    return str(plans["plans"].get("catalog:r", ""))


def plan_is(stage: str, percent: int | None) -> bool:
    """nginx's live plan of catalog reads is the one of `stage` (shadow: handed to the
    comparer; legacy: none)."""
    plan = catalog_plan()
    if stage == "new":
        return plan.startswith("read:catalog")
    if stage == "canary":
        return plan.startswith(f"split:{percent}:")
    if stage == "shadow":
        return plan == "shadow:catalog"
    return "catalog" not in plan


@dataclass
class Plane:
    """One data plane under test: its shopper ports and its probes."""

    name: str
    ports: list[int]
    prefix: Path | None = None  # nginx's runtime directory (its access log)
    started: list[Service] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.ports[0]

    async def answered_by(self, client: aiohttp.ClientSession, port: int, rid: str) -> str:
        """`legacy` or `new`: which side answered request `rid` on `port`."""
        if self.prefix is None:
            return await answered_by(client, port, rid)
        return nginx_side(self.prefix, rid)

    async def followed(
        self, client: aiohttp.ClientSession, version: int, stage: str, percent: int | None = None
    ) -> float:
        """Seconds until every port of the plane routes by the new state (asserted < 5 s)."""
        if self.prefix is None:
            return await followed(client, self.ports, version)
        started = time.monotonic()
        assert await eventually(lambda: plan_is(stage, percent), 5, interval=0.005), stage
        return time.monotonic() - started

    async def fallbacks(self, client: aiohttp.ClientSession) -> float:
        """Catalog reads the new backend failed and Magento answered, so far."""
        if self.prefix is None:
            return await fallbacks(client, self.port)
        log = self.prefix / "logs" / "access.json"
        return float(sum(1 for e in _entries(log) if e["d"] == "read:catalog" and " : " in e["us"]))


def nginx_plane_services(local_stack: Stack) -> list[Service]:
    """The comparer and the nginx agent `--plane nginx` runs, on NGINX_PORT."""
    settings = local_stack.settings.model_copy(update={"proxy_port": NGINX_PORT})
    comparer, nginx = E2eStack(settings, Profile(plane="nginx")).services()[-2:]
    assert isinstance(comparer, Service) and isinstance(nginx, Service)
    assert (comparer.name, nginx.name) == ("comparer", "nginx")
    return [comparer, nginx]


@pytest.fixture
def nginx_plane(local_stack: Stack) -> Iterator[Plane]:
    """The nginx plane beside the stack's Python proxy, with the running stack's tokens,
    control database and backends; stopped after the test."""
    plane = Plane("nginx", [NGINX_PORT], local_stack.settings.home / "nginx")
    try:
        for service in nginx_plane_services(local_stack):
            plane.started.append(service)
            service.start()
        yield plane
    finally:
        for service in reversed(plane.started):
            service.stop()


@pytest.fixture(params=["proxy", "nginx"])
def plane(request: pytest.FixtureRequest, local_stack: Stack) -> Iterator[Plane]:
    """Each test that takes `plane` runs on the Python proxy, then on the nginx plane."""
    if request.param == "proxy":
        yield Plane("proxy", [local_stack.settings.proxy_port])
        return
    yield request.getfixturevalue("nginx_plane")
