"""The catalog domain walks Phase 1 of the local plan (control/plan.local.yaml, as `ficus up`
starts control) with `ficus plan next` on the real stack: sync projecting from MariaDB, the
catalog service, the proxy flushing its shadow comparisons to control each second. Each step
is refused with its unmet criteria until they hold, on real evidence only: a product the
catalog service serves wrong makes shopper reads in shadow mismatch (refused), fixed and read
on, the mismatch rate falls within the plan's (taken); a product the catalog service holds
wrong makes `ficus reconcile catalog` find a difference (Phase 1's exit refused), fixed, it
finds none (Phase 1's exit holds; Phase 2 is not taken). The walk ends with `ficus rollback`
to legacy, where the other modules expect catalog reads.

Beside a running suite (whose stack holds the fixed e2e ports), FICUS_E2E_PORTS moves this
run's stack to other ports (tests/e2e/conftest.py)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx
import psycopg
import pytest

from ficus_control.client import ControlClient
from ficus_devstack import Stack
from ficus_devstack.process import wait_until
from tests.e2e.customers import Databases, ficus
from tests.e2e.shop import Shop
from tests.e2e.test_shadow import restore_bodies, seed_bodies

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("catalog_reads_at_legacy")]

EXIT_PLAN_REFUSED = 4  # `ficus plan next`: refused by the plan's criteria
WRONG_SKU = 262  # index in shop.skus of the product the catalog service gets wrong


def plan_of(control: ControlClient) -> dict[str, Any]:
    plan: dict[str, Any] = control.get("/plan/catalog")
    return plan


def criteria(control: ControlClient) -> dict[str, str]:
    """The next step's criteria of catalog, by name: met, unmet or no_evidence."""
    return {c["name"]: c["status"] for c in plan_of(control)["next"]["criteria"]}


