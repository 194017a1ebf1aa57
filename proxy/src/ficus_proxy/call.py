"""One proxied request as the server carries it upstream, and why a new backend's answer is
not the shopper's."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from multidict import CIMultiDict

from ficus_proxy.core.routing import Decision
from ficus_proxy.forwarder import UpstreamResponse

SMALL_BODY = 256 * 1024


@dataclass(slots=True)
class Call:
    """One proxied request, as it goes upstream."""

    request: web.BaseRequest
    raw: str
    path: str
    decision: Decision
    headers: CIMultiDict[str]
    rid: str


@dataclass(frozen=True, slots=True)
class Failed:
    """Why the new backend's answer is not sent to the shopper (a read falls back to Magento,
    a write is answered 503)."""

    reason: str
    status: int


def small(upstream: UpstreamResponse) -> bool:
    """A body the proxy may hold in memory whole."""
    return upstream.content_length is not None and upstream.content_length <= SMALL_BODY
