"""The route table's rows (`ficus_contracts.routes`, the parser the Python proxy uses too) as
nginx regular expressions. Pure.

Each row becomes one regex matched against `"$request_method $request_uri"`, the raw request
line, so nginx routes on the bytes it forwards, exactly as the Python proxy does: the path as
Magento's router sees it (repeated slashes collapsed, an `/index.php` prefix and trailing
slashes ignored, `/rest/V1/...` or `/rest/<store_code>/V1/...`), a `{placeholder}` matching one
non-empty segment, the query string ignored. A pattern that ends with `/` can never match a
normalized path, so it is left out, as it never matches in the Python proxy either. Rows keep the
table's order: nginx's `map` tries regexes in order and the first match wins, as in the proxy.
"""

from __future__ import annotations

import re
from typing import Any

from ficus_contracts.cutover import Direction
from ficus_contracts.routes import RouteRow, RouteTableError, is_placeholder, parse_route_table
from ficus_nginx.errors import RouteTableError as PlaneRouteTableError

# the path before `V1/` as Magento's router reads it (see ficus_proxy.core.routing.magento_path)
_PREFIX = r"/+(?:index\.php/+)?rest/+(?:(?!V1/)[A-Za-z0-9_]+/+)?"
_END = r"/*(?:\?|$)"


def route_key(row: RouteRow) -> str:
    """What the route map yields for `row`: `<domain>:r` or `<domain>:w`."""
    return f"{row.domain}:{'r' if row.direction is Direction.READS else 'w'}"


def route_regex(row: RouteRow) -> str | None:
    """The nginx regex for `row`, or None if no normalized path can match it."""
    segments = row.segments()
    if "" in segments:
        return None
    methods = "|".join(sorted(row.methods))
    path = "/+".join(["V1", *("[^/?]+" if is_placeholder(s) else re.escape(s) for s in segments)])
    return f"^(?:{methods}) {_PREFIX}{path}{_END}"


def parse_routes(document: Any) -> list[RouteRow]:
    """The rows of a routes.yaml document, in order; the plane's RouteTableError if invalid."""
    try:
        return parse_route_table(document)
    except RouteTableError as exc:
        raise PlaneRouteTableError(str(exc)) from exc
