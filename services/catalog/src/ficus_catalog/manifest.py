"""`GET /_ficus/routes`: the Magento routes the catalog answers, read from its own route tables
(`rest`, `category_rest`), so the manifest cannot list a route the app does not serve."""

from __future__ import annotations

import re
from typing import Any

from ficus_catalog import category_rest, rest

_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")
_PREFIX = "/rest/V1/"  # each route's `/rest/{store_code}/V1/` twin serves the same path


def manifest() -> dict[str, Any]:
    """`{"domain": "catalog", "routes": [{"method", "path"}]}`, paths as in routes.yaml."""
    routes = [
        {"method": method, "path": _PARAMETER.sub(r"{\1}", route.path.removeprefix("/rest"))}
        for route in [*rest.ROUTES, *category_rest.ROUTES]
        if route.path.startswith(_PREFIX)
        for method in sorted(route.methods or ())
    ]
    return {"domain": "catalog", "routes": routes}
