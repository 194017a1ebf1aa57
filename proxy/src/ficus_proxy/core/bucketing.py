"""Sticky cohorts: a shopper's bucket 0..99, the same in every domain and in every process.

The key is, in order: the customer id of a verified customer token (the caller checks the
Magento JWT's signature and expiry and passes the id: `ficus_proxy.cohort`), the cart id in the
path, the value of the signed cohort cookie (opened by the caller: a forged or unsigned cookie
never gets here, `ficus_contracts.cohort`), else an opaque, admin or unverifiable bearer token
(shared by many callers or chosen by the client, so it only keys clients that keep no cookie;
it grants nothing: the bucket is a hash the client cannot aim).
The hash is BLAKE2b of the key (never Python's `hash()`, which is salted per process), so a
shopper keeps their bucket across replicas and restarts; canary N % serves buckets < N, so
raising N never moves anyone back to Magento. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ficus_contracts.cohort import COHORT_COOKIE

__all__ = [
    "BUCKETS",
    "COHORT_COOKIE",
    "CohortKey",
    "bearer",
    "bucket_of",
    "cart_id_from_path",
    "cohort_key",
    "cookie_value",
]

BUCKETS = 100
_CART_IN_PATH = re.compile(r"/V1/(?:guest-carts|carts)/([^/?]+)")
_NOT_CART_IDS = frozenset({"mine", "search"})


@dataclass(frozen=True)
class CohortKey:
    kind: str  # customer | cart | token | cookie
    value: str

    def encoded(self) -> bytes:
        return f"{self.kind}:{self.value}".encode()


def bucket_of(key: CohortKey) -> int:
    digest = hashlib.blake2b(key.encoded(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % BUCKETS


def cohort_key(
    authorization: str | None, path: str, cookie: str | None, customer: str | None = None
) -> CohortKey | None:
    """The best available sticky key for a request, or None when a cookie must be issued.
    `cookie` is the opened (verified) cookie value, `customer` a verified customer id."""
    if customer is not None:
        return CohortKey("customer", customer)
    token = bearer(authorization)
    cart = cart_id_from_path(path)
    if cart is not None:
        return CohortKey("cart", cart)
    if cookie:
        return CohortKey("cookie", cookie)
    if token is not None:
        return CohortKey("token", hashlib.blake2b(token.encode(), digest_size=16).hexdigest())
    return None


def cart_id_from_path(path: str) -> str | None:
    found = _CART_IN_PATH.search(path)
    if found is None or found.group(1) in _NOT_CART_IDS:
        return None
    return found.group(1)


def bearer(authorization: str | None) -> str | None:
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
