"""Writes lanes in the control database: `dual N%` stored and audited, `writes_draining` kept,
stages refused per direction over the API, and migration 0004 mapping writes lanes stored at a
stage writes no longer have."""

from __future__ import annotations

from dataclasses import replace

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient

from ficus_contracts.cutover import Direction, Lane, Stage
from ficus_control.adapters.pg_cutover import PostgresCutoverStore
from ficus_control.bootstrap import Control
from ficus_control.cutover import CutoverService
from ficus_control.cutover.core.audit import Action, admin_entry
from ficus_control.provision import migrations_dir
from tests.integration.control_plane.conftest import Tokens, bearer

pytestmark = pytest.mark.integration


@pytest.fixture
def service(control: Control) -> CutoverService:
    return control.service


def test_dual_is_stored_audited_and_rolled_back(service: CutoverService) -> None:
    service.cutover("customer", Direction.READS, Lane(Stage.SHADOW), "t", True, "test")
    service.cutover("customer", Direction.READS, Lane(Stage.CANARY, 50), "t", True, "test")
    service.cutover("customer", Direction.READS, Lane(Stage.NEW), "t", True, "test")
    state = service.cutover("customer", Direction.WRITES, Lane(Stage.DUAL, 10), "t", True, "t")
    assert service.get("customer").writes == Lane(Stage.DUAL, 10) == state.writes
    moved = service.audit("customer", 1)[0].entry
    assert (moved.from_lane, moved.to_lane) == (Lane(), Lane(Stage.DUAL, 10))
    back = service.rollback("customer", Direction.WRITES, "t", reason="test", force=True)
    assert back.writes == Lane()
    assert service.verify_audit().ok


def test_writes_draining_is_stored_with_the_state(service: CutoverService) -> None:
    store = service.store
    assert isinstance(store, PostgresCutoverStore)
    state = service.get("customer")
    entry = admin_entry("t", Action.DRAIN, "customer", {"step": "start"})
    saved = store.commit(state.version, replace(state, writes_draining=True), entry)
    assert saved.writes_draining and service.get("customer").writes_draining
    assert service.audit("customer", 1)[0].entry.action is Action.DRAIN


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"direction": "writes", "stage": "canary", "percent": 5},
            "canary is not a stage of writes",
        ),
        ({"direction": "writes", "stage": "shadow"}, "shadow is not a stage of writes"),
        ({"direction": "reads", "stage": "dual", "percent": 5}, "dual is not a stage of reads"),
        ({"direction": "writes", "stage": "dual"}, "stage dual needs a percent"),
    ],
)
def test_api_refuses_a_stage_the_lane_does_not_have(
    client: TestClient, tokens: Tokens, body: dict[str, object], message: str
) -> None:
    headers = bearer(tokens.operator)
    response = client.post("/api/v1/domains/customer/cutover", json=body, headers=headers)
    assert response.status_code == 400, response.text
    assert message in response.json()["detail"]


def test_migration_maps_writes_lanes_writes_no_longer_have(postgres_url: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", postgres_url.replace("%", "%%"))
    command.upgrade(config, "0003_audit_chain")
    with psycopg.connect(postgres_url) as conn:
        conn.execute(
            "INSERT INTO cutover_state (domain, writes_stage, writes_percent, version) VALUES "
            "('catalog', 'shadow', 0, 3), ('customer', 'canary', 25, 7), ('order', 'new', 0, 1)"
        )
    command.upgrade(config, "head")
    with psycopg.connect(postgres_url) as conn:
        rows = conn.execute(
            "SELECT domain, writes_stage, writes_percent, version, writes_draining "
            "FROM cutover_state ORDER BY domain"
        ).fetchall()
    assert rows == [
        ("catalog", "legacy", 0, 4, False),
        ("customer", "dual", 25, 8, False),
        ("order", "new", 0, 1, False),
    ]
    command.downgrade(config, "0003_audit_chain")
    with psycopg.connect(postgres_url) as conn:
        row = conn.execute("SELECT writes_stage FROM cutover_state WHERE domain = 'customer'")
        assert row.fetchone() == ("canary",)
