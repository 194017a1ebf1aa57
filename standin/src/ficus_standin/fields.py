"""Magento's `?fields=` output filter (`Framework/Webapi/Rest/Response/FieldsFilter.php`).

`fields=items[sku,name,extension_attributes[website_ids]],total_count` keeps only those keys,
at any depth; lists are filtered element by element.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

Spec = dict[str, "Spec | None"]


def parse(text: str) -> Spec:
    """`a,b[c,d[e]]` → {"a": None, "b": {"c": None, "d": {"e": None}}}."""
    return _parse(text.replace(" ", ""), 0)[0]


def _parse(text: str, at: int) -> tuple[Spec, int]:
    spec: Spec = {}
    name = ""
    while at < len(text):
        char = text[at]
        if char == "[":
            spec[name], at = _parse(text, at + 1)
            name = ""
        elif char == "]":
            if name:
                spec[name] = None
            return spec, at + 1
        elif char == ",":
            if name:
                spec[name] = None
            name = ""
            at += 1
        else:
            name += char
            at += 1
    if name:
        spec[name] = None
    return spec, at


def apply(data: Any, spec: Spec) -> Any:
    """`data` reduced to the keys of `spec`."""
    if isinstance(data, list):
        return [apply(item, spec) for item in data]
    if not isinstance(data, dict):
        return data
    out = {}
    for key, sub in spec.items():
        if key in data:
            out[key] = data[key] if sub is None else apply(data[key], sub)
    return out


class FieldsFilterMiddleware:
    """Applies `?fields=` to successful JSON answers; requests without it pass untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        wanted = parse_qs(scope.get("query_string", b"").decode()).get("fields")
        if scope["type"] != "http" or not wanted:
            await self.app(scope, receive, send)
            return
        spec = parse(wanted[0])
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def filtered(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = _filter_body(b"".join(chunks), spec, int(start["status"]))
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, filtered)


def _filter_body(body: bytes, spec: Spec, status: int) -> bytes:
    if not 200 <= status < 300:
        return body
    try:
        data = json.loads(body)
    except ValueError:
        return body
    return json.dumps(apply(data, spec), ensure_ascii=False, separators=(",", ":")).encode()