def plan_next(env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return ficus(env, "plan", "next", "catalog")


def refused(env: Mapping[str, str], control: ControlClient, name: str) -> None:
    """`ficus plan next catalog` is refused by the plan, naming the criterion; the lane stays."""
    before = control.get("/domains/catalog")["version"]
    result = plan_next(env)
    said = result.stdout + result.stderr
    assert result.returncode == EXIT_PLAN_REFUSED, said
    assert "refused by the plan (catalog at" in said and name in said, said
    assert control.get("/domains/catalog")["version"] == before


def taken(env: Mapping[str, str], control: ControlClient, step: str, label: str) -> None:
    result = plan_next(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"took step {step}" in result.stdout, result.stdout
    assert control.get("/domains/catalog")["reads"]["label"] == label
    assert plan_of(control)["step"] == step


class Shopper:
    """Catalog reads through the proxy's shopper port, as the storefront makes them."""

    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        self.http = httpx.Client(base_url=shop.proxy_url, headers=shop.auth, timeout=30)
        self.reads = 0

    def read(self, sku: str) -> None:
        answer = self.http.get(f"/rest/default/V1/products/{sku}")
        assert answer.status_code == 200, (sku, answer.status_code, answer.text[:200])
        self.reads += 1

    def read_again(self, sku: str, count: int) -> None:
        for _ in range(count):
            self.read(sku)

    def browse(self, count: int) -> None:
        for _ in range(count):
            self.read(self.shop.skus[self.reads % len(self.shop.skus)])

    def until(
        self, holds: Callable[[], bool], timeout: float, sku: str | None = None, batch: int = 25
    ) -> bool:
        """Read (one SKU, or every SKU in turn) a batch at a time until `holds()`: shadow
        evidence reaches control within a second of each read."""

        def check() -> bool:
            if holds():
                return True
            if sku is None:
                self.browse(batch)
            else:
                self.read_again(sku, batch)
            return False

        return wait_until(check, timeout, interval=0.2)


@contextmanager
def served_wrong(stack: Stack, sku: str) -> Iterator[None]:
    """The catalog service answers `sku` with a wrong stock (its stored JSON), until exit."""
    catalog_db = stack.settings.postgres_url("ficus_catalog")
    with psycopg.connect(catalog_db, autocommit=True) as conn:
        originals = seed_bodies(conn, sku, "stock")
    try:
        yield
    finally:
        with psycopg.connect(catalog_db, autocommit=True) as conn:
            restore_bodies(conn, originals)


@contextmanager
def held_wrong(stack: Stack, sku: str) -> Iterator[None]:
    """The catalog service holds `sku` with wrong required_options, until exit."""
    catalog_db = stack.settings.postgres_url("ficus_catalog")
    select = "SELECT required_options FROM product WHERE lower(sku) = lower(%s)"
    update = "UPDATE product SET required_options = %s WHERE lower(sku) = lower(%s)"
    with psycopg.connect(catalog_db, autocommit=True) as conn:
        row = conn.execute(select, (sku,)).fetchone()
        assert row is not None, sku
        conn.execute(update, (row[0] + 7, sku))
    try:
        yield
    finally:
        with psycopg.connect(catalog_db, autocommit=True) as conn:
            conn.execute(update, (row[0], sku))


def reconcile_and_record(
    env: Mapping[str, str], control: ControlClient, db: Databases
) -> tuple[int, int]:
    """`ficus reconcile catalog` against the stack, its result recorded in control as the
    consistency check: (products compared, differences)."""
    result = ficus(env, "reconcile", "catalog")
    found = re.search(r"^(\d+) differences$", result.stdout, re.MULTILINE)
    assert result.returncode in (0, 1) and found, result.stdout + result.stderr
    with db.magento() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalog_product_entity")
        (products,) = cursor.fetchone() or (0,)
    differences = int(found.group(1))
    control.post("/reconciliations", {
        "domain": "catalog", "sampled": int(products), "mismatched": differences,
        "detail": {"by": "e2e: ficus reconcile catalog", "report": result.stdout[-500:]},
    })  # fmt: skip
    return int(products), differences


def shadow_evidence(stack: Stack, control: ControlClient, shop: Shop, env: dict[str, str]) -> None:
    """At shadow: clean reads make evidence, mismatches refuse the next step, clean reads again
    (the rate falls to the plan's 0.1 % over >= 100 comparisons) let it go."""
    shopper = Shopper(shop)
    counted = shopper.until(lambda: criteria(control)["shadow-clean"] != "no_evidence", 120)
    assert counted, (shopper.reads, plan_of(control)["next"])
    with served_wrong(stack, shop.skus[WRONG_SKU]):
        mismatch_until_unmet(stack, control, shopper, shop.skus[WRONG_SKU])
        refused(env, control, "shadow-clean")
    ready = shopper.until(lambda: plan_of(control)["next"]["ready"], 300)
    assert ready, (shopper.reads, plan_of(control)["next"])
    assert criteria(control) == {"forward-lag": "met", "shadow-clean": "met"}


def mismatch_until_unmet(stack: Stack, control: ControlClient, shopper: Shopper, sku: str) -> None:
    """Reads of a product served wrong, one at a time, each waited for in control's
    shadow_stat, until the mismatch rate is above the plan's (no more: each mismatch costs
    a thousand clean reads)."""
    control_db = stack.settings.postgres_url("ficus_control")

    def mismatched() -> int:
        with psycopg.connect(control_db, autocommit=True) as conn:
            row = conn.execute(_MISMATCHED).fetchone()
        return int(row[0]) if row else 0

    for _ in range(20):
        if criteria(control)["shadow-clean"] == "unmet":
            return
        before = mismatched()
        shopper.read(sku)
        assert wait_until(lambda n=before: mismatched() > n, 20, interval=0.1), "not flushed"
    pytest.fail(f"20 mismatches did not fail shadow-clean: {plan_of(control)['next']}")


_MISMATCHED = "SELECT coalesce(sum(mismatched), 0) FROM shadow_stat WHERE domain = 'catalog'"


def consistency_check(
    stack: Stack, control: ControlClient, shop: Shop, env: dict[str, str]
) -> None:
    """At new, Phase 1's exit: a reconciliation that finds a difference refuses the next
    step (Phase 2's), a clean one lets the phase end."""
    db, sku = Databases(stack.settings), shop.skus[WRONG_SKU]
    with held_wrong(stack, sku):
        assert reconcile_and_record(env, control, db)[1] >= 1
        assert criteria(control)["consistency-check"] == "unmet"
        refused(env, control, "consistency-check")
    products, differences = reconcile_and_record(env, control, db)
    assert (products >= 100, differences) == (True, 0)
    assert criteria(control) == {"forward-lag": "met", "consistency-check": "met"}


def test_catalog_walks_phase_1_with_plan_next_each_step_refused_until_it_holds(
    local_stack: Stack, control: ControlClient, shop: Shop, cli_env: dict[str, str]
) -> None:
    assert control.get("/plan")["source"].endswith("plan.local.yaml")
    assert plan_of(control)["next"]["step"] == "reads-shadow"
    taken(cli_env, control, "reads-shadow", "shadow")  # nothing to prove before shadow
    shadow_evidence(local_stack, control, shop, cli_env)
    taken(cli_env, control, "reads-canary-10", "canary 10%")
    assert criteria(control) == {"forward-lag": "met", "shadow-clean": "met"}  # same window
    taken(cli_env, control, "reads-canary-50", "canary 50%")
    assert criteria(control) == {"forward-lag": "met", "shadow-clean": "met"}
    taken(cli_env, control, "reads-new", "new")
    consistency_check(local_stack, control, shop, cli_env)

    # Phase 1's exit holds: the next step is Phase 2's (writes dual 10), not taken here; back
    # to legacy, where the other modules expect catalog reads
    after = plan_of(control)
    assert (after["phase"], after["next"]["step"], after["next"]["ready"]) == (
        1,
        "writes-dual-10",
        True,
    ), after
    result = ficus(cli_env, "rollback", "catalog", "--to", "legacy", "--reason", "e2e: done")
    assert result.returncode == 0, result.stdout + result.stderr
    assert control.get("/domains/catalog")["reads"]["label"] == "legacy"
    assert plan_of(control)["next"]["step"] == "reads-shadow"
