from __future__ import annotations

from typing import Any

import pytest

from ficus_search.core.errors import EngineUnavailable
from ficus_search.core.query import SearchQuery, make_query
from ficus_search.esengine import aggregates_body, hits_body, merge_responses, parse_response


def _query(**kwargs: Any) -> SearchQuery:
    return make_query(1, max_length=200, max_page_size=100, **kwargs)


def test_hits_come_from_one_response_and_total_and_facets_from_the_other() -> None:
    hits = {"status": 200, "hits": {"hits": [{"_score": 2.5, "fields": {"entity_id": [7]}}]}}
    aggregates = {
        "status": 200,
        "hits": {"total": {"value": 41, "relation": "eq"}},
        "aggregations": {
            "categories": {"buckets": [{"key": 3, "doc_count": 41}]},
            "prices": {"buckets": [{"key": 50.0, "doc_count": 41}]},
        },
    }
    result = parse_response(merge_responses([hits, aggregates]), _query(text="blue"))
    assert (result.ids, result.total) == ([7], 41)
    assert [(v.value, v.count) for v in result.category_facet] == [("3", 41)]
    assert [(v.value, v.count) for v in result.price_facet] == [("50_100", 41)]


def test_an_empty_page_filtered_down_to_its_status_is_no_hits() -> None:
    aggregates = {"status": 200, "hits": {"total": {"value": 3}}}
    result = parse_response(merge_responses([{"status": 200}, aggregates]), _query(text="x"))
    assert (result.ids, result.total) == ([], 3)


def test_a_failed_search_in_the_pair_is_engine_unavailable() -> None:
    failed = {"status": 404, "error": {"type": "index_not_found_exception"}}
    with pytest.raises(EngineUnavailable):
        merge_responses([{"status": 200}, failed])


def test_the_page_skips_total_counting_and_the_cacheable_part_asks_for_no_hits() -> None:
    q = _query(text="blue", sort="price_asc")
    assert hits_body(q)["track_total_hits"] is False
    assert "aggs" not in hits_body(q)
    body = aggregates_body(q)
    assert body["size"] == 0 and body["track_total_hits"] is True
    assert set(body["aggs"]) == {"categories", "prices"}
    assert "aggs" not in aggregates_body(_query(text="blue", facets=False))
