"""Customer writes through the proxy at stage `new`, reverse-sync lag beside forward lag.

    uv run python bench/bench_customers.py [--customers 200] [--seconds 10] [--rates 50 200]
        [--signup-rates 5 10] [--signup-seconds 5] [--ramp 50 100 200 400 800]

One run, same machine, same store: the whole local stack (`LocalStack`, as `ficus up` builds
it) in its own home (.ficus/bench-customers) on free ports, with a generated store of
`--customers` customers, measured once forward sync has brought every one into the customer
service. The customer lane is moved to reads `new`, writes `new` (dual 50 first; gates forced
with a reason), then the active customers of website 1 (those who can sign in on the default
store) are split in three: group S is written straight to the stand-in (the legacy baseline),
group N through the service (direct and through the proxy), group F by direct SQL in Magento
(forward lag). Customer tokens are obtained first, through the proxy (so by the service: it
upgrades the seeded SHA-256 hashes to Argon2id as Magento does).

  * Writes, open loop (each request sent at its due time whether or not earlier ones were
    answered; latency counted from the due time; httpload.open_loop): PUT
    /rest/V1/customers/me (the customer as GET /me answered it, firstname changed, addresses
    kept) at each of --rates, and POST /rest/V1/customers (anonymous sign-up, a new email each)
    at each of --signup-rates, each to the stand-in, to the service and through the proxy.
    A sign-up hashes its password with Argon2id (64 MiB, ops 2: ~100+ ms of CPU on either side),
    so sign-ups saturate at a few per second per core: their rates are their own. p50/p99 of
    the 2xx answers (first 10 % dropped), `got` = 2xx answers per second that ended within the
    run (below the rate: the target could not keep up), `err` = other answers or none;
    x50/x99: ratio to the stand-in's same write at the same rate.
  * Reverse-sync lag (customerlag.py), for every write the service took (direct and proxied):
    `rev` = Magento's ficus_reverse_log.applied_at (UTC_TIMESTAMP(6) of the statement that
    opens the reverse worker's MySQL transaction) minus the outbox row's created_at (the
    service's write transaction); `seen` = when a poller of ficus_reverse_log (every 10 ms,
    autocommit) first saw that row committed, minus created_at: the write is visible in
    Magento then.
    `rev/s` = rows applied per second from the first to the last applied_at (the worker's
    throughput once a backlog formed); `confl` = conflict-log rows (ficus_reverse_conflict)
    the run added; `dead` = reverse-DLQ rows it added.
  * Forward lag at the first write rate >= 200 (else the highest): direct SQL in Magento
    (UPDATE customer_entity lastname + updated_at, one transaction every 20 ms holding rate x
    20 ms customers of group F) -> the service's customer row holding that lastname, seen by a
    poller of its database (every 10 ms); lag = seen - the MySQL commit's return. Forward sync
    folds a customer's changes within one batch into one event, so a change counts as applied
    when the service holds its value or a later one of the same customer.
  * CPU per write (ms, utime+stime of the process trees from /proc, from the run's start until
    the outbox drained and forward sync caught up, so reverse and echo work is counted): the
    customer service, the proxy, sync (forward and reverse workers), the stand-in, MariaDB,
    Postgres; divided by the 2xx answers.
  * Capacity: PUT /me through the proxy at each --ramp rate (half of --seconds, >= 3 s), up
    to the first rate that misses p99 < 50 ms, reverse `seen` p99 < 500 ms or got >= 95 %.
The proxy's latency and error budgets (automatic rollback) are lifted so that a slow service is
measured rather than rolled back. The load average is printed before and after: on a shared
machine the figures swing with the neighbours.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pymysql
from customerlag import ForwardRun, Reverse, ReverseLog, forward_run, mysql, pg, quantile
from httpload import (
    Latency,
    free_port,
    http_request,
    open_loop,
    open_loop_latency,
    tree_cpu_seconds,
)

from ficus_control.client import ControlClient
from ficus_devstack import Stack, StackError, StackSettings
from ficus_devstack.localstack import LocalStack, Profile
from ficus_devstack.process import wait_until
from ficus_devstack.wiring import proxy_admin_port

ROOT = Path(__file__).resolve().parent.parent
REASON = "bench_customers: customer lanes at new, gates forced on purpose"
SEEDED_PASSWORD = "Password123!"  # noqa: S105 - the generator's demo customers
NEW_PASSWORD = "Sup3r-secret-1"  # noqa: S105 - sign-ups of the bench
PROCESSES = ("customer", "proxy", "sync", "standin", "mariadb", "postgres")
SIDES = ("standin", "customer", "proxy")
JSON = {"Content-Type": "application/json"}
ELIGIBLE = (  # who can sign in on the default store (the generator puts ~15 % on website 2)
    "SELECT entity_id, email FROM customer_entity WHERE website_id = 1 AND is_active = 1"
    " ORDER BY entity_id"
)
_runs = itertools.count(1)


class BenchStack(LocalStack):
    """The local stack with `customers` customers and no budget rollback on the proxy."""

    def __init__(self, settings: StackSettings, customers: int) -> None:
        super().__init__(settings, Profile())
        self.customers = customers

    def seed_magento(self) -> None:
        store = ["--products", "10", "--customers", str(self.customers), "--orders", "10"]
        self._run(
            ["ficus_standin", "seed", *store, "--seed", "1", "--url", self.settings.mariadb_url]
        )

    def _env(self) -> Mapping[str, str]:
        lifted = {
            "FICUS_PROXY_BUDGET_MAX_P99_MS": "3600000",
            "FICUS_PROXY_BUDGET_MAX_ERROR_RATE": "1",
        }
        return {**super()._env(), **lifted}


def stack_settings() -> StackSettings:
    names = ("mariadb", "postgres", "standin", "sync", "catalog", "control", "search")
    ports = {f"{name}_port": free_port() for name in (*names, "customer", "proxy")}
    home = ROOT / ".ficus" / "bench-customers"
    return StackSettings(home=home, elasticsearch_port=free_port(), **ports)  # type: ignore[arg-type]


def wait_for(what: str, check: Callable[[], bool], timeout: float = 180) -> None:
    def holds() -> bool:
        try:
            return check()
        except (httpx.HTTPError, psycopg.Error, pymysql.Error, KeyError, ValueError):
            return False

    if not wait_until(holds, timeout, interval=0.2):
        raise SystemExit(f"gave up after {timeout:.0f} s waiting for {what}")


@dataclass
class Customer:
    id: int
    email: str
    token: str = ""
    me: dict[str, Any] | None = None


@dataclass(frozen=True)
class Result:
    """One open-loop run of one write against one side."""

    write: str  # "PUT me" or "sign-up"
    side: str  # standin, customer or proxy
    rate: int
    latency: Latency
    cpu_ms: dict[str, float]
    reverse: Reverse
    conflicts: int
    dead: int
    failed: dict[int, int]  # answers that were not 2xx, by status (0: none)


class Bench:
    """The running stack: its databases, the customer groups, and how a write run is measured."""

    def __init__(self, stack: Stack, args: argparse.Namespace) -> None:
        self.stack, self.s, self.args = stack, stack.settings, args
        cli_token = (self.s.home / "control" / "cli-token").read_text().strip()
        self.control = ControlClient(f"http://{self.s.host}:{self.s.control_port}", cli_token)
        self.proxy_admin = f"http://{self.s.host}:{proxy_admin_port(self.s.proxy_port)}"
        self.groups: dict[str, list[Customer]] = {}

    def url(self, side: str) -> str:
        return f"http://{self.s.host}:{getattr(self.s, f'{side}_port')}"

    def pg(self, sql: str, *args: object) -> list[Any]:
        return pg(self.s, sql, *args)

    def mysql(self, sql: str, *args: object) -> list[Any]:
        return mysql(self.s, sql, *args)

    def cpu(self) -> dict[str, float]:
        return {name: tree_cpu_seconds([self.stack[name].process.pid()]) for name in PROCESSES}

    def quiet(self, timeout: float = 300) -> None:
        """The outbox drained and forward sync caught up with Magento."""
        pending = "SELECT count(*) FROM outbox WHERE acked_at IS NULL"
        wait_for("the outbox to drain", lambda: self.pg(pending)[0][0] == 0, timeout)
        lag = f"http://{self.s.host}:{self.s.sync_port}/v1/lag"
        behind = lambda: httpx.get(lag).json()["domains"]["customer"]["events_behind"] == 0  # noqa: E731
        wait_for("forward sync to catch up", behind, timeout)

    def cutover(self, direction: str, stage: str, percent: int | None = None) -> None:
        body = {"direction": direction, "stage": stage, "percent": percent, "force": True}
        self.control.post("/domains/customer/cutover", {**body, "reason": REASON})

    def lanes_to_new(self) -> None:
        """Customer reads legacy -> shadow -> canary 10 -> new, writes dual 50 -> new."""
        for stage in ("shadow", "canary", "new"):
            self.cutover("reads", stage, 10 if stage == "canary" else None)
        self.cutover("writes", "dual", 50)
        self.cutover("writes", "new")

    def login(self, customer: Customer) -> str:
        """A customer token through the proxy ("" unless the service answered it)."""
        rid = f"bench-{os.urandom(8).hex()}"
        body = {"username": customer.email, "password": SEEDED_PASSWORD}
        answer = httpx.post(f"{self.url('proxy')}/rest/V1/integration/customer/token",
                            json=body, headers={"X-Request-Id": rid}, timeout=60)  # fmt: skip
        trace = httpx.get(f"{self.proxy_admin}/_ficus/trace", params={"request_id": rid})
        backends = [e["backend"] for e in trace.json()["entries"]]
        return str(answer.raise_for_status().json()) if backends == ["new"] else ""

    def prepare(self) -> None:
        """Groups S, N, F; tokens through the proxy for S and N; each one's GET /me."""
        rows = self.mysql(ELIGIBLE)
        everyone = [Customer(int(i), str(e)) for i, e in rows]
        self.groups = {"standin": everyone[0::3], "customer": everyone[1::3]}
        self.groups["forward"] = everyone[2::3]
        wait_for("the proxy to send logins to the service", lambda: bool(self.login(everyone[0])))
        for side in ("standin", "customer"):
            with ThreadPoolExecutor(4) as pool:
                tokens = pool.map(self.login, self.groups[side])
            for customer, token in zip(self.groups[side], tokens, strict=True):
                customer.token = token
                auth = {"Authorization": f"Bearer {token}"}
                me = httpx.get(f"{self.url(side)}/rest/V1/customers/me", headers=auth)
                customer.me = me.raise_for_status().json()
        self.quiet()

    def requests(self, write: str, side: str, count: int) -> list[bytes]:
        """`count` distinct writes: PUT /me round the side's group, or sign-ups."""
        address, run = (self.s.host, getattr(self.s, f"{side}_port")), next(_runs)
        if write == "sign-up":
            return [signup(address, f"bench-{os.getpid()}-{run}-{n}") for n in range(count)]
        group = self.groups["customer" if side == "proxy" else side]
        return [put_me(address, group[n % len(group)], f"Run{run}n{n}") for n in range(count)]

    def counts(self) -> tuple[int, int]:
        """Rows in Magento's conflict log and reverse DLQ."""
        conflicts = self.mysql("SELECT count(*) FROM ficus_reverse_conflict")[0][0]
        dead = self.mysql("SELECT count(*) FROM ficus_reverse_log WHERE status = 'dead'")[0][0]
        return int(conflicts), int(dead)

    def measure(self, write: str, side: str, rate: int, seconds: float) -> Result:
        """One open-loop run, then the outbox drained and forward sync caught up."""
        requests = self.requests(write, side, max(2, int(rate * seconds)))
        cpu, counts = self.cpu(), self.counts()
        with ReverseLog(self.s).running() as log:
            address = (self.s.host, getattr(self.s, f"{side}_port"))
            answers = open_loop(address, requests, rate)
            self.quiet()
        spent = {k: v - cpu[k] for k, v in self.cpu().items()}
        latency = open_loop_latency(answers, len(requests) / rate)
        done = max(1, sum(1 for a in answers if 200 <= a.status < 300))
        reverse = log.lags()
        after = self.counts()
        per_write = {k: v / done * 1000 for k, v in spent.items()}
        failed = Counter(a.status for a in answers if not 200 <= a.status < 300)
        return Result(write, side, rate, latency, per_write, reverse,
                      after[0] - counts[0], after[1] - counts[1], dict(failed))  # fmt: skip


