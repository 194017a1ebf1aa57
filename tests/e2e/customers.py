"""Customers on the whole local stack, for issue #13's acceptance tests: shoppers through the
proxy, Magento (the stand-in's API and its MariaDB tables), the customer service's and sync's
Postgres databases, the writes lane moved through control, and waits on conditions."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
import pymysql

from ficus_control.client import ControlClient
from ficus_devstack import ProcessState, Stack, StackSettings
from ficus_devstack.process import wait_until
from tests.e2e.shop import ADMIN, admin_url, move_reads

PASSWORD = "Sup3r-secret-1"
RETRIES = 6
_serial = itertools.count()


def unique_email(tag: str) -> str:
    return f"{tag}-{os.getpid()}-{time.monotonic_ns()}-{next(_serial)}@example.com"


def address(city: str = "London", default: bool = True) -> dict[str, Any]:
    return {
        "firstname": "Ada", "lastname": "Lovelace", "street": ["12 Analytical Row"],
        "city": city, "country_id": "GB", "telephone": "+44 20 7946 0000", "postcode": "N1",
        "region": {"region": "Greater London", "region_id": 0},
        "default_billing": default, "default_shipping": default,
    }  # fmt: skip


def signup(email: str, firstname: str = "Ada", **customer: Any) -> dict[str, Any]:
    values = {"email": email, "firstname": firstname, "lastname": "Lovelace"}
    return {"customer": {**values, "addresses": [address()], **customer}, "password": PASSWORD}


def await_true(condition: Callable[[], bool], timeout: float, what: str) -> None:
    assert wait_until(condition, timeout, interval=0.1), f"not within {timeout} s: {what}"


def move_writes(control: ControlClient, stage: str, percent: int | None = None) -> int:
    """Bring the customer writes lane to `stage` (reads first to new: control requires it;
    forward moves force the gates with a reason, the tests cannot produce a clean
    reconciliation before they write; `legacy` is a rollback)."""
    if stage == "legacy":
        body = {"direction": "writes", "to": "legacy", "reason": "e2e: writes back"}
        return int(control.post("/domains/customer/rollback", body)["version"])
    move_reads(control, "new", domain="customer")
    writes = control.get("/domains/customer")["writes"]
    steps = [("dual", 50), (stage, percent)] if writes["stage"] == "legacy" else []
    if stage == "dual" or not steps:
        steps = [(stage, percent)]
    if (writes["stage"], writes["percent"] or None) == (stage, percent):
        steps = []
    version = int(control.get("/domains/customer")["version"])
    for name, pct in steps:
        body = {"direction": "writes", "stage": name, "percent": pct, "force": True}
        body["reason"] = "e2e: customer writes, gates forced on purpose"
        version = int(control.post("/domains/customer/cutover", body)["version"])
    return version


@dataclass(frozen=True)
class Site:
    """One HTTP side of the shop: the proxy (shoppers) or the stand-in (Magento itself)."""

    url: str

    def call(self, method: str, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers.update(kw.pop("headers", {}))
        return httpx.request(method, f"{self.url}/rest{path}", headers=headers, timeout=30, **kw)

    def write(self, method: str, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        """A write as a well-behaved client sends it: a 503 is retried after its Retry-After
        (the proxy's answer while the new backend cannot take writes)."""
        for _ in range(RETRIES):
            answer = self.call(method, path, token, **kw)
            if answer.status_code != 503 or "Retry-After" not in answer.headers:
                return answer
            time.sleep(min(float(answer.headers["Retry-After"]), 5.0))
        return answer

    def token(self, email: str, password: str = PASSWORD) -> httpx.Response:
        body = {"username": email, "password": password}
        return self.write("POST", "/V1/integration/customer/token", json=body)

    def customer_token(self, email: str, password: str = PASSWORD) -> str:
        answer = self.token(email, password)
        assert answer.status_code == 200, answer.text
        return str(answer.json())

    def usable_token(self, email: str, password: str = PASSWORD, timeout: float = 30) -> str:
        """A customer token `GET /V1/customers/me` accepts: a token issued in the second of a
        password change is refused (Magento compares whole seconds), the shopper signs in
        again."""
        found: list[str] = []

        def accepted() -> bool:
            found[:] = [self.customer_token(email, password)]
            return self.call("GET", "/V1/customers/me", found[0]).status_code == 200

        await_true(accepted, timeout, f"a usable token for {email}")
        return found[0]

    def admin_token(self) -> str:
        answer = self.call("POST", "/V1/integration/admin/token", json=ADMIN)
        return str(answer.raise_for_status().json())

    def signs_in(self, email: str, password: str = PASSWORD) -> bool:
        return self.token(email, password).status_code == 200


@dataclass(frozen=True)
class Databases:
    """Direct access to Magento's MariaDB and the stack's Postgres databases."""

    settings: StackSettings

    @contextmanager
    def magento(self) -> Iterator[pymysql.connections.Connection[Any]]:
        s = self.settings
        conn = pymysql.connect(
            host=s.host, port=s.mariadb_port, user=s.mariadb_user, password=s.mariadb_password,
            database=s.mariadb_database, autocommit=True,
        )  # fmt: skip
        try:
            yield conn
        finally:
            conn.close()

    def mysql(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self.magento() as conn, conn.cursor() as cur:
            cur.execute(sql, args or None)
            return list(cur.fetchall())

    def pg(self, database: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.settings.postgres_url(database), autocommit=True) as conn:
            return list(conn.execute(sql, args or None).fetchall())

    def one(self, rows: list[tuple[Any, ...]]) -> Any:
        assert len(rows) == 1, rows
        return rows[0][0]

    def service_customer(self, entity_id: int) -> dict[str, Any] | None:
        rows = self.pg(
            "ficus_customer", "SELECT state FROM customer WHERE entity_id = %s", entity_id
        )
        return dict(rows[0][0]) if rows else None

    def pending_outbox(self) -> int:
        return int(self.one(self.pg("ficus_customer", _PENDING)))

    def customer_events(self) -> int:
        return int(self.one(self.pg("ficus_sync", _EVENTS)))


_PENDING = "SELECT count(*) FROM outbox WHERE acked_at IS NULL"
_EVENTS = "SELECT count(*) FROM domain_event WHERE aggregate = 'customer'"


def ficus(env: Mapping[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`ficus …` as an operator runs it against the stack."""
    return subprocess.run(  # noqa: S603 - the project's own CLI
        [sys.executable, "-m", "ficus_control", *args],
        env=dict(env), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def reconcile(env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return ficus(env, "reconcile", "customer", "--restart", "--settle-seconds", "3")


def metric(url: str, name: str, labels: str = "") -> float:
    """The sum of a Prometheus sample family (optionally only lines containing `labels`)."""
    text = httpx.get(f"{url}/metrics", timeout=10).text
    lines = [ln for ln in text.splitlines() if ln.startswith(name) and labels in ln]
    return sum(float(ln.rsplit(" ", 1)[1]) for ln in lines if not ln.startswith(name + "_created"))


@dataclass(frozen=True)
class Shopfront:
    """Everything a customer test touches on the stack."""

    proxy: Site
    standin: Site
    service: Site
    db: Databases
    sync_url: str

    @classmethod
    def of(cls, s: StackSettings) -> Shopfront:
        def site(port: int) -> Site:
            return Site(f"http://{s.host}:{port}")

        sync_url = f"http://{s.host}:{s.sync_port}"
        return cls(site(s.proxy_port), site(s.standin_port), site(s.customer_port), Databases(s),
                   sync_url)  # fmt: skip

    def quiet(self, timeout: float = 60) -> None:
        """Reverse sync drained and forward sync caught up with Magento."""
        await_true(lambda: self.db.pending_outbox() == 0, timeout, "the outbox drained")
        await_true(lambda: self.forward_lag() == 0, timeout, "forward sync caught up")

    def forward_lag(self) -> float:
        body = httpx.get(f"{self.sync_url}/v1/lag", timeout=10).json()
        return float(body["domains"]["customer"]["events_behind"])


def proxy_version(proxy_port: int) -> int | None:
    """The customer cutover version the proxy on `proxy_port` uses now."""
    body = httpx.get(f"{admin_url(proxy_port)}/readyz", timeout=10).json()
    customer = body.get("cutover", {}).get("customer")
    return None if customer is None else int(customer["version"])


def writes_lane(
    control: ControlClient, stage: str, percent: int | None = None, proxy_port: int = 31000
) -> Iterator[None]:
    """The customer writes lane at `stage` for one test (once the proxy follows it), back at
    legacy (reads too) after it."""
    version = move_writes(control, stage, percent)
    await_true(lambda: proxy_version(proxy_port) == version, 10, "the proxy follows the lane")
    try:
        yield
    finally:
        if control.get("/domains/customer")["writes"]["stage"] != "legacy":
            move_writes(control, "legacy")
        move_reads(control, "legacy", domain="customer")


def binlog_position(db: Databases) -> tuple[str, int]:
    [row] = db.mysql("SHOW MASTER STATUS")
    return str(row[0]), int(row[1])


def binlog_transactions(db: Databases, since: tuple[str, int]) -> list[set[str]]:
    """The tables each committed binlog transaction after `since` wrote (one file: the test's
    window is far smaller than a binlog file)."""
    events = db.mysql(f"SHOW BINLOG EVENTS IN '{since[0]}' FROM {since[1]}")
    transactions: list[set[str]] = []
    tables: set[str] = set()
    for event in events:
        kind, info = str(event[2]), str(event[5])
        if kind == "Table_map":
            tables.add(info.rsplit(".", 1)[-1].rstrip(")"))
        elif kind == "Xid":
            transactions.append(tables)
            tables = set()
    return transactions


def kill(stack: Stack, name: str) -> None:
    """SIGKILL a component of the stack (a crash), waiting until it is gone."""
    process = stack[name].process  # type: ignore[attr-defined]
    process.kill()
    await_true(lambda: process.state() is not ProcessState.RUNNING, 10, f"{name} killed")


def conflicts_of(db: Databases, entity_id: int) -> list[tuple[Any, ...]]:
    return db.mysql(
        "SELECT id, field, winner, policy, status FROM ficus_reverse_conflict "
        "WHERE domain = 'customer' AND entity_id = %s ORDER BY id",
        entity_id,
    )


def differing(report: str) -> set[int]:
    """The customer ids `reconcile customer` reports a difference for."""
    found = re.findall(r"^customer(?:-service)? (\d+):", report, flags=re.MULTILINE)
    return {int(entity_id) for entity_id in found}
