"""Issue #12: the customer service answers an integration's opaque access token as the
stand-in (Magento 2.4.8's Integration `TokenUserContext`) does, fed the `integration_token`
event sync projects from the same MariaDB rows: 401 on both while
`oauth/consumer/enable_integration_as_bearer` is off; with it on, exactly the integration's
own role's resources, route by route (Customer/etc/webapi.xml); 401 once revoked."""

from __future__ import annotations

from typing import Any

import pytest

from ficus_legacy import integrations, roles
from tests.events import synced_token_event
from tests.integration.customer import test_parity
from tests.integration.customer.test_parity import Sides, _signup

pytestmark = pytest.mark.integration

sides = test_parity.sides  # the stand-in and the service side by side (a fixture)


def _statuses(sides: Sides, token: str, requests: list[tuple[str, str]]) -> list[int]:
    """Each request's status, asserted equal on both sides (status and JSON)."""
    found = []
    for method, path in requests:
        magento, service = sides.both(method, path, headers={"Authorization": f"Bearer {token}"})
        assert (magento.status_code, magento.json()) == (service.status_code, service.json())
        found.append(magento.status_code)
    return found


def test_an_integration_token_is_answered_like_the_standin(sides: Sides) -> None:
    customer_id, conn = _signup(sides), sides.conn
    requests = [
        ("GET", f"/rest/V1/customers/{customer_id}"),  # Magento_Customer::customer
        ("GET", f"/rest/V1/customers/{customer_id}/billingAddress"),  # ::manage
    ]
    issued = integrations.create(conn, "crm", ["Magento_Customer::customer"])
    with conn.cursor() as cur:
        cur.execute("SELECT entity_id FROM oauth_token WHERE token = %s", (issued.token,))
        token_id = int(cur.fetchone()[0])
    version = iter(range(1, 100))

    def changed() -> list[int]:
        conn.commit()
        sides.service.apply(synced_token_event(conn, token_id, next(version)))
        return _statuses(sides, issued.token, requests)

    try:
        assert changed() == [401, 401]  # the flag off (Magento's default)
        integrations.enable_bearer(conn)
        assert changed() == [200, 401]
        roles.grant_integration(conn, issued.integration_id, ["Magento_Customer::manage"])
        assert changed() == [401, 200]
        integrations.enable_bearer(conn, enabled=False)
        assert changed() == [401, 401]
        integrations.enable_bearer(conn)
        assert changed() == [401, 200]
        _revoke(conn, token_id)
        assert changed() == [401, 401]
    finally:
        integrations.enable_bearer(conn, enabled=False)
        conn.commit()


def _revoke(conn: Any, token_id: int) -> None:
    with conn.cursor() as cur:
        cur.execute("UPDATE oauth_token SET revoked = 1 WHERE entity_id = %s", (token_id,))
