"""Store views end to end on real engines: MariaDB → sync (binlog → mirror → projector) →
`store` domain events → the catalog service and the search service. Their store code maps
come from the events (the `stores` settings are only seeds), so a store view renamed or added
in Magento answers under its new code in both services without a restart, and requests without
a code still reach Magento's default store view after its code changed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ficus_catalog.api import create_app as create_catalog
from ficus_catalog.settings import CatalogSettings
from ficus_catalog.testing import CRYPT_KEY, admin_headers
from ficus_devstack import Stack
from ficus_devstack.process import wait_until
from ficus_search.api import create_app as create_search
from ficus_search.settings import SearchSettings
from ficus_sync.settings import SyncSettings
from tests.integration.catalog.conftest import fresh_database
from tests.integration.sync.shop import Shop

pytestmark = pytest.mark.integration

SEARCH = (
    "/rest/{store}/V1/search?searchCriteria[requestName]=quick_search_container"
    "&searchCriteria[filterGroups][0][filters][0][field]=search_term"
    "&searchCriteria[filterGroups][0][filters][0][value]={q}"
)


@pytest.fixture
def services(
    stack: Stack, sync_settings: SyncSettings, streaming: None
) -> Iterator[tuple[TestClient, TestClient]]:
    """The catalog and search apps with their consumers, seeded with stores that lack `fr`."""
    with fresh_database(stack, "catalog") as catalog_url, fresh_database(stack, "search") as url:
        catalog = CatalogSettings(
            db_url=catalog_url,
            events_url=sync_settings.postgres_url,
            stores={"admin": 0, "default": 1, "gone": 9},
            poll_interval=0.2,
            magento_crypt_key=CRYPT_KEY,
        )
        search = SearchSettings(
            database_url=url,
            events_url=sync_settings.postgres_url,
            poll_interval=0.2,
            store_refresh_seconds=0.2,
        )
        with (
            TestClient(create_catalog(catalog), headers=admin_headers()) as c,
            TestClient(create_search(search)) as s,
        ):
            yield c, s


def _product(shop: Shop) -> tuple[int, str]:
    with shop.conn.cursor() as cur:
        cur.execute("SELECT entity_id, sku FROM catalog_product_entity WHERE type_id = 'simple'")
        entity_id, sku = cur.fetchone()
    shop.conn.commit()
    return int(entity_id), str(sku)


def _catalog_name(catalog: TestClient, code: str, sku: str) -> str | None:
    response = catalog.get(f"/rest/{code}/V1/products/{sku}")
    return str(response.json()["name"]) if response.status_code == 200 else None


def _found(search: TestClient, code: str, term: str, entity_id: int) -> bool:
    response = search.get(SEARCH.format(store=code, q=term))
    return response.status_code == 200 and entity_id in [i["id"] for i in response.json()["items"]]


def test_renamed_and_added_store_views_answer_in_catalog_and_search(
    shop: Shop, services: tuple[TestClient, TestClient]
) -> None:
    catalog, search = services
    shop.populate(products=3, categories=1, configurables=0)
    entity_id, sku = _product(shop)
    shop.eav.write(shop.conn, "catalog_product", entity_id, {"name": "Produit rouge"}, 2)
    shop.conn.commit()

    # The snapshot's store events replace the seeds: `fr` was never configured, `gone` goes.
    assert wait_until(lambda: _catalog_name(catalog, "fr", sku) == "Produit rouge", 30)
    assert catalog.get(f"/rest/gone/V1/products/{sku}").status_code == 404
    assert wait_until(lambda: _found(search, "fr", "rouge", entity_id), 30)

    shop.sql("UPDATE store SET code = IF(store_id = 2, 'fr_fr', 'main') WHERE store_id IN (1, 2)")
    shop.conn.commit()
    assert wait_until(lambda: _catalog_name(catalog, "fr_fr", sku) == "Produit rouge", 20)
    assert catalog.get(f"/rest/fr/V1/products/{sku}").json()["message"].startswith("The store")
    default_name = _catalog_name(catalog, "main", sku)
    assert default_name is not None and default_name != "Produit rouge"
    assert catalog.get(f"/rest/V1/products/{sku}").json()["name"] == default_name  # no code
    assert wait_until(lambda: _found(search, "fr_fr", "rouge", entity_id), 20)
    assert wait_until(lambda: search.get(SEARCH.format(store="fr", q="x")).status_code == 400, 5)

    shop.sql("INSERT INTO store VALUES (4, 'it', 1, 1, 'Italian', 0, 1)")
    shop.eav.write(shop.conn, "catalog_product", entity_id, {"name": "Prodotto rosso"}, 4)
    shop.conn.commit()
    assert wait_until(lambda: _catalog_name(catalog, "it", sku) == "Prodotto rosso", 20)
    assert wait_until(lambda: _found(search, "it", "rosso", entity_id), 20)
    assert not _found(search, "fr_fr", "rosso", entity_id)
