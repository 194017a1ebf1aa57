"""Sticky cohorts: a shopper's bucket 0..99, the same in every domain and in every process.

The key is, in order: the customer id in a customer's bearer token (a Magento JWT's `uid` when
`utypid` is 3, else `sub` or `customer_id`; the signature is not checked: the bucket only spreads
load, it grants nothing), the cart id in the path, the first-party cookie the proxy sets, else
an opaque or admin bearer token (an admin or integration token is shared by many callers, so it
only keys clients that keep no cookie).
The hash is BLAKE2b of the key (never Python's `hash()`, which is salted per process), so a
shopper keeps their bucket across replicas and restarts; canary N % serves buckets < N, so
raising N never moves anyone back to Magento. Pure: no I/O.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass

COHORT_COOKIE = "ficus_cohort"
BUCKETS = 100
_CART_IN_PATH = re.compile(r"/V1/(?:guest-carts|carts)/([^/?]+)")
_NOT_CART_IDS = frozenset({"mine", "search"})
_CUSTOMER_CLAIMS = ("uid", "sub", "customer_id")
_CUSTOMER_USER_TYPE = 3  # Magento's UserContextInterface::USER_TYPE_CUSTOMER


@dataclass(frozen=True)
class CohortKey:
    kind: str  # customer | cart | token | cookie
    value: str

    def encoded(self) -> bytes:
        return f"{self.kind}:{self.value}".encode()


def bucket_of(key: CohortKey) -> int:
    digest = hashlib.blake2b(key.encoded(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % BUCKETS


def cohort_key(authorization: str | None, path: str, cookie: str | None) -> CohortKey | None:
    """The best available sticky key for a request, or None when a cookie must be issued."""
    token = _bearer(authorization)
    if token is not None:
        customer = customer_id_from_jwt(token)
        if customer is not None:
            return CohortKey("customer", customer)
    cart = cart_id_from_path(path)
    if cart is not None:
        return CohortKey("cart", cart)
    if cookie:
        return CohortKey("cookie", cookie)
    if token is not None:
        return CohortKey("token", hashlib.blake2b(token.encode(), digest_size=16).hexdigest())
    return None


def customer_id_from_jwt(token: str) -> str | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(claims, dict):
        return None
    if "utypid" in claims and claims["utypid"] != _CUSTOMER_USER_TYPE:
        return None  # an admin or integration token: not one shopper
    for claim in _CUSTOMER_CLAIMS:
        value = claims.get(claim)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            return str(value)
    return None


def cart_id_from_path(path: str) -> str | None:
    found = _CART_IN_PATH.search(path)
    if found is None or found.group(1) in _NOT_CART_IDS:
        return None
    return found.group(1)


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def cookie_value(cookie_header: str | None, name: str = COHORT_COOKIE) -> str | None:
    """The value of cookie `name` in a Cookie header, without a full cookie parser."""
    if not cookie_header or name not in cookie_header:
        return None
    for part in cookie_header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None
