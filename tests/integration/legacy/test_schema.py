"""The installed schema matches MAGENTO.md by introspection, and Magento's install rows exist."""

from __future__ import annotations

import pymysql
import pytest

from ficus_legacy.schema import TABLES, expected, install
from ficus_legacy.schema.introspect import diff, introspect

pytestmark = pytest.mark.integration
Conn = pymysql.Connection  # type: ignore[type-arg]


def _scalar(conn: Conn, sql: str, *args: object) -> object:
    with conn.cursor() as cur:
        cur.execute(sql, args)
        row = cur.fetchone()
    assert row is not None
    return row[0]


def test_every_table_matches_magento_md(magento_tx: Conn) -> None:
    problems = [
        p for name, spec in expected().items() for p in diff(spec, introspect(magento_tx, name))
    ]
    assert problems == []


def test_every_declared_table_exists_as_innodb_utf8mb4(magento_tx: Conn) -> None:
    with magento_tx.cursor() as cur:
        cur.execute(
            "SELECT table_name, engine, table_collation FROM information_schema.tables"
            " WHERE table_schema = DATABASE()"
        )
        found = {name: (engine, collation) for name, engine, collation in cur.fetchall()}
    assert set(TABLES) <= set(found)
    assert {found[t] for t in TABLES} == {("InnoDB", "utf8mb4_general_ci")}


def test_introspection_notices_a_wrong_column(magento: Conn) -> None:
    with magento.cursor() as cur:
        cur.execute("ALTER TABLE store MODIFY name varchar(64) NULL")
        cur.execute("ALTER TABLE url_rewrite DROP INDEX URL_REWRITE_REQUEST_PATH_STORE_ID")
    assert len(diff(expected()["store"], introspect(magento, "store"))) == 1
    assert diff(expected()["url_rewrite"], introspect(magento, "url_rewrite"))


def test_install_rows(magento_tx: Conn) -> None:
    assert _scalar(magento_tx, "SELECT code FROM store WHERE store_id = 1") == "default"
    assert _scalar(magento_tx, "SELECT code FROM store_website WHERE website_id = 0") == "admin"
    assert _scalar(magento_tx, "SELECT code FROM store_group WHERE group_id = 1") == (
        "main_website_store"
    )
    codes = "SELECT entity_type_code FROM eav_entity_type ORDER BY entity_type_id"
    with magento_tx.cursor() as cur:
        cur.execute(codes)
        assert [r[0] for r in cur.fetchall()] == [
            "customer", "customer_address", "catalog_category", "catalog_product",
            "order", "invoice", "creditmemo", "shipment",
        ]  # fmt: skip
    assert _scalar(magento_tx, "SELECT default_attribute_set_id FROM eav_entity_type"
                   " WHERE entity_type_code = 'catalog_product'") == 4  # fmt: skip
    assert (
        _scalar(magento_tx, "SELECT path FROM catalog_category_entity WHERE entity_id = 2") == "1/2"
    )
    assert _scalar(magento_tx, "SELECT COUNT(*) FROM customer_group") == 4
    assert _scalar(magento_tx, "SELECT state FROM sales_order_status_state"
                   " WHERE status = 'pending'") == "new"  # fmt: skip
    assert _scalar(magento_tx, "SELECT stock_name FROM cataloginventory_stock") == "Default"


def test_default_attributes_with_backend_types_and_scopes(magento_tx: Conn) -> None:
    rows = (
        "SELECT a.attribute_code, a.backend_type, c.is_global FROM eav_attribute a"
        " JOIN catalog_eav_attribute c USING (attribute_id) WHERE a.entity_type_id = 4"
    )
    with magento_tx.cursor() as cur:
        cur.execute(rows)
        attrs = {code: (backend, scope) for code, backend, scope in cur.fetchall()}
    assert attrs["name"] == ("varchar", 0)
    assert attrs["price"] == ("decimal", 1)
    assert attrs["status"] == ("int", 2)
    assert attrs["special_from_date"] == ("datetime", 2)
    assert attrs["description"] == ("text", 0)
    assert attrs["sku"] == ("static", 1)


def test_install_is_idempotent(magento_tx: Conn) -> None:
    install(magento_tx)
    assert _scalar(magento_tx, "SELECT COUNT(*) FROM store") == 2
