"""Fixtures of the customer service's integration tests: a migrated customer database, a
sync-like event database holding `domain_event` (the contract's DDL), and the wired service."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ficus_customer import migration
from ficus_customer.bootstrap import Components, bootstrap
from ficus_customer.settings import CustomerSettings
from ficus_devstack import Stack
from tests.integration.catalog.conftest import EventTable, fresh_database

pytestmark = pytest.mark.integration

CRYPT_KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def customer_url(postgres_url: str) -> str:
    migration.upgrade(postgres_url)
    return postgres_url


@pytest.fixture
def events(stack: Stack) -> Iterator[EventTable]:
    """A second fresh database standing for sync's, next to the per-test customer database."""
    with fresh_database(stack, "sync") as url:
        yield EventTable(url)


def customer_settings(url: str, events: EventTable, **overrides: Any) -> CustomerSettings:
    values: dict[str, Any] = {
        "database_url": url,
        "events_url": events.url,
        "magento_crypt_key": CRYPT_KEY,
        "poll_interval": 30.0,  # only NOTIFY wakes the consumer quickly
        "migrate_on_start": False,
    }
    values.update(overrides)
    return CustomerSettings(**values)


@pytest.fixture
def components(customer_url: str, events: EventTable) -> Iterator[Components]:
    """The wired service without its consumer thread (tests call `drain()`)."""
    wired = bootstrap(customer_settings(customer_url, events))
    yield wired
    wired.close()
