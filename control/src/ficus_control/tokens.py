"""API tokens: roles, hashing (tokens are stored as sha256 hashes only), and the checks in
front of the database: a short cache of verified tokens and a limit on failed attempts.

Roles: `viewer` reads everything; `operator` also changes; `proxy` (the proxy's own token) may
only read cutover state and report trips and rollbacks, which the audit log records as
`proxy:auto`. A revoked token keeps working for at most the cache's TTL (a few seconds)."""

from __future__ import annotations

import enum
import hashlib
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ficus_control.errors import RateLimited, Unauthenticated

Clock = Callable[[], float]


class Role(enum.StrEnum):
    VIEWER = "viewer"  # GET only
    OPERATOR = "operator"  # GET and changes
    PROXY = "proxy"  # read cutover state, report trips and rollbacks; nothing else


def new_token() -> str:
    return f"ficus_{secrets.token_urlsafe(32)}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who a valid token belongs to."""

    name: str
    role: Role

    @property
    def actor(self) -> str:
        """How the audit log names this principal: taken from the token, never from the caller."""
        return "proxy:auto" if self.role is Role.PROXY else f"token:{self.name}"


class TokenLookup(Protocol):
    def principal(self, token: str) -> Principal | None:
        """Who holds a valid (known, unrevoked) token, else None."""
        ...


class TokenCache:
    """Verified tokens (by hash) for `ttl` seconds; at most `size`, the oldest dropped first."""

    def __init__(self, ttl: float, size: int = 1024, clock: Clock = time.monotonic) -> None:
        self.ttl, self.size, self.clock = ttl, size, clock
        self._entries: OrderedDict[str, tuple[float, Principal]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, token_hash: str) -> Principal | None:
        with self._lock:
            found = self._entries.get(token_hash)
            if found is None or found[0] <= self.clock():
                self._entries.pop(token_hash, None)
                return None
            return found[1]

    def put(self, token_hash: str, principal: Principal) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            self._entries.pop(token_hash, None)
            self._entries[token_hash] = (self.clock() + self.ttl, principal)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


class FailureLimiter:
    """At most `limit` failed attempts per client in any `window` seconds; then the client must
    wait. Tracks at most `clients` clients (the least recently failing is forgotten first)."""

    def __init__(
        self, limit: int, window: float, clients: int = 10_000, clock: Clock = time.monotonic
    ) -> None:
        self.limit, self.window, self.clients, self.clock = limit, window, clients, clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> float | None:
        """Seconds `client` must wait before trying again, or None if it may try now."""
        with self._lock:
            times = self._recent(client)
            if len(times) < self.limit:
                return None
            return max(times[0] + self.window - self.clock(), 0.001)

    def failed(self, client: str) -> None:
        with self._lock:
            self._recent(client).append(self.clock())
            self._failures.move_to_end(client)
            while len(self._failures) > self.clients:
                self._failures.popitem(last=False)

    def _recent(self, client: str) -> deque[float]:
        times = self._failures.setdefault(client, deque())
        horizon = self.clock() - self.window
        while times and times[0] <= horizon:
            times.popleft()
        return times


class Authenticator:
    """Bearer check: a client over its failure limit is refused before any lookup; a cached
    token needs no database; every failure counts against the client."""

    def __init__(self, lookup: TokenLookup, cache: TokenCache, limiter: FailureLimiter) -> None:
        self.lookup, self.cache, self.limiter = lookup, cache, limiter

    def authenticate(self, token: str | None, client: str) -> Principal:
        wait = self.limiter.retry_after(client)
        if wait is not None:
            raise RateLimited(wait)
        if not token:
            self.limiter.failed(client)
            raise Unauthenticated("missing bearer token (Authorization: Bearer <token>)")
        key = hash_token(token)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        principal = self.lookup.principal(token)
        if principal is None:
            self.limiter.failed(client)
            raise Unauthenticated("invalid or revoked token")
        self.cache.put(key, principal)  # only a fresh lookup starts the TTL: revocation bites
        return principal
