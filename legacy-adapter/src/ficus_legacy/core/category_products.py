"""`GET /V1/categories/{id}/products` (CategoryLinkManagement::getAssignedProducts) as Magento
2.4.8 answers it, from plain facts (pure: the stand-in reads them from MariaDB, the catalog
from its tables).

Magento loads the category in the request's store and reads `getProductCollection()`:
- store 0 (`all`): `_applyZeroStoreProductLimitations`, the category's own
  `catalog_category_product` rows, every product whatever its status, website or visibility;
- a store view: `_applyProductLimitations`, the rows of the category in the store's
  `catalog_category_product_index_store{N}` (only `is_parent = 1` ones when the category is not
  an anchor in that store), whose position is `cat_index_position`.

`index_rows` rebuilds those index rows for one category as the full reindex writes them
(`Indexer/Category/Product/AbstractAction`), each step overwriting the one before
(INSERT ... ON DUPLICATE KEY UPDATE):
1. non-anchor rows: a category under the store's root, its direct links (position as linked,
   is_parent 1);
2. anchor rows: an anchor category (not an ancestor of the root), the links of its active
   descendants (position: the direct link's if the product has one, else the descendant's link
   + 10000; is_parent 0);
3. root rows: the store's root category, every product of the website (position of a link of
   the product, else 0; is_parent 1 when it has any link).
A product takes part when it is in the store's website, enabled and visible (2, 3 or 4) in the
store view, and in 1 and 2 only when it has no children or one of them is enabled there.
Where Magento's GROUP BY leaves the picked link unspecified, the link of the lowest category id
is taken. The collection has no ORDER BY; MySQL reads the index by its primary key (category,
product), so items come in product id order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

ANCHOR_OFFSET = 10000
VISIBLE = frozenset({2, 3, 4})


@dataclass(frozen=True)
class Scope:
    """A store view as the index sees it: its website and its group's root category."""

    store_id: int
    website_id: int
    root_path: str  # the root category's path, e.g. "1/2"


@dataclass(frozen=True)
class Node:
    """A category in one store view: tree position and its is_anchor / is_active there."""

    entity_id: int
    path: str
    anchor: bool
    active: bool


@dataclass(frozen=True)
class Listed:
    """A product in one store view (status and visibility are the view's values)."""

    entity_id: int
    sku: str
    website_ids: frozenset[int]
    status: int | None
    visibility: int | None
    links: Mapping[int, int]  # category_id -> position
    children_status: tuple[int | None, ...] = field(default=())  # of its relation children

    def shown(self, scope: Scope) -> bool:
        return (
            scope.website_id in self.website_ids and self.status == 1 and self.visibility in VISIBLE
        )

    def composite_ok(self) -> bool:
        return not self.children_status or any(s == 1 for s in self.children_status)


Row = tuple[int, bool]  # (position, is_parent)


def descendants(category: Node, nodes: Iterable[Node]) -> list[Node]:
    """The category's descendants (any depth) among `nodes`."""
    prefix = category.path + "/"
    return [n for n in nodes if n.path.startswith(prefix)]


class Facts(Protocol):
    """Where an adapter reads the facts of one store view (the stand-in: MariaDB; the catalog:
    its tables); `scope` is None for store 0."""

    scope: Scope | None

    def nodes(self) -> dict[int, Node]: ...

    def linked(self, category_ids: list[int]) -> list[int]:
        """Ids of the products linked to any of the categories."""

    def in_website(self, website_id: int) -> list[int]:
        """Ids of the website's products."""

    def listed(self, product_ids: list[int]) -> list[Listed]: ...


def assigned_to(category_id: int, facts: Facts) -> list[dict[str, Any]] | None:
    """The answer for the category read through `facts` (None: no such category)."""
    nodes = facts.nodes()
    category = nodes.get(category_id)
    if category is None:
        return None
    scope = facts.scope
    linked = linked_categories(category, scope, nodes.values())
    if linked:
        ids = facts.linked(linked)
    else:
        ids = facts.in_website(scope.website_id if scope is not None else 0)
    return assigned_products(category, scope, nodes.values(), facts.listed(ids))


def linked_categories(category: Node, scope: Scope | None, nodes: Iterable[Node]) -> list[int]:
    """The categories whose linked products can be listed (empty: a store's root, whose
    candidates are every product of the store's website)."""
    if scope is None:
        return [category.entity_id]
    if scope.root_path.split("/")[-1] == str(category.entity_id):
        return []
    return [category.entity_id, *(n.entity_id for n in descendants(category, nodes))]


def index_rows(
    category: Node, scope: Scope, nodes: Iterable[Node], products: Iterable[Listed]
) -> dict[int, Row]:
    """The category's rows of `catalog_category_product_index_store{N}`: product → row."""
    rows: dict[int, Row] = {}
    listed = [p for p in products if p.shown(scope)]
    if category.path.startswith(scope.root_path + "/"):
        for product in listed:
            if category.entity_id in product.links and product.composite_ok():
                rows[product.entity_id] = (product.links[category.entity_id], True)
    ancestors = {int(i) for i in scope.root_path.split("/")[:-1]}
    if category.anchor and category.entity_id not in ancestors:
        below = sorted(n.entity_id for n in descendants(category, nodes) if n.active)
        for product in listed:
            found = [c for c in below if c in product.links]
            if found and product.composite_ok():
                direct = product.links.get(category.entity_id)
                position = direct if direct is not None else product.links[found[0]] + ANCHOR_OFFSET
                rows[product.entity_id] = (position, False)
    if scope.root_path.split("/")[-1] == str(category.entity_id):
        for product in listed:
            first = min(product.links) if product.links else None
            position = product.links[first] if first is not None else 0
            rows[product.entity_id] = (position, first is not None)
    return rows


def assigned_products(
    category: Node, scope: Scope | None, nodes: Iterable[Node], products: Iterable[Listed]
) -> list[dict[str, Any]]:
    """The JSON of `GET /V1/categories/{id}/products`; `scope` None is store 0 (`all`)."""
    by_id = {p.entity_id: p for p in products}
    if scope is None:
        rows = {
            p.entity_id: (p.links[category.entity_id], True)
            for p in by_id.values()
            if category.entity_id in p.links
        }
    else:
        rows = index_rows(category, scope, nodes, by_id.values())
        if not category.anchor:
            rows = {k: v for k, v in rows.items() if v[1]}
    return [
        {"sku": by_id[k].sku, "position": rows[k][0], "category_id": str(category.entity_id)}
        for k in sorted(rows)
    ]
