from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.standin.conftest import Seed

pytestmark = pytest.mark.integration

ADDRESS = {
    "firstname": "Ada",
    "lastname": "Lovelace",
    "street": ["1 Engine St", "Flat 2"],
    "city": "London",
    "postcode": "N1",
    "country_id": "GB",
    "telephone": "123",
    "email": "ada@example.com",
    "region": "London",
}


def shipping_info() -> dict[str, Any]:
    return {
        "addressInformation": {
            "shipping_address": ADDRESS,
            "billing_address": ADDRESS,
            "shipping_carrier_code": "flatrate",
            "shipping_method_code": "flatrate",
        }
    }


@pytest.fixture
def products(magento: Seed) -> dict[str, int]:
    return {
        "MB-01": magento.product("MB-01", "Bag", "34.0000", qty="5", weight="1"),
        "MB-02": magento.product("MB-02", "Cap", "10.0000", qty="2", special_price="8.0000"),
    }


def test_full_guest_checkout_places_a_correct_order(
    client: TestClient, admin: dict[str, str], magento: Seed, products: dict[str, int]
) -> None:
    cart = client.post("/rest/default/V1/guest-carts").json()
    assert isinstance(cart, str) and len(cart) == 32
    base = f"/rest/default/V1/guest-carts/{cart}"
    added = client.post(
        f"{base}/items", json={"cartItem": {"sku": "MB-01", "qty": 1, "quote_id": cart}}
    )
    assert added.status_code == 200, added.text
    assert added.json()["quote_id"] == cart and added.json()["price"] == 34.0
    client.post(f"{base}/items", json={"cartItem": {"sku": "MB-01", "qty": 1, "quote_id": cart}})
    cap = client.post(f"{base}/items", json={"cartItem": {"sku": "MB-02", "qty": 2}}).json()
    assert cap["price"] == 8.0  # special price
    items = client.get(f"{base}/items").json()
    assert [(i["sku"], i["qty"]) for i in items] == [("MB-01", 2.0), ("MB-02", 2.0)]
    changed = client.put(f"{base}/items/{cap['item_id']}", json={"cartItem": {"qty": 1}})
    assert changed.json()["qty"] == 1.0
    methods = client.post(f"{base}/estimate-shipping-methods", json={"address": ADDRESS}).json()
    assert methods[0]["carrier_code"] == "flatrate" and methods[0]["amount"] == 15.0
    info = client.post(f"{base}/shipping-information", json=shipping_info())
    assert info.status_code == 200, info.text
    assert info.json()["totals"]["grand_total"] == 76.0 + 15.0
    assert {"code": "checkmo", "title": "Check / Money order"} in info.json()["payment_methods"]
    assert client.get(f"{base}/totals").json()["shipping_amount"] == 15.0

    placed = client.post(
        f"{base}/payment-information",
        json={
            "email": "ada@example.com",
            "paymentMethod": {"method": "checkmo"},
            "billingAddress": ADDRESS,
        },
    )
    assert placed.status_code == 200, placed.text
    order_id = placed.json()
    assert isinstance(order_id, int)

    order = client.get(f"/rest/V1/orders/{order_id}", headers=admin).json()
    assert order["increment_id"] == "000000001"
    assert (order["state"], order["status"], order["customer_is_guest"]) == ("new", "pending", 1)
    assert (
        order["grand_total"] == 91.0
        and order["subtotal"] == 76.0
        and order["shipping_amount"] == 15.0
    )
    assert [(i["sku"], i["qty_ordered"], i["row_total"]) for i in order["items"]] == [
        ("MB-01", 2.0, 68.0),
        ("MB-02", 1.0, 8.0),
    ]
    assert order["billing_address"]["street"] == ["1 Engine St", "Flat 2"]
    assert order["payment"]["method"] == "checkmo"
    assert order["status_histories"][0]["status"] == "pending"
    shipping = order["extension_attributes"]["shipping_assignments"][0]["shipping"]
    assert shipping["method"] == "flatrate_flatrate" and shipping["address"]["city"] == "London"

    grid = magento.rows("SELECT * FROM sales_order_grid WHERE entity_id = %s", order_id)[0]
    assert grid["increment_id"] == "000000001" and float(grid["grand_total"]) == 91.0
    assert grid["billing_name"] == "Ada Lovelace" and grid["payment_method"] == "checkmo"
    assert magento.scalar("SELECT MAX(sequence_value) FROM sequence_order_1") == 1
    quote = magento.rows("SELECT is_active, reserved_order_id FROM quote")[0]
    assert quote == {"is_active": 0, "reserved_order_id": "000000001"}
    stock = magento.rows(
        "SELECT product_id, qty, is_in_stock FROM cataloginventory_stock_item ORDER BY product_id"
    )
    assert [(float(s["qty"]), s["is_in_stock"]) for s in stock] == [(3.0, 1), (1.0, 1)]
    assert (
        float(
            magento.scalar(
                "SELECT qty FROM cataloginventory_stock_status WHERE product_id = %s",
                products["MB-01"],
            )
        )
        == 3.0
    )
    assert client.get(base).status_code == 404  # the cart is no longer active


