"""`ficus migrate` upgrades every Ficus database (control, sync, catalog, search, customer) to its
Alembic head, the way an operator does before a deploy; running it again changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from ficus_devstack.manager import Stack

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
SERVICES = {  # service -> the setting that names its database
    "control": "FICUS_CONTROL_DB_URL",
    "sync": "FICUS_SYNC_POSTGRES_URL",
    "catalog": "FICUS_CATALOG_DB_URL",
    "search": "FICUS_SEARCH_DATABASE_URL",
    "customer": "FICUS_CUSTOMER_DATABASE_URL",
}


@pytest.fixture
def databases(stack: Stack) -> Iterator[dict[str, str]]:
    names = {service: f"t_{service}_{uuid.uuid4().hex[:8]}" for service in SERVICES}
    for name in names.values():
        stack.postgres.ensure_database(name)
    yield {service: stack.settings.postgres_url(name) for service, name in names.items()}
    with stack.postgres.connect() as conn:
        for name in names.values():
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def ficus_migrate(urls: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **{SERVICES[service]: url for service, url in urls.items()}}
    command = [sys.executable, "-m", "ficus_control", "migrate"]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)


def revision(url: str) -> str | None:
    """The database's Alembic revision; None when it was never migrated."""
    with psycopg.connect(url) as conn:
        if conn.execute("SELECT to_regclass('alembic_version')").fetchone() == (None,):
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def test_ficus_migrate_upgrades_every_database_and_is_idempotent(
    databases: dict[str, str],
) -> None:
    first = ficus_migrate(databases)
    assert first.returncode == 0, first.stdout + first.stderr
    heads = {service: revision(url) for service, url in databases.items()}
    assert all(heads.values()), heads
    again = ficus_migrate(databases)
    assert again.returncode == 0, again.stdout + again.stderr
    assert {service: revision(url) for service, url in databases.items()} == heads


def test_ficus_migrate_stops_at_a_database_it_cannot_reach(databases: dict[str, str]) -> None:
    unreachable = {**databases, "catalog": databases["catalog"].rsplit("/", 1)[0] + "/t_absent"}
    result = ficus_migrate(unreachable)
    assert result.returncode != 0
    assert "ficus_catalog migrate exited with" in result.stdout + result.stderr
    assert revision(databases["sync"]) is not None  # migrated before the catalog failed
    assert revision(databases["search"]) is None  # after it: not attempted
