"""The phase plan against the real control database: `GET /api/v1/plan`, forced steps, plan
loading, the CLI, plan gates on by default, the soak sampler. The walk through Phase 1 on real
signals is test_plan_walk.py."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ficus_contracts.criteria.model import Signal
from ficus_contracts.cutover import Direction, Lane, Stage
from ficus_control.adapters.proxy_metrics import HttpProxyMetrics
from ficus_control.bootstrap import Control, bootstrap
from ficus_control.errors import PlanRefused, TransitionRefused
from ficus_control.settings import ControlSettings
from ficus_devstack.process import wait_until
from tests.integration.control_plane.conftest import Tokens, seed_shadow
from tests.integration.control_plane.test_cli import Ficus, ficus  # noqa: F401 (the fixture)

pytestmark = pytest.mark.integration

# Phase 1 as in control/plan.yaml, with soaks and windows short enough for a test.
PLAN = """
phases:
  reads: &reads
    phase: 1
    name: reads
    steps:
      - step: reads-shadow
        lane: reads
        to: shadow
        exit:
          - {name: forward-lag, signal: forward_lag, threshold: "< 2s", soak: 1s}
          - {name: shadow-clean, signal: shadow_mismatch_rate, threshold: "<= 0.1%",
             min_samples: 1000}
      - step: reads-canary-10
        lane: reads
        to: canary 10
        exit:
          - {name: forward-lag, signal: forward_lag, threshold: "< 2s"}
          - {name: no-auto-disable, signal: auto_disable_free, threshold: ">= 2s"}
      - step: reads-canary-50
        lane: reads
        to: canary 50
        exit:
          - {name: consistency-check, signal: reconciliation_mismatches, threshold: "== 0",
             min_samples: 1000, max_age: 10m}
      - step: reads-new
        lane: reads
        to: new
        exit:
          - {name: reverse-dlq-empty, signal: reverse_dlq, threshold: "== 0"}
  dual: &dual
    phase: 2
    name: dual write
    steps:
      - {step: writes-dual-10, lane: writes, to: dual 10}
domains:
  - domain: catalog
    phases: [*reads, *dual]
  - domain: search
    phases: [*reads]
"""


@pytest.fixture
def settings(control_db: str, tmp_path: Path) -> ControlSettings:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    return ControlSettings(
        db_url=control_db,
        sync_url="http://sync.test",
        proxy_urls=("http://proxy.test",),
        plan_file=plan,
    )


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


class Api:
    def __init__(self, client: TestClient, tokens: Tokens) -> None:
        self.client, self.tokens = client, tokens

    def plan(self, domain: str = "catalog") -> dict[str, Any]:
        response = self.client.get(f"/api/v1/plan/{domain}", headers=self._auth(viewer=True))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def next(self, domain: str = "catalog", **body: Any) -> tuple[int, dict[str, Any]]:
        response = self.client.post(f"/api/v1/plan/{domain}/next", json=body, headers=self._auth())
        return response.status_code, response.json()

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(f"/api/v1{path}", json=body, headers=self._auth())
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def _auth(self, viewer: bool = False) -> dict[str, str]:
        token = self.tokens.viewer if viewer else self.tokens.operator
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(client: TestClient, tokens: Tokens) -> Api:
    return Api(client, tokens)


def _failed(body: dict[str, Any]) -> dict[str, str]:
    assert body["error"] == "PlanRefused", body
    return {c["name"]: c["status"] for c in body["failed_criteria"]}


def _criteria(view: dict[str, Any]) -> dict[str, str]:
    return {c["name"]: c["status"] for c in view["next"]["criteria"]}


def test_plan_shape_for_the_dashboard(api: Api, tokens: Tokens, client: TestClient) -> None:
    response = client.get("/api/v1/plan", headers={"Authorization": f"Bearer {tokens.viewer}"})
    assert response.status_code == 200
    plan = response.json()
    assert len(plan["version"]) == 16
    assert [d["domain"] for d in plan["domains"]] == ["catalog", "search"]
    catalog = plan["domains"][0]
    assert (catalog["phase"], catalog["step"]) == (1, "start")
    assert catalog["reads"]["label"] == "legacy"
    assert [s["status"] for s in catalog["steps"]] == ["todo"] * 5
    assert catalog["next"] == {
        "step": "reads-shadow", "command": "ficus plan next catalog", "ready": True,
        "criteria": [], "blocked": None,
    }  # fmt: skip
    assert client.get("/api/v1/plan").status_code == 401
    viewer_next = client.post(
        "/api/v1/plan/catalog/next", json={}, headers={"Authorization": f"Bearer {tokens.viewer}"}
    )
    assert viewer_next.status_code == 403


def test_forced_step_is_audited_with_the_criteria(api: Api, tokens: Tokens) -> None:
    api.next()
    api.next(force=True, reason="demo")
    audit = api.client.get(
        "/api/v1/audit", params={"domain": "catalog", "limit": 1},
        headers={"Authorization": f"Bearer {tokens.viewer}"},
    ).json()  # fmt: skip
    (entry,) = audit
    assert (entry["forced"], entry["reason"], entry["to_lane"]) == (True, "demo", "canary 10%")
    assert entry["measured"]["plan"]["at"] == "reads-shadow"
    statuses = {c["name"]: c["status"] for c in entry["measured"]["plan"]["criteria"]}
    assert statuses == {"forward-lag": "unmet", "shadow-clean": "no_evidence"}


def test_plan_load_refuses_unknown_words_and_stores_versions(api: Api, control_db: str) -> None:
    bad = PLAN.replace("signal: reverse_dlq", "signal: reverse_dql")
    response = api.client.post(
        "/api/v1/plan", json={"source": "bad.yaml", "text": bad}, headers=api._auth()
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "plan bad.yaml, domain 'catalog', step 'reads-new': unknown signal 'reverse_dql' "
        "(signals: forward_lag, reverse_lag, consistency_lag, shadow_mismatch_rate, "
        "read_success, read_p99, write_p99, auto_disable_free, reconciliation_mismatches, "
        "forward_dlq, reverse_dlq, conflicts, reverse_running, write_routes_missing)"
    )
    first = api.post("/plan", {"source": "p.yaml", "text": PLAN})
    assert first["new"] is True
    assert api.post("/plan", {"source": "p.yaml", "text": PLAN})["new"] is False


def _plain(out: str) -> str:
    """Rich's table borders as spaces, whitespace normalised."""
    return " ".join(re.sub(r"[\u2500-\u257f]", " ", out).split())


