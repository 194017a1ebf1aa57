"""Fixtures of the control-plane integration tests: a migrated control database per test, a
cutover service over it, the admin API with tokens, a real uvicorn server."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import psycopg
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ficus_control.adapters.pg_cutover import PostgresCutoverStore
from ficus_control.adapters.pg_tokens import PostgresTokenStore
from ficus_control.adapters.proxy_diff import HttpDiffSource
from ficus_control.adapters.sync_lag import HttpLagProbe
from ficus_control.api import create_app
from ficus_control.bootstrap import Control, bootstrap, plan_service
from ficus_control.provision import run_migrations
from ficus_control.settings import ControlSettings
from ficus_control.tokens import Role
from ficus_devstack import Stack
from ficus_devstack.process import wait_until


@pytest.fixture
def control_db(postgres_url: str) -> str:
    """A fresh control database after `alembic upgrade head`."""
    run_migrations(postgres_url)
    return postgres_url


class SyncLag:
    """What sync's GET /v1/lag answers, changeable by a test (served via httpx.MockTransport)."""

    def __init__(self) -> None:
        self.body: object = {"domains": {"catalog": {"seconds_behind": 0.2, "events_behind": 1}}}
        self.status = 200

    def handler(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/lag"
        return httpx.Response(self.status, content=json.dumps(self.body).encode())


@pytest.fixture
def sync_lag() -> SyncLag:
    return SyncLag()


@pytest.fixture
def settings(control_db: str) -> ControlSettings:
    """Plan gates off: these tests are of the gate policy's and the writes gates' own rules
    (test_plan.py keeps the default, plan gates on, and tests that)."""
    return ControlSettings(
        db_url=control_db, sync_url="http://sync.test", proxy_urls=("http://proxy.test",),
        plan_gates=False,
    )  # fmt: skip


@pytest.fixture
def control(settings: ControlSettings, sync_lag: SyncLag) -> Iterator[Control]:
    base = bootstrap(settings)
    lag = HttpLagProbe(
        settings.sync_url, client=httpx.Client(transport=httpx.MockTransport(sync_lag.handler))
    )
    base.service.lag_probe = lag
    diff_body = {  # the shape ficus_proxy's /_ficus/diff answers
        "window_seconds": 300,
        "domains": {
            "catalog": {
                "compared": 40,
                "mismatched": 1,
                "window": {"compared": 40, "mismatched": 1, "mismatch_rate": 0.025},
                "samples": [{"path": "/V1/products/x", "differences": ["$.price"]}],
                "by_route": {"/V1/products/{sku}": {
                    "2xx/2xx": {"compared": 40, "mismatched": 1},
                    "4xx/4xx": {"compared": 900, "mismatched": 0},
                }},
            }
        },
        "noise_rules": {"/V1/products/{sku}": [
            {"path": "$.nonce", "learned": True, "evidence": 4, "needed": 3,
             "first_seen_s_ago": 30.0, "expires_in_s": 3590.0},
            {"path": "$.custom_attributes[attribute_code=news_from_date].value",
             "learned": False, "evidence": 1, "needed": 3, "first_seen_s_ago": 5.0,
             "expires_in_s": 3595.0},
        ]},
    }  # fmt: skip
    diffs = HttpDiffSource(
        settings.proxy_urls,
        client=httpx.Client(
            transport=httpx.MockTransport(lambda r: httpx.Response(200, json=diff_body))
        ),
    )
    store = PostgresCutoverStore(settings.db_url)
    plan = plan_service(settings, base.service, store, lag, reverse=base.service.writes_evidence)
    base.service.plan_gate = plan if settings.plan_gates else None  # measured with `lag`
    built = Control(base.service, base.tokens, diffs, lag, plan)
    yield built
    built.close()


@dataclass(frozen=True)
class Tokens:
    operator: str
    viewer: str
    proxy: str


@pytest.fixture
def tokens(control_db: str) -> Tokens:
    store = PostgresTokenStore(control_db)
    return Tokens(
        store.create("ops", Role.OPERATOR),
        store.create("dash", Role.VIEWER),
        store.create("proxy", Role.PROXY),
    )


@pytest.fixture
def app(settings: ControlSettings, control: Control) -> FastAPI:
    return create_app(settings, control)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """The admin API in-process (its client address is "testclient")."""
    with TestClient(app) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def api_url(app: FastAPI) -> Iterator[str]:
    """The admin API served by a real uvicorn on a free port, in a thread."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    assert wait_until(lambda: server.started, 10.0), "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def seed_shadow(db_url: str, domain: str, compared: int, mismatched: int) -> None:
    """Record shadow comparisons as the proxy does (an upsert into the current window)."""
    with psycopg.connect(db_url) as conn:
        conn.execute(
            "INSERT INTO shadow_stat (domain, window_start, compared, mismatched) "
            "VALUES (%s, date_trunc('minute', now()), %s, %s) "
            "ON CONFLICT (domain, window_start) DO UPDATE SET "
            "compared = shadow_stat.compared + EXCLUDED.compared, "
            "mismatched = shadow_stat.mismatched + EXCLUDED.mismatched",
            (domain, compared, mismatched),
        )


@pytest.fixture
def clean_shadow(control_db: str) -> None:
    """Enough clean shadow comparisons of catalog for the mismatch gate to pass."""
    seed_shadow(control_db, "catalog", 500, 0)


@contextlib.contextmanager
def migrated_database(stack: Stack, migrate: Callable[[str], None]) -> Iterator[str]:
    """A fresh Postgres database of its own, migrated by `migrate`; dropped afterwards (for a
    test that needs a second database beside `postgres_url`)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    stack.postgres.ensure_database(name)
    url = stack.settings.postgres_url(name)
    migrate(url)
    yield url
    with stack.postgres.connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def built_control(settings: ControlSettings) -> Iterator[Control]:
    """Control exactly as `bootstrap` builds it, for a test module's own `control` fixture."""
    built = bootstrap(settings)
    yield built
    built.close()
