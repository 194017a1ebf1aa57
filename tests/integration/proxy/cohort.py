"""The cohort cookie and key material of the proxies these tests start: their
FICUS_PROXY_MAGENTO_CRYPT_KEY, and cookies signed as they sign them."""

from __future__ import annotations

from ficus_contracts.cohort import COHORT_COOKIE, CookieKeys, cookie_keys
from ficus_legacy import tokens

CRYPT_KEY = "ficus0proxy0integration0crypt00"
_COOKIES = CookieKeys(cookie_keys(tokens.signing_key(CRYPT_KEY)))


def cohort_cookie(value: str) -> str:
    """A `Cookie` header value carrying the proxy-signed cohort cookie `value`."""
    return f"{COHORT_COOKIE}={_COOKIES.sign(value)}"
