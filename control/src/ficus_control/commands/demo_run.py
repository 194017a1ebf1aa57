"""One `ficus demo` run: synthetic shoppers through the proxy while catalog reads walk
legacy → shadow → canary 10 % → canary 50 % → new → rollback, with the split, fallbacks, shadow
mismatches and sync lag printed live (demo_view.py draws them)."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from rich.live import Live

from ficus_control.client import ControlClient
from ficus_control.commands.common import actor, console
from ficus_control.commands.demo_view import DOMAIN, Gauges, Move, Row, Tally, render
from ficus_control.errors import ApiRefused, ApiUnavailable
from ficus_control.settings import ControlSettings

ADMIN = {"username": "admin", "password": "admin123"}  # the stand-in's development admin
SHOPPERS = 200

WALK = (
    Move("legacy"),
    Move("shadow", "shadow"),
    Move("canary 10 %", "canary", 10),
    Move("canary 50 %", "canary", 50),
    Move("new", "new"),
    Move("rollback", rollback_to="legacy"),
)


class Shoppers:
    """Product pages and a few listings at a steady rate; each shopper has its own cookie."""

    def __init__(
        self, http: httpx.AsyncClient, token: str, skus: list[str], rate: float, admin_url: str
    ) -> None:
        self.http, self.token, self.skus, self.rate = http, token, skus, rate
        self.admin_url = admin_url  # the proxy's admin listener: which backend answered
        self.tally = Tally()
        self.stop = asyncio.Event()

    async def run(self) -> None:
        pending: set[asyncio.Task[None]] = set()
        tick = time.monotonic()
        while not self.stop.is_set():
            task = asyncio.create_task(self._visit(self.tally))
            pending.add(task)
            task.add_done_callback(pending.discard)
            tick += 1 / self.rate
            await asyncio.sleep(max(0.0, tick - time.monotonic()))
        await asyncio.gather(*pending)

    async def _visit(self, tally: Tally) -> None:
        shopper = random.randrange(SHOPPERS)  # noqa: S311 - traffic shape, not security
        rid = f"demo-{random.getrandbits(64):016x}"
        headers = {"Authorization": f"Bearer {self.token}", "Cookie": f"ficus_cohort=demo{shopper}",
                   "X-Request-Id": rid}  # fmt: skip
        try:
            response = await self.http.get(self._path(), headers=headers)
        except httpx.HTTPError as exc:
            tally.record(None, f"{type(exc).__name__}: {exc}")
            return
        error = None if response.status_code == 200 else f"HTTP {response.status_code}"
        tally.record(await self._backend(rid), error)

    async def _backend(self, rid: str) -> str | None:
        """Which backend answered `rid`, from the proxy's admin trace (shoppers are not told)."""
        try:
            answer = await self.http.get(
                f"{self.admin_url}/_ficus/trace", params={"request_id": rid}
            )
            entries = answer.json()["entries"]
        except (httpx.HTTPError, ValueError, KeyError):
            return None
        return str(entries[-1]["backend"]) if entries else None

    def _path(self) -> str:
        if random.random() < 0.1:  # noqa: S311
            page = random.randint(1, 5)  # noqa: S311
            return (
                f"/rest/V1/products?searchCriteria[pageSize]=5&searchCriteria[currentPage]={page}"
            )
        return f"/rest/default/V1/products/{random.choice(self.skus)}"  # noqa: S311


async def observe(http: httpx.AsyncClient, settings: ControlSettings, token: str) -> Gauges:
    async def read(url: str, **headers: str) -> Any:
        try:
            response = await http.get(url, headers=headers, timeout=2.0)
            response.raise_for_status()
            return response.text if url.endswith("/metrics") else response.json()
        except (httpx.HTTPError, ValueError):
            return None

    metrics, diff, lag = await asyncio.gather(
        read(f"{settings.proxy_urls[0]}/metrics"),
        read(f"{settings.api_url}/api/v1/diff/{DOMAIN}", Authorization=f"Bearer {token}"),
        read(f"{settings.sync_url}/v1/lag"),
    )
    compared, mismatched = _shadow_counts(diff)
    seconds = (lag or {}).get("domains", {}).get(DOMAIN, {}).get("seconds_behind")
    return Gauges(_fallbacks(metrics), compared, mismatched, seconds)


def _fallbacks(metrics: str | None) -> float | None:
    if metrics is None:
        return None
    lines = [ln for ln in metrics.splitlines() if ln.startswith("ficus_proxy_fallbacks_total{")]
    return sum(float(ln.rsplit(" ", 1)[1]) for ln in lines if f'domain="{DOMAIN}"' in ln)


