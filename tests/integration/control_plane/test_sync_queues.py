"""The forward DLQ and the conflict queue measured for real: a dead letter written by sync's own
`add_dead_letter` in sync's Postgres (after its migrations) and an open conflict written by
reverse sync's own ledger in Magento's MariaDB, counted by sync's `GET /v1/queues`
(`QueueCounts` behind sync's HTTP app, served by uvicorn), read by control's signal collector as
`bootstrap` builds it, judged by the one evaluator with the plan's criteria."""

# ruff: noqa: F811 - mysql_url is the sync tests' fixture

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pymysql
import pytest

from ficus_contracts.criteria.evaluate import SignalSnapshot, Status, evaluate
from ficus_contracts.criteria.model import Criterion, Op, Signal
from ficus_contracts.reverse import OutboxRow
from ficus_control.bootstrap import Control, bootstrap
from ficus_control.settings import ControlSettings
from ficus_devstack import Stack
from ficus_sync import database
from ficus_sync.migration import run_migrations
from ficus_sync.queues import QueueCounts
from ficus_sync.reverse import ledger
from ficus_sync.reverse.core.merge import Conflict
from tests.integration.control_plane.conftest import migrated_database
from tests.integration.control_plane.test_plan_walk import Sync, serving
from tests.integration.sync.conftest import mysql_url  # noqa: F401 - a fixture

pytestmark = pytest.mark.integration

CRITERIA = [
    Criterion("forward-dlq-empty", Signal.FORWARD_DLQ, Op.EQ, 0, "== 0"),
    Criterion("no-conflicts", Signal.CONFLICTS, Op.EQ, 0, "== 0"),
]
NEEDED = {Signal.FORWARD_DLQ, Signal.CONFLICTS}


@pytest.fixture
def sync_db(stack: Stack) -> Iterator[str]:
    with migrated_database(stack, run_migrations) as url:
        yield url


@pytest.fixture
def control(control_db: str, sync_db: str, mysql_url: str) -> Iterator[Control]:
    with serving(Sync(QueueCounts(sync_db, mysql_url))) as sync:
        built = bootstrap(ControlSettings(db_url=control_db, sync_url=sync.url))
        yield built
        built.close()


def judged(control: Control, domain: str) -> dict[str, tuple[Status, str | None]]:
    assert control.plan is not None
    snapshot = SignalSnapshot(control.plan.signals.readings(domain, NEEDED))
    return {r.name: (r.status, r.measured) for r in evaluate(CRITERIA, snapshot)}


def poison(sync_db: str) -> None:
    """What the pipeline does with an event it cannot apply."""
    with psycopg.connect(sync_db, autocommit=True) as conn:
        raw = {"op": "u", "after": {"entity_id": "not a number"}}
        database.add_dead_letter(conn, "binlog", "catalog_product_entity", "poison", raw)


def replayed(sync_db: str) -> None:
    with psycopg.connect(sync_db, autocommit=True) as conn:
        database.mark_replayed(conn, [row[0] for row in database.dead_letters(conn)])


def open_conflict(mariadb_conn: pymysql.Connection) -> int:  # type: ignore[type-arg]
    """What the reverse worker writes when a manual field changed on both sides."""
    ledger.ensure(mariadb_conn)
    row = OutboxRow(
        id=7, aggregate="customer", entity_id=1, kind="upserted", payload={}, base={}, hlc=1,
        service_version=1,
    )  # fmt: skip
    conflict = Conflict("email", "a@example.com", "b@example.com", "magento", "manual", True)
    ledger.record_conflicts(mariadb_conn, "customer", row, [conflict])
    mariadb_conn.commit()
    return ledger.conflicts(mariadb_conn, "customer", open_only=True)[0].id


def test_a_poison_event_fails_forward_dlq_until_replayed(control: Control, sync_db: str) -> None:
    assert judged(control, "catalog")["forward-dlq-empty"] == (Status.MET, "0")
    poison(sync_db)
    poison(sync_db)
    assert judged(control, "catalog")["forward-dlq-empty"] == (Status.UNMET, "2")
    assert judged(control, "search")["forward-dlq-empty"] == (Status.UNMET, "2")
    assert judged(control, "customer")["forward-dlq-empty"] == (Status.MET, "0")
    replayed(sync_db)
    assert judged(control, "catalog")["forward-dlq-empty"] == (Status.MET, "0")


def test_an_open_conflict_fails_its_criterion_until_resolved(
    control: Control,
    mariadb_conn: pymysql.Connection,  # type: ignore[type-arg]
) -> None:
    assert judged(control, "customer")["no-conflicts"] == (Status.MET, "0")  # no table yet
    conflict_id = open_conflict(mariadb_conn)
    assert judged(control, "customer")["no-conflicts"] == (Status.UNMET, "1")
    assert judged(control, "catalog")["no-conflicts"] == (Status.MET, "0")
    ledger.close_conflict(mariadb_conn, conflict_id, "operator")
    mariadb_conn.commit()
    assert judged(control, "customer")["no-conflicts"] == (Status.MET, "0")


def test_sync_away_is_no_evidence(control_db: str) -> None:
    built = bootstrap(ControlSettings(db_url=control_db, sync_url="http://127.0.0.1:9"))
    try:
        results = judged(built, "customer")
    finally:
        built.close()
    assert {status for status, _ in results.values()} == {Status.NO_EVIDENCE}
    assert "sync's queues unreadable" in (results["no-conflicts"][1] or "")


def test_an_unreadable_database_is_no_evidence(control_db: str, sync_db: str) -> None:
    unreachable = "mysql://nobody:nothing@127.0.0.1:9/magento"
    with serving(Sync(QueueCounts(sync_db, unreachable))) as sync:
        built = bootstrap(ControlSettings(db_url=control_db, sync_url=sync.url))
        try:
            results = judged(built, "catalog")
        finally:
            built.close()
    assert results["forward-dlq-empty"][0] is Status.NO_EVIDENCE
    assert "503" in (results["forward-dlq-empty"][1] or "")
