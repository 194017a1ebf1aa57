"""Quote totals: subtotal, flat-rate shipping (5.00 per item), no tax, no discount."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ficus_standin.db import Connection, dict_cursor
from ficus_standin.repositories.quotes import FLATRATE_PER_ITEM, items

ZERO = Decimal("0.0000")


def shipping_amount(qty: Decimal) -> Decimal:
    return FLATRATE_PER_ITEM * qty


def _shipping_address(conn: Connection, quote_id: int) -> dict[str, Any] | None:
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT * FROM quote_address WHERE quote_id = %s AND address_type = 'shipping'",
            (quote_id,),
        )
        row = cur.fetchone()
    return dict(row) if row else None


def collect(conn: Connection, quote_id: int) -> dict[str, Any]:
    """Recompute and store the quote's totals (quote, shipping address); returns them."""
    lines = items(conn, quote_id)
    subtotal = sum((Decimal(i["row_total"]) for i in lines), ZERO)
    qty = sum((Decimal(i["qty"]) for i in lines), ZERO)
    address = _shipping_address(conn, quote_id)
    shipping = shipping_amount(qty) if address and address["shipping_method"] else ZERO
    grand = subtotal + shipping
    weight = sum((Decimal(i["row_weight"] or 0) for i in lines), ZERO)
    with dict_cursor(conn) as cur:
        cur.execute(
            "UPDATE quote SET items_count = %s, items_qty = %s, subtotal = %s, base_subtotal = %s,"
            " subtotal_with_discount = %s, base_subtotal_with_discount = %s, grand_total = %s,"
            " base_grand_total = %s, updated_at = NOW() WHERE entity_id = %s",
            (len(lines), qty, subtotal, subtotal, subtotal, subtotal, grand, grand, quote_id),
        )
        if address:
            cur.execute(
                "UPDATE quote_address SET subtotal = %s, base_subtotal = %s,"
                " subtotal_with_discount = %s, base_subtotal_with_discount = %s,"
                " shipping_amount = %s, base_shipping_amount = %s, shipping_incl_tax = %s,"
                " base_shipping_incl_tax = %s, grand_total = %s, base_grand_total = %s,"
                " weight = %s WHERE address_id = %s",
                (
                    subtotal,
                    subtotal,
                    subtotal,
                    subtotal,
                    shipping,
                    shipping,
                    shipping,
                    shipping,
                    grand,
                    grand,
                    weight,
                    address["address_id"],
                ),
            )
    return {
        "lines": lines,
        "subtotal": subtotal,
        "shipping": shipping,
        "grand": grand,
        "qty": qty,
        "weight": weight,
    }


def _render_line(row: dict[str, Any]) -> dict[str, Any]:
    row_total = float(row["row_total"])
    return {
        "item_id": row["item_id"],
        "price": float(row["price"]),
        "base_price": float(row["base_price"]),
        "qty": float(row["qty"]),
        "row_total": row_total,
        "base_row_total": row_total,
        "row_total_with_discount": 0,
        "tax_amount": 0,
        "base_tax_amount": 0,
        "tax_percent": 0,
        "discount_amount": 0,
        "base_discount_amount": 0,
        "discount_percent": 0,
        "price_incl_tax": float(row["price"]),
        "base_price_incl_tax": float(row["price"]),
        "row_total_incl_tax": row_total,
        "base_row_total_incl_tax": row_total,
        "options": "[]",
        "weee_tax_applied_amount": None,
        "weee_tax_applied": None,
        "name": row["name"],
    }


def render(collected: dict[str, Any]) -> dict[str, Any]:
    """Magento's `TotalsInterface` JSON."""
    sub, ship, grand = (float(collected[k]) for k in ("subtotal", "shipping", "grand"))
    return {
        "grand_total": grand,
        "base_grand_total": grand,
        "subtotal": sub,
        "base_subtotal": sub,
        "discount_amount": 0,
        "base_discount_amount": 0,
        "subtotal_with_discount": sub,
        "base_subtotal_with_discount": sub,
        "shipping_amount": ship,
        "base_shipping_amount": ship,
        "shipping_discount_amount": 0,
        "base_shipping_discount_amount": 0,
        "tax_amount": 0,
        "base_tax_amount": 0,
        "weee_tax_applied_amount": None,
        "shipping_tax_amount": 0,
        "base_shipping_tax_amount": 0,
        "subtotal_incl_tax": sub,
        "shipping_incl_tax": ship,
        "base_shipping_incl_tax": ship,
        "base_currency_code": "USD",
        "quote_currency_code": "USD",
        "items_qty": float(collected["qty"]),
        "items": [_render_line(i) for i in collected["lines"]],
        "total_segments": [
            {"code": "subtotal", "title": "Subtotal", "value": sub},
            {"code": "shipping", "title": "Shipping & Handling", "value": ship},
            {"code": "tax", "title": "Tax", "value": 0},
            {"code": "grand_total", "title": "Grand Total", "value": grand, "area": "footer"},
        ],
    }
