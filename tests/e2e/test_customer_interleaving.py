"""Issue #13, headline acceptance (scaled to run in minutes): >= 2 000 customer changes from both
sides at once — the service's admin API through the proxy (customer writes at `new`), Magento's
admin API on the stand-in and direct SQL in Magento — with kill -9 of sync (forward capture and
the reverse worker) twice and of the customer service once mid-stream. After quiescence
`ficus reconcile customer` finds 0 differences both ways, the conflict log holds exactly the
conflicts injected (the same customer's first name changed on both sides while sync was down),
each outbox row was applied once (reverse log rows == outbox rows), no email is held twice in a
website, and the last value each writer wrote is what both sides hold.

Each (customer, field) has one writer, so "the last value" is known: the service renames the
seeded customers (first name; its PUT leaves the group out, so it keeps it), SQL moves them
between customer groups, Magento's admin API renames the customers created for it (last name).
A true conflict needs both sides on one field: only the injected ones are."""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from ficus_control.client import ControlClient
from ficus_devstack import Stack
from tests.e2e.customers import (
    Shopfront,
    Site,
    await_true,
    kill,
    reconcile,
    signup,
    unique_email,
)
from tests.e2e.customers import writes_lane as _writes_lane

pytestmark = pytest.mark.e2e
SERVICE_CHANGES, MAGENTO_CHANGES, SQL_CHANGES = 400, 200, 1400
MAGENTO_CUSTOMERS, CONFLICTS = 10, 6
LAG = 120
SQL = "UPDATE customer_entity SET group_id = %s, updated_at = UTC_TIMESTAMP() WHERE entity_id = %s"
SEEDED = "SELECT entity_id FROM customer_entity WHERE entity_id <= 50 ORDER BY 1"
GROUPS = (1, 2, 3)  # General, Wholesale, Retailer
CONFLICT_SQL = (
    "UPDATE customer_entity SET firstname = %s, updated_at = UTC_TIMESTAMP() WHERE entity_id = %s"
)


@pytest.fixture
def writes_at_new(control: ControlClient) -> Iterator[None]:
    yield from _writes_lane(control, "new")


