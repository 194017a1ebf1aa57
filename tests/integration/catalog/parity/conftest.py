"""One generated Magento store (package-scoped) served by the stand-in and, fed with the
reference flattening of its MariaDB as domain events (stores, categories, products), by the
catalog: every parity test compares the two answers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pymysql
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from ficus_catalog.api import create_app
from ficus_catalog.testing import CRYPT_KEY
from ficus_contracts.events import (
    CategoryState,
    DomainEvent,
    EventKind,
    ProductState,
    StoreState,
)
from ficus_devstack import Stack
from ficus_devstack.process import wait_until
from ficus_legacy.reference import category_states, product_states, store_states
from ficus_standin import StandinSettings
from ficus_standin import create_app as create_standin
from ficus_standin.generator import SeedSpec, generate
from tests.events import admin_role_event
from tests.integration.catalog.conftest import EventTable, catalog_settings, fresh_database

AUTH: dict[str, str] = {}  # the admin token, shared by both apps (set by the stand-in fixture)

ADMIN = {"username": "admin", "password": "Secret-admin-1"}
PRODUCTS = 240


def _event(state: ProductState | CategoryState | StoreState) -> DomainEvent:
    if isinstance(state, StoreState):
        aggregate, entity_id = "store", state.store_id
    else:
        aggregate = "product" if isinstance(state, ProductState) else "category"
        entity_id = state.entity_id
    return DomainEvent(
        aggregate=aggregate,  # type: ignore[arg-type]
        aggregate_id=uuid.uuid5(uuid.NAMESPACE_URL, f"parity:{aggregate}:{entity_id}"),
        entity_id=entity_id,
        version=1,
        kind=EventKind.UPSERTED,
        payload=state,
    )


@pytest.fixture(scope="package")
def magento(stack: Stack) -> Iterator[tuple[str, pymysql.Connection]]:  # type: ignore[type-arg]
    s = stack.settings
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = stack.mariadb.admin_connection()
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
    conn = pymysql.connect(
        host=s.host,
        port=s.mariadb_port,
        user=s.mariadb_user,
        password=s.mariadb_password,
        database=name,
        charset="utf8mb4",
    )
    generate(conn, SeedSpec(products=PRODUCTS, customers=2, orders=2, seed=7))
    yield name, conn
    conn.close()
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
    admin.close()


@pytest.fixture(scope="package")
def stores(magento: tuple[str, Any]) -> dict[str, int]:
    with magento[1].cursor() as cur:
        cur.execute("SELECT code, store_id FROM store")
        return {str(code): int(store_id) for code, store_id in cur.fetchall()}


@pytest.fixture(scope="package")
def standin(stack: Stack, magento: tuple[str, Any]) -> Iterator[tuple[TestClient, dict[str, str]]]:
    s = stack.settings
    url = f"mysql://{s.mariadb_user}:{s.mariadb_password}@{s.host}:{s.mariadb_port}/{magento[0]}"
    settings = StandinSettings(
        mysql_url=SecretStr(url),
        crypt_key=SecretStr(CRYPT_KEY),
        admin_username=ADMIN["username"],
        admin_password=SecretStr(ADMIN["password"]),
        pool_size=2,
    )
    with TestClient(create_standin(settings)) as client:
        token = client.post("/rest/V1/integration/admin/token", json=ADMIN).json()
        AUTH["Authorization"] = f"Bearer {token}"
        yield client, dict(AUTH)


@pytest.fixture(scope="package")
def sync_events(stack: Stack) -> Iterator[EventTable]:
    """Sync's side: the event table the catalog consumes (tests publish more events)."""
    with fresh_database(stack, "sync") as url:
        yield EventTable(url)


@pytest.fixture(scope="package")
def catalog(
    stack: Stack,
    magento: tuple[str, Any],
    stores: dict[str, int],
    standin: tuple[TestClient, dict[str, str]],
    sync_events: EventTable,
) -> Iterator[TestClient]:
    states = list(product_states(magento[1]))
    others = [*store_states(magento[1]).values(), *category_states(magento[1])]
    with fresh_database(stack, "catalog") as catalog_url:
        events = sync_events
        events.publish(admin_role_event(), *(_event(s) for s in [*others, *states]))
        settings = catalog_settings(catalog_url, events, stores=stores)
        app = create_app(settings)
        with TestClient(app) as client:
            assert wait_until(lambda: _total(client) == len(states), 20)
            yield client


def _total(client: TestClient) -> int:
    params = {"searchCriteria[pageSize]": "0"}
    body = client.get("/rest/all/V1/products", params=params, headers=AUTH).json()
    return int(body.get("total_count", -1))


Standin = tuple[TestClient, dict[str, str]]


def same(catalog: TestClient, standin: Standin, path: str, **headers: str) -> Any:
    """Both apps' (status, JSON) for `path` (the admin token unless `headers`); asserts they are
    equal and returns the JSON."""
    legacy, auth = standin
    sent = headers or auth
    expected, got = legacy.get(path, headers=sent), catalog.get(path, headers=sent)
    assert (got.status_code, got.json()) == (expected.status_code, expected.json()), path
    return got.json()


def tree_ids(node: dict[str, Any]) -> list[int]:
    """The ids of a category tree's nodes, depth first."""
    return [node["id"], *(i for child in node["children_data"] for i in tree_ids(child))]


@pytest.fixture(scope="package")
def codes(stores: dict[str, int]) -> list[str]:
    """Every store code of the generated store, `all` for store 0."""
    return ["all" if store_id == 0 else code for code, store_id in stores.items()]


@pytest.fixture(scope="package")
def category_ids(standin: Standin) -> list[int]:
    """Every category id, from the stand-in's whole tree."""
    legacy, auth = standin
    return tree_ids(legacy.get("/rest/all/V1/categories", headers=auth).json())
