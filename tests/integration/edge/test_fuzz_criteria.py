"""Nobody outside can freeze a service with searchCriteria: random criteria (keys, nesting,
duplicate and non-ASCII indices, huge numbers, NaN, unicode, negative pages) sent over HTTP to
the real stand-in, the real catalog service and the real search service, each served by its own
`python -m … serve` process on the test engines. Every answer is a 2xx or Magento's 400-class
body (`{"message": str, "parameters": {…}}`) within 50 ms, never a 5xx, never a hang.

Timing (the warm-up, retries, and CPU time on a busy machine) is `served.timed`.
"""

from __future__ import annotations

import os
from dataclasses import replace
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.integration.edge.served import Target, check_answer

pytestmark = pytest.mark.integration

MAX_QUERY = 12_000  # characters: below the HTTP server's request-line limit
FG = "searchCriteria[filter_groups]"

# -- what random criteria look like -------------------------------------------------------

HUGE = ["1e999999999", "-1e999999999", "1e-999999999", "9" * 5000, "0." + "0" * 3000 + "1"]
ODD = ["NaN", "-nan", "Infinity", "-inf", "sNaN", "1_000", "١٢٣", "²", "", " ", "\x00", "%", "\\"]
indices = st.one_of(
    st.integers(0, 3).map(str),
    st.sampled_from(["00", "-1", "²", "١", "9" * 12, "9" * 5000, "a", "", "1.5"]),
)
fields = st.one_of(
    st.sampled_from(
        [
            "entity_id",
            "id",
            "sku",
            "name",
            "price",
            "status",
            "visibility",
            "category_id",
            "created_at",
            "cost",
            "color",
            "type_id",
            "search_term",
            "category_ids",
            "price.from",
            "price.to",
            "in_stock",
            "quantity_and_stock_status",
            "nope",
            "",
            "special_from_date",
        ]
    ),
    st.text(max_size=12),
)
numbers = st.one_of(
    st.integers().map(str),
    st.integers(-(10**400), 10**400).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(-99, 99), st.integers(-(10**9), 10**9)),
)
values = st.one_of(
    numbers,
    st.sampled_from(HUGE + ODD),
    st.text(max_size=30),
    st.lists(numbers, min_size=2, max_size=4).map(",".join),
)
conditions = st.one_of(
    st.sampled_from(
        [
            "eq",
            "neq",
            "like",
            "nlike",
            "in",
            "nin",
            "gt",
            "gteq",
            "lt",
            "lteq",
            "moreq",
            "from",
            "to",
            "null",
            "notnull",
            "finset",
            "nfinset",
            "EQ",
            "bogus",
            "",
        ]
    ),
    st.text(max_size=8),
)
group_keys = st.sampled_from([FG, "searchCriteria[filterGroups]", "search_criteria[filter_groups]"])
filter_pairs = st.tuples(group_keys, indices, indices).flatmap(
    lambda k: st.lists(
        st.one_of(
            st.tuples(st.just(f"{k[0]}[{k[1]}][filters][{k[2]}][field]"), fields),
            st.tuples(st.just(f"{k[0]}[{k[1]}][filters][{k[2]}][value]"), values),
            st.tuples(st.just(f"{k[0]}[{k[1]}][filters][{k[2]}][condition_type]"), conditions),
        ),
        min_size=1,
        max_size=3,
    )
)
sort_pairs = st.tuples(indices, fields, st.sampled_from(["ASC", "desc", "up", "", "x" * 50])).map(
    lambda s: [
        (f"searchCriteria[sortOrders][{s[0]}][field]", s[1]),
        (f"searchCriteria[sortOrders][{s[0]}][direction]", s[2]),
    ]
)
page_values = st.one_of(st.integers(-5, 2**32).map(str), st.sampled_from(HUGE + ODD))
page_pairs = st.tuples(
    st.sampled_from(["pageSize", "page_size", "currentPage", "current_page"]), page_values
).map(lambda p: [(f"searchCriteria[{p[0]}]", p[1])])
junk_pairs = st.tuples(
    st.sampled_from(["searchCriteria", "search_criteria", "searchCriteria[", "searchCriteria]["]),
    st.text(alphabet="[]abc0_", max_size=20),
    values,
).map(lambda j: [(j[0] + j[1], j[2])])
request_names = st.sampled_from(
    [[("searchCriteria[requestName]", "quick_search_container")]] * 3
    + [[("searchCriteria[requestName]", "catalog_view_container")], []]
)
criteria = st.tuples(
    st.lists(st.one_of(filter_pairs, sort_pairs, page_pairs, junk_pairs), max_size=6),
    request_names,
).map(lambda c: [pair for part in c[0] for pair in part] + c[1])


def _query(pairs: list[tuple[str, str]]) -> str:
    return urlencode(pairs)


def _filter(field: str, value: str, condition: str) -> list[tuple[str, str]]:
    keys = (f"{FG}[0][filters][0][{k}]" for k in ("field", "value", "condition_type"))
    return list(zip(keys, (field, value, condition), strict=True))


ENTITY_ID_ATTACK = [
    (f"{FG}[0][filters][0][field]", "entity_id"),
    (f"{FG}[0][filters][0][value]", "1e999999999"),
]
PRICE_NAN = [
    (f"{FG}[0][filters][0][field]", "search_term"),
    (f"{FG}[0][filters][0][value]", "shirt"),
    (f"{FG}[1][filters][0][field]", "price"),
    (f"{FG}[1][filters][0][value]", "NaN"),
    ("searchCriteria[requestName]", "quick_search_container"),
]


@settings(
    max_examples=int(os.environ.get("FICUS_FUZZ_EXAMPLES", "150")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(pairs=criteria)
@example(pairs=ENTITY_ID_ATTACK)
@example(pairs=PRICE_NAN)
@example(pairs=_filter("name", "abc\\", "like"))
@example(pairs=_filter("created_at", "9999-99-99", "gt"))
@example(pairs=_filter("sku", "a\x00b", "eq"))
@example(pairs=_filter("category_id", "99999999999999999999", "in"))
@example(pairs=[("searchCriteria[pageSize]", "9" * 5000)])
@example(pairs=[(f"{FG}[{'9' * 5000}][filters][0][field]", "sku")])
def test_random_criteria_get_a_2xx_or_magentos_400_fast(
    targets: list[Target], pairs: list[tuple[str, str]]
) -> None:
    query = _query(pairs)
    if len(query) > MAX_QUERY:
        query = query[:MAX_QUERY].rsplit("&", 1)[0]
    for target in targets:
        check_answer(target, query)


native_params = st.dictionaries(
    st.sampled_from(
        ["q", "category", "price_min", "price_max", "in_stock", "sort", "page", "page_size"]
        + ["store", "bogus"]
    ),
    st.one_of(values, page_values),
    max_size=5,
)


@settings(
    max_examples=max(1, int(os.environ.get("FICUS_FUZZ_EXAMPLES", "150")) // 3),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(params=native_params)
@example(params={"q": "shirt", "price_min": "NaN", "price_max": "1"})
@example(params={"q": "shirt", "price_min": "1e999999999", "price_max": "2e999999999"})
@example(params={"category": "²"})
@example(params={"category": "99999999999"})
@example(params={"q": "a\x00b"})
@example(params={"store": "²"})
@example(params={"store": "9" * 5000})
def test_random_native_search_params_get_a_2xx_or_a_400_fast(
    targets: list[Target], params: dict[str, str]
) -> None:
    search = next(target for target in targets if target.name == "search")
    check_answer(replace(search, path="/v1/search"), urlencode(params)[:MAX_QUERY])
