"""The catalog's route manifest (`GET /_ficus/routes`) and the proxy's route table agree: every
route the catalog serves is a catalog read row of proxy/routes.yaml that reaches that row, and
every catalog read row is served, but for the one row kept only to shield `/{sku}`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ficus_catalog.manifest import manifest
from ficus_contracts.cutover import Direction
from ficus_contracts.routes import parse_route_table
from ficus_proxy.core.routing import load_routes

TABLE = Path(__file__).parents[3] / "proxy" / "routes.yaml"
ROUTES = load_routes(TABLE)
ROWS = parse_route_table(yaml.safe_load(TABLE.read_text()))
SERVED = [(r["method"], r["path"]) for r in manifest()["routes"]]
SHIELD = "/V1/products/attributes"  # ahead of /V1/products/{sku}; Magento's list, not served


def _shape(path: str) -> str:
    return re.sub(r"\{\w+\}", "{}", path)


@pytest.mark.parametrize(("method", "path"), SERVED)
def test_each_served_route_reaches_its_own_catalog_read_row(method: str, path: str) -> None:
    found = ROUTES.match(method, "/rest" + re.sub(r"\{\w+\}", "12", path))
    assert found is not None and found.route.domain == "catalog"
    assert found.route.direction is Direction.READS
    assert _shape(found.route.pattern) == _shape(path)


def test_every_catalog_read_row_is_served() -> None:
    rows = {
        _shape(row.pattern)
        for row in ROWS
        if row.domain == "catalog" and row.direction is Direction.READS
    }
    assert rows - {_shape(p) for _, p in SERVED} == {SHIELD}
    assert ("GET", "/V1/configurable-products/{sku}/options/all") in SERVED
    assert ("GET", "/V1/categories/{category_id}/products") in SERVED
