"""Parity with the stand-in (Magento 2.4.8's answers): the same requests over HTTP to the
stand-in on a real MariaDB and to the customer service answer the same status and JSON.

The service is fed as forward sync feeds it: Magento's rows read back (`ficus_legacy.customers`)
and published as `customer` events; the other way, a service state is written into Magento's
rows as reverse sync writes it. Both sides sign tokens with one crypt key, so a token of either
is good on the other, and a password hash made on either side logs in on the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pymysql
import pytest
from pydantic import SecretStr

from ficus_contracts.customers import CustomerState
from ficus_customer.testing import customer_event
from ficus_devstack import Stack
from ficus_legacy import customers
from ficus_legacy.schema import install
from ficus_standin import StandinSettings
from ficus_standin import create_app as standin_app
from tests.integration.customer.conftest import CRYPT_KEY, Service, serving

pytestmark = pytest.mark.integration

ADMIN = {"username": "admin", "password": "Secret-admin-1"}
PASSWORD = "Passw0rd!"
HOME = {
    "firstname": "Ada", "lastname": "Lovelace", "street": ["1 Engine St", "Flat 2"],
    "city": "London", "country_id": "GB", "telephone": "020 1", "postcode": "N1",
    "region": {"region": "Greater London", "region_id": 0}, "fax": "020 2",
    "default_billing": True, "default_shipping": True,
}  # fmt: skip
WORK = {**HOME, "street": ["9 Office Rd"], "city": "Cambridge", "company": "Engines Ltd",
        "default_billing": False, "default_shipping": False}  # fmt: skip


@dataclass
class Sides:
    """The stand-in and the service, and the Magento connection that feeds the service."""

    magento: httpx.Client
    service: Service
    conn: pymysql.Connection  # type: ignore[type-arg]
    versions: dict[int, int] = field(default_factory=dict)

    def both(self, method: str, path: str, **kw: Any) -> tuple[httpx.Response, httpx.Response]:
        return self.magento.request(method, path, **kw), self.service.http.request(
            method, path, **kw
        )

    def admin(self) -> dict[str, str]:
        token = self.magento.post("/rest/V1/integration/admin/token", json=ADMIN).json()
        return {"Authorization": f"Bearer {token}"}

    def forward(self, *ids: int) -> None:
        """Magento's current rows of these customers → events the service applies."""
        self.conn.commit()
        states = customers.read(self.conn, ids)
        events = []
        for entity_id in ids:
            self.versions[entity_id] = self.versions.get(entity_id, 0) + 1
            state = states.get(entity_id)
            version = self.versions[entity_id]
            events.append(customer_event(state, version, entity_id=entity_id))
        self.service.apply(*events)

    def reverse(self, entity_id: int) -> None:
        """The service's state of a customer → Magento's rows (as the reverse worker)."""
        state = self.service.state(entity_id)
        assert state is not None
        self.conn.commit()
        previous = customers.read(self.conn, [entity_id]).get(entity_id)
        customers.write(self.conn, CustomerState.model_validate(state), previous)
        self.conn.commit()


@pytest.fixture
def sides(
    stack: Stack,
    mariadb_conn: pymysql.Connection,
    mariadb_database: str,
    service: Service,  # type: ignore[type-arg]
) -> Iterator[Sides]:
    install(mariadb_conn)
    mariadb_conn.commit()
    s = stack.settings
    url = f"mysql://{s.mariadb_user}:{s.mariadb_password}@{s.host}:{s.mariadb_port}/{mariadb_database}"
    settings = StandinSettings(
        mysql_url=SecretStr(url), crypt_key=SecretStr(CRYPT_KEY), pool_size=2,
        admin_username=ADMIN["username"], admin_password=SecretStr(ADMIN["password"]),
    )  # fmt: skip
    with (
        serving(standin_app(settings)) as standin_url,
        httpx.Client(base_url=standin_url, timeout=30) as magento,
    ):
        yield Sides(magento, service, mariadb_conn)


def _same(a: httpx.Response, b: httpx.Response, *ignored: str) -> None:
    assert a.status_code == b.status_code, (a.text, b.text)
    left, right = a.json(), b.json()
    if isinstance(left, dict) and isinstance(right, dict):
        for key in ignored:
            left.pop(key, None), right.pop(key, None)
    assert left == right
    if isinstance(left, dict):  # Magento's field order too
        assert list(left) == list(right)


