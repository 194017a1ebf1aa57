"""Cart lines: add (simple, virtual, or configurable with its options), change qty, remove.

A configurable line is stored as Magento stores it: a parent quote_item (product_type
configurable, the parent's name, the chosen child's sku and price) and a child quote_item
(parent_item_id set, qty 1, price 0). The chosen options are kept in the parent's
`additional_data` as JSON (Magento keeps them in quote_item_option, outside this schema).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from ficus_legacy.core.webapi_errors import InputError, NoSuchEntity
from ficus_standin.db import Connection, dict_cursor
from ficus_standin.errors import PRODUCT_NOT_FOUND
from ficus_standin.repositories import attributes
from ficus_standin.repositories.quotes import NOT_AVAILABLE, items

CHOOSE_OPTIONS = "You need to choose options for your item."
_CODES = ["name", "price", "special_price", "special_from_date", "special_to_date", "status",
          "weight"]  # fmt: skip
_COLUMNS = (
    "quote_id, parent_item_id, product_id, store_id, sku, name, product_type, qty, price,"
    " base_price, row_total, base_row_total, price_incl_tax, base_price_incl_tax,"
    " row_total_incl_tax, base_row_total_incl_tax, weight, row_weight, is_virtual, additional_data"
)


def final_price(values: dict[str, Any], today: dt.date) -> Decimal:
    """price, or special_price when lower and inside its date range."""
    price = Decimal(values.get("price") or 0)
    special = values.get("special_price")
    if special is None or Decimal(special) >= price:
        return price
    start, end = values.get("special_from_date"), values.get("special_to_date")
    if (start and start.date() > today) or (end and end.date() < today):
        return price
    return Decimal(special)


def _products(conn: Connection, where: str, args: list[Any], store_id: int) -> list[dict[str, Any]]:
    with dict_cursor(conn) as cur:
        cur.execute(
            f"SELECT entity_id, type_id, sku FROM catalog_product_entity WHERE {where}", args
        )
        rows = list(cur.fetchall())
    ids = [r["entity_id"] for r in rows]
    values = attributes.values(conn, attributes.PRODUCT, ids, _CODES, store_id)
    return [{**r, **values[r["entity_id"]]} for r in rows]


def _product(conn: Connection, sku: str, store_id: int) -> dict[str, Any]:
    found = _products(conn, "sku = %s ORDER BY entity_id LIMIT 1", [sku], store_id)
    if not found:
        raise NoSuchEntity(PRODUCT_NOT_FOUND)
    return found[0]


def _options(data: dict[str, Any]) -> list[tuple[int, int]]:
    option = data.get("product_option") or {}
    chosen = (option.get("extension_attributes") or {}).get("configurable_item_options") or []
    try:
        return sorted((int(o["option_id"]), int(o["option_value"])) for o in chosen)
    except (KeyError, TypeError, ValueError):
        raise InputError(CHOOSE_OPTIONS) from None


def _child(
    conn: Connection, parent: dict[str, Any], options: list[tuple[int, int]], store_id: int
) -> dict[str, Any]:
    """The child whose super-attribute values are exactly the chosen options."""
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT attribute_id FROM catalog_product_super_attribute WHERE product_id = %s",
            (parent["entity_id"],),
        )
        wanted = sorted(int(r["attribute_id"]) for r in cur.fetchall())
    if not options or [a for a, _ in options] != wanted:
        raise InputError(CHOOSE_OPTIONS)
    tests = " OR ".join(["(v.attribute_id = %s AND v.value = %s)"] * len(options))
    where = (
        "entity_id IN (SELECT l.product_id FROM catalog_product_super_link l WHERE l.parent_id = %s"
        " AND (SELECT COUNT(*) FROM catalog_product_entity_int v WHERE v.entity_id = l.product_id"
        f" AND v.store_id = 0 AND ({tests})) = %s) ORDER BY entity_id LIMIT 1"
    )
    args = [parent["entity_id"], *[x for pair in options for x in pair], len(options)]
    found = _products(conn, where, args, store_id)
    if not found:
        raise InputError(
            "The product that was requested doesn't exist. Verify the product and try again."
        )
    return found[0]


def _stock_ok(conn: Connection, product_id: int, qty: Decimal) -> bool:
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT qty, is_in_stock, manage_stock, backorders FROM cataloginventory_stock_item"
            " WHERE product_id = %s AND stock_id = 1",
            (product_id,),
        )
        stock = cur.fetchone()
    if stock is None or not stock["manage_stock"]:
        return True
    if not stock["is_in_stock"]:
        return False
    return bool(stock["backorders"]) or Decimal(stock["qty"] or 0) >= qty


def _qty(data: dict[str, Any]) -> Decimal:
    try:
        qty = Decimal(str(data.get("qty", 1)))
    except ArithmeticError:
        raise InputError.invalid("qty", data.get("qty")) from None
    if qty <= 0:
        raise InputError.invalid("qty", data.get("qty"))
    return qty


def _insert(conn: Connection, values: tuple[Any, ...]) -> int:
    with dict_cursor(conn) as cur:
        cur.execute(
            f"INSERT INTO quote_item ({_COLUMNS}) VALUES ({', '.join(['%s'] * 20)})", values
        )
        return int(cur.lastrowid)


def _line(
    quote: dict[str, Any],
    shown: dict[str, Any],
    sold: dict[str, Any],
    qty: Decimal,
    parent_item_id: int | None = None,
    extra: str | None = None,
) -> tuple[Any, ...]:
    """Row values: `shown` names the line (the parent), `sold` prices it (the child)."""
    price = final_price(sold, dt.date.today()) if parent_item_id is None else Decimal(0)
    weight = Decimal(sold.get("weight") or 0)
    total = price * qty
    return (
        quote["entity_id"], parent_item_id, shown["entity_id"], quote["store_id"], sold["sku"],
        shown.get("name"), shown["type_id"], qty, price, price, total, total, price, price,
        total, total, weight, weight * qty, int(shown["type_id"] == "virtual"), extra,
    )  # fmt: skip


def add_item(conn: Connection, quote: dict[str, Any], data: dict[str, Any]) -> int:
    """Add a product by sku (merging with the line of the same sku); returns the item id."""
    sku = data.get("sku")
    if not isinstance(sku, str) or not sku:
        raise InputError.required("sku")
    qty = _qty(data)
    product = _product(conn, sku, quote["store_id"])
    sold = product
    if product["type_id"] == "configurable":
        sold = _child(conn, product, _options(data), quote["store_id"])
    for candidate in (product, sold):
        if str(candidate.get("status") or "1") != "1":
            raise InputError("Product that you are trying to add is not available.")
    existing = next((i for i in items(conn, quote["entity_id"]) if i["sku"] == sold["sku"]), None)
    total = qty + (Decimal(existing["qty"]) if existing else 0)
    if not _stock_ok(conn, sold["entity_id"], total):
        raise InputError(NOT_AVAILABLE)
    if existing:
        _set_qty(conn, existing, total)
        return int(existing["item_id"])
    if sold is product:
        return _insert(conn, _line(quote, product, product, qty))
    extra = json.dumps({"configurable_item_options": [
        {"option_id": str(a), "option_value": v} for a, v in _options(data)
    ]})  # fmt: skip
    parent_id = _insert(conn, _line(quote, product, sold, qty, extra=extra))
    _insert(conn, _line(quote, sold, sold, Decimal(1), parent_item_id=parent_id))
    return parent_id


def _set_qty(conn: Connection, item: dict[str, Any], qty: Decimal) -> None:
    price = Decimal(item["price"])
    with dict_cursor(conn) as cur:
        cur.execute(
            "UPDATE quote_item SET qty = %s, row_total = %s, base_row_total = %s,"
            " row_total_incl_tax = %s, base_row_total_incl_tax = %s, row_weight = weight * %s,"
            " updated_at = NOW() WHERE item_id = %s",
            (qty, price * qty, price * qty, price * qty, price * qty, qty, item["item_id"]),
        )


def _item(
    conn: Connection, quote: dict[str, Any], item_id: int, cart_name: object
) -> dict[str, Any]:
    found = next((i for i in items(conn, quote["entity_id"]) if i["item_id"] == item_id), None)
    if found is None:
        raise NoSuchEntity(
            "The %1 Cart doesn't contain the %2 item.", {"1": cart_name, "2": item_id}
        )
    return found


def sold_product_id(conn: Connection, item: dict[str, Any]) -> int:
    """The product whose stock a line uses: the child of a configurable line."""
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT product_id FROM quote_item WHERE parent_item_id = %s", (item["item_id"],)
        )
        child = cur.fetchone()
    return int(child["product_id"] if child else item["product_id"])


def update_item(conn: Connection, quote: dict[str, Any], item_id: int, data: dict[str, Any],
                cart_name: object) -> None:  # fmt: skip
    item = _item(conn, quote, item_id, cart_name)
    qty = _qty(data)
    if not _stock_ok(conn, sold_product_id(conn, item), qty):
        raise InputError(NOT_AVAILABLE)
    _set_qty(conn, item, qty)


def remove_item(conn: Connection, quote: dict[str, Any], item_id: int, cart_name: object) -> None:
    """Remove a line (a configurable line's child goes with it: ON DELETE CASCADE)."""
    _item(conn, quote, item_id, cart_name)
    with dict_cursor(conn) as cur:
        cur.execute("DELETE FROM quote_item WHERE item_id = %s", (item_id,))
