"""Writes through the proxy over real sockets: the stand-in (on MariaDB) plays Magento, a real
HTTP server plays the customer service (failing on purpose where a test says so). A write the
service fails never reaches Magento: the shopper gets a Magento-shaped 503 with Retry-After and
nothing of Ficus; a draining lane answers every write so; read your writes."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import aiohttp
import pymysql
import pytest
import uvicorn

from ficus_contracts.cutover import DomainCutover, Lane, Stage
from ficus_devstack import Stack
from ficus_devstack.process import wait_until
from ficus_legacy.schema import install
from ficus_proxy.bootstrap import Worker
from ficus_proxy.core.bucketing import CohortKey, bucket_of
from ficus_proxy.responses import UNAVAILABLE_MESSAGE
from ficus_standin import create_app
from tests.integration.proxy.admin import answered_by, fresh_request_id
from tests.integration.proxy.backends import Backend, ControlApi, closed_port
from tests.integration.proxy.cohort import cohort_cookie
from tests.integration.proxy.conftest import ProxyFactory, set_cutover
from tests.integration.standin.conftest import settings_for
from tests.polling import eventually

pytestmark = pytest.mark.integration

CUSTOMER = {
    "customer": {"email": "write@example.com", "firstname": "Wri", "lastname": "Te"},
    "password": "Secret-pass-1",
}
ME = "/rest/V1/customers/me"


@pytest.fixture
def magento_url(
    stack: Stack, mariadb_conn: pymysql.Connection, mariadb_database: str
) -> Iterator[str]:  # type: ignore[type-arg]
    """The stand-in on a freshly installed Magento schema, served by uvicorn on a free port."""
    install(mariadb_conn)
    app = create_app(settings_for(stack, mariadb_database))
    config = uvicorn.Config(app, host="127.0.0.1", port=closed_port(), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    assert wait_until(lambda: server.started, 20.0), "the stand-in did not start"
    yield f"http://127.0.0.1:{config.port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
async def service() -> AsyncIterator[Backend]:
    backend = await Backend("customer").start()
    yield backend
    await backend.stop()


def customers(conn: pymysql.Connection) -> int:  # type: ignore[type-arg]
    conn.commit()  # a fresh snapshot
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM customer_entity")
        return int(cur.fetchone()[0])  # type: ignore[index]


def lanes(
    worker: Worker, writes: Lane, reads: Lane = Lane(Stage.NEW), draining: bool = False
) -> None:
    state = DomainCutover("customer", reads, writes, False, 2, draining)
    worker.server.state.replace_all([state])


async def send(
    client: aiohttp.ClientSession, worker: Worker, method: str, path: str, **kw: Any
) -> tuple[int, dict[str, str], bytes, str]:
    """Status, headers, body, and which backend answered (from the admin trace)."""
    rid = fresh_request_id()
    headers = {"X-Request-Id": rid, **kw.pop("headers", {})}
    url = f"http://127.0.0.1:{worker.port}{path}"
    async with client.request(method, url, headers=headers, **kw) as response:
        body = await response.read()
        answer = (response.status, dict(response.headers), body)
    return (*answer, await answered_by(client, worker.admin_port, rid))


def assert_magento_shaped_503(status: int, headers: dict[str, str], body: bytes) -> None:
    assert status == 503
    assert int(headers["Retry-After"]) >= 1
    assert body == b'{"message": "' + UNAVAILABLE_MESSAGE.encode() + b'"}'
    assert not any(h.lower().startswith("x-ficus") for h in headers)
    assert b"customer" not in body and b"ficus" not in body.lower()


async def test_writes_at_legacy_reach_magento(
    magento_url: str, service: Backend, mariadb_conn: pymysql.Connection,  # type: ignore[type-arg]
    make_proxy: ProxyFactory, client: aiohttp.ClientSession,
) -> None:  # fmt: skip
    proxy = await make_proxy(legacy_url=magento_url, upstreams={"customer": service.url})
    lanes(proxy, Lane())
    status, _, body, backend = await send(
        client, proxy, "POST", "/rest/V1/customers", json=CUSTOMER
    )
    assert (status, backend) == (200, "legacy"), body
    assert customers(mariadb_conn) == 1 and service.seen == []


@pytest.mark.parametrize("failure", ["status500", "refused", "timeout", "route_miss"])
async def test_a_failed_write_is_a_503_with_retry_after_and_never_reaches_magento(
    failure: str, magento_url: str, service: Backend,
    mariadb_conn: pymysql.Connection,  # type: ignore[type-arg]
    make_proxy: ProxyFactory, client: aiohttp.ClientSession,
) -> None:  # fmt: skip
    upstream = service.url
    if failure == "status500":
        service.status, service.forced_body = 500, {"detail": "Traceback in ficus_customer"}
    elif failure == "refused":
        upstream = f"http://127.0.0.1:{closed_port()}"
    elif failure == "timeout":
        service.delay = 1.0
    else:  # the service has no such route (a framework's 404)
        service.status, service.forced_body = 404, {"detail": "Not Found"}
    proxy = await make_proxy(
        legacy_url=magento_url, upstreams={"customer": upstream}, new_timeout=0.3,
        write_retry_after=7,
    )  # fmt: skip
    lanes(proxy, Lane(Stage.NEW))
    status, headers, body, backend = await send(
        client, proxy, "POST", "/rest/V1/customers", json=CUSTOMER
    )
    assert_magento_shaped_503(status, headers, body)
    assert headers["Retry-After"] == "7" and backend == "new"
    assert customers(mariadb_conn) == 0  # never failed open to Magento
    metrics = proxy.server.metrics.render().decode()
    reason = {"status500": "status", "route_miss": "route_miss"}.get(failure, "")
    assert 'ficus_proxy_write_unavailable_total{domain="customer",reason="' + reason in metrics


async def test_an_open_breaker_answers_503_without_asking_the_service(
    magento_url: str, service: Backend, mariadb_conn: pymysql.Connection,  # type: ignore[type-arg]
    make_proxy: ProxyFactory, client: aiohttp.ClientSession,
) -> None:  # fmt: skip
    service.status = 500
    proxy = await make_proxy(
        legacy_url=magento_url, upstreams={"customer": service.url}, breaker_failures=2,
        breaker_cooldown=60,
    )  # fmt: skip
    lanes(proxy, Lane(Stage.NEW))
    for _ in range(4):
        status, headers, body, _ = await send(client, proxy, "PUT", ME, json=CUSTOMER)
        assert_magento_shaped_503(status, headers, body)
    assert len(service.seen) == 2 and customers(mariadb_conn) == 0
    assert not proxy.server.state.is_tripped_locally("customer")  # writes never trip


async def test_a_draining_lane_answers_every_write_503_and_still_serves_reads(
    magento_url: str, service: Backend, mariadb_conn: pymysql.Connection,  # type: ignore[type-arg]
    make_proxy: ProxyFactory, client: aiohttp.ClientSession,
) -> None:  # fmt: skip
    proxy = await make_proxy(legacy_url=magento_url, upstreams={"customer": service.url})
    lanes(proxy, Lane(Stage.DUAL, 50), draining=True)
    for i in range(6):
        headers = {"Cookie": cohort_cookie(f"d{i}")}
        status, answer_headers, body, backend = await send(
            client, proxy, "POST", "/rest/V1/customers", json=CUSTOMER, headers=headers
        )
        assert_magento_shaped_503(status, answer_headers, body)
        assert backend == "proxy"
    assert customers(mariadb_conn) == 0 and service.seen == []
    status, _, _, backend = await send(client, proxy, "GET", ME)
    assert (status, backend) == (200, "new")


def cookie(inside: bool, share: int) -> str:
    return next(
        f"c{i}"
        for i in range(10_000)
        if (bucket_of(CohortKey("cookie", f"c{i}")) < share) == inside
    )


async def test_dual_writes_and_reads_of_a_cohort_go_to_the_service(
    magento_url: str, service: Backend, mariadb_conn: pymysql.Connection,  # type: ignore[type-arg]
    make_proxy: ProxyFactory, client: aiohttp.ClientSession,
) -> None:  # fmt: skip
    proxy = await make_proxy(legacy_url=magento_url, upstreams={"customer": service.url})
    lanes(proxy, Lane(Stage.DUAL, 30), reads=Lane())  # reads at legacy: read your writes
    inside = {"Cookie": cohort_cookie(cookie(True, 30))}
    outside = {"Cookie": cohort_cookie(cookie(False, 30))}
    written = await send(client, proxy, "POST", "/rest/V1/customers", json=CUSTOMER, headers=inside)
    assert (written[0], written[3]) == (200, "new")
    assert (await send(client, proxy, "GET", ME, headers=inside))[3] == "new"
    assert (await send(client, proxy, "GET", ME, headers=outside))[3] == "legacy"
    assert customers(mariadb_conn) == 0  # Magento gets it through reverse sync, not the proxy
    legacy = await send(client, proxy, "POST", "/rest/V1/customers", json=CUSTOMER, headers=outside)
    assert (legacy[0], legacy[3]) == (200, "legacy") and customers(mariadb_conn) == 1


async def test_the_writes_budget_asks_control_to_roll_the_writes_lane_back(
    magento_url: str, service: Backend, control_api: ControlApi,
    make_proxy: ProxyFactory, client: aiohttp.ClientSession,
) -> None:  # fmt: skip
    service.status = 502
    proxy = await make_proxy(
        legacy_url=magento_url, upstreams={"customer": service.url},
        control_api_url=control_api.url, token=control_api.token, budget_min_requests=5,
        breaker_failures=1000,
    )  # fmt: skip
    lanes(proxy, Lane(Stage.DUAL, 40))
    inside = {"Cookie": cohort_cookie(cookie(True, 40))}

    async def write_fails_until_rollback() -> bool:
        assert (await send(client, proxy, "PUT", ME, json=CUSTOMER, headers=inside))[0] == 503
        return any(action == "rollback" for _, action, _ in control_api.posts)

    assert await eventually(write_fails_until_rollback, timeout=10, interval=0.1)
    domain, action, payload = control_api.posts[0]
    assert (domain, action, payload["direction"]) == ("customer", "rollback", "writes")
    assert payload["seen_writes"] == "dual 40%" and payload["actor"] == "proxy:auto"
    assert payload["measured"]["errors"] >= 5


async def test_draining_set_in_the_control_database_reaches_the_proxy(
    control_db: str, legacy: Backend, service: Backend, make_proxy: ProxyFactory,
    client: aiohttp.ClientSession,
) -> None:  # fmt: skip
    proxy = await make_proxy(
        legacy_url=legacy.url, upstreams={"customer": service.url}, control_db_url=control_db
    )
    writes = DomainCutover("customer", Lane(Stage.NEW), Lane(Stage.NEW))
    set_cutover(control_db, writes)
    assert await eventually(lambda: proxy.server.state.get("customer") is not None, timeout=5)
    assert (await send(client, proxy, "PUT", ME, json=CUSTOMER))[0] == 200
    set_cutover(control_db, replace(writes, writes_draining=True))

    async def draining() -> bool:
        return (await send(client, proxy, "PUT", ME, json=CUSTOMER))[3] == "proxy"

    assert await eventually(draining, timeout=2, interval=0.05)
    set_cutover(control_db, writes)

    async def resumed() -> bool:
        return (await send(client, proxy, "PUT", ME, json=CUSTOMER))[:1] == (200,)

    assert await eventually(resumed, timeout=2, interval=0.05)
