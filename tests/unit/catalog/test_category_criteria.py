"""searchCriteria over categories in memory, with MariaDB's comparison rules."""

from __future__ import annotations

import pytest

from ficus_catalog.core.category_criteria import fold, select
from ficus_catalog.errors import InvalidAttribute
from ficus_contracts.events import CategoryState
from ficus_legacy.core.searchcriteria import parse_search_criteria


def _category(entity_id: int, name: str | None, position: int, **extra: str) -> CategoryState:
    values = {"name": name, "is_active": "1", **extra}
    return CategoryState(
        entity_id=entity_id,
        parent_id=2,
        path=f"1/2/{entity_id}",
        position=position,
        level=2,
        created_at="2024-01-01 00:00:00",
        updated_at="2024-01-01 00:00:00",
        attributes={0: values, 1: {**values, "name": f"{name} (FR)" if name else None}},
    )


STATES = [
    _category(3, "Épicerie", 2),
    _category(4, "epices", 10),
    _category(5, None, 9, is_active="0"),
    _category(6, "Bags", 1),
]


def _ids(query: str, store_id: int = 0) -> tuple[list[int], int]:
    criteria = parse_search_criteria([tuple(p.split("=", 1)) for p in query.split("&")])  # type: ignore[misc]
    page, total = select(STATES, criteria, store_id)
    return [s.entity_id for s in page], total


G = "searchCriteria[filter_groups][0][filters][0]"


def test_text_compares_without_case_accents_or_trailing_spaces() -> None:
    assert fold("Épicerie  ") == "EPICERIE"
    assert _ids(f"{G}[field]=name&{G}[value]=EPICERIE ")[0] == [3]
    assert _ids(f"{G}[field]=name&{G}[value]=%pic%&{G}[condition_type]=like")[0] == [3, 4]


def test_integers_compare_as_numbers_and_null_matches_only_null() -> None:
    assert _ids(f"{G}[field]=position&{G}[value]=9abc&{G}[condition_type]=gteq")[0] == [4, 5]
    assert _ids(f"{G}[field]=is_active&{G}[value]=0")[0] == [5]
    assert _ids(f"{G}[field]=name&{G}[condition_type]=null")[0] == [5]
    assert _ids(f"{G}[field]=name&{G}[value]=x&{G}[condition_type]=neq")[0] == [3, 4, 6]


def test_sorting_nulls_first_ties_by_id_and_paging() -> None:
    sort = "searchCriteria[sortOrders][0][field]=name&searchCriteria[sortOrders][0][direction]=ASC"
    assert _ids(sort)[0] == [5, 6, 3, 4]  # NULL, BAGS, EPICERIE, EPICES
    assert _ids(f"{sort}&searchCriteria[pageSize]=2&searchCriteria[currentPage]=2") == ([3, 4], 4)
    assert _ids(f"{G}[field]=name&{G}[value]=Bags (FR)", store_id=1)[0] == [6]


def test_an_unknown_field_is_magentos_invalid_attribute_name() -> None:
    with pytest.raises(InvalidAttribute):
        _ids(f"{G}[field]=nope&{G}[value]=1")
