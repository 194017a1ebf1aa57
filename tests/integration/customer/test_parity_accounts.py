"""Parity of Magento's account management routes (password reset, activation, confirmation,
validate, readonly): the stand-in and the customer service answer the same status and JSON, and
the service's changes are writes through its outbox like any other."""

from __future__ import annotations

import pytest

from tests.integration.customer.test_parity import (
    PASSWORD,
    Sides,
    _login,
    _same,
    _signup,
    sides,
)

pytestmark = pytest.mark.integration
__all__ = ["sides"]  # the fixture

EMAIL = "ada@example.com"
NEW = "N3w-passw0rd"


def _tokens(sides: Sides, customer_id: int) -> tuple[str, str]:
    """Magento's and the service's reset token of the customer."""
    sides.conn.commit()  # a fresh snapshot of Magento's rows
    with sides.conn.cursor() as cur:
        cur.execute("SELECT rp_token FROM customer_entity WHERE entity_id = %s", (customer_id,))
        (magento,) = cur.fetchone()  # type: ignore[misc]
    state = sides.service.state(customer_id)
    assert state is not None
    return str(magento), str(state["rp_token"])


def test_initiate_reset_answers_the_same_and_writes_the_token(sides: Sides) -> None:
    customer_id = _signup(sides)
    path = "/rest/V1/customers/password"
    for body in ({"email": EMAIL}, {"email": EMAIL, "template": "nope"},
                 {"email": "nobody@example.com", "template": "email_reset"},
                 {"email": EMAIL, "template": "email_reset", "websiteId": 7},
                 {"template": "email_reset"}):  # fmt: skip
        _same(*sides.both("PUT", path, json=body))
    outbox = len(sides.service.outbox())
    a, b = sides.both("PUT", path, json={"email": EMAIL, "template": "email_reset"})
    _same(a, b)
    assert b.json() is True
    magento, service = _tokens(sides, customer_id)
    assert len(magento) == len(service) == 32 and magento != service
    rows = sides.service.outbox()
    assert len(rows) == outbox + 1 and rows[-1]["payload"]["rp_token"] == service


def test_reset_password_answers_the_same(sides: Sides) -> None:
    customer_id = _signup(sides)
    sides.service.http.put(
        "/rest/V1/customers/password", json={"email": EMAIL, "template": "email_reminder"}
    )
    sides.reverse(customer_id)  # both sides hold the service's token now
    token, _ = _tokens(sides, customer_id)
    check = f"/rest/V1/customers/{customer_id}/password/resetLinkToken"
    unknown = f"/rest/V1/customers/999/password/resetLinkToken/{token}"
    zero = "/rest/V1/customers/0/password/resetLinkToken/x"
    for path in (f"{check}/{token}", f"{check}/wrong", unknown, zero):
        _same(*sides.both("GET", path))
    reset = "/rest/V1/customers/resetPassword"
    for body in ({"email": EMAIL, "resetToken": "wrong", "newPassword": NEW},
                 {"email": EMAIL, "resetToken": token, "newPassword": "weak"},
                 {"email": EMAIL, "resetToken": token, "newPassword": EMAIL},
                 {"email": "nobody@example.com", "resetToken": token, "newPassword": NEW},
                 {"email": EMAIL, "newPassword": NEW},
                 {"email": EMAIL, "resetToken": token, "newPassword": NEW},
                 {"email": EMAIL, "resetToken": token, "newPassword": NEW}):  # fmt: skip
        _same(*sides.both("POST", reset, json=body))  # the last: the token is used up
    for client in (sides.magento, sides.service.http):
        assert _login(client, EMAIL, NEW).status_code == 200
        assert _login(client, EMAIL, PASSWORD).status_code == 401


