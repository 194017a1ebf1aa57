"""Orders as Magento's OrderRepository answers them (MAGENTO.md §D5)."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from ficus_legacy.core.searchcriteria import SearchCriteria
from ficus_legacy.core.webapi_errors import NoSuchEntity
from ficus_standin import sqlsearch
from ficus_standin.db import Connection, dict_cursor
from ficus_standin.errors import ENTITY_NOT_FOUND

_ITEM_KEYS = [
    "item_id",
    "order_id",
    "parent_item_id",
    "quote_item_id",
    "store_id",
    "created_at",
    "updated_at",
    "product_id",
    "product_type",
    "sku",
    "name",
    "weight",
    "is_virtual",
    "qty_ordered",
    "qty_invoiced",
    "qty_shipped",
    "qty_refunded",
    "qty_canceled",
    "qty_backordered",
    "price",
    "base_price",
    "original_price",
    "base_original_price",
    "row_total",
    "base_row_total",
    "tax_amount",
    "base_tax_amount",
    "tax_percent",
    "discount_amount",
    "base_discount_amount",
    "discount_percent",
    "price_incl_tax",
    "base_price_incl_tax",
    "row_total_incl_tax",
    "base_row_total_incl_tax",
    "row_weight",
    "amount_refunded",
    "no_discount",
]
_ADDRESS_KEYS = [
    "entity_id",
    "parent_id",
    "address_type",
    "firstname",
    "lastname",
    "company",
    "city",
    "region",
    "region_id",
    "postcode",
    "country_id",
    "telephone",
    "email",
    "customer_address_id",
    "customer_id",
]
_HIDDEN = {"protect_code", "quote_address_id"}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value


def _clean(row: dict[str, Any], keys: list[str] | None = None) -> dict[str, Any]:
    pairs = ((k, row.get(k)) for k in (keys or list(row)))
    return {k: _plain(v) for k, v in pairs if v is not None and k not in _HIDDEN}


def _address(row: dict[str, Any]) -> dict[str, Any]:
    out = _clean(row, _ADDRESS_KEYS)
    out["street"] = (row.get("street") or "").split("\n")
    if row.get("region") is not None:
        out["region_code"] = row["region"]
    return out


def _children(
    conn: Connection, table: str, key: str, ids: list[int]
) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        marks = ", ".join(["%s"] * len(ids))
        with dict_cursor(conn) as cur:
            cur.execute(f"SELECT * FROM {table} WHERE {key} IN ({marks}) ORDER BY 1", ids)
            for row in cur.fetchall():
                found[row[key]].append(dict(row))
    return found


def _payment(row: dict[str, Any]) -> dict[str, Any]:
    out = _clean(
        row,
        [
            "entity_id",
            "parent_id",
            "method",
            "amount_ordered",
            "base_amount_ordered",
            "shipping_amount",
            "base_shipping_amount",
            "amount_paid",
            "po_number",
        ],
    )
    info = json.loads(row["additional_information"] or "{}")
    out["additional_information"] = (
        [str(v) for v in info.values()] if isinstance(info, dict) else []
    )
    return out


def _render(
    order: dict[str, Any], parts: dict[str, dict[int, list[dict[str, Any]]]]
) -> dict[str, Any]:
    oid = order["entity_id"]
    out = _clean(order)
    out["items"] = [_clean(i, _ITEM_KEYS) for i in parts["items"][oid]]
    addresses = {a["address_type"]: _address(a) for a in parts["addresses"][oid]}
    if "billing" in addresses:
        out["billing_address"] = addresses["billing"]
    payments = parts["payments"][oid]
    if payments:
        out["payment"] = _payment(payments[0])
    out["status_histories"] = [_clean(h) for h in reversed(parts["histories"][oid])]
    shipping = {
        "method": order["shipping_method"],
        "total": {
            "shipping_amount": _plain(order["shipping_amount"]),
            "base_shipping_amount": _plain(order["base_shipping_amount"]),
        },
    }
    if "shipping" in addresses:
        shipping["address"] = addresses["shipping"]
    out["extension_attributes"] = {
        "shipping_assignments": [{"shipping": shipping, "items": out["items"]}],
        "payment_additional_info": [
            {"key": "method_title", "value": p}
            for p in out.get("payment", {}).get("additional_information", [])
        ],
        "applied_taxes": [],
        "item_applied_taxes": [],
        "converting_from_quote": False,
    }
    return out


def _render_all(conn: Connection, orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [o["entity_id"] for o in orders]
    parts = {
        "items": _children(conn, "sales_order_item", "order_id", ids),
        "addresses": _children(conn, "sales_order_address", "parent_id", ids),
        "payments": _children(conn, "sales_order_payment", "parent_id", ids),
        "histories": _children(conn, "sales_order_status_history", "parent_id", ids),
    }
    return [_render(o, parts) for o in orders]


def get(conn: Connection, order_id: int) -> dict[str, Any]:
    with dict_cursor(conn) as cur:
        cur.execute("SELECT * FROM sales_order WHERE entity_id = %s", (order_id,))
        row = cur.fetchone()
    if row is None:
        raise NoSuchEntity(ENTITY_NOT_FOUND)
    return _render_all(conn, [dict(row)])[0]


def _columns(conn: Connection) -> frozenset[str]:
    with dict_cursor(conn) as cur:
        cur.execute("SHOW COLUMNS FROM sales_order")
        return frozenset(row["Field"] for row in cur.fetchall())


def search(conn: Connection, criteria: SearchCriteria) -> tuple[list[dict[str, Any]], int]:
    resolve = sqlsearch.column_resolver("o", _columns(conn))
    where, params = sqlsearch.where_clause(criteria, resolve)
    order = sqlsearch.order_clause(criteria, resolve, "o.entity_id ASC")
    with dict_cursor(conn) as cur:
        cur.execute(f"SELECT COUNT(*) AS n FROM sales_order o WHERE {where}", params)
        total = int(cur.fetchone()["n"])  # type: ignore[index]
        cur.execute(
            f"SELECT o.* FROM sales_order o WHERE {where} ORDER BY {order}"
            + sqlsearch.limit_clause(criteria),
            params,
        )
        rows = [dict(r) for r in cur.fetchall()]
    return _render_all(conn, rows), total