def _shadow_counts(diff: Any) -> tuple[int | None, int | None]:
    if not isinstance(diff, dict):
        return None, None
    found = [p["diff"]["domains"].get(DOMAIN, {}) for p in diff.get("proxies", []) if p.get("ok")]
    if not found:
        return None, None
    return sum(d.get("compared", 0) for d in found), sum(d.get("mismatched", 0) for d in found)


def apply_move(client: ControlClient, move: Move, notes: list[str]) -> str:
    """Change catalog reads; a refused gate is printed, then forced (audited, reason given)."""
    if move.rollback_to is not None:
        return rollback_to(client, move.rollback_to, "ficus demo: rollback")
    if move.stage is None:
        return str(client.get(f"/domains/{DOMAIN}")["reads"]["label"])
    body: dict[str, Any] = {
        "direction": "reads",
        "stage": move.stage,
        "percent": move.percent,
        "reason": f"ficus demo: {move.label}",
        "actor": actor(),
    }
    try:
        state = client.post(f"/domains/{DOMAIN}/cutover", body)
    except ApiRefused as exc:
        if exc.kind != "GateRefused":
            raise
        notes.append(f"{move.label}: gate refused ({exc}); forced with reason 'demo'")
        state = client.post(f"/domains/{DOMAIN}/cutover", {**body, "force": True, "reason": "demo"})
    return str(state["reads"]["label"])


def rollback_to(client: ControlClient, stage: str, reason: str) -> str:
    body = {"direction": "reads", "to": stage, "reason": reason, "actor": actor()}
    return str(client.post(f"/domains/{DOMAIN}/rollback", body)["reads"]["label"])


def start_from_legacy(client: ControlClient) -> None:
    if client.get(f"/domains/{DOMAIN}")["reads"]["stage"] != "legacy":
        rollback_to(client, "legacy", "ficus demo: start from legacy")


async def prepare_shop(http: httpx.AsyncClient) -> tuple[str, list[str]]:
    """An admin token (product reads need one, as in Magento) and the SKUs to visit."""
    try:
        response = await http.post("/rest/V1/integration/admin/token", json=ADMIN)
        response.raise_for_status()
        token = str(response.json())
        listing = await http.get(
            "/rest/V1/products",
            params={"searchCriteria[pageSize]": "500", "searchCriteria[currentPage]": "1"},
            headers={"Authorization": f"Bearer {token}"},
        )
        listing.raise_for_status()
    except httpx.HTTPError as exc:
        raise ApiUnavailable(
            f"the shop behind the proxy at {http.base_url} does not answer ({exc}); "
            "start the local stack with `ficus up`"
        ) from exc
    skus = [str(item["sku"]) for item in listing.json()["items"]]
    if not skus:
        raise ApiUnavailable("the shop has no products; `ficus up` seeds a generated store")
    return token, skus


@dataclass
class Run:
    """One demo run: the admin API client, the proxy's HTTP client, the shoppers."""

    settings: ControlSettings
    client: ControlClient
    api_token: str
    http: httpx.AsyncClient
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    async def observe(self) -> Gauges:
        return await observe(self.http, self.settings, self.api_token)

    async def walk(self, shoppers: Shoppers, step_seconds: float) -> None:
        with Live(render(self.rows), console=console, refresh_per_second=4) as live:
            for move in WALK:
                before = await self.observe()
                shoppers.tally = tally = Tally()
                reads = await asyncio.to_thread(apply_move, self.client, move, self.notes)
                self.rows.append(row := Row(move, reads, before, tally))
                deadline = time.monotonic() + step_seconds
                while (left := deadline - time.monotonic()) > 0:
                    await asyncio.sleep(min(0.5, left))
                    row.now = await self.observe()
                    live.update(render(self.rows))


async def run_demo(
    settings: ControlSettings, client: ControlClient, api_token: str, step_s: float, rate: float
) -> Run:
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
    proxy = settings.shop_url
    async with httpx.AsyncClient(base_url=proxy, timeout=10.0, limits=limits) as http:
        run = Run(settings, client, api_token, http)
        token, skus = await prepare_shop(http)
        await asyncio.to_thread(start_from_legacy, client)
        shoppers = Shoppers(http, token, skus, rate, settings.proxy_urls[0])
        traffic = asyncio.create_task(shoppers.run())
        try:
            await run.walk(shoppers, step_s)
        finally:
            shoppers.stop.set()
            await traffic
    return run
