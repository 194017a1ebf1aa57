from __future__ import annotations

import pytest

from ficus_contracts.cutover import Direction, DomainCutover, Lane, Stage
from ficus_proxy.core.bucketing import CohortKey, bucket_of
from ficus_proxy.core.routing import (
    RequestFacts,
    RouteTable,
    Target,
    check_path,
    decide,
    load_routes,
    magento_path,
    parse_routes,
)
from ficus_proxy.errors import ConfigError, UnsafePath
from ficus_proxy.settings import DEFAULT_ROUTES

TABLE = parse_routes(
    {
        "routes": [
            {
                "domain": "catalog",
                "access": "read",
                "methods": ["GET"],
                "paths": ["/V1/products/attributes/{code}", "/V1/products/{sku}", "/V1/products"],
            },
            {
                "domain": "catalog",
                "access": "write",
                "methods": ["POST", "PUT", "DELETE"],
                "paths": ["/V1/products/{sku}", "/V1/products"],
            },
            {
                "domain": "cart",
                "access": "read",
                "methods": ["GET"],
                "paths": ["/V1/guest-carts/{cartId}"],
            },
        ]
    }
)


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/rest/V1/products/24-MB01", ("catalog", Direction.READS, "/V1/products/{sku}")),
        ("GET", "/rest/default/V1/products/24-MB01", ("catalog", Direction.READS, None)),
        ("GET", "/rest/all/V1/products", ("catalog", Direction.READS, "/V1/products")),
        ("HEAD", "/rest/V1/products/x", ("catalog", Direction.READS, None)),
        ("GET", "/rest/V1/products/attributes/color", ("catalog", Direction.READS,
                                                        "/V1/products/attributes/{code}")),
        ("PUT", "/rest/de_store/V1/products/x", ("catalog", Direction.WRITES, None)),
        ("DELETE", "/rest/V1/products/x", ("catalog", Direction.WRITES, None)),
        ("PATCH", "/rest/V1/products/x", None),
        ("GET", "/rest/V1/products/x/media", None),  # not in this table
        ("GET", "/rest/V1/products/", ("catalog", Direction.READS, "/V1/products")),
        ("GET", "//rest/V1/products", ("catalog", Direction.READS, "/V1/products")),
        ("GET", "/rest//V1/products", ("catalog", Direction.READS, "/V1/products")),
        ("GET", "/index.php/rest/V1/products", ("catalog", Direction.READS, "/V1/products")),
        ("POST", "//rest/default//V1/products/", ("catalog", Direction.WRITES, "/V1/products")),
        ("GET", "/rest/V1/products//x", ("catalog", Direction.READS, "/V1/products/{sku}")),
        ("GET", "/index.phpx/rest/V1/products", None),
        ("GET", "/V1/products/x", None),  # not a Magento REST URL
        ("GET", "/rest/V2/products/x", None),
        ("GET", "/rest/bad-code/V1/products/x", None),  # invalid store code
        ("GET", "/rest/default/extra/V1/products/x", None),
        ("GET", "/rest/V1/products/a%2Fb", None),  # encoded slash never routes
        ("GET", "/checkout/cart/", None),
        ("GET", "/rest/V1/orders/1", None),
    ],
)  # fmt: skip
def test_route_matching(method: str, path: str, expected: tuple[object, ...] | None) -> None:
    matched = TABLE.match(method, path)
    if expected is None:
        assert matched is None
        return
    assert matched is not None
    domain, direction, pattern = expected
    assert (matched.route.domain, matched.route.direction) == (domain, direction)
    if pattern is not None:
        assert matched.route.pattern == pattern


def test_store_code_is_reported() -> None:
    assert TABLE.match("GET", "/rest/fr/V1/products/x").store == "fr"  # type: ignore[union-attr]
    assert TABLE.match("GET", "/rest/V1/products/x").store is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "path",
    [
        "/rest/V1/products/../../admin",
        "/rest/V1/products/x/..",
        "/rest/V1/./products/x",
        "/rest/V1/products/%2e%2e/%2E%2E/admin",
        "/rest/V1/products/.%2e/admin",
        "/rest/V1/products\\..\\admin",
        "/rest/V1/products/%5c..",
        "/rest/V1/products/x%00",
        "http://evil.example/rest/V1/products/x",
        "*",
    ],
)
def test_dot_segment_attacks_are_refused(path: str) -> None:
    with pytest.raises(UnsafePath):
        check_path(path)


@pytest.mark.parametrize("path", ["/rest/V1/products/a.b", "/rest/V1/products/...", "/x/.well"])
def test_dots_inside_segments_are_fine(path: str) -> None:
    check_path(path)


def state(reads: Lane, writes: Lane = Lane(), tripped: bool = False) -> dict[str, DomainCutover]:
    return {"catalog": DomainCutover("catalog", reads, writes, tripped, 1)}


