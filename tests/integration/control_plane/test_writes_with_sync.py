"""Control's writes gates and writes rollback against sync's real HTTP surface
(`ficus_sync.http`, served by uvicorn): `/v1/reverse/health` and `/v1/reverse/{domain}/drain`
from a real `ReverseStatus` whose outbox probe a test scripts (the outbox itself is helper R's
and the customer service's, tested there)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
import uvicorn
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry

from ficus_contracts.cutover import Direction, Lane, Stage
from ficus_control.bootstrap import Control
from ficus_control.settings import ControlSettings
from ficus_devstack.process import wait_until
from ficus_sync.http import create_app
from ficus_sync.lag import LagTracker
from ficus_sync.reverse.status import Backlog, ReverseStatus
from tests.integration.control_plane.conftest import Tokens, bearer

pytestmark = pytest.mark.integration


class Outbox:
    """The customer outbox as sync's probe reads it: `pending` rows; each read may apply some."""

    def __init__(self, db: str) -> None:
        self.db, self.pending, self.applied_per_read = db, 0, 0
        self.draining_seen: list[bool] = []

    def probe(self) -> Backlog:
        with psycopg.connect(self.db) as conn:
            row = conn.execute(
                "SELECT writes_draining FROM cutover_state WHERE domain = 'customer'"
            ).fetchone()
        self.draining_seen.append(bool(row and row[0]))
        self.pending = max(self.pending - self.applied_per_read, 0)
        return Backlog(self.pending, 0.5 if self.pending else 0.0)


@pytest.fixture
def outbox(control_db: str) -> Outbox:
    return Outbox(control_db)


@pytest.fixture
def sync_url(outbox: Outbox) -> Iterator[str]:
    status = ReverseStatus(CollectorRegistry(), {"customer": outbox.probe})
    status.running("customer", True)
    status.observed("customer", Backlog(0, 0.0), 0)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    app = create_app(LagTracker(), reverse=status)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    assert wait_until(lambda: server.started, 10.0), "sync's HTTP server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def settings(control_db: str, sync_url: str) -> ControlSettings:
    return ControlSettings(db_url=control_db, sync_url=sync_url, proxy_urls=("http://p.test",))


@pytest.fixture
def at_dual(control: Control) -> None:
    service = control.service
    for lane in (Lane(Stage.SHADOW), Lane(Stage.CANARY, 50), Lane(Stage.NEW)):
        service.cutover("customer", Direction.READS, lane, "t", True, "test")
    service.cutover("customer", Direction.WRITES, Lane(Stage.DUAL, 40), "t", True, "test")


def rollback(client: TestClient, tokens: Tokens, **body: Any) -> tuple[int, Any]:
    payload = {"direction": "writes", "reason": "drill", **body}
    response = client.post(
        "/api/v1/domains/customer/rollback", json=payload, headers=bearer(tokens.operator)
    )
    return response.status_code, response.json()


def test_the_writes_gates_read_sync_reverse_health(client: TestClient, tokens: Tokens) -> None:
    view = client.get("/api/v1/gates/customer", headers=bearer(tokens.viewer)).json()
    reverse = view["writes"]["reverse"]
    assert (reverse["running"], reverse["dlq"], reverse["error"]) == (True, 0, None)
    passed = {g["gate"]: g["passed"] for g in view["writes"]["gates"]}
    assert passed["reverse_running"] and passed["reverse_dlq"] and passed["reverse_lag"]


@pytest.mark.usefixtures("at_dual")
def test_a_writes_rollback_waits_for_sync_to_drain_the_outbox(
    client: TestClient, tokens: Tokens, outbox: Outbox
) -> None:
    outbox.pending, outbox.applied_per_read = 5, 1
    status, state = rollback(client, tokens)
    assert status == 200, state
    assert (state["writes"]["label"], state["writes_draining"]) == ("legacy", False)
    assert outbox.pending == 0
    assert outbox.draining_seen and all(outbox.draining_seen)  # read only while draining


@pytest.mark.usefixtures("at_dual")
def test_an_outbox_that_does_not_drain_leaves_the_lane(
    client: TestClient, tokens: Tokens, outbox: Outbox
) -> None:
    outbox.pending = 4
    status, body = rollback(client, tokens, drain_timeout=0.5)
    assert status == 409 and "4 still pending" in body["detail"], body
    state = client.get("/api/v1/domains/customer", headers=bearer(tokens.viewer)).json()
    assert (state["writes"]["label"], state["writes_draining"]) == ("dual 40%", False)
