"""Fixtures of the customer service's integration tests: a migrated customer database, a
sync-like event database holding `domain_event` (the contract's DDL), and the wired service."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn
from psycopg.rows import dict_row
from starlette.applications import Starlette

from ficus_contracts.events import DomainEvent
from ficus_customer import migration
from ficus_customer.api import create_app
from ficus_customer.bootstrap import Components, bootstrap
from ficus_customer.settings import CustomerSettings
from ficus_devstack import Stack
from ficus_devstack.process import wait_until
from ficus_legacy import tokens
from tests.integration.catalog.conftest import EventTable, fresh_database

pytestmark = pytest.mark.integration

CRYPT_KEY = "0123456789abcdef0123456789abcdef"


def grant_administrators(customer_url: str) -> None:
    """Admin user 1 in Magento's Administrators role (every resource), as sync's first
    snapshot of an installed Magento delivers it; version 0, so any event replaces it."""
    with psycopg.connect(customer_url) as conn:
        conn.execute(
            "INSERT INTO admin_role (user_id, resources, version)"
            " VALUES (1, ARRAY['Magento_Backend::all'], 0) ON CONFLICT DO NOTHING"
        )


@pytest.fixture
def customer_url(postgres_url: str) -> str:
    migration.upgrade(postgres_url)
    grant_administrators(postgres_url)
    return postgres_url


@pytest.fixture
def events(stack: Stack) -> Iterator[EventTable]:
    """A second fresh database standing for sync's, next to the per-test customer database."""
    with fresh_database(stack, "sync") as url:
        yield EventTable(url)


def customer_settings(url: str, events: EventTable, **overrides: Any) -> CustomerSettings:
    values: dict[str, Any] = {
        "database_url": url,
        "events_url": events.url,
        "magento_crypt_key": CRYPT_KEY,
        "poll_interval": 30.0,  # only NOTIFY wakes the consumer quickly
        "migrate_on_start": False,
    }
    values.update(overrides)
    return CustomerSettings(**values)


@pytest.fixture
def components(customer_url: str, events: EventTable) -> Iterator[Components]:
    """The wired service without its consumer thread (tests call `drain()`)."""
    wired = bootstrap(customer_settings(customer_url, events))
    yield wired
    wired.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: Starlette) -> Iterator[str]:
    """The app served by a real uvicorn on a free port, in a thread (lifespan included)."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    assert wait_until(lambda: server.started, 20.0), "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def fill_pool(url: str, table: str, ids: range) -> None:
    """Magento ids in the service's pool, as the reverse worker hands them."""
    with psycopg.connect(url) as conn:
        conn.execute(
            "INSERT INTO magento_id_pool (entity_table, entity_id) SELECT %s, unnest(%s::bigint[])",
            (table, list(ids)),
        )


@dataclass
class Service:
    url: str
    database_url: str
    events: EventTable
    http: httpx.Client

    def admin(self) -> dict[str, str]:
        token = tokens.issue(tokens.signing_key(CRYPT_KEY), 1, tokens.UserType.ADMIN)
        return {"Authorization": f"Bearer {token}"}

    def bearer(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def outbox(self) -> list[dict[str, Any]]:
        with psycopg.connect(self.database_url, row_factory=dict_row) as conn:
            return conn.execute("SELECT * FROM outbox ORDER BY id").fetchall()

    def state(self, entity_id: int) -> dict[str, Any] | None:
        with psycopg.connect(self.database_url, row_factory=dict_row) as conn:
            row = conn.execute(
                "SELECT state FROM customer WHERE entity_id = %s", (entity_id,)
            ).fetchone()
        return None if row is None else dict(row["state"])

    def apply(self, *events_: DomainEvent) -> None:
        """Publish events and wait until the service's consumer applied them."""
        seqs = self.events.publish(*events_)
        with psycopg.connect(self.database_url) as conn:

            def done() -> bool:
                row = conn.execute("SELECT max(last_seq) FROM consumer_checkpoint").fetchone()
                return bool(row and row[0] is not None and row[0] >= max(seqs))

            assert wait_until(done, 10.0, 0.02)


@pytest.fixture
def service(customer_url: str, events: EventTable) -> Iterator[Service]:
    """The customer service over HTTP, its pool filled with Magento ids (customers from 1000,
    addresses from 2000)."""
    fill_pool(customer_url, "customer_entity", range(1000, 1050))
    fill_pool(customer_url, "customer_address_entity", range(2000, 2050))
    app = create_app(customer_settings(customer_url, events))
    with serving(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        yield Service(url, customer_url, events, http)
