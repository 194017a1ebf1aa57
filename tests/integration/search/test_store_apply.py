"""Store events in the search service on real Postgres: `search_store` keeps the newest
version (late events and replays are stale, a deletion stays), a bad store payload is a
dead letter, and the API's store codes follow the table once it holds a store event."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from ficus_devstack.process import wait_until
from ficus_search import repository
from ficus_search.api import create_app
from ficus_search.bootstrap import event_consumer
from ficus_search.metrics import SearchMetrics
from ficus_search.settings import SearchSettings
from ficus_search.storemap import TableLoader
from ficus_search.testing import write_events, write_raw_event
from tests.events import store_event
from tests.integration.search.conftest import Databases

pytestmark = pytest.mark.integration

SEARCH = (
    "/rest/{store}/V1/search?searchCriteria[requestName]=quick_search_container"
    "&searchCriteria[filterGroups][0][filters][0][field]=search_term"
    "&searchCriteria[filterGroups][0][filters][0][value]=anything"
)


def _drain(dbs: Databases, metrics: SearchMetrics | None = None) -> None:
    event_consumer(dbs.events, dbs.search, metrics or SearchMetrics()).drain()


def _codes(dbs: Databases) -> dict[str, int] | None:
    loader = TableLoader(dbs.search)
    try:
        found = loader()
    finally:
        loader.close()
    return None if found is None else found[0]


def _counted(metrics: SearchMetrics, outcome: str) -> float:
    labels = {"aggregate": "store", "outcome": outcome}
    return metrics.registry.get_sample_value("ficus_search_events_total", labels) or 0.0


def test_newest_store_version_wins_and_a_deletion_stays(dbs: Databases) -> None:
    assert _codes(dbs) is None  # no store event yet: the API uses the setting
    metrics = SearchMetrics()
    write_events(dbs.events, [store_event(1, 2, "main"), store_event(1, 1, "old")])
    write_events(dbs.events, [store_event(2, 1, "fr"), store_event(2, 1, "fr")])
    _drain(dbs, metrics)
    assert _codes(dbs) == {"main": 1, "fr": 2}
    assert (_counted(metrics, "applied"), _counted(metrics, "stale")) == (2, 2)
    write_events(dbs.events, [store_event(2, 2, None), store_event(2, 1, "fr")])
    _drain(dbs)
    assert _codes(dbs) == {"main": 1}
    with repository.connect(dbs.search) as conn:
        row = conn.execute("SELECT version, deleted FROM search_store WHERE store_id = 2")
        assert row.fetchone() == {"version": 2, "deleted": True}


def test_a_bad_store_payload_is_a_dead_letter(dbs: Databases) -> None:
    good = store_event(3, 1, "de").model_dump(mode="json")
    bad: dict[str, Any] = {**good, "payload": {**good["payload"], "locale": "de_DE"}}
    write_raw_event(dbs.events, bad)
    write_events(dbs.events, [store_event(4, 1, "it")])
    _drain(dbs)
    assert _codes(dbs) == {"it": 4}
    with repository.connect(dbs.search) as conn:
        row = conn.execute("SELECT aggregate, entity_id FROM search_dead_letter").fetchone()
    assert row == {"aggregate": "store", "entity_id": 3}


def test_the_api_resolves_codes_from_store_events(dbs: Databases) -> None:
    settings = SearchSettings(
        database_url=dbs.search, events_url=dbs.events, stores={"default": 1}, consume=False
    )
    with TestClient(create_app(settings)) as client:
        assert client.get(SEARCH.format(store="default")).status_code == 200
        assert client.get(SEARCH.format(store="fr")).status_code == 400
        assert client.get("/v1/search").json()["total"] == 0  # the seed's `default`
        write_events(
            dbs.events, [store_event(1, 1, "main", is_default=True), store_event(2, 1, "fr")]
        )
        _drain(dbs)
        # an unknown code reloads the map (at most every 0.1 s)
        assert wait_until(lambda: client.get(SEARCH.format(store="fr")).status_code == 200, 2)
        body = client.get(SEARCH.format(store="nope")).json()
        assert body["message"] == 'unknown store "nope"; known: fr, main'
        assert body["parameters"] == {"fieldName": "store"}
        assert client.get("/v1/search").status_code == 200  # Magento's default view: main
        assert client.get("/v1/search?store=default").status_code == 400


def test_a_renamed_code_stops_resolving_once_the_service_applied_it(dbs: Databases) -> None:
    """The service's own consumer expires the API's copy of the map: no waiting for its age
    (an hour here)."""
    settings = SearchSettings(
        database_url=dbs.search,
        events_url=dbs.events,
        stores={"default": 1},
        store_refresh_seconds=3600,
        poll_interval=0.05,
    )
    write_events(dbs.events, [store_event(1, 1, "main", is_default=True), store_event(2, 1, "fr")])
    with TestClient(create_app(settings)) as client:
        assert wait_until(lambda: client.get(SEARCH.format(store="fr")).status_code == 200, 5)
        write_events(dbs.events, [store_event(2, 2, "fr_be")])
        assert wait_until(lambda: client.get(SEARCH.format(store="fr")).status_code == 400, 5)
        assert client.get(SEARCH.format(store="fr_be")).status_code == 200
