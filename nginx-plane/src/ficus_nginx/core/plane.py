"""What the nginx plane is configured with, apart from the route table and the cutover state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# the internal headers the Ficus services and tools are known to use: nginx can only drop
# headers it can name (the Python proxy drops every `X-Ficus-*`)
INTERNAL_HEADERS = ("X-Ficus-Target", "X-Ficus-Bucket", "X-Ficus-Debug", "X-Ficus-Internal")
# Debian's lua-nginx-module (libnginx-mod-http-lua) and the development kit it needs
LUA_MODULES = (
    "/usr/lib/nginx/modules/ndk_http_module.so",
    "/usr/lib/nginx/modules/ngx_http_lua_module.so",
)
UNAVAILABLE_MESSAGE = "The service is temporarily unavailable. Please try again later."


@dataclass(frozen=True)
class RateLimits:
    """The Python proxy's edge limits (its settings of the same names): requests per second
    and burst per client address and per bearer credential; a rate of 0 is no limit."""

    rate_per_ip: float = 5000.0
    burst_per_ip: float = 10000.0
    rate_per_customer: float = 5000.0
    burst_per_customer: float = 10000.0


@dataclass(frozen=True)
class Plane:
    """One nginx plane: where it listens, Magento, the new backends (domain -> URL), and the
    limits and timeouts of the Python proxy's settings of the same names."""

    prefix: str  # runtime directory: pid, logs, temp files, the Lua module
    legacy_url: str
    upstreams: Mapping[str, str] = field(default_factory=dict)
    host: str = "0.0.0.0"
    port: int = 18000
    admin_host: str = "127.0.0.1"
    admin_port: int | None = None
    trusted_proxies: tuple[str, ...] = ()
    modules: tuple[str, ...] = LUA_MODULES
    workers: str = "auto"
    worker_connections: int = 4096
    connect_timeout: float = 2.0
    new_timeout: float = 5.0
    legacy_timeout: float = 60.0
    max_body_bytes: int = 10 * 1024 * 1024
    write_retry_after: int = 5
    cohort_cookie_max_age: int = 365 * 24 * 3600
    # env.php's crypt/key and the cohort cookie keys (id, secret; the first signs), as the
    # Python proxy's FICUS_PROXY_MAGENTO_CRYPT_KEY / _COHORT_KEYS: ficus.lua checks customer
    # tokens and cohort cookies with them (ficus_contracts.cohort); kept out of repr
    magento_crypt_key: str = field(default="", repr=False)
    cohort_keys: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    keepalive: int = 64
    limits: RateLimits = RateLimits()
    # where ficus.lua hands shadow copies (a Python proxy worker's admin listener, whose
    # comparison, ignore rules and stats are the proxy's own); None: shadow reads are Magento's
    shadow_url: str | None = None
    shadow_max_body_bytes: int = 1024 * 1024  # a bigger legacy answer is not compared
    internal_headers: tuple[str, ...] = INTERNAL_HEADERS

    def upstream_domains(self) -> frozenset[str]:
        return frozenset(self.upstreams)


def address(url: str) -> str:
    """`http://127.0.0.1:18080/` -> `127.0.0.1:18080` (nginx's `server` form)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"expected an http:// URL with a host, got {url!r}")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{host}:{parts.port or 80}"
