"""Service reads over HTTP, directly and through the Ficus proxy, with the Magento stand-in's.

    uv run python bench/bench_services.py [--products 300] [--seconds 5] [--rates 200 500]
                                          [--repeat 1] [--capacity] [--only-capacity]
                                          [--port-base N]

One run, same machine, same store: the whole local stack (`LocalStack`, as `ficus up` builds
it) in its own home (.ficus/bench-services) on free ports, with a generated store of
`--products` products, measured once sync has projected it into catalog and search. Targets,
each directly and through the proxy:
  * stand-in (the legacy side; catalog and search reads at legacy): by sku, a price-filtered
    list (searchCriteria, 20 a page), the same list with `fields=items[sku,name],total_count`;
  * catalog (catalog reads at `new`, moved there with gates forced): the same three reads;
  * search (search reads at `new`): a text search, a category listing sorted by price, a text
    search filtered by price range and stock (every answer carries the price/category facets).
Each target cycles through up to 100 distinct URLs (search answers repeats from its cache).
Per target: req/s at saturation (h2load closed loop, half of --seconds, >= 2 s, 4 connections:
enough to keep a Python process busy; 16 only add thread contention, e.g. 1.9 -> 5.2 ms CPU per
stand-in read); CPU per request over that run (utime+stime of the serving process trees, from
/proc: the service, plus the proxy when proxied; the database's separately) and requests per
CPU-second (req/s per fully used core); p50/p99 at each fixed rate (h2load --rps, open loop,
per-request log, one connection per 10 req/s) and `got`, the rate actually answered: below the
rate, the service could not keep up and latency (timed from each send) understates the wait;
the ratio to the stand-in. h2load runs on the last CPU; nothing else is pinned.
The proxy's latency budget (automatic rollback when the new backend's p99 > 500 ms) is lifted so
that a slow service is measured rather than rolled back; reads it still answered from Magento
(fail-open, trips) are counted in the `legacy` column.
`--capacity` then ramps the rate of each goal read through the proxy (`servicecapacity`: the
highest rate with p99 < 10 ms for the catalog by sku, < 15 ms for search); `--only-capacity`
skips the table. Both services run `serve`'s default worker count (the number of cores).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import quote

import httpx
from httpload import (
    Closed,
    Latency,
    closed_loop,
    fixed_rate,
    free_port,
    require_tools,
    tree_cpu_seconds,
)
from servicecapacity import GOALS_MS, ramp, summary

from ficus_control.client import ControlClient
from ficus_devstack import Stack, StackError, StackSettings
from ficus_devstack.localstack import LocalStack, Profile
from ficus_devstack.process import wait_until
from ficus_devstack.wiring import proxy_admin_port

ROOT = Path(__file__).resolve().parent.parent
ADMIN = {"username": "admin", "password": "admin123"}  # the stand-in's development admin
REASON = "bench_services: reads at new, gates forced on purpose"
SC = "searchCriteria"
URLS_PER_TARGET = 100
STAGES = ("legacy", "shadow", "canary", "new")
Product = dict[str, object]


class BenchStack(LocalStack):
    """The local stack with a store of `products` products and no latency-budget rollback."""

    def __init__(self, settings: StackSettings, products: int) -> None:
        super().__init__(settings, Profile())
        self.products = products

    def seed_magento(self) -> None:
        store = ["--products", str(self.products), "--customers", "10", "--orders", "10"]
        store += ["--seed", "1", "--url", self.settings.mariadb_url]
        self._run(["ficus_standin", "seed", *store])

    def _env(self) -> Mapping[str, str]:
        return {**super()._env(), "FICUS_PROXY_BUDGET_MAX_P99_MS": "3600000"}


def stack_settings(base: int | None) -> StackSettings:
    """Free ports, or `base`, `base` + 1, … (the proxy's admin listener is its port + 100)."""
    names = ["mariadb", "postgres", "standin", "sync", "catalog", "control", "search", "proxy"]
    names += ["customer", "elasticsearch"]
    ports = {f"{n}_port": free_port() if base is None else base + i for i, n in enumerate(names)}
    home = ROOT / ".ficus" / "bench-services"
    return StackSettings(home=home, **ports)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Target:
    service: str  # the stack component that answers: standin, catalog or search
    read: str  # sku, list, fields, text, category, facets
    proxied: bool
    paths: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.service} {self.read} ({'proxy' if self.proxied else 'direct'})"

    @property
    def domain(self) -> str:
        return "search" if self.service == "search" else "catalog"


