"""The runbooks' `ficus …` commands, executed in order against the private stack with the
environment an operator's shell has; and `ficus demo`, once, fast.

A few commands in the runbooks are alternatives or exceptional paths (roll back *to a
particular earlier lane*, override a gate, re-enable after a trip); before each of those the
test brings the domain into the situation the runbook describes, over the admin API."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable

import httpx
import pytest

from ficus_control.client import ControlClient
from ficus_devstack.process import wait_until
from tests.e2e.conftest import ROOT
from tests.e2e.shop import Shop, move_reads

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("catalog_reads_at_legacy")]

EXIT_GATE = 4


def runbook_commands(name: str) -> list[str]:
    text = (ROOT / "runbooks" / name).read_text()
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    return [ln.strip() for block in blocks for ln in block.splitlines() if ln.startswith("ficus ")]


def ficus(line: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", line], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


class Situations:
    """What the runbook assumes before its alternative or exceptional commands."""

    def __init__(self, control: ControlClient, shop: Shop) -> None:
        self.control, self.shop = control, shop

    def for_command(self, line: str) -> Callable[[], None] | None:
        table: list[tuple[str, Callable[[], None]]] = [
            ("ficus diff catalog", self.shadow_evidence),
            ("ficus cutover catalog --reads canary --percent 10 --force", self.at_shadow),
            ("ficus rollback catalog --to ", self.at_new),
            ("ficus rollback customer --writes", self.customer_writes_in_dual),
            ("ficus reenable catalog", self.tripped),
        ]
        return next((setup for prefix, setup in table if line.startswith(prefix)), None)

    def shadow_evidence(self) -> None:
        """Shopper reads while in shadow, until the gates (lag and mismatch rate over >= 100
        comparisons) pass on their own."""
        proxy = httpx.Client(base_url=self.shop.proxy_url, headers=self.shop.auth)
        skus = iter(self.shop.skus * 10)

        def shop_then_check() -> bool:
            for sku in [next(skus) for _ in range(30)]:
                proxy.get(f"/rest/default/V1/products/{sku}").raise_for_status()
            report = self.control.get("/gates/catalog")
            return all(gate["passed"] for gate in report["gates"])

        with proxy:
            assert wait_until(shop_then_check, 40, interval=0.2), self.control.get("/gates/catalog")

    def at_shadow(self) -> None:
        move_reads(self.control, "shadow")

    def at_new(self) -> None:
        move_reads(self.control, "new")

    def customer_writes_in_dual(self) -> None:
        move_reads(self.control, "new", domain="customer")
        body = {"direction": "writes", "stage": "dual", "percent": 10, "force": True}
        self.control.post("/domains/customer/cutover", body | {"reason": "e2e: runbook"})

    def tripped(self) -> None:
        body = {"direction": "reads", "reason": "e2e: 3 consecutive failures (simulated)"}
        self.control.post("/domains/catalog/trip", body)


def test_runbook_commands_run_in_order(
    cli_env: dict[str, str], control: ControlClient, shop: Shop
) -> None:
    situations = Situations(control, shop)
    lines = runbook_commands("cutover-phase1.md") + runbook_commands("rollback.md")
    assert len(lines) >= 25
    try:
        for line in lines:
            setup = situations.for_command(line)
            if setup is not None:
                setup()
            result = ficus(line, cli_env)
            # the runbook: `ficus gates` exits 4 when a gate fails; search has no shadow traffic
            expected = EXIT_GATE if line.startswith("ficus gates search") else 0
            assert result.returncode == expected, f"{line}\n{result.stdout}\n{result.stderr}"
    finally:
        for direction in ("writes", "reads"):
            state = control.get("/domains/customer")
            if state[direction]["stage"] != "legacy":
                body = {"direction": direction, "to": "legacy", "reason": "e2e: reset"}
                control.post("/domains/customer/rollback", body)
    audit = control.get("/audit", domain="catalog", limit=50)
    assert any(entry["forced"] for entry in audit)
    assert any("5xx spike" in entry["reason"] for entry in audit)


def test_demo_walks_every_stage_and_ends_at_legacy(cli_env: dict[str, str]) -> None:
    result = ficus("ficus demo --step-seconds 2", cli_env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failed; catalog reads end at legacy" in result.stdout
    for step in ("shadow", "canary", "new", "rollback"):
        assert step in result.stdout


# The sync-lag runbook's diagnosis and remedy commands that neither restart the stack nor run
# forever (`--watch`, `sync run`), in the runbook's order; each must still be in the runbook.
SYNC_LAG_STEPS = [
    "ficus lag",
    "ficus dlq list",
    "ficus dlq list --all",
    "ficus reconcile catalog",
    "ficus sync snapshot --table cataloginventory_stock_item",
    "ficus reconcile catalog",
    "ficus dlq replay",
]


def test_sync_lag_runbook_commands_run(cli_env: dict[str, str]) -> None:
    text = (ROOT / "runbooks" / "sync-lag.md").read_text()
    for line in SYNC_LAG_STEPS:
        assert f"uv run {line}" in text, f"the runbook no longer says `{line}`"
        result = ficus(line, cli_env, timeout=120)
        assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
        if line == "ficus reconcile catalog":
            assert "0 differences" in result.stdout
