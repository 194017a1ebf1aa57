"""customer_grid_flat: installed with the schema, refreshed the way Magento's indexer does."""

from __future__ import annotations

from typing import Any

import pymysql

from ficus_legacy.customers import grid
from ficus_standin.generator import SeedSpec, generate

Conn = pymysql.Connection  # type: ignore[type-arg]


def _customer(conn: Conn, entity_id: int, **columns: Any) -> None:
    row = {"entity_id": entity_id, "website_id": 1, "email": f"c{entity_id}@example.com",
           "group_id": 1, "store_id": 1, "created_at": "2024-03-04 05:06:07",
           "updated_at": "2024-03-04 05:06:07", "firstname": "Zoë", "lastname": "Ünal",
           **columns}  # fmt: skip
    _insert(conn, "customer_entity", row)


def _address(conn: Conn, entity_id: int, parent_id: int, **columns: Any) -> None:
    row = {"entity_id": entity_id, "parent_id": parent_id, "city": "Köln", "country_id": "DE",
           "firstname": "Zoë", "lastname": "Ünal", "street": "Main St 1\nFloor 2",
           "telephone": "+49 1", "postcode": "50667", "region": "NRW", "region_id": 88,
           **columns}  # fmt: skip
    _insert(conn, "customer_address_entity", row)


def _insert(conn: Conn, table: str, row: dict[str, Any]) -> None:
    names = ", ".join(row)
    marks = ", ".join(["%s"] * len(row))
    with conn.cursor() as cur:
        cur.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values()))  # noqa: S608


def _grid(conn: Conn, entity_id: int) -> dict[str, Any] | None:
    with conn.cursor(pymysql.cursors.DictCursor) as cur:
        cur.execute("SELECT * FROM customer_grid_flat WHERE entity_id = %s", (entity_id,))
        return cur.fetchone()  # type: ignore[no-any-return]


def test_refresh_composes_name_and_addresses_like_the_indexer(magento_tx: Conn) -> None:
    _customer(magento_tx, 9001, prefix="Dr.", middlename=None, suffix="Jr.", taxvat="DE1",
              dob="1990-02-28", gender=2, default_billing=9101, default_shipping=9102)  # fmt: skip
    _address(magento_tx, 9101, 9001, company="ACME", fax="9", vat_id="V1")
    _address(magento_tx, 9102, 9001, street="Ship St 5", city="Bonn", region=None)
    grid.refresh(magento_tx, [9001])
    row = _grid(magento_tx, 9001)
    assert row is not None
    assert row["name"] == "Dr. Zoë Ünal Jr."
    assert row["billing_full"] == "Main St 1\nFloor 2 Köln NRW 50667"
    assert row["shipping_full"] == "Ship St 5 Bonn 50667"
    assert (row["billing_company"], row["billing_fax"], row["billing_vat_id"]) == (
        "ACME",
        "9",
        "V1",
    )
    assert (row["billing_region_id"], row["billing_country_id"]) == (88, "DE")
    assert (row["email"], row["group_id"], row["website_id"]) == ("c9001@example.com", 1, 1)
    assert (str(row["dob"]), row["gender"], row["taxvat"]) == ("1990-02-28", 2, "DE1")


def test_a_customer_without_addresses_and_a_deleted_one(magento_tx: Conn) -> None:
    _customer(magento_tx, 9002, firstname=None, lastname="Solo")
    grid.refresh(magento_tx, [9002])
    row = _grid(magento_tx, 9002)
    assert row is not None
    assert (row["name"], row["billing_full"], row["billing_firstname"]) == ("Solo", "", None)
    with magento_tx.cursor() as cur:
        cur.execute("DELETE FROM customer_entity WHERE entity_id = 9002")
    grid.refresh(magento_tx, [9002])
    assert _grid(magento_tx, 9002) is None


def test_refresh_all_rebuilds_every_row(magento_tx: Conn) -> None:
    for entity_id in (9003, 9004):
        _customer(magento_tx, entity_id)
    with magento_tx.cursor() as cur:
        cur.execute("INSERT INTO customer_grid_flat (entity_id, name) VALUES (9999, 'stale')")
    grid.refresh_all(magento_tx)
    with magento_tx.cursor() as cur:
        cur.execute("SELECT entity_id, name FROM customer_grid_flat ORDER BY entity_id")
        rows = cur.fetchall()
    assert rows == ((9003, "Zoë Ünal"), (9004, "Zoë Ünal"))


def test_the_generator_fills_the_grid_for_seeded_customers(mariadb_conn: Conn) -> None:
    generate(mariadb_conn, SeedSpec(products=20, customers=25, orders=5, seed=3))
    with mariadb_conn.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*), SUM(g.name = TRIM(CONCAT_WS(' ', e.firstname, e.middlename,"
            " e.lastname))), SUM(g.billing_full <> '') FROM customer_entity e"
            " JOIN customer_grid_flat g ON g.entity_id = e.entity_id"
        )
        assert cur.fetchone() == (25, 25, 25)
