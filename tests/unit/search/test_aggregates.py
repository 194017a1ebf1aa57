"""Search holds products, categories and store views only: the feed ignores the others, which
`apply_event` would otherwise save as the category of the same id."""

from __future__ import annotations

from ficus_search.applying import SearchApply


def test_search_holds_only_its_aggregates() -> None:
    assert set(SearchApply().aggregates) == {"product", "category", "store"}
