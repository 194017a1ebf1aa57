"""The customer service's Magento API over HTTP: sign-up with ids from the Magento id pool,
every write = the customer row + one outbox row, Magento's answers and errors."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import jwt
import psycopg
import pytest

from ficus_customer.api import create_app
from ficus_customer.testing import customer_event, customer_state
from ficus_legacy import tokens
from tests.integration.catalog.conftest import EventTable
from tests.integration.customer.conftest import (
    CRYPT_KEY,
    Service,
    customer_settings,
    fill_pool,
    serving,
)

pytestmark = pytest.mark.integration

PASSWORD = "Sup3r-secret"
DUPLICATE = "A customer with the same email address already exists in an associated website."
BAD_SIGN_IN = (
    "The account sign-in was incorrect or your account is disabled temporarily. "
    "Please wait and try again later."
)


def signup(email: str = "ada@example.com", **customer: Any) -> dict[str, Any]:
    address = {
        "firstname": "Ada", "lastname": "Lovelace", "street": ["12 Analytical Row", "Flat 3"],
        "city": "London", "country_id": "GB", "telephone": "+44 20 7946 0000", "postcode": "N1",
        "region": {"region": "Greater London", "region_id": 0}, "default_billing": True,
        "default_shipping": True,
    }  # fmt: skip
    values = {"email": email, "firstname": "Ada", "lastname": "Lovelace", "addresses": [address]}
    return {"customer": {**values, **customer}, "password": PASSWORD}


def login(service: Service, email: str, password: str = PASSWORD) -> tuple[int, Any]:
    answer = service.http.post(
        "/rest/V1/integration/customer/token", json={"username": email, "password": password}
    )
    return answer.status_code, answer.json()


def test_a_signup_takes_its_ids_from_the_pool_and_writes_one_outbox_row(service: Service) -> None:
    answer = service.http.post("/rest/V1/customers", json=signup())
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["id"], body["addresses"][0]["id"]) == (1000, 2000)
    assert body["default_billing"] == body["default_shipping"] == "2000"
    assert body["addresses"][0]["street"] == ["12 Analytical Row", "Flat 3"]
    assert body["created_in"] == "Default Store View" and body["website_id"] == 1
    assert "password_hash" not in body
    [row] = service.outbox()
    state = service.state(1000)
    assert state is not None and state["password_hash"].endswith(":3_32_2_67108864")
    assert (row["kind"], row["entity_id"], row["base"], row["payload"]) == (
        "upserted", 1000, None, state,
    )  # fmt: skip
    assert row["hlc"] > 0 and row["service_version"] == 1 and row["acked_at"] is None


def test_a_duplicate_email_is_magentos_400(service: Service) -> None:
    assert service.http.post("/rest/V1/customers", json=signup()).status_code == 200
    answer = service.http.post("/rest/V1/customers", json=signup("ADA@example.com"))
    assert (answer.status_code, answer.json()) == (400, {"message": DUPLICATE})
    assert len(service.outbox()) == 1


def test_an_empty_id_pool_is_a_503_with_retry_after(service: Service) -> None:
    with psycopg.connect(service.database_url) as conn:
        conn.execute("DELETE FROM magento_id_pool WHERE entity_id > 1000")
    assert service.http.post("/rest/V1/customers", json=signup(addresses=[])).status_code == 200
    answer = service.http.post("/rest/V1/customers", json=signup("late@x.com", addresses=[]))
    assert answer.status_code == 503
    assert set(answer.json()) == {"message"} and answer.headers["retry-after"] == "2"
    assert len(service.outbox()) == 1
    metrics = service.http.get("/metrics").text
    assert 'ficus_customer_writes_total{kind="upserted"} 1.0' in metrics
    assert "ficus_customer_id_pool_empty_total 1.0" in metrics


def test_login_issues_magentos_jwt_and_me_answers_the_customer(service: Service) -> None:
    created = service.http.post("/rest/V1/customers", json=signup()).json()
    status, token = login(service, "ada@example.com")
    assert status == 200
    claims = jwt.decode(token, tokens.signing_key(CRYPT_KEY), algorithms=["HS256"])
    assert (claims["uid"], claims["utypid"]) == (1000, 3)
    me = service.http.get("/rest/V1/customers/me", headers=service.bearer(token))
    assert me.json() == created
    billing = service.http.get(
        "/rest/V1/customers/me/billingAddress", headers=service.bearer(token)
    )
    assert billing.json() == created["addresses"][0]
    assert len(service.outbox()) == 1  # a clean login writes nothing


def test_failures_count_lock_the_account_and_a_login_unlocks(service: Service) -> None:
    service.http.post("/rest/V1/customers", json=signup())
    assert login(service, "ada@example.com", "wrong") == (401, {"message": BAD_SIGN_IN})
    state = service.state(1000)
    assert state is not None and state["failures_num"] == 1 and state["first_failure"]
    assert len(service.outbox()) == 2
    for _ in range(9):
        login(service, "ada@example.com", "wrong")
    state = service.state(1000)
    assert state is not None and state["failures_num"] == 10 and state["lock_expires"]
    assert login(service, "ada@example.com")[0] == 401  # locked, even with the right password


def test_a_legacy_hash_is_upgraded_on_login(service: Service) -> None:
    digest = hashlib.sha256(("salt" + PASSWORD).encode()).hexdigest()
    legacy = f"{digest}:salt:1"
    failed = {"failures_num": 2, "first_failure": "2026-01-01 00:00:00"}
    service.apply(customer_event(customer_state(7, password_hash=legacy, **failed), 1))
    assert login(service, "customer7@example.com")[0] == 200
    state = service.state(7)
    assert state is not None and state["password_hash"].endswith(":3_32_2_67108864")
    assert state["failures_num"] == 0 and state["first_failure"] is None
    [row] = service.outbox()
    assert row["base"]["password_hash"] == legacy and row["payload"] == state


def test_put_me_replaces_the_address_set(service: Service) -> None:
    service.http.post("/rest/V1/customers", json=signup())
    token = login(service, "ada@example.com")[1]
    me = service.http.get("/rest/V1/customers/me", headers=service.bearer(token)).json()
    kept = {**me["addresses"][0], "city": "Cambridge"}
    kept.pop("default_shipping")
    new = {**signup()["customer"]["addresses"][0], "city": "Oxford", "default_billing": False}
    body = {"customer": {**me, "lastname": "King", "addresses": [kept, new]}}
    answer = service.http.put("/rest/V1/customers/me", json=body, headers=service.bearer(token))
    assert answer.status_code == 200, answer.text
    saved = answer.json()
    assert saved["lastname"] == "King"
    assert [(a["id"], a["city"]) for a in saved["addresses"]] == [
        (2000, "Cambridge"),
        (2001, "Oxford"),
    ]
    assert (saved["default_billing"], saved["default_shipping"]) == ("2000", "2001")
    rows = service.outbox()
    assert len(rows) == 2 and rows[1]["base"] == rows[0]["payload"]
    assert rows[1]["hlc"] > rows[0]["hlc"] and rows[1]["service_version"] == 2


def test_admin_routes_need_an_admin_token(service: Service) -> None:
    service.http.post("/rest/V1/customers", json=signup())
    token = login(service, "ada@example.com")[1]
    for headers in ({}, service.bearer(token)):
        answer = service.http.get("/rest/V1/customers/1000", headers=headers)
        assert answer.status_code == 401
        assert answer.json()["parameters"] == {"resources": "Magento_Customer::customer"}
    assert service.http.get("/rest/V1/customers/1000", headers=service.admin()).status_code == 200
    missing = service.http.get("/rest/V1/customers/999", headers=service.admin())
    assert (missing.status_code, missing.json()) == (404, {
        "message": "No such entity with %fieldName = %fieldValue",
        "parameters": {"fieldName": "customerId", "fieldValue": 999},
    })  # fmt: skip


def test_admin_put_and_delete(service: Service) -> None:
    created = service.http.post("/rest/V1/customers", json=signup()).json()
    body = {"customer": {**created, "firstname": "Augusta"}}
    saved = service.http.put("/rest/V1/customers/1000", json=body, headers=service.admin()).json()
    assert saved["firstname"] == "Augusta" and saved["addresses"] == created["addresses"]
    deleted = service.http.delete("/rest/V1/customers/1000", headers=service.admin())
    assert deleted.json() is True and service.state(1000) is None
    rows = service.outbox()
    assert [r["kind"] for r in rows] == ["upserted", "upserted", "deleted"]
    assert rows[2]["payload"] is None and rows[2]["base"]["firstname"] == "Augusta"


def test_addresses_by_id(service: Service) -> None:
    created = service.http.post("/rest/V1/customers", json=signup()).json()
    found = service.http.get("/rest/V1/customers/addresses/2000", headers=service.admin())
    assert found.json() == created["addresses"][0]
    assert service.http.delete("/rest/V1/addresses/2000", headers=service.admin()).json() is True
    state = service.state(1000)
    assert state is not None and state["addresses"] == [] and state["default_billing"] is None
    gone = service.http.get("/rest/V1/customers/addresses/2000", headers=service.admin())
    assert gone.status_code == 404


def test_search_over_the_states(service: Service) -> None:
    for name in ("b@x.com", "a@x.com", "c@y.com"):
        service.http.post("/rest/V1/customers", json=signup(name, addresses=[]))
    params = {
        "searchCriteria[filter_groups][0][filters][0][field]": "email",
        "searchCriteria[filter_groups][0][filters][0][value]": "%@X.com",
        "searchCriteria[filter_groups][0][filters][0][condition_type]": "like",
        "searchCriteria[sortOrders][0][field]": "email",
        "searchCriteria[sortOrders][0][direction]": "ASC",
        "searchCriteria[pageSize]": "1",
    }
    body = service.http.get("/rest/V1/customers/search", params=params, headers=service.admin())
    page = body.json()
    assert [i["email"] for i in page["items"]] == ["a@x.com"] and page["total_count"] == 2
    assert page["search_criteria"]["page_size"] == 1
    bad = {"searchCriteria[filter_groups][0][filters][0][field]": "nope",
           "searchCriteria[filter_groups][0][filters][0][value]": "1"}  # fmt: skip
    answer = service.http.get("/rest/V1/customers/search", params=bad, headers=service.admin())
    assert answer.status_code == 400


def test_email_available_with_guest_checkout_login(customer_url: str, events: EventTable) -> None:
    settings = customer_settings(customer_url, events, guest_checkout_login=True)
    fill_pool(customer_url, "customer_entity", range(1000, 1001))
    with serving(create_app(settings)) as url, httpx.Client(base_url=url) as http:
        service = Service(url, customer_url, events, http)
        service.http.post("/rest/V1/customers", json=signup(addresses=[]))
        ask = "/rest/V1/customers/isEmailAvailable"
        assert service.http.post(ask, json={"customerEmail": "ADA@example.com"}).json() is False
        assert service.http.post(ask, json={"customerEmail": "new@example.com"}).json() is True


def test_a_password_change_revokes_older_tokens(service: Service) -> None:
    service.http.post("/rest/V1/customers", json=signup())
    token = login(service, "ada@example.com")[1]
    url, headers = "/rest/V1/customers/me/password", service.bearer(token)
    wrong = service.http.put(url, json={"currentPassword": "x", "newPassword": "N3w-password"},
                             headers=headers)  # fmt: skip
    assert wrong.status_code == 401
    change = {"currentPassword": PASSWORD, "newPassword": "N3w-password"}
    assert service.http.put(url, json=change, headers=headers).json() is True
    assert service.http.get("/rest/V1/customers/me", headers=headers).status_code == 401
    assert login(service, "ada@example.com", "N3w-password")[0] == 200


def test_the_route_manifest(service: Service) -> None:
    manifest = service.http.get("/_ficus/routes").json()
    assert manifest["domain"] == "customer"
    assert {"method": "POST", "path": "/V1/customers"} in manifest["routes"]
    assert {"method": "GET", "path": "/V1/customers/{customerId}"} in manifest["routes"]


def test_unknown_routes_and_health(service: Service) -> None:
    answer = service.http.get("/rest/V1/customers/me/nothing")
    assert (answer.status_code, answer.json()) == (
        404,
        {"message": "Request does not match any route."},
    )
    assert service.http.get("/healthz").json() == {"status": "ok"}
    assert service.http.get("/readyz").status_code == 200
    assert "ficus_customer_events_total" in service.http.get("/metrics").text
