"""Reverse sync's HTTP surface, the shapes control's writes gates and rollback rely on:
`GET /v1/reverse/health`, `POST /v1/reverse/{domain}/drain`, the `reverse` section of
`/v1/lag` and the Prometheus metrics; once in-process over the real databases, once through a
real `python -m ficus_sync run` with reverse sync configured."""

# ruff: noqa: F811 - the fixtures are imported from test_reverse_support

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import httpx
import pytest
from fastapi.testclient import TestClient

from ficus_sync.http import create_app
from ficus_sync.lag import LagTracker
from ficus_sync.reverse.outbox import probe_backlog
from ficus_sync.reverse.status import ReverseStatus
from ficus_sync.reverse.worker import ReverseConfig, ReverseWorker
from ficus_sync.settings import SyncSettings
from tests.integration.sync.conftest import SyncProcess, poll
from tests.integration.sync.test_reverse_support import (  # noqa: F401 - fixtures
    Magento,
    Service,
    config,
    customer,
    drained,
    magento,
    service,
    sync_run,
)

pytestmark = pytest.mark.integration


def test_health_drain_lag_and_metrics(
    service: Service, magento: Magento, config: ReverseConfig
) -> None:
    lag = LagTracker()
    status = ReverseStatus(lag.registry, {"customer": partial(probe_backlog, config.service_url)})
    client = TestClient(create_app(lag, None, status))
    service.write(customer(7401))
    assert client.post("/v1/reverse/customer/drain?timeout=0.3").json() == {
        "drained": False, "pending": 1,
    }  # fmt: skip
    assert client.post("/v1/reverse/orders/drain").status_code == 404
    stop = threading.Event()
    thread = threading.Thread(target=ReverseWorker(config, status).run, args=(stop,))
    thread.start()
    try:
        assert client.post("/v1/reverse/customer/drain?timeout=30").json() == {
            "drained": True, "pending": 0,
        }  # fmt: skip
        poll(lambda: client.get("/v1/reverse/health").json()["customer"]["running"], 10, "down")
        health = client.get("/v1/reverse/health").json()
        assert health == {"customer": {"running": True, "dlq": 0, "lag_seconds": 0.0,
                                       "pending": 0, "last_error": None}}  # fmt: skip
        reverse = client.get("/v1/lag").json()["reverse"]
        assert reverse == {"customer": {"seconds_behind": 0.0, "events_behind": 0}}
        metrics = client.get("/metrics").text
        for name in ("ficus_sync_reverse_lag_seconds{domain=\"customer\"}",
                     "ficus_sync_reverse_pending{domain=\"customer\"}",
                     "ficus_sync_reverse_applied_total{domain=\"customer\"} 1.0",
                     "ficus_sync_reverse_dead_total"):  # fmt: skip
            assert name in metrics
    finally:
        stop.set()
        thread.join(timeout=10)


def test_sync_run_serves_reverse_health_beside_forward_sync(
    service: Service, magento: Magento, sync_run: Callable[[], tuple[SyncSettings, SyncProcess]]
) -> None:
    settings, process = sync_run()
    base = f"http://127.0.0.1:{settings.port}"
    get: Callable[[str], httpx.Response] = lambda path: httpx.get(base + path, timeout=5)  # noqa: E731
    service.write(customer(7411))
    drained(service, timeout=60)
    poll(lambda: _answers(get), 60, f"sync did not answer: {process.output()[-2000:]}")
    assert get("/v1/reverse/health").json()["customer"]["running"] is True
    document = get("/v1/lag").json()
    assert document["reverse"]["customer"]["events_behind"] == 0 and "domains" in document
    assert magento.read(7411) == customer(7411)


def _answers(get: Callable[[str], httpx.Response]) -> bool:
    try:
        return bool(get("/v1/reverse/health").json().get("customer", {}).get("running"))
    except httpx.HTTPError:
        return False
