from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ficus_legacy import tokens
from tests.integration.standin.conftest import Seed

pytestmark = pytest.mark.integration

BAD_SIGN_IN = (
    "The account sign-in was incorrect or your account is disabled temporarily. "
    "Please wait and try again later."
)
CUSTOMER = {
    "customer": {
        "email": "ada@example.com",
        "firstname": "Ada",
        "lastname": "Lovelace",
        "addresses": [
            {
                "firstname": "Ada",
                "lastname": "Lovelace",
                "street": ["1 Engine St"],
                "city": "London",
                "country_id": "GB",
                "telephone": "1",
                "postcode": "N1",
                "default_billing": True,
                "default_shipping": True,
            }
        ],
    },
    "password": "Passw0rd!",
}
PROFILE = {"email": "ada@example.com", "firstname": "Ada", "lastname": "Lovelace"}


def test_admin_token_is_a_json_string_jwt(client: TestClient) -> None:
    ok = client.post(
        "/rest/V1/integration/admin/token", json={"username": "admin", "password": "Secret-admin-1"}
    )
    claims = tokens.verify(
        "integration-secret-of-sufficient-length", ok.json(), tokens.UserType.ADMIN
    )
    assert claims.expires_at - claims.issued_at == 3600
    bad = client.post(
        "/rest/V1/integration/admin/token", json={"username": "admin", "password": "wrong"}
    )
    assert bad.status_code == 401 and bad.json() == {"message": BAD_SIGN_IN}


def test_customer_sign_up_token_and_me(
    client: TestClient, admin: dict[str, str], magento: Seed
) -> None:
    created = client.post("/rest/V1/customers", json=CUSTOMER)
    assert created.status_code == 200, created.text
    body = created.json()
    assert (body["email"], body["website_id"], body["store_id"], body["group_id"]) == (
        "ada@example.com",
        1,
        1,
        1,
    )
    assert body["created_in"] == "Default Store View"
    address = body["addresses"][0]
    assert address["street"] == ["1 Engine St"] and address["default_billing"] is True
    assert body["default_billing"] == str(address["id"])
    stored = magento.scalar(
        "SELECT password_hash FROM customer_entity WHERE entity_id = %s", body["id"]
    )
    assert stored.endswith(":3_32_2_67108864") and "Passw0rd!" not in stored

    duplicate = client.post("/rest/V1/customers", json=CUSTOMER)
    assert duplicate.status_code == 400
    weak = client.post("/rest/V1/customers", json={**CUSTOMER, "password": "short"})
    assert weak.status_code == 400
    assert magento.scalar("SELECT COUNT(*) FROM customer_entity") == 1

    bad = client.post(
        "/rest/V1/integration/customer/token",
        json={"username": "ada@example.com", "password": "nope"},
    )
    assert bad.status_code == 401 and bad.json()["message"] == BAD_SIGN_IN
    token = client.post(
        "/rest/V1/integration/customer/token",
        json={"username": "ada@example.com", "password": "Passw0rd!"},
    ).json()
    me = client.get("/rest/V1/customers/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["id"] == body["id"]
    assert client.get("/rest/V1/customers/me").status_code == 401
    assert (
        client.get("/rest/V1/customers/me", headers=admin).status_code == 401
    )  # admin is not a customer
    assert (
        client.get(
            f"/rest/V1/customers/{body['id']}", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 401
    )

    got = client.get(f"/rest/V1/customers/{body['id']}", headers=admin).json()
    assert got["lastname"] == "Lovelace"
    missing = client.get("/rest/V1/customers/999", headers=admin)
    assert missing.status_code == 404
    assert missing.json() == {
        "message": "No such entity with %fieldName = %fieldValue",
        "parameters": {"fieldName": "customerId", "fieldValue": 999},
    }


def test_customer_search(client: TestClient, admin: dict[str, str]) -> None:
    for n, name in enumerate(["Ada", "Bob", "Cy"]):
        customer = {
            "customer": {"email": f"{name.lower()}@x.io", "firstname": name, "lastname": "L"},
            "password": f"Passw0rd!{n}",
        }
        assert client.post("/rest/V1/customers", json=customer).status_code == 200
    prefix = "searchCriteria[filterGroups][0][filters]"
    query = (
        f"{prefix}[0][field]=firstname&{prefix}[0][value]=Ada"
        f"&{prefix}[1][field]=email&{prefix}[1][value]=cy@x.io"
    )
    body = client.get(
        f"/rest/V1/customers/search?{query}&searchCriteria[sortOrders][0][field]=email&searchCriteria[sortOrders][0][direction]=DESC",
        headers=admin,
    ).json()
    assert [c["firstname"] for c in body["items"]] == ["Cy", "Ada"] and body["total_count"] == 2


def test_customer_updates_move_updated_at(
    client: TestClient, admin: dict[str, str], magento: Seed
) -> None:
    customer_id = client.post("/rest/V1/customers", json=CUSTOMER).json()["id"]
    other = {**CUSTOMER["customer"], "email": "bob@example.com", "addresses": []}  # type: ignore[dict-item]
    client.post("/rest/V1/customers", json={"customer": other, "password": "Passw0rd!"})
    with magento.conn.cursor() as cur:  # so that a new updated_at is visible at 1 s resolution
        cur.execute("UPDATE customer_entity SET updated_at = '2020-01-01 00:00:00'")
    magento.conn.commit()
    token = client.post(
        "/rest/V1/integration/customer/token",
        json={"username": "ada@example.com", "password": "Passw0rd!"},
    ).json()
    me = client.put(
        "/rest/V1/customers/me",
        json={"customer": {**PROFILE, "firstname": "Augusta"}},  # a save replaces the customer
        headers={"Authorization": f"Bearer {token}"},
    )
    assert me.status_code == 200 and me.json()["firstname"] == "Augusta"
    assert me.json()["updated_at"] > "2020-01-01 00:00:00"
    taken = client.put(
        f"/rest/V1/customers/{customer_id}",
        json={"customer": {"email": "bob@example.com"}},
        headers=admin,
    )
    assert taken.status_code == 400
    assert magento.scalar(
        "SELECT email FROM customer_entity WHERE entity_id = %s", customer_id
    ) == ("ada@example.com")
    renamed = client.put(
        f"/rest/V1/customers/{customer_id}",
        json={"customer": {**PROFILE, "lastname": "King"}},
        headers=admin,
    )
    assert renamed.json()["lastname"] == "King"
    used = client.post(
        "/rest/V1/customers/isEmailAvailable", json={"customerEmail": "bob@example.com"}
    )
    assert used.json() is True  # guest checkout login off (Magento 2.4.7+): no enumeration
