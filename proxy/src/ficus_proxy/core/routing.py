"""The routing decision: which backend answers one request. Pure: no I/O, no framework.

Magento REST paths are matched in two spellings, `/rest/V1/...` (default store view) and
`/rest/<store_code>/V1/...`; route patterns in the table are written without the prefix
(`/V1/products/{sku}`), a `{placeholder}` matching exactly one non-empty path segment.

Routing decides on the path as Magento normalizes it (`magento_path`: repeated slashes collapsed,
an `/index.php` prefix and a trailing slash removed), so `//rest/V1/products`,
`/rest//V1/products`, `/rest/V1/products/` and `/index.php/rest/V1/products` route exactly as
`/rest/V1/products` does; the raw bytes are still what is forwarded.

Writes of a domain whose writes lane is draining (a writes rollback in progress) are decided
`DRAINING`: the proxy answers them 503 with Retry-After. Read your writes: a shopper whose
writes go to the new backend (dual N% for their bucket, or new) also reads the domain from it,
so the reads share of a domain is max(reads share, writes share) (the read still falls back to
Magento if the new backend fails it).

The proxy routes on the bytes it forwards (the raw path, still percent-encoded). Paths that
an upstream could resolve differently from the matcher are refused up front by `check_path`:
dot-segments (`/./`, `/../`, also percent-encoded), backslashes, NUL, and any request target
that is not origin-form (`/...`). An encoded slash (`%2F`)
is legitimate in a SKU but could be decoded into a separator upstream, so such a path never
matches a route: it goes to Magento, verbatim, exactly as without the proxy.
"""

from __future__ import annotations

import enum
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ficus_contracts.cutover import Direction, DomainCutover, Lane, Stage
from ficus_contracts.routes import (
    PLACEHOLDER,
    RouteRow,
    RouteTableError,
    first_segment,
    parse_route_table,
)
from ficus_proxy.core.bucketing import CohortKey, bucket_of, cohort_key
from ficus_proxy.errors import ConfigError, UnsafePath

_STORE_CODE = re.compile(r"[A-Za-z0-9_]+")
# a backslash, an encoded backslash / dot / NUL, or a literal "." or ".." segment
_UNSAFE = re.compile(r"\\|%(?:5c|2e|00)|/\.\.?(?:/|$)", re.IGNORECASE)
_SLASHES = re.compile(r"//+")
_FRONT_CONTROLLER = "/index.php"
# (method, path) -> match, for paths seen before; cleared when full (bounded memory)
MATCH_CACHE_SIZE = 16384
MATCH_CACHE_MAX_PATH = 256


class Target(enum.StrEnum):
    LEGACY = "legacy"
    NEW = "new"
    SHADOW = "legacy+shadow"
    DRAINING = "draining"  # a write while its lane drains: 503 with Retry-After


@dataclass(frozen=True)
class Route:
    """One row of the route table: a REST path pattern and methods owned by a domain."""

    domain: str
    direction: Direction
    methods: frozenset[str]
    pattern: str
    shadow_ignore: tuple[str, ...] = ()
    regex: re.Pattern[str] = field(compare=False, repr=False, default=re.compile(""))
    # the decisions that depend on nothing but the route, built once (see __post_init__)
    fixed: dict[Target, Decision] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        fixed = {t: Decision(t, self.domain, self.direction, self) for t in Target}
        object.__setattr__(self, "fixed", fixed)


@dataclass(frozen=True)
class RouteMatch:
    route: Route
    store: str | None


@dataclass(frozen=True)
class RequestFacts:
    """What the routing decision looks at; `path` is the raw path without the query.
    `cohort_cookie` and `customer` are what the edge verified (`ficus_proxy.cohort`): the
    value of a correctly signed cohort cookie (`renew_cookie` when signed with an older key)
    and the customer id of a valid customer token."""

    method: str
    path: str
    authorization: str | None = None
    cohort_cookie: str | None = None
    customer: str | None = None
    renew_cookie: bool = False


@dataclass(frozen=True)
class Decision:
    target: Target
    domain: str | None = None
    direction: Direction | None = None
    route: Route | None = None
    bucket: int | None = None
    set_cookie: str | None = None


LEGACY = Decision(Target.LEGACY)


def check_path(path: str) -> None:
    """Raise UnsafePath if `path` could be resolved differently upstream than here."""
    if not path.startswith("/") or _UNSAFE.search(path) is not None:
        raise UnsafePath(f"refused path {path[:200]!r}")


def magento_path(path: str) -> str:
    """The path as Magento's router sees it: `//rest//V1/x/` and `/index.php/rest/V1/x` are
    `/rest/V1/x` (repeated slashes collapsed, front-controller prefix and trailing slash
    dropped). Percent-encoding is left alone."""
    if "//" in path:
        path = _SLASHES.sub("/", path)
    if path == _FRONT_CONTROLLER or path.startswith(_FRONT_CONTROLLER + "/"):
        path = path[len(_FRONT_CONTROLLER) :] or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return path


