"""customer_grid_flat follows every stand-in customer write, as Magento's customer_grid indexer."""

from __future__ import annotations

import pymysql
import pytest
from fastapi.testclient import TestClient

from ficus_legacy.customers import grid
from ficus_legacy.mysql import connect
from ficus_standin import StandinSettings
from tests.integration.standin.conftest import Seed

pytestmark = pytest.mark.integration

ADDRESS = {
    "firstname": "Ada",
    "lastname": "Lovelace",
    "street": ["1 Engine St", "Flat 2"],
    "city": "London",
    "country_id": "GB",
    "region": {"region": "Greater London"},
    "telephone": "020 1",
    "postcode": "N1",
    "default_billing": True,
    "default_shipping": True,
}
ADA = {
    "customer": {
        "email": "ada@example.com",
        "prefix": "Lady",
        "firstname": "Ada",
        "lastname": "Lovelace",
        "addresses": [ADDRESS],
    },
    "password": "Passw0rd!",
}


def _grid(magento: Seed, customer_id: int) -> dict[str, object]:
    rows = magento.rows("SELECT * FROM customer_grid_flat WHERE entity_id = %s", customer_id)
    assert len(rows) == 1
    return rows[0]


def test_a_customer_created_through_the_api_has_its_grid_row(
    client: TestClient, magento: Seed
) -> None:
    created = client.post("/rest/V1/customers", json=ADA)
    assert created.status_code == 200, created.text
    row = _grid(magento, created.json()["id"])
    assert (row["name"], row["email"], row["group_id"], row["website_id"]) == (
        "Lady Ada Lovelace",
        "ada@example.com",
        1,
        1,
    )
    assert row["created_in"] == "Default Store View"
    assert (
        row["billing_full"]
        == row["shipping_full"]
        == "1 Engine St\nFlat 2 London Greater London N1"
    )
    assert (row["billing_city"], row["billing_telephone"], row["billing_country_id"]) == (
        "London",
        "020 1",
        "GB",
    )


def test_updates_and_a_lock_reach_the_grid(
    client: TestClient, admin: dict[str, str], magento: Seed
) -> None:
    customer_id = client.post("/rest/V1/customers", json=ADA).json()["id"]
    changed = client.put(
        f"/rest/V1/customers/{customer_id}",
        json={
            "customer": {**ADA["customer"], "firstname": "Augusta", "email": "augusta@example.com"}
        },
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    row = _grid(magento, customer_id)
    assert (row["name"], row["email"]) == ("Lady Augusta Lovelace", "augusta@example.com")

    for attempt in range(10):
        client.post(
            "/rest/V1/integration/customer/token",
            json={"username": "augusta@example.com", "password": f"wrong-{attempt}"},
        )
    assert _grid(magento, customer_id)["lock_expires"] is not None


def _sign_up(conn: pymysql.Connection, email: str) -> int:  # type: ignore[type-arg]
    """A sign-up's rows as the stand-in writes them, its transaction left open."""
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO customer_entity (email, website_id, firstname, lastname, group_id,"
            " store_id) VALUES (%s, 1, 'Ada', 'Lovelace', 1, 1)",
            (email,),
        )
        customer_id = int(cur.lastrowid)
    grid.refresh(conn, [customer_id])
    return customer_id


def test_two_open_sign_ups_do_not_wait_on_each_others_grid_rows(
    magento: Seed, settings: StandinSettings
) -> None:
    """A grid row is upserted, never deleted while missing: no gap lock, so the second
    sign-up goes through while the first is still open (a DELETE of the missing row locked the
    gap; two sign-ups each waited on the other's: InnoDB deadlock 1213, a 500)."""
    first = magento.conn
    second = connect(settings.mysql_url.get_secret_value())
    try:
        with second.cursor() as cur:
            cur.execute("SET SESSION innodb_lock_wait_timeout = 1")
        one = _sign_up(first, "one@example.com")
        two = _sign_up(second, "two@example.com")  # 1205 here when it waits on the first
        second.commit()
        first.commit()
    finally:
        second.close()
    assert {_grid(magento, i)["email"] for i in (one, two)} == {
        "one@example.com",
        "two@example.com",
    }


def test_a_deleted_customers_grid_row_goes(magento: Seed) -> None:
    customer_id = _sign_up(magento.conn, "gone@example.com")
    with magento.conn.cursor() as cur:
        cur.execute("DELETE FROM customer_entity WHERE entity_id = %s", (customer_id,))
    grid.refresh(magento.conn, [customer_id])
    assert magento.rows("SELECT * FROM customer_grid_flat WHERE entity_id = %s", customer_id) == []
