"""Issue #12: an integration's opaque access token is answered by the catalog as by the
stand-in (Magento 2.4.8's Integration `TokenUserContext`), fed the `integration_token` event
sync projects from the same MariaDB rows: 401 on both while
`oauth/consumer/enable_integration_as_bearer` is off (Magento's default); with it on, the
integration's own role's resources only (an allowed route, a refused one), alike when the role
is re-granted; 401 on both once the token is revoked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ficus_devstack.process import wait_until
from ficus_legacy import integrations, roles
from tests.events import synced_token_event
from tests.integration.catalog.conftest import EventTable
from tests.integration.catalog.parity.test_revocation import Standin, _answers, _both

pytestmark = pytest.mark.integration


@pytest.fixture
def bearer_off(magento: tuple[str, Any]) -> Iterator[Any]:
    """Magento's connection; the flag is off again after the test (the store is shared)."""
    conn = magento[1]
    yield conn
    integrations.enable_bearer(conn, enabled=False)
    conn.commit()


def _token_id(conn: Any, token: str) -> int:
    with conn.cursor() as cur:
        cur.execute("SELECT entity_id FROM oauth_token WHERE token = %s", (token,))
        return int(cur.fetchone()[0])


def test_an_integration_token_is_answered_like_the_standin(
    catalog: TestClient, standin: Standin, bearer_off: Any, sync_events: EventTable
) -> None:
    conn = bearer_off
    issued = integrations.create(conn, "parity-erp", ["Magento_Catalog::products"])
    conn.commit()
    token_id, version = _token_id(conn, issued.token), iter(range(1, 100))

    def changed(expected: list[int]) -> None:
        conn.commit()
        sync_events.publish(synced_token_event(conn, token_id, next(version)))
        statuses = _both(catalog, standin, issued.token)
        ok = wait_until(lambda: statuses() == expected, 10)
        assert ok, (_answers(standin[0], issued.token), _answers(catalog, issued.token))
        assert _both(catalog, standin, issued.token.upper())() == expected  # Magento's collation

    changed([401, 401])  # the flag off: not a bearer token, on both
    integrations.enable_bearer(conn)
    changed([200, 401])  # products allowed, categories not
    roles.grant_integration(conn, issued.integration_id, ["Magento_Catalog::categories"])
    changed([401, 200])
    integrations.enable_bearer(conn, enabled=False)
    changed([401, 401])
    integrations.enable_bearer(conn)
    changed([401, 200])
    with conn.cursor() as cur:
        cur.execute("UPDATE oauth_token SET revoked = 1 WHERE entity_id = %s", (token_id,))
    changed([401, 401])