def split_rest_path(path: str) -> tuple[str | None, str] | None:
    """`/rest/default/V1/x` -> ("default", "/V1/x"); `/rest/V1/x` -> (None, "/V1/x")."""
    if not path.startswith("/rest/"):
        return None
    rest = path[5:]
    if rest.startswith("/V1/"):
        return None, rest
    store, sep, tail = rest[1:].partition("/")
    if not sep or not tail.startswith("V1/") or not _STORE_CODE.fullmatch(store):
        return None
    return store, "/" + tail


class RouteTable:
    """Routes indexed by the first segment after `/V1/`; the first matching row wins. The
    outcome for a (method, path) seen before is remembered (bounded: the table is immutable)."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes = tuple(routes)
        self._index: dict[tuple[str, str], list[Route]] = {}
        for route in self.routes:
            for method in route.methods:
                key = (method, first_segment(route.pattern))
                self._index.setdefault(key, []).append(route)
        self._seen: dict[tuple[str, str], RouteMatch | None] = {}

    def match(self, method: str, path: str) -> RouteMatch | None:
        key = (method, path)
        try:
            return self._seen[key]
        except KeyError:
            pass
        found = self._match(method, path)
        if len(path) <= MATCH_CACHE_MAX_PATH:
            if len(self._seen) >= MATCH_CACHE_SIZE:
                self._seen.clear()
            self._seen[key] = found
        return found

    def _match(self, method: str, path: str) -> RouteMatch | None:
        split = split_rest_path(magento_path(path))
        if split is None or "%2f" in path or "%2F" in path:
            return None
        store, api_path = split
        for route in self._index.get((method, first_segment(api_path)), ()):
            if route.regex.fullmatch(api_path):
                return RouteMatch(route, store)
        return None

    def domains(self) -> frozenset[str]:
        return frozenset(route.domain for route in self.routes)


def decide(
    facts: RequestFacts,
    routes: RouteTable,
    cutover: Mapping[str, DomainCutover],
    make_cookie: Callable[[], str] = lambda: secrets.token_hex(12),
) -> Decision:
    """Where this request goes: Magento, the domain's new backend, or Magento plus a shadow."""
    matched = routes.match(facts.method, facts.path)
    if matched is None:
        return LEGACY
    route = matched.route
    state = cutover.get(route.domain)
    if state is None:
        return route.fixed[Target.LEGACY]
    if route.direction is Direction.WRITES:
        if state.writes_draining:
            return route.fixed[Target.DRAINING]
        return _decide_lane(facts, route, state.writes.share_new, Target.LEGACY, make_cookie)
    reads = Lane() if state.reads_fail_open_tripped else state.reads
    otherwise = Target.SHADOW if reads.stage is Stage.SHADOW else Target.LEGACY
    share = max(reads.share_new, state.writes.share_new)  # read your writes
    return _decide_lane(facts, route, share, otherwise, make_cookie)


def _decide_lane(
    facts: RequestFacts,
    route: Route,
    share: int,
    otherwise: Target,
    make_cookie: Callable[[], str],
) -> Decision:
    """NEW for the cohort buckets below `share`, `otherwise` for the others."""
    if share == 0:
        return route.fixed[otherwise]
    if share == 100:
        return route.fixed[Target.NEW]
    key, fresh = _cohort(facts, make_cookie)
    bucket = bucket_of(key)
    target = Target.NEW if bucket < share else otherwise
    cookie = key.value if fresh else None  # to be signed and set by the server
    return Decision(target, route.domain, route.direction, route, bucket, cookie)


def _cohort(facts: RequestFacts, make_cookie: Callable[[], str]) -> tuple[CohortKey, bool]:
    key = cohort_key(facts.authorization, facts.path, facts.cohort_cookie, facts.customer)
    if key is not None:
        return key, key.kind == "cookie" and facts.renew_cookie
    return CohortKey("cookie", make_cookie()), True


def load_routes(path: Path) -> RouteTable:
    """Read the YAML route table (see proxy/routes.yaml for the format)."""
    try:
        document = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read route table {path}: {exc}") from exc
    return parse_routes(document)


def parse_routes(document: Any) -> RouteTable:
    """The route table of a routes.yaml document (parsed by `ficus_contracts.routes`, the
    parser the nginx plane uses too), compiled for `RouteTable.match`."""
    try:
        rows = parse_route_table(document)
    except RouteTableError as exc:
        raise ConfigError(str(exc)) from exc
    return RouteTable(_route(row) for row in rows)


def _route(row: RouteRow) -> Route:
    regex = "[^/]+".join(re.escape(part) for part in PLACEHOLDER.split(row.pattern))
    return Route(
        row.domain, row.direction, row.methods, row.pattern, row.shadow_ignore, re.compile(regex)
    )