def test_an_old_token_is_refused_after_a_reset(sides: Sides) -> None:
    customer_id = _signup(sides)
    for client in (sides.magento, sides.service.http):
        token = _login(client, EMAIL).json()
        client.put("/rest/V1/customers/password", json={"email": EMAIL, "template": "email_reset"})
        if client is sides.service.http:
            sides.reverse(customer_id)
        reset, _ = _tokens(sides, customer_id)
        body = {"email": EMAIL, "resetToken": reset, "newPassword": NEW}
        assert client.post("/rest/V1/customers/resetPassword", json=body).json() is True
        me = client.get("/rest/V1/customers/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 401


def test_validate_readonly_and_confirmation_answer_the_same(sides: Sides) -> None:
    customer_id = _signup(sides)
    admin = sides.admin()
    for customer in ({"email": EMAIL, "firstname": "A", "lastname": "B"}, {"email": EMAIL},
                     {"firstname": "A"}):  # fmt: skip
        body = {"customer": customer}
        _same(*sides.both("PUT", "/rest/V1/customers/validate", json=body, headers=admin))
    _same(*sides.both("PUT", "/rest/V1/customers/validate", json={"customer": {}}))
    _same(*sides.both("PUT", "/rest/V1/customers/validate", json={}, headers=admin))
    paths = [f"/rest/V1/customers/{i}/{tail}" for i in (customer_id, 999)
             for tail in ("permissions/readonly", "confirm")]  # fmt: skip
    for path in paths:
        _same(*sides.both("GET", path, headers=admin))
    _same(*sides.both("GET", f"/rest/V1/customers/{customer_id}/confirm"))
    for body in ({"email": EMAIL, "websiteId": 1}, {"email": EMAIL},
                 {"email": "nobody@example.com", "websiteId": 1}):  # fmt: skip
        _same(*sides.both("POST", "/rest/V1/customers/confirm", json=body, headers=admin))


def _awaiting(sides: Sides, customer_id: int, key: str) -> None:
    """The customer waits for confirmation `key` on both sides (set in Magento, fed forward)."""
    with sides.conn.cursor() as cur:
        cur.execute(
            "UPDATE customer_entity SET confirmation = %s WHERE entity_id = %s", (key, customer_id)
        )
    sides.forward(customer_id)


def test_activation_answers_the_same(sides: Sides) -> None:
    customer_id = _signup(sides)
    admin = sides.admin()
    _awaiting(sides, customer_id, "k3y")
    body = {"email": EMAIL, "websiteId": 1}
    _same(*sides.both("POST", "/rest/V1/customers/confirm", json=body, headers=admin))
    path = f"/rest/V1/customers/{EMAIL}/activate"
    for key in ("wrong", "k3y", "k3y"):  # the last: already active
        answer = sides.both("PUT", path, json={"confirmationKey": key}, headers=admin)
        _same(*answer, "updated_at")
    assert sides.service.outbox()[-1]["payload"]["confirmation"] is None
    _same(*sides.both("PUT", "/rest/V1/customers/nobody@example.com/activate",
                      json={"confirmationKey": "k3y"}, headers=admin))  # fmt: skip
    other = _signup(sides, "grace@example.com")  # the service's write above outranks events
    _awaiting(sides, other, "m1ne")
    me = {"Authorization": f"Bearer {_login(sides.magento, 'grace@example.com').json()}"}
    for key in ("wrong", "m1ne"):
        answer = sides.both("PUT", "/rest/V1/customers/me/activate", json={"confirmationKey": key},
                            headers=me)  # fmt: skip
        _same(*answer, "updated_at")


def test_the_manifest_lists_the_account_routes(sides: Sides) -> None:
    routes = sides.service.http.get("/_ficus/routes").json()["routes"]
    listed = {(r["method"], r["path"]) for r in routes}
    for row in (("PUT", "/V1/customers/password"), ("PUT", "/V1/customers/validate"),
                ("POST", "/V1/customers/resetPassword"), ("PUT", "/V1/customers/{email}/activate"),
                ("GET", "/V1/customers/{customerId}/permissions/readonly")):  # fmt: skip
        assert row in listed
