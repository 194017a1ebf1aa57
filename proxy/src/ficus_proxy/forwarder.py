"""The upstream client: one aiohttp ClientSession per worker, behind a small interface
(`send`, then read or iterate the body) so another client could be trialled.

Configured as PROXY.md prescribes: no cookie jar (the default one would replay one shopper's
cookies to another), no automatic decompression (Content-Encoding is forwarded as is), no
automatic User-Agent/Accept/Accept-Encoding, no redirect following, the raw path sent byte for
byte (`encoded=True`), keep-alive pools per upstream host. aiohttp's exceptions are translated
here, once, into UpstreamError.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Mapping
from dataclasses import dataclass

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from ficus_proxy.errors import UpstreamError, UpstreamTimeout, UpstreamUnavailable

Body = bytes | AsyncIterable[bytes] | aiohttp.StreamReader | None
_SKIP_AUTO = ("User-Agent", "Accept", "Accept-Encoding", "Content-Type")


@dataclass(frozen=True)
class Origin:
    """An upstream's scheme://host:port plus optional path prefix."""

    name: str
    base: str

    @classmethod
    def parse(cls, name: str, url: str) -> Origin:
        return cls(name, url.rstrip("/"))

    def url(self, raw_path: str) -> URL:
        return URL(self.base + raw_path, encoded=True)


class UpstreamResponse:
    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response
        self.status = response.status
        self.reason = response.reason
        self.headers: CIMultiDictProxy[str] = response.headers
        self.content_length = response.content_length

    async def read(self, limit: int | None = None) -> bytes:
        """The whole body; UpstreamError if it breaks off or exceeds `limit`."""
        try:
            if limit is None:
                return await self._response.read()
            chunks, size = [], 0
            async for chunk in self._response.content.iter_any():
                size += len(chunk)
                if size > limit:
                    raise UpstreamError(f"body larger than {limit} bytes")
                chunks.append(chunk)
            return b"".join(chunks)
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise UpstreamUnavailable(f"body read failed: {exc!r}") from exc
        finally:
            self._response.release()

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise UpstreamUnavailable(f"body stream broke off: {exc!r}") from exc
        finally:
            self._response.release()

    def release(self) -> None:
        self._response.release()


class Forwarder:
    """Sends requests upstream over pooled keep-alive connections."""

    def __init__(self, pool_size: int, keepalive_timeout: float, connect_timeout: float) -> None:
        self._pool_size = pool_size
        self._keepalive = keepalive_timeout
        self._connect_timeout = connect_timeout
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[tuple[float, bool], aiohttp.ClientTimeout] = {}

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(
            limit=0,
            limit_per_host=self._pool_size,
            keepalive_timeout=self._keepalive,
            ttl_dns_cache=300,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            skip_auto_headers=_SKIP_AUTO,
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def send(
        self,
        method: str,
        url: URL,
        headers: Mapping[str, str],
        body: Body,
        timeout: float,
        stream: bool = False,
    ) -> UpstreamResponse:
        """Send one request; `stream` bounds only the gaps between reads, not the total."""
        assert self._session is not None, "Forwarder.start() was not awaited"
        limits = self._timeouts.get((timeout, stream)) or self._timeout(timeout, stream)
        try:
            response = await self._session.request(
                method,
                url,
                headers=headers,
                data=body,
                allow_redirects=False,
                timeout=limits,
                compress=None,
            )
        except TimeoutError as exc:
            raise UpstreamTimeout(f"{method} {url.host}:{url.port} timed out") from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise UpstreamUnavailable(f"{method} {url.host}:{url.port}: {exc!r}") from exc
        return UpstreamResponse(response)

    def _timeout(self, seconds: float, stream: bool) -> aiohttp.ClientTimeout:
        limits = (
            aiohttp.ClientTimeout(sock_connect=self._connect_timeout, sock_read=seconds)
            if stream
            else aiohttp.ClientTimeout(total=seconds, sock_connect=self._connect_timeout)
        )
        self._timeouts[(seconds, stream)] = limits
        return limits
