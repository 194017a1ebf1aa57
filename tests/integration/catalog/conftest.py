"""Fixtures of the catalog's integration tests: a migrated catalog database and a sync-like
event source database holding `domain_event` (the contract's DDL)."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pymysql
import pytest
from sqlalchemy.orm import Session, sessionmaker

from ficus_catalog.bootstrap import Catalog, bootstrap
from ficus_catalog.database import make_engine
from ficus_catalog.migration import run_migrations
from ficus_catalog.settings import CatalogSettings
from ficus_catalog.testing import CRYPT_KEY, STORES, event_row
from ficus_contracts.auth import admin_role_aggregate_id
from ficus_contracts.events import DOMAIN_EVENT_CHANNEL, DOMAIN_EVENT_DDL, DomainEvent
from ficus_devstack import Stack
from ficus_sync.settings import SyncSettings
from tests.integration.sync.helpers import sync_in_thread
from tests.integration.sync.shop import Shop

pytestmark = pytest.mark.integration


class EventTable:
    """Sync's side of the contract, as a test drives it: insert events, NOTIFY on commit."""

    def __init__(self, url: str) -> None:
        self.url = url
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(DOMAIN_EVENT_DDL)

    def publish(self, *events: DomainEvent | dict[str, Any]) -> list[int]:
        rows = [e if isinstance(e, dict) else event_row(e) for e in events]
        seqs = []
        with psycopg.connect(self.url) as conn:
            for row in rows:
                cur = conn.execute(
                    "INSERT INTO domain_event (aggregate, aggregate_id, entity_id, version, kind,"
                    " payload, source_ts_ms, reverse_watermark) VALUES (%s, %s, %s, %s, %s, %s, %s,"
                    " %s) RETURNING seq",
                    (
                        row["aggregate"],
                        row["aggregate_id"],
                        row["entity_id"],
                        row["version"],
                        row["kind"],
                        None if row["payload"] is None else json.dumps(row["payload"]),
                        row["source_ts_ms"],
                        row.get("reverse_watermark"),
                    ),
                )
                seqs.append(cur.fetchone()[0])  # type: ignore[index]
            conn.execute(f"NOTIFY {DOMAIN_EVENT_CHANNEL}")
        return seqs


def grant_administrators(catalog_url: str) -> None:
    """Admin user 1 in Magento's Administrators role (every resource), as sync's first
    snapshot of an installed Magento delivers it; version 0, so any event replaces it."""
    with psycopg.connect(catalog_url) as conn:
        conn.execute(
            "INSERT INTO admin_role (user_id, role_id, resources, aggregate_id, version)"
            " VALUES (1, 1, ARRAY['Magento_Backend::all'], %s, 0) ON CONFLICT DO NOTHING",
            (admin_role_aggregate_id(1),),
        )


@pytest.fixture
def catalog_url(postgres_url: str) -> str:
    run_migrations(postgres_url)
    grant_administrators(postgres_url)
    return postgres_url


@contextmanager
def fresh_database(stack: Stack, suffix: str) -> Iterator[str]:
    """A fresh Postgres database (URL), dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}_{suffix}"
    stack.postgres.ensure_database(name)
    yield stack.settings.postgres_url(name)
    with stack.postgres.connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def events(stack: Stack) -> Iterator[EventTable]:
    """A second fresh database standing for sync's, next to the per-test catalog database."""
    with fresh_database(stack, "sync") as url:
        yield EventTable(url)


@pytest.fixture
def sessions(catalog_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(catalog_url)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


def catalog_settings(catalog_url: str, events: EventTable, **overrides: Any) -> CatalogSettings:
    values: dict[str, Any] = {
        "db_url": catalog_url,
        "events_url": events.url,
        "stores": STORES,
        "magento_crypt_key": CRYPT_KEY,
        "poll_interval": 30.0,  # only NOTIFY wakes the consumer quickly
    }
    values.update(overrides)
    return CatalogSettings(**values)


@pytest.fixture
def catalog(catalog_url: str, events: EventTable) -> Iterator[Catalog]:
    """The wired service without its consumer thread (tests call `drain()`)."""
    the_catalog = bootstrap(catalog_settings(catalog_url, events, migrate_on_start=False))
    yield the_catalog
    the_catalog.close()


# -- the real sync in front of the catalog (end-to-end tests) ------------------------------


@pytest.fixture
def shop(stack: Stack, mariadb_conn: pymysql.Connection) -> Shop:  # type: ignore[type-arg]
    conn = stack.mariadb.admin_connection()
    with conn.cursor() as cur:  # column names in the binlog's table maps
        cur.execute("SET GLOBAL binlog_row_metadata = 'FULL'")
    conn.close()
    return Shop(mariadb_conn)


@pytest.fixture
def sync_settings(stack: Stack, mariadb_database: str) -> Iterator[SyncSettings]:
    s = stack.settings
    mysql = f"mysql://{s.mariadb_user}:{s.mariadb_password}@{s.host}:{s.mariadb_port}"
    with fresh_database(stack, "sync") as url:
        yield SyncSettings(
            mysql_url=f"{mysql}/{mariadb_database}",
            postgres_url=url,
            server_id=random.randint(5000, 2_000_000),
            snapshot_chunk_rows=500,
        )


@pytest.fixture
def streaming(sync_settings: SyncSettings) -> Iterator[None]:
    """sync streaming from the shop's database into its own, in a background thread."""
    with sync_in_thread(sync_settings):
        yield
