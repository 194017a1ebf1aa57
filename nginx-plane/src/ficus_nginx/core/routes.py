"""The route table (proxy/routes.yaml, read as data) as nginx regular expressions. Pure.

Each pattern becomes one regex matched against `"$request_method $request_uri"`, the raw request
line, so nginx routes on the bytes it forwards, exactly as the Python proxy does: the path as
Magento's router sees it (repeated slashes collapsed, an `/index.php` prefix and trailing
slashes ignored, `/rest/V1/...` or `/rest/<store_code>/V1/...`), a `{placeholder}` matching one
non-empty segment, the query string ignored. A pattern that ends with `/` can never match a
normalized path, so it is left out, as it never matches in the Python proxy either. Rows keep the
table's order: nginx's `map` tries regexes in order and the first match wins, as in the proxy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ficus_contracts.cutover import Direction
from ficus_nginx.errors import RouteTableError

READ_METHODS = frozenset({"GET", "HEAD"})
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_LITERAL = re.compile(r"[A-Za-z0-9_.~!$&'()*+,;=:@-]+")
# the path before `V1/` as Magento's router reads it (see ficus_proxy.core.routing.magento_path)
_PREFIX = r"/+(?:index\.php/+)?rest/+(?:(?!V1/)[A-Za-z0-9_]+/+)?"
_END = r"/*(?:\?|$)"


@dataclass(frozen=True)
class NginxRoute:
    domain: str
    direction: Direction
    methods: frozenset[str]
    pattern: str

    @property
    def key(self) -> str:
        """What the route map yields: `<domain>:r` or `<domain>:w`."""
        return f"{self.domain}:{'r' if self.direction is Direction.READS else 'w'}"

    def regex(self) -> str | None:
        """The nginx regex for this row, or None if no normalized path can match it."""
        segments = self.pattern.split("/")[1:]
        if "" in segments:
            return None
        methods = "|".join(sorted(self.methods))
        path = "/+".join(_segment(s) for s in segments)
        return f"^(?:{methods}) {_PREFIX}{path}{_END}"


def _segment(segment: str) -> str:
    if _PLACEHOLDER.fullmatch(segment):
        return "[^/?]+"
    if not _LITERAL.fullmatch(segment):
        raise RouteTableError(f"route pattern segment {segment!r} is not a literal or {{name}}")
    return re.escape(segment)


def parse_routes(document: Any) -> list[NginxRoute]:
    """The rows of a routes.yaml document, in order (GET rows also match HEAD)."""
    if not isinstance(document, dict) or not isinstance(document.get("routes"), list):
        raise RouteTableError("route table: expected a mapping with a `routes` list")
    return [route for group in document["routes"] for route in _group(group)]


def _group(group: Any) -> list[NginxRoute]:
    try:
        domain = str(group["domain"])
        direction = {"read": Direction.READS, "write": Direction.WRITES}[group["access"]]
        methods = frozenset(str(m).upper() for m in group["methods"])
        paths = [str(p) for p in group["paths"]]
    except (KeyError, TypeError) as exc:
        raise RouteTableError(f"route table: bad group {group!r}: {exc!r}") from exc
    if not re.fullmatch(r"[a-z][a-z0-9_]*", domain):
        raise RouteTableError(f"route table: domain {domain!r} is not a plain name")
    if direction is Direction.READS and not methods <= READ_METHODS:
        raise RouteTableError(f"route table: read routes take GET/HEAD only: {sorted(methods)}")
    if "GET" in methods:
        methods |= {"HEAD"}
    for path in paths:
        if not path.startswith("/V1/") or "{" in path[4:].split("/", 1)[0]:
            raise RouteTableError(f"route pattern must start with a literal /V1/x: {path!r}")
    routes = [NginxRoute(domain, direction, methods, p) for p in paths]
    for route in routes:
        route.regex()  # refuses a segment that is neither a literal nor a {name}
    return routes
