"""Carts (`quote`, `quote_item`, `quote_id_mask`) as Magento's cart repositories keep them."""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ficus_legacy.core.webapi_errors import NoSuchEntity
from ficus_standin.db import Connection, dict_cursor
from ficus_standin.stores import Store

FLATRATE_PER_ITEM = Decimal("5.0000")
_MASK_CHARS = string.ascii_letters + string.digits
NOT_AVAILABLE = "The requested qty is not available"


@dataclass(frozen=True)
class CartRef:
    """How a request names a cart: a masked id (guest) or a customer (mine)."""

    masked_id: str | None = None
    customer_id: int | None = None


def _fmt(value: Any) -> Any:
    return value.strftime("%Y-%m-%d %H:%M:%S") if hasattr(value, "strftime") else value


def create_guest(conn: Connection, store: Store) -> str:
    with dict_cursor(conn) as cur:
        cur.execute(
            "INSERT INTO quote (store_id, is_active, customer_is_guest, base_currency_code,"
            " store_currency_code, quote_currency_code, global_currency_code)"
            " VALUES (%s, 1, 1, 'USD', 'USD', 'USD', 'USD')",
            (store.store_id or 1,),
        )
        quote_id = cur.lastrowid
        masked = "".join(secrets.choice(_MASK_CHARS) for _ in range(32))
        cur.execute(
            "INSERT INTO quote_id_mask (quote_id, masked_id) VALUES (%s, %s)", (quote_id, masked)
        )
    return masked


def create_for_customer(conn: Connection, store: Store, customer_id: int) -> int:
    """The customer's active cart, created if there is none (Magento returns the existing one)."""
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT entity_id FROM quote WHERE customer_id = %s AND is_active = 1"
            " ORDER BY entity_id DESC LIMIT 1 FOR UPDATE",
            (customer_id,),
        )
        row = cur.fetchone()
        if row:
            return int(row["entity_id"])
        cur.execute(
            "SELECT email, firstname, lastname, group_id FROM customer_entity WHERE entity_id = %s",
            (customer_id,),
        )
        customer = cur.fetchone()
        if customer is None:
            raise NoSuchEntity.field("customerId", customer_id)
        cur.execute(
            "INSERT INTO quote (store_id, is_active, customer_id, customer_email,"
            " customer_firstname, customer_lastname, customer_group_id, customer_is_guest,"
            " base_currency_code, store_currency_code, quote_currency_code, global_currency_code)"
            " VALUES (%s, 1, %s, %s, %s, %s, %s, 0, 'USD', 'USD', 'USD', 'USD')",
            (
                store.store_id or 1,
                customer_id,
                customer["email"],
                customer["firstname"],
                customer["lastname"],
                customer["group_id"],
            ),
        )
        return int(cur.lastrowid)


def load(conn: Connection, ref: CartRef, *, lock: bool = False) -> dict[str, Any]:
    """The active quote row a reference names; 404 as Magento says it."""
    suffix = " FOR UPDATE" if lock else ""
    with dict_cursor(conn) as cur:
        if ref.masked_id is not None:
            cur.execute(
                "SELECT q.* FROM quote_id_mask m JOIN quote q ON q.entity_id = m.quote_id"
                " WHERE m.masked_id = %s" + suffix,
                (ref.masked_id,),
            )
            row = cur.fetchone()
            if row is None or not row["is_active"]:
                raise NoSuchEntity.field("cartId", ref.masked_id)
            return dict(row)
        cur.execute(
            "SELECT * FROM quote WHERE customer_id = %s AND is_active = 1"
            " ORDER BY entity_id DESC LIMIT 1" + suffix,
            (ref.customer_id,),
        )
        row = cur.fetchone()
    if row is None:
        raise NoSuchEntity.field("customerId", ref.customer_id)
    return dict(row)


def items(conn: Connection, quote_id: int) -> list[dict[str, Any]]:
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT * FROM quote_item WHERE quote_id = %s AND parent_item_id IS NULL"
            " ORDER BY item_id",
            (quote_id,),
        )
        return list(cur.fetchall())


def render_item(row: dict[str, Any], masked_id: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "item_id": row["item_id"],
        "sku": row["sku"],
        "qty": float(row["qty"]),
        "name": row["name"],
        "price": float(row["price"]),
        "product_type": row["product_type"],
        "quote_id": masked_id if masked_id is not None else str(row["quote_id"]),
    }
    if row["product_type"] == "configurable" and row["additional_data"]:
        options = json.loads(row["additional_data"])
        out["product_option"] = {"extension_attributes": options}
    return out


def children(conn: Connection, parent_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The child line of each configurable line, by its parent's item id."""
    if not parent_ids:
        return {}
    marks = ", ".join(["%s"] * len(parent_ids))
    with dict_cursor(conn) as cur:
        cur.execute(f"SELECT * FROM quote_item WHERE parent_item_id IN ({marks})", parent_ids)
        return {int(row["parent_item_id"]): dict(row) for row in cur.fetchall()}
