"""The admin API as an attacker would try it: the audit actor comes from the token, the proxy's
token can only read state and report trips/rollbacks, token and gate-policy changes are
audited, verified tokens are cached (revocation bites within the TTL), and failed attempts are
rate-limited per client IP before any database lookup, dashboard sign-ins included."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ficus_control.bootstrap import Control
from ficus_control.cli import app as cli
from ficus_control.settings import ControlSettings
from tests.integration.control_plane.conftest import Tokens, bearer

pytestmark = pytest.mark.integration

TTL = 2.0
LIMIT = 5
SHADOW = {"direction": "reads", "stage": "shadow"}


@pytest.fixture
def settings(control_db: str) -> ControlSettings:
    return ControlSettings(
        db_url=control_db,
        sync_url="http://sync.test",
        proxy_urls=("http://proxy.test",),
        token_cache_seconds=TTL,
        auth_failures_limit=LIMIT,
    )


def _latest(client: TestClient, tokens: Tokens, domain: str | None = None) -> dict[str, object]:
    params = {"limit": 1, **({"domain": domain} if domain is not None else {})}
    rows = client.get("/api/v1/audit", params=params, headers=bearer(tokens.viewer)).json()
    latest: dict[str, object] = rows[0]
    return latest


def test_a_caller_cannot_write_proxy_auto(client: TestClient, tokens: Tokens) -> None:
    body = {**SHADOW, "actor": "proxy:auto", "reason": "forged"}
    response = client.post(
        "/api/v1/domains/catalog/cutover", json=body, headers=bearer(tokens.operator)
    )
    assert response.status_code == 200
    latest = _latest(client, tokens, "catalog")
    assert (latest["actor"], latest["note"]) == ("token:ops", "proxy:auto")
    body = {"reason": "forged", "note": "cli:mallory"}
    client.post("/api/v1/domains/catalog/trip", json=body, headers=bearer(tokens.operator))
    latest = _latest(client, tokens, "catalog")
    assert (latest["action"], latest["actor"], latest["note"]) == (
        "trip",
        "token:ops",
        "cli:mallory",
    )


def test_the_proxy_token_reads_state_and_reports_nothing_else(
    client: TestClient, tokens: Tokens
) -> None:
    proxy, op = bearer(tokens.proxy), bearer(tokens.operator)
    client.post("/api/v1/domains/catalog/cutover", json=SHADOW, headers=op)
    assert client.get("/api/v1/domains", headers=proxy).status_code == 200
    assert client.get("/api/v1/domains/catalog", headers=proxy).json()["reads"]["stage"] == "shadow"
    refused = [
        client.get("/api/v1/audit", headers=proxy),
        client.get("/api/v1/audit/verify", headers=proxy),
        client.get("/api/v1/gates/catalog", headers=proxy),
        client.get("/api/v1/diff/catalog", headers=proxy),
        client.post("/api/v1/domains/catalog/cutover", json=SHADOW, headers=proxy),
        client.post("/api/v1/domains/catalog/reenable", json={}, headers=proxy),
        client.put("/api/v1/gates/catalog/policy", json=_POLICY, headers=proxy),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert "proxy token" in refused[0].json()["detail"]
    trip = {"reason": "3 consecutive failures", "actor": "anything", "seen_reads": "shadow"}
    assert client.post("/api/v1/domains/catalog/trip", json=trip, headers=proxy).status_code == 200
    assert _latest(client, tokens, "catalog")["actor"] == "proxy:auto"
    back = {"direction": "reads", "reason": "error budget"}
    assert (
        client.post("/api/v1/domains/catalog/rollback", json=back, headers=proxy).status_code == 200
    )
    viewer_trip = client.post(
        "/api/v1/domains/search/trip", json=trip, headers=bearer(tokens.viewer)
    )
    assert viewer_trip.status_code == 403


_POLICY = {"max_lag_seconds": 1.5, "max_mismatch_rate": 0.01, "min_shadow_samples": 50,
           "window_seconds": 120}  # fmt: skip


def test_gate_policy_changes_are_audited(client: TestClient, tokens: Tokens) -> None:
    op = bearer(tokens.operator)
    body = {**_POLICY, "note": "cli:alice"}
    assert client.put("/api/v1/gates/catalog/policy", json=body, headers=op).status_code == 200
    policy = client.get("/api/v1/gates/catalog", headers=op).json()["policy"]
    assert policy == _POLICY
    latest = _latest(client, tokens, "catalog")
    assert (latest["action"], latest["actor"], latest["note"]) == (
        "gate-policy",
        "token:ops",
        "cli:alice",
    )
    assert latest["measured"] == _POLICY
    assert client.put("/api/v1/gates/*/policy", json=_POLICY, headers=op).status_code == 200
    assert client.put("/api/v1/gates/nope/policy", json=_POLICY, headers=op).status_code == 404
    viewer = client.put("/api/v1/gates/catalog/policy", json=_POLICY, headers=bearer(tokens.viewer))
    assert viewer.status_code == 403


def test_token_create_and_revoke_are_audited(
    client: TestClient, tokens: Tokens, control_db: str
) -> None:
    env = {"FICUS_CONTROL_DB_URL": control_db}
    created = CliRunner().invoke(
        cli, ["token", "create", "--name", "edge", "--role", "proxy"], env=env
    )
    assert created.exit_code == 0, created.output
    revoked = CliRunner().invoke(cli, ["token", "revoke", "--name", "edge"], env=env)
    assert "revoked 1 token(s)" in revoked.output
    rows = client.get("/api/v1/audit", params={"limit": 2}, headers=bearer(tokens.viewer)).json()
    assert [(r["action"], r["measured"]) for r in rows] == [
        ("token-revoke", {"name": "edge", "revoked": 1}),
        ("token-create", {"name": "edge", "role": "proxy"}),
    ]
    assert all(r["actor"].startswith("db:") and r["note"].startswith("cli:") for r in rows)


def test_verified_tokens_are_cached_and_revocation_bites_within_the_ttl(
    client: TestClient, tokens: Tokens, control: Control
) -> None:
    op, viewer = bearer(tokens.operator), bearer(tokens.viewer)
    assert client.get("/api/v1/domains", headers=op).status_code == 200
    real_url = control.tokens.db_url
    control.tokens.db_url = "postgresql://nobody@127.0.0.1:1/none"  # token table unreachable
    try:
        assert client.get("/api/v1/domains", headers=op).status_code == 200  # from the cache
        assert client.get("/api/v1/domains", headers=viewer).status_code == 503  # needs the table
    finally:
        control.tokens.db_url = real_url
    control.tokens.revoke("ops")
    revoked_at = time.monotonic()
    deadline = revoked_at + TTL + 5
    while client.get("/api/v1/domains", headers=op).status_code == 200:
        assert time.monotonic() < deadline, "a revoked token still works after the cache TTL"
    assert time.monotonic() - revoked_at <= TTL + 1


def _from(address: str, api_url: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=api_url, transport=transport, timeout=5)


def test_failed_attempts_are_rate_limited_per_client_ip(api_url: str, tokens: Tokens) -> None:
    bad, good = bearer("ficus_guessed"), bearer(tokens.viewer)
    with _from("127.0.0.2", api_url) as attacker, _from("127.0.0.1", api_url) as someone:
        statuses = [attacker.get("/api/v1/domains", headers=bad).status_code for _ in range(50)]
        assert statuses == [401] * LIMIT + [429] * (50 - LIMIT)  # only LIMIT database lookups
        limited = attacker.get("/api/v1/domains", headers=good)
        assert limited.status_code == 429  # even a good token: refused before any lookup
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        assert attacker.get("/api/v1/domains").status_code == 429  # no token at all
        assert someone.get("/api/v1/domains", headers=good).status_code == 200


def _sign_in(browser: httpx.Client, token: str) -> httpx.Response:
    page = browser.get("/dashboard/login")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text
    return browser.post("/dashboard/login", data={"csrf": found.group(1), "token": token})


def test_dashboard_sign_ins_are_rate_limited_per_client_ip(api_url: str, tokens: Tokens) -> None:
    """The dashboard's login is the API's bearer check: LIMIT wrong tokens, then 429 with
    Retry-After for that address only, even with a good token; the pages keep working for a
    person who signed in elsewhere."""
    with _from("127.0.0.3", api_url) as attacker, _from("127.0.0.1", api_url) as person:
        statuses = [_sign_in(attacker, f"ficus_guess{i}").status_code for i in range(LIMIT + 3)]
        assert statuses == [200] * LIMIT + [429] * 3  # the form again, then refused
        limited = _sign_in(attacker, tokens.viewer)
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        assert "Too many failed sign-ins" in limited.text
        signed_in = _sign_in(person, tokens.viewer)
        assert signed_in.status_code == 303
        assert person.get("/dashboard/").status_code == 200
