"""Shipping estimate, shipping information, and order placement (`sales_order` and friends).

Placement writes, in the caller's one transaction: sales_order, its items, addresses, payment,
status history and grid row; the increment id from the store's sequence table; the stock
decrement; and the quote deactivated with its reserved_order_id.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ficus_legacy.core.webapi_errors import InputError
from ficus_legacy.sequence import next_increment_id
from ficus_standin.db import Connection, dict_cursor
from ficus_standin.repositories import order_rows, quote_addresses, quotes, stock, totals
from ficus_standin.repositories.order_rows import PAYMENT_METHODS
from ficus_standin.repositories.quotes import items

NO_METHOD = "The shipping method is missing. Select the shipping method and try again."
NO_ADDRESS = "The shipping address is missing. Set the address and try again."


def shipping_methods(conn: Connection, quote: dict[str, Any]) -> list[dict[str, Any]]:
    qty = sum((Decimal(i["qty"]) for i in items(conn, quote["entity_id"])), Decimal(0))
    amount = float(totals.shipping_amount(qty))
    return [
        {
            "carrier_code": "flatrate",
            "method_code": "flatrate",
            "carrier_title": "Flat Rate",
            "method_title": "Fixed",
            "amount": amount,
            "base_amount": amount,
            "available": True,
            "error_message": "",
            "price_excl_tax": amount,
            "price_incl_tax": amount,
        }
    ]


def payment_methods() -> list[dict[str, str]]:
    return [{"code": code, "title": title} for code, title in PAYMENT_METHODS.items()]


def save_shipping_information(
    conn: Connection, quote: dict[str, Any], info: dict[str, Any]
) -> dict[str, Any]:
    carrier, method = info.get("shipping_carrier_code"), info.get("shipping_method_code")
    if (carrier, method) != ("flatrate", "flatrate"):
        raise InputError("Carrier with such method not found: %1, %2", {"1": carrier, "2": method})
    shipping = quote_addresses.validate(info.get("shipping_address"), "shipping_address")
    billing = info.get("billing_address") or shipping
    quote_addresses.save(conn, quote, "shipping", shipping, "flatrate_flatrate")
    quote_addresses.save(
        conn, quote, "billing", quote_addresses.validate(billing, "billing_address")
    )
    collected = totals.collect(conn, quote["entity_id"])
    return {"payment_methods": payment_methods(), "totals": totals.render(collected)}


def _validate(
    conn: Connection, quote: dict[str, Any], method: str
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    lines = items(conn, quote["entity_id"])
    if not lines:
        raise InputError("Cart %1 doesn't contain products", {"1": quote["entity_id"]})
    if method not in PAYMENT_METHODS:
        raise InputError("The requested Payment Method is not available.")
    addresses = quote_addresses.load(conn, quote["entity_id"])
    shipping = addresses.get("shipping")
    if shipping is None:
        raise InputError(NO_ADDRESS)
    if not shipping["shipping_method"]:
        raise InputError(NO_METHOD)
    return lines, addresses


def _insert_items(conn: Connection, order_id: int, lines: list[dict[str, Any]]) -> None:
    """Order items (a configurable line and its child); stock taken in product order, so
    concurrent orders lock stock rows in the same order and cannot deadlock."""
    children = quotes.children(conn, [line["item_id"] for line in lines])
    taken: list[tuple[int, Decimal]] = []
    for line in lines:
        item_id = order_rows.insert_item(conn, order_id, line)
        child = children.get(line["item_id"])
        if child is not None:
            order_rows.insert_item(conn, order_id, child, {**line, "order_item_id": item_id})
        taken.append((int((child or line)["product_id"]), Decimal(line["qty"])))
    for product_id, qty in sorted(taken):
        stock.decrement(conn, product_id, qty)


def place_order(conn: Connection, quote: dict[str, Any], email: str | None, method: str) -> int:
    """Turn the (locked, active) quote into an order; returns the order's entity_id."""
    lines, addresses = _validate(conn, quote, method)
    email = email or quote["customer_email"]
    if not email:
        raise InputError.required("email")
    collected = totals.collect(conn, quote["entity_id"])
    store_id = quote["store_id"]
    increment_id = next_increment_id(conn, "order", store_id)
    guest = quote["customer_id"] is None
    shipping, billing = addresses["shipping"], addresses.get("billing", addresses["shipping"])
    first, last = (
        (quote["customer_firstname"], quote["customer_lastname"])
        if not guest
        else (billing["firstname"], billing["lastname"])
    )
    order_id = order_rows.insert_order(
        conn, quote, collected, increment_id, email, guest, shipping, (first, last)
    )
    billing_id = order_rows.insert(
        conn, "sales_order_address", order_rows.address_values(order_id, billing, email, "billing")
    )
    shipping_id = order_rows.insert(
        conn,
        "sales_order_address",
        order_rows.address_values(order_id, shipping, email, "shipping"),
    )
    with dict_cursor(conn) as cur:
        cur.execute(
            "UPDATE sales_order SET billing_address_id = %s, shipping_address_id = %s"
            " WHERE entity_id = %s",
            (billing_id, shipping_id, order_id),
        )
    _insert_items(conn, order_id, lines)
    order_rows.insert_payment(conn, quote, order_id, collected, method)
    order_rows.insert(
        conn,
        "sales_order_status_history",
        {
            "parent_id": order_id,
            "is_customer_notified": 0,
            "is_visible_on_front": 0,
            "comment": None,
            "status": "pending",
            "entity_name": "order",
        },
    )
    order_rows.insert_grid(conn, order_id, billing, shipping, method)
    with dict_cursor(conn) as cur:
        cur.execute(
            "UPDATE quote SET is_active = 0, reserved_order_id = %s, customer_email = %s,"
            " customer_is_guest = %s, checkout_method = %s, updated_at = NOW()"
            " WHERE entity_id = %s",
            (increment_id, email, int(guest), "guest" if guest else "customer", quote["entity_id"]),
        )
    return order_id
