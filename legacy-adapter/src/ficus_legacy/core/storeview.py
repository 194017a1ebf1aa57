"""Store views as `StoreState` (pure): a `store` row joined to its `store_group` and
`store_website` rows. The projector applies it to the mirror's rows and reconciliation to
MariaDB's, so equal rows give equal states.

A store whose group or website row is absent cannot exist in Magento (both foreign keys
cascade); such a row is treated as gone, which makes the projector emit a deletion.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ficus_contracts.events import StoreState

Row = Mapping[str, Any]


def store_state(store: Row, group: Row | None, website: Row | None) -> StoreState | None:
    """The store view of `store`, or None when its group or website is missing."""
    if group is None or website is None:
        return None
    return StoreState(
        store_id=int(store["store_id"]),
        code=str(store.get("code") or ""),
        website_id=int(store["website_id"]),
        website_code=str(website.get("code") or ""),
        group_id=int(store["group_id"]),
        name=str(store.get("name") or ""),
        sort_order=int(store.get("sort_order") or 0),
        is_active=bool(int(store.get("is_active") or 0)),
        root_category_id=int(group.get("root_category_id") or 0),
        is_default=_is_default(store, group, website),
    )


def _is_default(store: Row, group: Row, website: Row) -> bool:
    return (
        bool(int(website.get("is_default") or 0))
        and int(website.get("default_group_id") or 0) == int(group["group_id"])
        and int(group.get("default_store_id") or 0) == int(store["store_id"])
    )


def store_states(
    stores: Iterable[Row], groups: Iterable[Row], websites: Iterable[Row]
) -> dict[int, StoreState]:
    """Every store view of `stores` that has its group and website, by store_id."""
    by_group = {int(g["group_id"]): g for g in groups}
    by_website = {int(w["website_id"]): w for w in websites}
    states: dict[int, StoreState] = {}
    for row in stores:
        state = store_state(
            row, by_group.get(int(row["group_id"])), by_website.get(int(row["website_id"]))
        )
        if state is not None:
            states[state.store_id] = state
    return states
