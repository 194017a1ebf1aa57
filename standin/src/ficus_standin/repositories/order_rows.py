"""The rows of a placed order: sales_order, items, addresses, payment, status history, grid."""

from __future__ import annotations

import json
import secrets
from typing import Any

from ficus_standin.db import Connection, dict_cursor

PAYMENT_METHODS = {
    "checkmo": "Check / Money order",
    "banktransfer": "Bank Transfer Payment",
    "cashondelivery": "Cash On Delivery",
}


def insert(conn: Connection, table: str, values: dict[str, Any]) -> int:
    with dict_cursor(conn) as cur:
        cur.execute(
            f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join(['%s'] * len(values))})",
            list(values.values()),
        )
        return int(cur.lastrowid)


def store_name(conn: Connection, store_id: int) -> str:
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT w.name AS w, g.name AS g, s.name AS s FROM store s"
            " JOIN store_group g ON g.group_id = s.group_id"
            " JOIN store_website w ON w.website_id = s.website_id WHERE s.store_id = %s",
            (store_id,),
        )
        row = cur.fetchone()
    return "\n".join([row["w"], row["g"], row["s"]]) if row else ""


def address_values(order_id: int, row: dict[str, Any], email: str, kind: str) -> dict[str, Any]:
    keys = (
        "region_id",
        "customer_id",
        "region",
        "postcode",
        "lastname",
        "street",
        "city",
        "telephone",
        "country_id",
        "firstname",
        "company",
    )
    values = {k: row.get(k) for k in keys}
    values.update(
        parent_id=order_id,
        quote_address_id=row["address_id"],
        email=email,
        address_type=kind,
        customer_address_id=row.get("customer_address_id"),
    )
    return values


def one_line(row: dict[str, Any]) -> str:
    parts = [
        row.get("street", "").replace("\n", " "),
        row.get("city"),
        row.get("region"),
        row.get("postcode"),
    ]
    return ",".join(str(p) for p in parts if p)


def insert_order(
    conn: Connection,
    quote: dict[str, Any],
    c: dict[str, Any],
    increment_id: str,
    email: str,
    guest: bool,
    shipping: dict[str, Any],
    names: tuple[str | None, str | None],
) -> int:
    money = {
        "grand_total": c["grand"],
        "subtotal": c["subtotal"],
        "shipping_amount": c["shipping"],
        "tax_amount": 0,
        "discount_amount": 0,
        "shipping_tax_amount": 0,
        "subtotal_incl_tax": c["subtotal"],
        "shipping_incl_tax": c["shipping"],
        "total_due": c["grand"],
    }
    values: dict[str, Any] = {**money, **{f"base_{k}": v for k, v in money.items()}}
    values.update(
        state="new",
        status="pending",
        increment_id=increment_id,
        store_id=quote["store_id"],
        customer_id=quote["customer_id"],
        customer_is_guest=int(guest),
        customer_email=email,
        customer_firstname=names[0],
        customer_lastname=names[1],
        customer_group_id=0 if guest else quote["customer_group_id"],
        quote_id=quote["entity_id"],
        quote_address_id=shipping["address_id"],
        is_virtual=0,
        total_qty_ordered=c["qty"],
        total_item_count=len(c["lines"]),
        weight=c["weight"],
        shipping_method="flatrate_flatrate",
        shipping_description="Flat Rate - Fixed",
        base_currency_code="USD",
        order_currency_code="USD",
        store_currency_code="USD",
        global_currency_code="USD",
        base_to_global_rate=1,
        base_to_order_rate=1,
        store_to_base_rate=0,
        store_to_order_rate=0,
        email_sent=None,
        send_email=1,
        store_name=store_name(conn, quote["store_id"]),
        remote_ip=quote["remote_ip"],
        protect_code=secrets.token_hex(3),
    )
    return insert(conn, "sales_order", values)


def insert_item(
    conn: Connection, order_id: int, line: dict[str, Any], parent: dict[str, Any] | None = None
) -> int:
    """One sales_order_item; a configurable's child gets the parent's qty and parent_item_id."""
    qty = parent["qty"] if parent else line["qty"]
    options: dict[str, Any] = {"info_buyRequest": {"qty": str(qty)}}
    if line.get("additional_data"):
        options.update(json.loads(line["additional_data"]))
    return insert(
        conn,
        "sales_order_item",
        {
            "order_id": order_id,
            "parent_item_id": parent["order_item_id"] if parent else None,
            "quote_item_id": line["item_id"],
            "store_id": line["store_id"],
            "product_id": line["product_id"],
            "product_type": line["product_type"],
            "product_options": json.dumps(options),
            "weight": line["weight"],
            "is_virtual": line["is_virtual"] or 0,
            "sku": line["sku"],
            "name": line["name"],
            "qty_ordered": qty,
            "price": line["price"],
            "base_price": line["base_price"],
            "original_price": line["price"],
            "base_original_price": line["base_price"],
            "row_total": line["row_total"],
            "base_row_total": line["base_row_total"],
            "row_weight": line["row_weight"],
            "price_incl_tax": line["price"],
            "base_price_incl_tax": line["base_price"],
            "row_total_incl_tax": line["row_total"],
            "base_row_total_incl_tax": line["base_row_total"],
        },
    )


def insert_payment(
    conn: Connection, quote: dict[str, Any], order_id: int, c: dict[str, Any], method: str
) -> None:
    info = json.dumps({"method_title": PAYMENT_METHODS[method]})
    with dict_cursor(conn) as cur:
        cur.execute("DELETE FROM quote_payment WHERE quote_id = %s", (quote["entity_id"],))
    payment_id = insert(conn, "quote_payment", {"quote_id": quote["entity_id"], "method": method})
    insert(
        conn,
        "sales_order_payment",
        {
            "parent_id": order_id,
            "method": method,
            "amount_ordered": c["grand"],
            "base_amount_ordered": c["grand"],
            "shipping_amount": c["shipping"],
            "base_shipping_amount": c["shipping"],
            "quote_payment_id": payment_id,
            "additional_information": info,
        },
    )


def insert_grid(
    conn: Connection, order_id: int, billing: dict[str, Any], shipping: dict[str, Any], method: str
) -> None:
    with dict_cursor(conn) as cur:
        cur.execute(
            "INSERT INTO sales_order_grid (entity_id, status, store_id, store_name, customer_id,"
            " base_grand_total, base_total_paid, grand_total, total_paid, increment_id,"
            " base_currency_code, order_currency_code, shipping_name, billing_name, created_at,"
            " updated_at, billing_address, shipping_address, shipping_information, customer_email,"
            " customer_group, subtotal, shipping_and_handling, customer_name, payment_method,"
            " total_refunded)"
            " SELECT o.entity_id, o.status, o.store_id, o.store_name, o.customer_id,"
            " o.base_grand_total, o.base_total_paid, o.grand_total, o.total_paid, o.increment_id,"
            " o.base_currency_code, o.order_currency_code, %s, %s, o.created_at, o.updated_at,"
            " %s, %s, o.shipping_description, o.customer_email, o.customer_group_id, o.subtotal,"
            " o.shipping_amount, TRIM(CONCAT_WS(' ', o.customer_firstname, o.customer_lastname)),"
            " %s, o.total_refunded FROM sales_order o WHERE o.entity_id = %s",
            (
                f"{shipping['firstname']} {shipping['lastname']}",
                f"{billing['firstname']} {billing['lastname']}",
                one_line(billing),
                one_line(shipping),
                method,
                order_id,
            ),
        )
