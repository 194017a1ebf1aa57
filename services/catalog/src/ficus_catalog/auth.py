"""Who calls the catalog's Magento routes, decided as Magento 2.4.8 decides it
(`ficus_legacy.core.webapi_auth`): a JWT signed with the key Magento derives from env.php's
`crypt/key`, unexpired, not revoked in Magento (`jwt_auth_revoked`, through a
`RevocationSource`). Any other credential leaves the caller a guest, refused on every
catalog route (none is `anonymous` in Catalog/etc/webapi.xml)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Protocol

from ficus_catalog.errors import NotAuthorized
from ficus_legacy import tokens
from ficus_legacy.core.webapi_auth import GUEST, Caller, bearer, is_allowed


class RevocationSource(Protocol):
    """Port: Magento's `jwt_auth_revoked` as the catalog knows it."""

    async def revoke_before(self, user_type: int, user_id: int) -> int | None:
        """The user's `revoke_before` (Unix time); None when none of their tokens was revoked."""
        ...


class CachedRevocations:
    """A `RevocationSource` that reuses each user's answer for `ttl` seconds: a revocation
    reaches the catalog within the sync lag plus `ttl`. Bounded: the cache is dropped whole
    when it holds `size` users."""

    def __init__(
        self,
        source: RevocationSource,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
        size: int = 100_000,
    ) -> None:
        self._source, self._ttl, self._clock, self._size = source, ttl, clock, size
        self._seen: dict[tuple[int, int], tuple[float, int | None]] = {}

    async def revoke_before(self, user_type: int, user_id: int) -> int | None:
        key, now = (user_type, user_id), self._clock()
        seen = self._seen.get(key)
        if seen is not None and now - seen[0] < self._ttl:
            return seen[1]
        before = await self._source.revoke_before(user_type, user_id)
        if len(self._seen) >= self._size:
            self._seen.clear()
        self._seen[key] = (now, before)
        return before


class Gate:
    """Checks a request's `Authorization` header against a route's ACL resources."""

    def __init__(
        self,
        signing_key: str,
        revocations: RevocationSource,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = signing_key
        self._revocations = revocations
        self._clock = clock

    async def caller(self, authorization: str) -> Caller:
        """The caller a header names; a guest for anything Magento would not accept."""
        token = bearer(authorization)
        if token is None:
            return GUEST
        try:
            claims = tokens.verify(self._key, token, now=self._clock())
        except tokens.TokenError:
            return GUEST
        before = await self._revocations.revoke_before(int(claims.user_type), claims.user_id)
        if tokens.revoked(claims, before):
            return GUEST
        return Caller(int(claims.user_type), claims.user_id)

    async def require(self, authorization: str, resources: Sequence[str]) -> Caller:
        """The caller, when every resource of the route is allowed; `NotAuthorized` otherwise."""
        caller = await self.caller(authorization)
        if not is_allowed(caller, resources):
            raise NotAuthorized(*resources)
        return caller
