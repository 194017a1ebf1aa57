"""Who the proxy believes a shopper is, for cohort bucketing: only what it can verify.

A customer bearer token counts as that customer only if it is a Magento JWT signed with the key
Magento derives from env.php's `crypt/key` (FICUS_PROXY_MAGENTO_CRYPT_KEY; the same derivation
and check as the services, `ficus_legacy.tokens`), unexpired, of user type customer. Revocation
is not checked: a revoked token still names its customer, and the bucket grants nothing.
A valid admin token keys a cookieless client by its hash (shared by many callers, not one
shopper). The cohort cookie counts only when signed with a known cookie key
(`ficus_contracts.cohort`). Anything else (a forged or expired JWT, an opaque integration token
the proxy cannot check) is ignored: the request is keyed by its cart id, its cookie, or a fresh
cookie, never by a value the client chose.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from ficus_contracts.cohort import CookieKeys, OpenedCookie, cookie_keys
from ficus_legacy import tokens
from ficus_proxy.core.bucketing import bearer, cookie_value
from ficus_proxy.core.routing import RequestFacts
from ficus_proxy.errors import ConfigError
from ficus_proxy.settings import ProxySettings


class ShopperIdentity:
    """Verified customer ids (cached until the token expires) and signed cohort cookies."""

    def __init__(
        self,
        signing_key: str,
        cookies: CookieKeys,
        clock: Callable[[], float] = time.time,
        cache_size: int = 100_000,
    ) -> None:
        self._key = signing_key
        self._cookies = cookies
        self._clock = clock
        # token -> (customer id, or "" for an admin token; expires at)
        self._cache: dict[str, tuple[str, int]] = {}
        self._cache_size = cache_size

    def facts(self, method: str, path: str, headers: Mapping[str, str]) -> RequestFacts:
        """The routing facts of a request, with only verified identities in them."""
        authorization = headers.get("Authorization")
        user = self._user(authorization)
        opened = self.cookie(headers.get("Cookie"))
        return RequestFacts(
            method,
            path,
            authorization if user == "" else None,  # only a verified admin token keys by hash
            opened.value if opened else None,
            user or None,
            renew_cookie=opened is not None and not opened.current,
        )

    def customer(self, authorization: str | None) -> str | None:
        """The customer id of a valid customer JWT in `authorization`, else None."""
        return self._user(authorization) or None

    def _user(self, authorization: str | None) -> str | None:
        """A valid token's customer id, "" for a valid admin token, None for anything else."""
        token = bearer(authorization)
        if token is None or token.count(".") != 2:
            return None
        now = self._clock()
        hit = self._cache.get(token)
        if hit is not None and now < hit[1]:
            return hit[0]
        try:
            claims = tokens.verify(self._key, token, now=now)
        except tokens.TokenError:
            return None
        if len(self._cache) >= self._cache_size:
            self._cache.clear()  # bounded memory; a miss costs one HMAC
        user = str(claims.user_id) if claims.user_type is tokens.UserType.CUSTOMER else ""
        self._cache[token] = (user, claims.expires_at)
        return user

    def cookie(self, cookie_header: str | None) -> OpenedCookie | None:
        """The cohort cookie's value if it is signed with a known key, else None."""
        raw = cookie_value(cookie_header)
        return self._cookies.open(raw) if raw else None

    def sign(self, value: str) -> str:
        return self._cookies.sign(value)


def shopper_identity(settings: ProxySettings) -> ShopperIdentity:
    """The proxy's identity check from its settings; refuses (ConfigError) without Magento's
    crypt key, rather than bucketing by claims anyone can write."""
    crypt_key = settings.magento_crypt_key
    if crypt_key is None or not crypt_key.get_secret_value().strip():
        raise ConfigError(
            "FICUS_PROXY_MAGENTO_CRYPT_KEY is not set: the proxy checks customer tokens with the "
            "key Magento derives from env.php's crypt/key, and cannot start without it"
        )
    signing_key = tokens.signing_key(crypt_key.get_secret_value())
    explicit = {k: v.get_secret_value() for k, v in settings.cohort_keys.items()}
    try:
        return ShopperIdentity(signing_key, CookieKeys(cookie_keys(signing_key, explicit)))
    except ValueError as exc:
        raise ConfigError(f"FICUS_PROXY_COHORT_KEYS: {exc}") from exc
