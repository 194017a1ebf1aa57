from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.integration.standin.conftest import Seed

pytestmark = pytest.mark.integration


def test_category_tree_and_category(
    client: TestClient, admin: dict[str, str], magento: Seed
) -> None:
    fr = magento.store_view("fr")
    bags = magento.category("Bags")
    totes = magento.category("Totes", parent=bags)
    magento.eav().write(magento.conn, "catalog_category", bags, {"name": "Sacs"}, fr)
    magento.conn.commit()
    magento.product("T-1", "Tote", "5", categories=(totes,))
    tree = client.get("/rest/V1/categories", headers=admin).json()
    assert (tree["id"], tree["name"], tree["level"]) == (2, "Default Category", 1)
    child = tree["children_data"][0]
    assert (child["id"], child["name"], child["is_active"]) == (bags, "Bags", True)
    assert child["children_data"][0]["product_count"] == 1
    assert (
        client.get("/rest/fr/V1/categories", headers=admin).json()["children_data"][0]["name"]
        == "Sacs"
    )
    shallow = client.get(f"/rest/V1/categories?rootCategoryId={bags}&depth=0", headers=admin).json()
    assert shallow["id"] == bags and shallow["children_data"] == []
    assert client.get("/rest/all/V1/categories", headers=admin).json()["id"] == 1

    one = client.get(f"/rest/V1/categories/{bags}", headers=admin).json()
    assert one["path"] == f"1/2/{bags}" and one["children"] == str(totes) and one["name"] == "Bags"
    missing = client.get("/rest/V1/categories/999", headers=admin)
    assert missing.status_code == 404 and missing.json()["parameters"] == {
        "fieldName": "id",
        "fieldValue": 999,
    }


def test_stock_items_get_and_update(
    client: TestClient, admin: dict[str, str], magento: Seed
) -> None:
    product_id = magento.product("S-1", "Sock", "3", qty="4")
    item = client.get("/rest/V1/stockItems/S-1", headers=admin).json()
    assert (item["product_id"], item["qty"], item["is_in_stock"]) == (product_id, 4.0, True)
    updated = client.put(
        f"/rest/V1/products/S-1/stockItems/{item['item_id']}",
        json={"stockItem": {"qty": 0}},
        headers=admin,
    )
    assert updated.status_code == 200 and updated.json() == item["item_id"]
    after = client.get("/rest/V1/stockItems/S-1", headers=admin).json()
    assert (after["qty"], after["is_in_stock"]) == (0.0, False)
    assert (
        magento.scalar(
            "SELECT stock_status FROM cataloginventory_stock_status WHERE product_id = %s",
            product_id,
        )
        == 0
    )
    assert client.get("/rest/V1/stockItems/NOPE", headers=admin).status_code == 404


def _order(client: TestClient, sku: str) -> int:
    address = {
        "firstname": "A",
        "lastname": "B",
        "street": ["S"],
        "city": "C",
        "country_id": "FR",
        "telephone": "1",
        "postcode": "75001",
    }
    cart = client.post("/rest/V1/guest-carts").json()
    base = f"/rest/V1/guest-carts/{cart}"
    client.post(f"{base}/items", json={"cartItem": {"sku": sku, "qty": 1}})
    client.post(
        f"{base}/shipping-information",
        json={
            "addressInformation": {
                "shipping_address": address,
                "shipping_carrier_code": "flatrate",
                "shipping_method_code": "flatrate",
            }
        },
    )
    placed = client.post(
        f"{base}/payment-information",
        json={"email": "g@x.io", "paymentMethod": {"method": "checkmo"}},
    )
    assert placed.status_code == 200, placed.text
    return int(placed.json())


def test_orders_get_and_search(client: TestClient, admin: dict[str, str], magento: Seed) -> None:
    magento.product("O-1", "One", "10")
    magento.product("O-2", "Two", "20")
    first, second = _order(client, "O-1"), _order(client, "O-2")
    both = client.get(
        "/rest/V1/orders?searchCriteria[sortOrders][0][field]=grand_total&searchCriteria[sortOrders][0][direction]=DESC",
        headers=admin,
    ).json()
    assert [o["entity_id"] for o in both["items"]] == [second, first] and both["total_count"] == 2
    assert [o["increment_id"] for o in both["items"]] == ["000000002", "000000001"]
    prefix = "searchCriteria[filter_groups][0][filters][0]"
    one = client.get(
        f"/rest/V1/orders?{prefix}[field]=increment_id&{prefix}[value]=000000001", headers=admin
    ).json()
    assert [o["entity_id"] for o in one["items"]] == [first]
    missing = client.get("/rest/V1/orders/999", headers=admin)
    assert missing.status_code == 404
    assert missing.json() == {
        "message": "The entity that was requested doesn't exist. Verify the entity and try again."
    }
    assert client.get(f"/rest/V1/orders/{first}").status_code == 401


def test_unknown_route_store_and_health(client: TestClient, admin: dict[str, str]) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    route = client.get("/rest/V1/nothing-here", headers=admin)
    assert route.status_code == 404 and route.json() == {
        "message": "Request does not match any route."
    }
    store = client.get("/rest/nostore/V1/products/X", headers=admin)
    assert store.status_code == 404


def test_hold_unhold_cancel_follow_magentos_guards(
    client: TestClient, admin: dict[str, str], magento: Seed
) -> None:
    product_id = magento.product("H-1", "Held", "10", qty="3")
    order_id = _order(client, "H-1")
    base = f"/rest/V1/orders/{order_id}"
    assert client.post(f"{base}/unhold", headers=admin).status_code == 400
    assert client.post(f"{base}/hold", headers=admin).json() is True
    assert client.get(f"{base}/statuses", headers=admin).json() == "holded"
    assert client.post(f"{base}/cancel", headers=admin).status_code == 400  # not while holded
    assert client.post(f"{base}/unhold", headers=admin).json() is True
    assert client.get(f"{base}/statuses", headers=admin).json() == "pending"
    assert client.post(f"{base}/cancel", headers=admin).json() is True
    order = client.get(base, headers=admin).json()
    assert (order["state"], order["status"], order["total_canceled"]) == (
        "canceled",
        "canceled",
        15.0,
    )
    assert order["items"][0]["qty_canceled"] == 1.0
    assert [h["status"] for h in order["status_histories"]] == ["canceled", "pending"]
    assert magento.scalar("SELECT status FROM sales_order_grid WHERE entity_id = %s", order_id) == (
        "canceled"
    )
    qty = magento.scalar(
        "SELECT qty FROM cataloginventory_stock_item WHERE product_id = %s", product_id
    )
    assert float(qty) == 3.0  # given back
    assert client.post(f"{base}/hold", headers=admin).status_code == 400
    assert client.post("/rest/V1/orders/999/cancel", headers=admin).status_code == 404


def test_store_endpoints(client: TestClient, admin: dict[str, str]) -> None:
    views = client.get("/rest/V1/store/storeViews", headers=admin).json()
    assert [(v["id"], v["code"]) for v in views] == [(0, "admin"), (1, "default")]
    assert client.get("/rest/V1/store/websites", headers=admin).json()[1]["code"] == "base"
    assert (
        client.get("/rest/V1/store/storeGroups", headers=admin).json()[1]["root_category_id"] == 2
    )
    assert client.get("/rest/V1/store/storeConfigs", headers=admin).json()[0]["code"] == "default"
    assert client.get("/rest/V1/store/storeViews").status_code == 401
