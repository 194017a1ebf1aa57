"""What Magento's webapi controller does around every route, as ASGI middleware: the path is
routed without its trailing slashes (`ficus_legacy.core.restpath`), and a successful JSON
answer is reduced by `?fields=` (`ficus_legacy.core.fields`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ficus_legacy.core import fields
from ficus_legacy.core.restpath import routed_scope


class WebapiMiddleware:
    """Trims the path; filters 2xx JSON answers when `fields` asks (others pass untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = routed_scope(scope)
        query = parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True)
        wanted = fields.requested(query)
        if wanted is None:
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, _Filtering(send, wanted))


class _Filtering:
    """A `send` that holds the answer back until its last chunk, then sends it filtered."""

    def __init__(self, send: Send, wanted: fields.FieldsFilter) -> None:
        self._send = send
        self._wanted = wanted
        self._start: dict[str, Any] = {}
        self._chunks: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self._start.update(message)
            return
        if message["type"] != "http.response.body":
            await self._send(message)
            return
        self._chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        body = self._body(b"".join(self._chunks))
        headers = [(k, v) for k, v in self._start["headers"] if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await self._send({**self._start, "headers": headers})
        await self._send({"type": "http.response.body", "body": body})

    def _body(self, body: bytes) -> bytes:
        if not 200 <= int(self._start["status"]) < 300:
            return body
        try:
            return fields.filter_json(body, self._wanted)
        except ValueError:
            return body
