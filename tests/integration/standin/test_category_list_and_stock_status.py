"""`GET /V1/categories/list` (CategoryListInterface) and `GET /V1/stockStatuses/{sku}`
(StockStatusInterface) on the stand-in, with Magento's error bodies."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from tests.integration.standin.conftest import Seed

pytestmark = pytest.mark.integration


def _list(client: TestClient, admin: dict[str, str], path: str = "/rest/V1", **criteria: str):  # type: ignore[no-untyped-def]
    query = urlencode(
        {f"searchCriteria{k}": v for k, v in criteria.items()} or {"searchCriteria": ""}
    )
    return client.get(f"{path}/categories/list?{query}", headers=admin)


def test_category_list_filters_sorts_pages_and_sees_the_store_view(
    client: TestClient, admin: dict[str, str], magento: Seed
) -> None:
    fr = magento.store_view("fr")
    bags = magento.category("Bags")
    totes = magento.category("Totes", parent=bags)
    magento.category("Shoes")
    magento.eav().write(magento.conn, "catalog_category", bags, {"name": "Sacs"}, fr)
    magento.conn.commit()
    every = _list(client, admin).json()
    assert [c["id"] for c in every["items"]] == [1, 2, bags, totes, bags + 2]
    assert every["total_count"] == 5 and every["search_criteria"] == {"filter_groups": []}
    assert every["items"][2] == client.get(f"/rest/V1/categories/{bags}", headers=admin).json()

    named = _list(
        client, admin,
        **{"[filter_groups][0][filters][0][field]": "name",
           "[filter_groups][0][filters][0][value]": "%s",
           "[filter_groups][0][filters][0][condition_type]": "like",
           "[sortOrders][0][field]": "name", "[sortOrders][0][direction]": "DESC",
           "[pageSize]": "1", "[currentPage]": "2"},
    ).json()  # fmt: skip
    assert [c["name"] for c in named["items"]] == ["Shoes"] and named["total_count"] == 3
    french = _list(
        client, admin, "/rest/fr/V1",
        **{"[filter_groups][0][filters][0][field]": "name",
           "[filter_groups][0][filters][0][value]": "Sacs"},
    ).json()  # fmt: skip
    assert [(c["id"], c["name"]) for c in french["items"]] == [(bags, "Sacs")]
    level = _list(
        client, admin,
        **{"[filter_groups][0][filters][0][field]": "parent_id",
           "[filter_groups][0][filters][0][value]": str(bags)},
    ).json()  # fmt: skip
    assert [c["id"] for c in level["items"]] == [totes]


def test_category_list_errors_are_magentos(client: TestClient, admin: dict[str, str]) -> None:
    unknown = _list(
        client, admin,
        **{"[filter_groups][0][filters][0][field]": "nope",
           "[filter_groups][0][filters][0][value]": "1"},
    )  # fmt: skip
    assert unknown.status_code == 400
    assert unknown.json() == {"message": "Invalid attribute name: %1", "parameters": ["nope"]}
    missing = client.get("/rest/V1/categories/list", headers=admin)
    assert missing.status_code == 400 and missing.json()["parameters"] == {
        "fieldName": "searchCriteria"
    }
    assert client.get("/rest/V1/categories/list?searchCriteria=").status_code == 401


def test_stock_status_by_sku(client: TestClient, admin: dict[str, str], magento: Seed) -> None:
    product_id = magento.product("S-1", "Sock", "3", qty="4.5000")
    status = client.get("/rest/V1/stockStatuses/S-1", headers=admin)
    assert status.status_code == 200
    item = client.get("/rest/V1/stockItems/S-1", headers=admin).json()
    assert status.json() == {
        "product_id": product_id,
        "website_id": 0,
        "stock_id": 1,
        "qty": 4,
        "stock_status": 1,
        "stock_item": item,
    }
    for path in ("/rest/V1/stockStatuses/NOPE", "/rest/V1/stockItems/NOPE"):
        missing = client.get(path, headers=admin)
        assert missing.status_code == 404
        assert missing.json() == {
            "message": 'The Product with the "%1" SKU doesn\'t exist.',
            "parameters": ["NOPE"],
        }
