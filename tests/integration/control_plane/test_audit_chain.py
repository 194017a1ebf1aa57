"""The audit log's hash chain on the real control database: every write path chains, concurrent
writers do not fork the chain, the migration chains rows written before it, and a row edited
or removed behind the API's back (the append-only trigger disabled, as a superuser could) is
named by GET /api/v1/audit/verify and `ficus audit --verify`."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ficus_contracts.cutover import Direction, Lane, Stage
from ficus_control.adapters.pg_cutover import PostgresCutoverStore
from ficus_control.adapters.pg_tokens import PostgresTokenStore
from ficus_control.bootstrap import Control
from ficus_control.cli import app as cli
from ficus_control.cutover.core.gates import GatePolicy
from ficus_control.provision import migrations_dir
from ficus_control.tokens import Role
from tests.integration.control_plane.conftest import Tokens, bearer

pytestmark = pytest.mark.integration


def _verify(client: TestClient, tokens: Tokens) -> dict[str, object]:
    response = client.get("/api/v1/audit/verify", headers=bearer(tokens.operator))
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


def _behind_the_apis_back(db: str, statement: str, params: tuple[object, ...]) -> None:
    with psycopg.connect(db) as conn:
        conn.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        conn.execute(statement, params)
        conn.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")


def _ids(db: str) -> list[int]:
    with psycopg.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM audit_log ORDER BY id")]


def _write_a_history(control: Control, tokens: Tokens) -> None:
    service = control.service
    service.cutover("catalog", Direction.READS, Lane(Stage.SHADOW), "token:ops", note="cli:a")
    service.trip("catalog", Direction.READS, "proxy:auto", "5xx", {"rate": 0.5, "n": 1e20})
    service.set_policy("*", GatePolicy(max_lag_seconds=3.0), "token:ops")
    control.tokens.revoke("dash")
    service.reenable("catalog", "token:ops", "fixed", note="ünïcode ✓")


def test_every_write_path_chains_and_verifies(
    client: TestClient, tokens: Tokens, control: Control, control_db: str
) -> None:
    _write_a_history(control, tokens)
    report = _verify(client, tokens)
    assert report["ok"] is True, report
    assert report["rows"] == len(_ids(control_db)) == 3 + 5  # the fixture's 3 tokens, 5 here


def test_an_edited_row_is_named_by_the_api_and_the_cli(
    client: TestClient, tokens: Tokens, control: Control, control_db: str, api_url: str,
    tmp_path: Path,
) -> None:  # fmt: skip
    _write_a_history(control, tokens)
    victim = _ids(control_db)[4]
    _behind_the_apis_back(
        control_db, "UPDATE audit_log SET actor = 'token:someone-else' WHERE id = %s", (victim,)
    )
    report = _verify(client, tokens)
    assert (report["ok"], report["broken_id"]) == (False, victim)
    env = {
        "FICUS_CONTROL_API_URL": api_url,
        "FICUS_TOKEN": tokens.operator,
        "FICUS_CONTROL_TOKEN_FILE": str(tmp_path / "none"),
        "COLUMNS": "200",
    }
    result = CliRunner().invoke(cli, ["audit", "--verify"], env=env)
    assert result.exit_code == 1
    assert f"audit row {victim}" in " ".join(result.output.split())
    assert "TAMPERED" in result.output


def test_a_removed_row_is_named_and_an_intact_log_passes_the_cli(
    client: TestClient, tokens: Tokens, control: Control, control_db: str, api_url: str,
    tmp_path: Path,
) -> None:  # fmt: skip
    _write_a_history(control, tokens)
    env = {"FICUS_CONTROL_API_URL": api_url, "FICUS_TOKEN": tokens.operator,
           "FICUS_CONTROL_TOKEN_FILE": str(tmp_path / "none")}  # fmt: skip
    intact = CliRunner().invoke(cli, ["audit", "--verify"], env=env)
    assert (intact.exit_code, "intact" in intact.output) == (0, True), intact.output
    ids = _ids(control_db)
    _behind_the_apis_back(control_db, "DELETE FROM audit_log WHERE id = %s", (ids[3],))
    report = _verify(client, tokens)
    assert report["broken_id"] == ids[4]


def test_concurrent_writers_do_not_fork_the_chain(control_db: str) -> None:
    store = PostgresTokenStore(control_db)
    cutover = PostgresCutoverStore(control_db)
    start = threading.Barrier(8)

    def write(i: int) -> None:
        start.wait()
        for n in range(5):
            store.create(f"t{i}-{n}", Role.VIEWER)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    report = cutover.verify_audit()
    assert (report.ok, report.rows) == (True, 40)
    with psycopg.connect(control_db) as conn:
        forks = conn.execute(
            "SELECT count(*) FROM (SELECT prev_hash FROM audit_log GROUP BY prev_hash "
            "HAVING count(*) > 1) AS f"
        ).fetchone()
    assert forks == (0,)


def _alembic(db_url: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", db_url.replace("%", "%%"))
    command.upgrade(config, revision)


def test_the_migration_chains_rows_written_before_it(postgres_url: str) -> None:
    _alembic(postgres_url, "0002_plan")
    with psycopg.connect(postgres_url) as conn:
        for i in range(3):
            conn.execute(
                "INSERT INTO audit_log (actor, domain, direction, action, from_stage, to_stage, "
                "reason, measured) VALUES ('cli:old', 'catalog', 'reads', 'cutover', 'legacy', "
                "'shadow', %s, %s::jsonb)",
                (f"before {i}", '{"x": [1, 2.50, {"b": 1, "a": null}]}'),
            )
    _alembic(postgres_url, "head")
    store = PostgresCutoverStore(postgres_url)
    assert store.verify_audit().rows == 3
    PostgresTokenStore(postgres_url).create("after", Role.VIEWER)
    report = store.verify_audit()
    assert (report.ok, report.rows) == (True, 4)
    assert [r.entry.note for r in store.audit("catalog", 5)] == ["", "", ""]
