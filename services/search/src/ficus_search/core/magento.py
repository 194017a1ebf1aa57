"""Magento's REST search shape (pure): `searchCriteria` → SearchQuery, and SearchResult →
the `/V1/search` response body. Product JSON is rendered in one place, `ficus_legacy`'s
renderer (the catalog service answers `/V1/products`); search answers ids and scores only.

Fields understood (anything else is a 400 naming the field): search_term; category_ids |
category_id (eq, in); price (from, gteq, to, lteq) or price.from / price.to; in_stock |
is_in_stock | quantity_and_stock_status (eq 0/1). Sort: relevance, price, name, entity_id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ficus_legacy.core.searchcriteria import ConditionType, Filter, SearchCriteria, number
from ficus_search.core.errors import BadQuery, UnknownField
from ficus_search.core.query import SearchQuery, SearchResult, Sort, make_query

REQUEST_NAMES = ("quick_search_container", "catalog_view_container", "advanced_search_container")
SEARCH_FIELDS = ["search_term"]
CATEGORY_FIELDS = ["category_ids", "category_id"]
PRICE_FIELDS = ["price", "price.from", "price.to"]
STOCK_FIELDS = ["in_stock", "is_in_stock", "quantity_and_stock_status"]
FIELDS = SEARCH_FIELDS + CATEGORY_FIELDS + PRICE_FIELDS + STOCK_FIELDS
SORT_FIELDS = {
    "relevance": (Sort.RELEVANCE, Sort.RELEVANCE),
    "price": (Sort.PRICE_ASC, Sort.PRICE_DESC),
    "name": (Sort.NAME_ASC, Sort.NAME_DESC),
    "entity_id": (Sort.ID, Sort.ID),
}


_ID = re.compile(r"[0-9]{1,10}")


@dataclass(frozen=True)
class Limits:
    max_query_length: int
    max_page_size: int
    price_step: int


@dataclass
class _Parts:
    text: str | None = None
    categories: tuple[int, ...] = ()
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool | None = None


def _ints(f: Filter) -> tuple[int, ...]:
    raw = f.values() if f.condition in (ConditionType.IN, ConditionType.FINSET) else [f.value or ""]
    parts = [v.strip() for v in raw if v.strip()]
    if not all(_ID.fullmatch(v) for v in parts):
        raise BadQuery(f'filter "{f.field}" needs integer ids, got "{f.value}"', f.field)
    return tuple(int(v) for v in parts)


def _price(f: Filter, position: str) -> Decimal:
    """A price bound: a finite number within bounds, else Magento's 400 naming the value."""
    return number(f.value or "", position)


def _apply_price(parts: _Parts, f: Filter, where: str) -> None:
    cond = f.condition
    if f.field == "price.from" or cond in (ConditionType.FROM, ConditionType.GTEQ):
        parts.price_min = _price(f, where)
    elif f.field == "price.to" or cond in (ConditionType.TO, ConditionType.LTEQ):
        parts.price_max = _price(f, where)
    elif cond is ConditionType.EQ:
        parts.price_min = parts.price_max = _price(f, where)
    else:
        raise BadQuery(f'filter "price" does not support condition "{cond.value}"', "price")


def _apply(parts: _Parts, f: Filter, where: str) -> None:
    if f.field in SEARCH_FIELDS:
        parts.text = f.value or ""
    elif f.field in CATEGORY_FIELDS:
        parts.categories = parts.categories + _ints(f)
    elif f.field in PRICE_FIELDS:
        _apply_price(parts, f, where)
    elif f.field in STOCK_FIELDS:
        parts.in_stock = (f.value or "").strip() not in ("0", "false", "")
    else:
        raise UnknownField(f.field, FIELDS)


def _sort(criteria: SearchCriteria) -> str | None:
    if not criteria.sort_orders:
        return None
    order = criteria.sort_orders[0]
    if order.field not in SORT_FIELDS:
        raise UnknownField(order.field, list(SORT_FIELDS))
    asc, desc = SORT_FIELDS[order.field]
    return (asc if order.direction == "ASC" else desc).value


def to_query(criteria: SearchCriteria, store_id: int, limits: Limits) -> SearchQuery:
    """Filters inside a group are ORed in Magento; the fields here each take one group, so
    a group holds one filter (or several on the same category field, ORed as `in`)."""
    parts = _Parts()
    for g, group in enumerate(criteria.filter_groups):
        for i, f in enumerate(group.filters):
            _apply(parts, f, f"searchCriteria[filter_groups][{g}][filters][{i}][value]")
    if parts.text is None and not parts.categories:
        raise BadQuery('the search needs a "search_term" filter', "search_term")
    return make_query(
        store_id,
        text=parts.text,
        max_length=limits.max_query_length,
        max_page_size=limits.max_page_size,
        category_ids=parts.categories,
        price_min=parts.price_min,
        price_max=parts.price_max,
        in_stock=parts.in_stock,
        sort=_sort(criteria),
        page=criteria.page,
        page_size=criteria.page_size or 20,
        price_step=limits.price_step,
    )


def search_body(
    result: SearchResult, criteria: SearchCriteria, request_name: str
) -> dict[str, Any]:
    """The `/V1/search` response: items (id, score), aggregations, total_count."""
    buckets = [
        {
            "name": "price_bucket",
            "values": [
                {"value": v.value, "metrics": [v.value, str(v.count)]} for v in result.price_facet
            ],
        },
        {
            "name": "category_bucket",
            "values": [
                {"value": v.value, "metrics": [v.value, str(v.count)]}
                for v in result.category_facet
            ],
        },
    ]
    return {
        "items": [{"id": h.entity_id, "score": h.score} for h in result.hits],
        "aggregations": {"buckets": buckets, "bucket_names": ["price_bucket", "category_bucket"]},
        "search_criteria": {**criteria.echo(), "request_name": request_name},
        "total_count": result.total,
    }
