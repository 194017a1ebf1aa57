"""customer_grid_flat follows every stand-in customer write, as Magento's customer_grid indexer."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

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
