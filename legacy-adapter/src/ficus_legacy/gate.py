"""Who calls a Magento route of a new service, decided as Magento 2.4.8 decides it
(`ficus_legacy.core.webapi_auth`), shared by every service: a JWT signed with the key Magento
derives from env.php's `crypt/key`, unexpired, not revoked in Magento (`jwt_auth_revoked`,
through a `RevocationSource`), of an admin whose role allows the route's resources
(`authorization_role` / `authorization_rule`, through a `RoleSource`; an admin sync has
announced no role for is allowed nothing, as in Magento); or an integration's opaque access
token, looked up by its SHA-256 (`oauth_token` as sync announces it, `IntegrationTokenSource`)
and accepted as `webapi_auth.integration_caller` says. Any other credential leaves the
caller a guest. A service wires it in one line: its key, its credential source, its 401."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, Protocol, TypeVar

from ficus_contracts.auth import IntegrationTokenState, token_sha256
from ficus_legacy import tokens
from ficus_legacy.core import acl
from ficus_legacy.core.webapi_auth import (
    ADMIN,
    GUEST,
    Caller,
    bearer,
    integration_caller,
    is_allowed,
)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RevocationSource(Protocol):
    """Port: Magento's `jwt_auth_revoked` as the service knows it."""

    async def revoke_before(self, user_type: int, user_id: int) -> int | None:
        """The user's `revoke_before` (Unix time); None when none of their tokens was revoked."""
        ...


class RoleSource(Protocol):
    """Port: Magento's admin roles as the service knows them."""

    async def admin_rules(self, user_id: int) -> acl.Rules:
        """The ACL rules of the admin's role; none when no role is known for them."""
        ...


class IntegrationTokenSource(Protocol):
    """Port: Magento's integration access tokens as the service knows them."""

    async def integration_token(self, sha256: str) -> IntegrationTokenState | None:
        """The token whose SHA-256 (hex) is `sha256`; None when Magento has no such token."""
        ...


class CredentialSource(RevocationSource, RoleSource, IntegrationTokenSource, Protocol):
    """The three ports (a service's database answers them all)."""


class TtlCache(Generic[K, V]):
    """Each key's answer reused for `ttl` seconds; dropped whole when it holds `size` keys."""

    def __init__(
        self, ttl: float, clock: Callable[[], float] = time.monotonic, size: int = 100_000
    ) -> None:
        self._ttl, self._clock, self._size = ttl, clock, size
        self._seen: dict[K, tuple[float, V]] = {}

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        now = self._clock()
        seen = self._seen.get(key)
        if seen is not None and now - seen[0] < self._ttl:
            return seen[1]
        value = await load()
        if len(self._seen) >= self._size:
            self._seen.clear()
        self._seen[key] = (now, value)
        return value


class CachedCredentials:
    """A `CredentialSource` reusing each answer for `ttl` seconds: a change in Magento reaches
    the service within the sync lag plus `ttl`."""

    def __init__(
        self,
        source: CredentialSource,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
        size: int = 100_000,
    ) -> None:
        self._source = source
        self._revocations: TtlCache[tuple[int, int], int | None] = TtlCache(ttl, clock, size)
        self._roles: TtlCache[int, acl.Rules] = TtlCache(ttl, clock, size)
        self._tokens: TtlCache[str, IntegrationTokenState | None] = TtlCache(ttl, clock, size)

    async def revoke_before(self, user_type: int, user_id: int) -> int | None:
        load = self._source.revoke_before
        return await self._revocations.get((user_type, user_id), lambda: load(user_type, user_id))

    async def admin_rules(self, user_id: int) -> acl.Rules:
        return await self._roles.get(user_id, lambda: self._source.admin_rules(user_id))

    async def integration_token(self, sha256: str) -> IntegrationTokenState | None:
        return await self._tokens.get(sha256, lambda: self._source.integration_token(sha256))


Refuse = Callable[[Sequence[str]], Exception]
"""The service's 401 for a route's resources (its own error, mapped once at its edge)."""


class Gate:
    """Checks a request's `Authorization` header against a route's ACL resources."""

    def __init__(
        self,
        signing_key: str,
        credentials: CredentialSource,
        refuse: Refuse,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = signing_key
        self._credentials = credentials
        self._refuse = refuse
        self._clock = clock

    async def caller(self, authorization: str) -> Caller:
        """The caller a header names; a guest for anything Magento would not accept."""
        token = bearer(authorization)
        if token is None:
            return GUEST
        try:
            claims = tokens.verify(self._key, token, now=self._clock())
        except tokens.TokenError:  # not Magento's JWT: perhaps an integration's opaque token
            return integration_caller(
                await self._credentials.integration_token(token_sha256(token))
            )
        user_type, user_id = int(claims.user_type), claims.user_id
        if tokens.revoked(claims, await self._credentials.revoke_before(user_type, user_id)):
            return GUEST
        if user_type != ADMIN:
            return Caller(user_type, user_id)
        return Caller(user_type, user_id, await self._credentials.admin_rules(user_id))

    async def require(self, authorization: str, resources: Sequence[str]) -> Caller:
        """The caller, when every resource of the route is allowed; the service's 401 otherwise."""
        caller = await self.caller(authorization)
        if not is_allowed(caller, resources):
            raise self._refuse(resources)
        return caller
