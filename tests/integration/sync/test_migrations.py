"""Sync's database schema is Alembic's (migrations/sync): a database the previous release created
with its inline DDL upgrades to exactly the schema a fresh `upgrade head` gives."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from ficus_devstack import Stack
from ficus_sync.migration import run_migrations

pytestmark = pytest.mark.integration

PREVIOUS_RELEASE = Path(__file__).parent / "fixtures" / "previous_release_schema.sql"
SYNC_TABLES = {
    "checkpoint", "id_map", "projection", "dead_letter", "snapshot_progress", "snapshot_run",
    "domain_event", "alembic_version",
}  # fmt: skip


@pytest.fixture
def fresh_url(stack: Stack) -> Iterator[str]:
    """A second empty database, for the fresh `upgrade head`."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    stack.postgres.ensure_database(name)
    yield stack.settings.postgres_url(name)
    with stack.postgres.connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def schema(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Columns, constraints and indexes of the public schema, in a comparable form."""
    queries = {
        "columns": "SELECT table_name, column_name, ordinal_position, data_type, is_nullable, "
        "column_default FROM information_schema.columns WHERE table_schema = 'public'",
        "constraints": "SELECT tc.table_name, tc.constraint_name, tc.constraint_type, "
        "array_agg(k.column_name::text ORDER BY k.ordinal_position) "
        "FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage k "
        "USING (constraint_schema, constraint_name) WHERE tc.table_schema = 'public' "
        "GROUP BY 1, 2, 3",
        "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes "
        "WHERE schemaname = 'public'",
    }
    with psycopg.connect(url, autocommit=True) as conn:
        return {k: sorted(conn.execute(q).fetchall()) for k, q in queries.items()}  # type: ignore[arg-type]


def revision(url: str) -> str:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert row is not None
    return str(row[0])


def test_a_previous_release_database_upgrades_to_the_fresh_schema(
    postgres_url: str, fresh_url: str
) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(PREVIOUS_RELEASE.read_text())  # type: ignore[arg-type]
        conn.execute(
            "INSERT INTO checkpoint (source, position) VALUES ('binlog', '{\"gtid\": \"0-1-7\"}')"
        )

    run_migrations(postgres_url)  # what every start of sync does
    migrate = [sys.executable, "-m", "ficus_sync", "migrate", "--url", fresh_url]
    subprocess.run(migrate, check=True, capture_output=True, timeout=120)

    upgraded, fresh = schema(postgres_url), schema(fresh_url)
    assert {row[0] for row in fresh["columns"]} == SYNC_TABLES
    assert upgraded == fresh
    assert revision(postgres_url) == revision(fresh_url) == "0001"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        kept = conn.execute("SELECT position FROM checkpoint WHERE source = 'binlog'").fetchone()
    assert kept == ({"gtid": "0-1-7"},)
