"""The nginx route map routes every request line exactly as the Python proxy's RouteTable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ficus_contracts.cutover import Direction
from ficus_contracts.routes import RouteRow
from ficus_nginx.core.render import _ENCODED_SLASH
from ficus_nginx.core.routes import parse_routes, route_key, route_regex
from ficus_nginx.errors import RouteTableError
from ficus_proxy.core.routing import RouteTable
from ficus_proxy.core.routing import parse_routes as proxy_parse_routes

DOCUMENT = yaml.safe_load(Path("proxy/routes.yaml").read_text())
ROUTES = parse_routes(DOCUMENT)
PROXY: RouteTable = proxy_parse_routes(DOCUMENT)


def nginx_route(method: str, raw: str) -> str:
    """nginx's `map "$request_method $request_uri"`: regexes in order, the first match wins."""
    line = f"{method} {raw}"
    if re.search(_ENCODED_SLASH.removeprefix("~*"), line, re.IGNORECASE):
        return ""
    for route in ROUTES:
        regex = route_regex(route)
        if regex is not None and re.search(regex, line):
            return route_key(route)
    return ""


def proxy_route(method: str, raw: str) -> str:
    matched = PROXY.match(method, raw.partition("?")[0])
    if matched is None:
        return ""
    access = "r" if matched.route.direction is Direction.READS else "w"
    return f"{matched.route.domain}:{access}"


CASES = [
    ("GET", "/rest/V1/products/24-MB01"),
    ("GET", "/rest/default/V1/products/24-MB01?fields=sku"),
    ("GET", "/rest/all/V1/products"),
    ("HEAD", "/rest/V1/products/x"),
    ("GET", "/rest/V1/products/attributes/color"),
    ("PUT", "/rest/de_store/V1/products/x"),
    ("DELETE", "/rest/V1/products/x"),
    ("PATCH", "/rest/V1/products/x"),
    ("GET", "/rest/V1/products/"),
    ("GET", "//rest/V1/products"),
    ("GET", "/rest//V1//products//"),
    ("GET", "/index.php/rest/V1/products"),
    ("GET", "//index.php//rest/default//V1/products/x/"),
    ("GET", "/index.php"),
    ("GET", "/rest/V1/V1/products"),
    ("GET", "/rest/V1"),
    ("GET", "/rest/de-store/V1/products"),
    ("GET", "/rest/V1/products/a%2Fb"),
    ("GET", "/rest/V1/products/a%2fb/media"),
    ("GET", "/rest/V1/products?x=%2F"),
    ("GET", "/rest/V1/products/x/media"),
    ("GET", "/rest/V1/stockItems/lowStock/"),
    ("GET", "/rest/V1/stockItems/lowStock"),
    ("PUT", "/rest/V1/products/x/stockItems/7"),
    ("GET", "/rest/V1/customers/me"),
    ("POST", "/rest/V1/integration/customer/token"),
    ("PUT", "/rest/default/V1/customers/me/password"),
    ("DELETE", "/rest/V1/addresses/5"),
    ("GET", "/rest/V1/search?searchCriteria[requestName]=quick_search_container"),
    ("GET", "/rest/V1/orders/items/3"),
    ("POST", "/rest/V1/orders"),
    ("GET", "/V1/products"),
    ("GET", "/rest/V1/products/a b"),
    ("GET", "/rest/V1/Products"),
    ("GET", "/restx/V1/products"),
    ("GET", "/index.phprest/V1/products"),
]


@pytest.mark.parametrize(("method", "raw"), CASES)
def test_the_route_map_agrees_with_the_python_proxy(method: str, raw: str) -> None:
    assert nginx_route(method, raw) == proxy_route(method, raw)


SEGMENTS = st.sampled_from(
    ["", "rest", "V1", "index.php", "default", "all", "products", "x", "attributes", "media",
     "customers", "me", "search", "orders", "items", "a%2Fb", "stockItems", "lowStock", "de-x",
     "categories", "list", "guest-carts"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]),
    st.lists(SEGMENTS, min_size=1, max_size=8),
    st.sampled_from(["", "/", "?q=1", "//"]),
)
def test_generated_request_lines_route_alike(method: str, segments: list[str], end: str) -> None:
    raw = "/" + "/".join(segments) + end
    assert nginx_route(method, raw) == proxy_route(method, raw)


def test_a_pattern_that_ends_in_a_slash_never_matches() -> None:
    assert route_regex(RouteRow("inventory", Direction.READS, frozenset({"GET"}), "/V1/x/")) is None


@pytest.mark.parametrize(
    "group",
    [
        {"domain": "catalog", "access": "read", "methods": ["POST"], "paths": ["/V1/x"]},
        {"domain": "catalog", "access": "read", "methods": ["GET"], "paths": ["/V2/x"]},
        {"domain": "catalog", "access": "read", "methods": ["GET"], "paths": ["/V1/{x}"]},
        {"domain": "cat alog", "access": "read", "methods": ["GET"], "paths": ["/V1/x"]},
        {"domain": "catalog", "access": "sideways", "methods": ["GET"], "paths": ["/V1/x"]},
        {"domain": "catalog", "access": "read", "methods": ["GET"], "paths": ["/V1/x y"]},
    ],
)
def test_bad_rows_are_refused(group: dict[str, object]) -> None:
    with pytest.raises(RouteTableError):
        parse_routes({"routes": [group]})
