"""Writes gates over real HTTP and the real control database: reverse sync's health from a real
server answering sync's documented shape, the customer service's own route manifest, the last
reconciliation recorded through the API. Missing evidence refuses; --force --reason overrides."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ficus_control.cli import app
from ficus_control.settings import ControlSettings
from tests.integration.control_plane.conftest import Tokens, bearer
from tests.integration.control_plane.writes_servers import Sync, healthy, serving, settings_with

pytestmark = pytest.mark.integration


@pytest.fixture
def sync() -> Iterator[Sync]:
    with serving(Sync()) as server:
        yield server


@pytest.fixture
def settings(control_db: str, sync: Sync) -> ControlSettings:
    return settings_with(control_db, sync)


class Api:
    def __init__(self, client: TestClient, tokens: Tokens) -> None:
        self.client, self.headers = client, bearer(tokens.operator)

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        response = self.client.post(f"/api/v1{path}", json=body, headers=self.headers)
        return response.status_code, response.json()

    def writes(self, stage: str, percent: int | None = None, **extra: Any) -> tuple[int, Any]:
        body = {"direction": "writes", "stage": stage, "percent": percent, **extra}
        return self.post("/domains/customer/cutover", body)

    def failed(self, stage: str, percent: int | None = None) -> dict[str, str]:
        status, body = self.writes(stage, percent)
        assert status == 409, body
        return {g["gate"]: g["measured"] for g in body["failed_gates"]}


@pytest.fixture
def api(client: TestClient, tokens: Tokens) -> Api:
    api = Api(client, tokens)
    for stage, percent in (("shadow", None), ("canary", 50), ("new", None)):
        body = {"direction": "reads", "stage": stage, "percent": percent, "force": True}
        assert api.post("/domains/customer/cutover", body | {"reason": "test"})[0] == 200
    return api


def test_writes_move_only_on_full_evidence(api: Api, sync: Sync) -> None:
    assert api.failed("dual", 10) == {"reconciliation": "no evidence (no reconciliation recorded)"}
    api.post("/reconciliations", {"domain": "customer", "sampled": 500, "mismatched": 3})
    assert api.failed("dual", 10)["reconciliation"].startswith("3 (500 samples")
    api.post("/reconciliations", {"domain": "customer", "sampled": 500, "mismatched": 0})
    status, state = api.writes("dual", 10)
    assert (status, state["writes"]["label"]) == (200, "dual 10%")

    sync.health = healthy(dlq=2, lag_seconds=7.5)
    assert api.failed("dual", 50) == {
        "reverse_dlq": "2", "reverse_lag": "7.5s (0 pending)",
    }  # fmt: skip
    sync.health = healthy(running=False, last_error="MySQL gone")
    assert "MySQL gone" in api.failed("dual", 50)["reverse_running"]
    sync.health = {}  # sync runs no reverse worker for customer
    assert set(api.failed("new")) == {"reverse_running", "reverse_dlq", "reverse_lag"}


def test_a_service_missing_a_write_route_is_refused(api: Api, sync: Sync) -> None:
    api.post("/reconciliations", {"domain": "customer", "sampled": 500, "mismatched": 0})
    routes = [r for r in sync.routes["routes"] if r["path"] != "/V1/addresses/{addressId}"]
    sync.routes = {"domain": "customer", "routes": routes}
    failed = api.failed("dual", 10)
    assert list(failed) == ["write_routes"]
    assert failed["write_routes"].startswith("1 (")  # one missing, of the table's write rows
    assert failed["write_routes"].endswith("samples, missing DELETE /V1/addresses/{})")
    sync.routes = {"detail": "Not Found"}
    assert "is not the manifest of 'customer'" in api.failed("dual", 10)["write_routes"]


def test_no_reverse_evidence_refuses_and_force_overrides_audited(
    api: Api, sync: Sync, client: TestClient, tokens: Tokens
) -> None:
    sync.health = "not the health document"
    failed = api.failed("dual", 10)
    assert "sync reports no reverse sync for 'customer'" in failed["reverse_running"]
    status, state = api.writes("dual", 10, force=True, reason="reverse sync checked by hand")
    assert (status, state["writes"]["label"]) == (200, "dual 10%")
    audit = client.get("/api/v1/audit?domain=customer&limit=1", headers=bearer(tokens.viewer))
    entry = audit.json()[0]
    assert entry["forced"] and entry["reason"] == "reverse sync checked by hand"
    assert entry["measured"]["writes"]["gates"][0]["gate"] == "reverse_running"


def test_gates_view_shows_the_writes_evidence(api: Api, client: TestClient, tokens: Tokens) -> None:
    view = client.get("/api/v1/gates/customer", headers=bearer(tokens.viewer)).json()
    writes = view["writes"]
    assert writes["reverse"]["running"] is True
    assert writes["write_routes"]["missing"] == []
    assert [g["gate"] for g in writes["gates"] if not g["passed"]] == ["reconciliation"]


def test_ficus_gates_shows_the_writes_gates(
    api: Api, api_url: str, tokens: Tokens, tmp_path: Path
) -> None:
    env = {
        "FICUS_CONTROL_API_URL": api_url, "FICUS_TOKEN": tokens.viewer,
        "FICUS_CONTROL_TOKEN_FILE": str(tmp_path / "no-token"), "COLUMNS": "250",
    }  # fmt: skip
    result = CliRunner().invoke(app, ["gates", "customer"], env=env)
    out = " ".join(result.output.split())
    assert "Gates for every forward move of customer writes" in out
    assert "│ reconciliation │ FAILED │ no evidence (no reconciliation recorded)" in out
    assert result.exit_code == 4  # the reads gates (no shadow traffic), as before
