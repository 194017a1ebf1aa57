"""The flat search document: one per SKU and store view, pre-joined from product, category,
price and stock state (pure: no driver, no framework).

Magento's rules, as applied here:
- a disabled product (status != 1) or one not visible at all (visibility 1) has no document;
- the effective price is the special price when it is lower and its from/to dates hold `today`;
  a configurable product takes the lowest effective price of its enabled children;
- a configurable product is in stock when it is and at least one enabled child is;
- `category_ids` holds the direct categories plus their anchor ancestors (the ids a category
  listing filters on); `categories` holds the direct ones with names and name paths;
- a configurable product carries its children's skus, names and super-attribute values.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ficus_contracts.events import AttributeValue, CategoryState, ProductState
from ficus_search.core.text import words

ENABLED = 1
NOT_VISIBLE = 1
VISIBLE_IN_SEARCH = (3, 4)
VISIBLE_IN_CATALOG = (2, 4)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class CategoryRef:
    id: int
    name: str
    path: str  # names from the store's root category down, joined with " / "


@dataclass(frozen=True)
class SearchDocument:
    entity_id: int
    store_id: int
    sku: str
    type_id: str
    name: str
    url_key: str | None
    short_description: str
    description: str
    price: Decimal | None
    special_price: Decimal | None
    final_price: Decimal | None
    visibility: int
    status: int
    in_stock: bool
    category_ids: tuple[int, ...]
    categories: tuple[CategoryRef, ...]
    child_skus: tuple[str, ...] = ()
    child_names: tuple[str, ...] = ()
    child_attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    created_at: str = ""
    updated_at: str = ""

    @property
    def key(self) -> str:
        return f"{self.store_id}-{self.entity_id}"

    def to_json(self) -> dict[str, Any]:
        """The document as stored in both engines (JSON types only)."""
        return {
            "entity_id": self.entity_id,
            "store_id": self.store_id,
            "sku": self.sku,
            "type_id": self.type_id,
            "name": self.name,
            "url_key": self.url_key,
            "short_description": self.short_description,
            "description": self.description,
            "price": _num(self.price),
            "special_price": _num(self.special_price),
            "final_price": _num(self.final_price),
            "visibility": self.visibility,
            "status": self.status,
            "in_stock": self.in_stock,
            "category_ids": list(self.category_ids),
            "categories": [{"id": c.id, "name": c.name, "path": c.path} for c in self.categories],
            "child_skus": list(self.child_skus),
            "child_names": list(self.child_names),
            "child_attributes": {k: list(v) for k, v in sorted(self.child_attributes.items())},
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def plain_text(value: AttributeValue) -> str:
    """HTML descriptions as the words a shopper would search for."""
    if not value:
        return ""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", value))).strip()


def decimal(value: AttributeValue) -> Decimal | None:
    if value is None or value.strip() == "":
        return None
    try:
        return Decimal(value).quantize(Decimal("0.0001"))
    except InvalidOperation:
        return None


def _int(value: AttributeValue, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _day(value: AttributeValue) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def store_values(product: ProductState, store_id: int) -> Mapping[str, AttributeValue]:
    return product.attributes.get(store_id) or product.attributes.get(0) or {}


def effective_price(values: Mapping[str, AttributeValue], today: dt.date) -> Decimal | None:
    price = decimal(values.get("price"))
    special = decimal(values.get("special_price"))
    if special is None:
        return price
    start, end = _day(values.get("special_from_date")), _day(values.get("special_to_date"))
    if (start is not None and today < start) or (end is not None and today > end):
        return price
    return special if price is None else min(price, special)


def is_enabled(values: Mapping[str, AttributeValue]) -> bool:
    return _int(values.get("status"), 0) == ENABLED


def store_ids(product: ProductState) -> list[int]:
    return sorted(store for store in product.attributes if store != 0)


@dataclass(frozen=True)
class CategoryTree:
    """The categories known so far, by id."""

    categories: Mapping[int, CategoryState]

    def name(self, category_id: int, store_id: int) -> str | None:
        category = self.categories.get(category_id)
        if category is None:
            return None
        values = category.attributes.get(store_id) or category.attributes.get(0) or {}
        return values.get("name") or (category.attributes.get(0) or {}).get("name")

    def ref(self, category_id: int, store_id: int) -> CategoryRef | None:
        category = self.categories.get(category_id)
        if category is None:
            return None
        ids = [int(part) for part in category.path.split("/") if part]
        names = [self.name(i, store_id) or str(i) for i in ids[2:]]
        return CategoryRef(category_id, self.name(category_id, store_id) or "", " / ".join(names))

    def filter_ids(self, category_id: int) -> set[int]:
        """The category and its anchor ancestors below the store root."""
        category = self.categories.get(category_id)
        if category is None:
            return set()
        ids = {category_id}
        for ancestor in [int(part) for part in category.path.split("/") if part][2:-1]:
            state = self.categories.get(ancestor)
            if state is not None and (state.attributes.get(0) or {}).get("is_anchor") == "1":
                ids.add(ancestor)
        return ids


def build_documents(
    product: ProductState,
    children: list[ProductState],
    tree: CategoryTree,
    today: dt.date,
) -> list[SearchDocument]:
    """The product's documents, one per store view where Magento would show it."""
    documents = []
    for store_id in store_ids(product):
        document = build_document(product, children, tree, store_id, today)
        if document is not None:
            documents.append(document)
    return documents