def test_selling_the_last_unit_puts_the_product_out_of_stock(
    client: TestClient, magento: Seed, products: dict[str, int]
) -> None:
    cart = client.post("/rest/V1/guest-carts").json()
    base = f"/rest/V1/guest-carts/{cart}"
    client.post(f"{base}/items", json={"cartItem": {"sku": "MB-02", "qty": 2}})
    client.post(f"{base}/shipping-information", json=shipping_info())
    placed = client.post(
        f"{base}/payment-information",
        json={"email": "a@b.c", "paymentMethod": {"method": "checkmo"}},
    )
    assert placed.status_code == 200, placed.text
    row = magento.rows(
        "SELECT qty, is_in_stock FROM cataloginventory_stock_item WHERE product_id = %s",
        products["MB-02"],
    )[0]
    assert (float(row["qty"]), row["is_in_stock"]) == (0.0, 0)


def test_failed_placement_writes_nothing(
    client: TestClient, magento: Seed, products: dict[str, int]
) -> None:
    cart = client.post("/rest/V1/guest-carts").json()
    base = f"/rest/V1/guest-carts/{cart}"
    client.post(f"{base}/items", json={"cartItem": {"sku": "MB-01", "qty": 1}})
    client.post(f"{base}/items", json={"cartItem": {"sku": "MB-02", "qty": 2}})
    client.post(f"{base}/shipping-information", json=shipping_info())
    with magento.conn.cursor() as cur:  # someone else buys the caps meanwhile
        cur.execute(
            "UPDATE cataloginventory_stock_item SET qty = 1 WHERE product_id = %s",
            (products["MB-02"],),
        )
    magento.conn.commit()
    failed = client.post(
        f"{base}/payment-information",
        json={"email": "a@b.c", "paymentMethod": {"method": "checkmo"}},
    )
    assert failed.status_code == 400
    assert (
        failed.json()["message"]
        == "Not all of your products are available in the requested quantity."
    )
    for table in (
        "sales_order",
        "sales_order_item",
        "sales_order_address",
        "sales_order_grid",
        "sales_order_payment",
        "sales_order_status_history",
    ):
        assert magento.scalar(f"SELECT COUNT(*) FROM {table}") == 0, table
    assert (
        float(
            magento.scalar(
                "SELECT qty FROM cataloginventory_stock_item WHERE product_id = %s",
                products["MB-01"],
            )
        )
        == 5.0
    )
    assert magento.scalar("SELECT is_active FROM quote") == 1


def test_cart_errors(client: TestClient, products: dict[str, int]) -> None:
    assert client.get("/rest/V1/guest-carts/unknown").status_code == 404
    cart = client.post("/rest/V1/guest-carts").json()
    base = f"/rest/V1/guest-carts/{cart}"
    unknown = client.post(f"{base}/items", json={"cartItem": {"sku": "NOPE", "qty": 1}})
    assert unknown.status_code == 404
    too_many = client.post(f"{base}/items", json={"cartItem": {"sku": "MB-01", "qty": 50}})
    assert (
        too_many.status_code == 400
        and too_many.json()["message"] == "The requested qty is not available"
    )
    gone = client.delete(f"{base}/items/999")
    assert gone.status_code == 404 and gone.json()["parameters"] == {"1": cart, "2": 999}
    item = client.post(f"{base}/items", json={"cartItem": {"sku": "MB-01", "qty": 1}}).json()
    assert client.delete(f"{base}/items/{item['item_id']}").json() is True
    assert client.get(f"{base}/items").json() == []
    no_method = client.post(
        f"{base}/payment-information",
        json={"email": "a@b.c", "paymentMethod": {"method": "checkmo"}},
    )
    assert no_method.status_code == 400


