"""Header rewriting both ways: hop-by-hop headers removed (RFC 9110 §7.6.1, plus whatever the
`Connection` header names), internal `X-Ficus-*` headers removed, `X-Forwarded-*` and
`X-Request-Id` set; repeated headers (two `Set-Cookie`) kept as they are.

Client addresses: `X-Forwarded-For` is appended to only when the peer is a trusted proxy
(`TrustedProxies`); from anyone else it is replaced by the peer's address. `X-Real-IP`,
`Forwarded` and `True-Client-IP` never come from a client: they are dropped."""

from __future__ import annotations

import ipaddress
import itertools
import os
import re
from collections.abc import Iterable

from multidict import CIMultiDict, MultiMapping

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
_FORWARDED = frozenset(
    {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-real-ip", "forwarded",
     "true-client-ip"}
)  # fmt: skip
# Expect: the proxy answers 100-continue itself, then sends the body along
_REQUEST_DROP = HOP_BY_HOP | _FORWARDED | {"x-request-id", "expect"}
_REQUEST_ID_OK = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
INTERNAL_PREFIX = "x-ficus-"
REQUEST_ID = "X-Request-Id"

Headers = MultiMapping[str]


class _RequestIds:
    """Unique ids without a syscall per request: a random per-process prefix plus a counter
    (24 hex digits, like 12 random bytes); a new prefix in a forked child and after 2**32 ids."""

    def __init__(self) -> None:
        self._prefix = ""
        self._count = itertools.count(0x100000000)  # the first call draws a prefix
        os.register_at_fork(after_in_child=self._renew)

    def _renew(self) -> None:
        self._prefix = os.urandom(8).hex()
        self._count = itertools.count()

    def next(self) -> str:
        n = next(self._count)
        if n > 0xFFFFFFFF:
            self._renew()
            n = next(self._count)
        return f"{self._prefix}{n:08x}"


_ids = _RequestIds()
_TRUST_CACHE_SIZE = 4096


class TrustedProxies:
    """The peers whose `X-Forwarded-*` headers are believed (CIDRs; none by default)."""

    def __init__(self, cidrs: Iterable[str]) -> None:
        self._networks = tuple(ipaddress.ip_network(c.strip(), strict=False) for c in cidrs)
        self._seen: dict[str, bool] = {}

    def __bool__(self) -> bool:
        return bool(self._networks)

    def __contains__(self, address: object) -> bool:
        if not self._networks or not isinstance(address, str):
            return False
        known = self._seen.get(address)
        if known is None:
            if len(self._seen) >= _TRUST_CACHE_SIZE:
                self._seen.clear()
            known = self._seen[address] = self._lookup(address)
        return known

    def _lookup(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self._networks)

    def client(self, peer: str | None, forwarded_for: list[str]) -> str | None:
        """The client's address: the peer, or, behind trusted proxies, the right-most
        `X-Forwarded-For` entry that is not one of them."""
        if peer not in self:
            return peer
        hops = [h.strip() for value in forwarded_for for h in value.split(",") if h.strip()]
        for hop in reversed(hops):
            if hop not in self:
                return hop
        return peer


def _dropped(headers: Headers, base: frozenset[str]) -> frozenset[str]:
    """`base` plus the names the Connection header lists (rarely present)."""
    values = headers.getall("Connection", ())
    if not values:
        return base
    listed = (token.strip().lower() for value in values for token in value.split(","))
    return base | frozenset(listed)


def request_id(incoming: str | None) -> str:
    """The client's id if it looks sane, else a fresh one."""
    if incoming and _REQUEST_ID_OK.fullmatch(incoming):
        return incoming
    return _ids.next()


def upstream_request_headers(
    headers: Headers, peer: str | None, scheme: str, trusted_peer: bool, rid: str
) -> CIMultiDict[str]:
    """Headers to send upstream for one client request."""
    drop = _dropped(headers, _REQUEST_DROP)
    out: CIMultiDict[str] = CIMultiDict()
    for name, value in headers.items():
        lower = name.lower()
        if lower not in drop and not lower.startswith(INTERNAL_PREFIX):
            out.add(name, value)
    forwarded_for = headers.getall("X-Forwarded-For", []) if trusted_peer else []
    if peer:
        forwarded_for = [*forwarded_for, peer]
    if forwarded_for:
        out["X-Forwarded-For"] = ", ".join(forwarded_for)
    proto = headers.get("X-Forwarded-Proto") if trusted_peer else None
    host = headers.get("X-Forwarded-Host") if trusted_peer else None
    out["X-Forwarded-Proto"] = proto or scheme
    host = host or headers.get("Host")
    if host:
        out["X-Forwarded-Host"] = host
    out[REQUEST_ID] = rid
    return out


def client_response_headers(headers: Headers, rid: str) -> CIMultiDict[str]:
    """Headers to send back to the client for one upstream response."""
    drop = _dropped(headers, HOP_BY_HOP)
    out: CIMultiDict[str] = CIMultiDict()
    for name, value in headers.items():
        lower = name.lower()
        if lower not in drop and not lower.startswith(INTERNAL_PREFIX):
            out.add(name, value)
    if REQUEST_ID not in out:
        out[REQUEST_ID] = rid
    return out
