"""Shoppers, cutover moves and proxy probes for the e2e tests (probes read each proxy's admin
listener: which backend answered is never told to shoppers)."""

from __future__ import annotations

import asyncio
import collections
import functools
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import httpx
from pydantic import SecretStr

from ficus_control.client import ControlClient
from ficus_devstack.settings import StackSettings
from ficus_devstack.wiring import proxy_admin_port
from ficus_proxy.cohort import ShopperIdentity, shopper_identity
from ficus_proxy.core.bucketing import bucket_of, cohort_key
from ficus_proxy.settings import ProxySettings
from tests.polling import eventually

ADMIN = {"username": "admin", "password": "admin123"}
ORDER = {"legacy": 0, "shadow": 1, "canary": 2, "new": 3}
_request_ids = itertools.count()


def admin_url(port: int) -> str:
    """The admin listener of the proxy serving shoppers on `port`."""
    return f"http://127.0.0.1:{proxy_admin_port(port)}"


@functools.cache
def identity() -> ShopperIdentity:
    """The proxy's identity check with the local stack's key (tokens, cohort cookies)."""
    crypt_key = SecretStr(StackSettings().magento_crypt_key)
    return shopper_identity(ProxySettings(magento_crypt_key=crypt_key))


def cohort_cookie(value: str) -> str:
    """A `Cookie` header carrying cohort cookie `value`, signed as the stack's planes sign it."""
    return f"ficus_cohort={identity().sign(value)}"


def request_id() -> str:
    return f"e2e-{next(_request_ids)}"


async def answered_by(client: aiohttp.ClientSession, port: int, rid: str) -> str:
    """The backend that answered request `rid` on the proxy at `port` (its admin trace)."""
    url = f"{admin_url(port)}/_ficus/trace"
    async with client.get(url, params={"request_id": rid}) as response:
        entries = (await response.json())["entries"]
    return str(entries[-1]["backend"]) if entries else "?"


def answered_by_sync(port: int, rid: str) -> str:
    trace = httpx.get(f"{admin_url(port)}/_ficus/trace", params={"request_id": rid}).json()
    return str(trace["entries"][-1]["backend"]) if trace["entries"] else "?"


@dataclass(frozen=True)
class Shop:
    proxy_url: str
    token: str
    skus: tuple[str, ...]

    @classmethod
    def open(cls, proxy_url: str) -> Shop:
        with httpx.Client(base_url=proxy_url, timeout=30) as http:
            token = http.post("/rest/V1/integration/admin/token", json=ADMIN).raise_for_status()
            headers = {"Authorization": f"Bearer {token.json()}"}
            params = {"searchCriteria[pageSize]": "500", "searchCriteria[currentPage]": "1"}
            listing = http.get("/rest/V1/products", params=params, headers=headers)
        skus = tuple(item["sku"] for item in listing.raise_for_status().json()["items"])
        assert len(skus) >= 100
        return cls(proxy_url, str(token.json()), skus)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(frozen=True)
class Visit:
    at: float  # when the request was sent
    port: int
    path: str
    cookie: str
    status: int | None  # None: no HTTP answer at all
    backend: str
    error: str = ""


@dataclass
class Shoppers:
    """`count` shoppers (own cohort cookie each) reading product pages in a loop, taking the
    proxies in turn; every visit is recorded."""

    client: aiohttp.ClientSession
    shop: Shop
    ports: list[int]
    count: int = 4
    visits: list[Visit] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    # which side answered a request (port, request id): the proxy's admin trace by default
    answered: Callable[[aiohttp.ClientSession, int, str], Awaitable[str]] = answered_by

    async def run(self) -> None:
        await asyncio.gather(*(self._shopper(i) for i in range(self.count)))

    async def _shopper(self, i: int) -> None:
        n = 0
        while not self.stop.is_set():
            port, sku = self.ports[n % len(self.ports)], self.shop.skus[(i * 37 + n) % 200]
            n += 1
            path = f"/rest/default/V1/products/{sku}"
            cookie, rid = cohort_cookie(f"e2e-{i}"), request_id()
            headers = {**self.shop.auth, "Cookie": cookie, "X-Request-Id": rid}
            sent = time.monotonic()
            try:
                async with self.client.get(f"http://127.0.0.1:{port}{path}", headers=headers) as r:
                    await r.read()
                    assert not any(h.lower().startswith("x-ficus-") for h in r.headers)
                    status = r.status
                backend = await self.answered(self.client, port, rid)
                self.visits.append(Visit(sent, port, path, cookie, status, backend))
            except aiohttp.ClientError as exc:
                visit = Visit(sent, port, path, cookie, None, "-", repr(exc))
                self.visits.append(visit)

    def since(self, moment: float) -> list[Visit]:
        return [v for v in self.visits if v.at >= moment]

    def failures(self) -> list[Visit]:
        return [v for v in self.visits if v.status != 200]

    async def wait_for(self, moment: float, count: int, timeout: float = 20) -> list[Visit]:
        assert await eventually(lambda: len(self.since(moment)) >= count, timeout)
        return self.since(moment)


