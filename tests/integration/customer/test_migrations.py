"""The customer database's Alembic environment: head on a fresh database, a no-op again, down to
base and back; `python -m ficus_customer migrate` and `dlq list|replay` from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import psycopg
import pytest
from alembic import command

from ficus_contracts.reverse import ID_POOL_TABLE, OUTBOX_TABLE
from ficus_customer import migration
from ficus_customer.bootstrap import Components, bootstrap
from ficus_customer.testing import customer_event, customer_state
from tests.integration.catalog.conftest import EventTable
from tests.integration.customer.conftest import customer_settings

pytestmark = pytest.mark.integration

TABLES = {"customer", "customer_tombstone", "customer_store", "idempotency_key",
          "token_revocation", "consumer_checkpoint", "dead_letter", OUTBOX_TABLE, ID_POOL_TABLE,
          "magento_id_block", "magento_revocation"}  # fmt: skip


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {r[0] for r in rows.fetchall()}


def test_head_base_and_head_again(postgres_url: str) -> None:
    migration.upgrade(postgres_url)
    migration.upgrade(postgres_url)  # at head: a no-op
    assert _tables(postgres_url) >= TABLES
    command.downgrade(migration.alembic_config(postgres_url), "base")
    assert _tables(postgres_url) == {"alembic_version"}
    migration.upgrade(postgres_url)
    assert _tables(postgres_url) >= TABLES


def _cli(*args: str, url: str, events: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FICUS_CUSTOMER_DATABASE_URL": url, "FICUS_CUSTOMER_EVENTS_URL": events}
    return subprocess.run(
        [sys.executable, "-m", "ficus_customer", *args],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_migrate_and_the_dead_letters_from_the_command_line(
    postgres_url: str, events: EventTable
) -> None:
    assert _cli("migrate", url=postgres_url, events=events.url).returncode == 0
    assert _tables(postgres_url) >= TABLES
    events.publish(customer_event(customer_state(1, email="same@x.com"), 1))
    events.publish(customer_event(customer_state(2, email="same@x.com"), 1))
    wired: Components = bootstrap(customer_settings(postgres_url, events))
    try:
        assert wired.consumer is not None
        wired.consumer.drain()
    finally:
        wired.close()
    listed = _cli("dlq", "list", url=postgres_url, events=events.url)
    [letter] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert letter["seq"] == 2
    with psycopg.connect(postgres_url) as conn:
        conn.execute("UPDATE customer SET email = 'other@x.com' WHERE entity_id = 1")
    replayed = _cli("dlq", "replay", url=postgres_url, events=events.url)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert _cli("dlq", "list", url=postgres_url, events=events.url).stdout == ""
