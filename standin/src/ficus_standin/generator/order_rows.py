"""Row builders for generated orders (sales_order and its satellite tables, and the quote)."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from typing import Any

from ficus_standin.generator.catalog import Sellable
from ficus_standin.generator.customers import Address, Customer

PAID = {"processing", "complete", "closed"}
SHIPPED = {"complete", "closed"}
STORE_NAMES = {
    1: "Main Website\nMain Website Store\nDefault Store View",
    2: "Main Website\nMain Website Store\nFrench Store View",
    3: "Main Website\nMain Website Store\nGerman Store View",
    4: "EU Website\nEU Store\nEU English",
}
PAYMENT_INFO = json.dumps({"method_title": "Check / Money order"})
ZERO = Decimal("0.0000")


def item_row(
    item_id: int,
    order_id: int,
    store: int,
    created: str,
    product: Sellable,
    sku_of: Sellable,
    qty: Decimal,
    parent_item_id: int | None,
    price: Decimal,
    state: str,
) -> dict[str, Any]:
    done = {
        "qty_invoiced": qty if state in PAID else ZERO,
        "qty_shipped": qty if state in SHIPPED else ZERO,
        "qty_refunded": qty if state == "closed" else ZERO,
        "qty_canceled": qty if state == "canceled" else ZERO,
    }
    price = price.quantize(Decimal("0.0001"))
    return {
        "item_id": item_id, "order_id": order_id, "parent_item_id": parent_item_id,
        "store_id": store, "created_at": created, "updated_at": created,
        "product_id": product.entity_id, "product_type": product.type_id, "sku": sku_of.sku,
        "name": product.name, "qty_ordered": qty, **done, "price": price, "base_price": price,
        "original_price": price, "base_original_price": price, "row_total": price * qty,
        "base_row_total": price * qty, "row_invoiced": price * qty if state in PAID else ZERO,
        "price_incl_tax": price, "row_total_incl_tax": price * qty, "no_discount": 0,
        "product_options": json.dumps({"info_buyRequest": {"qty": str(qty)}}),
        "is_virtual": int(product.type_id == "virtual"),
    }  # fmt: skip


def order_row(
    order_id: int,
    increment_id: str,
    state: str,
    status: str,
    store: int,
    customer: Customer | None,
    billing: Address,
    items: list[dict[str, Any]],
    created: str,
    shipping_per_item: Decimal,
    rng: random.Random,
) -> dict[str, Any]:
    top = [i for i in items if i["parent_item_id"] is None]
    qty = sum((i["qty_ordered"] for i in top), ZERO)
    subtotal = sum((i["row_total"] for i in top), ZERO)
    shipping = shipping_per_item * qty
    grand = subtotal + shipping
    paid = grand if state in PAID else None
    hold = rng.choice((("new", "pending"), ("processing", "processing")))
    email = customer.email if customer else f"guest{order_id}@example.org"
    money: dict[str, Any] = {
        "grand_total": grand, "subtotal": subtotal, "subtotal_incl_tax": subtotal,
        "shipping_amount": shipping, "shipping_incl_tax": shipping, "tax_amount": ZERO,
        "shipping_tax_amount": ZERO, "discount_amount": ZERO, "total_paid": paid,
        "total_invoiced": paid, "total_due": grand - (paid or ZERO),
        "total_refunded": grand if state == "closed" else None,
        "total_canceled": grand if state == "canceled" else None,
    }  # fmt: skip
    return {
        "entity_id": order_id, "state": state, "status": status, "increment_id": increment_id,
        "store_id": store, "store_name": STORE_NAMES[store], "quote_id": order_id,
        "customer_id": customer.entity_id if customer else None,
        "customer_is_guest": int(customer is None), "customer_email": email,
        "customer_firstname": billing.firstname, "customer_lastname": billing.lastname,
        "customer_middlename": None,
        "customer_group_id": customer.group_id if customer else 0,
        "billing_address_id": billing.entity_id, "shipping_address_id": billing.entity_id + 1,
        "shipping_method": "flatrate_flatrate", "shipping_description": "Flat Rate - Fixed",
        "is_virtual": 0, "base_currency_code": "USD", "order_currency_code": "USD",
        "store_currency_code": "USD", "global_currency_code": "USD",
        "base_to_global_rate": Decimal(1), "base_to_order_rate": Decimal(1),
        "store_to_base_rate": ZERO, "store_to_order_rate": ZERO,
        "total_qty_ordered": qty, "total_item_count": len(top), "weight": qty,
        "protect_code": f"{order_id * 2654435761 % 16**6:06x}",
        "hold_before_state": hold[0] if state == "holded" else None,
        "hold_before_status": hold[1] if state == "holded" else None,
        "remote_ip": f"10.0.{order_id % 256}.{rng.randint(1, 254)}", "email_sent": 1,
        "send_email": 1, "created_at": created, "updated_at": created,
        **money, **{f"base_{k}": v for k, v in money.items()},
    }  # fmt: skip


def address_row(a: Address, order_id: int, customer: Customer | None, email: str) -> dict[str, Any]:
    return {
        "entity_id": a.entity_id, "parent_id": order_id,
        "customer_address_id": customer.address.entity_id if customer else None,
        "customer_id": customer.entity_id if customer else None,
        "address_type": "billing" if a.entity_id % 2 else "shipping", "firstname": a.firstname,
        "lastname": a.lastname, "street": a.street, "city": a.city, "postcode": a.postcode,
        "country_id": a.country_id, "telephone": a.telephone, "email": email, "region": None,
    }  # fmt: skip


def payment_row(order: dict[str, Any]) -> dict[str, Any]:
    paid = order["total_paid"]
    return {
        "_table": "sales_order_payment", "entity_id": order["entity_id"],
        "parent_id": order["entity_id"], "method": "checkmo",
        "amount_ordered": order["grand_total"], "base_amount_ordered": order["grand_total"],
        "amount_paid": paid, "base_amount_paid": paid,
        "shipping_amount": order["shipping_amount"],
        "base_shipping_amount": order["shipping_amount"],
        "additional_information": PAYMENT_INFO,
    }  # fmt: skip


def grid_row(order: dict[str, Any], billing: Address, shipping: Address) -> dict[str, Any]:
    def full(a: Address) -> str:
        return f"{a.street.replace(chr(10), ',')},{a.city},,{a.postcode}"

    return {
        "_table": "sales_order_grid", "entity_id": order["entity_id"], "status": order["status"],
        "store_id": order["store_id"], "store_name": order["store_name"],
        "customer_id": order["customer_id"], "base_grand_total": order["base_grand_total"],
        "base_total_paid": order["base_total_paid"], "grand_total": order["grand_total"],
        "total_paid": order["total_paid"], "increment_id": order["increment_id"],
        "base_currency_code": "USD", "order_currency_code": "USD",
        "shipping_name": f"{shipping.firstname} {shipping.lastname}",
        "billing_name": f"{billing.firstname} {billing.lastname}",
        "created_at": order["created_at"], "updated_at": order["updated_at"],
        "billing_address": full(billing), "shipping_address": full(shipping),
        "shipping_information": "Flat Rate - Fixed", "customer_email": order["customer_email"],
        "customer_group": str(order["customer_group_id"]), "subtotal": order["subtotal"],
        "shipping_and_handling": order["shipping_amount"],
        "customer_name": f"{order['customer_firstname']} {order['customer_lastname']}",
        "payment_method": "checkmo", "total_refunded": order["total_refunded"],
    }  # fmt: skip


def quote_row(order: dict[str, Any]) -> dict[str, Any]:
    return {
        "_table": "quote", "entity_id": order["entity_id"], "store_id": order["store_id"],
        "created_at": order["created_at"], "updated_at": order["updated_at"],
        "converted_at": order["created_at"], "is_active": 0,
        "items_count": order["total_item_count"], "items_qty": order["total_qty_ordered"],
        "customer_id": order["customer_id"], "customer_email": order["customer_email"],
        "customer_is_guest": order["customer_is_guest"],
        "customer_group_id": order["customer_group_id"],
        "reserved_order_id": order["increment_id"], "grand_total": order["grand_total"],
        "base_grand_total": order["grand_total"], "subtotal": order["subtotal"],
        "base_subtotal": order["subtotal"], "base_currency_code": "USD",
        "quote_currency_code": "USD",
    }  # fmt: skip


def history_rows(order: dict[str, Any]) -> list[dict[str, Any]]:
    placed = {"parent_id": order["entity_id"], "is_customer_notified": 1,
              "is_visible_on_front": 0, "comment": None, "status": "pending",
              "created_at": order["created_at"], "entity_name": "order"}  # fmt: skip
    if order["status"] == "pending":
        return [placed]
    later = {**placed, "is_customer_notified": 0, "status": order["status"],
             "comment": f"Order moved to {order['state']} / {order['status']} ✅"}  # fmt: skip
    return [placed, later]