def test_ficus_plan_commands(ficus: Ficus, tmp_path: Path) -> None:  # noqa: F811
    code, out = ficus("plan")
    out = _plain(out)
    assert code == 0, out
    assert "catalog 1 start legacy legacy reads-shadow yes" in out
    assert "next: ficus plan next catalog" in out

    code, out = ficus("plan", "next", "catalog")
    assert (code, "✓ catalog: took step reads-shadow" in out) == (0, True), out
    code, out = ficus("plan", "next", "catalog")
    assert code == 4, out
    assert "refused by the plan (catalog at reads-shadow)" in out
    assert "shadow-clean no_evidence: measured no evidence (no shadow comparisons" in out

    out = _plain(ficus("plan")[1])
    assert "catalog: criteria for reads-canary-10" in out
    assert "shadow-clean no evidence no evidence (no shadow comparisons" in out
    code, out = ficus("gates", "catalog")
    assert "catalog: criteria for reads-canary-10" in out
    assert "(the gate policy's: the plan's criteria below gate this domain's moves)" in out

    assert ficus("plan", "next", "catalog", "--force")[0] == 2
    code, out = ficus("plan", "next", "catalog", "--force", "--reason", "demo")
    assert code == 0 and "(forced)" in out

    bad = tmp_path / "bad.yaml"
    bad.write_text(PLAN.replace("to: new", "to: neww"))
    code, out = ficus("plan", "load", str(bad))
    assert code == 2
    assert f"plan {bad}, domain 'catalog', step 'reads-new': unknown stage 'neww'" in out
    good = tmp_path / "good.yaml"
    good.write_text(PLAN)
    code, out = ficus("plan", "load", str(good))
    assert code == 0 and "loaded (stored)" in out


def test_a_domain_outside_the_plan_has_no_steps(api: Api) -> None:
    view = api.plan("cart")
    assert (view["phase"], view["step"], view["steps"], view["next"]) == (0, "start", [], None)
    status, body = api.next("cart")
    assert status == 400 and "cart is not in the plan" in body["detail"]
    assert api.next("warehouse")[0] == 404


def test_unreachable_proxy_metrics_are_no_evidence() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connection refused
        metrics = HttpProxyMetrics([f"http://127.0.0.1:{port}"], timeout=2.0)
        readings = metrics.read("catalog")
    metrics.close()
    assert readings[Signal.READ_SUCCESS].value is None
    assert f"proxy metrics unreachable at http://127.0.0.1:{port}/metrics" in (
        readings[Signal.READ_P99].missing or ""
    )


def test_plan_gates_are_on_by_default_so_ficus_cutover_is_gated_by_the_plan(
    control: Control, control_db: str, settings: ControlSettings
) -> None:
    assert settings.plan_gates is True  # nobody set FICUS_CONTROL_PLAN_GATES
    assert control.plan is not None
    assert bootstrap(settings).service.plan_gate is not None
    service, reads, writes = control.service, Direction.READS, Direction.WRITES
    service.cutover("catalog", reads, Lane(Stage.SHADOW), "a")  # start: nothing to prove
    seed_shadow(control_db, "catalog", 500, 0)  # the gate policy would pass, the plan wants 1000
    with pytest.raises(PlanRefused) as refused:
        service.cutover("catalog", reads, Lane(Stage.CANARY, 20), "a")
    assert "refused by the plan (catalog at reads-shadow)" in str(refused.value)
    assert "shadow-clean no_evidence" in str(refused.value)
    with pytest.raises(TransitionRefused):  # writes: not before reads are new, plan or not
        service.cutover("catalog", writes, Lane(Stage.DUAL, 10), "a")
    forced = service.cutover("catalog", reads, Lane(Stage.CANARY, 20), "a", True, "by hand")
    assert forced.reads == Lane(Stage.CANARY, 20)
    back = service.rollback("catalog", reads, "a", to=Lane(Stage.SHADOW))  # never gated
    assert back.reads == Lane(Stage.SHADOW)


def test_the_sampler_keeps_the_soak_clocks_while_nobody_looks(
    control: Control, control_db: str
) -> None:
    assert control.plan is not None
    control.service.cutover("catalog", Direction.READS, Lane(Stage.SHADOW), "a")

    def clocks() -> list[tuple[str, str]]:
        with psycopg.connect(control_db) as conn:
            return conn.execute("SELECT step, criterion FROM plan_soak").fetchall()

    stop = threading.Event()
    sampler = threading.Thread(target=control.plan.sample, args=(stop, 0.1))
    sampler.start()
    try:
        assert wait_until(lambda: clocks() == [("reads-shadow", "forward-lag")], 10)
    finally:
        stop.set()
        sampler.join(10)
