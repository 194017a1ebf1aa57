"""The `ficus` control-plane commands through typer's CliRunner, against a real uvicorn serving
the admin API over the real control database."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg
import pytest
from typer.testing import CliRunner, Result

from ficus_control.cli import app
from ficus_control.provision import ensure_cli_token
from ficus_devstack import Stack
from ficus_devstack.process import ManagedProcess, ProcessSpec, wait_until
from tests.integration.control_plane.conftest import Tokens, seed_shadow

pytestmark = pytest.mark.integration

Ficus = Callable[..., tuple[int, str]]


@pytest.fixture
def ficus(api_url: str, tokens: Tokens, tmp_path: Path) -> Ficus:
    """Run `ficus …` as an operator (or with `env` overrides); output is whitespace-normalised."""

    def run(*args: str, **env: str) -> tuple[int, str]:
        base = {
            "FICUS_CONTROL_API_URL": api_url,
            "FICUS_TOKEN": tokens.operator,
            "FICUS_CONTROL_TOKEN_FILE": str(tmp_path / "no-token"),
            "COLUMNS": "250",
        }
        result: Result = CliRunner().invoke(app, list(args), env={**base, **env})
        return result.exit_code, " ".join(result.output.split())

    return run


def _reads(db: str) -> tuple[str, int] | None:
    with psycopg.connect(db) as conn:
        row = conn.execute(
            "SELECT reads_stage, reads_percent FROM cutover_state WHERE domain = 'catalog'"
        ).fetchone()
    return (row[0], row[1]) if row else None


def _audit_count(db: str) -> int:
    with psycopg.connect(db) as conn:
        row = conn.execute(
            "SELECT count(*) FROM audit_log WHERE action NOT LIKE 'token-%'"
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_walk_gates_force_and_rollback(ficus: Ficus, control_db: str) -> None:
    code, out = ficus("cutover", "catalog", "--reads", "shadow")
    assert (code, _reads(control_db)) == (0, ("shadow", 0)), out
    assert "catalog reads → shadow" in out

    code, out = ficus("cutover", "catalog", "--reads", "canary", "--percent", "10")
    assert code == 4, out
    assert "shadow_mismatch no_evidence: measured no evidence (no shadow comparisons" in out
    assert _reads(control_db) == ("shadow", 0)

    code, out = ficus("gates", "catalog")
    assert code == 4 and "forward_lag" in out and "FAILED" in out, out

    seed_shadow(control_db, "catalog", 300, 0)
    code, out = ficus("gates", "catalog")
    assert code == 0, out
    code, out = ficus("cutover", "catalog", "--reads", "canary", "--percent", "10")
    assert (code, _reads(control_db)) == (0, ("canary", 10)), out

    seed_shadow(control_db, "catalog", 0, 50)
    code, out = ficus(
        "cutover", "catalog", "--reads", "canary", "--percent", "50", "--force", "--reason", "demo"
    )
    assert (code, _reads(control_db)) == (0, ("canary", 50)), out

    code, out = ficus("rollback", "catalog")
    assert (code, _reads(control_db)) == (0, ("canary", 10)), out
    code, out = ficus("rollback", "catalog", "--reads", "--to", "legacy", "--reason", "done")
    assert (code, _reads(control_db)) == (0, ("legacy", 0)), out

    code, out = ficus("audit", "--domain", "catalog", "--limit", "10", "--measured")
    assert code == 0, out
    assert "(forced)" in out and "canary 50% → canary 10%" in out and "demo" in out
    assert '"mismatched": 50' in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("cutover", "warehouse", "--reads", "shadow"), 2, "unknown domain 'warehouse'"),
        (("cutover", "catalog", "--reads", "sideways"), 2, "Invalid value for '--reads'"),
        (("cutover", "catalog", "--reads", "canary", "--percent", "0"), 2, "within 1..99, got 0"),
        (("cutover", "catalog", "--reads", "canary"), 2, "needs a percent"),
        (("cutover", "catalog", "--reads", "shadow", "--percent", "5"), 2, "only to canary"),
        (("cutover", "catalog"), 2, "say what moves"),
        (("cutover", "catalog", "--reads", "new"), 3, "stages advance one at a time"),
        (("cutover", "catalog", "--writes", "dual", "--percent", "5"), 3, "reads are at new"),
        (
            ("cutover", "catalog", "--writes", "canary", "--percent", "5"),
            2,
            "not a stage of writes",
        ),
        (("cutover", "catalog", "--writes", "shadow"), 2, "shadow is not a stage of writes"),
        (("cutover", "catalog", "--reads", "dual", "--percent", "5"), 2, "not a stage of reads"),
        (("rollback", "catalog"), 3, "nothing to roll back"),
        (("rollback", "catalog", "--reads", "--writes"), 2, "one lane at a time"),
        (("reenable", "catalog"), 3, "not tripped"),
        (("audit", "--limit", "0"), 2, "limit must be within 1..1000"),
        (("gates", "warehouse"), 2, "unknown domain"),
    ],
)
def test_bad_input_exits_non_zero_without_change(
    ficus: Ficus, control_db: str, args: tuple[str, ...], code: int, message: str
) -> None:
    got, out = ficus(*args)
    assert got == code, out
    assert message in out
    assert (_reads(control_db), _audit_count(control_db)) == (None, 0)


def test_viewer_token_cannot_change(ficus: Ficus, tokens: Tokens, control_db: str) -> None:
    code, out = ficus("cutover", "catalog", "--reads", "shadow", FICUS_TOKEN=tokens.viewer)
    assert code == 5 and "viewer token" in out, out
    code, out = ficus("domains", FICUS_TOKEN=tokens.viewer)
    assert code == 0 and "catalog" in out, out
    assert _reads(control_db) is None


def test_missing_or_bad_token_and_unreachable_api(ficus: Ficus, tmp_path: Path) -> None:
    code, out = ficus("domains", FICUS_TOKEN="")
    assert code == 6 and "no API token" in out, out
    code, out = ficus("domains", FICUS_TOKEN="ficus_wrong")
    assert code == 5 and "invalid or revoked token" in out, out
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
        code, out = ficus("domains", FICUS_CONTROL_API_URL=dead)
    assert code == 6 and "unreachable" in out, out


def test_token_file_written_by_up_is_used(ficus: Ficus, control_db: str, tmp_path: Path) -> None:
    path = tmp_path / "control" / "cli-token"
    token = ensure_cli_token(control_db, path)
    assert ensure_cli_token(control_db, path) == token  # kept while valid
    assert path.stat().st_mode & 0o777 == 0o600
    code, out = ficus(
        "cutover",
        "catalog",
        "--reads",
        "shadow",
        FICUS_TOKEN="",
        FICUS_CONTROL_TOKEN_FILE=str(path),
    )
    assert code == 0, out


def test_token_create_prints_a_working_token(ficus: Ficus, control_db: str) -> None:
    code, out = ficus(
        "token", "create", "--name", "carol", "--role", "viewer", FICUS_CONTROL_DB_URL=control_db
    )
    assert code == 0, out
    token = next(word for word in out.split() if word.startswith("ficus_"))
    code, out = ficus("audit", FICUS_TOKEN=token)
    assert code == 0, out
    code, out = ficus(
        "token", "create", "--name", "x", "--role", "admin", FICUS_CONTROL_DB_URL=control_db
    )
    assert code == 2 and "Invalid value for '--role'" in out


@pytest.mark.usefixtures("clean_shadow")
def test_trip_shows_in_domains_then_reenable(
    ficus: Ficus, control_db: str, api_url: str, tokens: Tokens
) -> None:
    ficus("cutover", "catalog", "--reads", "shadow")
    response = httpx.post(
        f"{api_url}/api/v1/domains/catalog/trip",
        json={"direction": "reads", "reason": "3 consecutive failures"},
        headers={"Authorization": f"Bearer {tokens.operator}"},
    )
    assert response.status_code == 200
    code, out = ficus("domains")
    assert code == 0 and "TRIPPED" in out, out
    code, out = ficus("reenable", "catalog", "--reason", "fixed")
    assert code == 0 and "re-enabled" in out, out


def test_diff_renders_proxy_figures(ficus: Ficus) -> None:
    code, out = ficus("diff", "catalog")
    assert code == 0, out
    assert "domains.catalog.window.mismatch_rate │ 0.025" in out
    assert "/V1/products/x" in out and "$.price" in out
    assert "domains.catalog.by_route./V1/products/{sku}.4xx/4xx.compared │ 900" in out
    assert "Learned noise" in out
    assert "│ /V1/products/{sku} │ $.nonce │ ignored │ 4 / 3 │ 3590s │" in out
    assert "news_from_date].value │ candidate │ 1 / 3" in out


def test_status_adds_the_cutover_table(ficus: Ficus, control_db: str, stack: Stack) -> None:
    ficus("cutover", "catalog", "--reads", "shadow")
    s = stack.settings
    code, out = ficus(
        "status",
        FICUS_HOME=str(s.home),
        FICUS_MARIADB_PORT=str(s.mariadb_port),
        FICUS_POSTGRES_PORT=str(s.postgres_port),
        FICUS_CONTROL_DB_URL=control_db,
    )
    # only the engines run in the test session, so the services show as stopped: exit 1
    assert code == 1, out
    assert "│ mariadb │ running" in out and "│ proxy │ stopped" in out
    assert "Ficus local stack" in out and "Cutover state" in out
    assert "│ catalog │ shadow │ legacy │" in out


def test_serve_runs_the_admin_api(control_db: str, tokens: Tokens, tmp_path: Path) -> None:
    """`python -m ficus_control serve`, as `ficus up` starts it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "FICUS_CONTROL_DB_URL": control_db}
    process = ManagedProcess(
        ProcessSpec(
            name="control-test",
            argv=[sys.executable, "-m", "ficus_control", "serve", "--port", str(port)],
            pidfile=tmp_path / "control.pid",
            logfile=tmp_path / "control.log",
            env=env,
        )
    )
    process.start()
    try:
        url = f"http://127.0.0.1:{port}"
        assert wait_until(lambda: _answers(f"{url}/healthz"), 20.0), process.log_tail()
        response = httpx.get(
            f"{url}/api/v1/domains/catalog", headers={"Authorization": f"Bearer {tokens.viewer}"}
        )
        assert response.json()["reads"]["stage"] == "legacy"
    finally:
        process.stop(timeout=10)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False
