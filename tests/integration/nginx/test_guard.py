"""Trips, error and latency budgets and automatic rollback from the nginx plane: the agent
(`python -m ficus_nginx run`) reads nginx's access log and reports to the real control plane
(its admin API on the migrated control database) exactly as the Python proxy does, with the
proxy's token: control trips the read lane / rolls it back, audited as `proxy:auto`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.control_plane.conftest import (  # noqa: F401  (fixtures)
    Tokens,
    api_url,
    app,
    bearer,
    control,
    control_db,
    settings,
    sync_lag,
    tokens,
)
from tests.integration.nginx.conftest import _require_nginx, healthy, next_port, wait_until
from tests.integration.proxy.backends import Backend
from tests.integration.proxy.cohort import CRYPT_KEY

pytestmark = pytest.mark.integration

PRODUCT = "/rest/V1/products/guarded"
Agent = Callable[..., int]


@pytest.fixture
def start_agent(
    control_db: str,  # noqa: F811
    api_url: str,  # noqa: F811
    tokens: Tokens,  # noqa: F811
    tmp_path: Path,
    legacy: Backend,
    catalog: Backend,
) -> Iterator[Agent]:
    """`start_agent(**FICUS_NGINX_*)`: the agent against the real control plane; its port."""
    _require_nginx()
    started: list[subprocess.Popen[bytes]] = []

    def start(**extra: str) -> int:
        port = next_port()
        env = os.environ | {
            "FICUS_NGINX_PREFIX": str(tmp_path / "nginx"),
            "FICUS_NGINX_LEGACY_URL": legacy.url,
            "FICUS_NGINX_UPSTREAMS": f'{{"catalog": "{catalog.url}"}}',
            "FICUS_NGINX_HOST": "127.0.0.1",
            "FICUS_NGINX_PORT": str(port),
            "FICUS_NGINX_ADMIN_PORT": str(next_port()),
            "FICUS_NGINX_WORKERS": "1",
            "FICUS_NGINX_CONTROL_DB_URL": control_db,
            "FICUS_NGINX_MAGENTO_CRYPT_KEY": CRYPT_KEY,
            "FICUS_NGINX_CONTROL_API_URL": api_url,
            "FICUS_NGINX_TOKEN": tokens.proxy,
            **{f"FICUS_NGINX_{name}": value for name, value in extra.items()},
        }
        log = (tmp_path / "agent.log").open("ab")
        started.append(subprocess.Popen([sys.executable, "-m", "ficus_nginx", "run"], env=env,
                                        stdout=log, stderr=subprocess.STDOUT))  # fmt: skip
        return port

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=15)


def reads_at_new(api_url: str, tokens: Tokens) -> None:  # noqa: F811
    for stage, percent in (("shadow", None), ("canary", 50), ("new", None)):
        body = {"direction": "reads", "stage": stage, "percent": percent, "force": True,
                "reason": "the nginx plane's guard under test"}  # fmt: skip
        answer = httpx.post(
            f"{api_url}/api/v1/domains/catalog/cutover", json=body, headers=bearer(tokens.operator)
        )
        assert answer.status_code == 200, answer.text


def domain(api_url: str, tokens: Tokens) -> dict[str, Any]:  # noqa: F811
    answer = httpx.get(f"{api_url}/api/v1/domains/catalog", headers=bearer(tokens.operator))
    result: dict[str, Any] = answer.json()
    return result


def audit(api_url: str, tokens: Tokens) -> list[dict[str, Any]]:  # noqa: F811
    params = {"domain": "catalog", "limit": 5}
    answer = httpx.get(f"{api_url}/api/v1/audit", params=params, headers=bearer(tokens.operator))
    result: list[dict[str, Any]] = answer.json()
    return result


async def shop_until(port: int, done: Callable[[], bool], answers: list[int]) -> None:
    """Shopper reads through nginx, one at a time, until `done()` (10 s at most)."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as shopper:

        async def read_then_check() -> bool:
            answers.append((await shopper.get(PRODUCT)).status_code)
            return done()

        await wait_until(read_then_check, timeout=15)


async def test_failing_reads_trip_the_read_lane_in_nginx_and_in_control(
    start_agent: Agent,
    api_url: str,  # noqa: F811
    tokens: Tokens,  # noqa: F811
    catalog: Backend,
) -> None:
    reads_at_new(api_url, tokens)
    catalog.status = 500
    port = start_agent(TRIP_AFTER_FAILURES="3")
    await wait_until(lambda: healthy(port))
    answers: list[int] = []
    await shop_until(port, lambda: domain(api_url, tokens)["reads_fail_open_tripped"], answers)

    assert set(answers) == {200}  # every failed read fell back to Magento
    trip = audit(api_url, tokens)[0]
    assert (trip["action"], trip["actor"], trip["direction"]) == ("trip", "proxy:auto", "reads")
    assert trip["measured"] == {"consecutive_failures": 3, "last_failure": "status 500"}
    assert trip["reason"] == "3 consecutive failed reads on the new backend"
    tried = len(catalog.paths())
    # nginx learns of failures from its access log, so a read may reach the backend while the
    # agent is still applying the trip (the Python proxy trips in-process): at least the 3 that
    # tripped it, and none once the trip is in place (below)
    assert tried >= 3
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as shopper:
        assert (await shopper.get(PRODUCT)).json()["backend"] == "legacy"
    assert len(catalog.paths()) == tried


async def test_a_slow_backend_breaks_the_latency_budget_and_control_rolls_reads_back(
    start_agent: Agent,
    api_url: str,  # noqa: F811
    tokens: Tokens,  # noqa: F811
    catalog: Backend,
) -> None:
    reads_at_new(api_url, tokens)
    catalog.delay = 0.06
    port = start_agent(BUDGET_MAX_P99_MS="20", BUDGET_MIN_REQUESTS="5")
    await wait_until(lambda: healthy(port))
    answers: list[int] = []
    await shop_until(port, lambda: domain(api_url, tokens)["reads"]["stage"] != "new", answers)

    assert set(answers) == {200}
    rollback = audit(api_url, tokens)[0]
    assert (rollback["action"], rollback["actor"]) == ("rollback", "proxy:auto")
    assert rollback["reason"] == "p99 latency over budget"
    assert rollback["from_lane"] == "new"
    assert rollback["measured"]["p99_ms"] >= 50
    assert rollback["measured"]["errors"] == 0
