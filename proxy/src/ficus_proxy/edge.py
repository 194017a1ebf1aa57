"""What the shopper listener protects itself with before any routing: the client's address
(trusted proxies only), per-address and per-customer rate limits (429 + `Retry-After`), and a
cap on open connections (`CappedServer`). Header read time is bounded by the server's
keep-alive timeout (a connection without a complete request head by then is closed)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from ficus_proxy.core.ratelimit import RateLimit, TokenBuckets
from ficus_proxy.errors import TooManyRequests
from ficus_proxy.headers import TrustedProxies
from ficus_proxy.settings import ProxySettings


class EdgeGuard:
    """Rate limits keyed by client address and by customer (the bearer credential)."""

    def __init__(self, s: ProxySettings, clock: Callable[[], float] = time.monotonic) -> None:
        self.trusted = TrustedProxies(s.trusted_proxies)
        ip, customer = (
            RateLimit(s.rate_per_ip, s.burst_per_ip),
            RateLimit(s.rate_per_customer, s.burst_per_customer),
        )
        self._per_ip = TokenBuckets(ip, s.rate_limit_keys, clock) if ip.enabled else None
        self._per_customer = (
            TokenBuckets(customer, s.rate_limit_keys, clock) if customer.enabled else None
        )

    def admit(self, request: web.BaseRequest) -> None:
        """Raise TooManyRequests if the client or the customer is over its limit."""
        if self._per_ip is not None:
            client = request.remote
            if self.trusted:  # behind load balancers: the address they were asked by
                forwarded = request.headers.getall("X-Forwarded-For", [])
                client = self.trusted.client(client, forwarded)
            self._check(self._per_ip, client or "-")
        authorization = request.headers.get("Authorization")
        if self._per_customer is not None and authorization:
            self._check(self._per_customer, str(hash(authorization)))

    @staticmethod
    def _check(buckets: TokenBuckets, key: str) -> None:
        wait = buckets.take(key)
        if wait > 0:
            raise TooManyRequests(wait)


class CappedServer(web.Server):
    """An aiohttp low-level server that closes connections over `max_connections` at once."""

    def __init__(self, handler: Any, *, max_connections: int, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.max_connections = max_connections
        self.refused = 0

    def connection_made(self, handler: RequestHandler, transport: asyncio.Transport) -> None:
        super().connection_made(handler, transport)
        if len(self._connections) > self.max_connections:
            self.refused += 1
            handler.force_close()