def predicted_backend(visit: Visit, token: str, stage: str, percent: int) -> str:
    """What the proxy's sticky-cohort rule says this visit must be served by."""
    if stage in ("legacy", "shadow"):
        return "legacy"
    if stage == "new":
        return "new"
    headers = {"Authorization": f"Bearer {token}", "Cookie": visit.cookie}
    facts = identity().facts("GET", visit.path, headers)
    key = cohort_key(facts.authorization, facts.path, facts.cohort_cookie, facts.customer)
    assert key is not None
    return "new" if bucket_of(key) < percent else "legacy"


def split(visits: list[Visit]) -> dict[str, int]:
    return dict(collections.Counter(v.backend for v in visits))


def move_reads(
    control: ControlClient, stage: str, percent: int | None = None, domain: str = "catalog"
) -> int:
    """Bring a domain's reads to `stage` (forward one stage at a time, gates forced with a
    reason; a rollback when the target is earlier). Returns the state's version."""
    state = control.get(f"/domains/{domain}")
    here = (ORDER[state["reads"]["stage"]], state["reads"]["percent"])
    there = (ORDER[stage], percent or 0)
    if there < here:
        body = {"direction": "reads", "to": stage, "percent": percent, "reason": "e2e: back"}
        return int(control.post(f"/domains/{domain}/rollback", body)["version"])
    steps = [name for name in ("shadow", "canary", "new") if here[0] < ORDER[name] <= there[0]]
    if stage == "canary" and state["reads"]["stage"] == "canary" and there > here:
        steps = ["canary"]
    for name in steps:
        pct = (percent if stage == "canary" else 10) if name == "canary" else None
        body = {"direction": "reads", "stage": name, "percent": pct, "force": True}
        body["reason"] = "e2e: walk, gates forced on purpose"
        state = control.post(f"/domains/{domain}/cutover", body)
    return int(state["version"])


async def version_seen(client: aiohttp.ClientSession, port: int) -> int | None:
    try:
        async with client.get(f"{admin_url(port)}/readyz") as response:
            body: dict[str, Any] = await response.json()
    except aiohttp.ClientError:
        return None
    catalog = body.get("cutover", {}).get("catalog")
    return None if catalog is None else int(catalog["version"])


async def fallbacks(client: aiohttp.ClientSession, port: int) -> float:
    async with client.get(f"{admin_url(port)}/metrics") as response:
        text = await response.text()
    lines = [ln for ln in text.splitlines() if ln.startswith("ficus_proxy_fallbacks_total{")]
    return sum(float(ln.rsplit(" ", 1)[1]) for ln in lines if 'domain="catalog"' in ln)


async def shadow_report(client: aiohttp.ClientSession, port: int) -> dict[str, Any]:
    url = f"{admin_url(port)}/_ficus/diff?domain=catalog"
    async with client.get(url) as response:
        body: dict[str, Any] = await response.json()
    return body


async def followed(client: aiohttp.ClientSession, ports: list[int], version: int) -> float:
    """Seconds until every proxy on `ports` uses cutover state `version` (asserted < 5 s)."""
    started = time.monotonic()

    async def all_there() -> bool:
        return all([await version_seen(client, port) == version for port in ports])

    assert await eventually(all_there, 5, interval=0.005), f"proxies never saw v{version}"
    return time.monotonic() - started