def signup(address: tuple[str, int], name: str) -> bytes:
    customer = {"email": f"{name}@example.com", "firstname": "Bench", "lastname": name}
    body = dumps({"customer": customer, "password": NEW_PASSWORD})
    return http_request("POST", address, "/rest/V1/customers", JSON, body)


def put_me(address: tuple[str, int], who: Customer, firstname: str) -> bytes:
    """The customer as GET /me answered it, with another first name."""
    body = dumps({"customer": {**(who.me or {}), "firstname": firstname}})
    headers = {**JSON, "Authorization": f"Bearer {who.token}"}
    return http_request("PUT", address, "/rest/V1/customers/me", headers, body)


def dumps(body: object) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Forward:
    """Forward lag at `rate` changes/s, and CPU per change (ms) until forward sync caught up."""

    rate: int
    run: ForwardRun
    cpu_ms: dict[str, float]


def forward_lag(bench: Bench, rate: int, seconds: float) -> Forward:
    """Group F changed by direct SQL in Magento -> the service's rows."""
    cpu = bench.cpu()
    run = forward_run(bench.s, [c.id for c in bench.groups["forward"]], rate, seconds)
    bench.quiet()
    spent = {k: (v - cpu[k]) / max(1, run.written) * 1000 for k, v in bench.cpu().items()}
    return Forward(rate, run, spent)


