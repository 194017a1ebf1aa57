"""The customer service's admin routes ask the admin's role for exactly the resources
Customer/etc/webapi.xml names, as the stand-in (Magento 2.4.8) does: a role narrowed in
Magento's `authorization_role` / `authorization_rule` reaches the service as sync's
`admin_role` event (the projection sync runs on those rows) and both sides answer alike."""

from __future__ import annotations

from typing import Any

import pytest

from ficus_legacy import roles, tokens
from ficus_legacy.core.acl import ROOT
from tests.events import synced_role_event
from tests.integration.customer import test_parity
from tests.integration.customer.conftest import CRYPT_KEY
from tests.integration.customer.test_parity import Sides, _signup

pytestmark = pytest.mark.integration

ADMIN_ID = 7
sides = test_parity.sides  # the stand-in and the service side by side (a fixture)


def _role(sides: Sides, version: int, allowed: list[str], denied: tuple[str, ...] = ()) -> None:
    """Magento's role editor moves the admin into a new role; sync's event reaches the service."""
    conn = sides.conn
    if allowed:
        roles.assign(conn, ADMIN_ID, roles.create_group(conn, f"v{version}", allowed, denied), "x")
    else:
        roles.unassign(conn, 2, ADMIN_ID)
    conn.commit()
    sides.service.apply(synced_role_event(conn, ADMIN_ID, version))


def _statuses(sides: Sides, requests: list[tuple[str, str, Any]]) -> list[int]:
    """The statuses of each request on both sides, asserted equal (status and JSON)."""
    token = tokens.issue(tokens.signing_key(CRYPT_KEY), ADMIN_ID, tokens.UserType.ADMIN)
    headers = {"Authorization": f"Bearer {token}"}
    found = []
    for method, path, body in requests:
        magento, service = sides.both(method, path, headers=headers, json=body)
        assert (magento.status_code, magento.json()) == (service.status_code, service.json())
        found.append(magento.status_code)
    return found


def test_a_narrowed_admin_is_refused_alike_route_by_route(sides: Sides) -> None:
    customer_id = _signup(sides)
    requests: list[tuple[str, str, Any]] = [
        ("GET", f"/rest/V1/customers/{customer_id}", None),  # Magento_Customer::customer
        ("GET", "/rest/V1/customers/search?searchCriteria[pageSize]=1", None),  # ::customer
        ("GET", f"/rest/V1/customers/{customer_id}/billingAddress", None),  # ::manage
        ("GET", f"/rest/V1/customers/{customer_id}/permissions/readonly", None),  # ::customer
        ("GET", f"/rest/V1/customers/{customer_id}/confirm", None),  # ::manage
    ]
    assert _statuses(sides, requests) == [401] * 5  # no role: nothing
    _role(sides, 1, ["Magento_Customer::customer"])  # saveRel denies ::manage (not posted)
    assert _statuses(sides, requests) == [200, 200, 401, 200, 401]
    _role(sides, 2, ["Magento_Customer::customer", "Magento_Customer::manage"])
    assert _statuses(sides, requests) == [200] * 5
    _role(sides, 5, ["Magento_Customer::manage"])  # saveRel denies ::customer itself
    assert _statuses(sides, requests) == [401, 401, 200, 401, 200]
    _role(sides, 6, [ROOT], ("Magento_Customer::manage",))  # by hand: manage denied under root
    assert _statuses(sides, requests) == [200, 200, 401, 200, 401]
    _role(sides, 7, [])
    assert _statuses(sides, requests) == [401] * 5


def test_deleting_a_customer_asks_for_magentos_delete_resource(sides: Sides) -> None:
    first, second = _signup(sides, "a@example.com"), _signup(sides, "b@example.com")
    everything = [ROOT]
    _role(sides, 1, everything, ("Magento_Customer::delete",))
    assert _statuses(sides, [("DELETE", f"/rest/V1/customers/{first}", None)]) == [401]
    _role(sides, 2, everything)
    statuses = _statuses(sides, [("DELETE", f"/rest/V1/customers/{second}", None)])
    assert statuses == [200]
