"""Issue #13, acceptance: a shopper's account round-trips through both systems. With customer
writes at `new` a shopper signs up, signs in and edits profile and addresses through the proxy;
Magento's tables (entity, addresses, the admin grid) hold it; Magento signs the shopper in with
the same password and each side accepts the other's tokens. A customer created in Magento signs
in through the service, and a password changed on either side works on the other."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ficus_control.client import ControlClient
from ficus_devstack import Stack
from tests.e2e.customers import PASSWORD, Shopfront, address, await_true, signup, unique_email
from tests.e2e.customers import writes_lane as _writes_lane

pytestmark = pytest.mark.e2e
LAG = 30  # seconds: reverse or forward sync is expected well within it


@pytest.fixture(scope="module")
def front(local_stack: Stack) -> Shopfront:
    return Shopfront.of(local_stack.settings)


@pytest.fixture
def writes_at_new(control: ControlClient) -> Iterator[None]:
    yield from _writes_lane(control, "new")


@pytest.mark.usefixtures("writes_at_new")
def test_a_shopper_signed_up_through_the_proxy_lives_in_magento_too(front: Shopfront) -> None:
    email = unique_email("round-trip")
    created = front.proxy.write("POST", "/V1/customers", json=signup(email))
    assert created.status_code == 200, created.text
    customer_id = created.json()["id"]
    token = front.proxy.customer_token(email)
    me = front.proxy.call("GET", "/V1/customers/me", token).json()
    me["firstname"], me["addresses"] = "Augusta", [*me["addresses"], address("Paris", False)]
    assert front.proxy.write("PUT", "/V1/customers/me", token, json={"customer": me}).is_success

    def magento_has_it() -> bool:
        name = front.db.mysql(
            "SELECT firstname FROM customer_entity WHERE entity_id = %s", customer_id
        )
        return name == [("Augusta",)]

    await_true(magento_has_it, LAG, "the profile edit in customer_entity")
    cities = front.db.mysql(
        "SELECT city FROM customer_address_entity WHERE parent_id = %s ORDER BY entity_id",
        customer_id,
    )
    assert cities == [("London",), ("Paris",)]
    [grid] = front.db.mysql(
        "SELECT name, email, billing_city FROM customer_grid_flat WHERE entity_id = %s",
        customer_id,
    )
    assert grid == ("Augusta Lovelace", email, "London")

    magento_token = front.standin.customer_token(email, PASSWORD)
    mine = front.standin.call("GET", "/V1/customers/me", token)
    assert (mine.status_code, mine.json()["id"]) == (200, customer_id), "service token refused"
    theirs = front.service.call("GET", "/V1/customers/me", magento_token)
    assert (theirs.status_code, theirs.json()["id"]) == (200, customer_id), "Magento's refused"


@pytest.mark.usefixtures("writes_at_new")
def test_passwords_work_on_both_sides_after_the_lag(front: Shopfront) -> None:
    email = unique_email("magento-born")
    admin = front.standin.admin_token()
    made = front.standin.call("POST", "/V1/customers", admin, json=signup(email))
    assert made.status_code == 200, made.text
    await_true(lambda: front.service.signs_in(email), LAG, "the service signs in Magento's")

    token = front.standin.customer_token(email)
    change = {"currentPassword": PASSWORD, "newPassword": "N3w-secret-22"}
    assert front.standin.call("PUT", "/V1/customers/me/password", token, json=change).is_success
    await_true(lambda: front.proxy.signs_in(email, "N3w-secret-22"), LAG, "new password, proxy")
    assert front.proxy.token(email).status_code == 401

    token = front.proxy.usable_token(email, "N3w-secret-22")
    change = {"currentPassword": "N3w-secret-22", "newPassword": "Th1rd-secret-33"}
    assert front.proxy.write("PUT", "/V1/customers/me/password", token, json=change).is_success
    await_true(lambda: front.standin.signs_in(email, "Th1rd-secret-33"), LAG, "in Magento")
    assert front.standin.token(email, "N3w-secret-22").status_code == 401
