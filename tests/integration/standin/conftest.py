"""A Magento schema per test, the stand-in app on it (in-process ASGI), and seed helpers that
write through the legacy EAV library, not through the stand-in."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pymysql
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from ficus_devstack import Stack
from ficus_legacy.eav import Eav
from ficus_legacy.schema import create_store_sequences, install
from ficus_standin import StandinSettings, create_app

ADMIN = {"username": "admin", "password": "Secret-admin-1"}


class Seed:
    """Writes Magento rows the way the store generator would."""

    def __init__(self, conn: pymysql.Connection) -> None:  # type: ignore[type-arg]
        self.conn = conn

    def eav(self) -> Eav:
        return Eav.load(self.conn)

    def store_view(self, code: str = "fr") -> int:
        with self.conn.cursor() as cur:
            cur.execute(
                "INSERT INTO store (code, website_id, group_id, name, sort_order, is_active)"
                " VALUES (%s, 1, 1, %s, 1, 1)",
                (code, f"{code} view"),
            )
            store_id = int(cur.lastrowid)
        create_store_sequences(self.conn, store_id)
        self.conn.commit()
        return store_id

    def category(self, name: str, parent: int = 2) -> int:
        with self.conn.cursor() as cur:
            cur.execute(
                "SELECT path, level FROM catalog_category_entity WHERE entity_id = %s", (parent,)
            )
            path, level = cur.fetchone()  # type: ignore[misc]
        eav = self.eav()
        static = {
            "attribute_set_id": 3,
            "parent_id": parent,
            "path": "",
            "position": 1,
            "level": level + 1,
            "children_count": 0,
        }
        entity_id = eav.create(
            self.conn, "catalog_category", static, {"name": name, "is_active": 1}
        )
        with self.conn.cursor() as cur:
            cur.execute(
                "UPDATE catalog_category_entity SET path = %s WHERE entity_id = %s",
                (f"{path}/{entity_id}", entity_id),
            )
        self.conn.commit()
        return entity_id

    def product(
        self,
        sku: str,
        name: str,
        price: str,
        qty: str = "10",
        *,
        overrides: dict[int, dict[str, Any]] | None = None,
        categories: tuple[int, ...] = (),
        **values: Any,
    ) -> int:
        eav = self.eav()
        static = {"sku": sku, "type_id": "simple", "attribute_set_id": 4}
        base = {"name": name, "price": price, "status": 1, "visibility": 4, **values}
        entity_id = eav.create(self.conn, "catalog_product", static, base)
        for store_id, store_values in (overrides or {}).items():
            eav.write(self.conn, "catalog_product", entity_id, store_values, store_id)
        with self.conn.cursor() as cur:
            cur.execute("INSERT INTO catalog_product_website VALUES (%s, 1)", (entity_id,))
            cur.execute(
                "INSERT INTO cataloginventory_stock_item (product_id, stock_id, qty, is_in_stock,"
                " manage_stock, website_id) VALUES (%s, 1, %s, 1, 1, 0)",
                (entity_id, qty),
            )
            cur.execute(
                "INSERT INTO cataloginventory_stock_status VALUES (%s, 0, 1, %s, 1)",
                (entity_id, qty),
            )
            for position, category in enumerate(categories):
                cur.execute(
                    "INSERT INTO catalog_category_product (category_id, product_id, position)"
                    " VALUES (%s, %s, %s)",
                    (category, entity_id, position),
                )
        self.conn.commit()
        return entity_id

    def scalar(self, sql: str, *args: Any) -> Any:
        self.conn.commit()  # see other connections' commits
        with self.conn.cursor() as cur:
            cur.execute(sql, args)
            row = cur.fetchone()
        return None if row is None else row[0]

    def rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        self.conn.commit()
        with self.conn.cursor(pymysql.cursors.DictCursor) as cur:
            cur.execute(sql, args)
            return list(cur.fetchall())


@pytest.fixture
def magento(mariadb_conn: pymysql.Connection) -> Seed:  # type: ignore[type-arg]
    install(mariadb_conn)
    return Seed(mariadb_conn)


def settings_for(stack: Stack, database: str) -> StandinSettings:
    s = stack.settings
    url = f"mysql://{s.mariadb_user}:{s.mariadb_password}@{s.host}:{s.mariadb_port}/{database}"
    return StandinSettings(
        mysql_url=SecretStr(url),
        jwt_secret=SecretStr("integration-secret-of-sufficient-length"),
        admin_username=ADMIN["username"],
        admin_password=SecretStr(ADMIN["password"]),
        pool_size=2,
    )


@pytest.fixture
def settings(stack: Stack, mariadb_database: str) -> StandinSettings:
    return settings_for(stack, mariadb_database)


@pytest.fixture(scope="module")
def shared_magento(stack: Stack) -> Iterator[tuple[Seed, StandinSettings]]:
    """One installed database for a module of read-only tests (installing takes seconds)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin_conn = stack.mariadb.admin_connection()
    with admin_conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
    s = stack.settings
    conn = pymysql.connect(
        host=s.host,
        port=s.mariadb_port,
        user=s.mariadb_user,
        password=s.mariadb_password,
        database=name,
        charset="utf8mb4",
        autocommit=False,
    )
    install(conn)
    yield Seed(conn), settings_for(stack, name)
    conn.close()
    with admin_conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
    admin_conn.close()


@pytest.fixture
def client(magento: Seed, settings: StandinSettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def admin(client: TestClient) -> dict[str, str]:
    response = client.post("/rest/V1/integration/admin/token", json=ADMIN)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()}"}
