"""The route table (`proxy/routes.yaml`, read as data): which Magento REST paths and methods
each domain owns. Pure: one parser for both data planes (the Python proxy compiles the rows into
its matcher, the nginx plane into `map` regexes), so they cannot disagree on what a row means.

A document is `{"routes": [group, ...]}`; a group is
`{domain, access: read|write, methods: [...], paths: [...], shadow_ignore: [...]}`. A path is a
pattern without the store prefix, `/V1/<literal>/...`, each further segment a literal or one
`{placeholder}` (matching exactly one non-empty segment). Read rows take GET/HEAD only; a GET
row also answers HEAD. Rows keep the table's order: the first matching row wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ficus_contracts.cutover import Direction

READ_METHODS = frozenset({"GET", "HEAD"})
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
# a segment's characters that need no percent-encoding (RFC 3986 pchar, without `%`)
_LITERAL = re.compile(r"[A-Za-z0-9_.~!$&'()*+,;=:@-]+")
_DOMAIN = re.compile(r"[a-z][a-z0-9_]*")
_ACCESS = {"read": Direction.READS, "write": Direction.WRITES}


class RouteTableError(ValueError):
    """The route table is not a valid document (each plane maps it to its own start-up error)."""


@dataclass(frozen=True)
class RouteRow:
    """One path of the route table, owned by `domain` for `direction`."""

    domain: str
    direction: Direction
    methods: frozenset[str]
    pattern: str
    shadow_ignore: tuple[str, ...] = ()

    @property
    def first_segment(self) -> str:
        """The literal after `/V1/` (`products` of `/V1/products/{sku}`)."""
        return first_segment(self.pattern)

    def segments(self) -> list[str]:
        """The segments after `/V1/`, literal or `{placeholder}`; an empty one (a pattern
        ending in `/`) can never match a path as Magento normalizes it."""
        return self.pattern.split("/")[2:]


def first_segment(api_path: str) -> str:
    """`/V1/products/x` -> `products`."""
    return api_path[4:].split("/", 1)[0]


def is_placeholder(segment: str) -> bool:
    return PLACEHOLDER.fullmatch(segment) is not None


def parse_route_table(document: Any) -> list[RouteRow]:
    """The rows of a route-table document, in order; RouteTableError names the bad part."""
    if not isinstance(document, dict) or not isinstance(document.get("routes"), list):
        raise RouteTableError("route table: expected a mapping with a `routes` list")
    return [row for group in document["routes"] for row in _group(group)]


def _group(group: Any) -> list[RouteRow]:
    if not isinstance(group, dict):
        raise RouteTableError(f"route table: expected a mapping, got {group!r}")
    try:
        domain = str(group["domain"])
        direction = _ACCESS[group["access"]]
        methods = frozenset(str(m).upper() for m in group["methods"])
        paths = [str(p) for p in group["paths"]]
        ignore = tuple(str(p) for p in group.get("shadow_ignore", ()))
    except (KeyError, TypeError) as exc:
        raise RouteTableError(f"route table: bad group {group!r}: {exc!r}") from exc
    if not _DOMAIN.fullmatch(domain):
        raise RouteTableError(f"route table: domain {domain!r} is not a plain name")
    if direction is Direction.READS and not methods <= READ_METHODS:
        raise RouteTableError(f"route table: read routes take GET/HEAD only, got {sorted(methods)}")
    if "GET" in methods:
        methods |= {"HEAD"}
    return [_row(domain, direction, methods, path, ignore) for path in paths]


def _row(
    domain: str, direction: Direction, methods: frozenset[str], path: str, ignore: tuple[str, ...]
) -> RouteRow:
    if not path.startswith("/V1/") or "{" in first_segment(path):
        raise RouteTableError(f"route pattern must start with a literal /V1/<name>: {path!r}")
    row = RouteRow(domain, direction, methods, path, ignore)
    for segment in row.segments():
        if segment and not (is_placeholder(segment) or _LITERAL.fullmatch(segment)):
            raise RouteTableError(f"route pattern segment {segment!r} is not a literal or {{name}}")
    return row
