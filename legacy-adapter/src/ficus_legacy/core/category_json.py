"""A `CategoryState` rendered as Magento's category JSON for one store view: one category
(`CategoryInterface`, `GET /V1/categories/{id}` and each item of `/V1/categories/list`) and the
tree (`CategoryTreeInterface`, `GET /V1/categories`), as the stand-in renders them from EAV.

- `name`, `is_active`, `include_in_menu` are top-level (`is_active`/`include_in_menu` true
  unless their value is other than "1"; absent means "1");
- every other attribute with a value is a `custom_attributes` entry, sorted by code;
- `children` is the child ids in tree order (position, id), comma-joined.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ficus_contracts.events import AttributeValue, CategoryState

__all__ = ["category_values", "render_category", "render_tree", "tree_order"]

_TOP_LEVEL = frozenset({"name", "is_active", "include_in_menu"})


def category_values(state: CategoryState, store_id: int) -> dict[str, AttributeValue]:
    """The values seen from a store view: its own, else the store-0 defaults."""
    defaults = state.attributes.get(0, {})
    own = state.attributes.get(store_id)
    return dict(defaults) if own is None or store_id == 0 else {**defaults, **own}


def _flag(values: Mapping[str, AttributeValue], code: str) -> bool:
    return str(values.get(code, "1")) == "1"


def _head(state: CategoryState, values: Mapping[str, AttributeValue]) -> dict[str, Any]:
    """The keys a category and a tree node both start with."""
    return {
        "id": state.entity_id,
        "parent_id": state.parent_id,
        "name": values.get("name"),
        "is_active": _flag(values, "is_active"),
        "position": state.position,
        "level": state.level,
    }


def render_category(state: CategoryState, store_id: int, children: Sequence[int]) -> dict[str, Any]:
    """`CategoryInterface` of `state` seen from `store_id`; `children`: its child ids in order."""
    values = category_values(state, store_id)
    custom = [
        {"attribute_code": code, "value": value}
        for code, value in sorted(values.items())
        if code not in _TOP_LEVEL and value is not None
    ]
    return {
        **_head(state, values),
        "children": ",".join(str(child) for child in children),
        "created_at": state.created_at,
        "updated_at": state.updated_at,
        "path": state.path,
        "include_in_menu": _flag(values, "include_in_menu"),
        "custom_attributes": custom,
    }


def tree_order(states: Iterable[CategoryState]) -> list[CategoryState]:
    """Magento's tree order: by level, position, id."""
    return sorted(states, key=lambda s: (s.level, s.position, s.entity_id))


def render_tree(
    root_id: int,
    states: Iterable[CategoryState],
    product_counts: Mapping[int, int],
    store_id: int,
) -> dict[str, Any]:
    """`CategoryTreeInterface` from the root and its descendants (already cut to the depth)."""
    children: dict[int, list[dict[str, Any]]] = defaultdict(list)
    nodes: dict[int, dict[str, Any]] = {}
    for state in tree_order(states):
        node = {
            **_head(state, category_values(state, store_id)),
            "product_count": product_counts.get(state.entity_id, 0),
            "children_data": children[state.entity_id],
        }
        nodes[state.entity_id] = node
        if state.entity_id != root_id:
            children[state.parent_id].append(node)
    return nodes[root_id]
