"""Legacy stock (`cataloginventory_stock_item`, `_stock_status`) reads and writes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ficus_legacy.core.webapi_errors import InputError, NoSuchEntity
from ficus_standin.db import Connection, dict_cursor

# StockRegistry::resolveProductId, for every by-sku stock route
SKU_NOT_FOUND = 'The Product with the "%1" SKU doesn\'t exist.'

_BOOLS = [
    "is_in_stock",
    "is_qty_decimal",
    "use_config_min_qty",
    "use_config_min_sale_qty",
    "use_config_max_sale_qty",
    "use_config_backorders",
    "use_config_notify_stock_qty",
    "use_config_qty_increments",
    "use_config_enable_qty_inc",
    "enable_qty_increments",
    "use_config_manage_stock",
    "manage_stock",
    "is_decimal_divided",
]
_NUMBERS = ["qty", "min_qty", "min_sale_qty", "max_sale_qty", "notify_stock_qty", "qty_increments"]
_INTS = ["item_id", "product_id", "stock_id", "backorders", "stock_status_changed_auto"]
WRITABLE = frozenset([*_BOOLS, *_NUMBERS, "backorders", "low_stock_date"])


def render(row: dict[str, Any]) -> dict[str, Any]:
    """Magento's `StockItemInterface` JSON."""
    out: dict[str, Any] = {key: row[key] for key in _INTS}
    out.update({key: bool(row[key]) for key in _BOOLS})
    out.update({key: None if row[key] is None else float(row[key]) for key in _NUMBERS})
    out["show_default_notification_message"] = False
    low = row["low_stock_date"]
    out["low_stock_date"] = low.strftime("%Y-%m-%d %H:%M:%S") if low else None
    return out


def by_sku(conn: Connection, sku: str, *, lock: bool = False) -> dict[str, Any]:
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT s.* FROM catalog_product_entity p"
            " JOIN cataloginventory_stock_item s ON s.product_id = p.entity_id AND s.stock_id = 1"
            " WHERE p.sku = %s LIMIT 1" + (" FOR UPDATE" if lock else ""),
            (sku,),
        )
        row = cur.fetchone()
    if row is None:
        raise NoSuchEntity(SKU_NOT_FOUND, [sku])
    return dict(row)


def status_by_sku(conn: Connection, sku: str) -> dict[str, Any]:
    """Magento's `StockStatusInterface` JSON (`GET /V1/stockStatuses/{sku}`): the default
    scope's `cataloginventory_stock_status` row, integers as the interface declares them
    (`qty` too), with the product's stock item."""
    item = by_sku(conn, sku)
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT * FROM cataloginventory_stock_status"
            " WHERE product_id = %s AND website_id = 0 AND stock_id = 1",
            (item["product_id"],),
        )
        row = cur.fetchone()
    out: dict[str, Any] = {"product_id": item["product_id"]}
    if row is not None:
        out["website_id"] = int(row["website_id"])
        out["stock_id"] = int(row["stock_id"])
        out["qty"] = int(row["qty"] or 0)
        out["stock_status"] = int(row["stock_status"])
    out["stock_item"] = render(item)
    return out


def _sync_status(conn: Connection, product_id: int) -> None:
    """Keep the stock status index in step, as Magento's indexer does on save."""
    with dict_cursor(conn) as cur:
        cur.execute(
            "UPDATE cataloginventory_stock_status st JOIN cataloginventory_stock_item si"
            " ON si.product_id = st.product_id AND si.stock_id = st.stock_id"
            " SET st.qty = COALESCE(si.qty, 0), st.stock_status = si.is_in_stock"
            " WHERE st.product_id = %s",
            (product_id,),
        )


def update(conn: Connection, sku: str, data: dict[str, Any]) -> int:
    """Magento's `updateStockItemBySku`: the URL's item id is unused; returns the real one."""
    row = by_sku(conn, sku, lock=True)
    item_id = int(row["item_id"])
    changes = {k: v for k, v in data.items() if k in WRITABLE}
    for key in ("qty", "min_sale_qty", "max_sale_qty", "min_qty"):
        if key in changes and changes[key] is not None:
            try:
                changes[key] = Decimal(str(changes[key]))
            except ArithmeticError:
                raise InputError.invalid(key, data[key]) from None
    if "qty" in changes and "is_in_stock" not in changes and row["manage_stock"]:
        changes["is_in_stock"] = int(Decimal(changes["qty"] or 0) > Decimal(row["min_qty"]))
    if changes:
        sets = ", ".join(f"`{k}` = %s" for k in changes)
        with dict_cursor(conn) as cur:
            cur.execute(
                f"UPDATE cataloginventory_stock_item SET {sets} WHERE item_id = %s",
                [*[int(v) if isinstance(v, bool) else v for v in changes.values()], item_id],
            )
        _sync_status(conn, row["product_id"])
    return item_id


def decrement(conn: Connection, product_id: int, qty: Decimal) -> None:
    """Subtract an ordered quantity; out of stock at or below min_qty without backorders."""
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT * FROM cataloginventory_stock_item WHERE product_id = %s AND stock_id = 1"
            " FOR UPDATE",
            (product_id,),
        )
        row = cur.fetchone()
        if row is None or not row["manage_stock"]:
            return
        left = Decimal(row["qty"] or 0) - qty
        if left < 0 and not row["backorders"]:
            raise InputError("Not all of your products are available in the requested quantity.")
        in_stock = int(
            bool(row["is_in_stock"]) and (left > Decimal(row["min_qty"]) or bool(row["backorders"]))
        )
        cur.execute(
            "UPDATE cataloginventory_stock_item SET qty = %s, is_in_stock = %s,"
            " low_stock_date = IF(%s = 0, NOW(), low_stock_date) WHERE item_id = %s",
            (left, in_stock, in_stock, row["item_id"]),
        )
    _sync_status(conn, product_id)


def give_back(conn: Connection, product_id: int, qty: Decimal) -> None:
    """Return a canceled quantity to stock (CatalogInventory's cancel-order-item observer)."""
    with dict_cursor(conn) as cur:
        cur.execute(
            "UPDATE cataloginventory_stock_item SET qty = qty + %s,"
            " is_in_stock = IF(manage_stock = 1 AND qty + %s > min_qty, 1, is_in_stock)"
            " WHERE product_id = %s AND stock_id = 1 AND manage_stock = 1",
            (qty, qty, product_id),
        )
    _sync_status(conn, product_id)
