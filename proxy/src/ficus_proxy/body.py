"""Request bodies read from the client: streamed or buffered, never decompressed (the server
runs with `auto_decompress=False`: the bytes and their `Content-Encoding` go upstream as sent),
bounded in size (`BodyTooLarge`) and in the gap between two chunks (`SlowBody`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from aiohttp import web

from ficus_proxy.errors import BodyTooLarge, RejectedRequest, SlowBody


class ClientBody:
    """A request body streamed upstream; `failure` says why it stopped early, if it did."""

    def __init__(self, request: web.BaseRequest, limit: int, gap: float) -> None:
        self._request, self._limit, self._gap = request, limit, gap
        self.failure: RejectedRequest | None = None

    async def __aiter__(self) -> AsyncIterator[bytes]:
        size = 0
        while chunk := await self._next():
            size += len(chunk)
            if size > self._limit:
                self.failure = BodyTooLarge(f"request body over {self._limit} bytes")
                raise self.failure
            yield chunk

    async def _next(self) -> bytes:
        try:
            async with asyncio.timeout(self._gap):
                return await self._request.content.readany()
        except TimeoutError as exc:
            self.failure = SlowBody(f"no request body bytes for {self._gap} s")
            raise self.failure from exc

    async def read(self) -> bytes:
        """The whole body, buffered."""
        return b"".join([chunk async for chunk in self])


def stream_body(request: web.BaseRequest, limit: int, gap: float) -> ClientBody | None:
    return ClientBody(request, limit, gap) if request.body_exists else None


async def buffer_body(request: web.BaseRequest, limit: int, gap: float) -> bytes | None:
    body = stream_body(request, limit, gap)
    return None if body is None else await body.read()
