"""The admin API through the real FastAPI app and the real control database: tokens, roles,
bad input, and each change endpoint."""

from __future__ import annotations

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.integration.control_plane.conftest import Tokens, bearer

pytestmark = pytest.mark.integration


SHADOW = {"direction": "reads", "stage": "shadow"}


def _counts(db: str) -> tuple[int, int]:
    with psycopg.connect(db) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM cutover_state), "
            "(SELECT count(*) FROM audit_log WHERE action NOT LIKE 'token-%')"
        ).fetchone()
    assert row is not None
    return row[0], row[1]


def test_healthz_needs_no_token(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"ok": True}


@pytest.mark.parametrize("headers", [{}, bearer("ficus_not-a-token"), {"Authorization": "Basic x"}])
def test_no_or_invalid_token_is_401(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get("/api/v1/domains", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_viewer_reads_but_cannot_change(
    client: TestClient, tokens: Tokens, control_db: str
) -> None:
    listed = client.get("/api/v1/domains", headers=bearer(tokens.viewer))
    assert listed.status_code == 200
    assert "catalog" in [d["domain"] for d in listed.json()]
    for path, body in [
        ("cutover", SHADOW),
        ("rollback", {"direction": "reads"}),
        ("trip", {"reason": "x"}),
        ("reenable", {}),
    ]:
        response = client.post(
            f"/api/v1/domains/catalog/{path}", json=body, headers=bearer(tokens.viewer)
        )
        assert response.status_code == 403, path
        assert "viewer token" in response.json()["detail"]
    assert _counts(control_db) == (0, 0)


def test_operator_changes_and_audit_names_token(client: TestClient, tokens: Tokens) -> None:
    response = client.post(
        "/api/v1/domains/catalog/cutover", json=SHADOW, headers=bearer(tokens.operator)
    )
    assert response.status_code == 200
    assert response.json()["reads"] == {
        "stage": "shadow",
        "percent": 0,
        "share_new": 0,
        "label": "shadow",
    }
    audit = client.get("/api/v1/audit", params={"domain": "catalog"}, headers=bearer(tokens.viewer))
    assert [(a["actor"], a["to_lane"]) for a in audit.json()] == [("token:ops", "shadow")]


@pytest.mark.parametrize(
    ("path", "body", "status", "detail"),
    [
        ("/api/v1/domains/warehouse/cutover", SHADOW, 404, "unknown domain 'warehouse'"),
        (
            "/api/v1/domains/catalog/cutover",
            {"direction": "reads", "stage": "sideways"},
            422,
            "stage",
        ),
        (
            "/api/v1/domains/catalog/cutover",
            {"direction": "up", "stage": "shadow"},
            422,
            "direction",
        ),
        (
            "/api/v1/domains/catalog/cutover",
            {"direction": "reads", "stage": "canary", "percent": 150},
            400,
            "canary percent must be within 1..99, got 150",
        ),
        (
            "/api/v1/domains/catalog/cutover",
            {"direction": "reads", "stage": "new"},
            409,
            "cannot go from legacy to new",
        ),
        ("/api/v1/domains/catalog/rollback", {"direction": "reads"}, 409, "nothing to roll back"),
        (
            "/api/v1/domains/catalog/rollback",
            {"direction": "reads", "percent": 10},
            400,
            "needs a target stage",
        ),
        ("/api/v1/domains/catalog/trip", {"direction": "writes", "reason": "x"}, 400, "only reads"),
    ],
)
def test_bad_input_is_refused_precisely_without_change(
    client: TestClient,
    tokens: Tokens,
    control_db: str,
    path: str,
    body: dict[str, object],
    status: int,
    detail: str,
) -> None:
    response = client.post(path, json=body, headers=bearer(tokens.operator))
    assert response.status_code == status
    assert detail in str(response.json()["detail"])
    assert _counts(control_db) == (0, 0)


def test_gate_refusal_is_409_with_failed_gates(client: TestClient, tokens: Tokens) -> None:
    client.post("/api/v1/domains/catalog/cutover", json=SHADOW, headers=bearer(tokens.operator))
    response = client.post(
        "/api/v1/domains/catalog/cutover",
        json={"direction": "reads", "stage": "canary", "percent": 10},
        headers=bearer(tokens.operator),
    )
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "GateRefused"
    assert body["failed_gates"][0]["gate"] == "shadow_mismatch"
    assert "no shadow comparisons" in body["failed_gates"][0]["measured"]


@pytest.mark.usefixtures("clean_shadow")
def test_proxy_trip_and_auto_rollback(client: TestClient, tokens: Tokens) -> None:
    op = bearer(tokens.operator)
    for body in (SHADOW, {"direction": "reads", "stage": "canary", "percent": 20}):
        assert (
            client.post("/api/v1/domains/catalog/cutover", json=body, headers=op).status_code == 200
        )
    trip = {"direction": "reads", "reason": "3 consecutive failures", "measured": {"failures": 3}}
    tripped = client.post("/api/v1/domains/catalog/trip", json=trip, headers=op).json()
    assert tripped["reads_fail_open_tripped"] is True
    rollback = {
        "direction": "reads",
        "reason": "error budget",
        "actor": "proxy:auto",
        "measured": {"error_rate": 0.2, "p99_ms": 812.0},
    }
    proxy = bearer(tokens.proxy)
    rolled = client.post("/api/v1/domains/catalog/rollback", json=rollback, headers=proxy).json()
    assert rolled["reads"]["label"] == "shadow"
    reenabled = client.post("/api/v1/domains/catalog/reenable", json={"reason": "ok"}, headers=op)
    assert reenabled.json()["reads_fail_open_tripped"] is False
    audit = client.get("/api/v1/audit", params={"domain": "catalog", "limit": 3}, headers=op).json()
    assert [a["action"] for a in audit] == ["reenable", "rollback", "trip"]
    assert audit[1]["actor"] == "proxy:auto"
    assert audit[1]["measured"] == {"error_rate": 0.2, "p99_ms": 812.0}


def test_gates_and_diff_views(client: TestClient, tokens: Tokens) -> None:
    gates = client.get("/api/v1/gates/catalog", headers=bearer(tokens.viewer)).json()
    assert [g["gate"] for g in gates["gates"]] == ["forward_lag", "shadow_mismatch"]
    assert gates["policy"]["max_lag_seconds"] == 2.0
    diff = client.get("/api/v1/diff/catalog", headers=bearer(tokens.viewer)).json()
    assert diff["proxies"][0]["diff"]["domains"]["catalog"]["mismatched"] == 1
    assert client.get("/api/v1/gates/nope", headers=bearer(tokens.viewer)).status_code == 404


def test_an_automatic_action_measured_on_a_lane_that_is_gone_is_refused(
    client: TestClient, tokens: Tokens
) -> None:
    """Two proxies measure the same breach on `new`: the first rollback applies, the second
    (still saying `new`) is refused rather than rolling back a second step; a trip measured on
    a lane a person has since left is refused too."""
    op = bearer(tokens.operator)
    for stage, percent in (("shadow", None), ("canary", 10), ("new", None)):
        body = {"direction": "reads", "stage": stage, "percent": percent, "force": True}
        response = client.post(
            "/api/v1/domains/catalog/cutover", json=body | {"reason": "walk"}, headers=op
        )
        assert response.status_code == 200, response.text
    auto = {"direction": "reads", "reason": "error budget", "actor": "proxy:auto"}
    first = client.post(
        "/api/v1/domains/catalog/rollback", json=auto | {"seen_reads": "new"}, headers=op
    )
    assert first.json()["reads"]["label"] == "canary 10%"
    second = client.post(
        "/api/v1/domains/catalog/rollback", json=auto | {"seen_reads": "new"}, headers=op
    )
    assert second.status_code == 409
    assert "decided at new, now canary 10%" in second.json()["detail"]
    trip = {"direction": "reads", "reason": "3 failures", "seen_reads": "new"}
    stale_trip = client.post("/api/v1/domains/catalog/trip", json=trip, headers=op)
    assert stale_trip.status_code == 409
    state = client.get("/api/v1/domains/catalog", headers=op).json()
    assert (state["reads"]["label"], state["reads_fail_open_tripped"]) == ("canary 10%", False)
    fresh_trip = trip | {"seen_reads": "canary 10%"}
    tripped = client.post("/api/v1/domains/catalog/trip", json=fresh_trip, headers=op)
    assert tripped.json()["reads_fail_open_tripped"] is True
