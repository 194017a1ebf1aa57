"""MariaDB change → real sync (binlog → mirror → projector → domain_event) → catalog consumer →
HTTP: after a snapshot and a random stream of changes, every product in every store view
answers the same JSON from the catalog as from the Magento stand-in."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from ficus_catalog.api import create_app
from ficus_catalog.settings import CatalogSettings
from ficus_catalog.testing import CRYPT_KEY
from ficus_devstack import Stack
from ficus_devstack.process import wait_until
from ficus_standin import StandinSettings
from ficus_standin import create_app as create_standin
from ficus_sync.settings import SyncSettings
from tests.integration.catalog.conftest import fresh_database
from tests.integration.sync.helpers import last_event_seq, wait_caught_up
from tests.integration.sync.shop import Shop

pytestmark = pytest.mark.integration

ADMIN = {"username": "admin", "password": "Secret-admin-1"}


@pytest.fixture
def standin(sync_settings: SyncSettings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = StandinSettings(
        mysql_url=SecretStr(sync_settings.mysql_url),
        crypt_key=SecretStr(CRYPT_KEY),
        admin_username=ADMIN["username"],
        admin_password=SecretStr(ADMIN["password"]),
        pool_size=2,
    )
    with TestClient(create_standin(settings)) as client:
        token = client.post("/rest/V1/integration/admin/token", json=ADMIN).json()
        yield client, {"Authorization": f"Bearer {token}"}


def _stores(shop: Shop) -> dict[str, int]:
    with shop.conn.cursor() as cur:
        cur.execute("SELECT code, store_id FROM store")
        return {str(code): int(store_id) for code, store_id in cur.fetchall()}


def _latest_event(settings: SyncSettings, sku: str, legacy: dict[str, Any]) -> str:
    """Diagnosis: does the catalog serve sync's latest event for this product?"""
    entity_id = legacy.get("id")
    with psycopg.connect(settings.postgres_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT seq, version, kind, payload FROM domain_event WHERE aggregate = 'product'"
            " AND entity_id = %s ORDER BY seq DESC LIMIT 1",
            (entity_id,),
        ).fetchone()
    return f"sync's latest event for {sku} (entity {entity_id}): {row}"


def _compare(
    catalog: TestClient,
    legacy: TestClient,
    auth: dict[str, str],
    codes: list[str],
    settings: SyncSettings,
) -> list[str]:
    page = legacy.get("/rest/all/V1/products?searchCriteria[pageSize]=0", headers=auth).json()
    mismatches = []
    for sku in [item["sku"] for item in page["items"]]:
        for code in codes:
            path = f"/rest/{code}/V1/products/{sku}"
            expected, got = legacy.get(path, headers=auth), catalog.get(path, headers=auth)
            if (got.status_code, got.json()) != (expected.status_code, expected.json()):
                mismatches.append(
                    f"{path}: catalog {got.status_code} {got.json()} != stand-in"
                    f" {expected.json()}; {_latest_event(settings, sku, expected.json())}"
                )
    return mismatches


def test_magento_changes_reach_the_catalog_api_through_sync(
    stack: Stack,
    shop: Shop,
    sync_settings: SyncSettings,
    streaming: None,
    standin: tuple[TestClient, dict[str, str]],
) -> None:
    shop.populate(products=40, categories=4, configurables=3)
    for _ in range(300):
        shop.random_change()
    stores = _stores(shop)
    with fresh_database(stack, "catalog") as catalog_url:
        settings = CatalogSettings(
            db_url=catalog_url,
            events_url=sync_settings.postgres_url,
            stores=stores,
            magento_crypt_key=CRYPT_KEY,
        )
        with TestClient(create_app(settings)) as catalog:
            wait_caught_up(sync_settings, timeout=90)
            metrics = catalog.app.state.catalog.metrics.registry

            def applied(seq: int) -> bool:
                value = metrics.get_sample_value("ficus_catalog_consumer_checkpoint_seq")
                return (value or 0) >= seq

            assert wait_until(lambda: applied(last_event_seq(sync_settings)), 60)
            legacy, auth = standin
            codes = ["all" if i == 0 else c for c, i in stores.items()]
            assert _compare(catalog, legacy, auth, codes, sync_settings) == []
            dead = metrics.get_sample_value(
                "ficus_catalog_events_total", {"aggregate": "product", "outcome": "dead_letter"}
            )
            assert not dead

            # One more change through the stand-in: visible in the catalog within seconds.
            sku = legacy.get("/rest/all/V1/products?searchCriteria[pageSize]=1", headers=auth)
            first: dict[str, Any] = sku.json()["items"][0]
            body = {"product": {"sku": first["sku"], "price": 123.45}}
            started = time.monotonic()
            put = legacy.put(f"/rest/all/V1/products/{first['sku']}", json=body, headers=auth)
            assert put.status_code == 200, put.text

            def priced() -> bool:
                path = f"/rest/default/V1/products/{first['sku']}"
                got = catalog.get(path, headers=auth).json()
                return bool(got.get("price") == 123.45)

            assert wait_until(priced, 10, 0.01)
            print(f"stand-in PUT → catalog API: {time.monotonic() - started:.3f}s")  # noqa: T201
