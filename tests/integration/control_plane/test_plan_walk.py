"""The catalog domain walked through Phase 1 of the plan, each step refused until its criteria
hold, on the real parts that produce each signal: control built by `bootstrap` exactly as it
starts (plan gates on by default, no probe replaced), sync's own HTTP surface (`ficus_sync.http`
over a real LagTracker and ReverseStatus, served by uvicorn) for forward lag and reverse sync's
health, the proxy's own shadow recorder and `shadow_stat` writer for the mismatch rate, the
audit log for trips, the API for reconciliations. Moves go through `POST .../cutover` (what
`ficus cutover` calls) and `POST /plan/catalog/next`."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry

from ficus_control.api import create_app
from ficus_control.settings import ControlSettings
from ficus_devstack.process import wait_until
from ficus_proxy.shadow.core.comparison import IgnoreRules, Outcome, compare
from ficus_proxy.shadow.core.recorder import ShadowRecorder
from ficus_proxy.shadow.stats import ShadowStatWriter
from ficus_sync.http import ConflictDesk
from ficus_sync.http import create_app as sync_app
from ficus_sync.lag import LagTracker
from ficus_sync.queues import QueueSizes
from ficus_sync.reverse.status import Backlog, ReverseStatus
from tests.integration.control_plane.conftest import Tokens
from tests.integration.control_plane.test_plan import PLAN, Api

pytestmark = pytest.mark.integration


class Sync:
    """Sync's HTTP app over its real lag and reverse-status objects (and queue counts and the
    conflict log, when given), on a free port."""

    def __init__(
        self,
        queues: Callable[[], Mapping[str, QueueSizes]] | None = None,
        conflicts: ConflictDesk | None = None,
    ) -> None:
        self.lag = LagTracker()
        self.reverse = ReverseStatus(CollectorRegistry(), {"catalog": lambda: Backlog(0, 0.0)})
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            sync_app(self.lag, reverse=self.reverse, queues=queues, conflicts=conflicts),
            host="127.0.0.1", port=self.port,
            log_level="warning",
        )  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def behind(self, seconds: float) -> None:
        """A change read from the binlog `seconds` ago is not applied yet."""
        self.lag.received(int((time.time() - seconds) * 1000), {"catalog_product_entity": 1})


@contextlib.contextmanager
def serving(server: Sync) -> Iterator[Sync]:
    server.thread.start()
    assert wait_until(lambda: server.server.started, 10.0), "sync's HTTP app did not start"
    yield server
    server.server.should_exit = True
    server.thread.join(10)


@pytest.fixture
def sync() -> Iterator[Sync]:
    with serving(Sync()) as server:
        yield server


@pytest.fixture
def settings(control_db: str, tmp_path: Path, sync: Sync) -> ControlSettings:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    return ControlSettings(
        db_url=control_db, sync_url=sync.url, proxy_urls=("http://127.0.0.1:9",),
        plan_file=plan,
    )  # fmt: skip


@pytest.fixture
def app(settings: ControlSettings) -> FastAPI:
    return create_app(settings)  # bootstrap(settings): control as it starts


class Walk(Api):
    """test_plan's API calls, plus the raw answer of a move and its refused criteria."""

    def criteria(self) -> dict[str, str]:
        return {c["name"]: c["status"] for c in self.plan()["next"]["criteria"]}

    def send(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        response = self.client.post(f"/api/v1{path}", json=body, headers=self._auth())
        return response.status_code, response.json()

    def cutover(self, stage: str, percent: int | None = None) -> tuple[int, dict[str, Any]]:
        body = {"direction": "reads", "stage": stage, "percent": percent}
        return self.send("/domains/catalog/cutover", body)

    def refused(self, answer: tuple[int, dict[str, Any]]) -> dict[str, str]:
        status, body = answer
        assert (status, body.get("error")) == (409, "PlanRefused"), body
        return {c["name"]: c["measured"] or "" for c in body["failed_criteria"]}


@pytest.fixture
def walk(client: TestClient, tokens: Tokens) -> Walk:
    return Walk(client, tokens)


def shadow_reads(control_db: str, clean: int, wrong: int) -> None:
    """Comparisons made and flushed by the proxy's own recorder and writer."""
    recorder, rules = ShadowRecorder(), IgnoreRules()
    legacy = (200, json.dumps({"sku": "x", "price": 10}).encode())
    for price in [10] * clean + [11] * wrong:
        new = (200, json.dumps({"sku": "x", "price": price}).encode())
        status, diffs = compare(rules, legacy, new)
        recorder.record(Outcome("catalog", "/V1/products/{sku}", "GET", "/x", 200, status, diffs))
    assert asyncio.run(ShadowStatWriter(control_db, recorder).flush())


def test_catalog_walks_phase_1_on_real_signals_each_step_refused_until_they_hold(
    walk: Walk, control_db: str, sync: Sync
) -> None:
    assert walk.next()[1]["reads"]["label"] == "shadow"  # nothing to prove

    # → canary 10 with `ficus cutover`: plan gates are on, no shadow evidence yet
    failed = walk.refused(walk.cutover("canary", 10))
    assert set(failed) == {"forward-lag", "shadow-clean"}
    assert "no shadow comparisons of catalog recorded" in failed["shadow-clean"]
    shadow_reads(control_db, clean=995, wrong=5)  # 0.5 %: above the plan's 0.1 %
    assert walk.criteria()["shadow-clean"] == "unmet"
    shadow_reads(control_db, clean=4000, wrong=0)  # 5 of 5000: 0.1 %
    assert wait_until(lambda: walk.plan()["next"]["ready"], 10, interval=0.2), walk.plan()
    assert walk.cutover("canary", 10)[1]["reads"]["label"] == "canary 10%"

    # → canary 50: sync falls behind (a change read 9.5 s ago, not applied), then a trip
    sync.behind(9.5)
    failed = walk.refused(walk.next())
    assert list(failed) == ["forward-lag"] and failed["forward-lag"].endswith("(1 events behind)")
    assert 9.5 <= float(failed["forward-lag"].split("s")[0]) < 60  # measured by sync, growing
    sync.lag.applied(None)
    walk.post("/domains/catalog/trip", {"reason": "breaker open", "actor": "proxy:auto"})
    walk.post("/domains/catalog/reenable", {"reason": "fixed"})
    assert list(walk.refused(walk.next())) == ["no-auto-disable"]
    assert wait_until(lambda: walk.plan()["next"]["ready"], 10, interval=0.2), walk.plan()
    assert walk.next()[1]["reads"]["label"] == "canary 50%"

    # → new: a reconciliation of enough records without a difference
    assert walk.criteria() == {"consistency-check": "no_evidence"}
    walk.post("/reconciliations", {"domain": "catalog", "sampled": 1000, "mismatched": 2})
    assert list(walk.refused(walk.cutover("new"))) == ["consistency-check"]
    walk.post("/reconciliations", {"domain": "catalog", "sampled": 1000, "mismatched": 0})
    assert walk.cutover("new")[1]["reads"]["label"] == "new"

    # Phase 2: the plan reads reverse sync's dead letters from sync
    sync.reverse.running("catalog", True)
    sync.reverse.observed("catalog", Backlog(3, 0.5), dlq=2)
    assert walk.criteria() == {"reverse-dlq-empty": "unmet"}
    assert walk.refused(walk.next())["reverse-dlq-empty"] == "2"
    sync.reverse.observed("catalog", Backlog(0, 0.0), dlq=0)
    assert walk.criteria() == {"reverse-dlq-empty": "met"}
    # the plan holds; the writes gates still need the catalog service's write routes
    status, body = walk.next()
    assert (status, body["error"]) == (409, "GateRefused"), body
    assert "write_routes" in {g["gate"] for g in body["failed_gates"]}
    forced = walk.next(force=True, reason="catalog writes: demo")
    assert forced[1]["writes"]["label"] == "dual 10%"