HEADER = (f"{'write':<8}{'side':<9}{'rate':>5}{'got':>6}{'err':>5}{'p50':>9}{'p99':>9}"
          f"{'x50':>7}{'x99':>7}{'rev50':>8}{'rev99':>8}{'seen50':>8}{'seen99':>8}{'rev/s':>6}{'confl':>6}"
          f"{'dead':>5} | CPU ms/write" + "".join(f"{n[:8]:>9}" for n in PROCESSES))  # fmt: skip


def row(r: Result, ref: Result | None) -> str:
    lat = r.latency
    ratios = (lat.p50_ms / ref.latency.p50_ms, lat.p99_ms / ref.latency.p99_ms) if ref else None
    out = f"{r.write:<8}{r.side:<9}{r.rate:>5}{lat.achieved:>6.1f}{lat.errors:>5}"
    out += f"{lat.p50_ms:>9.1f}{lat.p99_ms:>9.1f}"
    out += f"{ratios[0]:>7.2g}{ratios[1]:>7.2g}" if ratios else f"{'-':>7}{'-':>7}"
    for lags in (r.reverse.applied, r.reverse.seen):
        out += "".join(f"{quantile(lags, q):>8.0f}" if lags else f"{'-':>8}" for q in (0.5, 0.99))
    out += f"{r.reverse.per_second:>6.0f}{r.conflicts:>6}{r.dead:>5} |" + " " * 13
    out += "".join(f"{r.cpu_ms[n]:>9.2f}" for n in PROCESSES)
    return out + "".join(f"  [{code or 'none'}: {n}]" for code, n in sorted(r.failed.items()))


