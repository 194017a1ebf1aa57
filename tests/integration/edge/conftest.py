"""Fixtures of the edge tests: the stand-in, the catalog and the search service served over
HTTP, fed (the stand-in from its MariaDB, catalog and search from one event table), and the
other packages' engine fixtures they stand on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest

from ficus_catalog.testing import CRYPT_KEY, STORES, admin_headers
from ficus_devstack import Stack
from ficus_devstack.process import wait_until
from ficus_search.testing import CatalogGenerator, write_events
from tests.events import admin_role_event
from tests.integration.catalog.conftest import fresh_database
from tests.integration.edge.served import TIMEOUT, Target, serve, standin
from tests.integration.search.conftest import Databases, module_dbs
from tests.integration.standin.conftest import Seed, shared_magento

__all__ = ["module_dbs", "shared_magento", "targets"]


@pytest.fixture(scope="module")
def targets(
    stack: Stack,
    shared_magento: tuple[Seed, Any],
    module_dbs: Databases,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[list[Target]]:
    """The three services, fed: the stand-in from its MariaDB, catalog and search from one
    event table (sync's side) holding a generated catalog."""
    logs = tmp_path_factory.mktemp("fuzz-logs")
    # admin user 1 in Administrators, as Magento installs it: an admin without a role is
    # allowed nothing, and the fixture reads the catalog with that admin's token
    catalog_events = [*CatalogGenerator(seed=12).catalog(6, categories=2), admin_role_event()]
    write_events(module_dbs.events, catalog_events)
    seed, standin_settings = shared_magento
    with ExitStack() as stack_of:
        catalog_db = stack_of.enter_context(fresh_database(stack, "fuzz"))
        catalog_env = {
            "FICUS_CATALOG_DB_URL": catalog_db,
            "FICUS_CATALOG_EVENTS_URL": module_dbs.events,
            "FICUS_CATALOG_STORES": json.dumps(STORES),
            "FICUS_CATALOG_MAGENTO_CRYPT_KEY": CRYPT_KEY,
        }
        search_env = {
            "FICUS_SEARCH_DATABASE_URL": module_dbs.search,
            "FICUS_SEARCH_EVENTS_URL": module_dbs.events,
            "FICUS_SEARCH_ENGINE": "postgres",
            "FICUS_SEARCH_POLL_INTERVAL": "0.2",
        }
        catalog = stack_of.enter_context(serve("ficus_catalog", catalog_env, logs, "/healthz"))
        search = stack_of.enter_context(serve("ficus_search", search_env, logs, "/healthz"))
        clients = [  # the catalog's routes need an admin token, as Magento's
            httpx.Client(base_url=catalog[0], headers=admin_headers(), timeout=TIMEOUT),
            httpx.Client(base_url=search[0], timeout=TIMEOUT),
        ]
        for client in clients:
            stack_of.callback(client.close)
        url = standin_settings.mysql_url.get_secret_value()
        found = [
            *stack_of.enter_context(standin(seed, url, logs)),
            Target("catalog", clients[0], "/rest/default/V1/products", catalog[1]),
            Target("search", clients[1], "/rest/default/V1/search", search[1]),
        ]
        assert wait_until(lambda: _catalog_count(clients[0]) > 0, 30), "the catalog stayed empty"
        for target in found:  # warm-up, not timed
            target.client.get(target.path, params={"searchCriteria[pageSize]": "1"})
        yield found


def _catalog_count(client: httpx.Client) -> int:
    body = client.get("/rest/default/V1/products", params={"searchCriteria[pageSize]": "0"})
    return int(body.json().get("total_count", -1)) if body.status_code == 200 else -1
