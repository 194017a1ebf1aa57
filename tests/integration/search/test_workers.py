"""`python -m ficus_search serve --workers N`: N processes behind one port, the consumer
running once in the supervisor, and `/metrics` counting every process, not the one worker
that happened to answer the scrape."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from ficus_devstack.process import wait_until
from ficus_search.testing import CatalogGenerator, write_events
from tests.integration.catalog.test_workers import children, free_port
from tests.integration.search.conftest import Databases

pytestmark = pytest.mark.integration

LISTING = (
    "/rest/default/V1/search?searchCriteria[requestName]=catalog_view_container"
    "&searchCriteria[filterGroups][0][filters][0][field]=category_id"
    "&searchCriteria[filterGroups][0][filters][0][value]={category}"
)


def metric(url: str, name: str) -> float:
    """The sum of a metric's samples over every label set (and process)."""
    text = httpx.get(f"{url}/metrics", timeout=5).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    )


def answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def served(dbs: Databases) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = os.environ | {
        "FICUS_SEARCH_DATABASE_URL": dbs.search,
        "FICUS_SEARCH_EVENTS_URL": dbs.events,
        "FICUS_SEARCH_POLL_INTERVAL": "0.1",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    argv = [sys.executable, "-m", "ficus_search", "serve", "--port", str(port), "--workers", "2"]
    process = subprocess.Popen(argv, env=env)
    try:
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)


def test_workers_share_one_port_and_metrics_count_every_process(
    dbs: Databases, served: tuple[str, int]
) -> None:
    url, pid = served
    generator = CatalogGenerator(seed=5)
    events = generator.catalog(30, categories=4)
    write_events(dbs.events, events)
    assert wait_until(lambda: answers(url), 60), "search never answered"
    assert wait_until(lambda: len(children(pid)) >= 2, 10)
    # the consumer runs in the supervisor: its events show in any worker's /metrics
    assert wait_until(lambda: metric(url, "ficus_search_events_total") >= len(events), 30)
    linked = {c.category_id for p in generator.products.values() for c in p.category_links}
    listings = [url + LISTING.format(category=c) for c in sorted(linked)]
    found = [u for u in listings if httpx.get(u).json()["total_count"] > 0]
    assert found, "no category lists a product"
    listing = found[0]
    before = metric(url, "ficus_search_queries_total")
    for _ in range(20):  # new connections: the kernel spreads them over the workers
        assert httpx.get(listing).status_code == 200
    assert metric(url, "ficus_search_queries_total") == before + 20
