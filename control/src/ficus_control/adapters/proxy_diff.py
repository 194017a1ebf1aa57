"""Shadow diffs from every proxy replica: GET {proxy_url}/_ficus/diff?domain=<d>, where each
proxy URL is the replica's admin listener (FICUS_PROXY_ADMIN_PORT), never its shopper port."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx


class HttpDiffSource:
    """Asks each proxy; an unreachable one is reported, not fatal."""

    def __init__(
        self, proxy_urls: Sequence[str], timeout: float = 3.0, client: httpx.Client | None = None
    ) -> None:
        self.urls = [url.rstrip("/") for url in proxy_urls]
        self.client = client or httpx.Client(timeout=timeout)

    def diffs(self, domain: str) -> list[dict[str, Any]]:
        return [self._one(url, domain) for url in self.urls]

    def _one(self, url: str, domain: str) -> dict[str, Any]:
        try:
            response = self.client.get(f"{url}/_ficus/diff", params={"domain": domain})
            response.raise_for_status()
            return {"proxy": url, "ok": True, "diff": response.json()}
        except (httpx.HTTPError, ValueError) as exc:
            return {"proxy": url, "ok": False, "error": f"{type(exc).__name__}: {exc}"}
