"""`ficus rollback DOMAIN --writes` over the real control database and a real HTTP server that
answers sync's documented drain shape (`POST /v1/reverse/{domain}/drain?timeout=…` →
`{"drained", "pending"}`; sync's own endpoint is helper R's): the domain's row says draining
while sync drains (the proxies answer 503 meanwhile), then the lane flips, the outbox is
checked empty again, writes resume; a drain that times out leaves the lane."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from typer.testing import CliRunner

from ficus_contracts.cutover import Direction, Lane, Stage
from ficus_control.bootstrap import Control
from ficus_control.cli import app
from ficus_control.settings import ControlSettings
from tests.integration.control_plane.conftest import Tokens
from tests.integration.control_plane.writes_servers import Answer, Sync, serving, settings_with

pytestmark = pytest.mark.integration


@pytest.fixture
def sync() -> Iterator[Sync]:
    with serving(Sync()) as server:
        yield server


@pytest.fixture
def settings(control_db: str, sync: Sync) -> ControlSettings:
    return settings_with(control_db, sync)


@pytest.fixture
def at_dual(control: Control) -> None:
    service = control.service
    for lane in (Lane(Stage.SHADOW), Lane(Stage.CANARY, 50), Lane(Stage.NEW)):
        service.cutover("customer", Direction.READS, lane, "t", True, "test")
    service.cutover("customer", Direction.WRITES, Lane(Stage.DUAL, 40), "t", True, "test")


def row(db: str) -> tuple[str, int, bool]:
    with psycopg.connect(db) as conn:
        found = conn.execute(
            "SELECT writes_stage, writes_percent, writes_draining FROM cutover_state "
            "WHERE domain = 'customer'"
        ).fetchone()
    assert found is not None
    return found[0], found[1], found[2]


def ficus(api_url: str, tokens: Tokens, tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {
        "FICUS_CONTROL_API_URL": api_url, "FICUS_TOKEN": tokens.operator,
        "FICUS_CONTROL_TOKEN_FILE": str(tmp_path / "no-token"), "COLUMNS": "250",
    }  # fmt: skip
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, " ".join(result.output.split())


def audit(db: str) -> list[tuple[str, Any]]:
    with psycopg.connect(db) as conn:
        rows = conn.execute(
            "SELECT action, measured FROM audit_log WHERE domain = 'customer' "
            "AND (action = 'drain' OR direction = 'writes') ORDER BY id"
        ).fetchall()
    return [(r[0], r[1].get("step")) for r in rows]


@pytest.mark.usefixtures("at_dual")
def test_rollback_writes_drains_flips_checks_and_resumes(
    api_url: str, tokens: Tokens, tmp_path: Path, sync: Sync, control_db: str
) -> None:
    seen_while_draining: list[tuple[str, int, bool]] = []

    def drain(domain: str, timeout: float) -> Answer:
        seen_while_draining.append(row(control_db))
        return 200, {"drained": True, "pending": 0}

    sync.drain = drain
    code, out = ficus(
        api_url, tokens, tmp_path, "rollback", "customer", "--writes", "--reason", "drill"
    )
    assert code == 0, out
    assert "customer writes rolled back → legacy" in out
    assert row(control_db) == ("legacy", 0, False)
    # asked while the row said draining: before the flip, and the check after it
    assert seen_while_draining == [("dual", 40, True), ("legacy", 0, True)]
    drains = [t for m, t in sync.seen if m == "POST"]
    assert drains == [
        "/v1/reverse/customer/drain?timeout=30",
        "/v1/reverse/customer/drain?timeout=0",
    ]
    assert audit(control_db)[-3:] == [("drain", "start"), ("rollback", None), ("drain", "resume")]


@pytest.mark.usefixtures("at_dual")
def test_a_drain_that_times_out_leaves_the_lane_where_it_was(
    api_url: str, tokens: Tokens, tmp_path: Path, sync: Sync, control_db: str
) -> None:
    sync.drain = lambda domain, timeout: (200, {"drained": False, "pending": 7})
    code, out = ficus(
        api_url, tokens, tmp_path, "rollback", "customer", "--writes", "--drain-timeout", "1"
    )
    assert code == 3, out
    assert "were not rolled back" in out and "7 still pending" in out
    assert row(control_db) == ("dual", 40, False)
    assert audit(control_db)[-2:] == [("drain", "start"), ("drain", "failed")]


@pytest.mark.usefixtures("at_dual")
def test_sync_without_reverse_sync_for_the_domain_refuses_and_force_skips(
    api_url: str, tokens: Tokens, tmp_path: Path, sync: Sync, control_db: str
) -> None:
    sync.drain = lambda domain, timeout: (404, {"detail": "no reverse sync for domain 'customer'"})
    code, out = ficus(api_url, tokens, tmp_path, "rollback", "customer", "--writes")
    assert code == 3 and "no reverse sync for domain" in out, out
    code, out = ficus(
        api_url, tokens, tmp_path, "rollback", "customer", "--writes", "--force", "--reason", "x"
    )
    assert code == 0, out
    assert row(control_db) == ("legacy", 0, False)