def _signup(sides: Sides, email: str = "ada@example.com") -> int:
    body = {"customer": {"email": email, "firstname": "Ada", "lastname": "Lovelace",
                         "dob": "1815-12-10", "gender": 2, "addresses": [HOME, WORK]},
            "password": PASSWORD}  # fmt: skip
    answer = sides.magento.post("/rest/V1/customers", json=body)
    assert answer.status_code == 200, answer.text
    customer_id = int(answer.json()["id"])
    sides.forward(customer_id)
    return customer_id


def _login(client: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    return client.post(
        "/rest/V1/integration/customer/token", json={"username": email, "password": password}
    )


def test_reads_answer_the_same(sides: Sides) -> None:
    customer_id = _signup(sides)
    address_id = sides.service.state(customer_id)["addresses"][0]["entity_id"]  # type: ignore[index]
    admin = sides.admin()
    for path in (f"/rest/V1/customers/{customer_id}", f"/rest/default/V1/customers/{customer_id}",
                 f"/rest/V1/customers/addresses/{address_id}",
                 f"/rest/V1/customers/{customer_id}/billingAddress"):  # fmt: skip
        _same(*sides.both("GET", path, headers=admin))
    for query in ("id,email,addresses[city,street]", "items", "default_billing,nope"):
        path = f"/rest/V1/customers/{customer_id}/"  # Magento trims the slash
        _same(*sides.both("GET", path, params={"fields": query}, headers=admin))
    token = _login(sides.magento, "ada@example.com").json()  # the stand-in's token …
    me = {"Authorization": f"Bearer {token}"}
    for path in ("/rest/V1/customers/me", "/rest/V1/customers/me/shippingAddress"):
        _same(*sides.both("GET", path, headers=me))  # … is good on the service
    for email in ("ada@example.com", "ADA@example.com", "free@example.com"):
        body = {"customerEmail": email}
        _same(*sides.both("POST", "/rest/V1/customers/isEmailAvailable", json=body))


def test_searches_answer_the_same(sides: Sides) -> None:
    for email in ("b@x.com", "a@x.com", "c@y.com"):
        _signup(sides, email)
    admin = sides.admin()
    criteria = [
        {"searchCriteria[filter_groups][0][filters][0][field]": "email",
         "searchCriteria[filter_groups][0][filters][0][value]": "%@x.com",
         "searchCriteria[filter_groups][0][filters][0][condition_type]": "like",
         "searchCriteria[sortOrders][0][field]": "email",
         "searchCriteria[sortOrders][0][direction]": "ASC"},
        {"searchCriteria[pageSize]": "2", "searchCriteria[currentPage]": "2"},
        {"searchCriteria[filter_groups][0][filters][0][field]": "entity_id",
         "searchCriteria[filter_groups][0][filters][0][value]": "1,3",
         "searchCriteria[filter_groups][0][filters][0][condition_type]": "in"},
        {"searchCriteria[filter_groups][0][filters][0][field]": "nope",
         "searchCriteria[filter_groups][0][filters][0][value]": "1"},
        {},
    ]  # fmt: skip
    for params in criteria:
        _same(*sides.both("GET", "/rest/V1/customers/search", params=params, headers=admin))


def test_errors_answer_the_same(sides: Sides) -> None:
    customer_id = _signup(sides)
    admin = sides.admin()
    bad = {"Authorization": "Bearer not-a-token"}
    requests: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/rest/V1/customers/999", {"headers": admin}),
        ("GET", f"/rest/V1/customers/{customer_id}", {}),
        ("GET", f"/rest/V1/customers/{customer_id}", {"headers": bad}),
        ("GET", "/rest/V1/customers/me", {"headers": admin}),
        ("GET", "/rest/V1/customers/addresses/999", {"headers": admin}),
        ("GET", "/rest/V1/customers/nothing/here", {}),
        ("POST", "/rest/V1/customers", {"json": {"customer": {"email": "ada@example.com",
            "firstname": "A", "lastname": "B"}, "password": PASSWORD}}),
        ("POST", "/rest/V1/customers", {"json": {"customer": {"firstname": "A"}}}),
        ("POST", "/rest/V1/customers", {"json": {"customer": {"email": "n@x.com"}}}),
        ("POST", "/rest/V1/customers", {"json": {"customer": {"email": "n@x.com",
            "firstname": "A", "lastname": "B"}, "password": "weak"}}),
        ("POST", "/rest/V1/customers", {"content": b"{not json"}),
        ("PUT", f"/rest/V1/customers/{customer_id}", {"headers": admin,
            "json": {"customer": {"firstname": "A"}}}),
        ("POST", "/rest/V1/integration/customer/token", {"json": {"username": "ada@example.com",
            "password": "wrong"}}),
    ]  # fmt: skip
    for method, path, kw in requests:
        _same(*sides.both(method, path, **kw))


