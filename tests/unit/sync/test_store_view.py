"""Store views in sync: which aggregates a store-table row touches, the StoreState built from
`store` + `store_group` + `store_website` rows, and the projector's expansion of ALL."""

from __future__ import annotations

import pytest

from ficus_contracts.events import StoreState
from ficus_legacy.core.storeview import store_state, store_states
from ficus_sync.core.tables import ALL, STORE_TABLES, is_captured, touched
from ficus_sync.mirror import TouchSet

WEBSITES = [
    {"website_id": 0, "code": "admin", "name": "Admin", "default_group_id": 0, "is_default": 0},
    {"website_id": 1, "code": "base", "name": "Main", "default_group_id": 1, "is_default": 1},
]
GROUPS = [
    {
        "group_id": 0,
        "website_id": 0,
        "name": "Default",
        "root_category_id": 0,
        "default_store_id": 0,
        "code": "default",
    },
    {
        "group_id": 1,
        "website_id": 1,
        "name": "Main",
        "root_category_id": 2,
        "default_store_id": 1,
        "code": "main",
    },
]
STORES = [
    {"store_id": 0, "code": "admin", "website_id": 0, "group_id": 0, "name": "Admin",
     "sort_order": 0, "is_active": 1},
    {"store_id": 1, "code": "default", "website_id": 1, "group_id": 1,
     "name": "Default Store View", "sort_order": 0, "is_active": 1},
    {"store_id": 5, "code": "archive", "website_id": 1, "group_id": 1, "name": "Archive",
     "sort_order": 9, "is_active": 0},
]  # fmt: skip


@pytest.mark.parametrize("table", STORE_TABLES)
def test_store_tables_are_captured_and_touch_every_aggregate(table: str) -> None:
    assert is_captured(table)
    assert touched(table, {"store_id": 1, "group_id": 1, "website_id": 1}) is ALL
    touches = TouchSet()
    touches.add_row(table, {"store_id": 1})
    assert touches.everything


def test_store_rows_flatten_with_their_group_and_website() -> None:
    states = store_states(STORES, GROUPS, WEBSITES)
    assert sorted(states) == [0, 1, 5]
    assert states[1] == StoreState(
        store_id=1,
        code="default",
        website_id=1,
        website_code="base",
        group_id=1,
        name="Default Store View",
        sort_order=0,
        is_active=True,
        root_category_id=2,
        is_default=True,
    )
    assert [i for i, s in states.items() if s.is_default] == [1]  # never admin or archive
    assert states[0].code == "admin" and states[0].website_code == "admin"
    assert states[5].is_active is False and states[5].sort_order == 9


def test_a_store_without_its_group_or_website_is_gone() -> None:
    assert store_state(STORES[1], None, WEBSITES[1]) is None
    assert store_state(STORES[1], GROUPS[1], None) is None
    assert 1 not in store_states(STORES, GROUPS[:1], WEBSITES)


def test_the_same_rows_give_the_same_state_text() -> None:
    """The projector hashes the state's JSON: row order or driver types must not matter."""
    from_mariadb = store_states(STORES, GROUPS, WEBSITES)
    as_postgres = [{**row, "is_active": bool(row["is_active"])} for row in reversed(STORES)]
    from_mirror = store_states(as_postgres, list(reversed(GROUPS)), WEBSITES)
    assert {k: v.model_dump_json() for k, v in from_mirror.items()} == {
        k: v.model_dump_json() for k, v in from_mariadb.items()
    }
