"""Cart operations shared by guest carts (masked id) and customer carts (`mine`)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from ficus_legacy.core.webapi_body import section
from ficus_standin.repositories import cart_items, checkout, quote_addresses, quotes, totals
from ficus_standin.repositories.quotes import CartRef
from ficus_standin.web import ok, standin


def _fmt(value: Any) -> Any:
    return value.strftime("%Y-%m-%d %H:%M:%S") if hasattr(value, "strftime") else value


def _cart_name(ref: CartRef, quote: dict[str, Any]) -> object:
    return ref.masked_id if ref.masked_id is not None else quote["entity_id"]


def render_cart(conn: Any, quote: dict[str, Any], ref: CartRef) -> dict[str, Any]:
    lines = quotes.items(conn, quote["entity_id"])
    addresses = quote_addresses.load(conn, quote["entity_id"])
    customer: dict[str, Any] = {}
    if quote["customer_id"] is not None:
        customer = {
            "id": quote["customer_id"],
            "email": quote["customer_email"],
            "firstname": quote["customer_firstname"],
            "lastname": quote["customer_lastname"],
        }
    out: dict[str, Any] = {
        "id": quote["entity_id"],
        "created_at": _fmt(quote["created_at"]),
        "updated_at": _fmt(quote["updated_at"]),
        "is_active": bool(quote["is_active"]),
        "is_virtual": bool(quote["is_virtual"]),
        "items": [quotes.render_item(i, ref.masked_id) for i in lines],
        "items_count": quote["items_count"],
        "items_qty": float(quote["items_qty"] or 0),
        "customer": {k: v for k, v in customer.items() if v is not None},
        "orig_order_id": quote["orig_order_id"] or 0,
        "currency": {
            "global_currency_code": "USD",
            "base_currency_code": "USD",
            "store_currency_code": "USD",
            "quote_currency_code": "USD",
        },
        "customer_is_guest": bool(quote["customer_is_guest"]),
        "customer_note_notify": True,
        "customer_tax_class_id": 3,
        "store_id": quote["store_id"],
        "extension_attributes": {"shipping_assignments": []},
    }
    if "billing" in addresses:
        out["billing_address"] = quote_addresses.render(addresses["billing"])
    return out


def get_cart(request: Request, ref: CartRef) -> JSONResponse:
    with standin(request).db.transaction() as conn:
        return ok(render_cart(conn, quotes.load(conn, ref), ref))


def list_items(request: Request, ref: CartRef) -> JSONResponse:
    with standin(request).db.transaction() as conn:
        quote = quotes.load(conn, ref)
        return ok(
            [quotes.render_item(i, ref.masked_id) for i in quotes.items(conn, quote["entity_id"])]
        )


def add_item(request: Request, ref: CartRef, body: dict[str, Any]) -> JSONResponse:
    data = section(body, "cartItem")
    with standin(request).db.transaction() as conn:
        quote = quotes.load(conn, ref, lock=True)
        item_id = cart_items.add_item(conn, quote, data)
        totals.collect(conn, quote["entity_id"])
        item = next(i for i in quotes.items(conn, quote["entity_id"]) if i["item_id"] == item_id)
        return ok(quotes.render_item(item, ref.masked_id))


def update_item(request: Request, ref: CartRef, item_id: int, body: dict[str, Any]) -> JSONResponse:
    data = section(body, "cartItem")
    with standin(request).db.transaction() as conn:
        quote = quotes.load(conn, ref, lock=True)
        cart_items.update_item(conn, quote, item_id, data, _cart_name(ref, quote))
        totals.collect(conn, quote["entity_id"])
        item = next(i for i in quotes.items(conn, quote["entity_id"]) if i["item_id"] == item_id)
        return ok(quotes.render_item(item, ref.masked_id))


def remove_item(request: Request, ref: CartRef, item_id: int) -> JSONResponse:
    with standin(request).db.transaction() as conn:
        quote = quotes.load(conn, ref, lock=True)
        cart_items.remove_item(conn, quote, item_id, _cart_name(ref, quote))
        totals.collect(conn, quote["entity_id"])
    return ok(True)


def get_totals(request: Request, ref: CartRef) -> JSONResponse:
    with standin(request).db.transaction() as conn:
        quote = quotes.load(conn, ref, lock=True)
        return ok(totals.render(totals.collect(conn, quote["entity_id"])))


def estimate(request: Request, ref: CartRef, body: dict[str, Any]) -> JSONResponse:
    section(body, "address")
    with standin(request).db.transaction() as conn:
        return ok(checkout.shipping_methods(conn, quotes.load(conn, ref)))


def shipping_information(request: Request, ref: CartRef, body: dict[str, Any]) -> JSONResponse:
    info = section(body, "addressInformation")
    with standin(request).db.transaction() as conn:
        quote = quotes.load(conn, ref, lock=True)
        return ok(checkout.save_shipping_information(conn, quote, info))


def payment_information(request: Request, ref: CartRef, body: dict[str, Any]) -> JSONResponse:
    """Place the order; answers its entity_id."""
    method = section(body, "paymentMethod").get("method")
    email = body.get("email")
    with standin(request).db.transaction() as conn:
        quote = quotes.load(conn, ref, lock=True)
        billing = body.get("billingAddress")
        if isinstance(billing, dict) and billing:
            quote_addresses.save(
                conn, quote, "billing", quote_addresses.validate(billing, "billingAddress")
            )
        order_id = checkout.place_order(
            conn, quote, email if isinstance(email, str) else None, str(method)
        )
    return ok(order_id)
