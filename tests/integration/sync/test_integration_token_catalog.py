"""Integration (opaque `oauth_token`) tokens reach the catalog through real sync (embedded
engine), as Magento 2.4.8 takes them: refused while `oauth/consumer/enable_integration_as_bearer`
is off (Magento's default), then allowed exactly the integration's own role's resources, and
refused again within the sync lag once Magento revokes the token, narrows the role elsewhere,
turns the flag off, or deletes the integration (its consumer, cascading in InnoDB)."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import pytest
from fastapi.testclient import TestClient

from ficus_catalog.api import create_app
from ficus_contracts.auth import token_sha256
from ficus_devstack.process import wait_until
from ficus_legacy import integrations, roles
from ficus_sync.settings import SyncSettings
from tests.integration.sync.helpers import sync_in_thread, wait_caught_up
from tests.integration.sync.shop import Shop
from tests.integration.sync.test_auth_catalog import (
    CATEGORIES,
    PRODUCTS,
    catalog_settings,
    catalog_url,
)

pytestmark = pytest.mark.integration
__all__ = ["catalog_url"]  # the fixture, shared


def test_the_catalog_takes_integration_tokens_as_magento_through_sync(
    shop: Shop, sync_settings: SyncSettings, catalog_url: str
) -> None:
    issued = integrations.create(shop.conn, "erp", ["Magento_Catalog::products"])
    shop.conn.commit()
    with sync_in_thread(sync_settings):
        wait_caught_up(sync_settings)
        with TestClient(create_app(catalog_settings(catalog_url, sync_settings))) as catalog:
            walk(shop, catalog, issued)
    with psycopg.connect(sync_settings.postgres_url) as conn:
        payloads = [
            str(row[0])
            for row in conn.execute(
                "SELECT payload::text FROM domain_event WHERE aggregate = 'integration_token'"
                " AND kind = 'upserted'"
            )
        ]
    assert len(payloads) >= 7  # one event per change above, each with the hash alone
    assert all(token_sha256(issued.token) in p and issued.token not in p for p in payloads)


def _statuses(catalog: TestClient, token: str) -> Callable[[], list[int]]:
    headers = {"Authorization": f"Bearer {token}"}
    return lambda: [catalog.get(p, headers=headers).status_code for p in (PRODUCTS, CATEGORIES)]


def walk(shop: Shop, catalog: TestClient, issued: integrations.Issued, lag: float = 30) -> None:
    """The integration's token through each change Magento can make, each reaching the
    catalog within `lag` seconds (also run through the Kafka path)."""
    statuses = _statuses(catalog, issued.token)

    def changed(expected: list[int]) -> None:
        shop.conn.commit()
        assert wait_until(lambda: statuses() == expected, lag), (statuses(), expected)

    assert statuses() == [401, 401]  # the flag is off: no bearer, as Magento
    integrations.enable_bearer(shop.conn)
    changed([200, 401])  # its role's resource only
    shop.sql("UPDATE oauth_token SET revoked = 1 WHERE token = %s", (issued.token,))
    changed([401, 401])
    shop.sql("UPDATE oauth_token SET revoked = 0 WHERE token = %s", (issued.token,))
    changed([200, 401])
    roles.grant_integration(shop.conn, issued.integration_id, ["Magento_Catalog::categories"])
    changed([401, 200])  # the role narrowed elsewhere, rules replaced
    integrations.enable_bearer(shop.conn, enabled=False)
    changed([401, 401])
    integrations.enable_bearer(shop.conn)
    changed([401, 200])
    shop.sql("DELETE FROM oauth_consumer WHERE entity_id = %s", (issued.consumer_id,))
    changed([401, 401])  # token and integration gone with their consumer