def test_saves_answer_the_same(sides: Sides) -> None:
    customer_id = _signup(sides)
    admin = sides.admin()
    current = sides.magento.get(f"/rest/V1/customers/{customer_id}", headers=admin).json()
    home, work = current["addresses"]
    changed = {**current, "firstname": "Augusta", "middlename": "Ada", "taxvat": "GB1",
               "addresses": [{**work, "default_billing": True, "city": "Oxford"}]}  # fmt: skip
    changed.pop("dob")  # a field left out is emptied
    body = {"customer": changed}
    a, b = sides.both("PUT", f"/rest/V1/customers/{customer_id}", json=body, headers=admin)
    _same(a, b, "updated_at")
    assert [x["id"] for x in b.json()["addresses"]] == [work["id"]]
    sides.forward(customer_id)  # Magento's state after its save = the service's
    _same(*sides.both("GET", f"/rest/V1/customers/{customer_id}", headers=admin), "updated_at")
    a, b = sides.both("DELETE", f"/rest/V1/customers/{customer_id}", headers=admin)
    _same(a, b)
    _same(*sides.both("GET", f"/rest/V1/customers/{customer_id}", headers=admin))


def test_a_signup_answers_the_same_but_for_ids_and_times(sides: Sides) -> None:
    body = {"customer": {"email": "new@example.com", "firstname": "Grace", "lastname": "Hopper",
                         "addresses": [HOME, WORK]}, "password": PASSWORD}  # fmt: skip
    a, b = sides.both("POST", "/rest/V1/customers", json=body)
    assert a.status_code == b.status_code == 200, (a.text, b.text)

    def normal(answer: dict[str, Any]) -> dict[str, Any]:
        ids = {str(x["id"]): f"address{n}" for n, x in enumerate(answer["addresses"])}
        out = {k: v for k, v in answer.items() if k not in ("id", "created_at", "updated_at")}
        for flag in ("default_billing", "default_shipping"):
            out[flag] = ids.get(out.get(flag, ""))
        out["addresses"] = [{k: v for k, v in x.items() if k not in ("id", "customer_id")}
                            for x in answer["addresses"]]  # fmt: skip
        return out

    assert normal(a.json()) == normal(b.json())
    assert list(a.json()) == list(b.json())


def test_a_magento_customer_logs_in_through_the_service_and_back(sides: Sides) -> None:
    _signup(sides)
    answer = _login(sides.service.http, "ada@example.com")  # the stand-in's hash
    assert answer.status_code == 200, answer.text
    token = {"Authorization": f"Bearer {answer.json()}"}  # the service's token …
    me = sides.magento.get("/rest/V1/customers/me", headers=token)  # … is good on the stand-in
    assert me.status_code == 200 and me.json()["email"] == "ada@example.com"


def test_a_service_customer_logs_in_through_magento(sides: Sides) -> None:
    body = {"customer": {"email": "svc@example.com", "firstname": "S", "lastname": "V"},
            "password": PASSWORD}  # fmt: skip
    created = sides.service.http.post("/rest/V1/customers", json=body)
    assert created.status_code == 200, created.text
    sides.reverse(int(created.json()["id"]))  # the service's hash in Magento's row
    assert _login(sides.magento, "svc@example.com").status_code == 200


def test_a_password_changed_on_the_service_works_on_magento(sides: Sides) -> None:
    customer_id = _signup(sides)
    token = _login(sides.service.http, "ada@example.com").json()
    change = {"currentPassword": PASSWORD, "newPassword": "N3w-passw0rd"}
    answer = sides.service.http.put("/rest/V1/customers/me/password", json=change,
                                    headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert answer.json() is True
    sides.reverse(customer_id)
    assert _login(sides.magento, "ada@example.com", "N3w-passw0rd").status_code == 200
    assert _login(sides.magento, "ada@example.com").status_code == 401


def test_an_address_delete_answers_the_same(sides: Sides) -> None:
    customer_id = _signup(sides)
    admin = sides.admin()
    home = sides.magento.get(f"/rest/V1/customers/{customer_id}", headers=admin).json()
    address_id = home["addresses"][0]["id"]  # the default billing and shipping address
    _same(*sides.both("DELETE", f"/rest/V1/addresses/{address_id}", headers=admin))
    _same(*sides.both("GET", f"/rest/V1/customers/{customer_id}", headers=admin), "updated_at")
    _same(*sides.both("GET", f"/rest/V1/customers/{customer_id}/billingAddress", headers=admin))
    _same(*sides.both("DELETE", f"/rest/V1/addresses/{address_id}", headers=admin))
