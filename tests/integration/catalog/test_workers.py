"""`python -m ficus_catalog serve --workers N`: N processes behind one port, the database
migrated once before they start, each answering the Magento routes; `/metrics` is every
worker's, not the one that answered the scrape."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from ficus_catalog.testing import CRYPT_KEY, STORES, admin_headers, product_event, product_state
from ficus_devstack.process import wait_until
from tests.integration.catalog.conftest import EventTable

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie nobody has reaped yet has stopped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def served(catalog_url: str, events: EventTable) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = os.environ | {
        "FICUS_CATALOG_DB_URL": catalog_url,
        "FICUS_CATALOG_EVENTS_URL": events.url,
        "FICUS_CATALOG_STORES": str(STORES).replace("'", '"'),
        "FICUS_CATALOG_MAGENTO_CRYPT_KEY": CRYPT_KEY,
    }
    argv = [sys.executable, "-m", "ficus_catalog", "serve", "--port", str(port), "--workers", "2"]
    process = subprocess.Popen(argv, env=env)
    try:
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)


def test_two_workers_share_one_port(served: tuple[str, int]) -> None:
    url, pid = served
    assert wait_until(lambda: ready(url), 60), "the catalog never became ready"
    assert wait_until(lambda: len(children(pid)) >= 2, 10)
    for _ in range(4):
        answer = httpx.get(f"{url}/rest/french/V1/products/NOPE", headers=admin_headers())
        assert answer.status_code == 404
        assert answer.json()["message"].startswith("The product that was requested")


def test_workers_stop_when_their_supervisor_is_killed(served: tuple[str, int]) -> None:
    url, pid = served
    assert wait_until(lambda: ready(url), 60), "the catalog never became ready"
    workers = children(pid)
    assert workers
    os.kill(pid, signal.SIGKILL)
    assert wait_until(lambda: not any(alive(w) for w in workers), 30)
    assert wait_until(lambda: not ready(url), 10)


def samples(url: str) -> list[tuple[str, dict[str, str], float]]:
    text = httpx.get(f"{url}/metrics", timeout=5).text
    families = text_string_to_metric_families(text)
    return [(s.name, s.labels, s.value) for family in families for s in family.samples]


def applied(url: str) -> float:
    wanted = ("ficus_catalog_events_total", "applied")
    return sum(v for name, labels, v in samples(url) if (name, labels.get("outcome")) == wanted)


def gauge_pids(url: str) -> set[str]:
    return {labels["pid"] for name, labels, _ in samples(url) if "pid" in labels}


def test_metrics_are_every_workers(served: tuple[str, int], events: EventTable) -> None:
    url, _ = served
    events.publish(*(product_event(product_state(i), 1) for i in range(1, 7)))
    assert wait_until(lambda: ready(url), 60), "the catalog never became ready"
    # each event is applied once, by whichever worker's consumer took its batch; every scrape
    # (answered by any worker) counts them all, and shows each worker's gauges (label pid)
    assert wait_until(lambda: applied(url) == 6, 60), applied(url)
    assert all(applied(url) == 6 for _ in range(6))
    assert wait_until(lambda: len(gauge_pids(url)) >= 2, 10)