@dataclass
class Figures:
    closed: list[Closed] = field(default_factory=list)
    cpu_us: list[float] = field(default_factory=list)
    db_us: list[float] = field(default_factory=list)
    latency: dict[int, list[Latency]] = field(default_factory=dict)
    legacy: int = 0  # proxied reads of a new-side target answered by Magento

    def rps(self) -> float:
        return statistics.median(c.rps for c in self.closed)

    def cpu(self) -> float:
        return statistics.median(self.cpu_us)

    def errors(self) -> int:
        return sum(c.errors for c in self.closed) + sum(
            r.errors for runs in self.latency.values() for r in runs
        )


def wait_for(what: str, check: Callable[[], bool], timeout: float = 180) -> None:
    def holds() -> bool:
        try:
            return check()
        except (httpx.HTTPError, ValueError, KeyError, IndexError):
            return False

    if not wait_until(holds, timeout, interval=0.2):
        raise SystemExit(f"gave up after {timeout:.0f} s waiting for {what}")


def products(standin: str, auth: dict[str, str]) -> list[Product]:
    found: list[Product] = []
    while True:
        page = {f"{SC}[pageSize]": "200", f"{SC}[currentPage]": str(len(found) // 200 + 1)}
        body = httpx.get(f"{standin}/rest/V1/products", params=page, headers=auth, timeout=60)
        found += body.raise_for_status().json()["items"]
        if len(found) >= body.json()["total_count"]:
            return found


def wait_projected(s: StackSettings, auth: dict[str, str], items: list[Product]) -> None:
    """Catalog holds every product, and search finds the last visible one (events apply in
    order, so everything before it is there too)."""
    count = f"http://{s.host}:{s.catalog_port}/rest/V1/products?{SC}[pageSize]=1"
    wait_for(
        "the catalog", lambda: httpx.get(count, headers=auth).json()["total_count"] == len(items)
    )
    last = [p for p in items if p["visibility"] in (3, 4)][-1]
    query = f"http://{s.host}:{s.search_port}{text_path(str(last['name']))}"
    wait_for("search", lambda: last["id"] in [i["id"] for i in httpx.get(query).json()["items"]])


def filter_(group: int, name: str, value: object, condition: str = "eq") -> str:
    f = f"{SC}[filterGroups][{group}][filters][0]"
    return f"&{f}[field]={name}&{f}[value]={quote(str(value))}&{f}[conditionType]={condition}"


def text_path(text: str, extra: str = "") -> str:
    return (f"/rest/default/V1/search?{SC}[requestName]=quick_search_container"
            f"{filter_(0, 'search_term', text)}{extra}")  # fmt: skip


def catalog_paths(items: list[Product]) -> dict[str, list[str]]:
    skus = [quote(str(p["sku"])) for p in items][:URLS_PER_TARGET]
    lists = [  # pages 1-5 of products priced from 0, 10, ... 190 up
        f"/rest/V1/products?{SC}[pageSize]=20&{SC}[currentPage]={n % 5 + 1}"
        + filter_(0, "price", n // 5 * 10, "gteq")
        for n in range(URLS_PER_TARGET)
    ]
    fields = [f"{path}&fields=items[sku,name],total_count" for path in lists]
    return {"sku": [f"/rest/V1/products/{s}" for s in skus], "list": lists, "fields": fields}


def search_paths(items: list[Product]) -> dict[str, list[str]]:
    words = [str(p["name"]).split()[:2] for p in items if p["visibility"] in (3, 4)]
    nouns = sorted({w[-1] for w in words})
    links = [p["extension_attributes"]["category_links"] for p in items]  # type: ignore[index]
    categories = sorted({int(c["category_id"]) for lk in links for c in lk})
    by_price = f"&{SC}[sortOrders][0][field]=price&{SC}[sortOrders][0][direction]=ASC"
    listing = [
        f"/rest/default/V1/search?{SC}[requestName]=catalog_view_container"
        f"{filter_(0, 'category_id', c)}{by_price}&{SC}[pageSize]=20"
        for c in categories[:URLS_PER_TARGET]
    ]
    facets = [
        text_path(nouns[n % len(nouns)], filter_(1, "price", n % 8 * 100, "gteq")
                  + filter_(2, "price", n % 8 * 100 + 300, "lteq") + filter_(3, "in_stock", 1))
        for n in range(min(URLS_PER_TARGET, 8 * len(nouns)))
    ]  # fmt: skip
    texts = sorted({" ".join(w) for w in words})[:URLS_PER_TARGET]
    return {"text": [text_path(t) for t in texts], "category": listing, "facets": facets}


def targets(items: list[Product]) -> list[Target]:
    reads = {"standin": catalog_paths(items), "catalog": catalog_paths(items)}
    reads["search"] = search_paths(items)
    return [
        Target(service, read, proxied, tuple(paths))
        for service, shapes in reads.items()
        for read, paths in shapes.items()
        for proxied in (False, True)
    ]


class Bench:
    """The running stack, the admin token, and how each target is measured."""

    def __init__(self, stack: Stack, token: str, args: argparse.Namespace, tmp: Path) -> None:
        self.stack, self.s, self.args, self.tmp = stack, stack.settings, args, tmp
        self.auth = {"Authorization": f"Bearer {token}"}
        self.proxy = f"http://{self.s.host}:{self.s.proxy_port}"
        self.proxy_admin = f"http://{self.s.host}:{proxy_admin_port(self.s.proxy_port)}"
        cli_token = (self.s.home / "control" / "cli-token").read_text().strip()
        self.control = ControlClient(f"http://{self.s.host}:{self.s.control_port}", cli_token)

    def base(self, target: Target) -> str:
        port = self.s.proxy_port if target.proxied else getattr(self.s, f"{target.service}_port")
        return f"http://{self.s.host}:{port}"

    def pids(self, *names: str) -> list[int | None]:
        return [self.stack[name].process.pid() for name in names]

    def measure(self, target: Target, figures: Figures) -> None:
        urls = [self.base(target) + path for path in target.paths]
        closed_loop(urls, 1, self.tmp, self.auth)  # warm up pools and caches
        serving = self.pids(target.service, *(["proxy"] if target.proxied else []))
        db = self.pids("mariadb" if target.service == "standin" else "postgres")
        before, db_before = tree_cpu_seconds(serving), tree_cpu_seconds(db)
        legacy = self.legacy_reads(target.domain)
        run = closed_loop(urls, max(2, self.args.seconds // 2), self.tmp, self.auth)
        figures.closed.append(run)
        figures.cpu_us.append((tree_cpu_seconds(serving) - before) / max(run.done, 1) * 1e6)
        figures.db_us.append((tree_cpu_seconds(db) - db_before) / max(run.done, 1) * 1e6)
        for rate in self.args.rates:
            figures.latency.setdefault(rate, []).append(self.at_rate(urls, rate))
        if target.proxied and target.service != "standin":
            figures.legacy += self.legacy_reads(target.domain) - legacy

    def at_rate(self, urls: list[str], rate: int) -> Latency:
        """One open-loop run at `rate` (one connection per 10 req/s, at least 10)."""
        clients = max(10, rate // 10)
        return fixed_rate(urls, rate, self.args.seconds, self.tmp, self.auth, clients)

    def legacy_reads(self, domain: str) -> int:
        """Reads of `domain` the proxy has answered from Magento (its request counter)."""
        text = httpx.get(f"{self.proxy_admin}/metrics").text
        wanted = ("ficus_proxy_requests_total{", f'domain="{domain}"', 'backend="legacy"')
        lines = [ln for ln in text.splitlines() if all(w in ln for w in wanted)]
        return int(sum(float(ln.rsplit(" ", 1)[1]) for ln in lines))

    def reads_at(self, stage: str, probes: dict[str, str]) -> None:
        """Catalog and search reads at `stage` (legacy or new), once the proxy follows."""
        for domain in probes:
            self.move(domain, stage)
        backend = "legacy" if stage == "legacy" else "new"

        def routed(path: str) -> bool:  # which backend answered: the proxy's admin trace
            rid = f"bench-{os.urandom(8).hex()}"
            httpx.get(self.proxy + path, headers={**self.auth, "X-Request-Id": rid})
            trace = httpx.get(f"{self.proxy_admin}/_ficus/trace", params={"request_id": rid})
            return [e["backend"] for e in trace.json()["entries"]] == [backend]

        for path in probes.values():
            wait_for(f"the proxy to route {path} to {backend}", partial(routed, path), 30)

    def move(self, domain: str, stage: str) -> None:
        """Rollback to legacy, or forward one stage at a time to new (gates forced)."""
        state = self.control.get(f"/domains/{domain}")
        now = STAGES.index(state["reads"]["stage"])
        if state["reads_fail_open_tripped"]:
            print(f"note: the proxy had tripped {domain} reads to Magento; re-enabled")
            self.control.post(f"/domains/{domain}/reenable", {"reason": REASON})
        if stage == "legacy" and now > 0:
            rollback = {"direction": "reads", "to": "legacy", "reason": REASON}
            self.control.post(f"/domains/{domain}/rollback", rollback)
        for name in STAGES[now + 1 :] if stage == "new" else ():
            step = {"direction": "reads", "stage": name, "force": True, "reason": REASON}
            percent = 50 if name == "canary" else None
            self.control.post(f"/domains/{domain}/cutover", {**step, "percent": percent})


def reference(target: Target, results: dict[Target, Figures]) -> Figures | None:
    """The stand-in's figures for the same read and side (by sku for search reads)."""
    for read in (target.read, "sku"):
        for other, figures in results.items():
            if (other.service, other.read, other.proxied) == ("standin", read, target.proxied):
                return figures if figures.closed else None
    return None


def header(rates: list[int]) -> str:
    out = f"{'target':<25}{'req/s':>6}{'/core':>6}{'CPU us':>8}{'db us':>7}{'xCPU':>6}"
    out += f"{'xreq/s':>7}" + "".join(f"{f'p50@{r}':>8}{f'p99@{r}':>8}{'got':>5}" for r in rates)
    return out + f"{'err':>5}{'legacy':>7}"


def row(target: Target, f: Figures, ref: Figures | None, rates: list[int]) -> str:
    ratios = (f"{f.cpu() / ref.cpu():.2f}", f"{f.rps() / ref.rps():.2f}") if ref else ("-", "-")
    out = f"{target.label:<25}{f.rps():>6.0f}{1e6 / f.cpu():>6.0f}{f.cpu():>8.0f}"
    out += f"{statistics.median(f.db_us):>7.0f}{ratios[0]:>6}{ratios[1]:>7}"
    med = statistics.median
    for rate in rates:
        runs = f.latency[rate]
        out += f"{med(r.p50_ms for r in runs):>8.1f}{med(r.p99_ms for r in runs):>8.1f}"
        out += f"{med(r.achieved for r in runs):>5.0f}"
    legacy = "-" if target.service == "standin" or not target.proxied else str(f.legacy)
    return out + f"{f.errors():>5}{legacy:>7}"


def legend(args: argparse.Namespace, load: str) -> str:
    return (
        f"(over HTTP/1.1 on loopback; medians of {args.repeat} round(s); {args.products} products;"
        f" load average before: {load}; cores: {os.cpu_count()}. req/s: closed loop; /core:"
        " requests per CPU-second of the serving processes; CPU us: their CPU per request"
        " (service, + proxy when proxied); db us: the database's; xCPU, xreq/s: ratio to the"
        " stand-in's same read on the same side (search: to its by-sku read); p50/p99: ms at"
        " the fixed rate; got: req/s answered at that rate; err: non-200 answers; legacy: reads"
        " of a new-side target the proxy answered from Magento)"
    )


def run(stack: Stack, args: argparse.Namespace, tmp: Path) -> dict[Target, Figures]:
    s = stack.settings
    standin = f"http://{s.host}:{s.standin_port}"
    login = httpx.post(f"{standin}/rest/V1/integration/admin/token", json=ADMIN)
    bench = Bench(stack, str(login.raise_for_status().json()), args, tmp)
    items = products(standin, bench.auth)
    wait_projected(s, bench.auth, items)
    results = {target: Figures() for target in targets(items)}
    first = {(t.service, t.read): t for t in results if not t.proxied}
    fields = first["catalog", "fields"]
    item = httpx.get(bench.base(fields) + fields.paths[0], headers=bench.auth).json()["items"][0]
    if not set(item) <= {"sku", "name"}:
        print(f"note: the catalog ignores `fields` (answers {len(item)} keys per item)")
    probes = {
        "catalog": first["catalog", "sku"].paths[0],
        "search": first["search", "text"].paths[0],
    }
    print(header(args.rates), flush=True)
    for _ in range(0 if args.only_capacity else args.repeat):
        for target, figures in results.items():
            bench.reads_at("legacy" if target.service == "standin" else "new", probes)
            bench.measure(target, figures)
            print(row(target, figures, reference(target, results), args.rates), flush=True)
    if args.capacity or args.only_capacity:
        capacity(bench, [t for t in results if t.proxied], probes)
    return {t: f for t, f in results.items() if f.closed}


def capacity(bench: Bench, proxied: list[Target], probes: dict[str, str]) -> None:
    """Each goal read through the proxy at `new`, its rate ramped (`servicecapacity`)."""
    print("\ncapacity through the proxy (open loop, h2load --rps)", flush=True)
    for target in proxied:
        goal = GOALS_MS.get((target.service, target.read))
        if goal is None:
            continue
        bench.reads_at("new", probes)
        urls = [bench.base(target) + path for path in target.paths]
        print(summary(target.label, goal, ramp(partial(bench.at_rate, urls), goal)), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=5, help="per fixed-rate run")
    parser.add_argument("--rates", type=int, nargs="+", default=[200, 500])
    parser.add_argument("--repeat", type=int, default=1, help="rounds; figures are medians")
    parser.add_argument("--capacity", action="store_true", help="then ramp the goal reads")
    parser.add_argument("--port-base", type=int, default=None, help="ports from here on")
    parser.add_argument("--only-capacity", action="store_true", help="only ramp the goal reads")
    args = parser.parse_args()
    # SIGTERM (a CI timeout, kill) unwinds through the `finally`: no process left running
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print("Service reads over HTTP (h2load against the running processes; not in-process)")
    require_tools("h2load", "taskset")
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    stack = BenchStack(stack_settings(args.port_base), args.products).build()
    stack.reset()
    try:
        stack.up()
        with tempfile.TemporaryDirectory(prefix="ficus-bench-") as tmp:
            results = run(stack, args, Path(tmp))
    except StackError as exc:
        log = stack.settings.log_dir
        raise SystemExit(f"the local stack failed: {exc} (logs in {log})") from None
    finally:
        stack.down()
    stack.reset()  # the store is generated afresh each run: give its disk back
    print("\nsummary\n" + header(args.rates))
    for target, figures in results.items():
        print(row(target, figures, reference(target, results), args.rates))
    print(legend(args, load))


if __name__ == "__main__":
    main()