def forward_row(f: Forward) -> str:
    cpu = " ".join(f"{n} {f.cpu_ms[n]:.2f}" for n in PROCESSES)
    lags, folded = f.run.lags, len(f.run.lags) - f.run.itself
    return (f"forward at {f.rate} changes/s (direct SQL in Magento -> the service's row):"
            f" {len(lags)} of {f.run.written} applied ({folded} folded into a later change),"
            f" lag p50 {quantile(lags, 0.5):.0f} ms, p99 {quantile(lags, 0.99):.0f} ms;"
            f" CPU ms per change: {cpu}")  # fmt: skip


def both_ways(results: list[Result], f: Forward) -> str:
    """Reverse lag of the proxied PUT run at the forward run's rate, beside forward lag."""
    same = [r for r in results if (r.write, r.side, r.rate) == ("PUT me", "proxy", f.rate)]
    if not same or not same[0].reverse.seen:
        return f"no proxied PUT run at {f.rate}/s to set beside forward lag"
    seen, lags = same[0].reverse.seen, f.run.lags
    return (f"at {f.rate} writes/s: reverse lag (service write -> visible in Magento) p50"
            f" {quantile(seen, 0.5):.0f} ms, p99 {quantile(seen, 0.99):.0f} ms (goal < 500);"
            f" forward lag (Magento commit -> the service's row) p50 {quantile(lags, 0.5):.0f}"
            f" ms, p99 {quantile(lags, 0.99):.0f} ms")  # fmt: skip


def passes(r: Result) -> bool:
    lat = r.latency
    reverse_ok = bool(r.reverse.seen) and quantile(r.reverse.seen, 0.99) < 500
    return lat.p99_ms < 50 and reverse_ok and lat.achieved >= 0.95 * r.rate and lat.errors == 0


