"""Shadow reads on the nginx plane, as nginx configuration text. Pure.

A `shadow:<domain>` decision is answered by Magento in `@shadowed`; `ficus.lua` keeps Magento's
answer as it goes out (`keep_body`, at most `shadow_max_body_bytes`) and, once the shopper has
it (the log phase), hands the request and that answer to the comparer (`shadow_copy`, a timer:
nothing waits for it): `POST /_ficus/shadow` on a Python proxy worker's admin listener, which
sends the copy to the new backend and compares the two answers with the proxy's own diff,
ignore rules, noise learning and stats (`ficus_proxy.shadow.intake`), so `ficus diff` and the
shadow gate read the same figures whichever plane served the shopper.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ficus_nginx.core.plane import Plane


def comparer(plane: Plane) -> tuple[str, int] | None:
    """(host, port) of the comparer, or None: no shadow copies."""
    if plane.shadow_url is None:
        return None
    parts = urlsplit(plane.shadow_url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"expected an http:// shadow URL with a host, got {plane.shadow_url!r}")
    return parts.hostname, parts.port or 80


def shadowed_location(plane: Plane, legacy_pass: list[str]) -> list[str]:
    """`@shadowed`: Magento's answer to the shopper, then the copy to the comparer."""
    target = comparer(plane)
    if target is None:
        return []
    host, port = target
    return [
        "    location @shadowed {  # Magento answers; the copy goes out once the shopper has it",
        f"        set $ficus_shadow_host {host};",
        f"        set $ficus_shadow_port {port};",
        f"        set $ficus_shadow_max {plane.shadow_max_body_bytes};",
        "        body_filter_by_lua_block { require('ficus').keep_body() }",
        "        log_by_lua_block { require('ficus').shadow_copy() }",
        *legacy_pass,
        "    }",
    ]
