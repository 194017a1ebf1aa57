"""Test HTTP servers on loopback that play Magento (legacy) and a new domain service."""

from __future__ import annotations

import asyncio
import json
import random
import socket
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

CHUNK = b"x" * 65536


@dataclass
class Seen:
    method: str
    raw_path: str
    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class Backend:
    """One backend. `status` forces every answer's status (with `forced_body` if set);
    `delay` slows every answer; `price` sets the product price, `seeded` maps a sku to a
    different price (a discrepancy)."""

    name: str
    status: int | None = None
    delay: float = 0.0
    price: float = 10.0
    seeded: dict[str, float] = field(default_factory=dict)
    nondeterministic: bool = False
    forced_body: dict[str, Any] | None = None  # the body sent with a forced `status`
    seen: list[Seen] = field(default_factory=list)
    url: str = ""
    runner: web.ServerRunner | None = None

    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        body = await request.read()
        self.seen.append(
            Seen(request.method, request.raw_path, list(request.headers.items()), body)
        )
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status is not None:
            body = self.forced_body or {"message": f"{self.name} forced"}
            return web.json_response(body, status=self.status)
        path = request.raw_path.partition("?")[0]
        if path.endswith("/stream"):
            return await self._stream(request)
        if path.endswith("/chunked"):  # JSON without Content-Length, as PHP-FPM often answers
            return await self._chunked_json(request, self._document(request, path, body))
        if path.endswith("/cookies"):
            return self._cookies()
        if path.endswith("/gzip"):
            return web.Response(body=b"\x1f\x8b-not-really-gzip", headers={
                "Content-Encoding": "gzip", "Content-Type": "application/json"})  # fmt: skip
        return web.json_response(self._document(request, path, body))

    def _document(self, request: web.BaseRequest, path: str, body: bytes) -> dict[str, Any]:
        sku = path.rsplit("/", 1)[-1]
        doc: dict[str, Any] = {
            "backend": self.name,
            "sku": sku,
            "price": self.seeded.get(sku, self.price),
            "method": request.method,
            "raw_path": request.raw_path,
            "body_length": len(body),
        }
        if self.nondeterministic:
            doc["nonce"] = random.random()
        return doc

    async def _stream(self, request: web.BaseRequest) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
        await response.prepare(request)
        for _ in range(32):  # 2 MiB in chunks, no Content-Length
            await response.write(CHUNK)
        await response.write_eof()
        return response

    async def _chunked_json(
        self, request: web.BaseRequest, document: dict[str, Any]
    ) -> web.StreamResponse:
        data = json.dumps(document).encode()
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        await response.write(data[:10])
        await response.write(data[10:])
        await response.write_eof()
        return response

    def _cookies(self) -> web.Response:
        response = web.Response(text="{}", content_type="application/json")
        response.headers.add("Set-Cookie", "a=1; Path=/")
        response.headers.add("Set-Cookie", "b=2; Path=/")
        response.headers["Connection"] = "X-Hop"
        response.headers["X-Hop"] = "must not reach the client"
        response.headers["X-Ficus-Internal"] = "must not reach the client"
        return response

    async def start(self, port: int = 0) -> Backend:
        server = web.Server(self.handle, auto_decompress=False)  # record the bytes as sent
        self.runner = web.ServerRunner(server, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", port)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}"
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def paths(self) -> list[str]:
        return [s.raw_path for s in self.seen]


@dataclass
class ControlApi:
    """Stands in for the control plane's admin API: records what the proxy reports."""

    token: str = "proxy-secret"
    posts: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    url: str = ""
    runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"message": "unauthorized"}, status=401)
        payload = json.loads(await request.read())
        self.posts.append((request.match_info["domain"], request.match_info["action"], payload))
        return web.json_response({"ok": True})

    async def start(self) -> ControlApi:
        app = web.Application()
        app.router.add_post("/api/v1/domains/{domain}/{action}", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}"
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


def closed_port() -> int:
    """A loopback port with nothing listening (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