def writes(bench: Bench, args: argparse.Namespace) -> list[Result]:
    results: list[Result] = []
    plan = [("PUT me", rate, args.seconds) for rate in args.rates]
    plan += [("sign-up", rate, args.signup_seconds) for rate in args.signup_rates]
    for write, rate, seconds in plan:
        for side in SIDES:
            result = bench.measure(write, side, rate, seconds)
            results.append(result)
            print(row(result, reference(result, results)), flush=True)
    return results


def reference(r: Result, results: list[Result]) -> Result | None:
    """The stand-in's run of the same write at the same rate (none for the stand-in's own)."""
    same = [o for o in results if (o.write, o.rate, o.side) == (r.write, r.rate, "standin")]
    return same[0] if same and r.side != "standin" else None


def ramp(bench: Bench, args: argparse.Namespace) -> list[Result]:
    """PUT /me through the proxy at rising rates, to the first that misses a goal."""
    steps: list[Result] = []
    for rate in args.ramp:
        steps.append(bench.measure("PUT me", "proxy", rate, max(3, args.seconds // 2)))
        print(row(steps[-1], None) + ("" if passes(steps[-1]) else "   <- misses"), flush=True)
        if not passes(steps[-1]):
            break
    return steps


def capacity(steps: list[Result]) -> str:
    good = [r.rate for r in steps if passes(r)]
    if not good:
        return f"capacity: below {steps[0].rate} writes/s" if steps else "capacity: not measured"
    more = "" if len(good) < len(steps) else " (every step passed: the ramp ended first)"
    return f"capacity: {max(good)} writes/s through the proxy{more}"


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def legend(args: argparse.Namespace, before: str) -> str:
    return (
        f"(HTTP/1.1 on loopback, open loop; {args.customers} customers; load average before:"
        f" {before}, after: {load_average()}; cores: {os.cpu_count()}. got: 2xx answers/s; err:"
        " other answers or none (their statuses in brackets, none: no answer); p50/p99: ms from"
        " each request's due time; x50/x99: ratio to"
        " the stand-in's same write and rate; rev: reverse log applied_at - outbox created_at;"
        " seen: the reverse log row seen committed - created_at (ms); rev/s: rows the reverse"
        " worker applied per second, first to last (its throughput once a backlog formed);"
        " confl/dead: conflict-log"
        " and reverse-DLQ rows added; CPU: ms per 2xx write until the outbox drained and forward"
        " sync caught up. Goals: write p99 < 50 ms through the proxy, reverse p99 < 500 ms)"
    )


def run(stack: Stack, args: argparse.Namespace) -> None:
    bench = Bench(stack, args)
    wanted = args.customers
    count = "SELECT count(*) FROM customer"
    wait_for("the service to hold every customer", lambda: bench.pg(count)[0][0] >= wanted, 300)
    bench.lanes_to_new()
    bench.prepare()
    print(HEADER, flush=True)
    results = writes(bench, args)
    rate = min((r for r in args.rates if r >= 200), default=max(args.rates))
    forward = forward_lag(bench, rate, args.seconds)
    print(forward_row(forward), flush=True)
    print("\ncapacity ramp (PUT /me through the proxy)\n" + HEADER, flush=True)
    steps = ramp(bench, args)
    print("\nsummary\n" + HEADER)
    for result in results:
        print(row(result, reference(result, results)))
    print(forward_row(forward))
    print(both_ways(results, forward))
    print(capacity(steps))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10, help="per PUT run")
    parser.add_argument("--rates", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--signup-rates", type=int, nargs="+", default=[5, 10])
    parser.add_argument("--signup-seconds", type=float, default=5)
    parser.add_argument("--ramp", type=int, nargs="*", default=[50, 100, 200, 400, 800])
    args = parser.parse_args()
    # SIGTERM (a CI timeout, kill) unwinds through the `finally`: no process left running
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print("Customer writes over HTTP, reverse and forward sync lag (one run, one machine)")
    before = load_average()
    stack = BenchStack(stack_settings(), args.customers).build()
    stack.reset()
    try:
        stack.up()
        run(stack, args)
    except StackError as exc:
        log = stack.settings.log_dir
        raise SystemExit(f"the local stack failed: {exc} (logs in {log})") from None
    finally:
        stack.down()
    stack.reset()  # the store is generated afresh each run: give its disk back
    print(legend(args, before))


if __name__ == "__main__":
    main()
