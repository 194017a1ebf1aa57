from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.integration.standin.conftest import Seed

pytestmark = pytest.mark.integration

NOT_FOUND = "The product that was requested doesn't exist. Verify the product and try again."


def custom(body: dict) -> dict:  # type: ignore[type-arg]
    return {c["attribute_code"]: c["value"] for c in body["custom_attributes"]}


def test_get_by_sku_renders_magento_product_per_store(
    client: TestClient, admin: dict[str, str], magento: Seed
) -> None:
    fr = magento.store_view("fr")
    category = magento.category("Bags")
    entity_id = magento.product(
        "MB-01",
        "Bag",
        "34.5000",
        overrides={fr: {"name": "Sac 🎒"}},
        categories=(category,),
        url_key="bag",
        weight="1.5",
    )
    body = client.get("/rest/V1/products/MB-01", headers=admin).json()
    assert body["id"] == entity_id and body["name"] == "Bag" and body["price"] == 34.5
    assert (body["status"], body["visibility"], body["weight"]) == (1, 4, 1.5)
    assert body["extension_attributes"]["website_ids"] == [1]
    assert body["extension_attributes"]["category_links"] == [
        {"position": 0, "category_id": str(category)}
    ]
    assert body["extension_attributes"]["stock_item"]["qty"] == 10.0
    assert custom(body)["category_ids"] == [str(category)]
    assert client.get("/rest/fr/V1/products/MB-01", headers=admin).json()["name"] == "Sac 🎒"
    assert client.get("/rest/all/V1/products/MB-01", headers=admin).json()["name"] == "Bag"


def test_unknown_sku_is_404_with_magentos_message(
    client: TestClient, admin: dict[str, str]
) -> None:
    response = client.get("/rest/V1/products/NOPE", headers=admin)
    assert response.status_code == 404
    assert response.json() == {"message": NOT_FOUND}
    assert client.delete("/rest/V1/products/NOPE", headers=admin).status_code == 404


def test_products_need_an_admin_token(client: TestClient) -> None:
    response = client.get("/rest/V1/products/X")
    assert response.status_code == 401
    assert response.json()["parameters"] == {"resources": "Magento_Catalog::products"}
    bad = client.get("/rest/V1/products/X", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_create_update_delete_through_eav(
    client: TestClient, admin: dict[str, str], magento: Seed
) -> None:
    fr = magento.store_view("fr")
    product = {
        "sku": "NEW-1",
        "name": "New",
        "price": 12.25,
        "type_id": "simple",
        "attribute_set_id": 4,
        "weight": 2,
        "custom_attributes": [{"attribute_code": "description", "value": "long ✨ text"}],
        "extension_attributes": {"stock_item": {"qty": 7, "is_in_stock": True}},
    }
    created = client.post("/rest/all/V1/products", json={"product": product}, headers=admin)
    assert created.status_code == 200, created.text
    body = created.json()
    assert body["price"] == 12.25 and body["extension_attributes"]["website_ids"] == [1]
    assert body["extension_attributes"]["stock_item"]["qty"] == 7.0
    assert custom(body)["description"] == "long ✨ text"
    entity_id = body["id"]
    assert (
        magento.scalar(
            "SELECT request_path FROM url_rewrite WHERE entity_id = %s AND store_id = 1", entity_id
        )
        == "new.html"
    )
    before = magento.scalar(
        "SELECT updated_at FROM catalog_product_entity WHERE entity_id = %s", entity_id
    )

    put = client.put(
        "/rest/fr/V1/products/NEW-1", json={"product": {"name": "Nouveau"}}, headers=admin
    )
    assert put.status_code == 200 and put.json()["name"] == "Nouveau"
    names = magento.rows(
        "SELECT v.store_id, v.value FROM catalog_product_entity_varchar v JOIN eav_attribute a"
        " USING (attribute_id) WHERE a.attribute_code = 'name' AND a.entity_type_id = 4"
        " AND v.entity_id = %s ORDER BY v.store_id",
        entity_id,
    )
    assert [(r["store_id"], r["value"]) for r in names] == [(0, "New"), (fr, "Nouveau")]
    assert client.get("/rest/V1/products/NEW-1", headers=admin).json()["name"] == "New"
    after = magento.scalar(
        "SELECT updated_at FROM catalog_product_entity WHERE entity_id = %s", entity_id
    )
    assert after >= before

    deleted = client.delete("/rest/V1/products/NEW-1", headers=admin)
    assert deleted.status_code == 200 and deleted.json() is True
    assert magento.scalar("SELECT COUNT(*) FROM catalog_product_entity") == 0
    assert magento.scalar("SELECT COUNT(*) FROM url_rewrite") == 0


def test_invalid_product_writes_nothing(
    client: TestClient, admin: dict[str, str], magento: Seed
) -> None:
    bad = {
        "product": {
            "sku": "BAD",
            "name": "Bad",
            "price": 1,
            "extension_attributes": {"category_links": [{"category_id": "999"}]},
        }
    }
    response = client.post("/rest/all/V1/products", json=bad, headers=admin)
    assert response.status_code == 400
    assert response.json()["parameters"]["fieldName"] == "category_id"
    assert magento.scalar("SELECT COUNT(*) FROM catalog_product_entity") == 0
    assert magento.scalar("SELECT COUNT(*) FROM catalog_product_entity_varchar") == 0
    assert magento.scalar("SELECT COUNT(*) FROM cataloginventory_stock_item") == 0


def test_malformed_json_is_400(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post(
        "/rest/V1/products",
        content=b"{not json",
        headers={**admin, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json() == {"message": "Decoding error."}
    missing = client.post("/rest/V1/products", json={"saveOptions": True}, headers=admin)
    assert missing.status_code == 400
    assert missing.json()["parameters"] == {"fieldName": "product"}


def test_reader_matches_the_reference_flattening_on_a_generated_store(
    client: TestClient, admin: dict[str, str], magento: Seed
) -> None:
    from ficus_legacy.core.magento_json import render_product
    from ficus_legacy.reference import product_states
    from ficus_standin.generator import SeedSpec, generate
    from ficus_standin.repositories import product_reader

    generate(magento.conn, SeedSpec(products=60, customers=3, orders=3, seed=5))
    magento.conn.commit()
    ids = [r["entity_id"] for r in magento.rows("SELECT entity_id FROM catalog_product_entity")]
    reference = list(product_states(magento.conn, ids))
    ours = product_reader.by_ids(magento.conn, magento.eav(), ids)
    assert ours == reference and len(ours) == 60
    configurable = next(s for s in reference if s.type_id == "configurable")
    body = client.get(f"/rest/V1/products/{configurable.sku}", headers=admin).json()
    assert body == render_product(configurable, 1)
    assert body["extension_attributes"]["configurable_product_links"]
