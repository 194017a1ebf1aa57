"""Magento's credentials reach the catalog through real sync (embedded engine): after Magento
revokes an admin's tokens (`jwt_auth_revoked`), the catalog refuses a token issued before;
after Magento gives an admin a narrow role (`authorization_role` + `authorization_rule`), the
catalog refuses that admin what the role does not allow. `enforced` is also run through the
Kafka path (tests/integration/kafka/test_auth_debezium.py)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ficus_catalog.api import create_app
from ficus_catalog.settings import CatalogSettings
from ficus_catalog.testing import CRYPT_KEY, bearer
from ficus_devstack import Stack
from ficus_devstack.process import wait_until
from ficus_legacy import roles
from ficus_sync.settings import SyncSettings
from tests.integration.sync.helpers import sync_in_thread, wait_caught_up
from tests.integration.sync.shop import Shop

pytestmark = pytest.mark.integration
PRODUCTS = "/rest/V1/products/types"
CATEGORIES = "/rest/all/V1/categories/list?searchCriteria[pageSize]=1"


@pytest.fixture
def catalog_url(stack: Stack) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:12]}_catalog"
    stack.postgres.ensure_database(name)
    yield stack.settings.postgres_url(name)
    with stack.postgres.connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def catalog_settings(catalog_url: str, sync_settings: SyncSettings) -> CatalogSettings:
    """The catalog on its own database, fed by sync's events, credentials never cached."""
    return CatalogSettings(
        db_url=catalog_url,
        events_url=sync_settings.postgres_url,
        stores={"admin": 0, "default": 1},
        magento_crypt_key=CRYPT_KEY,
        credentials_cache_seconds=0,
    )


def _narrow_role(shop: Shop, user_id: int, resource: str) -> None:
    """Magento's role editor: a group role allowing one resource, the admin moved into it."""
    roles.assign(shop.conn, user_id, roles.create_group(shop.conn, "Narrow", [resource]), "n")


def test_the_catalog_enforces_magentos_credentials_through_sync(
    shop: Shop, sync_settings: SyncSettings, catalog_url: str
) -> None:
    shop.conn.commit()
    revoked, narrowed = (
        {"Authorization": f"Bearer {bearer(9, now=time.time() - 60)}"},
        {"Authorization": f"Bearer {bearer(8)}"},
    )
    with sync_in_thread(sync_settings):
        wait_caught_up(sync_settings)  # sync migrated before the catalog migrates (Alembic)
        with TestClient(create_app(catalog_settings(catalog_url, sync_settings))) as catalog:
            enforced(shop, catalog, revoked, narrowed)


def enforced(
    shop: Shop,
    catalog: TestClient,
    revoked: dict[str, str],
    narrowed: dict[str, str],
    lag: float = 30,
) -> None:
    """Admins 9 and 8 join Administrators; then Magento revokes 9's tokens and narrows 8's
    role: each change reaches the catalog within `lag` seconds."""

    def statuses(headers: dict[str, str]) -> list[int]:
        return [catalog.get(path, headers=headers).status_code for path in (PRODUCTS, CATEGORIES)]

    assert statuses(narrowed) == [401, 401]  # no role in Magento: nothing
    for user_id in (9, 8):
        roles.seed_administrators(shop.conn, user_id, f"admin{user_id}")
    shop.conn.commit()
    assert wait_until(lambda: statuses(revoked) == statuses(narrowed) == [200, 200], lag)
    with shop.conn.cursor() as cur:  # Magento's Revoker::revokeFor
        cur.execute("INSERT INTO jwt_auth_revoked VALUES (2, 9, %s)", (int(time.time()) - 2,))
    _narrow_role(shop, 8, "Magento_Catalog::categories")
    shop.conn.commit()
    assert wait_until(lambda: statuses(revoked) == [401, 401], lag)
    assert wait_until(lambda: statuses(narrowed) == [401, 200], lag)
    fresh = {"Authorization": f"Bearer {bearer(9)}"}
    assert statuses(fresh) == [200, 200]  # issued after `revoke_before`
