"""Reverse sync's conflict log over sync's HTTP API: GET {sync_url}/v1/conflicts?domain=D and
POST {sync_url}/v1/conflicts/{id}/resolve (the path `ficus conflicts resolve` takes)."""

from __future__ import annotations

from typing import Any

import httpx

from ficus_control.errors import ConflictRefused, SyncUnavailable


class HttpConflictSource:
    """Open conflicts of a domain, and an operator's decision on one."""

    def __init__(self, sync_url: str, timeout: float = 30.0, client: httpx.Client | None = None):
        self.base = sync_url.rstrip("/") + "/v1/conflicts"
        self.client = client or httpx.Client(timeout=timeout)

    def open(self, domain: str) -> list[dict[str, Any]]:
        body = self._call("GET", self.base, params={"domain": domain})
        conflicts: list[dict[str, Any]] = body.get("conflicts", [])
        return conflicts

    def resolve(self, conflict_id: int, take: str, who: str) -> str:
        body = self._call(
            "POST", f"{self.base}/{conflict_id}/resolve", json={"take": take, "by": who}
        )
        return str(body.get("resolved", ""))

    def _call(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise SyncUnavailable(f"sync unreachable at {url}: {exc}") from exc
        if response.status_code == 409:
            raise ConflictRefused(_detail(response))
        if response.status_code != 200:
            raise SyncUnavailable(f"sync answered {response.status_code}: {_detail(response)}")
        try:
            body: dict[str, Any] = response.json()
        except ValueError as exc:
            raise SyncUnavailable(f"sync answered non-JSON at {url}") from exc
        return body


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", response.text))
    except ValueError:
        return response.text[:300]
