"""An index written by an older version (its mapping lacks the current
`ficus_mapping_version`) is rebuilt by the indexer when it starts: the alias swaps to an index
with the current mapping and the same documents; with `rebuild_outdated=False` it is left as
is (the operator runs `ficus search rebuild`)."""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import Elasticsearch as EsClient

from ficus_devstack.process import wait_until
from ficus_search import repository
from ficus_search.bootstrap import event_consumer
from ficus_search.esengine import MAPPING_VERSION, MAPPINGS, SETTINGS
from ficus_search.esindex import EsIndexer, alias_targets, mapping_version, new_index_name
from ficus_search.metrics import SearchMetrics
from ficus_search.testing import CatalogGenerator, write_events
from tests.integration.search.conftest import Databases

pytestmark = [pytest.mark.integration, pytest.mark.elasticsearch]


def _old_index(es_client: EsClient, alias: str) -> str:
    """An index as version 1 created it: the mapping without `_meta`."""
    mappings: dict[str, Any] = {k: v for k, v in MAPPINGS.items() if k != "_meta"}
    name = new_index_name(alias)
    es_client.indices.create(index=name, settings=SETTINGS, mappings=mappings)
    es_client.indices.put_alias(index=name, name=alias)
    return name


def _load(dbs: Databases) -> None:
    write_events(dbs.events, CatalogGenerator(seed=4).catalog(80, categories=6))
    event_consumer(dbs.events, dbs.search, SearchMetrics()).drain()


def _count(es_client: EsClient, alias: str) -> int:
    es_client.indices.refresh(index=alias)
    return int(es_client.count(index=alias)["count"])


def test_an_outdated_index_is_rebuilt_when_the_indexer_starts(
    dbs: Databases, es_client: EsClient, alias: str
) -> None:
    _load(dbs)
    old = _old_index(es_client, alias)
    assert mapping_version(es_client, alias) == 0
    indexer = EsIndexer(es_client, dbs.search, alias)
    indexer.start()
    try:
        assert wait_until(
            lambda: alias_targets(es_client, alias) != [old] and indexer.pending() == 0, 60
        )
    finally:
        indexer.stop()
    assert mapping_version(es_client, alias) == MAPPING_VERSION
    assert _count(es_client, alias) == _documents(dbs)


def test_with_rebuild_off_the_outdated_index_stays(
    dbs: Databases, es_client: EsClient, alias: str
) -> None:
    _load(dbs)
    old = _old_index(es_client, alias)
    indexer = EsIndexer(es_client, dbs.search, alias, rebuild_outdated=False)
    indexer.start()
    try:
        assert wait_until(lambda: indexer.healthy and indexer.pending() == 0, 60)
    finally:
        indexer.stop()
    assert alias_targets(es_client, alias) == [old]
    assert mapping_version(es_client, alias) == 0


def _documents(dbs: Databases) -> int:
    with repository.connect(dbs.search) as conn:
        row = conn.execute("SELECT count(*) AS n FROM search_document WHERE present").fetchone()
    assert row is not None
    return int(row["n"])
