"""What the shopper listener protects itself with before any routing, as the Python proxy's
edge does (`ficus_proxy.edge`): the client's address (behind trusted proxies, the right-most
`X-Forwarded-For` hop that is not one of them) and rate limits per address and per customer
(the bearer credential), answered `429` with `Retry-After` and Magento's `{"message": …}`.
Pure: nginx configuration text.

nginx's `limit_req` is a leaky bucket with `burst` requests of slack and `nodelay`: the same
rate and burst as the proxy's token buckets. Its state is shared by all workers (the proxy's
buckets are per worker process), so the nginx plane's limits are the whole plane's.
"""

from __future__ import annotations

import json
import math

from ficus_nginx.core.plane import Plane

TOO_MANY_MESSAGE = "Too many requests. Please try again later."
_ZONE_SIZE = "10m"  # ~ 160 000 addresses; least recently used states are dropped when full


def edge_http(plane: Plane) -> list[str]:
    """The http-level lines: the client's address (realip from trusted proxies only) and the
    limit zones (none for a rate of 0, as the proxy's `0 = off`)."""
    lines = [f"set_real_ip_from {cidr};" for cidr in plane.trusted_proxies]
    if plane.trusted_proxies:
        lines += ["real_ip_header X-Forwarded-For;", "real_ip_recursive on;"]
    if plane.limits.rate_per_ip > 0:
        lines.append(f"limit_req_zone $binary_remote_addr zone=ficus_ip:{_ZONE_SIZE}"
                     f" rate={_rate(plane.limits.rate_per_ip)};")  # fmt: skip
    if plane.limits.rate_per_customer > 0:  # an empty key (no Authorization) is not limited
        lines.append(f"limit_req_zone $http_authorization zone=ficus_customer:{_ZONE_SIZE}"
                     f" rate={_rate(plane.limits.rate_per_customer)};")  # fmt: skip
    return [*lines, "limit_req_status 429;", ""]


def edge_location(plane: Plane) -> list[str]:
    """The limits of the routed location (`location /`), and where a refusal is answered."""
    lines = ["        error_page 429 = @too_many;  # nginx's own 429 (Magento's passes through)"]
    if plane.limits.rate_per_ip > 0:
        lines.append(
            f"        limit_req zone=ficus_ip burst={_burst(plane.limits.burst_per_ip)} nodelay;"
        )
    if plane.limits.rate_per_customer > 0:
        burst = _burst(plane.limits.burst_per_customer)
        lines.append(f"        limit_req zone=ficus_customer burst={burst} nodelay;")
    return lines


def too_many_location(plane: Plane) -> list[str]:
    """`@too_many`: 429, `Retry-After` (whole seconds until a request is allowed again at the
    slower of the two rates, at least 1, as the proxy rounds it) and the proxy's message."""
    rates = [r for r in (plane.limits.rate_per_ip, plane.limits.rate_per_customer) if r > 0]
    retry_after = max(1, math.ceil(1 / min(rates))) if rates else 1
    body = json.dumps({"message": TOO_MANY_MESSAGE}).replace("'", "\\'")
    return [
        "    location @too_many {",
        f"        add_header Retry-After {retry_after} always;",
        "        add_header X-Request-Id $ficus_rid always;",
        "        default_type application/json;",
        f"        return 429 '{body}';",
        "    }",
    ]


def _rate(per_second: float) -> str:
    """nginx takes whole requests per second or per minute."""
    if per_second >= 1 and float(per_second).is_integer():
        return f"{int(per_second)}r/s"
    return f"{max(1, round(per_second * 60))}r/m"


def _burst(burst: float) -> int:
    return max(0, math.floor(burst) - 1)  # nginx admits 1 + burst at once; the proxy `burst`
