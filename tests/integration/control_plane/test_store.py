"""The cutover store against the real control database: transitions, audit, NOTIFY,
append-only audit log, optimistic concurrency, shadow windows, policy."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import psycopg
import pytest

from ficus_contracts.cutover import CUTOVER_CHANNEL, Direction, DomainCutover, Lane, Stage
from ficus_control.adapters.pg_cutover import PostgresCutoverStore
from ficus_control.bootstrap import Control
from ficus_control.cutover.core.audit import Action, AuditEntry
from ficus_control.cutover.core.gates import GatePolicy
from ficus_control.errors import ConcurrentChange, TransitionRefused, UnknownDomain
from ficus_control.provision import migrations_dir

pytestmark = pytest.mark.integration

R = Direction.READS


def _entry(domain: str, to: Lane) -> AuditEntry:
    return AuditEntry("t", domain, R, Action.CUTOVER, Lane(), to, "test")


def test_change_is_one_transaction_with_audit_and_notify(control_db: str, control: Control) -> None:
    with psycopg.connect(control_db, autocommit=True) as listener:
        listener.execute(f"LISTEN {CUTOVER_CHANNEL}")
        state = control.service.cutover("catalog", R, Lane(Stage.SHADOW), "cli:alice", reason="go")
        notifies = listener.notifies(timeout=5.0, stop_after=1)
        payloads = [n.payload for n in notifies]
    assert payloads == ["catalog"]
    assert (state.reads, state.version) == (Lane(Stage.SHADOW), 1)
    with psycopg.connect(control_db) as conn:
        row = conn.execute(
            "SELECT reads_stage, reads_percent, version FROM cutover_state WHERE domain='catalog'"
        ).fetchone()
        audit = conn.execute(
            "SELECT actor, direction, action, from_stage, to_stage, reason, forced FROM audit_log"
        ).fetchall()
    assert row == ("shadow", 0, 1)
    assert audit == [("cli:alice", "reads", "cutover", "legacy", "shadow", "go", False)]


@pytest.mark.usefixtures("clean_shadow")
def test_canary_percent_and_rollback_stored(control: Control) -> None:
    service = control.service
    service.cutover("catalog", R, Lane(Stage.SHADOW), "a")
    service.cutover("catalog", R, Lane(Stage.CANARY, 10), "a")
    service.cutover("catalog", R, Lane(Stage.CANARY, 50), "a")
    assert service.rollback("catalog", R, "a").reads == Lane(Stage.CANARY, 10)
    records = service.audit("catalog", 10)
    assert [(str(r.entry.from_lane), str(r.entry.to_lane)) for r in records] == [
        ("canary 50%", "canary 10%"),
        ("canary 10%", "canary 50%"),
        ("shadow", "canary 10%"),
        ("legacy", "shadow"),
    ]
    assert service.get("catalog").version == 4


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET reason = 'rewritten'", "DELETE FROM audit_log", "TRUNCATE audit_log"],
)
def test_audit_log_is_append_only(control_db: str, control: Control, statement: str) -> None:
    control.service.cutover("catalog", R, Lane(Stage.SHADOW), "a", reason="original")
    with (
        psycopg.connect(control_db) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"),
    ):
        conn.execute(statement)
    assert [r.entry.reason for r in control.service.audit("catalog", 5)] == ["original"]


def test_stale_version_is_refused(control_db: str) -> None:
    store = PostgresCutoverStore(control_db)
    first = store.commit(
        0, DomainCutover("catalog", reads=Lane(Stage.SHADOW)), _entry("catalog", Lane(Stage.SHADOW))
    )
    assert first.version == 1
    with pytest.raises(ConcurrentChange):
        store.commit(0, DomainCutover("catalog"), _entry("catalog", Lane()))
    assert len(store.audit("catalog", 10)) == 1


def test_unknown_domain_or_refused_move_changes_nothing(control_db: str, control: Control) -> None:
    with pytest.raises(UnknownDomain):
        control.service.cutover("warehouse", R, Lane(Stage.SHADOW), "a")
    with pytest.raises(TransitionRefused):
        control.service.cutover("catalog", R, Lane(Stage.NEW), "a")
    with psycopg.connect(control_db) as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM cutover_state), (SELECT count(*) FROM audit_log)"
        ).fetchone()
    assert counts == (0, 0)


def test_shadow_window_sums_the_latest_window(control_db: str) -> None:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    rows = [
        ("catalog", now, 100, 1),
        ("catalog", now - dt.timedelta(seconds=60), 50, 2),
        ("catalog", now - dt.timedelta(seconds=600), 1000, 900),  # outside the window
        ("search", now, 7, 7),
    ]
    with psycopg.connect(control_db) as conn:
        conn.cursor().executemany("INSERT INTO shadow_stat VALUES (%s, %s, %s, %s)", rows)
    store = PostgresCutoverStore(control_db)
    window = store.latest_window("catalog", 300)
    assert (window.compared, window.mismatched) == (150, 3)
    assert window.latest is not None
    empty = store.latest_window("customer", 300)
    assert (empty.compared, empty.mismatched, empty.latest) == (0, 0, None)


def test_policy_default_and_per_domain_override(control_db: str) -> None:
    with psycopg.connect(control_db) as conn:
        conn.execute(
            "INSERT INTO gate_policy (domain, max_lag_seconds, max_mismatch_rate, "
            "min_shadow_samples, window_seconds) VALUES ('search', 10, 0.05, 20, 60)"
        )
    store = PostgresCutoverStore(control_db)
    assert store.policy("catalog") == GatePolicy(2.0, 0.001, 100, 300)
    assert store.policy("search") == GatePolicy(10.0, 0.05, 20, 60)


def test_failed_audit_insert_leaves_state_untouched(control_db: str) -> None:
    store = PostgresCutoverStore(control_db)
    broken = AuditEntry(None, "catalog", R, Action.CUTOVER, Lane(), Lane(Stage.SHADOW))  # type: ignore[arg-type]
    with pytest.raises(psycopg.errors.NotNullViolation):
        store.commit(0, DomainCutover("catalog", reads=Lane(Stage.SHADOW)), broken)
    assert store.get("catalog") is None


def test_alembic_cli_upgrades_and_downgrades(postgres_url: str) -> None:
    """`alembic -c migrations/control/alembic.ini upgrade head` (URL from FICUS_CONTROL_DB_URL),
    idempotent, and reversible."""
    ini = str(migrations_dir() / "alembic.ini")
    env = {**os.environ, "FICUS_CONTROL_DB_URL": postgres_url}

    def alembic(*args: str) -> None:
        subprocess.run([sys.executable, "-m", "alembic", "-c", ini, *args], env=env, check=True)

    def tables() -> set[str]:
        with psycopg.connect(postgres_url) as conn:
            rows = conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        return {row[0] for row in rows} - {"alembic_version"}

    alembic("upgrade", "head")
    alembic("upgrade", "head")
    assert tables() >= {"cutover_state", "audit_log", "api_token", "shadow_stat", "gate_policy"}
    assert tables() >= {"plan_version", "plan_soak", "reconciliation"}
    alembic("downgrade", "base")
    assert tables() == set()
