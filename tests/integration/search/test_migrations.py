"""The search database's migrations: a database created by the previous release's inline DDL
(`fixtures/previous_release.sql`) upgrades to the same schema as a fresh `upgrade head`, and
`python -m ficus_search migrate` brings a fresh database to head."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ficus_devstack import Stack
from ficus_search import migration, repository

pytestmark = pytest.mark.integration

PREVIOUS_RELEASE = Path(__file__).parent / "fixtures" / "previous_release.sql"

_CATALOG = {
    "columns": """SELECT table_name, column_name, data_type, is_nullable, column_default
        FROM information_schema.columns WHERE table_schema = 'public'
        ORDER BY table_name, column_name""",
    "indexes": """SELECT tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname = 'public' ORDER BY indexname""",
    "triggers": """SELECT trigger_name, event_manipulation, event_object_table, action_timing,
        action_orientation, action_statement FROM information_schema.triggers
        WHERE trigger_schema = 'public' ORDER BY trigger_name, event_manipulation""",
    "functions": """SELECT p.proname, p.prosrc FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.prolang = (SELECT oid FROM pg_language
        WHERE lanname = 'plpgsql') ORDER BY p.proname""",
    "sequences": """SELECT sequence_name FROM information_schema.sequences
        WHERE sequence_schema = 'public' ORDER BY sequence_name""",
}


def _schema(url: str) -> dict[str, list[dict[str, Any]]]:
    with repository.connect(url) as conn:
        return {name: conn.execute(sql).fetchall() for name, sql in _CATALOG.items()}


def _version(url: str) -> str:
    with repository.connect(url) as conn:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert row is not None
    return str(row["version_num"])


@pytest.fixture
def two_databases(stack: Stack) -> Iterator[tuple[str, str]]:
    names = [f"t_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    for name in names:
        stack.postgres.ensure_database(name)
    yield stack.settings.postgres_url(names[0]), stack.settings.postgres_url(names[1])
    with stack.postgres.connect() as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_previous_release_upgrades_to_the_fresh_schema(two_databases: tuple[str, str]) -> None:
    previous, fresh = two_databases
    with repository.connect(previous) as conn:
        conn.execute(PREVIOUS_RELEASE.read_text())
    migration.upgrade(previous)
    migration.upgrade(fresh)
    assert _version(previous) == _version(fresh)
    before, after = _schema(previous), _schema(fresh)
    assert before["indexes"] and before["triggers"] and before["functions"]
    assert before == after


def test_migrate_command_brings_a_fresh_database_to_head(two_databases: tuple[str, str]) -> None:
    url, _ = two_databases
    for _ in range(2):  # the second run finds it current
        subprocess.run(
            [sys.executable, "-m", "ficus_search", "migrate", "--url", url], check=True, timeout=60
        )
    assert _version(url) == "0001"
    tables = {row["table_name"] for row in _schema(url)["columns"]}
    assert {"search_document", "search_match", "search_store", "search_dead_letter"} <= tables
