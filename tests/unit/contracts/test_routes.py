"""The one route-table parser both data planes use (ficus_contracts.routes)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ficus_contracts.cutover import Direction
from ficus_contracts.routes import RouteRow, RouteTableError, parse_route_table
from ficus_nginx.core.routes import parse_routes as nginx_parse
from ficus_proxy.core.routing import parse_routes as proxy_parse

SHIPPED = yaml.safe_load(Path("proxy/routes.yaml").read_text())


def test_rows_keep_order_get_answers_head_and_carry_ignore_rules() -> None:
    document = {
        "routes": [
            {"domain": "catalog", "access": "read", "methods": ["get"],
             "paths": ["/V1/products/{sku}", "/V1/products"], "shadow_ignore": ["$.updated_at"]},
            {"domain": "catalog", "access": "write", "methods": ["PUT"], "paths": ["/V1/x/"]},
        ]
    }  # fmt: skip
    rows = parse_route_table(document)
    assert rows == [
        RouteRow("catalog", Direction.READS, frozenset({"GET", "HEAD"}), "/V1/products/{sku}",
                 ("$.updated_at",)),
        RouteRow("catalog", Direction.READS, frozenset({"GET", "HEAD"}), "/V1/products",
                 ("$.updated_at",)),
        RouteRow("catalog", Direction.WRITES, frozenset({"PUT"}), "/V1/x/"),
    ]  # fmt: skip
    assert rows[0].segments() == ["products", "{sku}"]
    assert rows[2].segments() == ["x", ""]  # never matches a normalized path


def test_both_planes_take_their_rows_from_the_shared_parser() -> None:
    rows = parse_route_table(SHIPPED)
    proxy = proxy_parse(SHIPPED).routes
    assert [(r.domain, r.direction, r.methods, r.pattern, r.shadow_ignore) for r in proxy] == [
        (r.domain, r.direction, r.methods, r.pattern, r.shadow_ignore) for r in rows
    ]
    assert nginx_parse(SHIPPED) == rows


@pytest.mark.parametrize(
    "document",
    [
        None,
        {"routes": "x"},
        {"routes": ["x"]},
        {"routes": [{"domain": "catalog"}]},
        {
            "routes": [
                {"domain": "catalog", "access": "read", "methods": ["POST"], "paths": ["/V1/x"]}
            ]
        },
        {
            "routes": [
                {"domain": "catalog", "access": "read", "methods": ["GET"], "paths": ["/V2/x"]}
            ]
        },
        {
            "routes": [
                {"domain": "catalog", "access": "read", "methods": ["GET"], "paths": ["/V1/{x}"]}
            ]
        },
        {
            "routes": [
                {"domain": "Cat alog", "access": "read", "methods": ["GET"], "paths": ["/V1/x"]}
            ]
        },
        {"routes": [{"domain": "catalog", "access": "up", "methods": ["GET"], "paths": ["/V1/x"]}]},
        {
            "routes": [
                {"domain": "catalog", "access": "read", "methods": ["GET"], "paths": ["/V1/x y"]}
            ]
        },
    ],
)
def test_invalid_tables_are_refused(document: object) -> None:
    with pytest.raises(RouteTableError):
        parse_route_table(document)
