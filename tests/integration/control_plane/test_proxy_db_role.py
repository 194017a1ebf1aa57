"""The proxy's own role on the control database (`ensure_proxy_db_role`, as `ficus up`
provisions it): it can do exactly what the proxy does — LISTEN for cutover changes, read
cutover_state, add to shadow_stat — and nothing else."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from psycopg import errors
from typer.testing import CliRunner

from ficus_contracts.cutover import CUTOVER_CHANNEL
from ficus_control.cli import app as cli
from ficus_control.provision import PROXY_DB_ROLE, _with_user, ensure_proxy_db_role
from ficus_proxy.cutover.listener import _SELECT as PROXY_READS_STATE
from ficus_proxy.shadow.stats import _UPSERT as PROXY_ADDS_SHADOW_STATS

pytestmark = pytest.mark.integration

REFUSED = [
    ("SELECT * FROM audit_log", ()),
    ("SELECT * FROM api_token", ()),
    ("SELECT * FROM gate_policy", ()),
    ("UPDATE cutover_state SET reads_stage = 'new'", ()),
    ("INSERT INTO cutover_state (domain) VALUES ('catalog')", ()),
    ("DELETE FROM shadow_stat", ()),
    ("INSERT INTO audit_log (actor, domain, action, prev_hash, hash) "
     "VALUES ('proxy:auto', '', 'token-create', '', '')", ()),
    ("CREATE TABLE mine (x int)", ()),
]  # fmt: skip


@pytest.fixture
def proxy_url(control_db: str, tmp_path: Path) -> str:
    return ensure_proxy_db_role(control_db, tmp_path / "proxy-db-password")


def test_the_proxy_role_does_what_the_proxy_does(proxy_url: str, control_db: str) -> None:
    assert f"{PROXY_DB_ROLE}:" in proxy_url
    with psycopg.connect(proxy_url, autocommit=True) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (PROXY_DB_ROLE,)
        conn.execute(f"LISTEN {CUTOVER_CHANNEL}")
        assert conn.execute(PROXY_READS_STATE).fetchall() == []
        for _ in range(2):
            conn.execute(PROXY_ADDS_SHADOW_STATS, ("catalog", "2026-12-07T14:00:00Z", 3, 1))
    with psycopg.connect(control_db) as conn:
        assert conn.execute("SELECT compared, mismatched FROM shadow_stat").fetchall() == [(6, 2)]


@pytest.mark.parametrize(("statement", "params"), REFUSED)
def test_and_nothing_else(proxy_url: str, statement: str, params: tuple[object, ...]) -> None:
    with psycopg.connect(proxy_url) as conn, pytest.raises(errors.InsufficientPrivilege):
        conn.execute(statement, params)


def test_provisioning_is_idempotent(control_db: str, tmp_path: Path) -> None:
    first = ensure_proxy_db_role(control_db, tmp_path / "pw")
    assert ensure_proxy_db_role(control_db, tmp_path / "pw") == first
    assert (tmp_path / "pw").stat().st_mode & 0o777 == 0o600


def test_ficus_proxy_role_provisions_what_compose_gives_the_proxy(
    control_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docker-compose's one-shot (`ficus proxy-role`): the role it leaves can read the state and
    cannot move a cutover."""
    monkeypatch.setenv("FICUS_CONTROL_DB_URL", control_db)
    monkeypatch.setenv("PROXY_DB_PASSWORD", "compose-secret")
    result = CliRunner().invoke(cli, ["proxy-role"])
    assert result.exit_code == 0, result.output
    proxy_url = _with_user(control_db, PROXY_DB_ROLE, "compose-secret")
    with psycopg.connect(proxy_url, autocommit=True) as conn:
        assert conn.execute(PROXY_READS_STATE).fetchall() == []
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE cutover_state SET reads_stage = 'new'")
    monkeypatch.setenv("PROXY_DB_PASSWORD", "")
    assert CliRunner().invoke(cli, ["proxy-role"]).exit_code != 0  # no password, no role
