"""The stand-in's customer routes answer as Magento 2.4.8 (Customer/etc/webapi.xml): JSON in
the interfaces' order, Magento's errors, address sets replaced by a save, deletes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from ficus_standin import StandinSettings, create_app
from tests.integration.standin.conftest import Seed

pytestmark = pytest.mark.integration

HOME = {
    "firstname": "Ada",
    "lastname": "Lovelace",
    "street": ["1 Engine St", "Flat 2"],
    "city": "London",
    "country_id": "GB",
    "telephone": "020 1",
    "postcode": "N1",
    "fax": "020 2",
    "default_billing": True,
}
DUPLICATE = "A customer with the same email address already exists in an associated website."
PROFILE = {"email": "ada@example.com", "firstname": "Ada", "lastname": "Lovelace"}
CUSTOMER_KEYS = [
    "id", "group_id", "default_billing", "created_at", "updated_at", "created_in", "email",
    "firstname", "lastname", "middlename", "store_id", "website_id", "addresses",
    "disable_auto_group_change", "extension_attributes",
]  # fmt: skip
ADDRESS_KEYS = [
    "id", "customer_id", "region", "region_id", "country_id", "street", "telephone", "fax",
    "postcode", "city", "firstname", "lastname", "default_billing",
]  # fmt: skip


def _create(client: TestClient, **customer: Any) -> dict[str, Any]:
    body = {"customer": {**PROFILE, "addresses": [HOME], **customer}, "password": "Passw0rd!"}
    created = client.post("/rest/V1/customers", json=body)
    assert created.status_code == 200, created.text
    answer: dict[str, Any] = created.json()
    return answer


def _me(client: TestClient) -> dict[str, str]:
    token = client.post(
        "/rest/V1/integration/customer/token",
        json={"username": PROFILE["email"], "password": "Passw0rd!"},
    ).json()
    return {"Authorization": f"Bearer {token}"}


def test_a_created_customer_is_answered_in_magentos_order(client: TestClient) -> None:
    body = _create(client, middlename="B.")
    assert list(body) == CUSTOMER_KEYS
    address = body["addresses"][0]
    assert list(address) == ADDRESS_KEYS
    assert address["region"] == {"region_id": 0} and address["street"] == ["1 Engine St", "Flat 2"]
    assert body["default_billing"] == str(address["id"])
    assert body["extension_attributes"] == {"is_subscribed": False}


@pytest.mark.parametrize(
    ("customer", "password", "message"),
    [
        ({"email": ""}, "Passw0rd!", "The customer email is missing. Enter and try again."),
        (
            {"firstname": "", "lastname": None},
            "Passw0rd!",
            '"First Name" is a required value.\n"Last Name" is a required value.',
        ),
        (
            {},
            "alllowercase",
            "Minimum of different classes of characters in password is %1."
            " Classes of characters: Lower Case, Upper Case, Digits, Special Characters.",
        ),
        (
            {"email": "Ada-1@x.io"},
            "ada-1@X.IO",
            "The password can't be the same as the email address."
            " Create a new password and try again.",
        ),
        (
            {},
            " Passw0rd!",
            "The password can't begin or end with a space. Verify the password and try again.",
        ),
    ],
)
def test_sign_up_errors_are_magentos(
    client: TestClient, customer: dict[str, Any], password: str, message: str
) -> None:
    body = {"customer": {**PROFILE, **customer}, "password": password}
    refused = client.post("/rest/V1/customers", json=body)
    assert refused.status_code == 400 and refused.json()["message"] == message


def test_sign_up_without_password_and_a_duplicate(client: TestClient, magento: Seed) -> None:
    created = client.post("/rest/V1/customers", json={"customer": PROFILE})
    assert created.status_code == 200, created.text
    assert magento.scalar("SELECT password_hash FROM customer_entity") is None
    again = client.post("/rest/V1/customers", json={"customer": PROFILE, "password": "Passw0rd!"})
    assert (again.status_code, again.json()) == (
        400,
        {"message": DUPLICATE},
    )


def test_a_save_with_addresses_replaces_the_set(client: TestClient, magento: Seed) -> None:
    created = _create(client, addresses=[HOME, {**HOME, "city": "Bath", "default_billing": False}])
    home, bath = (a["id"] for a in created["addresses"])
    auth = _me(client)
    office = {**HOME, "city": "Leeds", "default_billing": False, "default_shipping": True}
    kept = {**HOME, "id": home, "street": ["2 Engine St"]}
    saved = client.put(
        "/rest/V1/customers/me",
        json={"customer": {**PROFILE, "lastname": "King", "addresses": [kept, office]}},
        headers=auth,
    )
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert [a["city"] for a in body["addresses"]] == ["London", "Leeds"]
    assert body["addresses"][0]["street"] == ["2 Engine St"] and body["lastname"] == "King"
    leeds = body["addresses"][1]["id"]
    assert (body["default_billing"], body["default_shipping"]) == (str(home), str(leeds))
    assert (
        magento.scalar("SELECT COUNT(*) FROM customer_address_entity WHERE entity_id = %s", bath)
        == 0
    )

    without = client.put("/rest/V1/customers/me", json={"customer": PROFILE}, headers=auth)
    assert len(without.json()["addresses"]) == 2  # no `addresses`: the set stays
    assert "middlename" not in without.json() and without.json()["lastname"] == "Lovelace"
    missing = client.put(
        "/rest/V1/customers/me", json={"customer": {"firstname": "A"}}, headers=auth
    )
    assert (missing.status_code, missing.json()) == (
        400,
        {"message": "The customer email is missing. Enter and try again."},
    )


def test_default_addresses_of_me_and_by_id(client: TestClient, admin: dict[str, str]) -> None:
    created = _create(client)
    auth = _me(client)
    billing = client.get("/rest/V1/customers/me/billingAddress", headers=auth)
    assert billing.status_code == 200 and billing.json()["id"] == created["addresses"][0]["id"]
    assert client.get("/rest/V1/customers/me/shippingAddress", headers=auth).json() is None
    by_id = client.get(f"/rest/V1/customers/{created['id']}/billingAddress", headers=admin)
    assert by_id.json() == billing.json()
    assert (
        client.get(f"/rest/V1/customers/{created['id']}/billingAddress", headers=auth).status_code
        == 401
    )


def test_addresses_by_id_and_their_delete(
    client: TestClient, admin: dict[str, str], magento: Seed
) -> None:
    created = _create(client)
    address_id = created["addresses"][0]["id"]
    got = client.get(f"/rest/V1/customers/addresses/{address_id}", headers=admin)
    assert got.json() == created["addresses"][0]
    assert client.get(f"/rest/V1/customers/addresses/{address_id}").status_code == 401
    deleted = client.delete(f"/rest/V1/addresses/{address_id}", headers=admin)
    assert (deleted.status_code, deleted.json()) == (200, True)
    customer = client.get(f"/rest/V1/customers/{created['id']}", headers=admin).json()
    assert customer["addresses"] == [] and "default_billing" not in customer
    assert not magento.scalar("SELECT billing_full FROM customer_grid_flat")
    missing = client.get(f"/rest/V1/customers/addresses/{address_id}", headers=admin)
    assert (missing.status_code, missing.json()) == (
        404,
        {
            "message": "No such entity with %fieldName = %fieldValue",
            "parameters": {"fieldName": "addressId", "fieldValue": address_id},
        },
    )


def test_delete_a_customer(client: TestClient, admin: dict[str, str], magento: Seed) -> None:
    customer_id = _create(client)["id"]
    denied = client.delete(f"/rest/V1/customers/{customer_id}", headers=_me(client))
    assert denied.json()["parameters"] == {"resources": "Magento_Customer::delete"}
    deleted = client.delete(f"/rest/V1/customers/{customer_id}", headers=admin)
    assert (deleted.status_code, deleted.json()) == (200, True)
    assert magento.scalar("SELECT COUNT(*) FROM customer_grid_flat") == 0
    assert magento.scalar("SELECT COUNT(*) FROM customer_address_entity") == 0
    again = client.delete(f"/rest/V1/customers/{customer_id}", headers=admin)
    assert again.status_code == 404 and again.json()["parameters"]["fieldName"] == "customerId"


def test_is_email_available_checks_only_with_guest_checkout_login(
    client: TestClient, magento: Seed, settings: StandinSettings
) -> None:
    _create(client)
    ask = "/rest/V1/customers/isEmailAvailable"
    assert client.post(ask, json={"customerEmail": PROFILE["email"]}).json() is True
    checking = settings.model_copy(update={"guest_checkout_login": True})
    with TestClient(create_app(checking)) as strict:
        assert strict.post(ask, json={"customerEmail": PROFILE["email"]}).json() is False
        assert strict.post(ask, json={"customerEmail": "new@example.com"}).json() is True
        other = strict.post(ask, json={"customerEmail": PROFILE["email"], "websiteId": 2})
        assert other.json() is True
