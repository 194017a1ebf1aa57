"""Shadow copies handed over by the nginx data plane: nginx answers a shadow-stage read from
Magento and, once the shopper has the answer, its `ficus.lua` posts the request and Magento's
answer here (`POST /_ficus/shadow` on this worker's admin listener, loopback). The copy is then
compared exactly as one of this worker's own shadow reads: the same `ShadowSender` (sampling,
noise learning, queue), ignore rules, recorder (`/_ficus/diff`, `ficus diff`) and `shadow_stat`
flushes, so the figures do not depend on the plane that served the shopper.

The body is JSON: `method`, `path` (the raw request target), `headers` (`[[name, value], ...]`
as the client sent them), `peer` (the address nginx was connected from), `scheme`, `rid` (the
request id nginx sent upstream), `legacy_status`, `legacy_body` (base64). The headers sent to
the new backend are built by this proxy's own rules (`upstream_request_headers`).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

from ficus_contracts.cutover import Direction
from ficus_proxy.core.routing import RouteTable
from ficus_proxy.forwarder import Origin
from ficus_proxy.headers import TrustedProxies, upstream_request_headers
from ficus_proxy.shadow.sender import ShadowRequest, ShadowSender

PATH = "/_ficus/shadow"


class ShadowIntake:
    """Turns a handed-over copy into this worker's ShadowRequest."""

    def __init__(
        self,
        routes: RouteTable,
        upstreams: Mapping[str, Origin],
        shadow: ShadowSender,
        trusted: TrustedProxies,
    ) -> None:
        self._routes = routes
        self._upstreams = upstreams
        self._shadow = shadow
        self._trusted = trusted

    async def handle(self, request: web.BaseRequest) -> web.Response:
        """202 when queued for comparison; 400 for a copy that is not a routed read."""
        if request.method != "POST":
            return _answer(405, "POST only")
        try:
            copy = self.copy(json.loads(await request.read()))
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            return _answer(400, f"not a shadow copy: {exc}")
        if copy is None:
            return _answer(400, "not a read of a domain with a new backend")
        self._shadow.submit(copy)
        return _answer(202, "queued")

    def copy(self, document: dict[str, Any]) -> ShadowRequest | None:
        method, path = str(document["method"]), str(document["path"])
        matched = self._routes.match(method, path.partition("?")[0])
        if matched is None or matched.route.direction is not Direction.READS:
            return None
        origin = self._upstreams.get(matched.route.domain)
        if origin is None:
            return None
        client = CIMultiDict((str(name), str(value)) for name, value in document["headers"])
        peer = str(document["peer"])
        headers = upstream_request_headers(
            client, peer, str(document["scheme"]), peer in self._trusted, str(document["rid"])
        )
        return ShadowRequest(
            origin=origin,
            route=matched.route,
            method=method,
            raw_path=path,
            headers=headers,
            body=None,
            legacy_status=int(document["legacy_status"]),
            legacy_body=base64.b64decode(str(document["legacy_body"]), validate=True),
        )


def _answer(status: int, message: str) -> web.Response:
    return web.json_response({"message": message}, status=status)
