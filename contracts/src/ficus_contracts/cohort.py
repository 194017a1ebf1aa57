"""The signed cohort cookie, as both data planes (the Python proxy and nginx's ficus.lua) write
and read it: `ficus_cohort=<key id>.<value>.<mac>`, where `mac` is base64url (no padding) of
HMAC-SHA256(key, "<key id>.<value>"). The shopper's bucket is keyed by `value` alone, so a
cookie re-signed with a newer key keeps its bucket.

Keys rotate: the first key signs new cookies, every key listed is accepted (a cookie signed
with an older one is re-issued under the current one). Without explicit keys a plane derives
one, id `m`, from Magento's JWT signing key (`cookie_keys`), so one secret (env.php's
`crypt/key`) configures both the token check and the cookie. Pure: stdlib only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

COHORT_COOKIE = "ficus_cohort"
DERIVED_KEY_ID = "m"
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,16}")
_VALUE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_DERIVATION = b"ficus_cohort cookie"


@dataclass(frozen=True)
class OpenedCookie:
    value: str
    current: bool  # signed with the current key (else: re-issue it)


def cookie_keys(
    signing_key: str, explicit: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """The cookie keys, current first: `explicit` (key id -> secret) in its order, else one key
    derived from Magento's JWT signing key (`ficus_legacy.tokens.signing_key`)."""
    if explicit:
        for key_id, secret in explicit.items():
            if not _KEY_ID.fullmatch(key_id) or not secret:
                raise ValueError(f"cohort key {key_id!r}: ids are 1-16 of [A-Za-z0-9_-], non-empty")
        return list(explicit.items())
    derived = hmac.new(signing_key.encode(), _DERIVATION, hashlib.sha256).hexdigest()
    return [(DERIVED_KEY_ID, derived)]


class CookieKeys:
    """Signs new cohort cookies with the first key; opens cookies signed with any key."""

    def __init__(self, keys: Sequence[tuple[str, str]]) -> None:
        if not keys:
            raise ValueError("at least one cohort cookie key is needed")
        self._current = keys[0][0]
        self._keys = {key_id: secret.encode() for key_id, secret in keys}

    def sign(self, value: str) -> str:
        return f"{self._current}.{value}.{self._mac(self._current, value)}"

    def open(self, cookie: str) -> OpenedCookie | None:
        """The value of a cookie signed with a known key, else None (unsigned, forged)."""
        key_id, _, rest = cookie.partition(".")
        value, _, mac = rest.partition(".")
        if key_id not in self._keys or not _VALUE.fullmatch(value):
            return None
        if not hmac.compare_digest(mac.encode(), self._mac(key_id, value).encode()):
            return None
        return OpenedCookie(value, key_id == self._current)

    def _mac(self, key_id: str, value: str) -> str:
        digest = hmac.new(self._keys[key_id], f"{key_id}.{value}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")
