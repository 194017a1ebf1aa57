"""Order state changes as `Magento\\Sales\\Model\\Order` guards them (MAGENTO.md §C).

hold: not from canceled, payment_review, complete, closed or holded; saves the state/status.
unhold: only from holded; restores them. cancel: not from holded, canceled, complete or closed;
items canceled, quantities back to stock, a status history row (as `_setState` writes).
Every change saves sales_order (updated_at) and its grid row, as Magento's grid sync does.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ficus_legacy.core.webapi_errors import InputError, NoSuchEntity
from ficus_standin.db import Connection, dict_cursor
from ficus_standin.errors import ENTITY_NOT_FOUND
from ficus_standin.repositories import stock

NO_HOLD = {"canceled", "payment_review", "complete", "closed", "holded"}
NO_CANCEL = {"holded", "canceled", "complete", "closed"}


def _load(conn: Connection, order_id: int) -> dict[str, Any]:
    with dict_cursor(conn) as cur:
        cur.execute("SELECT * FROM sales_order WHERE entity_id = %s FOR UPDATE", (order_id,))
        row = cur.fetchone()
    if row is None:
        raise NoSuchEntity(ENTITY_NOT_FOUND)
    return dict(row)


def _save(conn: Connection, order_id: int, changes: dict[str, Any]) -> None:
    sets = ", ".join(f"`{k}` = %s" for k in changes)
    with dict_cursor(conn) as cur:
        cur.execute(
            f"UPDATE sales_order SET {sets}, updated_at = NOW() WHERE entity_id = %s",
            [*changes.values(), order_id],
        )
        cur.execute(
            "UPDATE sales_order_grid g JOIN sales_order o ON o.entity_id = g.entity_id"
            " SET g.status = o.status, g.updated_at = o.updated_at WHERE g.entity_id = %s",
            (order_id,),
        )


def status(conn: Connection, order_id: int) -> str:
    return str(_load(conn, order_id)["status"])


def hold(conn: Connection, order_id: int) -> None:
    order = _load(conn, order_id)
    if order["state"] in NO_HOLD:
        raise InputError("A hold action is not available.")
    _save(conn, order_id, {
        "hold_before_state": order["state"], "hold_before_status": order["status"],
        "state": "holded", "status": "holded",
    })  # fmt: skip


def unhold(conn: Connection, order_id: int) -> None:
    order = _load(conn, order_id)
    if order["state"] != "holded":
        raise InputError("You cannot remove the hold.")
    _save(conn, order_id, {
        "state": order["hold_before_state"], "status": order["hold_before_status"],
        "hold_before_state": None, "hold_before_status": None,
    })  # fmt: skip


def cancel(conn: Connection, order_id: int) -> None:
    order = _load(conn, order_id)
    if order["state"] in NO_CANCEL:
        raise InputError("We cannot cancel this order.")
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT item_id, product_id, qty_ordered, qty_invoiced FROM sales_order_item"
            " WHERE order_id = %s",
            (order_id,),
        )
        items = list(cur.fetchall())
        for item in items:
            left = Decimal(item["qty_ordered"] or 0) - Decimal(item["qty_invoiced"] or 0)
            cur.execute(
                "UPDATE sales_order_item SET qty_canceled = %s, updated_at = NOW()"
                " WHERE item_id = %s",
                (left, item["item_id"]),
            )
            if item["product_id"] is not None and left > 0:
                stock.give_back(conn, int(item["product_id"]), left)
        cur.execute(
            "INSERT INTO sales_order_status_history (parent_id, is_customer_notified,"
            " is_visible_on_front, comment, status, entity_name)"
            " VALUES (%s, 0, 0, NULL, 'canceled', 'order')",
            (order_id,),
        )
    canceled = {
        "subtotal_canceled": order["subtotal"], "base_subtotal_canceled": order["base_subtotal"],
        "shipping_canceled": order["shipping_amount"],
        "base_shipping_canceled": order["base_shipping_amount"],
        "tax_canceled": order["tax_amount"], "base_tax_canceled": order["base_tax_amount"],
        "discount_canceled": order["discount_amount"],
        "base_discount_canceled": order["base_discount_amount"],
        "total_canceled": order["grand_total"], "base_total_canceled": order["base_grand_total"],
    }  # fmt: skip
    _save(conn, order_id, {**canceled, "state": "canceled", "status": "canceled"})
