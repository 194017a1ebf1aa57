"""Fixtures of the nginx plane's integration tests: Debian's nginx with the Lua module, started
by the test on its own port (354xx) under tmp_path, beside the proxy tests' loopback backends,
in-process Python proxy workers and control database."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ficus_contracts.cutover import DomainCutover
from ficus_nginx.__main__ import load_routes
from ficus_nginx.agent import Agent
from ficus_nginx.core.plane import LUA_MODULES, Plane
from ficus_nginx.nginx import NginxProcess, nginx_binary
from ficus_nginx.settings import AgentSettings
from tests.integration.proxy.backends import Backend
from tests.integration.proxy.cohort import CRYPT_KEY
from tests.integration.proxy.conftest import (  # noqa: F401  (fixtures)
    catalog,
    client,
    control_db,
    legacy,
    make_proxy,
)

ROUTES_FILE = Path("proxy/routes.yaml")
NGINX_PORTS = range(35420, 35500)
_taken: set[int] = set()


def _require_nginx() -> None:
    try:
        nginx_binary()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"nginx is not installed: {exc}")
    if not all(Path(module).exists() for module in LUA_MODULES):
        pytest.skip("libnginx-mod-http-lua is not installed (scripts/bootstrap.sh installs it)")


async def wait_until(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> float:
    """Poll `check` until it is true; the seconds it took. Fails the test at the deadline."""
    started = time.monotonic()
    while not await check():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.01)
    return time.monotonic() - started


async def healthy(port: int) -> bool:
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            return response.status == 200
    except aiohttp.ClientError:
        return False


def next_port() -> int:
    """A free port of this helper's range (354xx) not handed out before in this session."""
    for port in NGINX_PORTS:
        if port in _taken:
            continue
        _taken.add(port)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port left in 35420-35499")


def plane_for(prefix: Path, legacy_url: str, upstreams: Mapping[str, str], **kw: Any) -> Plane:
    return Plane(
        prefix=str(prefix),
        legacy_url=legacy_url,
        upstreams=dict(upstreams),
        host="127.0.0.1",
        workers="1",
        magento_crypt_key=CRYPT_KEY,  # the in-process proxies' key: the same cohorts
        **({"port": next_port(), "admin_port": next_port()} | kw),
    )


@pytest.fixture
async def customer() -> AsyncIterator[Backend]:
    backend = await Backend("customer").start()
    yield backend
    await backend.stop()


PlaneFactory = Callable[..., Awaitable[tuple[Agent, Plane]]]


@pytest.fixture
async def make_plane(tmp_path: Path) -> AsyncIterator[PlaneFactory]:
    """An nginx plane driven in-process: `agent.apply(state)` renders and (re)loads it."""
    _require_nginx()
    started: list[NginxProcess] = []

    async def make(
        legacy_url: str,
        upstreams: Mapping[str, str],
        state: Mapping[str, DomainCutover] = {},
        **plane_settings: Any,
    ) -> tuple[Agent, Plane]:
        prefix = tmp_path / f"nginx-{len(started)}"
        plane = plane_for(prefix, legacy_url, upstreams, **plane_settings)
        nginx = NginxProcess(Path(plane.prefix))
        agent = Agent(AgentSettings(plane, ROUTES_FILE, None), load_routes(ROUTES_FILE), nginx)
        started.append(nginx)
        agent.apply(state)
        await wait_until(lambda: healthy(plane.admin_port))
        return agent, plane

    yield make
    for nginx in started:
        nginx.stop()


async def apply_and_wait(agent: Agent, state: Mapping[str, DomainCutover]) -> str:
    """Apply `state`; after a reload, wait until only workers with the new configuration are
    left (plans sent to the admin listener are in force when the PUT returns)."""
    nginx = agent.nginx
    before = nginx.workers()
    outcome = agent.apply(state)
    if outcome == "reloaded":
        await wait_until(lambda: _only_new(nginx, before))
    return outcome


async def _only_new(nginx: NginxProcess, before: set[int]) -> bool:
    now = nginx.workers()
    return bool(now) and not now & before
