"""The whole local stack (`LocalStack`, as `ficus up` builds it) on private ports and in a
private home, started once for the e2e session and stopped at the end.

Ports are below Linux's ephemeral range (32768+), so an outgoing connection of another test can
never hold one of them when the stack binds it. The home is a sibling of FICUS_TEST_HOME, never
inside it: the suite's `stack` fixture wipes FICUS_TEST_HOME."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path

import aiohttp
import httpx
import pytest

from ficus_control.client import ControlClient
from ficus_devstack import Stack, StackSettings
from ficus_devstack.localstack import LocalStack
from ficus_devstack.service import Service
from ficus_devstack.wiring import component_env, proxy_admin_port
from tests.e2e.shop import Shop

ROOT = Path(__file__).resolve().parents[2]
PORTS = {
    "mariadb_port": 31306,
    "postgres_port": 31432,
    "standin_port": 31080,
    "sync_port": 31081,
    "catalog_port": 31082,
    "control_port": 31083,
    "search_port": 31084,
    "customer_port": 31085,
    "proxy_port": 31000,
}
# a run beside the suite's stack: other ports, e.g. FICUS_E2E_PORTS='{"proxy_port": 24520, ...}'
PORTS.update(json.loads(os.environ.get("FICUS_E2E_PORTS", "{}")))
SECOND_PROXY_PORT = 31001


def e2e_settings() -> StackSettings:
    base = Path(os.environ.get("FICUS_TEST_HOME", str(ROOT / ".ficus" / "test")))
    return StackSettings(home=base.parent / f"{base.name}-stack", **PORTS)  # type: ignore[arg-type]


class E2eStack(LocalStack):
    """The local stack with proxies flushing shadow counts every second (default 10 s), so
    the shadow gate sees comparisons without a long wait."""

    def _env(self) -> Mapping[str, str]:
        return {**super()._env(), "FICUS_PROXY_STAT_FLUSH_SECONDS": "1"}


@pytest.fixture(scope="session")
def local() -> E2eStack:
    return E2eStack(e2e_settings())


@pytest.fixture(scope="session")
def local_stack(local: E2eStack) -> Iterator[Stack]:
    """Fresh: MariaDB, Postgres, stand-in (seeded), control, sync, catalog, proxy."""
    stack = local.build()
    stack.reset()
    try:
        stack.up()
        yield stack
    finally:
        stack.down()


@pytest.fixture(scope="session")
def cli_token(local_stack: Stack) -> str:
    return (local_stack.settings.home / "control" / "cli-token").read_text().strip()


@pytest.fixture(scope="session")
def control(local_stack: Stack, cli_token: str) -> Iterator[ControlClient]:
    s = local_stack.settings
    client = ControlClient(f"http://{s.host}:{s.control_port}", cli_token)
    yield client
    client.close()


@pytest.fixture(scope="session")
def shop(local_stack: Stack) -> Shop:
    """The admin token (through the proxy) and every SKU of the generated store."""
    s = local_stack.settings
    return Shop.open(f"http://{s.host}:{s.proxy_port}")


@pytest.fixture(scope="session")
def cli_env(local_stack: Stack, cli_token: str) -> dict[str, str]:
    """The environment an operator's shell has for `ficus …` against this stack."""
    s = local_stack.settings
    ports = {s.env_name(name): str(port) for name, port in PORTS.items()}
    venv_bin = str(Path(sys.executable).parent)
    return {
        **os.environ,
        **component_env(s),
        **ports,
        "FICUS_HOME": str(s.home),
        "FICUS_TOKEN": cli_token,
        "PATH": f"{venv_bin}:{os.environ.get('PATH', '')}",
        "COLUMNS": "160",
    }


@pytest.fixture
def catalog_reads_at_legacy(control: ControlClient) -> Iterator[None]:
    """Each test starts and ends with catalog reads at legacy, not tripped."""
    reset_reads(control)
    yield
    reset_reads(control)


def reset_reads(control: ControlClient) -> None:
    state = control.get("/domains/catalog")
    if state["reads"]["stage"] != "legacy":
        control.post(
            "/domains/catalog/rollback",
            {"direction": "reads", "to": "legacy", "reason": "e2e: reset"},
        )
    if control.get("/domains/catalog")["reads_fail_open_tripped"]:
        control.post("/domains/catalog/reenable", {"reason": "e2e: reset"})


@pytest.fixture
def second_proxy(local: E2eStack, local_stack: Stack) -> Iterator[Service]:
    """Another proxy process with the same environment as the stack's, on its own port."""
    s = local_stack.settings
    admin = str(proxy_admin_port(SECOND_PROXY_PORT))
    args = ["ficus_proxy", "serve", "--port", str(SECOND_PROXY_PORT), "--admin-port", admin]
    proxy = Service(s, "proxy2", args, SECOND_PROXY_PORT, "FICUS_PROXY_PORT", env=local._env)
    try:
        proxy.start()
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as client:
        yield client


def sync_get_json(url: str, token: str | None = None) -> object:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.get(url, headers=headers, timeout=10)
    response.raise_for_status()
    return json.loads(response.text)
