"""Session-scoped engines for the whole test suite, started through the same engine manager as
`ficus up`, in their own home (.ficus/test) and on their own ports so a running dev stack is
never touched. Each test gets its own database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pymysql
import pytest

from ficus_devstack import Stack, StackSettings, build_stack

ROOT = Path(__file__).resolve().parent.parent


def stack_settings_for_tests(**overrides: object) -> StackSettings:
    values: dict[str, object] = {
        "home": Path(os.environ.get("FICUS_TEST_HOME", str(ROOT / ".ficus" / "test"))),
        "mariadb_port": int(os.environ.get("FICUS_TEST_MARIADB_PORT", "23306")),
        "postgres_port": int(os.environ.get("FICUS_TEST_POSTGRES_PORT", "25432")),
    }
    values.update(overrides)
    return StackSettings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    """MariaDB (binlog on) and Postgres, fresh for this test session."""
    the_stack = build_stack(stack_settings_for_tests())
    the_stack.reset()
    the_stack.up()
    yield the_stack
    the_stack.down()


@pytest.fixture
def mariadb_database(stack: Stack) -> Iterator[str]:
    """A fresh, empty MariaDB database for one test; dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with stack.mariadb.admin_connection() as conn, conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
    yield name
    # a fresh connection: the test may have restarted MariaDB
    with stack.mariadb.admin_connection() as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture
def mariadb_conn(stack: Stack, mariadb_database: str) -> Iterator[pymysql.Connection]:  # type: ignore[type-arg]
    s = stack.settings
    conn = pymysql.connect(
        host=s.host,
        port=s.mariadb_port,
        user=s.mariadb_user,
        password=s.mariadb_password,
        database=mariadb_database,
        charset="utf8mb4",
        autocommit=False,
    )
    yield conn
    conn.close()


@pytest.fixture
def postgres_url(stack: Stack) -> Iterator[str]:
    """A fresh Postgres database for one test (URL); dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    stack.postgres.ensure_database(name)
    yield stack.settings.postgres_url(name)
    with stack.postgres.connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
