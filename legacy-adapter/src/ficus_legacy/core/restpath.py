"""How Magento's REST router reads a request path (`Webapi/Controller/Rest/Router/Route.php`
splits `trim($path, '/')`): trailing slashes are not part of the route, so
`/rest/all/V1/products/?searchCriteria…` is the product search, not a redirect."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

__all__ = ["REST_PREFIX", "route_path", "routed_scope"]

REST_PREFIX = "/rest/"


def route_path(path: str) -> str:
    """`path` as Magento routes it: a `/rest/…` path without its trailing slashes."""
    if not path.startswith(REST_PREFIX) or not path.endswith("/"):
        return path
    return path.rstrip("/") or path


def routed_scope(scope: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """An ASGI request scope with its path as Magento routes it (the same scope if unchanged)."""
    path = route_path(scope["path"])
    if path == scope["path"]:
        return scope
    raw = scope.get("raw_path")
    raw_path = raw.rstrip(b"/") if isinstance(raw, bytes) and raw.rstrip(b"/") else path.encode()
    return {**scope, "path": path, "raw_path": raw_path}