def build_document(
    product: ProductState,
    children: list[ProductState],
    tree: CategoryTree,
    store_id: int,
    today: dt.date,
) -> SearchDocument | None:
    values = store_values(product, store_id)
    visibility = _int(values.get("visibility"), NOT_VISIBLE)
    if not is_enabled(values) or visibility == NOT_VISIBLE:
        return None
    enabled_children = [c for c in children if is_enabled(store_values(c, store_id))]
    links = sorted(product.category_links, key=lambda link: link.category_id)
    refs = [tree.ref(link.category_id, store_id) for link in links]
    filter_ids: set[int] = set()
    for link in links:
        filter_ids |= tree.filter_ids(link.category_id)
    return SearchDocument(
        entity_id=product.entity_id,
        store_id=store_id,
        sku=product.sku,
        type_id=product.type_id,
        name=values.get("name") or "",
        url_key=values.get("url_key"),
        short_description=plain_text(values.get("short_description")),
        description=plain_text(values.get("description")),
        price=decimal(values.get("price")),
        special_price=decimal(values.get("special_price")),
        final_price=_final_price(product, enabled_children, store_id, today),
        visibility=visibility,
        status=ENABLED,
        in_stock=_in_stock(product, enabled_children),
        category_ids=tuple(sorted(filter_ids)),
        categories=tuple(ref for ref in refs if ref is not None),
        child_skus=tuple(sorted(c.sku for c in enabled_children)),
        child_names=tuple(
            sorted({store_values(c, store_id).get("name") or "" for c in enabled_children} - {""})
        ),
        child_attributes=_child_attributes(product, enabled_children, store_id),
        created_at=product.created_at,
        updated_at=product.updated_at,
    )


def _final_price(
    product: ProductState, children: list[ProductState], store_id: int, today: dt.date
) -> Decimal | None:
    if product.type_id == "configurable" and children:
        prices = [effective_price(store_values(c, store_id), today) for c in children]
        known = [p for p in prices if p is not None]
        if known:
            return min(known)
    return effective_price(store_values(product, store_id), today)


def _own_stock(product: ProductState) -> bool:
    return product.stock_item is not None and product.stock_item.is_in_stock


def _in_stock(product: ProductState, children: list[ProductState]) -> bool:
    if product.type_id == "configurable" and product.configurable_children:
        return _own_stock(product) and any(_own_stock(c) for c in children)
    return _own_stock(product)


def _child_attributes(
    product: ProductState, children: list[ProductState], store_id: int
) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for code in product.configurable_attributes:
        found = {store_values(c, store_id).get(code) for c in children}
        values = tuple(sorted(v for v in found if v))
        if values:
            out[code] = values
    return out


def search_fields(document: SearchDocument) -> dict[str, str]:
    return search_fields_json(document.to_json())


def search_fields_json(doc: Mapping[str, Any]) -> dict[str, str]:
    """The searchable text of a document, pre-tokenized into the query's words so that both
    engines see the same tokens (weights: A name and sku, B children, C descriptions)."""
    children = " ".join([*doc.get("child_skus", []), *doc.get("child_names", [])])
    descriptions = f"{doc.get('short_description') or ''} {doc.get('description') or ''}"
    return {
        "name_words": " ".join(words(doc.get("name") or "")),
        "sku_words": " ".join(words(doc.get("sku") or "")),
        "child_words": " ".join(words(children)),
        "description_words": " ".join(words(descriptions)),
    }
