"""Elasticsearch for the search tests, started through the stack's engine class on its own
port (FICUS_TEST_ES_PORT, default 29200) under FICUS_TEST_HOME; the distribution is unpacked
once into .ficus/es-dist."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from elasticsearch import Elasticsearch as EsClient

from ficus_devstack import Stack
from ficus_devstack.elasticsearch import Elasticsearch
from ficus_devstack.osuser import ensure_os_user
from ficus_search import migration
from tests.conftest import ROOT, stack_settings_for_tests

ES_PORT = int(os.environ.get("FICUS_TEST_ES_PORT", "29200"))


@pytest.fixture(scope="session")
def elasticsearch(stack: Stack) -> Iterator[Elasticsearch]:
    settings = stack_settings_for_tests()
    engine = Elasticsearch(
        settings,
        ensure_os_user(settings.os_user),
        port=ES_PORT,
        dist_dir=ROOT / ".ficus" / "es-dist",
    )
    engine.stop()
    engine.wipe()
    engine.start()
    yield engine
    engine.stop()


@pytest.fixture
def es_client(elasticsearch: Elasticsearch) -> Iterator[EsClient]:
    client = EsClient(elasticsearch.url, request_timeout=30)
    yield client
    client.close()


@pytest.fixture
def alias(es_client: EsClient) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:10]}"
    yield name
    es_client.indices.delete(index=f"{name}_*", allow_no_indices=True)


@dataclass(frozen=True)
class Databases:
    search: str
    events: str


def _databases(stack: Stack) -> Iterator[Databases]:
    names = [f"t_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    for name in names:
        stack.postgres.ensure_database(name)
    urls = Databases(*(stack.settings.postgres_url(n) for n in names))
    migration.upgrade(urls.search)
    yield urls
    with stack.postgres.connect() as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def dbs(stack: Stack) -> Iterator[Databases]:
    """Two fresh Postgres databases: the search service's and a stand-in for sync's."""
    yield from _databases(stack)


@pytest.fixture(scope="module")
def module_dbs(stack: Stack) -> Iterator[Databases]:
    yield from _databases(stack)


@pytest.fixture(scope="module")
def module_alias(elasticsearch: Elasticsearch) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:10]}"
    yield name
    client = EsClient(elasticsearch.url, request_timeout=30)
    client.indices.delete(index=f"{name}_*", allow_no_indices=True)
    client.close()
