"""Magento's credentials through the Debezium path: `jwt_auth_revoked`, `authorization_role`
and `authorization_rule` rows go MariaDB → Debezium (Kafka Connect) → Kafka → sync (engine
`kafka`, a child process) → `auth_revocation` / `admin_role` events → the catalog, which then
refuses a revoked token and narrows a narrowed admin (the flow of
tests/integration/sync/test_auth_catalog.py, `enforced`, with the Kafka path's lag)."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from ficus_catalog.api import create_app
from ficus_catalog.settings import CatalogSettings
from ficus_catalog.testing import CRYPT_KEY, bearer
from ficus_devstack.process import wait_until
from ficus_legacy import integrations
from tests.integration.kafka import test_sync_pipeline
from tests.integration.sync import test_auth_catalog
from tests.integration.sync.test_auth_catalog import catalog_settings, enforced
from tests.integration.sync.test_integration_token_catalog import walk

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

kafka_path = test_sync_pipeline.kafka_path  # MariaDB + connector + sync (kafka) as a child
catalog_url = test_auth_catalog.catalog_url  # a fresh catalog database


def _events_table(postgres_url: str) -> bool:
    """Sync has migrated its database (the catalog reads `domain_event`)."""
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        row = conn.execute("SELECT to_regclass('domain_event')").fetchone()
    return row is not None and row[0] is not None


def test_a_revocation_and_a_role_narrowing_reach_the_catalog_through_debezium(
    kafka_path: tuple[Any, Any, Any, Any], catalog_url: str
) -> None:
    shop, sync, _kafka, _runner = kafka_path
    shop.conn.commit()
    assert wait_until(lambda: _events_table(sync.postgres_url), 120)
    settings = CatalogSettings(
        db_url=catalog_url,
        events_url=sync.postgres_url,
        stores={"admin": 0, "default": 1},
        magento_crypt_key=CRYPT_KEY,
        credentials_cache_seconds=0,
    )
    revoked = {"Authorization": f"Bearer {bearer(9, now=time.time() - 60)}"}
    narrowed = {"Authorization": f"Bearer {bearer(8)}"}
    with TestClient(create_app(settings)) as catalog:
        enforced(shop, catalog, revoked, narrowed, lag=120)


def test_integration_tokens_reach_the_catalog_through_debezium(
    kafka_path: tuple[Any, Any, Any, Any], catalog_url: str
) -> None:
    """`oauth_token`, `integration`, the integration's role and rules and `core_config_data`
    through the Debezium path: the walk of tests/integration/sync/
    test_integration_token_catalog.py with the Kafka path's lag."""
    shop, sync, _kafka, _runner = kafka_path
    issued = integrations.create(shop.conn, "erp-kafka", ["Magento_Catalog::products"])
    shop.conn.commit()
    assert wait_until(lambda: _events_table(sync.postgres_url), 120)
    with TestClient(create_app(catalog_settings(catalog_url, sync))) as catalog:
        walk(shop, catalog, issued, lag=120)