GET = RequestFacts("GET", "/rest/V1/products/x")
PUT = RequestFacts("PUT", "/rest/V1/products/x")


@pytest.mark.parametrize(
    ("facts", "cutover", "target"),
    [
        (GET, {}, Target.LEGACY),
        (GET, state(Lane(Stage.LEGACY)), Target.LEGACY),
        (GET, state(Lane(Stage.SHADOW)), Target.SHADOW),
        (GET, state(Lane(Stage.NEW)), Target.NEW),
        (GET, state(Lane(Stage.RETIRED)), Target.NEW),
        (GET, state(Lane(Stage.NEW), tripped=True), Target.LEGACY),
        (GET, state(Lane(Stage.CANARY, 100)), Target.NEW),
        (GET, state(Lane(Stage.CANARY, 0)), Target.LEGACY),
        (PUT, state(Lane(Stage.NEW)), Target.LEGACY),  # writes lane still legacy
        (PUT, state(Lane(), Lane(Stage.SHADOW)), Target.LEGACY),  # writes are never shadowed
        (PUT, state(Lane(), Lane(Stage.NEW)), Target.NEW),
        (PUT, state(Lane(), Lane(Stage.NEW), tripped=True), Target.NEW),  # trip is for reads
        (RequestFacts("GET", "/rest/V1/unknown"), state(Lane(Stage.NEW)), Target.LEGACY),
    ],
)
def test_decisions(facts: RequestFacts, cutover: dict[str, DomainCutover], target: Target) -> None:
    assert decide(facts, TABLE, cutover).target is target


def test_canary_splits_by_cohort_cookie_and_issues_one_when_missing() -> None:
    cutover = state(Lane(Stage.CANARY, 30))
    fresh = decide(GET, TABLE, cutover, make_cookie=lambda: "c0ffee")
    assert fresh.set_cookie == "c0ffee"
    assert fresh.bucket == bucket_of(CohortKey("cookie", "c0ffee"))
    assert (fresh.target is Target.NEW) == (fresh.bucket < 30)
    again = decide(RequestFacts("GET", GET.path, cohort_cookie="c0ffee"), TABLE, cutover)
    assert again.set_cookie is None
    assert (again.bucket, again.target) == (fresh.bucket, fresh.target)


def test_canary_uses_cart_id_from_path_before_cookie() -> None:
    cutover = {"cart": DomainCutover("cart", Lane(Stage.CANARY, 50))}
    facts = RequestFacts("GET", "/rest/V1/guest-carts/abc123", cohort_cookie="zzz")
    decision = decide(facts, TABLE, cutover)
    assert decision.bucket == bucket_of(CohortKey("cart", "abc123"))
    assert decision.set_cookie is None


def test_the_shipped_route_table_loads_and_routes_catalog_reads() -> None:
    table = load_routes(DEFAULT_ROUTES)
    assert {"catalog", "inventory", "customer", "order"} <= table.domains()
    matched = table.match("GET", "/rest/default/V1/products/24-MB01")
    assert matched is not None
    assert (matched.route.domain, matched.route.direction) == ("catalog", Direction.READS)
    assert table.match("GET", "/rest/V1/products/24-MB01/stockItems/1") is None


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"routes": [{"domain": "x", "access": "read", "methods": ["POST"], "paths": ["/V1/a"]}]},
        {"routes": [{"domain": "x", "access": "read", "methods": ["GET"], "paths": ["/a"]}]},
        {"routes": [{"domain": "x", "access": "sideways", "methods": ["GET"], "paths": ["/V1/a"]}]},
        {"routes": [{"domain": "x", "access": "read", "methods": ["GET"], "paths": ["/V1/{a}"]}]},
    ],
)
def test_invalid_route_tables_are_refused(document: object) -> None:
    with pytest.raises(ConfigError):
        parse_routes(document)


def test_empty_table_routes_nothing() -> None:
    assert RouteTable([]).match("GET", "/rest/V1/products/x") is None


@pytest.mark.parametrize(
    ("raw", "seen_by_magento"),
    [
        ("/rest/V1/products", "/rest/V1/products"),
        ("//rest/V1/products", "/rest/V1/products"),
        ("/rest//V1/products", "/rest/V1/products"),
        ("/rest/V1/products/", "/rest/V1/products"),
        ("/rest/V1/products///", "/rest/V1/products"),
        ("/index.php/rest/V1/products", "/rest/V1/products"),
        ("//index.php//rest/default/V1/products/", "/rest/default/V1/products"),
        ("/index.php", "/"),
        ("/", "/"),
        ("/index.phpx/rest", "/index.phpx/rest"),
        ("/rest/V1/products/a%2Fb/", "/rest/V1/products/a%2Fb"),
    ],
)
def test_magento_path_normalizes_as_magento_does(raw: str, seen_by_magento: str) -> None:
    assert magento_path(raw) == seen_by_magento
