"""Sync's database schema is Alembic's (migrations/sync): a database the previous release created
with its inline DDL upgrades to exactly the schema a fresh `upgrade head` gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from ficus_sync.migration import DEFAULT_MIGRATIONS_DIR, run_migrations

pytestmark = pytest.mark.integration

PREVIOUS_RELEASE = Path(__file__).parent / "fixtures" / "previous_release_schema.sql"
SYNC_TABLES = {
    "checkpoint", "id_map", "projection", "dead_letter", "snapshot_progress", "snapshot_run",
    "domain_event", "alembic_version", "echo_expectation", "reconcile_progress",
}  # fmt: skip


def head() -> str:
    config = Config()
    config.set_main_option("script_location", str(DEFAULT_MIGRATIONS_DIR))
    return str(ScriptDirectory.from_config(config).get_current_head())


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


def test_a_previous_release_database_upgrades_to_the_fresh_schema(postgres_url: str) -> None:
    migrate = [sys.executable, "-m", "ficus_sync", "migrate", "--url", postgres_url]
    subprocess.run(migrate, check=True, capture_output=True, timeout=120)
    fresh = schema(postgres_url)
    assert revision(postgres_url) == head()
    with psycopg.connect(postgres_url, autocommit=True) as conn:  # start over: previous release
        conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        conn.execute(PREVIOUS_RELEASE.read_text())  # type: ignore[arg-type]
        conn.execute("INSERT INTO checkpoint VALUES ('binlog', '{\"gtid\": \"0-1-7\"}')")

    run_migrations(postgres_url)  # what every start of sync does

    assert {row[0] for row in fresh["columns"]} == SYNC_TABLES
    assert schema(postgres_url) == fresh
    assert revision(postgres_url) == head()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        kept = conn.execute("SELECT position FROM checkpoint WHERE source = 'binlog'").fetchone()
    assert kept == ({"gtid": "0-1-7"},)
