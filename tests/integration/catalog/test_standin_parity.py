"""Parity with the Magento stand-in on a generated store: the catalog, fed with the reference
flattening of MariaDB as domain events, answers the same JSON as the stand-in for every sku
sampled, in every store view, and the same pages for a set of searchCriteria."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from typing import Any

import pymysql
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from ficus_catalog.api import create_app
from ficus_contracts.events import DomainEvent, EventKind, ProductState
from ficus_devstack import Stack
from ficus_devstack.process import wait_until
from ficus_legacy.reference import product_states
from ficus_standin import StandinSettings
from ficus_standin import create_app as create_standin
from ficus_standin.generator import SeedSpec, generate
from tests.integration.catalog.conftest import EventTable, catalog_settings, fresh_database

pytestmark = pytest.mark.integration

AUTH: dict[str, str] = {}  # the admin token, shared by both apps (set by the stand-in fixture)

ADMIN = {"username": "admin", "password": "Secret-admin-1"}
SECRET = "integration-secret-of-sufficient-length"
PRODUCTS = 240


def _event(state: ProductState) -> DomainEvent:
    return DomainEvent(
        aggregate="product",
        aggregate_id=uuid.uuid5(uuid.NAMESPACE_URL, f"parity:{state.entity_id}"),
        entity_id=state.entity_id,
        version=1,
        kind=EventKind.UPSERTED,
        payload=state,
    )


@pytest.fixture(scope="module")
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


@pytest.fixture(scope="module")
def stores(magento: tuple[str, Any]) -> dict[str, int]:
    with magento[1].cursor() as cur:
        cur.execute("SELECT code, store_id FROM store")
        return {str(code): int(store_id) for code, store_id in cur.fetchall()}


@pytest.fixture(scope="module")
def standin(stack: Stack, magento: tuple[str, Any]) -> Iterator[tuple[TestClient, dict[str, str]]]:
    s = stack.settings
    url = f"mysql://{s.mariadb_user}:{s.mariadb_password}@{s.host}:{s.mariadb_port}/{magento[0]}"
    settings = StandinSettings(
        mysql_url=SecretStr(url),
        jwt_secret=SecretStr(SECRET),
        admin_username=ADMIN["username"],
        admin_password=SecretStr(ADMIN["password"]),
        pool_size=2,
    )
    with TestClient(create_standin(settings)) as client:
        token = client.post("/rest/V1/integration/admin/token", json=ADMIN).json()
        AUTH["Authorization"] = f"Bearer {token}"
        yield client, dict(AUTH)


@pytest.fixture(scope="module")
def catalog(
    stack: Stack,
    magento: tuple[str, Any],
    stores: dict[str, int],
    standin: tuple[TestClient, dict[str, str]],
) -> Iterator[TestClient]:
    states = list(product_states(magento[1]))
    with fresh_database(stack, "catalog") as catalog_url, fresh_database(stack, "sync") as url:
        events = EventTable(url)
        events.publish(*(_event(s) for s in states))
        settings = catalog_settings(catalog_url, events, stores=stores, jwt_secret=SECRET)
        app = create_app(settings)
        with TestClient(app) as client:
            assert wait_until(lambda: _total(client) == len(states), 20)
            yield client


def _total(client: TestClient) -> int:
    params = {"searchCriteria[pageSize]": "0"}
    body = client.get("/rest/all/V1/products", params=params, headers=AUTH).json()
    return int(body.get("total_count", -1))


def test_product_json_equals_the_standin_in_every_store_view(
    catalog: TestClient, standin: tuple[TestClient, dict[str, str]], stores: dict[str, int]
) -> None:
    legacy, auth = standin
    page = legacy.get("/rest/all/V1/products?searchCriteria[pageSize]=0", headers=auth).json()
    skus = [item["sku"] for item in page["items"]]
    assert len(skus) == PRODUCTS
    codes = ["all" if store_id == 0 else code for code, store_id in stores.items()]
    for sku in random.Random(3).sample(skus, 200):  # the acceptance: 200 random SKUs
        for code in codes:
            path = f"/rest/{code}/V1/products/{sku}"
            expected = legacy.get(path, headers=auth)
            got = catalog.get(path, headers=auth)
            assert (got.status_code, got.json()) == (expected.status_code, expected.json()), path


SEARCHES = [
    {},
    {"[filter_groups][0][filters][0][field]": "type_id",
     "[filter_groups][0][filters][0][value]": "configurable"},
    {"[filter_groups][0][filters][0][field]": "price",
     "[filter_groups][0][filters][0][value]": "50",
     "[filter_groups][0][filters][0][condition_type]": "gt",
     "[filter_groups][1][filters][0][field]": "name",
     "[filter_groups][1][filters][0][value]": "%a%",
     "[filter_groups][1][filters][0][condition_type]": "like",
     "[sortOrders][0][field]": "price", "[sortOrders][0][direction]": "ASC"},
    {"[filter_groups][0][filters][0][field]": "category_id",
     "[filter_groups][0][filters][0][value]": "3,4,5",
     "[filter_groups][0][filters][0][condition_type]": "in",
     "[sortOrders][0][field]": "name", "[pageSize]": "7", "[currentPage]": "2"},
    {"[filter_groups][0][filters][0][field]": "visibility",
     "[filter_groups][0][filters][0][value]": "1",
     "[filter_groups][0][filters][1][field]": "status",
     "[filter_groups][0][filters][1][value]": "2",
     "[sortOrders][0][field]": "updated_at", "[pageSize]": "10"},
    {"[filter_groups][0][filters][0][field]": "color",
     "[filter_groups][0][filters][0][condition_type]": "notnull",
     "[sortOrders][0][field]": "sku", "[sortOrders][0][direction]": "ASC"},
    {"[filter_groups][0][filters][0][field]": "category_id",
     "[filter_groups][0][filters][0][value]": "3",
     "[filter_groups][0][filters][0][condition_type]": "neq",
     "[filter_groups][1][filters][0][field]": "entity_id",
     "[filter_groups][1][filters][0][value]": "10",
     "[filter_groups][1][filters][0][condition_type]": "from",
     "[filter_groups][2][filters][0][field]": "entity_id",
     "[filter_groups][2][filters][0][value]": "40",
     "[filter_groups][2][filters][0][condition_type]": "to",
     "[sortOrders][0][field]": "name", "[sortOrders][0][direction]": "DESC"},
    {"[filter_groups][0][filters][0][field]": "sku",
     "[filter_groups][0][filters][0][value]": "%-1%",
     "[filter_groups][0][filters][0][condition_type]": "like",
     "[filter_groups][0][filters][1][field]": "special_price",
     "[filter_groups][0][filters][1][condition_type]": "notnull",
     "[sortOrders][0][field]": "special_price",
     "[sortOrders][1][field]": "url_key", "[sortOrders][1][direction]": "ASC"},
    {"[filter_groups][0][filters][0][field]": "nope", "[filter_groups][0][filters][0][value]": "1"},
    {"[pageSize]": "5", "[currentPage]": "99"},
]  # fmt: skip


def test_a_missing_or_foreign_token_is_refused_like_the_standin(
    catalog: TestClient, standin: tuple[TestClient, dict[str, str]]
) -> None:
    legacy, _ = standin
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        for path in ("/rest/default/V1/products/x", "/rest/V1/products?searchCriteria="):
            expected, got = legacy.get(path, headers=headers), catalog.get(path, headers=headers)
            assert got.status_code == expected.status_code == 401
            assert got.json() == expected.json()


def test_error_bodies_equal_the_standin(
    catalog: TestClient, standin: tuple[TestClient, dict[str, str]]
) -> None:
    legacy, auth = standin
    for path in (
        "/rest/default/V1/products/NO-SUCH-SKU",
        "/rest/nowhere/V1/products/x",
        "/rest/default/V1/no-such-route",
    ):
        expected = legacy.get(path, headers=auth)
        got = catalog.get(path, headers=auth)
        assert (got.status_code, got.json()) == (expected.status_code, expected.json()), path


@pytest.mark.parametrize("search", SEARCHES)
@pytest.mark.parametrize("code", ["default", "french"])
def test_search_pages_equal_the_standin(
    catalog: TestClient,
    standin: tuple[TestClient, dict[str, str]],
    search: dict[str, str],
    code: str,
) -> None:
    legacy, auth = standin
    params = {f"searchCriteria{k}": v for k, v in search.items()} or {"searchCriteria": ""}
    path = f"/rest/{code}/V1/products"
    expected = legacy.get(path, params=params, headers=auth)
    got = catalog.get(path, params=params, headers=auth)
    assert (got.status_code, got.json()) == (expected.status_code, expected.json())