def test_customer_cart_checkout(
    client: TestClient, admin: dict[str, str], magento: Seed, products: dict[str, int]
) -> None:
    customer = {
        "customer": {"email": "c@example.com", "firstname": "Cy", "lastname": "Borg"},
        "password": "Passw0rd!",
    }
    assert client.post("/rest/V1/customers", json=customer).status_code == 200
    token = client.post(
        "/rest/V1/integration/customer/token",
        json={"username": "c@example.com", "password": "Passw0rd!"},
    ).json()
    auth = {"Authorization": f"Bearer {token}"}
    cart_id = client.post("/rest/V1/carts/mine", headers=auth).json()
    assert isinstance(cart_id, int)
    assert (
        client.post("/rest/V1/carts/mine", headers=auth).json() == cart_id
    )  # the active cart again
    assert (
        client.post(
            "/rest/V1/carts/mine/items", json={"cartItem": {"sku": "MB-01", "qty": 1}}, headers=auth
        ).status_code
        == 200
    )
    assert client.get("/rest/V1/carts/mine", headers=auth).json()["items"][0]["sku"] == "MB-01"
    assert (
        client.post(
            "/rest/V1/carts/mine/shipping-information", json=shipping_info(), headers=auth
        ).status_code
        == 200
    )
    placed = client.put(
        "/rest/V1/carts/mine/order", json={"paymentMethod": {"method": "checkmo"}}, headers=auth
    )
    assert placed.status_code == 200, placed.text
    order = client.get(f"/rest/V1/orders/{placed.json()}", headers=admin).json()
    assert order["customer_email"] == "c@example.com" and order["customer_is_guest"] == 0
    assert order["customer_firstname"] == "Cy" and order["customer_group_id"] == 1
    assert client.get("/rest/V1/carts/mine").status_code == 401


def test_configurable_line_sells_the_chosen_child(
    client: TestClient, admin: dict[str, str], magento: Seed
) -> None:
    from ficus_standin.generator import SeedSpec, generate

    generate(magento.conn, SeedSpec(products=40, customers=2, orders=2, seed=9))
    magento.conn.commit()
    link = magento.rows(
        "SELECT l.parent_id, l.product_id, p.sku AS parent_sku, c.sku AS child_sku"
        " FROM catalog_product_super_link l"
        " JOIN catalog_product_entity p ON p.entity_id = l.parent_id"
        " JOIN catalog_product_entity c ON c.entity_id = l.product_id"
        " JOIN cataloginventory_stock_item s ON s.product_id = l.product_id"
        " WHERE s.is_in_stock = 1 AND s.qty >= 2 ORDER BY l.link_id LIMIT 1"
    )[0]
    options = [
        {"option_id": str(r["attribute_id"]), "option_value": int(r["value"])}
        for r in magento.rows(
            "SELECT sa.attribute_id, v.value FROM catalog_product_super_attribute sa"
            " JOIN catalog_product_entity_int v ON v.attribute_id = sa.attribute_id"
            " AND v.entity_id = %s AND v.store_id = 0 WHERE sa.product_id = %s",
            link["product_id"],
            link["parent_id"],
        )
    ]
    qty_before = float(magento.scalar(
        "SELECT qty FROM cataloginventory_stock_item WHERE product_id = %s", link["product_id"]
    ))  # fmt: skip
    cart = client.post("/rest/V1/guest-carts").json()
    base = f"/rest/V1/guest-carts/{cart}"
    no_options = client.post(
        f"{base}/items", json={"cartItem": {"sku": link["parent_sku"], "qty": 1}}
    )
    assert no_options.status_code == 400
    option = {"extension_attributes": {"configurable_item_options": options}}
    item = {"sku": link["parent_sku"], "qty": 2, "product_option": option}
    added = client.post(f"{base}/items", json={"cartItem": item})
    assert added.status_code == 200, added.text
    body = added.json()
    assert body["sku"] == link["child_sku"] and body["product_type"] == "configurable"
    assert body["product_option"] == option
    assert client.post(f"{base}/shipping-information", json=shipping_info()).status_code == 200
    placed = client.post(
        f"{base}/payment-information",
        json={"email": "a@b.c", "paymentMethod": {"method": "checkmo"}},
    )
    assert placed.status_code == 200, placed.text
    order = client.get(f"/rest/V1/orders/{placed.json()}", headers=admin).json()
    parent, child = order["items"]
    assert (parent["product_type"], parent["qty_ordered"]) == ("configurable", 2.0)
    assert (child["parent_item_id"], child["sku"], child["qty_ordered"]) == (
        parent["item_id"], link["child_sku"], 2.0
    )  # fmt: skip
    qty_after = float(magento.scalar(
        "SELECT qty FROM cataloginventory_stock_item WHERE product_id = %s", link["product_id"]
    ))  # fmt: skip
    assert qty_after == qty_before - 2
