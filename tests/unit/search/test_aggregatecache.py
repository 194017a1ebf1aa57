from __future__ import annotations

from ficus_search.core.aggregatecache import AggregateCache, Aggregates
from ficus_search.core.query import FacetValue


def _aggregates(total: int) -> Aggregates:
    return Aggregates(total, [FacetValue("3", total)], [])


def test_an_entry_is_served_only_for_its_generation() -> None:
    cache = AggregateCache()
    cache.put("k", 5, _aggregates(1))
    assert cache.get("k", 5) == _aggregates(1)
    assert cache.get("k", 6) is None  # a newer generation: the entry is gone
    assert cache.get("k", 5) is None
    assert len(cache) == 0


def test_an_answer_from_an_older_snapshot_is_never_stored() -> None:
    cache = AggregateCache()
    cache.put("a", 7, _aggregates(1))
    cache.put("b", 6, _aggregates(2))
    assert cache.get("b", 6) is None
    assert cache.get("a", 7) == _aggregates(1)


def test_the_least_recently_used_entry_goes_first() -> None:
    cache = AggregateCache(max_entries=2)
    cache.put("a", 1, _aggregates(1))
    cache.put("b", 1, _aggregates(2))
    assert cache.get("a", 1) is not None
    cache.put("c", 1, _aggregates(3))
    assert cache.get("b", 1) is None
    assert cache.get("a", 1) is not None and cache.get("c", 1) is not None
    assert (cache.hits, cache.misses) == (3, 1)


def test_a_cache_of_size_zero_is_disabled() -> None:
    cache = AggregateCache(max_entries=0)
    cache.put("a", 1, _aggregates(1))
    assert not cache.enabled
    assert cache.get("a", 1) is None