@dataclass
class Writer:
    """One thread writing one field of its own customers, remembering the last value."""

    name: str
    change: Callable[[int, int], Any]  # (customer, n) -> the value written
    customers: list[int]
    total: int
    done: int = 0
    last: dict[int, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def run(self) -> None:
        rng = random.Random(self.name)
        for n in range(self.total):
            customer = rng.choice(self.customers)
            try:
                self.last[customer] = self.change(customer, n)
            except (AssertionError, httpx.HTTPError) as exc:
                self.errors.append(f"{customer} #{n}: {exc!r}")
            self.done += 1


def _put(read: Site, write: Site, token: str, customer: int, changes: Mapping[str, Any]) -> None:
    """Magento's admin PUT (to `write`) of the customer as `read` holds it, with `changes`;
    without its group (a PUT keeps the group it is not given)."""
    body = _get(read, token, customer)
    document = {k: v for k, v in body.items() if k != "group_id"} | dict(changes)
    answer = write.write("PUT", f"/V1/customers/{customer}", token, json={"customer": document})
    assert answer.status_code == 200, answer.text


def _get(site: Site, token: str, customer: int) -> dict[str, Any]:
    """The customer from `site`, waiting for it while it restarts."""
    found: list[httpx.Response] = []

    def answered() -> bool:
        try:
            found[:] = [site.call("GET", f"/V1/customers/{customer}", token)]
        except httpx.TransportError:
            return False
        return True

    await_true(answered, LAG, f"{site.url} answers")
    assert found[0].status_code == 200, found[0].text
    return dict(found[0].json())


def _magento_customers(front: Shopfront, count: int) -> list[int]:
    admin = front.standin.admin_token()
    made = []
    for _ in range(count):
        answer = front.standin.call(
            "POST", "/V1/customers", admin, json=signup(unique_email("interleave"))
        )
        assert answer.status_code == 200, answer.text
        made.append(int(answer.json()["id"]))
    return made


class Run:
    def __init__(self, stack: Stack, front: Shopfront) -> None:
        self.stack, self.front = stack, front
        seeded = [int(r[0]) for r in front.db.mysql(SEEDED)]
        fresh = _magento_customers(front, MAGENTO_CUSTOMERS + CONFLICTS)
        self.magento_born, self.conflicted = fresh[:MAGENTO_CUSTOMERS], fresh[MAGENTO_CUSTOMERS:]
        await_true(lambda: all(front.db.service_customer(c) for c in fresh), LAG, "forwarded")
        self.proxy_admin = front.proxy.admin_token()
        self.standin_admin = front.standin.admin_token()
        half = len(seeded) // 2
        self.writers = [
            self._service("service-a", seeded[:half]),
            self._service("service-b", seeded[half:]),
            Writer("magento", self._standin, self.magento_born, MAGENTO_CHANGES),
            Writer("sql", self._sql, seeded, SQL_CHANGES),
        ]

    def _service(self, name: str, customers: list[int]) -> Writer:
        def rename(customer: int, n: int) -> str:
            value = f"{name}-{n}"  # read from the service itself: never a fail-open read
            _put(self.front.service, self.front.proxy, self.proxy_admin, customer,
                 {"firstname": value})  # fmt: skip
            return value

        return Writer(name, rename, customers, SERVICE_CHANGES // 2)

    def _standin(self, customer: int, n: int) -> str:
        value, site = f"magento-{n}", self.front.standin
        _put(site, site, self.standin_admin, customer, {"lastname": value})
        return value

    def _sql(self, customer: int, n: int) -> int:
        group = GROUPS[n % len(GROUPS)]
        self.front.db.mysql(SQL, group, customer)
        return group

    def progress(self) -> float:
        return sum(w.done for w in self.writers) / sum(w.total for w in self.writers)

    def at(self, share: float) -> None:
        await_true(lambda: self.progress() >= share, 300, f"{share:.0%} of the changes")

    def inject_conflicts(self, customers: list[int]) -> None:
        """Sync is down: each customer's first name changed on both sides, differently."""
        for customer in customers:
            front = self.front
            _put(front.service, front.proxy, self.proxy_admin, customer, {"firstname": "Service"})
            self.front.db.mysql(CONFLICT_SQL, "Magento", customer)

    def crash(self, name: str, meanwhile: Callable[[], None] = lambda: None) -> None:
        kill(self.stack, name)
        meanwhile()
        self.stack[name].start()


@pytest.mark.usefixtures("writes_at_new")
def test_two_thousand_changes_from_both_sides_with_crashes_converge(
    local_stack: Stack, cli_env: Mapping[str, str]
) -> None:
    front = Shopfront.of(local_stack.settings)
    front.quiet()
    conflicts_before = front.db.one(front.db.mysql("SELECT count(*) FROM ficus_reverse_conflict"))
    outbox_before = front.db.one(front.db.pg("ficus_customer", "SELECT max(id) FROM outbox"))
    run = Run(local_stack, front)
    threads = [threading.Thread(target=w.run, name=w.name) for w in run.writers]
    for thread in threads:
        thread.start()
    try:
        half = len(run.conflicted) // 2
        run.at(0.2)
        run.crash("sync", lambda: run.inject_conflicts(run.conflicted[:half]))
        run.at(0.45)
        run.crash("customer")
        run.at(0.7)
        run.crash("sync", lambda: run.inject_conflicts(run.conflicted[half:]))
    finally:
        for thread in threads:
            thread.join()
    changes = sum(w.done for w in run.writers) + 2 * len(run.conflicted)
    assert changes >= 2000
    assert [e for w in run.writers for e in w.errors] == []
    front.quiet(LAG)

    _exactly_once(front, outbox_before or 0)
    _last_values(front, run)
    report = reconcile(cli_env)
    assert report.returncode == 0, report.stdout + report.stderr
    conflicts = front.db.mysql(
        "SELECT entity_id, field FROM ficus_reverse_conflict WHERE id > %s ORDER BY entity_id",
        conflicts_before,
    )
    assert conflicts == [(c, "firstname") for c in sorted(run.conflicted)]


def _exactly_once(front: Shopfront, outbox_before: int) -> None:
    outbox = front.db.pg(
        "ficus_customer", "SELECT id FROM outbox WHERE id > %s ORDER BY id", outbox_before
    )
    logged = front.db.mysql(
        "SELECT outbox_id FROM ficus_reverse_log WHERE domain = 'customer' AND outbox_id > %s "
        "ORDER BY outbox_id",
        outbox_before,
    )
    assert [r[0] for r in logged] == [r[0] for r in outbox]
    twice = "SELECT email, website_id FROM customer_entity GROUP BY 1, 2 HAVING count(*) > 1"
    assert front.db.mysql(twice) == []


def _last_values(front: Shopfront, run: Run) -> None:
    expected: dict[tuple[int, str], Any] = {}
    fields = itertools.chain(
        (("firstname", w) for w in run.writers if w.name.startswith("service")),
        (("lastname", w) for w in run.writers if w.name == "magento"),
        (("group_id", w) for w in run.writers if w.name == "sql"),
    )
    for name, writer in fields:
        expected.update({(c, name): v for c, v in writer.last.items()})
    for (customer, name), value in expected.items():
        [(magento,)] = front.db.mysql(
            f"SELECT {name} FROM customer_entity WHERE entity_id = %s", customer
        )
        service = (front.db.service_customer(customer) or {}).get(name)
        assert (magento, service) == (value, value), (customer, name)
